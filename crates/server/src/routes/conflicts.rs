//! `/v1/conflicts`: the overlaps between one party's activity and another
//! party's declaration or activity, each as the caller may see it.
//!
//! Reading a conflict is how a party receives it: when a `GET` shows a party
//! a conflict whose notification to it is still `pending`, the service
//! records the delivery (`MarkDelivered`, one log entry each) before
//! answering, and the answer shows it `delivered`. Acknowledging is a
//! separate, explicit `POST .../acknowledge`, which clears nothing.

use super::{Route, paginate, route};
use crate::auth::Caller;
use crate::extract::{Id, OptionalBody, Query};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::Method;
use deconflict_model::{Actor, Command, ConflictId, ConflictState, ConflictView};
use deconflict_wire::{ConflictOut, EmptyIn, Page, ReasonIn, conflict_state};
use serde::Deserialize;

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/v1/conflicts", list).features(crate::features::CONFLICTS),
        route(Method::GET, "/v1/conflicts/{id}", get).features(crate::features::CONFLICTS),
        route(Method::POST, "/v1/conflicts/{id}/acknowledge", acknowledge),
        route(Method::POST, "/v1/conflicts/{id}/override", override_),
    ]
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConflictParams {
    pub(crate) limit: Option<std::num::NonZeroUsize>,
    pub(crate) after: Option<String>,
    /// `open`, `resolved` or `overridden`.
    pub(crate) state: Option<String>,
}

/// The deliveries to record for the conflicts the caller is about to be shown.
pub(crate) fn deliveries<'a>(
    caller: &Actor,
    shown: impl IntoIterator<Item = &'a ConflictView>,
) -> Vec<Command> {
    shown
        .into_iter()
        .filter(|c| c.pending_for(&caller.party))
        .map(|c| Command::MarkDelivered { conflict: c.id })
        .collect()
}

pub(crate) async fn list(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Query(params): Query<ConflictParams>,
) -> Result<Json<Page<ConflictOut>>, ApiError> {
    let wanted: Option<ConflictState> = match params.state.as_deref() {
        None => None,
        Some(text) => Some(
            conflict_state(text)
                .ok_or_else(|| ApiError::query("state", "one of open, resolved, overridden"))?,
        ),
    };
    let max = app.config().max_page;
    let page_of = |state: &deconflict_model::State| {
        let items = state
            .conflicts_after(&caller, params.after.as_deref().and_then(ConflictId::parse))
            .filter(|c| wanted.is_none_or(|s| c.state == s))
            .map(|c| (c.id.to_string(), c));
        paginate(items, params.limit, params.after.as_deref(), max)
    };
    let (_, page) = app
        .transact(
            &caller,
            |state| deliveries(&caller, &page_of(state).items),
            |state, _| page_of(state),
        )
        .await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(Into::into).collect(),
        next_after: page.next_after,
    }))
}

pub(crate) async fn get(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<ConflictId>,
) -> Result<Json<ConflictOut>, ApiError> {
    let (_, view) = app
        .transact(
            &caller,
            |state| deliveries(&caller, state.conflict(&caller, &id).as_ref().ok()),
            |state, _| state.conflict(&caller, &id),
        )
        .await?;
    Ok(Json(view?.into()))
}

async fn acknowledge(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<ConflictId>,
    OptionalBody(EmptyIn {}): OptionalBody<EmptyIn>,
) -> Result<Json<ConflictOut>, ApiError> {
    let command = Command::Acknowledge { conflict: id };
    let view = app
        .execute(&caller, command, |state, _| state.conflict(&caller, &id))
        .await??;
    Ok(Json(view.into()))
}

async fn override_(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<ConflictId>,
    OptionalBody(body): OptionalBody<ReasonIn>,
) -> Result<Json<ConflictOut>, ApiError> {
    let command = Command::Override {
        conflict: id,
        reason: body.reason,
    };
    let view = app
        .execute(&caller, command, |state, _| state.conflict(&caller, &id))
        .await??;
    Ok(Json(view.into()))
}
