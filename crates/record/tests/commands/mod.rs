//! What the tests of the published record share: every command by name.

use deconflict_model::Command;

/// The command's name, by a match with no wildcard: a new command does not
/// compile until it is named here, and each test that counts its names
/// against [`EVERY_COMMAND`] then fails until it holds one.
pub(crate) fn name(command: &Command) -> &'static str {
    match command {
        Command::Declare(_) => "declare",
        Command::Amend { .. } => "amend",
        Command::Withdraw { .. } => "withdraw",
        Command::Import { .. } => "import",
        Command::SubmitActivity(_) => "submit_activity",
        Command::Clear { .. } => "clear",
        Command::Hold { .. } => "hold",
        Command::Deny { .. } => "deny",
        Command::Start { .. } => "start",
        Command::Complete { .. } => "complete",
        Command::Cancel { .. } => "cancel",
        Command::Acknowledge { .. } => "acknowledge",
        Command::Override { .. } => "override",
        Command::MarkDelivered { .. } => "mark_delivered",
        Command::ReportIncident(_) => "report_incident",
        Command::SetIncidentStatus { .. } => "set_incident_status",
        Command::Reveal { .. } => "reveal",
        Command::GrantEvidence { .. } => "grant_evidence",
        Command::SuspendHolds { .. } => "suspend_holds",
        Command::Dispute { .. } => "dispute",
        Command::SetRule { .. } => "set_rule",
        Command::RaiseStop { .. } => "raise_stop",
        Command::LiftStop { .. } => "lift_stop",
        Command::AcknowledgeStop { .. } => "acknowledge_stop",
        Command::AcknowledgeAlert { .. } => "acknowledge_alert",
        Command::RespondIncident { .. } => "respond_incident",
        Command::Reconfirm { .. } => "reconfirm",
        Command::Challenge { .. } => "challenge",
        Command::AnswerChallenge { .. } => "answer_challenge",
        Command::RuleChallenge { .. } => "rule_challenge",
        Command::Track { .. } => "track",
        Command::Sweep => "sweep",
    }
}

/// The arms of [`name`].
pub(crate) const EVERY_COMMAND: usize = 32;
