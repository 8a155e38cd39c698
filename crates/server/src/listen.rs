//! Accepting connections without ever giving up, and whether each listener
//! accepts, for `/healthz`.
//!
//! `accept(2)` fails for reasons that pass: the process out of file
//! descriptors (a flood of idle connections), the system out of memory, a
//! connection reset before it was taken. A listener that returned on such
//! an error would stay down for good while the rest of the service looked
//! healthy. [`accept`] logs the error, waits (10 ms, doubling to 1 s, back
//! to 10 ms after a success) and tries again; meanwhile its listener is
//! marked down in [`Listeners`] and `/healthz` answers 503.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// The first wait after a failed accept, and the longest.
const FIRST_BACKOFF: Duration = Duration::from_millis(10);
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// What accepts connections: a TCP listener, or a fake one in tests.
pub(crate) trait Accept {
    type Io;
    fn accept_one(
        &mut self,
    ) -> impl std::future::Future<Output = io::Result<(Self::Io, SocketAddr)>> + Send;
}

impl Accept for tokio::net::TcpListener {
    type Io = tokio::net::TcpStream;

    async fn accept_one(&mut self) -> io::Result<(Self::Io, SocketAddr)> {
        self.accept().await
    }
}

/// The next connection `listener` accepts, however many errors come first
/// (see the module docs); `health`, if given, is down while they do.
/// Cancel-safe.
pub(crate) async fn accept<A: Accept>(
    listener: &mut A,
    what: &str,
    health: Option<&Health>,
) -> (A::Io, SocketAddr) {
    let mut wait = FIRST_BACKOFF;
    loop {
        match listener.accept_one().await {
            Ok(accepted) => {
                if let Some(health) = health
                    && !health.is_up()
                {
                    tracing::info!(listener = what, "accepting connections again");
                    health.set(true);
                }
                return accepted;
            }
            Err(e) => {
                if let Some(health) = health {
                    health.set(false);
                }
                tracing::error!(
                    listener = what,
                    error = %e,
                    retry_ms = wait.as_millis() as u64,
                    "cannot accept a connection; trying again"
                );
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Each listener beside HTTP (the Cursor-on-Target ones) and whether it
/// accepts.
#[derive(Debug, Default)]
pub(crate) struct Listeners(Mutex<Vec<Arc<AtomicBool>>>);

impl Listeners {
    /// A new listener, up; it is down once the handle is dropped.
    pub(crate) fn add(&self) -> Health {
        let up = Arc::new(AtomicBool::new(true));
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(up.clone());
        Health(up)
    }

    /// Whether every listener accepts.
    pub(crate) fn all_up(&self) -> bool {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .all(|up| up.load(Ordering::Relaxed))
    }
}

/// One listener's health, marked down when dropped (its task ended).
#[derive(Debug)]
pub(crate) struct Health(Arc<AtomicBool>);

impl Health {
    pub(crate) fn set(&self, up: bool) {
        self.0.store(up, Ordering::Relaxed);
    }

    pub(crate) fn is_up(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl Drop for Health {
    fn drop(&mut self) {
        self.set(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AppState, Config, app};
    use axum::body::Body;
    use axum::http::Request;
    use tokio::sync::mpsc;
    use tower::ServiceExt;

    /// A listener whose every accept takes the next answer it is given.
    struct Fake(mpsc::UnboundedReceiver<io::Result<u32>>);

    impl Accept for Fake {
        type Io = u32;

        async fn accept_one(&mut self) -> io::Result<(u32, SocketAddr)> {
            let next = self.0.recv().await.expect("an answer");
            next.map(|n| (n, SocketAddr::from(([127, 0, 0, 1], 4000))))
        }
    }

    async fn healthz(state: &AppState) -> u16 {
        let request = Request::get("/healthz").body(Body::empty()).unwrap();
        let response = app(state.clone()).oneshot(request).await.unwrap();
        response.status().as_u16()
    }

    #[tokio::test]
    async fn accept_errors_are_waited_out_and_healthz_says_so_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(dir.path(), Config::default()).unwrap();
        let (answers, rx) = mpsc::unbounded_channel();
        let mut listener = Fake(rx);
        let health = state.listeners().add();
        assert_eq!(healthz(&state).await, 200);

        answers.send(Ok(1)).unwrap();
        assert_eq!(accept(&mut listener, "fake", Some(&health)).await.0, 1);
        // Out of file descriptors, three times: the loop waits and goes on.
        for _ in 0..3 {
            answers.send(Err(io::Error::from_raw_os_error(24))).unwrap();
        }
        let state2 = state.clone();
        let started = tokio::time::Instant::now();
        let accepting = tokio::spawn(async move {
            let health = health;
            let accepted = accept(&mut listener, "fake", Some(&health)).await.0;
            (accepted, health, listener)
        });
        tokio::time::sleep(Duration::from_millis(15)).await;
        assert_eq!(healthz(&state2).await, 503, "down while accept fails");
        answers.send(Ok(2)).unwrap();
        let (accepted, health, _listener) = accepting.await.unwrap();
        assert_eq!(accepted, 2);
        // 10 + 20 + 40 ms of backoff.
        assert!(started.elapsed() >= Duration::from_millis(70));
        assert!(health.is_up());
        assert_eq!(healthz(&state).await, 200);
        // A listener whose task ended is down.
        drop(health);
        assert_eq!(healthz(&state).await, 503);
    }
}
