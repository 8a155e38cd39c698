//! The service's own routes, open without a token: `GET /healthz`,
//! `GET /metrics` (Prometheus text) and `GET /v1/openapi.json`. None of them
//! tells anything about any party's objects.

use super::{Route, route};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/healthz", healthz),
        route(Method::GET, "/metrics", metrics),
        route(Method::GET, "/v1/openapi.json", openapi),
    ]
}

async fn healthz(State(app): State<AppState>) -> Result<Response, ApiError> {
    if app.failed() {
        return Err(ApiError::Unavailable);
    }
    let seq = app.log().stats().durable_seq;
    Ok(Json(json!({ "status": "ok", "log_entries": seq })).into_response())
}

async fn metrics(State(app): State<AppState>) -> Response {
    let seq = app.log().stats().durable_seq;
    let mut response = crate::metrics::render(&app, seq).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

async fn openapi() -> Response {
    let mut response = crate::openapi::document().to_owned().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
