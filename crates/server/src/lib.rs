//! The HTTP service of deconflict: parse, authorise, call the model, append
//! to the log, answer.
//!
//! [`app`] builds the whole service as one axum [`Router`] from an
//! [`AppState`]; `deconflict serve` runs it on a socket and the tests drive
//! the very same router in-process with `tower::ServiceExt::oneshot`.
//!
//! # Architecture invariants
//!
//! - **Only this crate knows HTTP and JSON.** The model has no wire format;
//!   [`wire`] owns every request and response type and maps them to and
//!   from the model at the edge.
//! - **Every response is built from a need-to-know view.** Handlers get
//!   objects only through the model's views (`State::declaration`,
//!   `State::conflicts`, `State::view`, ...), which all go through
//!   `deconflict_model::sight`; errors come from the model's refusals, which
//!   never tell a hidden object from a missing one. The problem+json body
//!   of a 404 carries nothing of the request, so it is byte-identical for
//!   another party's private id and for an id that never existed.
//! - **Durable before the answer.** A command is answered only after the log
//!   entry recording it is fsynced (see [`AppState`]).
//! - **One error table** ([`ApiError`]), **one config struct** ([`Config`]),
//!   **one middleware stack** (below), **one module per resource**
//!   (`routes/`), each with its OpenAPI fragment.
//!
//! # The middleware stack, outermost first
//!
//! 1. request id (`x-request-id`: the caller's if it is a plain one of at
//!    most 64 characters, else 128 random bits in hex; echoed back);
//! 2. the `Authorization` header marked sensitive, so no log shows it;
//! 3. tracing: one span per request with method, path, request id, and the
//!    party and credential id once authenticated — never the token or the
//!    query;
//! 4. a caught panic becomes a 500 problem;
//! 5. responses counted by status class for `/metrics`;
//! 6. the request timeout (503 `timeout`);
//! 7. the body limit (413 `too_large`, enforced as the body is read).
//!
//! Authentication is the [`Caller`] extractor rather than a layer: every
//! `/v1` handler takes one first, so no body is read before the token is
//! checked, and the routes that need none (`/healthz`, the OpenAPI
//! document) simply do not ask. `/metrics` is the operator's: it checks the
//! configured metrics token itself and, without it, answers like a path that
//! does not exist. The per-credential rate limit sits in the same extractor,
//! since it needs the credential, and so does the limit on failed
//! authentications per address, which needs the peer's address.
//!
//! # Under the stack: the connections
//!
//! [`serve`] and [`serve_tls`] run their own accept loop over hyper (see
//! `serve.rs`): accept errors waited out, a cap on open connections (one
//! more is closed at once), the TLS handshake in the connection's task, a
//! header read timeout, the peer's address for each request, and a stop
//! that ends event streams, finishes the requests under way and closes the
//! rest within the grace period.

mod auth;
mod blocking;
pub mod cot;
mod devices;
mod events;
mod extract;
mod features;
mod listen;
mod metrics;
mod openapi;
mod picture;
mod problem;
mod process;
mod routes;
mod serve;
mod state;
mod tiles;
pub mod tls;
pub mod webhooks;

pub use auth::Caller;
pub use deconflict_service::{
    Config, ENGINE_MAX_VERTICES, FailureLimit, Halt, MetricsToken, RateLimit, RecordError,
    StartError,
};
pub use deconflict_wire::time;
pub use openapi::document as openapi_document;
pub use problem::ApiError;
pub use state::AppState;
pub use tiles::{TileError, TileSource};

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request, header};
use axum::response::IntoResponse;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole HTTP service over `state`: every route, the middleware stack,
/// problem+json for unknown routes and methods.
pub fn app(state: AppState) -> Router {
    let mut router = routes::console::router();
    for route in routes::all() {
        let handler = match route.body_limit {
            Some(limit) => {
                let limit = limit(state.config());
                route
                    .handler
                    .layer::<_, std::convert::Infallible>(DefaultBodyLimit::max(limit))
                    .layer::<_, std::convert::Infallible>(axum::Extension(routes::BodyLimit(limit)))
            }
            None => route.handler,
        };
        let handler = match route.features {
            Some(layout) => {
                let app = state.clone();
                handler.layer(axum::middleware::from_fn(move |request, next| {
                    features::negotiate(app.clone(), layout, request, next)
                }))
            }
            None => handler,
        };
        router = router.route(route.path, handler);
    }
    let stack = ServiceBuilder::new()
        .map_request(plain_request_id::<axum::body::Body>)
        .layer(SetRequestIdLayer::new(REQUEST_ID, RequestIds))
        .layer(SetSensitiveRequestHeadersLayer::new([
            header::AUTHORIZATION,
        ]))
        .layer(TraceLayer::new_for_http().make_span_with(span))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        // Outside the panic catcher, so that a handler's panic is counted
        // as the 500 it answers rather than lost with the unwinding.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::count,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal.into_response()
        }))
        .layer(HandleErrorLayer::new(|_: tower::BoxError| async {
            ApiError::Timeout
        }))
        .layer(tower::timeout::TimeoutLayer::new(
            state.config().request_timeout,
        ))
        .layer(DefaultBodyLimit::max(state.config().body_limit));
    router
        .fallback(|| async { ApiError::NoRoute })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(stack)
        .with_state(state)
}

