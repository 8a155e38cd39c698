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
use deconflict_model::{Command, MAX_REPORTS};
use deconflict_service::{Config, Lane};
use deconflict_wire::{ConflictOut, TracksIn};
use serde::Serialize;

/// The most a report may take in a batch's body: a full one, every field
/// given, with room for spacing.
const REPORT_BYTES: usize = 400;

/// A batch's body limit: room for the most reports a batch holds
/// ([`MAX_REPORTS`]), or the configured limit if larger.
fn batch_body_limit(config: &Config) -> usize {
    config.body_limit.max(MAX_REPORTS * REPORT_BYTES)
}

pub(crate) fn routes() -> Vec<Route> {
    let mut tracks = route(Method::POST, "/v1/tracks", report);
    tracks.body_limit = Some(batch_body_limit);
    vec![tracks]
}

/// What a batch did, as the caller may see it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct TracksOut {
    /// The log entry that records the batch.
    seq: u64,
    accepted: usize,
    /// Conflicts the batch opened.
    opened: Vec<ConflictOut>,
    /// Conflicts it resolved, by id.
    resolved: Vec<String>,
    /// Ids of the opened conflicts that are alerts: a unit in a cleared or
    /// active hazard.
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
