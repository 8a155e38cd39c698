//! `GET /v1/state`: everything the caller may see, now or as it stood at an
//! earlier point of the log (`as_of` a sequence number or an RFC 3339 time).
//!
//! `as_of` replays the log from its first entry up to that point into a new
//! state and builds the caller's view of it, through the same need-to-know
//! rule as every other answer. It costs a replay (see BENCHMARKS.md); it runs
//! on a blocking thread and does not hold the state's lock.

use super::conflicts::deliveries;
use super::{Route, route};
use crate::auth::Caller;
use crate::extract::Query;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::Method;
use deconflict_service::Until;
use deconflict_wire::StateOut;
use serde::Deserialize;

pub(crate) fn routes() -> Vec<Route> {
    vec![route(Method::GET, "/v1/state", get)]
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateParams {
    /// A sequence number of the log, or an RFC 3339 time.
    as_of: Option<String>,
}

async fn get(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Query(params): Query<StateParams>,
) -> Result<Json<StateOut>, ApiError> {
    let Some(as_of) = params.as_of else {
        // The current state shows the caller its conflicts: record delivery.
        let (_, view) = app
            .transact(
                &caller,
                |state| deliveries(&caller, &state.conflicts(&caller)),
                |state, _| state.view(&caller),
            )
            .await?;
        return Ok(Json(view.into()));
    };
    let replayed = replayed_at(&app, &as_of).await?;
    let view = replayed.view(&caller);
    Ok(Json(view.into()))
}

/// The state as the log stood `as_of` a sequence number or an RFC 3339
/// time, replayed on a blocking thread; the empty state before the first
/// entry. A sequence number past the log's end is refused, naming `as_of`.
pub(crate) async fn replayed_at(
    app: &AppState,
    as_of: &str,
) -> Result<deconflict_model::State, ApiError> {
    let until = if !as_of.is_empty() && as_of.bytes().all(|b| b.is_ascii_digit()) {
        let seq = as_of
            .parse::<u64>()
            .map_err(|_| ApiError::query("as_of", "a sequence number or an RFC 3339 time"))?;
        Until::Seq(seq)
    } else {
        Until::TimeMs(deconflict_wire::time::parse(as_of).map_err(|e| ApiError::query("as_of", e))?)
    };
    let replayer = app.clone();
    let replayed = tokio::task::spawn_blocking(move || replayer.replay_until(until))
        .await
        .map_err(|_| ApiError::Internal)??
        .unwrap_or_else(|| deconflict_model::State::new(app.config().policy.clone()));
    if let Until::Seq(seq) = until {
        let head = replayed.seq().unwrap_or(0);
        if head != seq {
            return Err(ApiError::query(
                "as_of",
                format!("the log has {head} entries; there is no entry {seq}"),
            ));
        }
    }
    Ok(replayed)
}
