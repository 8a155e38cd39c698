//! `POST /v1/declarations/import`: a party's list of sites as one command,
//! from a GeoJSON FeatureCollection, CSV (a `wkt` column, or `latitude`
//! and `longitude`) or KML (placemarks, their `ExtendedData` as
//! properties). Every feature is read and checked first; one refused
//! refuses the import, each refusal named by its index, and nothing is
//! declared. The caller's `Idempotency-Key` makes a retry answer with what
//! the first import created, creating nothing again.
//!
//! A feature's properties are a declaration's fields (`kind`, `label`,
//! `buffer_m`, `valid_from`, `valid_to`, `visibility`, `disclosure`,
//! `altitude_m`), with the column names of OCHA's no-strike-list template
//! read too (`name` for `label`, `type` for `kind`, its words written as a
//! kind: "Health facility" is `health_facility`); other properties are
//! left out. The query gives defaults for what a feature does not say.

use super::{Route, opened, route};
use crate::auth::Caller;
use crate::extract::{Query, RawBody, name_field};
use crate::problem::{ApiError, FeatureRefused};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use deconflict_features::read::{self, Row};
use deconflict_model::{Actor, Command, DeclarationSpec, Entropy, MAX_IMPORT_KEY};
use deconflict_service::Config;
use deconflict_wire::{ConflictOut, DeclarationIn};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The largest import body: 5,000 sites of a few hundred bytes each, and
/// room for polygons.
const IMPORT_BODY: usize = 16 << 20;

pub(crate) fn routes() -> Vec<Route> {
    let mut import = route(Method::POST, "/v1/declarations/import", import);
    import.body_limit = Some(import_body_limit);
    vec![import]
}

fn import_body_limit(config: &Config) -> usize {
    config.body_limit.max(IMPORT_BODY)
}

/// Defaults for what a feature does not say.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImportParams {
    kind: Option<String>,
    buffer_m: Option<f64>,
    visibility: Option<String>,
    disclosure: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
}

/// What an import created.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "Imported")]
pub(crate) struct ImportedOut {
    key: String,
    /// The new declarations' ids, in the order of the features.
    ids: Vec<String>,
    /// Conflicts the import opened, as the caller sees them (none on a
    /// retry).
    conflicts: Vec<ConflictOut>,
}

async fn import(
    Caller(caller): Caller,
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(defaults): Query<ImportParams>,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let rows = rows(&headers, &body)?;
    let declarations = declarations(&app, &caller, rows, &defaults).await?;
    let party = caller.party.clone();
    let command_key = key.clone();
    let (mut results, answer) = app
        .transact(
            &caller,
            |state| match state.imported(&party, &command_key) {
                Some(_) => Vec::new(),
                None => vec![Command::Import {
                    key: command_key.clone(),
                    declarations,
                }],
            },
            |state, entries| {
                let ids = state
                    .imported(&party, &key)
                    .map(|ids| ids.iter().map(ToString::to_string).collect());
                let conflicts = entries
                    .first()
                    .map(|entry| opened(state, &caller, entry))
                    .unwrap_or_default();
                (ids, conflicts, !entries.is_empty())
            },
        )
        .await?;
    if let Some(refused) = results.pop() {
        refused?;
    }
    let (Some(ids), conflicts, created) = answer else {
        return Err(ApiError::Internal);
    };
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(ImportedOut {
            key,
            ids,
            conflicts,
        }),
    )
        .into_response())
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let invalid = |detail: &str| ApiError::Invalid {
        code: "invalid_field",
        field: "Idempotency-Key".into(),
        detail: format!("Idempotency-Key: {detail}"),
    };
    let key = headers
        .get("idempotency-key")
        .ok_or_else(|| {
            invalid("required: a key of the caller's own, so that a retry imports nothing twice")
        })?
        .to_str()
        .map_err(|_| invalid("printable ASCII"))?
        .trim();
    if key.is_empty() || key.len() > MAX_IMPORT_KEY {
        return Err(invalid(&format!("1 to {MAX_IMPORT_KEY} characters")));
    }
    Ok(key.to_owned())
}

