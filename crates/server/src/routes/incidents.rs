//! `/v1/incidents`: what a party alleges or reports happened, the
//! coordinator's judgement of it, and the evidence the log holds.

use super::{Route, paginate, route};
use crate::auth::Caller;
use crate::extract::{Body, Id, Query};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::IntoResponse;
use deconflict_model::{Command, IncidentId, ObjectRef};
use deconflict_wire::{IncidentIn, IncidentOut, IncidentStatusIn, Page};
use serde::Deserialize;

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::POST, "/v1/incidents", create),
        route(Method::GET, "/v1/incidents", list).features(crate::features::INCIDENTS),
        route(Method::GET, "/v1/incidents/{id}", get).features(crate::features::INCIDENTS),
        route(Method::POST, "/v1/incidents/{id}/status", set_status),
        route(Method::POST, "/v1/incidents/{id}/response", respond),
        route(Method::GET, "/v1/incidents/{id}/evidence", evidence),
        route(Method::POST, "/v1/incidents/{id}/grants", grant),
    ]
}

async fn create(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Body(body): Body<IncidentIn>,
) -> Result<impl IntoResponse, ApiError> {
    let lane = super::geometry_lane(&app, "place", body.place())?;
    let incident = app
        .execute_in(
            lane,
            &caller,
            Command::ReportIncident(body.spec()),
            |state, entry| {
                let Some(ObjectRef::Incident(id)) = &entry.outcome.created else {
                    return Err(ApiError::Internal);
                };
                Ok(IncidentOut::from(state.incident(&caller, id)?))
            },
        )
        .await??;
    let location = format!("/v1/incidents/{}", incident.id());
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(incident),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IncidentParams {
    pub(crate) limit: Option<std::num::NonZeroUsize>,
    pub(crate) after: Option<String>,
}

pub(crate) async fn list(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Query(params): Query<IncidentParams>,
) -> Result<Json<Page<IncidentOut>>, ApiError> {
    let max = app.config().max_page;
    let page = app
        .read(|state| {
            let items = state
                .incidents(&caller)
                .into_iter()
                .map(|i| (i.id.to_string(), IncidentOut::from(i)));
            paginate(items, params.limit, params.after.as_deref(), max)
        })
        .await?;
    Ok(Json(page))
}

pub(crate) async fn get(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<IncidentId>,
) -> Result<Json<IncidentOut>, ApiError> {
    let incident = app.read(|state| state.incident(&caller, &id)).await??;
    Ok(Json(incident.into()))
}

/// The accused party's response, to an incident at a site it had been
/// told of.
async fn respond(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<IncidentId>,
    Body(body): Body<deconflict_wire::ResponseIn>,
) -> Result<Json<IncidentOut>, ApiError> {
    let command = Command::RespondIncident {
        id,
        response: body.response,
    };
    let incident = app
        .execute(&caller, command, |state, _| state.incident(&caller, &id))
        .await??;
    Ok(Json(incident.into()))
}

async fn set_status(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<IncidentId>,
    Body(body): Body<IncidentStatusIn>,
) -> Result<Json<IncidentOut>, ApiError> {
    let duplicate_of = body
        .duplicate_of
        .as_deref()
        .map(|text| {
            IncidentId::parse(text).ok_or_else(|| ApiError::Invalid {
                code: "invalid_field",
                field: "duplicate_of".into(),
                detail: "duplicate_of: not an incident id".into(),
            })
        })
        .transpose()?;
    let command = Command::SetIncidentStatus {
        id,
        status: body.status.into(),
        reason: body.reason,
        duplicate_of,
    };
    let incident = app
        .execute(&caller, command, |state, _| state.incident(&caller, &id))
        .await??;
    Ok(Json(incident.into()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantIn {
    /// The investigator's party.
    party: String,
    #[serde(default)]
    reason: Option<String>,
}

/// An approver of the coordinator grants an investigator's party the whole
/// evidence of one incident, as a logged act with a reason.
async fn grant(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<IncidentId>,
    Body(body): Body<GrantIn>,
) -> Result<Json<IncidentOut>, ApiError> {
    let command = Command::GrantEvidence {
        incident: id,
        party: body.party,
        reason: body.reason,
    };
    let incident = app
        .execute(&caller, command, |state, _| state.incident(&caller, &id))
        .await??;
    Ok(Json(incident.into()))
}

/// The evidence bundle, as a file `deconflict verify` checks offline.
async fn evidence(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<IncidentId>,
) -> Result<impl IntoResponse, ApiError> {
    let bundle = deconflict_service::evidence::bundle(&app, &caller, id).await?;
    let disposition = format!("attachment; filename=\"evidence-{id}.json\"");
    Ok(([(header::CONTENT_DISPOSITION, disposition)], Json(bundle)))
}
