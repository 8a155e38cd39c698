//! The objects of the state: declarations, activities, conflicts.
//!
//! The records themselves are private to the crate: outside it they are read
//! only through the views of [`crate::sight`], so that nothing can show an
//! object without asking what the viewer may see of it.

use crate::area::CoarseArea;
use crate::command::{ActivitySpec, DeclarationSpec};
use crate::id::{ConflictId, ObjectRef};
use crate::track::{MAX_ESCALATION, Track};
use deconflict_geo4d::Window;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where an activity stands. There is no lasting `submitted`: a submission
/// is decided at once, `cleared` or `held`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityState {
    /// Waiting for an approver: open conflicts, or the policy asks for clearance.
    Held,
    /// May start.
    Cleared,
    /// Refused by an approver; final.
    Denied,
    /// Under way.
    Active,
    /// Done; final.
    Completed,
    /// Called off by its owner; final.
    Cancelled,
}

impl ActivityState {
    pub fn as_str(&self) -> &'static str {
        match self {
            ActivityState::Held => "held",
            ActivityState::Cleared => "cleared",
            ActivityState::Denied => "denied",
            ActivityState::Active => "active",
            ActivityState::Completed => "completed",
            ActivityState::Cancelled => "cancelled",
        }
    }

    /// Whether the activity still stands, and so can be in conflict.
    pub fn is_live(&self) -> bool {
        matches!(
            self,
            ActivityState::Held | ActivityState::Cleared | ActivityState::Active
        )
    }
}

impl fmt::Display for ActivityState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a conflict stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConflictState {
    /// The overlap holds and nobody has accepted it.
    Open,
    /// The overlap no longer holds: a side moved, was withdrawn, or ended.
    Resolved,
    /// An approver accepted the overlap, with a reason.
    Overridden,
}

impl ConflictState {
    pub fn as_str(&self) -> &'static str {
        match self {
            ConflictState::Open => "open",
            ConflictState::Resolved => "resolved",
            ConflictState::Overridden => "overridden",
        }
    }

    /// Whether the overlap still holds (open or overridden).
    pub fn is_standing(&self) -> bool {
        !matches!(self, ConflictState::Resolved)
    }
}

/// How far a conflict's notification to one party has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotificationState {
    Pending,
    Delivered,
    Acknowledged,
}

impl NotificationState {
    pub fn as_str(&self) -> &'static str {
        match self {
            NotificationState::Pending => "pending",
            NotificationState::Delivered => "delivered",
            NotificationState::Acknowledged => "acknowledged",
        }
    }
}

/// One party's notification of a conflict, with the times it moved on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub state: NotificationState,
    pub delivered_ms: Option<i64>,
    pub acknowledged_ms: Option<i64>,
    /// How far it has been escalated, 0 to [`MAX_ESCALATION`](crate::MAX_ESCALATION).
    pub escalated: u8,
}

/// One step in an activity's life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub state: ActivityState,
    /// The approver's reason, or why the model moved it.
    pub reason: Option<String>,
    pub time_ms: i64,
}

/// An approver's acceptance of a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub reason: String,
    pub time_ms: i64,
}

#[derive(Debug)]
pub(crate) struct Declaration {
    pub(crate) key: u64,
    pub(crate) version: u64,
    pub(crate) owner: String,
    pub(crate) spec: DeclarationSpec,
    pub(crate) withdrawn: bool,
    pub(crate) created_ms: i64,
    pub(crate) updated_ms: i64,
    pub(crate) conflicts: ObjectConflicts,
    /// Its last reported position, once a tracked unit has reported.
    pub(crate) track: Option<Track>,
    /// Its last report, kept across amendments: where a move is measured
    /// from (see `track.rs`).
    pub(crate) fix: Option<crate::track::TrackReport>,
    /// Why the coordinator disputes it, while it does: it causes no holds.
    pub(crate) disputed: Option<String>,
    /// When its owner last confirmed it (declared, amended, re-confirmed).
    pub(crate) confirmed_ms: i64,
    /// Since when it is unconfirmed, if it is.
    pub(crate) unconfirmed_since: Option<i64>,
    /// The deadline its owner was given to re-confirm it, if asked.
    pub(crate) reconfirm_by: Option<i64>,
    /// Its challenges, in the order raised.
    pub(crate) challenges: Vec<crate::id::ChallengeId>,
}

