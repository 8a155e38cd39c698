//! The service's own routes: `GET /healthz` and `GET /v1/openapi.json`, open
//! without a token, and `GET /metrics` (Prometheus text), the operator's,
//! which answers only to the configured metrics token and otherwise exactly
//! like a path that does not exist. None of them tells anything about any
//! party's objects or activity.

use super::{Route, route};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/healthz", healthz),
        // Every method, so that no method tells the path apart from an
        // unknown one (a 405 would).
        Route {
            method: Method::GET,
            path: "/metrics",
            handler: axum::routing::any(metrics),
            body_limit: None,
            features: None,
        },
        route(Method::GET, "/v1/openapi.json", openapi),
    ]
}

/// Whether the service serves: nothing else, not even how long the log is,
/// which would tell anyone who polls it when others act. A
/// Cursor-on-Target listener that cannot accept, or a checkpoint that could
/// not be stored, makes it 503 `degraded`.
async fn healthz(State(app): State<AppState>) -> Result<Response, ApiError> {
    if app.failed() {
        return Err(app.refusal().into());
    }
    if app.degraded() {
        let degraded = Json(json!({ "status": "degraded" }));
        return Ok((axum::http::StatusCode::SERVICE_UNAVAILABLE, degraded).into_response());
    }
    Ok(Json(json!({ "status": "ok" })).into_response())
}

async fn metrics(State(app): State<AppState>, method: Method, headers: HeaderMap) -> Response {
    let readable = method == Method::GET || method == Method::HEAD;
    if !(readable && crate::metrics::authorised(&app, &headers).await) {
        return ApiError::NoRoute.into_response();
    }
    let seq = app.log().stats().durable_seq;
    let gauges = gauges(&app, seq).await;
    let mut response = crate::metrics::render(&app, seq, &gauges).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// The figures `/metrics` reads from the state and the webhooks table; any
/// it cannot read now are left at zero (and logged) rather than failing it.
async fn gauges(app: &AppState, seq: u64) -> crate::metrics::Gauges {
    let mut gauges = crate::metrics::Gauges::default();
    if let Ok(totals) = app.service().read(|state| state.totals()).await {
        gauges.open_conflicts = totals.open_conflicts;
        gauges.held_activities = totals.held_activities;
    }
    if let Ok(hooks) = crate::webhooks::store(app.webhooks(), |w| w.live()).await {
        gauges.webhooks = hooks.len();
        gauges.webhooks_failing = hooks.iter().filter(|h| h.attempts > 0).count();
        gauges.webhook_backlog = hooks.iter().map(|h| seq.saturating_sub(h.cursor)).sum();
    }
    gauges
}

async fn openapi() -> Response {
    let mut response = crate::openapi::document().to_owned().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
