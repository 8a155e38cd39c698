//! Log entries: one accepted command, who sent it, when, and everything it
//! caused. This is the log's own persistent format.

use crate::actor::Actor;
use crate::area::CoarseArea;
use crate::command::Command;
use crate::error::ModelError;
use crate::id::{ActivityId, ChallengeId, ConflictId, DeclarationId, ObjectRef, StopId};
use crate::object::ActivityState;
use crate::probing::{Probing, Withheld};
use crate::rules::RuleRef;
use crate::sites::ReconfirmAsk;
use crate::stops::{StopRaised, StopReminder};
use crate::track::{Alert, Escalation, StaleUnit};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of the entry encoding that [`Entry::encode`] writes, as
/// the `v` field of every encoded entry.
///
/// Version 4 added imports (many declarations as one entry); a version 3
/// entry is a version 4 entry that uses none.
///
/// Version 3 added the rules of the theatre, check fire (stops), an
/// activity's `late_notice`, and what a clearance was decided against; a
/// version 2 entry is a version 3 entry that uses none of them, so both
/// are read ([`OLDEST_ENTRY_VERSION`]) and a log keeps the bytes each entry
/// was written with. Version 2 added reveals that wait for a second
/// approver or the owner's consent, and evidence granted to an
/// investigator; its entries are published as leaves of format 2, which
/// show nothing but the sequence number. A log of version 1 published
/// leaves that showed who did what, and its signed history cannot be
/// rewritten into the new form, so this build refuses it (see
/// `deconflict_model::ENTRY_VERSION` in the server's start-up message).
pub const ENTRY_VERSION: u32 = 5;

/// The oldest entry encoding this build reads.
pub const OLDEST_ENTRY_VERSION: u32 = 2;

fn readable(v: u32) -> bool {
    (OLDEST_ENTRY_VERSION..=ENTRY_VERSION).contains(&v)
}

/// One entry of the log: the store keeps it as opaque bytes
/// ([`Entry::encode`]); the state is the fold of all entries
/// ([`State::apply`](crate::State::apply)).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub seq: u64,
    /// Server time of acceptance, Unix milliseconds.
    pub time_ms: i64,
    pub actor: Actor,
    pub command: Command,
    pub outcome: Outcome,
}

/// An accepted command before the store has given it a sequence number:
/// what [`State::execute`](crate::State::execute) returns.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryDraft {
    pub time_ms: i64,
    pub actor: Actor,
    pub command: Command,
    pub outcome: Outcome,
}

impl EntryDraft {
    /// The entry, numbered.
    pub fn seal(self, seq: u64) -> Entry {
        Entry {
            seq,
            time_ms: self.time_ms,
            actor: self.actor,
            command: self.command,
            outcome: self.outcome,
        }
    }
}

/// What a command caused, as decided against the state it was accepted in.
/// Replay applies it as written and never evaluates again, so a log keeps
/// its meaning when the policy or the engine changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The declaration or activity the command created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<ObjectRef>,
    /// The declarations an import created, in the order of its list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imported: Vec<DeclarationId>,
    /// The state the command's activity is in afterwards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_state: Option<ActivityState>,
    /// Conflicts opened.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub opened: Vec<OpenedConflict>,
    /// Conflicts whose overlap no longer holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolved: Vec<ConflictId>,
    /// Other cleared activities put back on hold by a conflict opened here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<ActivityId>,
    /// What each party is told.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
    /// Who must be told at once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<Alert>,
    /// Tracked units gone (or still) stale, with their conservative buffers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stale: Vec<StaleUnit>,
    /// Notifications escalated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalations: Vec<Escalation>,
    /// For a reveal: whether the field is now public, or waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reveal: Option<RevealStep>,
    /// The party asking had spent its budget of answers: the suspicion,
    /// with its evidence, for the coordinator alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probing: Option<Probing>,
    /// The rules under which the command's activity waits for clearance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ruled: Vec<RuleRef>,
    /// Standing stops the command's activity met, which hold it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stops: Vec<StopId>,
    /// A stop raised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<StopRaised>,
    /// The cleared or active activities a stop held, with their owners,
    /// keyed by activity so that an owner's part says nothing of how many
    /// others there were.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stopped: BTreeMap<ActivityId, String>,
    /// Stops not yet acknowledged, told again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reminders: Vec<StopReminder>,
    /// Of a clearance: the other sides of the activity's standing conflicts
    /// as the approver saw them, each with its version (a declaration's
    /// version, an activity's count of transitions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known: Vec<Known>,
    /// Sites not re-confirmed in time, now unconfirmed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unconfirmed: Vec<DeclarationId>,
    /// Unconfirmed sites a new activity meets, their owners asked to
    /// re-confirm by a deadline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub asked: Vec<ReconfirmAsk>,
    /// A challenge raised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<ChallengeId>,
    /// An incident that struck sites its accused party had been told of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified_site: Option<crate::incident::NotifiedSite>,
}

