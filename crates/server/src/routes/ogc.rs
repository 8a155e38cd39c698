//! OGC API – Features (Part 1, Core and GeoJSON) at `/ogc`, so that QGIS,
//! ArcGIS and GDAL's `OAPIF` driver add a party's layers from one URL with
//! its bearer token as a header.
//!
//! The collections are the API's own lists, read through the very same
//! handlers (so a conflict shown here is delivered, as it is on
//! `/v1/conflicts`), written as features by [`deconflict_features`]: each
//! caller sees in a layer exactly what the API shows it. `bbox` and
//! `datetime` narrow a page; paging follows the API's cursor as `next`
//! links, so a page may hold fewer than `limit` features and still have a
//! next one.

use super::{ListParams, Route, route};
use crate::auth::Caller;
use crate::extract::{Id, Query};
use crate::features::{ACTIVITIES, CONFLICTS, DECLARATIONS, INCIDENTS, STOPS};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use deconflict_features::{Features, Layout};
use deconflict_model::{ActivityId, ConflictId, DeclarationId, IncidentId, StopId};
use geojson::{Feature, FeatureCollection, JsonObject};
use serde::Deserialize;
use serde_json::{Value, json};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/ogc", landing),
        route(Method::GET, "/ogc/conformance", conformance),
        route(Method::GET, "/ogc/collections", collections),
        route(Method::GET, "/ogc/collections/{collection}", collection),
        route(Method::GET, "/ogc/collections/{collection}/items", items),
        route(
            Method::GET,
            "/ogc/collections/{collection}/items/{feature}",
            item,
        ),
    ]
}

/// A layer: one of the API's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Collection {
    Declarations,
    /// Declared units that report their positions, where they last were.
    Tracks,
    Activities,
    Conflicts,
    Incidents,
    Stops,
}

const COLLECTIONS: [Collection; 6] = [
    Collection::Declarations,
    Collection::Tracks,
    Collection::Activities,
    Collection::Conflicts,
    Collection::Incidents,
    Collection::Stops,
];

impl Collection {
    fn id(self) -> &'static str {
        match self {
            Collection::Declarations => "declarations",
            Collection::Tracks => "tracks",
            Collection::Activities => "activities",
            Collection::Conflicts => "conflicts",
            Collection::Incidents => "incidents",
            Collection::Stops => "stops",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Collection::Declarations => "Declared sites and units",
            Collection::Tracks => "Units reporting their positions",
            Collection::Activities => "Planned and active activities",
            Collection::Conflicts => "Conflicts (the other side as a 0.05° box)",
            Collection::Incidents => "Incidents",
            Collection::Stops => "Check fire",
        }
    }

    fn layout(self) -> Layout {
        match self {
            Collection::Declarations | Collection::Tracks => DECLARATIONS,
            Collection::Activities => ACTIVITIES,
            Collection::Conflicts => CONFLICTS,
            Collection::Incidents => INCIDENTS,
            Collection::Stops => STOPS,
        }
    }

    /// Where an item's time window starts and ends.
    fn window(self) -> (&'static str, &'static str) {
        match self {
            Collection::Declarations | Collection::Tracks => ("/valid_from", "/valid_to"),
            Collection::Activities => ("/start", "/end"),
            Collection::Conflicts => ("/overlap/from", "/overlap/to"),
            Collection::Incidents => ("/window/from", "/window/to"),
            Collection::Stops => ("/raised", "/until"),
        }
    }

    fn named(id: &str) -> Result<Collection, ApiError> {
        COLLECTIONS
            .into_iter()
            .find(|c| c.id() == id)
            .ok_or(ApiError::NotFound("collection"))
    }

    fn describe(self, origin: &Origin) -> Value {
        let id = self.id();
        json!({
            "id": id,
            "title": self.title(),
            "itemType": "feature",
            "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
            "links": [
                origin.link(&format!("/ogc/collections/{id}"), "self", "application/json", self.title()),
                origin.link(&format!("/ogc/collections/{id}/items"), "items", "application/geo+json", self.title()),
            ],
        })
    }
}

/// The service's own address as the caller reached it: links are written
/// absolute, as OGC clients (GDAL among them) resolve them by appending.
#[derive(Debug, Clone)]
struct Origin(String);

impl axum::extract::FromRequestParts<AppState> for Origin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &AppState,
    ) -> Result<Origin, ApiError> {
        let scheme = parts
            .extensions
            .get::<crate::serve::Scheme>()
            .map_or("http", |s| s.0);
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| !h.is_empty() && !h.contains(['/', '\\', ' ', '@']))
            .unwrap_or("localhost");
        Ok(Origin(format!("{scheme}://{host}")))
    }
}