/// The features of the body, by its media type.
fn rows(headers: &HeaderMap, body: &[u8]) -> Result<Vec<Row>, ApiError> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let read = match media.as_str() {
        "application/geo+json" | "application/json" => read::geojson,
        "text/csv" => read::csv,
        "application/vnd.google-earth.kml+xml" => read::kml,
        _ => {
            return Err(ApiError::malformed(
                Some("Content-Type".into()),
                "Content-Type: application/geo+json (a FeatureCollection), text/csv or application/vnd.google-earth.kml+xml",
            ));
        }
    };
    read(body).map_err(|detail| ApiError::malformed(None, detail))
}

/// Each feature as a declaration, or every refusal by its index: those
/// the reading refuses, and of the rest those the model would, so that one
/// answer names them all.
async fn declarations(
    app: &AppState,
    caller: &Actor,
    rows: Vec<Row>,
    defaults: &ImportParams,
) -> Result<Vec<DeclarationSpec>, ApiError> {
    let mut read = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    for (index, row) in rows.into_iter().enumerate() {
        match declaration(app, row, defaults) {
            Ok(spec) => read.push((index, spec)),
            Err((field, detail)) => errors.push(FeatureRefused {
                index,
                field,
                detail,
            }),
        }
    }
    if errors.is_empty() {
        return Ok(read.into_iter().map(|(_, spec)| spec).collect());
    }
    let (indices, specs): (Vec<usize>, Vec<DeclarationSpec>) = read.into_iter().unzip();
    let trial = Command::Import {
        key: "trial".into(),
        declarations: specs,
    };
    let now = deconflict_service::now_ms();
    let tried = app
        .read(|state| {
            state
                .execute(caller, trial, now, Entropy::new([0; 32]))
                .err()
        })
        .await?;
    if let Some(ApiError::ImportRefused { errors: refused }) = tried.map(ApiError::from) {
        errors.extend(refused.into_iter().map(|mut e| {
            e.index = indices[e.index];
            e
        }));
    }
    errors.sort_by_key(|e| e.index);
    Err(ApiError::ImportRefused { errors })
}

type Refusal = (Option<String>, String);

fn declaration(
    app: &AppState,
    row: Row,
    defaults: &ImportParams,
) -> Result<DeclarationSpec, Refusal> {
    let geometry = row
        .geometry
        .map_err(|detail| (Some("geometry".to_owned()), detail))?;
    let mut fields = Map::new();
    for (name, value) in row.properties {
        let (name, value) = match name.as_str() {
            "name" => ("label", value),
            "type" => ("kind", value),
            "kind" | "label" | "valid_from" | "valid_to" | "visibility" | "disclosure"
            | "altitude_m" => (name.as_str(), value),
            "buffer_m" => ("buffer_m", number(value)),
            _ => continue,
        };
        fields.entry(name.to_owned()).or_insert(value);
    }
    if let Some(Value::String(kind)) = fields.get("kind") {
        fields.insert("kind".into(), Value::String(as_kind(kind)));
    }
    let now = deconflict_wire::time::format(deconflict_service::now_ms());
    let fallback = [
        ("kind", defaults.kind.clone().map(Value::String)),
        ("buffer_m", Some(defaults.buffer_m.unwrap_or(0.0).into())),
        ("visibility", defaults.visibility.clone().map(Value::String)),
        ("disclosure", defaults.disclosure.clone().map(Value::String)),
        (
            "valid_from",
            Some(Value::String(defaults.valid_from.clone().unwrap_or(now))),
        ),
        ("valid_to", defaults.valid_to.clone().map(Value::String)),
    ];
    for (name, value) in fallback {
        if let Some(value) = value {
            fields.entry(name.to_owned()).or_insert(value);
        }
    }
    fields.insert("geometry".into(), geometry);
    let declaration: DeclarationIn = serde_path_to_error::deserialize(Value::Object(fields))
        .map_err(|e| {
            let (field, detail) = name_field(&e.path().to_string(), &e.inner().to_string());
            (field, detail)
        })?;
    super::geometry_lane(app, "geometry", &declaration.geometry)
        .map_err(|e| (Some("geometry".to_owned()), e.to_string()))?;
    Ok(declaration.spec())
}

/// A CSV cell's number as a number; anything else as it is, to be refused
/// by name.
fn number(value: Value) -> Value {
    match &value {
        Value::String(text) => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map_or(value, Into::into),
        _ => value,
    }
}

/// A spreadsheet's words as a kind: "Health facility" is
/// `health_facility`.
fn as_kind(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.join("_")
}