/// One object as a decision was made against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Known {
    pub object: ObjectRef,
    pub version: u64,
}

/// Where a reveal stands after the entry that asked for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevealStep {
    /// Asked for by one approver, or consented to by the owner: waits for
    /// the other.
    Requested,
    /// Public from this entry on.
    Revealed,
}

impl Outcome {
    /// Whether the command changed nothing beyond itself (a sweep with
    /// nothing due is not worth an entry).
    pub fn is_empty(&self) -> bool {
        *self == Outcome::default()
    }
}

/// A conflict as it opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenedConflict {
    pub id: ConflictId,
    pub activity: ActivityId,
    /// The declaration or activity of another party it meets.
    pub other: ObjectRef,
    /// The owners: of `activity`, then of `other`.
    pub parties: [String; 2],
    /// The overlap of the two windows rounded outward to whole hours (UTC),
    /// Unix milliseconds, `to` exclusive.
    pub from_ms: i64,
    pub to_ms: Option<i64>,
    pub area: CoarseArea,
    /// The other side is kept from the party whose command opened it, and
    /// why: it is told only that the coordinator will contact it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withheld: Option<Withheld>,
    /// The party whose command opened it is not shown it at all: the
    /// coordinator tells it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub via_coordinator: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A message addressed to one party about one conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub party: String,
    pub conflict: ConflictId,
    pub event: NoticeEvent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeEvent {
    Opened,
    Resolved,
    Overridden,
    /// The other party acknowledged.
    Acknowledged,
    /// Still unacknowledged: told again, louder (see [`Outcome::escalations`]).
    Escalated,
}

#[derive(Serialize)]
struct Encoded<'a> {
    v: u32,
    seq: u64,
    time_ms: i64,
    actor: &'a Actor,
    command: &'a Command,
    outcome: &'a Outcome,
}

#[derive(Deserialize)]
struct Decoded {
    v: u32,
    seq: u64,
    time_ms: i64,
    actor: Actor,
    command: Command,
    outcome: Outcome,
}

#[derive(Deserialize)]
struct VersionOnly {
    v: u32,
}

impl Entry {
    /// JSON, with the format version `v` first.
    pub fn encode(&self) -> Vec<u8> {
        let encoded = Encoded {
            v: ENTRY_VERSION,
            seq: self.seq,
            time_ms: self.time_ms,
            actor: &self.actor,
            command: &self.command,
            outcome: &self.outcome,
        };
        // Every map in an entry has string keys and every number is finite
        // (validated before acceptance), so serialising cannot fail.
        serde_json::to_vec(&encoded).expect("entries serialise")
    }

    pub fn decode(bytes: &[u8]) -> Result<Entry, ModelError> {
        let unsupported = |v: u32| ModelError::Undecodable {
            detail: format!(
                "format version {v} is not supported (this build reads versions {OLDEST_ENTRY_VERSION} to {ENTRY_VERSION})"
            ),
        };
        match serde_json::from_slice::<Decoded>(bytes) {
            Ok(d) if readable(d.v) => Ok(Entry {
                seq: d.seq,
                time_ms: d.time_ms,
                actor: d.actor,
                command: d.command,
                outcome: d.outcome,
            }),
            Ok(d) => Err(unsupported(d.v)),
            Err(e) => match serde_json::from_slice::<VersionOnly>(bytes) {
                Ok(VersionOnly { v }) if !readable(v) => Err(unsupported(v)),
                _ => Err(ModelError::Undecodable {
                    detail: e.to_string(),
                }),
            },
        }
    }
}