impl Origin {
    fn link(&self, path: &str, rel: &str, media: &str, title: &str) -> Value {
        json!({ "href": format!("{}{path}", self.0), "rel": rel, "type": media, "title": title })
    }
}

async fn landing(Caller(_): Caller, origin: Origin) -> Json<Value> {
    Json(json!({
        "title": "deconflict",
        "description": "The caller's declarations, tracks, activities, conflicts, incidents and stops as feature collections: exactly what the API shows the caller.",
        "links": [
            origin.link("/ogc", "self", "application/json", "This document"),
            origin.link("/v1/openapi.json", "service-desc", "application/vnd.oai.openapi+json;version=3.1", "The API definition"),
            origin.link("/ogc/conformance", "conformance", "application/json", "Conformance classes"),
            origin.link("/ogc/collections", "data", "application/json", "The collections"),
        ],
    }))
}

async fn conformance(Caller(_): Caller) -> Json<Value> {
    Json(json!({
        "conformsTo": [
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        ],
    }))
}

async fn collections(Caller(_): Caller, origin: Origin) -> Json<Value> {
    Json(json!({
        "links": [origin.link("/ogc/collections", "self", "application/json", "The collections")],
        "collections": COLLECTIONS.map(|c| c.describe(&origin)),
    }))
}

async fn collection(
    Caller(_): Caller,
    origin: Origin,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(Collection::named(&id)?.describe(&origin)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ItemsParams {
    /// Features per page (default 10, at most the configured maximum).
    limit: Option<std::num::NonZeroUsize>,
    /// The cursor a `next` link carries.
    after: Option<String>,
    /// `west,south,east,north`.
    bbox: Option<String>,
    /// An RFC 3339 instant, or an interval `start/end` with `..` open.
    datetime: Option<String>,
}

async fn items(
    caller: Caller,
    origin: Origin,
    State(app): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<ItemsParams>,
) -> Result<Response, ApiError> {
    let collection = Collection::named(&id)?;
    let bbox = params.bbox.as_deref().map(super::parse_bbox).transpose()?;
    let window = params.datetime.as_deref().map(datetime).transpose()?;
    let limit = Some(
        params
            .limit
            .unwrap_or(std::num::NonZeroUsize::new(10).expect("ten")),
    );
    let after = params.after.clone();
    let page = match collection {
        Collection::Declarations | Collection::Tracks => {
            let params = ListParams {
                limit,
                after,
                ..ListParams::default()
            };
            json(super::declarations::list(caller, State(app), Query(params)).await?)
        }
        Collection::Activities => {
            let params = ListParams {
                limit,
                after,
                ..ListParams::default()
            };
            json(super::activities::list(caller, State(app), Query(params)).await?)
        }
        Collection::Conflicts => {
            let params = super::conflicts::ConflictParams {
                limit,
                after,
                state: None,
            };
            json(super::conflicts::list(caller, State(app), Query(params)).await?)
        }
        Collection::Incidents => {
            let params = super::incidents::IncidentParams { limit, after };
            json(super::incidents::list(caller, State(app), Query(params)).await?)
        }
        Collection::Stops => json(super::stops::list(caller, State(app)).await?),
    };
    let next_after = page
        .get("next_after")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let features: Vec<Feature> = Features::of(page, &collection.layout(), false)
        .into_features()
        .into_iter()
        .filter(|f| collection != Collection::Tracks || tracked(f))
        .filter(|f| bbox.is_none_or(|b| meets(f, b)))
        .filter(|f| window.is_none_or(|w| during(f, collection, w)))
        .collect();
    let base = format!("/ogc/collections/{id}/items");
    let mut links = vec![origin.link(&base, "self", "application/geo+json", collection.title())];
    if let Some(next) = next_after {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                [
                    ("limit", limit.map(|l| l.to_string())),
                    ("after", Some(next)),
                    ("bbox", params.bbox),
                    ("datetime", params.datetime),
                ]
                .into_iter()
                .filter_map(|(k, v)| Some((k, v?))),
            )
            .finish();
        links.push(origin.link(
            &format!("{base}?{query}"),
            "next",
            "application/geo+json",
            "The next page",
        ));
    }
    let mut members = JsonObject::new();
    members.insert("numberReturned".into(), json!(features.len()));
    members.insert("links".into(), Value::Array(links));
    let body = FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(members),
    };
    Ok(geojson_response(body.to_string()))
}

