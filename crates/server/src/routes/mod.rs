//! One module per resource, each owning its routes and its OpenAPI fragment
//! (`<resource>.openapi.json` beside it). [`all`] is the one list the router
//! and the OpenAPI test both read, so a route cannot be served undocumented.

pub(crate) mod activities;
pub(crate) mod alerts;
pub(crate) mod conflicts;
pub(crate) mod console;
pub(crate) mod declarations;
pub(crate) mod events;
pub(crate) mod holds;
pub(crate) mod import;
pub(crate) mod incidents;
pub(crate) mod log;
pub(crate) mod map;
pub(crate) mod marti;
pub(crate) mod me;
pub(crate) mod ogc;
pub(crate) mod rules;
pub(crate) mod sites;
pub(crate) mod state;
pub(crate) mod stops;
pub(crate) mod system;
pub(crate) mod tracks;
pub(crate) mod webhooks;

use crate::problem::ApiError;
use crate::state::AppState;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};
use deconflict_model::VolumeSpec;
use deconflict_service::{Config, Lane};
use serde::Deserialize;

/// One route: its method, its path (axum and OpenAPI write parameters the
/// same way, `{id}`) and its handler.
pub(crate) struct Route {
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) method: Method,
    pub(crate) path: &'static str,
    pub(crate) handler: MethodRouter<AppState>,
    /// The largest body the route takes, when not the configured one.
    pub(crate) body_limit: Option<fn(&Config) -> usize>,
    /// Where its answer's places are, when it also answers in GIS formats
    /// (see [`crate::features`]).
    pub(crate) features: Option<deconflict_features::Layout>,
}

impl Route {
    /// The route answers in GIS formats too, its places laid out so.
    pub(crate) fn features(mut self, layout: deconflict_features::Layout) -> Route {
        self.features = Some(layout);
        self
    }
}

pub(crate) fn route<H, T>(method: Method, path: &'static str, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("a standard method");
    Route {
        method,
        path,
        handler: on(filter, handler),
        body_limit: None,
        features: None,
    }
}

/// The body limit a request was given, for its 413's `limit` (see
/// [`Route::body_limit`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimit(pub(crate) usize);

/// Every route of the service.
pub(crate) fn all() -> Vec<Route> {
    [
        declarations::routes(),
        import::routes(),
        activities::routes(),
        conflicts::routes(),
        incidents::routes(),
        log::routes(),
        state::routes(),
        system::routes(),
        tracks::routes(),
        events::routes(),
        me::routes(),
        webhooks::routes(),
        holds::routes(),
        rules::routes(),
        stops::routes(),
        sites::routes(),
        ogc::routes(),
        marti::routes(),
        alerts::routes(),
        map::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The OpenAPI fragments of the resources, merged by [`crate::openapi`].
pub(crate) const OPENAPI_FRAGMENTS: [&str; 20] = [
    include_str!("declarations.openapi.json"),
    include_str!("activities.openapi.json"),
    include_str!("conflicts.openapi.json"),
    include_str!("incidents.openapi.json"),
    include_str!("log.openapi.json"),
    include_str!("state.openapi.json"),
    include_str!("system.openapi.json"),
    include_str!("tracks.openapi.json"),
    include_str!("events.openapi.json"),
    include_str!("me.openapi.json"),
    include_str!("webhooks.openapi.json"),
    include_str!("holds.openapi.json"),
    include_str!("rules.openapi.json"),
    include_str!("stops.openapi.json"),
    include_str!("sites.openapi.json"),
    include_str!("ogc.openapi.json"),
    include_str!("import.openapi.json"),
    include_str!("marti.openapi.json"),
    include_str!("alerts.openapi.json"),
    include_str!("map.openapi.json"),
];

/// Query parameters shared by the lists of declarations and activities.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListParams {
    /// Items per page (default 100, at most the configured maximum).
    pub(crate) limit: Option<std::num::NonZeroUsize>,
    /// The `next_after` of the previous page.
    pub(crate) after: Option<String>,
    /// `west,south,east,north` in degrees: items whose volume's box meets it.
    pub(crate) bbox: Option<String>,
    /// RFC 3339: items whose window ends after this.
    pub(crate) from: Option<String>,
    /// RFC 3339: items whose window starts before this.
    pub(crate) to: Option<String>,
    pub(crate) kind: Option<String>,
    /// Activities: `held`, `cleared`, `denied`, `active`, `completed`, `cancelled`.
    /// Conflicts: `open`, `resolved`, `overridden`.
    pub(crate) state: Option<String>,
    /// Declarations: include withdrawn ones (default false).
    pub(crate) include_withdrawn: Option<bool>,
}

/// A `bbox` query parameter: `west,south,east,north` in degrees.
pub(crate) fn parse_bbox(text: &str) -> Result<[f64; 4], ApiError> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|n| n.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| ApiError::query("bbox", "four numbers: west,south,east,north"))?;
    match numbers[..] {
        [w, s, e, n] if numbers.iter().all(|x| x.is_finite()) && s <= n => Ok([w, s, e, n]),
        _ => Err(ApiError::query(
            "bbox",
            "four numbers: west,south,east,north (south <= north)",
        )),
    }
}

