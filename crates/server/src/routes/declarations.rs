//! `/v1/declarations`: a party's protected things — unit positions, bases,
//! checkpoints, routes, camps.

use super::{Filter, ListParams, Route, opened, paginate, resolved, route};
use crate::auth::Caller;
use crate::extract::{Body, Id, Query};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::IntoResponse;
use deconflict_model::{Command, DeclarationId, ObjectRef};
use deconflict_wire::{ConflictOut, DeclarationIn, DeclarationOut, Page};
use serde::Serialize;

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::POST, "/v1/declarations", create),
        route(Method::GET, "/v1/declarations", list).features(crate::features::DECLARATIONS),
        route(Method::GET, "/v1/declarations/{id}", get).features(crate::features::DECLARATIONS),
        route(Method::PUT, "/v1/declarations/{id}", amend),
        route(Method::DELETE, "/v1/declarations/{id}", withdraw),
    ]
}

/// What `POST`, `PUT` and `DELETE` answer: the declaration's id and version,
/// the conflicts the command opened and those it resolved.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "DeclarationChange")]
pub(crate) struct Change {
    id: String,
    version: u64,
    /// Conflicts this command opened, as the caller sees them.
    conflicts: Vec<ConflictOut>,
    /// Ids of conflicts this command resolved.
    resolved: Vec<String>,
}

async fn create(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Body(body): Body<DeclarationIn>,
) -> Result<impl IntoResponse, ApiError> {
    let lane = super::geometry_lane(&app, "geometry", &body.geometry)?;
    if body.version.is_some() {
        return Err(ApiError::Invalid {
            code: "invalid_field",
            field: "version".into(),
            detail: "version: only a PUT names the version it replaces".into(),
        });
    }
    let command = Command::Declare(body.spec());
    let change = app
        .execute_in(lane, &caller, command, |state, entry| {
            let Some(ObjectRef::Declaration(id)) = &entry.outcome.created else {
                return Err(ApiError::Internal);
            };
            let d = state.declaration(&caller, id)?;
            Ok(Change {
                id: id.to_string(),
                version: d.version,
                conflicts: opened(state, &caller, entry),
                resolved: Vec::new(),
            })
        })
        .await??;
    let location = format!("/v1/declarations/{}", change.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(change),
    ))
}

pub(crate) async fn list(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Json<Page<DeclarationOut>>, ApiError> {
    if params.state.is_some() {
        return Err(ApiError::query(
            "state",
            "declarations have no state to filter by (see include_withdrawn)",
        ));
    }
    let filter = Filter::parse(&params)?;
    let withdrawn = params.include_withdrawn.unwrap_or(false);
    let max = app.config().max_page;
    let page = app
        .read(|state| {
            let items = state
                .declarations_after(
                    &caller,
                    params.after.as_deref().and_then(DeclarationId::parse),
                )
                .filter(|d| withdrawn || !d.withdrawn)
                .filter(|d| filter.admits(&d.kind, &d.volume))
                .map(|d| (d.id.to_string(), DeclarationOut::from(d)));
            paginate(items, params.limit, params.after.as_deref(), max)
        })
        .await?;
    Ok(Json(page))
}

pub(crate) async fn get(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<DeclarationId>,
) -> Result<Json<DeclarationOut>, ApiError> {
    let d = app.read(|state| state.declaration(&caller, &id)).await??;
    Ok(Json(d.into()))
}

async fn amend(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<DeclarationId>,
    Body(body): Body<DeclarationIn>,
) -> Result<Json<Change>, ApiError> {
    let lane = super::geometry_lane(&app, "geometry", &body.geometry)?;
    let command = Command::Amend {
        id,
        version: body.version,
        spec: body.spec(),
    };
    let change = app
        .execute_in(lane, &caller, command, |state, entry| {
            let d = state.declaration(&caller, &id)?;
            Ok::<_, ApiError>(Change {
                id: id.to_string(),
                version: d.version,
                conflicts: opened(state, &caller, entry),
                resolved: resolved(state, &caller, entry),
            })
        })
        .await??;
    Ok(Json(change))
}

async fn withdraw(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<DeclarationId>,
) -> Result<Json<Change>, ApiError> {
    let command = Command::Withdraw { id };
    let change = app
        .execute(&caller, command, |state, entry| {
            let d = state.declaration(&caller, &id)?;
            Ok::<_, ApiError>(Change {
                id: id.to_string(),
                version: d.version,
                conflicts: Vec::new(),
                resolved: resolved(state, &caller, entry),
            })
        })
        .await??;
    Ok(Json(change))
}
