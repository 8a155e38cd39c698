//! Need-to-know for the record: what a party may read of a log entry.
//!
//! The public log commits to every field of every entry (see the `record`
//! crate); a field is opened to a reader only if [`may_read`] says so. The
//! rule follows [`sight`]: a party reads of an entry exactly what the API
//! shows it of the objects involved, and nothing of an entry that touches
//! nothing it may see, not even when it was made.
//!
//! - The coordinator reads everything, and everybody reads a field that was
//!   made public ([`State::is_revealed`]).
//! - Of its own entries a party reads everything that tells of itself: its
//!   command, the object it created and the state its activity went to. Of
//!   what the entry did to others it reads only what it may see of them: of
//!   a conflict opened, the conflict's id and, unless the other side asked
//!   for coordinator-only disclosure or the conflict's other side is kept
//!   from it (a wide question, or one past its budget), the overlap (window
//!   and coarse area); nothing of a conflict it is not shown at all;
//!   the other side's object only if it sees it in full; notices, alerts and
//!   escalations addressed to itself; activities put back on hold that are
//!   its own.
//! - Of another party's entry it reads the same outcome fields, and the
//!   command only if it sees the command's object in full (a public
//!   declaration, its own activity cleared by the coordinator, its own
//!   incident judged). Of a conflict it is in, it reads what the API shows:
//!   that it opened, resolved or was overridden (with the approver's
//!   reason), and the coordinator's decisions on the other activity
//!   (held, cleared, denied) unless that side is coordinator-only; never the
//!   other side's acknowledgement or receipt, whose timing the API does not
//!   show.
//! - The entry's time, and which command it was, only if it reads anything
//!   else of it. The credential that acted, only of its own entries.

use crate::actor::Actor;
use crate::command::{Command, Disclosure};
use crate::entry::{Entry, NoticeEvent};
use crate::id::ObjectRef;
use crate::sight::{Sight, sight};
use crate::state::State;

impl Entry {
    /// The object the entry's command is about: the one it created or
    /// acted on.
    pub fn subject(&self) -> Option<ObjectRef> {
        match &self.command {
            Command::Declare(_) | Command::SubmitActivity(_) | Command::ReportIncident(_) => {
                self.outcome.created
            }
            Command::Amend { id, .. }
            | Command::Withdraw { id }
            | Command::Dispute { id, .. }
            | Command::Reconfirm { id }
            | Command::Challenge { id, .. } => Some(ObjectRef::Declaration(*id)),
            Command::Clear { id, .. }
            | Command::Hold { id, .. }
            | Command::Deny { id, .. }
            | Command::Start { id }
            | Command::Complete { id }
            | Command::Cancel { id } => Some(ObjectRef::Activity(*id)),
            Command::Acknowledge { conflict }
            | Command::Override { conflict, .. }
            | Command::MarkDelivered { conflict } => Some(ObjectRef::Conflict(*conflict)),
            Command::SetIncidentStatus { id, .. } | Command::RespondIncident { id, .. } => {
                Some(ObjectRef::Incident(*id))
            }
            Command::GrantEvidence { incident, .. } => Some(ObjectRef::Incident(*incident)),
            Command::Reveal { .. }
            | Command::Import { .. }
            | Command::Track { .. }
            | Command::Sweep
            | Command::SuspendHolds { .. }
            | Command::SetRule { .. }
            | Command::RaiseStop { .. }
            | Command::LiftStop { .. }
            | Command::AcknowledgeStop { .. }
            | Command::AcknowledgeAlert { .. }
            | Command::AnswerChallenge { .. }
            | Command::RuleChallenge { .. } => None,
        }
    }
}

