//! Commands: everything a party can ask of the service, as it is logged.

use crate::id::{ActivityId, ChallengeId, ConflictId, DeclarationId, IncidentId, StopId};
use crate::incident::{IncidentSpec, IncidentStatus};
use crate::object::ActivityState;
use crate::rules::RuleSpec;
use crate::sites::ChallengeRuling;
use crate::stops::StopSpec;
use crate::track::{TrackReport, TrackingSpec};
use serde::{Deserialize, Serialize};

/// Who may see a declaration in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Its own party and the coordinator.
    #[default]
    Private,
    /// Every party: a no-strike list entry, a camp, a hospital.
    Public,
}

/// What another party in conflict with an object may learn of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disclosure {
    /// Its kind, the overlapping window and an area of about 5 km.
    #[default]
    Coarse,
    /// Only that the coordinator will contact them.
    CoordinatorOnly,
}

/// Where and when, as the caller wrote it. The geometry is kept as GeoJSON so
/// that it round-trips exactly; the model validates it into a
/// [`geo4d::Volume`](deconflict_geo4d::Volume) whenever it needs one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolumeSpec {
    pub geometry: geojson::Geometry,
    pub buffer_m: f64,
    /// Metres above ground, `[lo, hi]`; `[0, 0]` is the surface.
    #[serde(default)]
    pub altitude_m: [f64; 2],
    /// Unix milliseconds: `valid_from` of a declaration, `start` of an activity.
    pub from_ms: i64,
    /// Unix milliseconds, exclusive: `valid_to` of a declaration (may be
    /// open), `end` of an activity (required).
    pub to_ms: Option<i64>,
}

impl VolumeSpec {
    /// The engine's volume, or `None` if the spec is not a valid one (the
    /// commands that carry a spec refuse those, naming the field).
    pub fn to_volume(&self) -> Option<deconflict_geo4d::Volume> {
        crate::validate::volume(self, crate::validate::DECLARATION_WINDOW).ok()
    }
}

/// A party's protected thing: a unit position, a base, a route, a camp.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeclarationSpec {
    /// `unit_position`, `base`, `checkpoint`, `route`, `camp`, ... (1–64 of `a-z0-9_`).
    pub kind: String,
    pub label: String,
    pub volume: VolumeSpec,
    #[serde(default)]
    pub visibility: Visibility,
    #[serde(default)]
    pub disclosure: Disclosure,
    /// Present for a unit that reports its position: it becomes a track.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking: Option<TrackingSpec>,
}

/// A party's planned activity and its hazard volume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivitySpec {
    /// `air_strike`, `survey`, `patrol`, ... (1–64 of `a-z0-9_`).
    pub kind: String,
    pub label: String,
    pub volume: VolumeSpec,
    #[serde(default)]
    pub disclosure: Disclosure,
    /// Submitted later than a notice rule asks, by the emergency lane: why.
    /// Such an activity always waits for clearance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_notice: Option<String>,
}

