//! The deployment's ground (see [`crate::tiles`]): `GET /v1/map` says what
//! the console draws under its shapes, `GET /v1/tiles/{z}/{x}/{y}` serves a
//! tile of the deployment's MBTiles file. Both are the same for every
//! caller; like every `/v1` route they need a token and count against its
//! rate limit.

use super::{Route, route};
use crate::auth::Caller;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::tiles::{MAX_ZOOM, Tile, TileSource, coordinate};
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// How long a browser keeps a tile: the file does not change while the
/// service runs.
const TILE_CACHE: &str = "private, max-age=3600";

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/v1/map", map),
        route(Method::GET, "/v1/tiles/{z}/{x}/{y}", tile),
    ]
}

#[derive(Debug, Serialize)]
struct MapOut {
    tiles: Option<TilesOut>,
}

#[derive(Debug, Serialize)]
struct TilesOut {
    url: String,
    format: Option<&'static str>,
    min_zoom: u8,
    max_zoom: u8,
    bounds: Option<[f64; 4]>,
    attribution: Option<String>,
}

impl From<&TileSource> for TilesOut {
    fn from(source: &TileSource) -> TilesOut {
        let (min_zoom, max_zoom) = source.zooms();
        TilesOut {
            url: source.url().to_owned(),
            format: source.format().map(|f| f.as_str()),
            min_zoom,
            max_zoom,
            bounds: source.bounds(),
            attribution: source.attribution().map(str::to_owned),
        }
    }
}

async fn map(Caller(_): Caller, State(app): State<AppState>) -> Json<MapOut> {
    Json(MapOut {
        tiles: app.tiles().map(TilesOut::from),
    })
}

async fn tile(
    Caller(_): Caller,
    State(app): State<AppState>,
    address: Result<Path<(String, String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Ok(Path((z, x, y))) = address else {
        return Err(ApiError::NoRoute);
    };
    let (z, x, y) = parse_address(&z, &x, &y)?;
    let not_found = ApiError::NotFound("tile");
    let Some(source) = app.tiles() else {
        return Err(not_found);
    };
    let tile = source.tile(z, x, y).await.map_err(|e| {
        tracing::error!(error = %e, "reading a tile");
        ApiError::Internal
    })?;
    let (Some(tile), Some(format)) = (tile, source.format()) else {
        return Err(not_found);
    };
    Ok(answer(tile, format.content_type(), &headers))
}

/// `z/x/y` as numbers in range; a refusal names the segment and never
/// repeats what was sent.
fn parse_address(z: &str, x: &str, y: &str) -> Result<(u8, u32, u32), ApiError> {
    let refuse = |field: &str, detail: &str| ApiError::Invalid {
        code: "invalid_field",
        field: field.to_owned(),
        detail: format!("{field}: {detail}"),
    };
    let z = coordinate(z, u64::from(MAX_ZOOM) + 1)
        .ok_or_else(|| refuse("z", "a zoom level, a whole number from 0 to 30"))?;
    let z = u8::try_from(z).expect("at most 30");
    let side = 1u64 << z;
    let x = coordinate(x, side)
        .ok_or_else(|| refuse("x", "a column, a whole number below 2 to the power z"))?;
    let y = coordinate(y, side)
        .ok_or_else(|| refuse("y", "a row, a whole number below 2 to the power z"))?;
    Ok((z, x, y))
}

/// The tile, or 304 when the caller holds it already.
fn answer(tile: Tile, content_type: &'static str, headers: &HeaderMap) -> Response {
    let etag = HeaderValue::from_str(&tile.etag).expect("hex in quotes");
    let cache = HeaderValue::from_static(TILE_CACHE);
    let held = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == tile.etag || t.trim() == "*");
    if held {
        let headers = [(header::ETAG, etag), (header::CACHE_CONTROL, cache)];
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::CACHE_CONTROL, cache),
        (header::ETAG, etag),
    ];
    (headers, tile.bytes).into_response()
}
