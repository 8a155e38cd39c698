//! `/v1/stops`: check fire. Any operator raises one over an area and a
//! window; every cleared or active activity of another party that meets it
//! is held at once, in one logged act, and its owners and the coordinator
//! are told (and told again until they acknowledge). The raiser, or an
//! approver of the coordinator, lifts it.
//!
//! Each party sees a stop as far as it concerns it: an owner, that its own
//! activities were held, when and why (the cause); the raiser, where and
//! how many were held; nobody else that it exists (404, as for a stop that
//! never was).

use super::{Route, route};
use crate::auth::Caller;
use crate::extract::{Body, Id, OptionalBody};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::IntoResponse;
use deconflict_model::{Command, StopId};
use deconflict_service::now_ms;
use deconflict_wire::theatre::{StopIn, StopOut};
use deconflict_wire::{EmptyIn, ReasonIn};
use serde::Serialize;

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/v1/stops", list).features(crate::features::STOPS),
        route(Method::POST, "/v1/stops", raise),
        route(Method::GET, "/v1/stops/{id}", get).features(crate::features::STOPS),
        route(Method::POST, "/v1/stops/{id}/acknowledge", acknowledge),
        route(Method::POST, "/v1/stops/{id}/lift", lift),
    ]
}

/// The stops the caller may see.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "Stops")]
pub(crate) struct StopsOut {
    items: Vec<StopOut>,
}

pub(crate) async fn list(
    Caller(caller): Caller,
    State(app): State<AppState>,
) -> Result<Json<StopsOut>, ApiError> {
    let now = now_ms();
    let items = app
        .read(|state| state.stops(&caller, now))
        .await?
        .into_iter()
        .map(StopOut::from)
        .collect();
    Ok(Json(StopsOut { items }))
}

pub(crate) async fn get(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<StopId>,
) -> Result<Json<StopOut>, ApiError> {
    let now = now_ms();
    let stop = app.read(|state| state.stop(&caller, &id, now)).await??;
    Ok(Json(stop.into()))
}

/// Raises a stop: what it held is in the answer as far as the raiser may
/// know it (how many).
async fn raise(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Body(body): Body<StopIn>,
) -> Result<impl IntoResponse, ApiError> {
    let lane = super::geometry_lane(&app, "geometry", &body.geometry)?;
    let (spec, reason) = body.spec();
    let command = Command::RaiseStop { spec, reason };
    let stop = app
        .execute_in(lane, &caller, command, |state, entry| {
            let id = entry.outcome.stop.as_ref().ok_or(ApiError::Internal)?.id;
            Ok::<_, ApiError>(state.stop(&caller, &id, entry.time_ms)?)
        })
        .await??;
    let location = format!("/v1/stops/{}", stop.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(StopOut::from(stop)),
    ))
}

async fn acknowledge(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<StopId>,
    OptionalBody(_): OptionalBody<EmptyIn>,
) -> Result<Json<StopOut>, ApiError> {
    let command = Command::AcknowledgeStop { id };
    let stop = app
        .execute(&caller, command, |state, entry| {
            state.stop(&caller, &id, entry.time_ms)
        })
        .await??;
    Ok(Json(stop.into()))
}

async fn lift(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<StopId>,
    OptionalBody(body): OptionalBody<ReasonIn>,
) -> Result<Json<StopOut>, ApiError> {
    let command = Command::LiftStop {
        id,
        reason: body.reason,
    };
    let stop = app
        .execute(&caller, command, |state, entry| {
            state.stop(&caller, &id, entry.time_ms)
        })
        .await??;
    Ok(Json(stop.into()))
}