/// Everything a party can ask of the model. Each accepted command becomes
/// one [`Entry`](crate::Entry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// Operator: a new declaration of the actor's party.
    Declare(DeclarationSpec),
    /// Operator of the owner: replaces a declaration with a new version.
    /// `version`, when given, must be the current one (optimistic locking).
    Amend {
        id: DeclarationId,
        version: Option<u64>,
        spec: DeclarationSpec,
    },
    /// Operator of the owner: the declaration no longer stands.
    Withdraw { id: DeclarationId },
    /// Operator: many declarations of the actor's party as one act, all or
    /// none (an agency's list of sites). `key` is the caller's own, so a
    /// retried import creates nothing twice.
    Import {
        key: String,
        declarations: Vec<DeclarationSpec>,
    },
    /// Operator: a new activity of the actor's party.
    SubmitActivity(ActivitySpec),
    /// Approver of the coordinator: held → cleared; `reason` required.
    Clear {
        id: ActivityId,
        reason: Option<String>,
    },
    /// Approver of the coordinator: cleared → held.
    Hold {
        id: ActivityId,
        reason: Option<String>,
    },
    /// Approver of the coordinator: held or cleared → denied; `reason` required.
    Deny {
        id: ActivityId,
        reason: Option<String>,
    },
    /// Operator of the owner: cleared → active.
    Start { id: ActivityId },
    /// Operator of the owner: active → completed.
    Complete { id: ActivityId },
    /// Operator of the owner: held, cleared or active → cancelled.
    Cancel { id: ActivityId },
    /// Operator of a party involved: it has taken note. Clears nothing.
    Acknowledge { conflict: ConflictId },
    /// Approver of the coordinator: the conflict is accepted; `reason` required.
    Override {
        conflict: ConflictId,
        reason: Option<String>,
    },
    /// Any credential of a party involved: the server delivered the
    /// conflict's notification to it (an event stream, a poll).
    MarkDelivered { conflict: ConflictId },
    /// Operator: what the party alleges or reports happened.
    ReportIncident(IncidentSpec),
    /// Approver of the coordinator: judges an incident (or reopens it); an
    /// operator of the reporting party may reopen a judged one. `reason`
    /// required; `duplicate_of` required for, and only for, `duplicate`.
    SetIncidentStatus {
        id: IncidentId,
        status: IncidentStatus,
        reason: Option<String>,
        duplicate_of: Option<IncidentId>,
    },
    /// One field of an earlier entry, hidden behind a commitment in the
    /// public log, is to be made public. The service reads entry `seq`
    /// before the model sees the command and fills in `owner` (the party
    /// whose entry it is) and `own` (whether the field tells of the owner's
    /// objects alone, see [`revealable_alone`](crate::revealable_alone)).
    /// An operator of the owner reveals an `own` field alone; any other
    /// field of a party's entry takes two approvers of the coordinator, or
    /// one and the owner's consent (the owner asking for it too).
    Reveal {
        seq: u64,
        pointer: String,
        owner: String,
        own: bool,
    },
    /// Approver of the coordinator: `party`'s objects cause no holds of
    /// other parties' activities in `area` from now until `until_ms`; their
    /// conflicts still open and both sides are still told. `reason`
    /// required.
    SuspendHolds {
        party: String,
        area: geojson::Geometry,
        until_ms: i64,
        reason: Option<String>,
    },
    /// Approver of the coordinator: the declaration is disputed (a site
    /// that is not what it says) and causes no holds, or no longer is.
    /// `reason` required.
    Dispute {
        id: DeclarationId,
        disputed: bool,
        reason: Option<String>,
    },
    /// Approver of the coordinator: `party` (an investigator) may have the
    /// whole evidence of incident `incident`, as the coordinator does.
    GrantEvidence {
        incident: IncidentId,
        party: String,
        reason: Option<String>,
    },
    /// Approver of the coordinator: a new version of a rule of the theatre.
    /// `reason` required.
    SetRule {
        spec: RuleSpec,
        reason: Option<String>,
    },
    /// Operator: check fire over an area until a time. `reason` required.
    RaiseStop {
        spec: StopSpec,
        reason: Option<String>,
    },
    /// Operator of the raiser, or approver of the coordinator: the stop no
    /// longer holds anything new.
    LiftStop { id: StopId, reason: Option<String> },
    /// Operator of a party whose activity the stop held, or the
    /// coordinator: it has taken note, and is reminded no more.
    AcknowledgeStop { id: StopId },
    /// Operator of a party an alert was raised to, or the coordinator: the
    /// party has taken note. `entry` is the entry that raised it, `index`
    /// its place among the alerts of that entry raised to the party (all of
    /// them, for the coordinator), so that the command says nothing of the
    /// alerts raised to others.
    AcknowledgeAlert { entry: u64, index: u32 },
    /// Operator of the party an incident is alleged against: its response.
    RespondIncident { id: IncidentId, response: String },
    /// Operator of the owner: the site is still as declared.
    Reconfirm { id: DeclarationId },
    /// Operator of a party that sees the declaration (a public one), or an
    /// approver of the coordinator: it is not what it says, on `grounds`.
    Challenge { id: DeclarationId, grounds: String },
    /// Operator of the declaration's owner: its answer to a challenge.
    AnswerChallenge { id: ChallengeId, answer: String },
    /// Approver of the coordinator: rules on a challenge, and whether the
    /// owner is told who challenged. `reason` required.
    RuleChallenge {
        id: ChallengeId,
        ruling: ChallengeRuling,
        reason: Option<String>,
        name_challenger: bool,
    },
    /// Operator of the units' party: where its tracked units say they are.
    /// Each report moves its unit; conflicts are found again at once.
    Track { reports: Vec<TrackReport> },
    /// The service itself, on its clock: tracked units gone stale get their
    /// conservative volumes, unacknowledged notifications escalate.
    Sweep,
}