impl Declaration {
    /// Its owner says it is as declared: confirmed from `t`, no longer
    /// unconfirmed nor asked.
    pub(crate) fn confirm(&mut self, t: i64) {
        self.confirmed_ms = t;
        self.unconfirmed_since = None;
        self.reconfirm_by = None;
    }
}

#[derive(Debug)]
pub(crate) struct Activity {
    pub(crate) key: u64,
    pub(crate) owner: String,
    pub(crate) spec: ActivitySpec,
    pub(crate) state: ActivityState,
    pub(crate) history: Vec<Transition>,
    pub(crate) conflicts: ObjectConflicts,
}

/// The conflicts of one declaration or activity.
#[derive(Debug, Default)]
pub(crate) struct ObjectConflicts {
    /// Every conflict it was ever part of, oldest first.
    pub(crate) all: Vec<ConflictId>,
    /// Those whose overlap still holds (open or overridden): what a move,
    /// an amendment or an ending looks at, without the whole history.
    pub(crate) standing: Vec<ConflictId>,
    /// The other parties of all of them: who may see it through a conflict.
    pub(crate) met: Vec<String>,
}

impl ObjectConflicts {
    pub(crate) fn opened(&mut self, id: ConflictId, other_party: &str) {
        self.all.push(id);
        self.standing.push(id);
        if !self.met.iter().any(|p| p == other_party) {
            self.met.push(other_party.to_owned());
        }
    }

    /// A conflict through which the other party is not shown this object.
    pub(crate) fn opened_unseen(&mut self, id: ConflictId) {
        self.all.push(id);
        self.standing.push(id);
    }

    pub(crate) fn resolved(&mut self, id: &ConflictId) {
        self.standing.retain(|c| c != id);
    }
}

/// One side of a conflict: an object, its kind, and its owner's notification.
#[derive(Debug)]
pub(crate) struct Side {
    pub(crate) object: ObjectRef,
    pub(crate) party: String,
    /// The object's kind when the conflict opened.
    pub(crate) kind: String,
    pub(crate) notification: Notification,
}

#[derive(Debug)]
pub(crate) struct Conflict {
    /// The activity's side first, then the declaration or activity it meets.
    pub(crate) sides: [Side; 2],
    /// The party whose command opened the conflict; it was told in the
    /// answer to that command.
    pub(crate) opened_by: String,
    pub(crate) window: Window,
    pub(crate) area: CoarseArea,
    pub(crate) state: ConflictState,
    pub(crate) opened_ms: i64,
    pub(crate) resolved_ms: Option<i64>,
    pub(crate) overridden: Option<Override>,
    /// The other side kept from `opened_by`, and why.
    pub(crate) withheld: Option<crate::probing::Withheld>,
    /// Not shown to `opened_by` at all: the coordinator tells it.
    pub(crate) via_coordinator: bool,
}

impl Conflict {
    pub(crate) fn involves(&self, party: &str) -> bool {
        self.side_of(party).is_some()
    }

    pub(crate) fn side_of(&self, party: &str) -> Option<usize> {
        self.sides.iter().position(|s| s.party == party)
    }

    /// The sides whose notification may still escalate: not acknowledged,
    /// not of the party that opened it (it was told in its answer), not at
    /// the last step yet.
    pub(crate) fn escalating_sides(&self) -> impl Iterator<Item = usize> + '_ {
        (0..2).filter(move |&i| {
            let side = &self.sides[i];
            self.state == ConflictState::Open
                && side.party != self.opened_by
                && side.notification.state != NotificationState::Acknowledged
                && side.notification.escalated < MAX_ESCALATION
        })
    }

    /// Whether every party that did not open the conflict has acknowledged it.
    pub(crate) fn acknowledged(&self) -> bool {
        self.sides.iter().all(|s| {
            s.party == self.opened_by || s.notification.state == NotificationState::Acknowledged
        })
    }
}
