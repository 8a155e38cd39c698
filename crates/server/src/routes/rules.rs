//! `/v1/rules`: the rules of the theatre. The coordinator's approvers set
//! each version with a reason; a party reads the rules that bind it and the
//! public ones, as they stand now or `as_of` an earlier point of the log.

use super::{Route, route};
use crate::auth::Caller;
use crate::extract::{Body, Query};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;
use deconflict_model::Command;
use deconflict_service::now_ms;
use deconflict_wire::theatre::{RuleIn, RuleOut, RuleWire};
use serde::{Deserialize, Serialize};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/v1/rules", list),
        route(Method::POST, "/v1/rules", set),
    ]
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesParams {
    /// A sequence number of the log, or an RFC 3339 time.
    as_of: Option<String>,
}

/// The rules the caller may read.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "Rules")]
pub(crate) struct RulesOut {
    /// Every version of every rule the caller may read, by name then
    /// version.
    rules: Vec<RuleOut>,
    /// The kinds that wait for clearance for a party no clearance rule
    /// binds, from the service's configuration.
    configured_clearance: Vec<String>,
}

async fn list(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Query(params): Query<RulesParams>,
) -> Result<Json<RulesOut>, ApiError> {
    let out = |state: &deconflict_model::State, at: i64| RulesOut {
        rules: state
            .rules(&caller)
            .into_iter()
            .map(|v| {
                let in_force = state.rule_in_force(&v, at);
                RuleOut::new(v, in_force)
            })
            .collect(),
        configured_clearance: state.configured_clearance().iter().cloned().collect(),
    };
    let Some(as_of) = params.as_of else {
        return Ok(Json(app.read(|state| out(state, now_ms())).await?));
    };
    let replayed = super::state::replayed_at(&app, &as_of).await?;
    let at = match deconflict_wire::time::parse(&as_of) {
        Ok(time) => time,
        Err(_) => replayed.time_ms().unwrap_or(i64::MIN),
    };
    Ok(Json(out(&replayed, at)))
}

/// Sets a new version of a rule.
async fn set(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Body(body): Body<RuleIn>,
) -> Result<impl IntoResponse, ApiError> {
    let lane = match &body.rule {
        Some(RuleWire::Area { geometry, .. }) => {
            super::geometry_lane(&app, "rule.geometry", geometry)?
        }
        _ => deconflict_service::Lane::Any,
    };
    let (spec, reason) = body.spec(now_ms());
    let command = Command::SetRule { spec, reason };
    let out = app
        .execute_in(lane, &caller, command, |state, entry| {
            let version = state
                .rules(&caller)
                .into_iter()
                .find(|v| v.seq == entry.seq)
                .ok_or(ApiError::Internal)?;
            let in_force = state.rule_in_force(&version, entry.time_ms);
            Ok::<_, ApiError>(RuleOut::new(version, in_force))
        })
        .await??;
    Ok((StatusCode::CREATED, Json(out)))
}
