//! The model of deconflict: parties, their declarations and activities, the
//! conflicts between them, the commands that change them, the log entries
//! that record each change, and what each party may see.
//!
//! Pure: no I/O, no clock, no randomness. The caller passes the time and the
//! entropy in, and keeps the log.
//!
//! # The fold
//!
//! The log is the database, and [`State`] is its fold. A command goes
//! through two steps:
//!
//! 1. [`State::execute`]`(&actor, command, now_ms, entropy)` decides it
//!    against the current state without changing it: the role, the fields
//!    (geometry errors name the field, `geometry.coordinates[0][1]: latitude
//!    91 is outside -90..=90`), what the actor may see and owns, the objects'
//!    states, then the consequences — ids for what it creates, conflicts
//!    opened and resolved, activities put back on hold, and the notices
//!    addressed to each party. It returns an [`EntryDraft`] or a
//!    [`ModelError`].
//! 2. The caller numbers it ([`EntryDraft::seal`]), appends
//!    [`Entry::encode`]'s bytes to the log, and calls [`State::apply`],
//!    which changes the state exactly as the entry says.
//!
//! At start-up the state is [`State::replay`] of the whole log; the state
//! as of entry `n` is the replay of the entries up to `n`. `apply` needs
//! nothing but the entry: the ids are in it (derived at execute from the
//! entropy through SHA-256, so they leak neither counts nor order), and so
//! are the conflicts and the states the command led to, so replay does not
//! evaluate anything again and a changed policy does not change the past.
//! Execute, append and apply happen in log order under one lock: a draft
//! is valid only for the state it was decided in.
//!
//! # Conflicts
//!
//! An activity is in conflict with another party's live declaration (not
//! withdrawn) or live activity (`held`, `cleared` or `active`) when their
//! volumes conflict under the engine's one rule
//! ([`Volume::conflicts_with`](deconflict_geo4d::Volume::conflicts_with)).
//! Overlaps within one party are not conflicts, nor are two declarations.
//! Each pair has at most one standing conflict. They are found in a
//! [`geo4d::Index`](deconflict_geo4d::Index) of the live volumes:
//!
//! - on submit, against live declarations and activities of other parties;
//! - on declare and amend, against live activities of other parties;
//! - an amend resolves the conflicts whose overlap is gone and opens the new
//!   ones; a conflict whose overlap changed (its window, its coarse area, or
//!   the declaration's kind) is resolved and opened anew, since the old
//!   acknowledgements were for another overlap — a conflict keeps showing
//!   the kinds its sides had when it opened;
//! - withdraw, deny, complete and cancel resolve every standing conflict of
//!   the object.
//!
//! A conflict is `open`, then `resolved` when the overlap no longer holds or
//! `overridden` by an approver with a reason (an overridden conflict still
//! becomes `resolved` when its overlap goes). Each party involved has a
//! notification: `pending` → `delivered` (recorded by
//! [`Command::MarkDelivered`]) → `acknowledged` ([`Command::Acknowledge`],
//! which clears nothing). The party whose own command opened a conflict
//! learns of it in the answer to that command, so its notification starts
//! `delivered`.
//!
//! # Clearance
//!
//! A submitted activity is `cleared` at once if it opened no conflict and
//! its kind is not in the [`Policy`]; otherwise `held`. A conflict that
//! opens later on a `cleared` activity puts it back to `held` (an `active`
//! one stays active; its parties are notified). Conflicts never clear
//! anything: an approver of the coordinator clears a held activity, with a
//! reason, and only when each of its open conflicts has been acknowledged by
//! every party involved other than the one that opened it — in the al-Qaim
//! story, the coalition's survey opens the conflict and the PMF acknowledges
//! — or has been overridden. So no activity is ever `cleared` with a
//! conflict that some party it endangers has not acknowledged.
//!
//! # Limits
//!
//! Each declaration and activity is held, when decided, to its kind's
//! [`Limits`] in the [`Policy`] (the area it covers, how long an activity
//! lasts, how high it reaches, how fast a tracked unit may declare it
//! moves), and a tracked unit to where it could be: no report or amendment
//! farther from its last report than its speed allows, and a silent unit's
//! reach capped, past which it is lost and meets no new activity (the
//! coordinator alone is alerted). A command beyond them is
//! [`ModelError::Invalid`] naming the field; replay never checks them.
//!
//! # Need-to-know
//!
//! [`sight`] decides what a party sees of an object: [`Sight::Full`] for
//! its own objects, public declarations, and everything for the
//! coordinator; [`Sight::Conflict`] for another party's object that
//! conflicted with one of its own — only through that conflict: the
//! object's kind, the overlapping window, and a [`CoarseArea`] of whole
//! 0.05° cells around the overlap (or, under
//! [`Disclosure::CoordinatorOnly`], only that the coordinator will make
//! contact); [`Sight::Hidden`] for everything else, including what does not
//! exist. A party sees the conflicts it is involved in; the coordinator sees
//! all. Of another party's notification of a conflict it reads only whether
//! that party acknowledged, never when, nor whether it was delivered or
//! escalated ([`SideView`]). The role does not matter for reading.
//!
//! **Invariant: every view is built through `sight`.** The records are
//! private to the crate; the only ways out are the views
//! ([`State::declaration`], [`State::view`], ...) and the refusals of
//! [`State::execute`], which look the object up through `sight` too, so
//! another party's hidden object and an id that never existed give the same
//! [`ModelError::NotFound`].
//!
//! Chosen questions could still learn more than any one answer shows (one
//! wide survey; a bisection by points submitted and cancelled at once), so
//! windows shown are whole hours, a wide question is answered
//! coordinator-only, and a party past its budget of answers is answered
//! through the coordinator, who is told of the suspicion ([`ProbingPolicy`],
//! [`Probing`]).
//!
//! The log follows the same rule field by field: [`may_read`] says what a
//! party may read of an entry (its own acts, and of others' only what the
//! views above show it), and [`revealable_alone`] which fields of its own
//! entry a party may make public without the coordinator.

