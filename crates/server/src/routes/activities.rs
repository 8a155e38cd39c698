//! `/v1/activities`: a party's planned activities and their hazard volumes,
//! and the moves of their life (`clear`, `hold`, `deny` by an approver of
//! the coordinator; `start`, `complete`, `cancel` by the owner).

use super::{Filter, ListParams, Route, opened, paginate, route};
use crate::auth::Caller;
use crate::extract::{Body, Id, OptionalBody, Query};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::IntoResponse;
use deconflict_model::{ActivityId, Actor, Command, ObjectRef};
use deconflict_wire::{
    ActivityIn, ActivityOut, ConflictOut, EmptyIn, Page, ReasonIn, activity_state,
};
use serde::Serialize;

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::POST, "/v1/activities", submit),
        route(Method::GET, "/v1/activities", list).features(crate::features::ACTIVITIES),
        route(Method::GET, "/v1/activities/{id}", get).features(crate::features::ACTIVITIES),
        route(Method::POST, "/v1/activities/{id}/clear", clear),
        route(Method::POST, "/v1/activities/{id}/hold", hold),
        route(Method::POST, "/v1/activities/{id}/deny", deny),
        route(Method::POST, "/v1/activities/{id}/start", start),
        route(Method::POST, "/v1/activities/{id}/complete", complete),
        route(Method::POST, "/v1/activities/{id}/cancel", cancel),
    ]
}

/// What `POST /v1/activities` answers: the new id, `cleared` or `held`, and
/// the conflicts the submission opened.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "ActivitySubmitted")]
pub(crate) struct Submitted {
    id: String,
    #[schemars(extend("enum" = ["cleared", "held"]))]
    state: &'static str,
    /// Conflicts the submission opened.
    conflicts: Vec<ConflictOut>,
}

async fn submit(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Body(body): Body<ActivityIn>,
) -> Result<impl IntoResponse, ApiError> {
    let lane = super::geometry_lane(&app, "geometry", &body.geometry)?;
    let command = Command::SubmitActivity(body.spec());
    let submitted = app
        .execute_in(lane, &caller, command, |state, entry| {
            // The caller's own new activity: its id and state are in the
            // entry; the conflicts are shown through the need-to-know views.
            let (Some(ObjectRef::Activity(id)), Some(activity_state)) =
                (&entry.outcome.created, entry.outcome.activity_state)
            else {
                return Err(ApiError::Internal);
            };
            Ok(Submitted {
                id: id.to_string(),
                state: activity_state.as_str(),
                conflicts: opened(state, &caller, entry),
            })
        })
        .await??;
    let location = format!("/v1/activities/{}", submitted.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(submitted),
    ))
}

pub(crate) async fn list(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Json<Page<ActivityOut>>, ApiError> {
    if params.include_withdrawn.is_some() {
        return Err(ApiError::query(
            "include_withdrawn",
            "activities are not withdrawn (filter by state)",
        ));
    }
    let filter = Filter::parse(&params)?;
    let wanted = match params.state.as_deref() {
        None => None,
        Some(text) => Some(activity_state(text).ok_or_else(|| {
            ApiError::query(
                "state",
                "one of held, cleared, denied, active, completed, cancelled",
            )
        })?),
    };
    let max = app.config().max_page;
    let page = app
        .read(|state| {
            let items = state
                .activities_after(&caller, params.after.as_deref().and_then(ActivityId::parse))
                .filter(|a| wanted.is_none_or(|s| a.state == s))
                .filter(|a| filter.admits(&a.kind, &a.volume))
                .map(|a| (a.id.to_string(), ActivityOut::from(a)));
            paginate(items, params.limit, params.after.as_deref(), max)
        })
        .await?;
    Ok(Json(page))
}

pub(crate) async fn get(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<ActivityId>,
) -> Result<Json<ActivityOut>, ApiError> {
    let a = app.read(|state| state.activity(&caller, &id)).await??;
    Ok(Json(a.into()))
}

/// Runs one move of an activity and answers with the activity after it.
async fn act(
    app: &AppState,
    caller: &Actor,
    id: ActivityId,
    command: Command,
) -> Result<Json<ActivityOut>, ApiError> {
    let a = app
        .execute(caller, command, |state, _| state.activity(caller, &id))
        .await??;
    Ok(Json(a.into()))
}

/// An approver's decision on an activity, with its optional reason.
async fn decide(
    app: &AppState,
    caller: &Actor,
    id: ActivityId,
    body: ReasonIn,
    command: fn(ActivityId, Option<String>) -> Command,
) -> Result<Json<ActivityOut>, ApiError> {
    act(app, caller, id, command(id, body.reason)).await
}

async fn clear(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<ActivityId>,
    OptionalBody(body): OptionalBody<ReasonIn>,
) -> Result<Json<ActivityOut>, ApiError> {
    decide(&app, &caller, id, body, |id, reason| Command::Clear {
        id,
        reason,
    })
    .await
}

async fn hold(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<ActivityId>,
    OptionalBody(body): OptionalBody<ReasonIn>,
) -> Result<Json<ActivityOut>, ApiError> {
    decide(&app, &caller, id, body, |id, reason| Command::Hold {
        id,
        reason,
    })
    .await
}

async fn deny(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<ActivityId>,
    OptionalBody(body): OptionalBody<ReasonIn>,
) -> Result<Json<ActivityOut>, ApiError> {
    decide(&app, &caller, id, body, |id, reason| Command::Deny {
        id,
        reason,
    })
    .await
}

async fn start(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<ActivityId>,
    OptionalBody(EmptyIn {}): OptionalBody<EmptyIn>,
) -> Result<Json<ActivityOut>, ApiError> {
    act(&app, &caller, id, Command::Start { id }).await
}

async fn complete(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<ActivityId>,
    OptionalBody(EmptyIn {}): OptionalBody<EmptyIn>,
) -> Result<Json<ActivityOut>, ApiError> {
    act(&app, &caller, id, Command::Complete { id }).await
}

async fn cancel(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<ActivityId>,
    OptionalBody(EmptyIn {}): OptionalBody<EmptyIn>,
) -> Result<Json<ActivityOut>, ApiError> {
    act(&app, &caller, id, Command::Cancel { id }).await
}