async fn item(
    caller: Caller,
    State(app): State<AppState>,
    Path((id, feature)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let collection = Collection::named(&id)?;
    let missing = || ApiError::NotFound(collection_noun(collection));
    let answer = match collection {
        Collection::Declarations | Collection::Tracks => {
            let id = DeclarationId::parse(&feature).ok_or_else(missing)?;
            json(super::declarations::get(caller, State(app), Id(id)).await?)
        }
        Collection::Activities => {
            let id = ActivityId::parse(&feature).ok_or_else(missing)?;
            json(super::activities::get(caller, State(app), Id(id)).await?)
        }
        Collection::Conflicts => {
            let id = ConflictId::parse(&feature).ok_or_else(missing)?;
            json(super::conflicts::get(caller, State(app), Id(id)).await?)
        }
        Collection::Incidents => {
            let id = IncidentId::parse(&feature).ok_or_else(missing)?;
            json(super::incidents::get(caller, State(app), Id(id)).await?)
        }
        Collection::Stops => {
            let id = StopId::parse(&feature).ok_or_else(missing)?;
            json(super::stops::get(caller, State(app), Id(id)).await?)
        }
    };
    let mut features = Features::of(answer, &collection.layout(), false).into_features();
    let feature = features.pop().ok_or_else(missing)?;
    if collection == Collection::Tracks && !tracked(&feature) {
        return Err(missing());
    }
    Ok(geojson_response(feature.to_string()))
}

fn collection_noun(collection: Collection) -> &'static str {
    match collection {
        Collection::Declarations | Collection::Tracks => "declaration",
        Collection::Activities => "activity",
        Collection::Conflicts => "conflict",
        Collection::Incidents => "incident",
        Collection::Stops => "stop",
    }
}

fn json<T: serde::Serialize>(answer: Json<T>) -> Value {
    serde_json::to_value(answer.0).expect("an answer serialises")
}

fn geojson_response(body: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/geo+json"),
        )],
        body,
    )
        .into_response()
}

fn tracked(feature: &Feature) -> bool {
    feature
        .properties
        .as_ref()
        .and_then(|p| p.get("tracking"))
        .is_some_and(|t| !t.is_null())
}

/// Whether the feature's geometry has a position in the box, or a box that
/// meets it.
fn meets(feature: &Feature, [west, south, east, north]: [f64; 4]) -> bool {
    let Some(geometry) = &feature.geometry else {
        return false;
    };
    let mut positions = Vec::new();
    positions_of(
        &serde_json::to_value(geometry).unwrap_or_default()["coordinates"],
        &mut positions,
    );
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for [lon, lat] in positions {
        lo = [lo[0].min(lon), lo[1].min(lat)];
        hi = [hi[0].max(lon), hi[1].max(lat)];
    }
    lo[0] <= east && hi[0] >= west && lo[1] <= north && hi[1] >= south
}

fn positions_of(value: &Value, out: &mut Vec<[f64; 2]>) {
    match value.as_array() {
        Some(items) if items.first().is_some_and(Value::is_number) => {
            if let (Some(lon), Some(lat)) =
                (items[0].as_f64(), items.get(1).and_then(Value::as_f64))
            {
                out.push([lon, lat]);
            }
        }
        Some(items) => items.iter().for_each(|v| positions_of(v, out)),
        None => {}
    }
}

/// An OGC `datetime`: an instant, or `start/end` with `..` (or nothing)
/// for an open end; Unix milliseconds.
fn datetime(text: &str) -> Result<(Option<i64>, Option<i64>), ApiError> {
    let time = |t: &str| -> Result<Option<i64>, ApiError> {
        match t {
            "" | ".." => Ok(None),
            t => deconflict_wire::time::parse(t)
                .map(Some)
                .map_err(|e| ApiError::query("datetime", e.to_string())),
        }
    };
    match text.split_once('/') {
        Some((from, to)) => Ok((time(from)?, time(to)?)),
        None => {
            let at = time(text)?;
            Ok((at, at.map(|t| t + 1)))
        }
    }
}

/// Whether the item's window meets `[from, to)`.
fn during(
    feature: &Feature,
    collection: Collection,
    (from, to): (Option<i64>, Option<i64>),
) -> bool {
    let (start, end) = collection.window();
    let properties = feature
        .properties
        .clone()
        .map(Value::Object)
        .unwrap_or_default();
    let at = |pointer: &str| {
        properties
            .pointer(pointer)
            .and_then(Value::as_str)
            .and_then(|t| deconflict_wire::time::parse(t).ok())
    };
    let starts_before_to = match (at(start), to) {
        (Some(s), Some(to)) => s < to,
        _ => true,
    };
    let ends_after_from = match (at(end), from) {
        (Some(e), Some(from)) => e > from,
        _ => true,
    };
    starts_before_to && ends_after_from
}
