//! `/v1/alerts`: what stands for the caller's party and calls for it at
//! once, so that a console shows it again after a reload or on another
//! device: the alerts raised to it (a unit in a live hazard, an attack near
//! its own; to the coordinator, an activity planned over a lost unit) with
//! whether and by whom of it they were acknowledged, the
//! escalated notifications it has not acknowledged, and the stops that hold
//! its activities (or that it raised).
//!
//! An alert is named among the party's own (`alr_<entry>_<index>`, see
//! `deconflict_model::AlertRef`), shown as the event stream showed it, and
//! acknowledged as an act of the log by any of the party's operators: the
//! acknowledgement is the party's own to read. Another party's alert is
//! 404, as one that never was.

use super::{Route, route};
use crate::auth::Caller;
use crate::events::{AlertOut, alert};
use crate::extract::{Id, OptionalBody};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::Method;
use deconflict_model::{
    Actor, AlertRef, AlertView, Command, ConflictState, NotificationState, SideView,
    State as Model, StopState,
};
use deconflict_service::events::shown_alert;
use deconflict_service::now_ms;
use deconflict_wire::schema::Time;
use deconflict_wire::theatre::StopOut;
use deconflict_wire::time::{rfc3339, rfc3339_opt};
use deconflict_wire::{ConflictOut, EmptyIn};
use serde::Serialize;

pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/v1/alerts", list),
        route(Method::POST, "/v1/alerts/{id}/acknowledge", acknowledge),
    ]
}

/// How far back an acknowledged alert is still listed; one not yet
/// acknowledged is listed however old.
const LISTED_MS: i64 = 24 * 3600 * 1000;

/// What stands for the caller's party.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "Standing")]
pub(crate) struct StandingOut {
    /// Oldest first.
    alerts: Vec<StandingAlertOut>,
    escalations: Vec<EscalationOut>,
    stops: Vec<StopOut>,
}

/// One alert raised to the caller's party.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "StandingAlert")]
pub(crate) struct StandingAlertOut {
    /// `alr_<entry>_<index>`: the entry that raised it and its place among
    /// that entry's alerts to the party.
    id: String,
    #[serde(with = "rfc3339")]
    #[schemars(with = "Time")]
    raised_at: i64,
    #[schemars(extend("enum" = ["new", "acknowledged"]))]
    state: &'static str,
    /// The credential of the party's that acknowledged it.
    #[serde(skip_serializing_if = "Option::is_none")]
    acknowledged_by: Option<String>,
    #[serde(with = "rfc3339_opt", skip_serializing_if = "Option::is_none", default)]
    #[schemars(with = "Option<Time>")]
    acknowledged_at: Option<i64>,
    alert: AlertOut,
}

/// A conflict whose notification to the caller's party (or, to the
/// coordinator, to any party, at the last level) escalated unacknowledged.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "Escalation")]
pub(crate) struct EscalationOut {
    level: u8,
    /// The party whose notification it is.
    party: String,
    conflict: ConflictOut,
}

async fn list(
    Caller(caller): Caller,
    State(app): State<AppState>,
) -> Result<Json<StandingOut>, ApiError> {
    let now = now_ms();
    let standing = app.read(|state| standing(state, &caller, now)).await?;
    Ok(Json(standing))
}

fn standing(state: &Model, caller: &Actor, now: i64) -> StandingOut {
    let alerts = state
        .alerts_of(caller, now - LISTED_MS)
        .iter()
        .filter_map(|view| shown(state, caller, view))
        .collect();
    let escalations = state
        .conflicts(caller)
        .into_iter()
        .filter(|c| c.state != ConflictState::Resolved)
        .filter_map(|c| {
            let (level, party) = escalated(caller, &c)?;
            Some(EscalationOut {
                level,
                party,
                conflict: c.into(),
            })
        })
        .collect();
    let stops = state
        .stops(caller, now)
        .into_iter()
        .filter(|s| s.state == StopState::Standing)
        .map(StopOut::from)
        .collect();
    StandingOut {
        alerts,
        escalations,
        stops,
    }
}

/// How far the conflict's unacknowledged notification escalated that the
/// caller must act on, and whose it is: its own party's, or, for the
/// coordinator, any party's at the last level.
fn escalated(caller: &Actor, conflict: &deconflict_model::ConflictView) -> Option<(u8, String)> {
    conflict
        .sides
        .iter()
        .filter_map(|side| match side {
            SideView::Full {
                party,
                notification,
                ..
            } if notification.state != NotificationState::Acknowledged
                && notification.escalated > 0
                && (*party == caller.party
                    || (caller.coordinator
                        && notification.escalated >= deconflict_model::MAX_ESCALATION)) =>
            {
                Some((notification.escalated, party.clone()))
            }
            _ => None,
        })
        .max()
}

fn shown(state: &Model, caller: &Actor, view: &AlertView) -> Option<StandingAlertOut> {
    let what = shown_alert(state, caller, &view.subject, view.cause)?;
    Some(StandingAlertOut {
        id: view.id.to_string(),
        raised_at: view.raised_ms,
        state: if view.acknowledged.is_some() {
            "acknowledged"
        } else {
            "new"
        },
        acknowledged_by: view.acknowledged.as_ref().map(|a| a.credential_id.clone()),
        acknowledged_at: view.acknowledged.as_ref().map(|a| a.time_ms),
        alert: alert(&what),
    })
}

/// Acknowledges the alert for the caller's party: the answer is the alert
/// as it now stands.
async fn acknowledge(
    Caller(caller): Caller,
    State(app): State<AppState>,
    Id(id): Id<AlertRef>,
    OptionalBody(_): OptionalBody<EmptyIn>,
) -> Result<Json<StandingAlertOut>, ApiError> {
    let command = Command::AcknowledgeAlert {
        entry: id.entry,
        index: id.index,
    };
    let shown = app
        .execute(&caller, command, |state, _| {
            state
                .alert_of(&caller, id)
                .and_then(|view| shown(state, &caller, &view))
                .ok_or(ApiError::NotFound("alert"))
        })
        .await??;
    Ok(Json(shown))
}
