//! The web console at `/`: `index.html` and its assets, embedded by
//! `deconflict-console`. Not part of the API, so neither in [`super::all`]
//! nor in the OpenAPI document; the `/v1` routes are matched by their own
//! paths and never reach these.
//!
//! Every answer carries a Content-Security-Policy that lets the page load
//! and call nothing but this origin (Leaflet's images may be `data:` or
//! `blob:` URLs, and come from the one external tile server a deployment
//! may name with `--tile-url`; no inline script or style). `index.html` is revalidated on
//! every load; the assets it names carry a hash of their content in their
//! names, so they are cached for good.

use crate::problem::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
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

async fn index(State(app): State<AppState>) -> Response {
    serve(deconflict_console::INDEX, image_origin(&app))
}

async fn asset(State(app): State<AppState>, Path(file): Path<String>) -> Response {
    serve(&format!("assets/{file}"), image_origin(&app))
}

fn image_origin(app: &AppState) -> Option<&str> {
    app.tiles().and_then(crate::TileSource::image_origin)
}

/// The policy, letting images come from `images` too: an origin checked
/// to be one scheme, host and port (see [`crate::TileSource::external`]).
fn csp(images: Option<&str>) -> HeaderValue {
    match images {
        None => HeaderValue::from_static(CSP),
        Some(origin) => {
            HeaderValue::from_str(&CSP.replacen("blob:;", &format!("blob: {origin};"), 1))
                .expect("an origin of plain characters")
        }
    }
}

fn serve(path: &str, images: Option<&str>) -> Response {
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
            (header::CONTENT_SECURITY_POLICY, csp(images)),
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
        let index = serve("index.html", None);
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
        assert_eq!(serve("assets/none.js", None).status(), 404);
    }

    #[test]
    fn an_external_tile_server_is_the_one_origin_images_may_come_from_beside_this_one() {
        let policy = |images| csp(images).to_str().unwrap().to_owned();
        assert!(policy(None).contains("img-src 'self' data: blob:;"));
        let with = policy(Some("https://tiles.example.org:8443"));
        assert!(
            with.contains("img-src 'self' data: blob: https://tiles.example.org:8443;"),
            "{with}"
        );
        assert_eq!(with.matches("tiles.example.org").count(), 1, "{with}");
        assert!(with.contains("connect-src 'self';"), "{with}");
    }
}
