//! The web console at `/`: `index.html` and its assets, embedded by
//! `deconflict-console`. Not part of the API, so neither in [`super::all`]
//! nor in the OpenAPI document; the `/v1` routes are matched by their own
//! paths and never reach these.
//!
//! Every answer carries a Content-Security-Policy that lets the page load
//! and call nothing but this origin (Leaflet's images may be `data:` or
//! `blob:` URLs; no inline script or style). `index.html` is revalidated on
//! every load; the assets it names carry a hash of their content in their
//! names, so they are cached for good.

use crate::problem::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
                   connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/assets/{*file}", get(asset))
}

async fn index() -> Response {
    serve(deconflict_console::INDEX)
}

async fn asset(Path(file): Path<String>) -> Response {
    serve(&format!("assets/{file}"))
}

fn serve(path: &str) -> Response {
    let Some(asset) = deconflict_console::asset(path) else {
        return ApiError::NoRoute.into_response();
    };
    let cache = if asset.immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ],
        asset.bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_revalidated_and_assets_are_cached_for_good() {
        let index = serve("index.html");
        assert_eq!(index.headers()[header::CACHE_CONTROL], "no-cache");
        assert_eq!(
            index.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        assert!(
            index.headers()[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .starts_with("default-src 'self'")
        );
        assert_eq!(serve("assets/none.js").status(), 404);
    }
}