/// The filters of [`ListParams`], parsed.
#[derive(Debug, Default)]
pub(crate) struct Filter {
    bbox: Option<[f64; 4]>,
    from: Option<i64>,
    to: Option<i64>,
    kind: Option<String>,
}

impl Filter {
    pub(crate) fn parse(params: &ListParams) -> Result<Filter, ApiError> {
        let time = |name: &str, text: &Option<String>| {
            text.as_deref()
                .map(deconflict_wire::time::parse)
                .transpose()
                .map_err(|e| ApiError::query(name, e))
        };
        let bbox = params.bbox.as_deref().map(parse_bbox).transpose()?;
        Ok(Filter {
            bbox,
            from: time("from", &params.from)?,
            to: time("to", &params.to)?,
            kind: params.kind.clone(),
        })
    }

    /// Whether an item of `kind` with this volume passes.
    pub(crate) fn admits(&self, kind: &str, volume: &VolumeSpec) -> bool {
        if self.kind.as_deref().is_some_and(|k| k != kind) {
            return false;
        }
        if self
            .from
            .is_some_and(|f| volume.to_ms.is_some_and(|t| t <= f))
        {
            return false;
        }
        if self.to.is_some_and(|t| volume.from_ms >= t) {
            return false;
        }
        match self.bbox {
            None => true,
            Some(query) => bounds(volume).is_some_and(|b| boxes_meet(b, query)),
        }
    }
}

/// The box of a stored volume, buffer included (unwrapped longitudes).
fn bounds(spec: &VolumeSpec) -> Option<[f64; 4]> {
    Some(spec.to_volume()?.bounds())
}

/// Whether two boxes meet, longitudes compared modulo 360°.
fn boxes_meet(a: [f64; 4], b: [f64; 4]) -> bool {
    if a[1] > b[3] || b[1] > a[3] {
        return false;
    }
    [-360.0, 0.0, 360.0]
        .iter()
        .any(|k| a[0] <= b[2] + k && b[0] + k <= a[2])
}

/// One page of `items` (already sorted by id) after the cursor `after`.
pub(crate) fn paginate<T>(
    items: impl IntoIterator<Item = (String, T)>,
    limit: Option<std::num::NonZeroUsize>,
    after: Option<&str>,
    max_page: usize,
) -> deconflict_wire::Page<T> {
    let limit = limit.map_or(100, usize::from).clamp(1, max_page.max(1));
    let mut page = Vec::with_capacity(limit.min(1024));
    let mut next_after = None;
    let items = items
        .into_iter()
        .filter(|(id, _)| after.is_none_or(|after| id.as_str() > after));
    for (id, item) in items {
        if page.len() == limit {
            next_after = Some(page_last(&page));
            break;
        }
        page.push((id, item));
    }
    deconflict_wire::Page {
        items: page.into_iter().map(|(_, item)| item).collect(),
        next_after,
    }
}

fn page_last<T>(page: &[(String, T)]) -> String {
    page.last().map(|(id, _)| id.clone()).unwrap_or_default()
}

