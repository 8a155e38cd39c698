//! `/v1/holds`: who holds whose activities, and the coordinator's answer to
//! holds in bad faith: suspending a party's objects from causing holds in
//! an area, or disputing one declaration. The coordinator's alone.

use super::{Route, route};
use crate::auth::Caller;
use crate::extract::{Body, Id};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;
use deconflict_model::{Command, DeclarationId, HOLDS_WINDOW_MS, Suspension};
use deconflict_service::now_ms;
use deconflict_wire::DeclarationOut;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/v1/holds", holds),
        route(Method::POST, "/v1/holds/suspensions", suspend),
        route(Method::POST, "/v1/declarations/{id}/dispute", dispute),
    ]
}

/// A party's objects may not cause holds in `area` from `from` until
/// `until`, as the coordinator decided, for `reason`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "Suspension")]
pub(crate) struct SuspensionOut {
    party: String,
    #[schemars(with = "deconflict_wire::schema::Geometry")]
    area: geojson::Geometry,
    #[schemars(with = "deconflict_wire::schema::Time")]
    from: String,
    #[schemars(with = "deconflict_wire::schema::Time")]
    until: String,
    reason: String,
}

impl From<Suspension> for SuspensionOut {
    fn from(s: Suspension) -> SuspensionOut {
        SuspensionOut {
            party: s.party,
            area: s.area,
            from: deconflict_wire::time::format(s.from_ms),
            until: deconflict_wire::time::format(s.until_ms),
            reason: s.reason,
        }
    }
}

#[derive(Debug, Serialize)]
struct HoldsOut {
    /// From when the counts run: a day ago.
    since: String,
    /// Per party, the other parties' activities its objects put back on hold.
    caused: BTreeMap<String, usize>,
    /// The suspensions in force.
    suspensions: Vec<SuspensionOut>,
}

/// Per party, how many of other parties' activities its objects held in
/// the last day, and the suspensions in force.
async fn holds(
    Caller(caller): Caller,
    State(app): State<AppState>,
) -> Result<Json<HoldsOut>, ApiError> {
    let now = now_ms();
    let since = now - HOLDS_WINDOW_MS;
    let (caused, suspensions) = app
        .read(|state| {
            Ok::<_, ApiError>((
                state.holds_caused(&caller, since)?,
                state.suspensions(&caller, now)?,
            ))
        })
        .await??;
    Ok(Json(HoldsOut {
        since: deconflict_wire::time::format(since),
        caused,
        suspensions: suspensions.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SuspensionIn {
    party: String,
    area: geojson::Geometry,
    until: String,
    #[serde(default)]
    reason: Option<String>,
}

/// Suspends a party's objects from causing holds in an area, until a time.
async fn suspend(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Body(body): Body<SuspensionIn>,
) -> Result<impl IntoResponse, ApiError> {
    let until_ms = deconflict_wire::time::parse(&body.until).map_err(|e| ApiError::Invalid {
        code: "invalid_field",
        field: "until".into(),
        detail: format!("until: {e}"),
    })?;
    let command = Command::SuspendHolds {
        party: body.party,
        area: body.area,
        until_ms,
        reason: body.reason,
    };
    let suspension = app
        .execute(&caller, command, |state, _| {
            state
                .suspensions(&caller, i64::MIN)
                .ok()
                .and_then(|all| all.into_iter().last())
        })
        .await?
        .ok_or(ApiError::Internal)?;
    Ok((StatusCode::CREATED, Json(SuspensionOut::from(suspension))))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DisputeIn {
    disputed: bool,
    #[serde(default)]
    reason: Option<String>,
}

/// Marks a declaration disputed (it causes no holds), or no longer.
async fn dispute(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<DeclarationId>,
    Body(body): Body<DisputeIn>,
) -> Result<Json<DeclarationOut>, ApiError> {
    let command = Command::Dispute {
        id,
        disputed: body.disputed,
        reason: body.reason,
    };
    let declaration = app
        .execute(&caller, command, |state, _| state.declaration(&caller, &id))
        .await??;
    Ok(Json(declaration.into()))
}
