//! GIS formats for the routes that answer with places: GeoJSON, KML and
//! CSV besides the API's JSON, chosen by `?f=` or by `Accept`, and the
//! buffered outline with `?outline=true`.
//!
//! A layer around each such route: it takes `f` and `outline` out of the
//! query, lets the handler answer as it always does, and rewrites a
//! successful JSON answer in the format asked for
//! ([`deconflict_features`]). So every format shows exactly what the JSON
//! shows the caller, and refusals stay problem+json.

use crate::auth::Caller;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use deconflict_features::{Features, Format, Layout};

pub(crate) const DECLARATIONS: Layout = Layout {
    name: "declarations",
    geometry: "/geometry",
    buffer: Some("/buffer_m"),
};
pub(crate) const ACTIVITIES: Layout = Layout {
    name: "activities",
    geometry: "/geometry",
    buffer: Some("/buffer_m"),
};
/// A conflict's place is the coarse box of its overlap, whoever asks.
pub(crate) const CONFLICTS: Layout = Layout {
    name: "conflicts",
    geometry: "/overlap/area/geometry",
    buffer: None,
};
pub(crate) const INCIDENTS: Layout = Layout {
    name: "incidents",
    geometry: "/place",
    buffer: Some("/precision_m"),
};
/// Only the raiser and the coordinator are shown where a stop is.
pub(crate) const STOPS: Layout = Layout {
    name: "stops",
    geometry: "/detail/geometry",
    buffer: Some("/detail/buffer_m"),
};

/// What the caller asked for, and the request without the asking.
struct Asked {
    format: Format,
    outline: bool,
}

/// The layer: see the module docs.
pub(crate) async fn negotiate(
    app: AppState,
    layout: Layout,
    mut request: Request,
    next: Next,
) -> Response {
    let asked = match asked(&mut request) {
        Ok(asked) => asked,
        // A caller without a valid token learns that first, as on every
        // other route.
        Err(refused) => {
            let (mut parts, _) = request.into_parts();
            return match Caller::from_request_parts(&mut parts, &app).await {
                Ok(_) => refused.into_response(),
                Err(unauthenticated) => unauthenticated.into_response(),
            };
        }
    };
    let mut response = next.run(request).await;
    // The same URL answers in several formats by `Accept`.
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept"));
    if asked.format == Format::Json || !response.status().is_success() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // The handler's own answer, already in memory: no limit to guard.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return ApiError::Internal.into_response();
    };
    let Ok(answer) = serde_json::from_slice(&bytes) else {
        return ApiError::Internal.into_response();
    };
    let features = Features::of(answer, &layout, asked.outline);
    let Some(text) = features.write(asked.format) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asked.format.media_type()),
    );
    Response::from_parts(parts, Body::from(text))
}

/// Reads `f`, `outline` and `Accept`, and takes `f` and `outline` out of
/// the query the handler parses.
fn asked(request: &mut Request) -> Result<Asked, ApiError> {
    let query = request.uri().query().unwrap_or_default().to_owned();
    let mut named = None;
    let mut outline = None;
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "f" => {
                named =
                    Some(Format::named(&value).map_err(|e| ApiError::query("f", e.to_string()))?)
            }
            "outline" => {
                outline = Some(value.parse::<bool>().map_err(|_| {
                    ApiError::query("outline", format!("{value:?} is not true or false"))
                })?)
            }
            _ => {
                rest.append_pair(&key, &value);
            }
        }
    }
    let format = named.unwrap_or_else(|| {
        request
            .headers()
            .get(header::ACCEPT)
            .and_then(|a| a.to_str().ok())
            .map_or(Format::Json, Format::accepted)
    });
    let strip = named.is_some() || outline.is_some();
    let outline = outline.unwrap_or(false);
    if outline && format == Format::Json {
        return Err(ApiError::query(
            "outline",
            "an outline is drawn in a GIS format: f=geojson, kml or csv",
        ));
    }
    if strip {
        let rest = rest.finish();
        let mut parts = request.uri().clone().into_parts();
        let path = request.uri().path();
        let path_and_query = if rest.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{rest}")
        };
        parts.path_and_query = Some(
            path_and_query
                .parse()
                .map_err(|_| ApiError::query("f", "unreadable query"))?,
        );
        *request.uri_mut() = axum::http::Uri::from_parts(parts)
            .map_err(|_| ApiError::query("f", "unreadable query"))?;
    }
    Ok(Asked { format, outline })
}
