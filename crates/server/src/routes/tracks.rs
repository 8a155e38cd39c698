//! `/v1/tracks`: position reports of the caller's tracked units, in batches.
//!
//! A batch is one command and one log entry: each report moves its unit
//! (the latest per unit; an older one is recorded but moves nothing), and
//! the conflicts it enters or leaves open and resolve at once, with alerts
//! for a cleared or active hazard. A batch is taken whole or refused whole,
//! the refusal naming the report at fault (`reports[3].lat`).

use super::{Route, route};
use crate::auth::Caller;
use crate::extract::Body;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::Method;
use deconflict_model::Command;
use deconflict_service::Lane;
use deconflict_wire::{ConflictOut, TracksIn};
use serde::Serialize;

pub(crate) fn routes() -> Vec<Route> {
    vec![route(Method::POST, "/v1/tracks", report)]
}

/// What a batch did, as the caller may see it.
#[derive(Debug, Serialize)]
struct TracksOut {
    /// The log entry that records the batch.
    seq: u64,
    accepted: usize,
    /// Conflicts the batch opened.
    opened: Vec<ConflictOut>,
    /// Conflicts it resolved, by id.
    resolved: Vec<String>,
    /// The opened conflicts that are alerts: a unit in a cleared or active
    /// hazard.
    alerts: Vec<String>,
}

async fn report(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Body(body): Body<TracksIn>,
) -> Result<Json<TracksOut>, ApiError> {
    let accepted = body.reports.len();
    let lane = Lane::for_reports(accepted);
    let command = Command::Track {
        reports: body.reports.into_iter().map(Into::into).collect(),
    };
    let out = app
        .execute_in(lane, &caller, command, |state, entry| TracksOut {
            seq: entry.seq,
            accepted,
            opened: entry
                .outcome
                .opened
                .iter()
                .filter_map(|c| state.conflict(&caller, &c.id).ok())
                .map(Into::into)
                .collect(),
            // Only those the caller is shown: one a question past its
            // budget opened is the coordinator's to tell.
            resolved: super::resolved(state, &caller, entry),
            alerts: entry
                .outcome
                .alerts
                .iter()
                .map(|a| a.subject.to_string())
                .collect(),
        })
        .await?;
    Ok(Json(out))
}