impl Command {
    /// The verb, as error messages say it.
    pub fn verb(&self) -> &'static str {
        match self {
            Command::Declare(_) => "declare",
            Command::Amend { .. } => "amend",
            Command::Withdraw { .. } => "withdraw",
            Command::Import { .. } => "import",
            Command::SubmitActivity(_) => "submit",
            Command::Clear { .. } => "clear",
            Command::Hold { .. } => "hold",
            Command::Deny { .. } => "deny",
            Command::Start { .. } => "start",
            Command::Complete { .. } => "complete",
            Command::Cancel { .. } => "cancel",
            Command::Acknowledge { .. } => "acknowledge",
            Command::Override { .. } => "override",
            Command::MarkDelivered { .. } => "mark delivered",
            Command::ReportIncident(_) => "report incidents",
            Command::SetIncidentStatus { .. } => "set an incident's status",
            Command::Reveal { .. } => "reveal",
            Command::GrantEvidence { .. } => "grant evidence",
            Command::SuspendHolds { .. } => "suspend holds",
            Command::Dispute { .. } => "dispute",
            Command::SetRule { .. } => "set rules",
            Command::RaiseStop { .. } => "raise a stop",
            Command::LiftStop { .. } => "lift a stop",
            Command::AcknowledgeStop { .. } => "acknowledge a stop",
            Command::AcknowledgeAlert { .. } => "acknowledge an alert",
            Command::RespondIncident { .. } => "respond to an incident",
            Command::Reconfirm { .. } => "reconfirm",
            Command::Challenge { .. } => "challenge",
            Command::AnswerChallenge { .. } => "answer a challenge",
            Command::RuleChallenge { .. } => "rule on a challenge",
            Command::Track { .. } => "report tracks",
            Command::Sweep => "sweep",
        }
    }

    /// For a command that moves an activity: which one, the state it leads
    /// to, the states it may start from, and those as a message says them.
    pub(crate) fn activity_move(&self) -> Option<ActivityMove<'_>> {
        use ActivityState::*;
        let (id, to, from, needs): (_, _, &'static [ActivityState], _) = match self {
            Command::Clear { id, .. } => (id, Cleared, &[Held], "held"),
            Command::Hold { id, .. } => (id, Held, &[Cleared], "cleared"),
            Command::Deny { id, .. } => (id, Denied, &[Held, Cleared], "held or cleared"),
            Command::Start { id } => (id, Active, &[Cleared], "cleared"),
            Command::Complete { id } => (id, Completed, &[Active], "active"),
            Command::Cancel { id } => (
                id,
                Cancelled,
                &[Held, Cleared, Active],
                "held, cleared or active",
            ),
            _ => return None,
        };
        Some(ActivityMove {
            id,
            to,
            from,
            needs,
        })
    }

    /// The same command with its reason replaced (for those that have one).
    pub(crate) fn with_reason(self, reason: Option<String>) -> Command {
        match self {
            Command::Clear { id, .. } => Command::Clear { id, reason },
            Command::Hold { id, .. } => Command::Hold { id, reason },
            Command::Deny { id, .. } => Command::Deny { id, reason },
            Command::Override { conflict, .. } => Command::Override { conflict, reason },
            Command::SetIncidentStatus {
                id,
                status,
                duplicate_of,
                ..
            } => Command::SetIncidentStatus {
                id,
                status,
                reason,
                duplicate_of,
            },
            other => other,
        }
    }
}

/// How a command moves an activity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ActivityMove<'a> {
    pub(crate) id: &'a ActivityId,
    pub(crate) to: ActivityState,
    pub(crate) from: &'static [ActivityState],
    pub(crate) needs: &'static str,
}