/// Whether `viewer`'s party may read the field of `entry` at `pointer` (a
/// JSON Pointer into the entry as the log encodes it, such as
/// `/outcome/opened/0/area`). Fails closed: a field no rule names is not
/// read.
pub fn may_read(state: &State, viewer: &Actor, entry: &Entry, pointer: &str) -> bool {
    if viewer.coordinator || state.is_revealed(entry.seq, pointer) {
        return true;
    }
    let reader = Reader {
        state,
        viewer,
        entry,
    };
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    match tokens.as_slice() {
        ["time_ms"] | ["command"] => reader.touches(),
        ["actor", "credential_id"] => reader.own(),
        ["actor", _] => reader.own() || reader.command_readable(),
        ["command", rest @ ..] => reader.command(rest),
        ["outcome", rest @ ..] => reader.outcome(rest),
        _ => false,
    }
}

/// Whether the owner of `entry` may make the field at `pointer` public on
/// its own: it tells of the owner's objects and acts alone, never of
/// another party's side (a conflict, a notice, an alert, a hold), nor of a
/// decision on another party's object.
pub fn revealable_alone(entry: &Entry, pointer: &str) -> bool {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    let own_command = matches!(
        entry.command,
        Command::Declare(_)
            | Command::Import { .. }
            | Command::Amend { .. }
            | Command::Withdraw { .. }
            | Command::SubmitActivity(_)
            | Command::Start { .. }
            | Command::Complete { .. }
            | Command::Cancel { .. }
            | Command::ReportIncident(_)
            | Command::Track { .. }
            | Command::Reveal { .. }
            | Command::RaiseStop { .. }
            | Command::LiftStop { .. }
            | Command::Reconfirm { .. }
            | Command::Challenge { .. }
            | Command::AnswerChallenge { .. }
            | Command::RespondIncident { .. }
    );
    match tokens.as_slice() {
        ["time_ms"] | ["actor", _] | ["outcome", "reveal"] => true,
        ["command", ..] | ["outcome", "created" | "activity_state" | "imported", ..] => own_command,
        _ => false,
    }
}

struct Reader<'a> {
    state: &'a State,
    viewer: &'a Actor,
    entry: &'a Entry,
}

