//! The HTTP(S) connections: accepted, capped, timed and stopped.
//!
//! - **Accepting** never stops for an error (see `crate::listen`).
//! - **At most [`crate::Config::max_connections`]** are served at once; one
//!   more is closed as soon as it is accepted and counted
//!   (`deconflict_connections_refused_total{reason="http_cap"}`), so the
//!   accept loop keeps draining the backlog whatever a flood does.
//! - **The header timeout** ([`crate::Config::header_timeout`], hyper's
//!   header read timeout): a connection that has not sent a whole request
//!   header in time, or sits idle that long between requests, is closed.
//!   A TLS handshake has its own ten seconds before that.
//! - **The peer's address** is given to each request as axum's
//!   `ConnectInfo`, for the limit on failed authentications (`auth.rs`).
//! - **Stopping**: when the shutdown future resolves, the listener closes
//!   and [`AppState::stop`] ends every event stream (the body ends),
//!   Cursor-on-Target connection and webhook delivery. A connection with a
//!   request in the service finishes it (keep-alive off) within
//!   [`crate::Config::shutdown_grace`]; one without (idle, or half-way
//!   through a header) is closed after [`LINGER`], time for a response
//!   just finished to be written out. Then whatever is left is dropped.

use crate::metrics::Refusal;
use crate::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use http_body_util::BodyExt;
use hyper::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// How long a connection with no request in the service is given, once
/// the service stops, before it is closed.
pub(crate) const LINGER: Duration = Duration::from_millis(200);

/// Serves `router` (the service over `state`) on `listener`, over TLS if
/// `tls` is given, until `shutdown` resolves; then stops as the module
/// docs say.
pub(crate) async fn run(
    mut listener: TcpListener,
    tls: Option<TlsAcceptor>,
    router: Router,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(state.config().max_connections));
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = crate::listen::accept(&mut listener, "http", None) => accepted,
            () = &mut shutdown => break,
        };
        while connections.try_join_next().is_some() {}
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            state.metrics().refused(Refusal::Http);
            tracing::warn!(%peer, "an HTTP connection closed: as many are open as allowed");
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let connection = Connection {
            peer,
            router: router.clone(),
            state: state.clone(),
            _slot: slot,
        };
        connections.spawn(connection.serve(tcp, tls.clone()));
    }
    drop(listener);
    state.stop();
    let open = connections.len();
    if open > 0 {
        tracing::info!(open, "stopping: finishing the requests under way");
    }
    let finished = async { while connections.join_next().await.is_some() {} };
    let grace = state.config().shutdown_grace + LINGER;
    if tokio::time::timeout(grace, finished).await.is_err() {
        tracing::warn!(
            open = connections.len(),
            "stopping: connections still open after the grace period are closed"
        );
    }
    connections.shutdown().await;
    // Every answered entry is durable by now: a checkpoint covers them all,
    // so a restart can tell if any goes missing.
    match state.sign_checkpoint_now().await {
        Ok(size) => tracing::info!(size, "stopping: signed a checkpoint of the whole log"),
        Err(error) => tracing::error!(%error, "stopping: signing the last checkpoint"),
    }
}

/// One accepted connection, holding its place under the cap.
struct Connection {
    peer: SocketAddr,
    router: Router,
    state: AppState,
    _slot: OwnedSemaphorePermit,
}

/// How a request came: `http` or `https`, for the links an answer writes
/// back to the service (OGC API – Features wants them absolute).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scheme(pub(crate) &'static str);

impl Connection {
    async fn serve(self, tcp: TcpStream, tls: Option<TlsAcceptor>) {
        let mut stopping = self.state.stopping();
        let Some(acceptor) = tls else {
            return self.http(tcp, Scheme("http"), stopping).await;
        };
        let handshake = tokio::select! {
            done = crate::tls::handshake(&acceptor, tcp) => done,
            _ = stopping.wait_for(|stop| *stop) => return,
        };
        match handshake {
            Ok(stream) => self.http(stream, Scheme("https"), stopping).await,
            Err(error) => tracing::debug!(peer = %self.peer, %error, "TLS handshake failed"),
        }
    }

    async fn http<S>(self, io: S, scheme: Scheme, mut stopping: watch::Receiver<bool>)
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let Connection {
            peer,
            router,
            state,
            _slot,
        } = self;
        let busy = Arc::new(AtomicUsize::new(0));
        let in_service = busy.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            request.extensions_mut().insert(scheme);
            let busy = Busy::enter(&in_service);
            let router = router.clone();
            async move {
                let response = router.oneshot(request).await?;
                // The request is under way until its body is sent.
                Ok::<_, Infallible>(response.map(|body| {
                    Body::new(body.map_frame(move |frame| {
                        busy.hold();
                        frame
                    }))
                }))
            }
        });
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(state.config().header_timeout);
        let connection = http.serve_connection(TokioIo::new(io), service);
        tokio::pin!(connection);
        tokio::select! {
            served = connection.as_mut() => {
                if let Err(error) = served {
                    tracing::debug!(%peer, %error, "an HTTP connection ended");
                }
                return;
            }
            _ = stopping.wait_for(|stop| *stop) => {}
        }
        connection.as_mut().graceful_shutdown();
        let wait = if busy.load(Ordering::Acquire) == 0 {
            LINGER
        } else {
            state.config().shutdown_grace
        };
        if tokio::time::timeout(wait, connection).await.is_err() {
            tracing::debug!(%peer, "stopping: an HTTP connection closed");
        }
    }
}

/// A request in the service, from its call until its body is sent or
/// dropped.
struct Busy(Arc<AtomicUsize>);

impl Busy {
    fn enter(count: &Arc<AtomicUsize>) -> Busy {
        count.fetch_add(1, Ordering::AcqRel);
        Busy(count.clone())
    }

    /// Keeps the guard with the body that holds it.
    fn hold(&self) {}
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}