/// Serves `app(state)` on `listener` until `shutdown` resolves, then
/// stops the service ([`AppState::stop`]: event streams end), finishes the
/// requests under way within [`Config::shutdown_grace`] and closes the
/// other connections.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let _background = Background::start(&state);
    serve::run(listener, None, app(state.clone()), state, shutdown).await;
    Ok(())
}

/// [`serve`] over TLS; see [`tls::config`].
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    tls: std::sync::Arc<tls::ServerConfig>,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let _background = Background::start(&state);
    let acceptor = Some(tokio_rustls::TlsAcceptor::from(tls));
    serve::run(listener, acceptor, app(state.clone()), state, shutdown).await;
    Ok(())
}

/// How often the log signs a checkpoint of what has landed since the last.
const CHECKPOINT_PERIOD: std::time::Duration = std::time::Duration::from_millis(500);
/// How often the service looks for silent units and unanswered notices.
const SWEEP_PERIOD: std::time::Duration = std::time::Duration::from_secs(1);

/// The tasks that run beside the requests while the service runs: the
/// checkpoint signer, the sweep and the webhook deliveries; stopped when
/// dropped.
struct Background(Vec<tokio::task::JoinHandle<()>>);

impl Background {
    fn start(state: &AppState) -> Background {
        Background(vec![
            tokio::spawn(deconflict_service::record::sign_every(
                state.service().clone(),
                CHECKPOINT_PERIOD,
            )),
            tokio::spawn(sweep_every(state.clone(), SWEEP_PERIOD)),
            tokio::spawn(webhooks::supervise(state.hooks())),
        ])
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.0.iter().for_each(tokio::task::JoinHandle::abort);
    }
}

async fn sweep_every(state: AppState, period: std::time::Duration) {
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        // Of several nodes on one log, the one that leads sweeps.
        if !state.leading().await {
            continue;
        }
        if let Err(e) = state.sweep().await {
            tracing::error!(error = %e, "sweeping for silent units and unanswered notices");
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// Request ids: 128 random bits in hex, so that the ids a caller is given
/// tell nothing of how many requests others made, or in what order. A
/// request that comes with a plain `x-request-id` keeps it: it is echoed to
/// that caller only, and logged (quoted) beside the party's own name.
#[derive(Clone, Copy, Debug, Default)]
struct RequestIds;

/// The longest `x-request-id` a caller may choose.
const MAX_REQUEST_ID: usize = 64;

/// Drops a caller's `x-request-id` unless it is at most [`MAX_REQUEST_ID`]
/// letters, digits and `-_.:`, so that the logs never carry a caller's
/// padding or anything that could read as another field; one is then made.
fn plain_request_id<B>(mut request: Request<B>) -> Request<B> {
    let plain = |v: &axum::http::HeaderValue| {
        let bytes = v.as_bytes();
        !bytes.is_empty()
            && bytes.len() <= MAX_REQUEST_ID
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
    };
    let headers = request.headers();
    let supplied = headers.get_all(REQUEST_ID).iter().count();
    if supplied > 1 || headers.get(REQUEST_ID).is_some_and(|v| !plain(v)) {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let mut bytes = [0u8; 16];
        // No entropy, no id: the request goes on without one rather than
        // with a guessable one.
        getrandom::fill(&mut bytes).ok()?;
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Some(RequestId::new(id.parse().ok()?))
    }
}

fn span<B>(request: &Request<B>) -> tracing::Span {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = request.uri().path(),
        id,
        party = tracing::field::Empty,
        credential = tracing::field::Empty,
    )
}