impl Reader<'_> {
    fn own(&self) -> bool {
        self.entry.actor.party == self.viewer.party
    }

    fn full(&self, object: &ObjectRef) -> bool {
        sight(self.state, self.viewer, object) == Sight::Full
    }

    /// The object under coarse disclosure through a conflict with the
    /// viewer: its kind and the overlap may be told, not its id.
    fn coarse(&self, object: &ObjectRef) -> bool {
        sight(self.state, self.viewer, object) == Sight::Conflict(Disclosure::Coarse)
    }

    /// Whether the viewer reads anything of the entry but its time.
    fn touches(&self) -> bool {
        let o = &self.entry.outcome;
        self.own()
            || self.command_readable()
            || self.outcome(&["created"])
            || self.outcome(&["activity_state"])
            || (0..o.opened.len()).any(|i| self.opened(i, "id"))
            || (0..o.resolved.len()).any(|i| self.indexed("resolved", i))
            || (0..o.held.len()).any(|i| self.indexed("held", i))
            || (0..o.notices.len()).any(|i| self.indexed("notices", i))
            || (0..o.alerts.len()).any(|i| self.alert_subject(i))
            || (0..o.stale.len()).any(|i| self.indexed("stale", i))
            || (0..o.escalations.len()).any(|i| self.indexed("escalations", i))
            || self.reports_readable()
            || (0..o.imported.len()).any(|i| self.imported(i))
            || self.outcome(&["stop", "id"])
            || o.stopped.values().any(|owner| *owner == self.viewer.party)
            || (0..o.reminders.len()).any(|i| self.indexed("reminders", i))
            || (0..o.unconfirmed.len()).any(|i| self.outcome(&["unconfirmed", &i.to_string()]))
            || (0..o.asked.len()).any(|i| self.outcome(&["asked", &i.to_string()]))
    }

    /// Whether the viewer reads the command's own fields (not a track's
    /// reports, which are read one by one).
    fn command_readable(&self) -> bool {
        match &self.entry.command {
            Command::Reveal {
                seq,
                pointer,
                owner,
                ..
            } => self.own() || *owner == self.viewer.party || self.state.is_revealed(*seq, pointer),
            Command::GrantEvidence { party, .. } => {
                *party == self.viewer.party || self.entry.subject().is_some_and(|s| self.full(&s))
            }
            // Another party's receipt or acknowledgement: when it read the
            // notification is not told.
            Command::Acknowledge { .. } | Command::MarkDelivered { .. } => self.own(),
            // An import as a whole (its key, how many) is its party's; each
            // declaration in it is read as that declaration is.
            Command::Track { .. } | Command::Sweep | Command::Import { .. } => self.own(),
            // A rule is read by those it binds, or by all if it is public.
            Command::SetRule { spec, .. } => spec.readable_by(self.viewer),
            // Where, why and by whom a stop was raised or lifted is the
            // raiser's: an owner it held learns only of its own activities.
            Command::RaiseStop { .. } | Command::AcknowledgeStop { .. } => self.own(),
            // That a party was alerted, and when it took note, is its own.
            Command::AcknowledgeAlert { .. } => self.own(),
            // Who challenged is the challenger's and the coordinator's to
            // tell; the owner reads the challenge through its view.
            Command::Challenge { .. } | Command::AnswerChallenge { .. } => self.own(),
            Command::RuleChallenge { id, .. } => self.state.challenges.get(id).is_some_and(|c| {
                c.by == self.viewer.party
                    || self
                        .state
                        .declarations
                        .get(&c.declaration)
                        .is_some_and(|d| d.owner == self.viewer.party)
            }),
            Command::LiftStop { id, .. } => {
                self.own()
                    || self
                        .state
                        .stops
                        .get(id)
                        .is_some_and(|s| s.raiser == self.viewer.party)
            }
            _ => self.own() || self.entry.subject().is_some_and(|s| self.full(&s)),
        }
    }

    fn reports_readable(&self) -> bool {
        match &self.entry.command {
            Command::Track { reports } => reports
                .iter()
                .any(|r| self.full(&ObjectRef::Declaration(r.declaration))),
            _ => false,
        }
    }

    /// The `i`th declaration of an import: its owner's, and whoever sees
    /// that declaration in full.
    fn imported(&self, i: usize) -> bool {
        self.entry
            .outcome
            .imported
            .get(i)
            .is_some_and(|id| self.own() || self.full(&ObjectRef::Declaration(*id)))
    }

    fn command(&self, rest: &[&str]) -> bool {
        match (&self.entry.command, rest) {
            (Command::Import { .. }, [_, "declarations", i, ..]) => {
                i.parse::<usize>().is_ok_and(|i| self.imported(i))
            }
            (Command::Track { reports }, [_, "reports", i, ..]) => i
                .parse::<usize>()
                .ok()
                .and_then(|i| reports.get(i))
                .is_some_and(|r| self.own() || self.full(&ObjectRef::Declaration(r.declaration))),
            (
                Command::SetIncidentStatus {
                    duplicate_of: Some(original),
                    ..
                },
                [_, "duplicate_of"],
            ) => self.command_readable() && self.full(&ObjectRef::Incident(*original)),
            _ => self.command_readable(),
        }
    }

    fn outcome(&self, rest: &[&str]) -> bool {
        let o = &self.entry.outcome;
        match rest {
            ["created"] => o
                .created
                .as_ref()
                .is_some_and(|c| self.own() || self.full(c)),
            ["activity_state"] => self.activity_state(),
            ["imported", i] => i.parse::<usize>().is_ok_and(|i| self.imported(i)),
            // The rules that held its own activity, and the stops it met,
            // unless its budget was spent: then the answer is the
            // coordinator's to give.
            ["ruled", ..] => self.own(),
            ["stops", ..] => self.own() && o.probing.is_none(),
            ["stop", "id"] => {
                o.stop.is_some()
                    && (self.own() || o.stopped.values().any(|p| *p == self.viewer.party))
            }
            ["stop", "held"] => self.own(),
            ["challenge"] => self.own(),
            ["unconfirmed", i] => i
                .parse::<usize>()
                .ok()
                .and_then(|i| o.unconfirmed.get(i))
                .is_some_and(|d| self.full(&ObjectRef::Declaration(*d))),
            ["asked", i] => i
                .parse::<usize>()
                .ok()
                .and_then(|i| o.asked.get(i))
                .is_some_and(|a| self.full(&ObjectRef::Declaration(a.declaration))),
            ["stopped", activity] => o
                .stopped
                .iter()
                .any(|(a, owner)| a.to_string() == *activity && *owner == self.viewer.party),
            ["reveal"] => self.command_readable(),
            ["opened", i, field, ..] => i.parse().is_ok_and(|i| self.opened(i, field)),
            ["alerts", i, "subject"] => i.parse().is_ok_and(|i| self.alert_subject(i)),
            ["alerts", i, "parties", j] => {
                let party = i
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| o.alerts.get(i))
                    .zip(j.parse::<usize>().ok())
                    .and_then(|(alert, j)| alert.parties.get(j));
                party.is_some_and(|p| *p == self.viewer.party)
            }
            [list, i, ..] => i.parse().is_ok_and(|i| self.indexed(list, i)),
            _ => false,
        }
    }

    /// The state the command's activity went to: its owner's, and of a
    /// submission or a coordinator's decision, a party in coarse conflict
    /// with it.
    fn activity_state(&self) -> bool {
        let (Some(subject), Some(_)) = (self.entry.subject(), self.entry.outcome.activity_state)
        else {
            return false;
        };
        let decision = matches!(
            self.entry.command,
            Command::SubmitActivity(_)
                | Command::Clear { .. }
                | Command::Hold { .. }
                | Command::Deny { .. }
        );
        self.own() || self.full(&subject) || (decision && self.coarse(&subject))
    }

    fn opened(&self, i: usize, field: &str) -> bool {
        let Some(c) = self.entry.outcome.opened.get(i) else {
            return false;
        };
        let activity = ObjectRef::Activity(c.activity);
        // Nothing of a conflict the viewer is not shown (one its question
        // opened past its budget); of one whose other side is kept from it
        // (a wide question), nothing of that side, even a public one.
        if !self.full(&ObjectRef::Conflict(c.id)) {
            return false;
        }
        let party = &self.viewer.party;
        let withheld = self
            .state
            .conflicts
            .get(&c.id)
            .is_some_and(|conflict| conflict.withheld_from(party));
        let shown = |side: usize| !withheld || c.parties[side] == *party;
        match field {
            "id" => true,
            "area" | "from_ms" | "to_ms" => self
                .state
                .conflict(self.viewer, &c.id)
                .is_ok_and(|view| view.overlap.is_some()),
            "activity" => self.full(&activity) && shown(0),
            "other" => self.full(&c.other) && shown(1),
            "parties" => self.full(&activity) && self.full(&c.other) && !withheld,
            _ => false,
        }
    }

    fn alert_subject(&self, i: usize) -> bool {
        self.entry
            .outcome
            .alerts
            .get(i)
            .is_some_and(|a| a.parties.contains(&self.viewer.party))
    }

    /// One item of an outcome's list, whole.
    fn indexed(&self, list: &str, i: usize) -> bool {
        let o = &self.entry.outcome;
        let party = &self.viewer.party;
        match list {
            "resolved" => o
                .resolved
                .get(i)
                .is_some_and(|c| self.full(&ObjectRef::Conflict(*c))),
            "held" => o
                .held
                .get(i)
                .is_some_and(|a| self.full(&ObjectRef::Activity(*a))),
            "notices" => o
                .notices
                .get(i)
                .is_some_and(|n| n.party == *party && n.event != NoticeEvent::Acknowledged),
            "stale" => o
                .stale
                .get(i)
                .is_some_and(|s| self.full(&ObjectRef::Declaration(s.declaration))),
            "escalations" => o.escalations.get(i).is_some_and(|e| e.party == *party),
            "reminders" => o
                .reminders
                .get(i)
                .is_some_and(|r| r.party.as_ref() == Some(party)),
            _ => false,
        }
    }
}
