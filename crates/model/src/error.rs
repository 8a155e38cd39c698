//! The one error table of the model: a stable code, an HTTP-ish kind, and a
//! message that names the field.
//!
//! Messages never carry what the caller may not see: a refused command on an
//! object the caller cannot see is [`ModelError::NotFound`], identical to
//! one on an id that never existed, and no message names another party's
//! object, label or place.

use crate::actor::Role;
use crate::id::{ConflictId, StopId};
use crate::rules::RuleRef;
use std::fmt;

/// What kind of object an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Noun {
    Declaration,
    Activity,
    Conflict,
    /// A party's notification of a conflict.
    Notification,
    Incident,
    /// A field of a log entry, committed to in the public log.
    Payload,
    /// A check fire.
    Stop,
    /// A challenge of a declaration.
    Challenge,
    /// An alert raised to a party.
    Alert,
}

impl fmt::Display for Noun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Noun::Declaration => "declaration",
            Noun::Activity => "activity",
            Noun::Conflict => "conflict",
            Noun::Notification => "notification",
            Noun::Incident => "incident",
            Noun::Payload => "payload",
            Noun::Stop => "stop",
            Noun::Challenge => "challenge",
            Noun::Alert => "alert",
        })
    }
}

/// Every way the model refuses a command, a read or a log entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// The object does not exist, or the caller may not know that it does.
    #[error("{0} not found")]
    NotFound(Noun),
    /// The role never allows this command.
    #[error("a {role} may not {verb}")]
    RoleForbidden { role: Role, verb: &'static str },
    /// An approver of a party that is not the coordinator.
    #[error("only approvers of the coordinator party may {verb}")]
    NotCoordinator { verb: &'static str },
    /// The caller sees the object but its party does not own it.
    #[error("only the party that owns this {noun} may {verb} it")]
    NotOwner { noun: Noun, verb: &'static str },
    /// The caller sees the conflict (it is the coordinator) but is not in it.
    #[error("only a party involved in this conflict may {verb} it")]
    NotInvolved { verb: &'static str },
    /// A field of the command is malformed.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// A decision that must be explained was not.
    #[error("reason: required when {doing}")]
    ReasonRequired { doing: &'static str },
    /// The object is not in a state this command starts from.
    #[error("the {noun} is {state}; {verb} needs {needs}")]
    WrongState {
        noun: Noun,
        state: &'static str,
        verb: &'static str,
        needs: &'static str,
    },
    /// `Amend` named a version that is not the current one.
    #[error("version: the declaration is at version {current}, not {given}")]
    VersionMismatch { given: u64, current: u64 },
    /// Clearing an activity whose open conflicts are not all acknowledged.
    #[error(
        "clearing needs each open conflict acknowledged by the parties involved, or overridden; not yet: {}",
        list(.conflicts)
    )]
    Unacknowledged { conflicts: Vec<ConflictId> },
    /// A rule of the theatre refuses the command.
    #[error("{field}: {message} ({rule})")]
    RuleRefused {
        rule: RuleRef,
        field: String,
        message: String,
    },
    /// The activity meets an unconfirmed site whose owner was asked to
    /// re-confirm and may still answer.
    #[error(
        "a site this activity meets is unconfirmed and its owner may re-confirm it until {until}; clearing waits until then"
    )]
    AwaitingReconfirmation { until: String },
    /// The activity meets a stop that still stands.
    #[error("the activity meets check fire {stop}, which still stands; it must be lifted first")]
    Stopped { stop: StopId },
    /// Declarations of an import refused, each with its place in the list:
    /// the import is all or none.
    #[error(
        "{} of the declarations refused, the first declarations[{}]: {}",
        .refused.len(),
        .refused[0].index,
        .refused[0].error
    )]
    ImportRefused { refused: Vec<Refused> },
    /// A log entry that does not decode.
    #[error("log entry does not decode: {detail}")]
    Undecodable { detail: String },
    /// A log entry that decodes but does not fit the state it is applied to.
    #[error("log entry {seq} cannot be applied: {detail}")]
    Corrupt { seq: u64, detail: String },
}

/// One declaration of an import refused: its index in the list, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub index: usize,
    pub error: ModelError,
}

fn list(ids: &[ConflictId]) -> String {
    ids.iter()
        .map(ConflictId::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The class of an error, for the edge to choose a status from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind<'a> {
    /// 404.
    NotFound,
    /// 403.
    Forbidden,
    /// 400 or 422, naming the field.
    Invalid { field: &'a str },
    /// 409: the object is in a state that does not allow the command.
    Conflict { state: &'a str },
    /// 500: the log itself is at fault.
    Internal,
}

impl ModelError {
    /// A stable snake_case code, one per variant.
    pub fn code(&self) -> &'static str {
        match self {
            ModelError::NotFound(_) => "not_found",
            ModelError::RoleForbidden { .. } => "role_forbidden",
            ModelError::NotCoordinator { .. } => "not_coordinator",
            ModelError::NotOwner { .. } => "not_owner",
            ModelError::NotInvolved { .. } => "not_involved",
            ModelError::Invalid { .. } => "invalid",
            ModelError::ReasonRequired { .. } => "reason_required",
            ModelError::WrongState { .. } => "wrong_state",
            ModelError::VersionMismatch { .. } => "version_mismatch",
            ModelError::Unacknowledged { .. } => "unacknowledged_conflicts",
            ModelError::RuleRefused { .. } => "rule_refused",
            ModelError::Stopped { .. } => "stopped",
            ModelError::AwaitingReconfirmation { .. } => "awaiting_reconfirmation",
            ModelError::ImportRefused { .. } => "import_refused",
            ModelError::Undecodable { .. } => "undecodable_entry",
            ModelError::Corrupt { .. } => "corrupt_log",
        }
    }

    pub fn kind(&self) -> ErrorKind<'_> {
        match self {
            ModelError::NotFound(_) => ErrorKind::NotFound,
            ModelError::RoleForbidden { .. }
            | ModelError::NotCoordinator { .. }
            | ModelError::NotOwner { .. }
            | ModelError::NotInvolved { .. } => ErrorKind::Forbidden,
            ModelError::Invalid { field, .. } => ErrorKind::Invalid { field },
            ModelError::ReasonRequired { .. } => ErrorKind::Invalid { field: "reason" },
            ModelError::WrongState { state, .. } => ErrorKind::Conflict { state },
            ModelError::VersionMismatch { .. } => ErrorKind::Conflict {
                state: "version_mismatch",
            },
            ModelError::Unacknowledged { .. } => ErrorKind::Conflict {
                state: "unacknowledged_conflicts",
            },
            ModelError::RuleRefused { field, .. } => ErrorKind::Invalid { field },
            ModelError::Stopped { .. } => ErrorKind::Conflict { state: "stopped" },
            ModelError::AwaitingReconfirmation { .. } => ErrorKind::Conflict {
                state: "awaiting_reconfirmation",
            },
            ModelError::ImportRefused { .. } => ErrorKind::Invalid {
                field: "declarations",
            },
            ModelError::Undecodable { .. } | ModelError::Corrupt { .. } => ErrorKind::Internal,
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> ModelError {
        ModelError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}