mod actor;
mod alerts;
mod area;
mod command;
mod entry;
mod error;
mod execute;
mod holds;
mod id;
mod incident;
mod object;
mod policy;
mod probing;
mod reading;
mod rules;
mod sight;
mod sites;
mod state;
mod stops;
mod track;
mod validate;

#[cfg(test)]
mod tests;

pub use actor::{Actor, Role, SERVICE};
pub use alerts::{Acknowledgement, AlertRef, AlertView};
pub use area::{CoarseArea, GRID_DEG};
pub use command::{ActivitySpec, Command, DeclarationSpec, Disclosure, Visibility, VolumeSpec};
pub use deconflict_geo4d::MAX_ALTITUDE_M;
pub use entry::{
    ENTRY_VERSION, Entry, EntryDraft, Known, Notice, NoticeEvent, OLDEST_ENTRY_VERSION,
    OpenedConflict, Outcome, RevealStep,
};
pub use error::{ErrorKind, ModelError, Noun, Refused};
pub use execute::{MAX_IMPORT, MAX_IMPORT_KEY};
pub use holds::{HOLDS_WINDOW_MS, MAX_SUSPENSION_MS, Suspension};
pub use id::{
    ActivityId, ChallengeId, ConflictId, DeclarationId, Entropy, IncidentId, ObjectRef, StopId,
};
pub use incident::{
    IncidentKind, IncidentSpec, IncidentStatus, IncidentView, NotifiedSite, StatusChange,
    incident_volume,
};
pub use object::{
    ActivityState, ConflictState, Notification, NotificationState, Override, Transition,
};
pub use policy::{
    DEFAULT_LIMITS, KIND_LIMITS, Limits, Policy, STALE_REACH_CAP_M, box_km2, covered_km2,
};
pub use probing::{
    MAX_PROBING_WINDOW_MS, MAX_QUICK_MS, Pattern, PatternSeen, Probing, ProbingPolicy, Withheld,
};
pub use reading::{may_read, revealable_alone};
pub use rules::{AreaEffect, MAX_NOTICE_H, Rule, RuleRef, RuleSpec, RuleVersion};
pub use sight::{
    ActivityView, ConflictView, DeclarationView, Overlap, SideView, Sight, StateView, sight,
};
pub use sites::{ChallengeRuling, ChallengeView, ReconfirmAsk};
pub use state::{Replay, State, Totals};
pub use stops::{
    MAX_STOP_KM2, MAX_STOP_MS, REMIND_EVERY_MS, StopCause, StopDetail, StopRaised, StopReminder,
    StopSpec, StopState, StopView,
};
pub use track::{
    Alert, Escalation, MAX_ESCALATION, MAX_REPORTS, MOVE_SLACK_M, MOVE_SLACK_MS, Position,
    StaleUnit, TrackReport, TrackView, TrackingSpec,
};