/// The conflicts a command opened, as the caller sees them.
pub(crate) fn opened(
    state: &deconflict_model::State,
    caller: &deconflict_model::Actor,
    entry: &deconflict_model::Entry,
) -> Vec<deconflict_wire::ConflictOut> {
    entry
        .outcome
        .opened
        .iter()
        .filter_map(|o| state.conflict(caller, &o.id).ok())
        .map(Into::into)
        .collect()
}

/// The conflicts a command resolved that the caller may see.
pub(crate) fn resolved(
    state: &deconflict_model::State,
    caller: &deconflict_model::Actor,
    entry: &deconflict_model::Entry,
) -> Vec<String> {
    entry
        .outcome
        .resolved
        .iter()
        .filter(|id| state.conflict(caller, id).is_ok())
        .map(ToString::to_string)
        .collect()
}

/// Geometries with more positions than this take the bulk lane to the
/// command lock (see [`deconflict_service::Lane`]): a party sending many of
/// the costliest it may then waits behind itself, not before everyone else.
const HEAVY_VERTICES: usize = 1_000;

/// Refuses, with 413 naming `field`, a geometry with more positions than
/// the service is configured to take, or costing more: counted before
/// anything is built from it. Gives the lane its command takes.
pub(crate) fn geometry_lane(
    app: &AppState,
    field: &'static str,
    geometry: &geojson::Geometry,
) -> Result<Lane, ApiError> {
    let limit = app.config().max_vertices;
    let vertices = positions(&geometry.value);
    if vertices > limit {
        return Err(ApiError::GeometryTooLarge {
            field,
            vertices,
            limit,
        });
    }
    // The command path's work grows with the positions and with how much of
    // the index the geometry spans; bounded here, before the command lock.
    let area_km2 = span_km2(&geometry.value);
    let limit = app.config().max_geometry_cost;
    if vertices > 1 && vertices as f64 * area_km2 > limit {
        return Err(ApiError::GeometryTooCostly {
            field,
            vertices,
            area_km2: area_km2.ceil() as u64,
            limit: limit as u64,
        });
    }
    Ok(if vertices > HEAVY_VERTICES {
        Lane::Bulk
    } else {
        Lane::Any
    })
}

/// An upper bound of the area the geometry's positions span, km²: their
/// longitude/latitude box, taken before anything is built from them. A box
/// across the antimeridian counts as the whole band, which only errs
/// towards refusing.
fn span_km2(value: &geojson::GeometryValue) -> f64 {
    let mut bounds = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    each_position(value, &mut |p| {
        if let [lon, lat, ..] = p {
            bounds = [
                bounds[0].min(*lon),
                bounds[1].min(*lat),
                bounds[2].max(*lon),
                bounds[3].max(*lat),
            ];
        }
    });
    if bounds.iter().all(|b| b.is_finite()) {
        deconflict_model::box_km2(bounds)
    } else {
        0.0
    }
}

fn each_position(value: &geojson::GeometryValue, f: &mut impl FnMut(&[f64])) {
    use geojson::GeometryValue as G;
    match value {
        G::Point { coordinates } => f(coordinates.as_slice()),
        G::MultiPoint { coordinates } | G::LineString { coordinates } => {
            coordinates.iter().for_each(|p| f(p.as_slice()));
        }
        G::MultiLineString { coordinates } | G::Polygon { coordinates } => {
            coordinates.iter().flatten().for_each(|p| f(p.as_slice()));
        }
        G::MultiPolygon { coordinates } => {
            coordinates
                .iter()
                .flatten()
                .flatten()
                .for_each(|p| f(p.as_slice()));
        }
        G::GeometryCollection { geometries } => {
            geometries.iter().for_each(|g| each_position(&g.value, f));
        }
    }
}

fn positions(value: &geojson::GeometryValue) -> usize {
    use geojson::GeometryValue as G;
    match value {
        G::Point { .. } => 1,
        G::MultiPoint { coordinates } | G::LineString { coordinates } => coordinates.len(),
        G::MultiLineString { coordinates } | G::Polygon { coordinates } => {
            coordinates.iter().map(Vec::len).sum()
        }
        G::MultiPolygon { coordinates } => coordinates.iter().flatten().map(Vec::len).sum(),
        G::GeometryCollection { geometries } => {
            geometries.iter().map(|g| positions(&g.value)).sum()
        }
    }
}
