//! Evaluating a command against the state, without changing it.

use crate::actor::{Actor, Role};
use crate::area::CoarseArea;
use crate::command::{ActivityMove, ActivitySpec, Command, DeclarationSpec};
use crate::entry::{EntryDraft, Known, Notice, NoticeEvent, OpenedConflict, Outcome, RevealStep};
use crate::error::{ModelError, Noun, Refused};
use crate::id::{
    ActivityId, ConflictId, DeclarationId, Entropy, Ids, IncidentId, ObjectRef, StopId,
};
use crate::incident::{self, IncidentKind, IncidentSpec, IncidentStatus};
use crate::object::{
    Activity, ActivityState, Conflict, ConflictState, Declaration, NotificationState,
};
use crate::policy::Limits;
use crate::probing::{self, Asking};
use crate::rules::{self, Submission};
use crate::sight::{Sight, sight};
use crate::state::{RevealRequest, State};
use crate::stops::{self, Stop, StopRaised, StopReminder, StopSpec};
use crate::track::{self, Alert, Escalation, MAX_ESCALATION};
use crate::validate;
use deconflict_geo4d::{Volume, Window};

impl State {
    /// Decides a command: checks the role, the fields, what the actor may
    /// see and own, and the objects' states; finds the conflicts it opens
    /// and resolves and whom to tell. Changes nothing: the caller numbers
    /// the draft, appends it to the log and [`apply`](State::apply)s it.
    ///
    /// Execute, append and apply must happen in log order against one
    /// state (the server holds one lock across them): a draft is only valid
    /// for the state it was decided in.
    ///
    /// Refusals are checked in an order that leaks nothing: the role first
    /// (it depends only on the actor), then the fields, then whether the
    /// actor may see the object ([`ModelError::NotFound`] if not, exactly as
    /// for an id that does not exist), then ownership, then state.
    pub fn execute(
        &self,
        actor: &Actor,
        command: Command,
        now_ms: i64,
        entropy: Entropy,
    ) -> Result<EntryDraft, ModelError> {
        authorize(actor, &command)?;
        let mut plan = Plan {
            state: self,
            actor,
            now_ms,
            ids: Ids::new(entropy),
            outcome: Outcome::default(),
            asking: Asking::default(),
        };
        let command = plan.decide(command)?;
        // A track batch records a suspicion only if it opened a conflict.
        if !matches!(command, Command::Track { .. }) || !plan.outcome.opened.is_empty() {
            plan.outcome.probing = plan.asking.suspicion();
        }
        Ok(EntryDraft {
            time_ms: now_ms,
            actor: actor.clone(),
            command,
            outcome: plan.outcome,
        })
    }
}

/// Whether the actor's role allows this kind of command at all.
fn authorize(actor: &Actor, command: &Command) -> Result<(), ModelError> {
    let verb = command.verb();
    match command {
        Command::Sweep if actor.role == Role::Service => Ok(()),
        Command::Sweep => Err(ModelError::RoleForbidden {
            role: actor.role,
            verb,
        }),
        _ if actor.role == Role::Service => Err(ModelError::RoleForbidden {
            role: actor.role,
            verb,
        }),
        Command::Clear { .. }
        | Command::Hold { .. }
        | Command::Deny { .. }
        | Command::Override { .. }
        | Command::GrantEvidence { .. }
        | Command::SuspendHolds { .. }
        | Command::Dispute { .. }
        | Command::SetRule { .. }
        | Command::RuleChallenge { .. } => match actor.role {
            Role::Approver if actor.coordinator => Ok(()),
            Role::Approver => Err(ModelError::NotCoordinator { verb }),
            role => Err(ModelError::RoleForbidden { role, verb }),
        },
        // A stop is for anyone who acts: an operator, or the coordinator's
        // approver; lifting and acknowledging are decided with the stop in
        // hand.
        Command::RaiseStop { .. }
        | Command::LiftStop { .. }
        | Command::AcknowledgeStop { .. }
        | Command::AcknowledgeAlert { .. }
        | Command::Challenge { .. } => match actor.role {
            Role::Operator => Ok(()),
            Role::Approver if actor.coordinator => Ok(()),
            role => Err(ModelError::RoleForbidden { role, verb }),
        },
        // A record of receipt, not a decision: any credential receives.
        Command::MarkDelivered { .. } => Ok(()),
        Command::Reveal { .. } => match actor.role {
            Role::Operator => Ok(()),
            Role::Approver if actor.coordinator => Ok(()),
            role => Err(ModelError::RoleForbidden { role, verb }),
        },
        // Who may set which status is decided with the incident in hand.
        Command::SetIncidentStatus { .. }
            if actor.role == Role::Approver || actor.role == Role::Operator =>
        {
            Ok(())
        }
        _ if actor.role == Role::Operator => Ok(()),
        _ => Err(ModelError::RoleForbidden {
            role: actor.role,
            verb,
        }),
    }
}

/// The overlap a conflict between two volumes records: the shared window
/// rounded outward to whole hours, and the coarse area.
fn overlap(a: &Volume, b: &Volume) -> Option<(Window, CoarseArea)> {
    let window = probing::whole_hours(a.window().intersection(&b.window())?);
    Some((window, CoarseArea::around_overlap(a.bounds(), b.bounds())))
}

/// A live object another party owns whose volume conflicts with a query.
struct Meeting<'s> {
    object: &'s ObjectRef,
    owner: &'s str,
    volume: &'s Volume,
}

struct Plan<'s> {
    state: &'s State,
    actor: &'s Actor,
    now_ms: i64,
    ids: Ids,
    outcome: Outcome,
    /// How the conflicts being opened are shown to the actor's party.
    asking: Asking,
}

impl<'s> Plan<'s> {
    /// Many declarations as one act: every one checked as a declaration is
    /// (all refusals named, none applied if any is refused), then each
    /// declared in the order of the list.
    fn import(&mut self, key: &str, declarations: &[DeclarationSpec]) -> Result<(), ModelError> {
        let party = &self.actor.party;
        if key.is_empty() || key.len() > MAX_IMPORT_KEY || key.chars().any(char::is_control) {
            return Err(ModelError::invalid(
                "key",
                format!("1 to {MAX_IMPORT_KEY} characters, none a control character"),
            ));
        }
        if self
            .state
            .imports
            .contains_key(&(party.clone(), key.to_owned()))
        {
            return Err(ModelError::invalid(
                "key",
                "this party already imported under this key",
            ));
        }
        if declarations.is_empty() || declarations.len() > MAX_IMPORT {
            return Err(ModelError::invalid(
                "declarations",
                format!("1 to {MAX_IMPORT} declarations"),
            ));
        }
        let mut volumes = Vec::with_capacity(declarations.len());
        let mut refused = Vec::new();
        for (index, spec) in declarations.iter().enumerate() {
            match self.checked_site(spec) {
                Ok(volume) => volumes.push(volume),
                Err(error) => refused.push(Refused { index, error }),
            }
        }
        if !refused.is_empty() {
            return Err(ModelError::ImportRefused { refused });
        }
        let state = self.state;
        let actor = self.actor;
        let mut created: Vec<DeclarationId> = Vec::with_capacity(declarations.len());
        for volume in &volumes {
            let id = self
                .ids
                .declaration(|d| state.declarations.contains_key(&d) || created.contains(&d));
            let subject = ObjectRef::Declaration(id);
            let meetings = self.meetings(volume, None, true, &actor.party);
            self.ask(volume, meetings.len(), true);
            for m in meetings {
                self.open_with_activity(m, &subject, &actor.party, volume);
            }
            created.push(id);
        }
        self.outcome.imported = created;
        Ok(())
    }

    /// One declaration of an import, checked as a declaration is; a unit
    /// that reports its position is declared on its own.
    fn checked_site(&self, spec: &DeclarationSpec) -> Result<Volume, ModelError> {
        if spec.tracking.is_some() {
            return Err(ModelError::invalid(
                "tracking",
                "an imported site does not report positions: declare a tracked unit on its own",
            ));
        }
        let volume = validate::declaration(spec)?;
        validate::within_limits(&spec.kind, &volume, self.limits(&spec.kind), None)?;
        Ok(volume)
    }

    /// Decides the command; returns it as it will be logged (reasons trimmed).
    fn decide(&mut self, command: Command) -> Result<Command, ModelError> {
        let verb = command.verb();
        match &command {
            Command::Declare(spec) => {
                let volume = validate::declaration(spec)?;
                validate::within_limits(&spec.kind, &volume, self.limits(&spec.kind), None)?;
                self.check_tracking(spec, None)?;
                let state = self.state;
                let id = self
                    .ids
                    .declaration(|d| state.declarations.contains_key(&d));
                let subject = ObjectRef::Declaration(id);
                let actor = self.actor;
                let party = &actor.party;
                let meetings = self.meetings(&volume, None, true, party);
                self.ask(&volume, meetings.len(), true);
                for m in meetings {
                    self.open_with_activity(m, &subject, party, &volume);
                }
                self.outcome.created = Some(subject);
                Ok(command)
            }
            Command::Import { key, declarations } => {
                self.import(key, declarations)?;
                Ok(command)
            }
            Command::Amend { id, version, spec } => {
                let volume = validate::declaration(spec)?;
                validate::within_limits(&spec.kind, &volume, self.limits(&spec.kind), None)?;
                let d = self.own_declaration(id, verb)?;
                self.check_tracking(spec, Some(id))?;
                if let Some(given) = (*version).filter(|&v| v != d.version) {
                    return Err(ModelError::VersionMismatch {
                        given,
                        current: d.version,
                    });
                }
                // A unit that has reported moves no farther than it could.
                if spec.volume.geometry != d.spec.volume.geometry {
                    let buffer = spec.volume.buffer_m;
                    let geometry = volume.geometry();
                    let state = self.state;
                    state.plausible_place(d, geometry, buffer, self.now_ms)?;
                }
                let subject = ObjectRef::Declaration(*id);
                let actor = self.actor;
                let party = &actor.party;
                let meetings = self.meetings(&volume, Some(d.key), true, party);
                self.ask(&volume, meetings.len(), true);
                let mut kept = Vec::new();
                for (cid, c) in self.standing(&d.conflicts.standing) {
                    let activity = &c.sides[0].object;
                    // Kept only if the other party would be told nothing new
                    // (and, past the budget, never: a conflict kept would
                    // answer yes).
                    let same = !self.asking.via_coordinator
                        && c.sides[1].kind == spec.kind
                        && meetings
                            .iter()
                            .find(|m| m.object == activity)
                            .is_some_and(|m| {
                                overlap(m.volume, &volume) == Some((c.window, c.area))
                            });
                    if same {
                        kept.push(activity);
                    } else {
                        self.resolve(cid, c);
                    }
                }
                for m in meetings {
                    if !kept.contains(&m.object) {
                        self.open_with_activity(m, &subject, party, &volume);
                    }
                }
                Ok(command)
            }
            Command::Withdraw { id } => {
                let d = self.own_declaration(id, verb)?;
                for (cid, c) in self.standing(&d.conflicts.standing) {
                    self.resolve(cid, c);
                }
                Ok(command)
            }
            Command::SubmitActivity(spec) => {
                let volume = validate::activity(spec)?;
                let window = Some(validate::ACTIVITY_WINDOW);
                validate::within_limits(&spec.kind, &volume, self.limits(&spec.kind), window)?;
                let late = spec
                    .late_notice
                    .as_deref()
                    .map(|reason| validate::required_reason(Some(reason), "submitting late"))
                    .transpose()
                    .map_err(|e| match e {
                        ModelError::Invalid { message, .. } => {
                            ModelError::invalid("late_notice", message)
                        }
                        _ => ModelError::invalid("late_notice", "must not be blank"),
                    })?;
                let state = self.state;
                let actor = self.actor;
                let party = actor.party.as_str();
                let ruling = state.rule_activity(
                    &Submission {
                        party,
                        kind: &spec.kind,
                        volume: &volume,
                        late_notice: late.is_some(),
                    },
                    self.now_ms,
                )?;
                let id = self.ids.activity(|a| state.activities.contains_key(&a));
                let meetings = self.meetings(&volume, None, false, party);
                let meetings = self.lost_aside(meetings);
                self.ask(&volume, meetings.len(), true);
                // Past the budget the asker is told through the coordinator.
                let told = if self.asking.via_coordinator {
                    None
                } else {
                    Some(party)
                };
                for m in meetings {
                    let opened = self.open(&id, party, &volume, m.object, m.owner, m.volume);
                    // A new hazard over a unit that reports where it is.
                    if let (Some(conflict), ObjectRef::Declaration(unit)) = (opened, m.object)
                        && state.declarations[unit].track.is_some()
                    {
                        let parties = told.into_iter().chain([m.owner]);
                        self.alert(ObjectRef::Conflict(conflict), parties);
                    }
                }
                self.outcome.stops = state.stops_met(party, &volume, self.now_ms);
                self.ask_reconfirmation(party, &spec.kind);
                self.outcome.ruled = ruling.held_by;
                // Past the budget, held whether it met anything or not: the
                // answer says neither yes nor no.
                let held = !self.outcome.opened.is_empty()
                    || ruling.configured
                    || !self.outcome.ruled.is_empty()
                    || !self.outcome.stops.is_empty()
                    || late.is_some()
                    || self.asking.via_coordinator;
                self.outcome.created = Some(ObjectRef::Activity(id));
                self.outcome.activity_state = Some(if held {
                    ActivityState::Held
                } else {
                    ActivityState::Cleared
                });
                Ok(match command {
                    Command::SubmitActivity(spec) => Command::SubmitActivity(ActivitySpec {
                        late_notice: late,
                        ..spec
                    }),
                    other => other,
                })
            }
            Command::Clear { reason, .. } => {
                let reason = validate::required_reason(reason.as_deref(), "clearing")?;
                let a = self.move_activity(&command)?;
                let unacknowledged: Vec<ConflictId> = self
                    .standing(&a.conflicts.standing)
                    .filter(|(_, c)| c.state == ConflictState::Open && !c.acknowledged())
                    .map(|(cid, _)| *cid)
                    .collect();
                if !unacknowledged.is_empty() {
                    return Err(ModelError::Unacknowledged {
                        conflicts: unacknowledged,
                    });
                }
                self.check_clearance(a)?;
                Ok(command.with_reason(Some(reason)))
            }
            Command::Hold { reason, .. } => {
                let reason = validate::optional_reason(reason.as_deref())?;
                self.move_activity(&command)?;
                Ok(command.with_reason(reason))
            }
            Command::Deny { reason, .. } => {
                let reason = validate::required_reason(reason.as_deref(), "denying")?;
                let a = self.move_activity(&command)?;
                self.resolve_all(&a.conflicts.standing);
                Ok(command.with_reason(Some(reason)))
            }
            Command::Start { .. } | Command::Complete { .. } | Command::Cancel { .. } => {
                let a = self.move_activity(&command)?;
                if !self.outcome.activity_state.is_some_and(|s| s.is_live()) {
                    self.resolve_all(&a.conflicts.standing);
                }
                Ok(command)
            }
            Command::Acknowledge { conflict } => {
                let (c, side) = self.own_side(conflict, verb)?;
                if c.state == ConflictState::Resolved {
                    return Err(wrong_state(
                        Noun::Conflict,
                        "resolved",
                        verb,
                        "open or overridden",
                    ));
                }
                let state = c.sides[side].notification.state;
                if state == NotificationState::Acknowledged {
                    return Err(wrong_state(
                        Noun::Notification,
                        state.as_str(),
                        verb,
                        "pending or delivered",
                    ));
                }
                self.notify(
                    &c.sides[1 - side].party,
                    conflict,
                    NoticeEvent::Acknowledged,
                );
                Ok(command)
            }
            Command::Override { conflict, reason } => {
                let reason = validate::required_reason(reason.as_deref(), "overriding")?;
                let c = self.visible_conflict(conflict)?;
                if c.state != ConflictState::Open {
                    return Err(wrong_state(Noun::Conflict, c.state.as_str(), verb, "open"));
                }
                for side in &c.sides {
                    self.notify(&side.party, conflict, NoticeEvent::Overridden);
                }
                Ok(command.with_reason(Some(reason)))
            }
            Command::MarkDelivered { conflict } => {
                let (c, side) = self.own_side(conflict, verb)?;
                let state = c.sides[side].notification.state;
                if state != NotificationState::Pending {
                    return Err(wrong_state(
                        Noun::Notification,
                        state.as_str(),
                        verb,
                        "pending",
                    ));
                }
                Ok(command)
            }
            Command::ReportIncident(spec) => {
                incident::validate(spec)?;
                let state = self.state;
                let id = self.ids.incident(|i| state.incidents.contains_key(&i));
                self.outcome.created = Some(ObjectRef::Incident(id));
                if spec.kind == IncidentKind::Attack {
                    self.alert_near_attack(id, spec)?;
                }
                let sites = state.notified_sites(spec);
                if let (Some(accused), false) = (&spec.against, sites.is_empty()) {
                    let within = state
                        .respond_within_ms(accused, self.now_ms)
                        .unwrap_or(state.policy.respond_within_ms);
                    self.outcome.notified_site = Some(incident::NotifiedSite {
                        declarations: sites,
                        respond_by_ms: self.now_ms + within,
                    });
                }
                Ok(command)
            }
            Command::RespondIncident { id, response } => {
                let response = response.trim().to_owned();
                validate::text("response", &response, validate::MAX_REASON)?;
                let found = self.state.visible_incident(self.actor, id)?;
                if found.spec.against.as_deref() != Some(self.actor.party.as_str()) {
                    return Err(ModelError::NotOwner {
                        noun: Noun::Incident,
                        verb,
                    });
                }
                if found.response.is_some() {
                    return Err(wrong_state(
                        Noun::Incident,
                        "responded to",
                        verb,
                        "no response yet",
                    ));
                }
                Ok(Command::RespondIncident { id: *id, response })
            }
            Command::Track { reports } => {
                track::validate_reports(reports, self.now_ms)?;
                let moves = self.unit_moves(reports)?;
                for (report, d) in &moves {
                    let i = reports.iter().position(|r| std::ptr::eq(r, *report));
                    self.state
                        .plausible_report(d, report)
                        .map_err(|(field, message)| {
                            ModelError::invalid(
                                format!("reports[{}].{field}", i.unwrap_or(0)),
                                message,
                            )
                        })?;
                }
                for (report, d) in moves {
                    let live = self.live_volume(d);
                    let volume =
                        track::unit_volume(live, d.spec.volume.buffer_m, &report.position, 0.0)?;
                    self.move_unit(&report.declaration, d, &volume);
                }
                Ok(command)
            }
            Command::Sweep => {
                self.sweep_stale();
                self.sweep_escalations();
                self.sweep_stops();
                self.sweep_unconfirmed();
                Ok(command)
            }
            Command::SetIncidentStatus {
                id,
                status,
                reason,
                duplicate_of,
            } => {
                let found = self.state.visible_incident(self.actor, id)?;
                incident::may_set(self.actor, found, *status)?;
                let reason = validate::required_reason(reason.as_deref(), "setting a status")?;
                match (status, duplicate_of) {
                    (IncidentStatus::Duplicate, Some(original)) if original != id => {
                        self.state.visible_incident(self.actor, original)?;
                    }
                    (IncidentStatus::Duplicate, _) => {
                        return Err(ModelError::invalid(
                            "duplicate_of",
                            "required: another incident, which this one repeats",
                        ));
                    }
                    (_, Some(_)) => {
                        return Err(ModelError::invalid(
                            "duplicate_of",
                            "only for the status duplicate",
                        ));
                    }
                    (_, None) => {}
                }
                Ok(command.with_reason(Some(reason)))
            }
            Command::Reveal {
                seq,
                pointer,
                owner,
                own,
            } => {
                if self.state.seq.is_none_or(|last| *seq > last) || *seq == 0 {
                    return Err(ModelError::invalid("seq", "no such entry in the log"));
                }
                let key = (*seq, pointer.clone());
                if self.state.revealed.contains(&key) {
                    return Err(wrong_state(
                        Noun::Payload,
                        "revealed",
                        verb,
                        "not revealed yet",
                    ));
                }
                let asked = self.state.reveal_requests.get(&key);
                self.outcome.reveal = Some(self.reveal_step(owner, *own, asked)?);
                Ok(command)
            }
            Command::SuspendHolds {
                party,
                area,
                until_ms,
                reason,
            } => {
                let reason = validate::required_reason(reason.as_deref(), "suspending holds")?;
                validate::text("party", party, 64)?;
                crate::holds::suspension_volume(area, self.now_ms, *until_ms)?;
                Ok(Command::SuspendHolds {
                    party: party.clone(),
                    area: area.clone(),
                    until_ms: *until_ms,
                    reason: Some(reason),
                })
            }
            Command::Dispute {
                id,
                disputed,
                reason,
            } => {
                let reason = validate::required_reason(reason.as_deref(), "disputing")?;
                if !self.state.declarations.contains_key(id) {
                    return Err(ModelError::NotFound(Noun::Declaration));
                }
                Ok(Command::Dispute {
                    id: *id,
                    disputed: *disputed,
                    reason: Some(reason),
                })
            }
            Command::Reconfirm { id } => {
                self.own_declaration(id, verb)?;
                Ok(command)
            }
            Command::Challenge { id, grounds } => {
                let grounds = grounds.trim().to_owned();
                validate::text("grounds", &grounds, validate::MAX_REASON)?;
                let d = match sight(self.state, self.actor, &ObjectRef::Declaration(*id)) {
                    Sight::Full => &self.state.declarations[id],
                    _ => return Err(ModelError::NotFound(Noun::Declaration)),
                };
                let party = &self.actor.party;
                if d.owner == *party {
                    return Err(ModelError::invalid(
                        "id",
                        "a party does not challenge its own declaration; amend or withdraw it",
                    ));
                }
                if d.withdrawn {
                    return Err(wrong_state(
                        Noun::Declaration,
                        "withdrawn",
                        verb,
                        "standing",
                    ));
                }
                let open = d.challenges.iter().any(|c| {
                    let c = &self.state.challenges[c];
                    c.by == *party && c.ruling.is_none()
                });
                if open {
                    return Err(wrong_state(
                        Noun::Challenge,
                        "open",
                        verb,
                        "no open challenge of this declaration by your party",
                    ));
                }
                let state = self.state;
                self.outcome.challenge =
                    Some(self.ids.challenge(|c| state.challenges.contains_key(&c)));
                Ok(Command::Challenge { id: *id, grounds })
            }
            Command::AnswerChallenge { id, answer } => {
                let answer = answer.trim().to_owned();
                validate::text("answer", &answer, validate::MAX_REASON)?;
                let c = self
                    .state
                    .challenge(self.actor, id)
                    .ok_or(ModelError::NotFound(Noun::Challenge))?;
                let owner = &self.state.declarations[&c.declaration].owner;
                if *owner != self.actor.party {
                    return Err(ModelError::NotOwner {
                        noun: Noun::Declaration,
                        verb,
                    });
                }
                if c.ruling.is_some() || c.answer.is_some() {
                    let state = if c.ruling.is_some() {
                        "ruled on"
                    } else {
                        "answered"
                    };
                    return Err(wrong_state(
                        Noun::Challenge,
                        state,
                        verb,
                        "an open, unanswered challenge",
                    ));
                }
                Ok(Command::AnswerChallenge { id: *id, answer })
            }
            Command::RuleChallenge {
                id,
                ruling,
                reason,
                name_challenger,
            } => {
                let reason = validate::required_reason(reason.as_deref(), "ruling on a challenge")?;
                let c = self
                    .state
                    .challenges
                    .get(id)
                    .ok_or(ModelError::NotFound(Noun::Challenge))?;
                if c.ruling.is_some() {
                    return Err(wrong_state(
                        Noun::Challenge,
                        "ruled on",
                        verb,
                        "an open challenge",
                    ));
                }
                let d = &self.state.declarations[&c.declaration];
                if d.withdrawn {
                    return Err(wrong_state(
                        Noun::Declaration,
                        "withdrawn",
                        verb,
                        "standing",
                    ));
                }
                if *ruling == crate::sites::ChallengeRuling::Withdrawn {
                    self.resolve_all(&d.conflicts.standing);
                }
                Ok(Command::RuleChallenge {
                    id: *id,
                    ruling: *ruling,
                    reason: Some(reason),
                    name_challenger: *name_challenger,
                })
            }
            Command::SetRule { spec, reason } => {
                let reason = validate::required_reason(reason.as_deref(), "setting a rule")?;
                rules::validate(spec)?;
                Ok(Command::SetRule {
                    spec: spec.clone(),
                    reason: Some(reason),
                })
            }
            Command::RaiseStop { spec, reason } => {
                let reason = validate::required_reason(reason.as_deref(), "raising a stop")?;
                self.raise_stop(spec)?;
                Ok(Command::RaiseStop {
                    spec: spec.clone(),
                    reason: Some(reason),
                })
            }
            Command::LiftStop { id, reason } => {
                let reason = validate::optional_reason(reason.as_deref())?;
                let stop = self.visible_stop(id)?;
                if !self.actor.coordinator && stop.raiser != self.actor.party {
                    return Err(ModelError::NotOwner {
                        noun: Noun::Stop,
                        verb,
                    });
                }
                if self.actor.coordinator && self.actor.role != Role::Approver {
                    return Err(ModelError::RoleForbidden {
                        role: self.actor.role,
                        verb,
                    });
                }
                if !stop.standing(self.now_ms) {
                    return Err(wrong_state(
                        Noun::Stop,
                        "not standing",
                        verb,
                        "a standing stop",
                    ));
                }
                Ok(Command::LiftStop { id: *id, reason })
            }
            Command::AcknowledgeAlert { entry, index } => {
                let reference = crate::alerts::AlertRef {
                    entry: *entry,
                    index: *index,
                };
                let key = self
                    .state
                    .alert_for(self.actor, reference)
                    .ok_or(ModelError::NotFound(Noun::Alert))?;
                if self.state.alert_acknowledged(key, self.actor) {
                    return Err(wrong_state(
                        Noun::Alert,
                        "acknowledged",
                        verb,
                        "one not yet acknowledged",
                    ));
                }
                Ok(command)
            }
            Command::AcknowledgeStop { id } => {
                let stop = self.visible_stop(id)?;
                let party = &self.actor.party;
                let done = if self.actor.coordinator {
                    stop.coordinator_acknowledged.is_some()
                } else if stop.held.contains_key(party) {
                    stop.acknowledged.contains_key(party)
                } else {
                    return Err(ModelError::NotInvolved { verb });
                };
                if done {
                    return Err(wrong_state(
                        Noun::Stop,
                        "acknowledged",
                        verb,
                        "one not yet acknowledged",
                    ));
                }
                Ok(command)
            }
            Command::GrantEvidence {
                incident,
                party,
                reason,
            } => {
                let reason = validate::required_reason(reason.as_deref(), "granting evidence")?;
                validate::text("party", party, 64)?;
                self.state.visible_incident(self.actor, incident)?;
                Ok(Command::GrantEvidence {
                    incident: *incident,
                    party: party.clone(),
                    reason: Some(reason),
                })
            }
        }
    }

    /// Whether a reveal takes effect now or waits for another approver or
    /// the owner's consent.
    fn reveal_step(
        &self,
        owner: &str,
        own: bool,
        asked: Option<&RevealRequest>,
    ) -> Result<RevealStep, ModelError> {
        let actor = self.actor;
        let approver = actor.coordinator && actor.role == Role::Approver;
        let by_owner = actor.party == owner;
        if by_owner && own {
            return Ok(RevealStep::Revealed);
        }
        if !approver && !by_owner {
            return Err(ModelError::NotOwner {
                noun: Noun::Payload,
                verb: "reveal",
            });
        }
        let asked = asked.cloned().unwrap_or_default();
        if approver {
            if asked.approvers.contains(&actor.credential_id) {
                return Err(wrong_state(
                    Noun::Payload,
                    "asked for by this approver",
                    "reveal",
                    "another approver or the owner's consent",
                ));
            }
            return Ok(if asked.approvers.is_empty() && !asked.consented {
                RevealStep::Requested
            } else {
                RevealStep::Revealed
            });
        }
        // The owner, of a field that tells of another party: consent to the
        // coordinator's request, or one the coordinator may act on later.
        match (asked.approvers.is_empty(), asked.consented) {
            (_, true) => Err(wrong_state(
                Noun::Payload,
                "consented to",
                "reveal",
                "an approver of the coordinator",
            )),
            (false, false) => Ok(RevealStep::Revealed),
            (true, false) => Ok(RevealStep::Requested),
        }
    }

    /// The limits the actor's objects of `kind` are held to now.
    fn limits(&self, kind: &str) -> Limits {
        self.state.limits(&self.actor.party, kind, self.now_ms)
    }

    /// What clearing `a` must also respect: no standing stop over it, and
    /// no open conflict with an activity of a kind a priority rule puts
    /// above its own; then records what the decision was made against.
    fn check_clearance(&mut self, a: &'s Activity) -> Result<(), ModelError> {
        let state = self.state;
        let volume = state
            .index
            .get(a.key)
            .expect("a held activity is in the index");
        if let Some(stop) = state.stops_met(&a.owner, volume, self.now_ms).first() {
            return Err(ModelError::Stopped { stop: *stop });
        }
        let awaited = self
            .standing(&a.conflicts.standing)
            .filter_map(|(_, c)| match c.sides[1].object {
                ObjectRef::Declaration(d) => Some(&state.declarations[&d]),
                _ => None,
            })
            .filter(|d| d.unconfirmed_since.is_some())
            .filter_map(|d| d.reconfirm_by)
            .filter(|until| *until > self.now_ms)
            .max();
        if let Some(until) = awaited {
            return Err(ModelError::AwaitingReconfirmation {
                until: deconflict_rfc3339::format(until),
            });
        }
        for (_, c) in self.standing(&a.conflicts.standing) {
            let side = usize::from(c.sides[0].party == a.owner);
            let other = &c.sides[side];
            if c.state == ConflictState::Open
                && let ObjectRef::Activity(_) = other.object
                && let Some(rule) =
                    state.outranked(&a.owner, &a.spec.kind, &other.kind, self.now_ms)
            {
                let (kind, a_kind) = (&other.kind, &a.spec.kind);
                return Err(ModelError::RuleRefused {
                    rule,
                    field: "id".to_owned(),
                    message: format!(
                        "{} {a_kind} may not be cleared over an open conflict with {} {kind}, which comes first; override the conflict to clear it",
                        validate::article(a_kind),
                        validate::article(kind)
                    ),
                });
            }
        }
        self.outcome.known = self
            .standing(&a.conflicts.standing)
            .map(|(_, c)| {
                let side = usize::from(c.sides[0].party == a.owner);
                let object = c.sides[side].object;
                let version = match object {
                    ObjectRef::Declaration(d) => state.declarations[&d].version,
                    ObjectRef::Activity(other) => state.activities[&other].history.len() as u64,
                    ObjectRef::Conflict(_) | ObjectRef::Incident(_) => 0,
                };
                Known { object, version }
            })
            .collect();
        Ok(())
    }

    /// The unconfirmed sites the conflicts just opened meet are asked to
    /// re-confirm, by the notice the activity's kind needs (or the
    /// policy's), unless already asked and still in time.
    fn ask_reconfirmation(&mut self, party: &str, kind: &str) {
        let state = self.state;
        let within = state
            .notice_ms(party, kind, self.now_ms)
            .unwrap_or(state.policy.reconfirm_within_ms);
        for opened in &self.outcome.opened {
            let ObjectRef::Declaration(id) = opened.other else {
                continue;
            };
            let d = &state.declarations[&id];
            let asked = d.reconfirm_by.is_some_and(|until| until > self.now_ms);
            if d.unconfirmed_since.is_some() && !asked {
                self.outcome.asked.push(crate::sites::ReconfirmAsk {
                    declaration: id,
                    until_ms: self.now_ms + within,
                });
            }
        }
    }

    /// Sites not re-confirmed within their rule's interval become
    /// unconfirmed.
    fn sweep_unconfirmed(&mut self) {
        let state = self.state;
        if !state.any_reconfirm_rule(self.now_ms) {
            return;
        }
        for (id, d) in &state.declarations {
            if d.withdrawn || d.unconfirmed_since.is_some() {
                continue;
            }
            let every = state.reconfirm_every_ms(&d.owner, &d.spec.kind, self.now_ms);
            if every.is_some_and(|every| self.now_ms - d.confirmed_ms > every) {
                self.outcome.unconfirmed.push(*id);
            }
        }
    }

    /// Decides a new stop: its bounds, the id, and every cleared or active
    /// activity of another party it holds.
    fn raise_stop(&mut self, spec: &StopSpec) -> Result<(), ModelError> {
        let volume = stops::stop_volume(spec, self.now_ms)?;
        let state = self.state;
        let id = self.ids.stop(|s| state.stops.contains_key(&s));
        let party = &self.actor.party;
        for key in state.index.conflicting(&volume) {
            let Some((ObjectRef::Activity(a), owner, _)) = state.live(key) else {
                continue;
            };
            let live = matches!(
                state.activities[a].state,
                ActivityState::Cleared | ActivityState::Active
            );
            if live && owner != party {
                self.outcome.stopped.insert(*a, owner.to_owned());
            }
        }
        // A count is an answer too: not told past the raiser's budget.
        let told = self.actor.coordinator || state.budget_spent(party, self.now_ms).is_none();
        self.outcome.stop = Some(StopRaised {
            id,
            held: told.then_some(self.outcome.stopped.len() as u32),
        });
        Ok(())
    }

    /// A stop the actor may see: the coordinator any, a party its own or
    /// one that held its activities.
    fn visible_stop(&self, id: &StopId) -> Result<&'s Stop, ModelError> {
        self.state
            .stops
            .get(id)
            .filter(|s| {
                self.actor.coordinator
                    || s.raiser == self.actor.party
                    || s.held.contains_key(&self.actor.party)
            })
            .ok_or(ModelError::NotFound(Noun::Stop))
    }

    /// Each standing stop not acknowledged by all is told again to those
    /// who have not, once the policy's interval has passed.
    fn sweep_stops(&mut self) {
        let every = self.state.policy.stop_remind_ms.max(1);
        for (id, stop) in &self.state.stops {
            if !stop.standing(self.now_ms) || self.now_ms - stop.reminded_ms < every {
                continue;
            }
            let (owners, coordinator) = stop.unacknowledged();
            let parties = owners
                .into_iter()
                .map(|p| Some(p.clone()))
                .chain(coordinator.then_some(None));
            for party in parties {
                self.outcome
                    .reminders
                    .push(StopReminder { stop: *id, party });
            }
        }
    }

    /// Checks an activity command against the actor and the activity's
    /// state, and records the state it leads to.
    fn move_activity(&mut self, command: &Command) -> Result<&'s Activity, ModelError> {
        let ActivityMove {
            id,
            to,
            from,
            needs,
        } = command
            .activity_move()
            .expect("only activity commands move activities");
        let verb = command.verb();
        let a = match sight(self.state, self.actor, &ObjectRef::Activity(*id)) {
            Sight::Full => &self.state.activities[id],
            _ => return Err(ModelError::NotFound(Noun::Activity)),
        };
        if self.actor.role == Role::Operator && a.owner != self.actor.party {
            return Err(ModelError::NotOwner {
                noun: Noun::Activity,
                verb,
            });
        }
        if !from.contains(&a.state) {
            return Err(wrong_state(Noun::Activity, a.state.as_str(), verb, needs));
        }
        self.outcome.activity_state = Some(to);
        Ok(a)
    }

    fn own_declaration(
        &self,
        id: &DeclarationId,
        verb: &'static str,
    ) -> Result<&'s Declaration, ModelError> {
        let d = match sight(self.state, self.actor, &ObjectRef::Declaration(*id)) {
            Sight::Full => &self.state.declarations[id],
            _ => return Err(ModelError::NotFound(Noun::Declaration)),
        };
        if d.owner != self.actor.party {
            return Err(ModelError::NotOwner {
                noun: Noun::Declaration,
                verb,
            });
        }
        if d.withdrawn {
            return Err(wrong_state(
                Noun::Declaration,
                "withdrawn",
                verb,
                "standing",
            ));
        }
        Ok(d)
    }

    fn visible_conflict(&self, id: &ConflictId) -> Result<&'s Conflict, ModelError> {
        match sight(self.state, self.actor, &ObjectRef::Conflict(*id)) {
            Sight::Full => Ok(&self.state.conflicts[id]),
            _ => Err(ModelError::NotFound(Noun::Conflict)),
        }
    }

    /// The conflict and the index of the actor's side in it.
    fn own_side(
        &self,
        id: &ConflictId,
        verb: &'static str,
    ) -> Result<(&'s Conflict, usize), ModelError> {
        let c = self.visible_conflict(id)?;
        let side = c
            .side_of(&self.actor.party)
            .ok_or(ModelError::NotInvolved { verb })?;
        Ok((c, side))
    }

    /// The live objects of parties other than `party` whose volumes
    /// conflict with `volume` (only activities if `activities_only`), by id.
    fn meetings(
        &self,
        volume: &Volume,
        except: Option<u64>,
        activities_only: bool,
        party: &str,
    ) -> Vec<Meeting<'s>> {
        let state = self.state;
        let mut found: Vec<Meeting<'s>> = state
            .index
            .conflicting(volume)
            .into_iter()
            .filter(|&key| Some(key) != except)
            .filter_map(|key| state.live(key))
            .filter(|(object, owner, _)| {
                *owner != party && (!activities_only || matches!(object, ObjectRef::Activity(_)))
            })
            .map(|(object, owner, volume)| Meeting {
                object,
                owner,
                volume,
            })
            .collect();
        found.sort_by(|a, b| a.object.cmp(b.object));
        found
    }

    /// The conflicts among `ids` whose overlap still holds.
    fn standing(
        &self,
        ids: &'s [ConflictId],
    ) -> impl Iterator<Item = (&'s ConflictId, &'s Conflict)> + use<'s> {
        let state = self.state;
        ids.iter()
            .filter_map(move |id| Some((id, state.conflicts.get(id)?)))
            .filter(|(_, c)| c.state.is_standing())
    }

    /// Opens a conflict between an existing live activity and the subject
    /// declaration of `owner`.
    fn open_with_activity(
        &mut self,
        activity: Meeting<'s>,
        subject: &ObjectRef,
        owner: &str,
        volume: &Volume,
    ) -> Option<ConflictId> {
        let ObjectRef::Activity(id) = activity.object else {
            return None;
        };
        self.open(id, activity.owner, activity.volume, subject, owner, volume)
    }

    fn open(
        &mut self,
        activity: &ActivityId,
        activity_owner: &str,
        activity_volume: &Volume,
        other: &ObjectRef,
        other_owner: &str,
        other_volume: &Volume,
    ) -> Option<ConflictId> {
        // Conflicting volumes always share a window.
        let (window, area) = overlap(activity_volume, other_volume)?;
        let state = self.state;
        let id = self.ids.conflict(|c| state.conflicts.contains_key(&c));
        let sides = [
            (
                &ObjectRef::Activity(*activity),
                (other, other_owner, other_volume),
            ),
            (
                other,
                (
                    &ObjectRef::Activity(*activity),
                    activity_owner,
                    activity_volume,
                ),
            ),
        ];
        for (object, (cause, cause_owner, cause_volume)) in sides {
            let cause_declaration = match cause {
                ObjectRef::Declaration(d) => Some(d),
                _ => None,
            };
            if let ObjectRef::Activity(a) = object
                && state.activities.get(a).map(|a| a.state) == Some(ActivityState::Cleared)
                && !self.outcome.held.contains(a)
                && !state.holds_suspended(cause_owner, cause_declaration, cause_volume, self.now_ms)
            {
                self.outcome.held.push(*a);
            }
        }
        let (withheld, via_coordinator) = (self.asking.withheld, self.asking.via_coordinator);
        for party in [activity_owner, other_owner] {
            if !(via_coordinator && party == self.actor.party) {
                self.notify(party, &id, NoticeEvent::Opened);
            }
        }
        self.outcome.opened.push(OpenedConflict {
            id,
            activity: *activity,
            other: *other,
            parties: [activity_owner.to_owned(), other_owner.to_owned()],
            from_ms: window.from(),
            to_ms: window.to(),
            area,
            withheld,
            via_coordinator,
        });
        Some(id)
    }

    fn resolve(&mut self, id: &ConflictId, conflict: &Conflict) {
        self.outcome.resolved.push(*id);
        for side in &conflict.sides {
            self.notify(&side.party, id, NoticeEvent::Resolved);
        }
    }

    fn resolve_all(&mut self, ids: &'s [ConflictId]) {
        let standing: Vec<_> = self.standing(ids).collect();
        for (id, c) in standing {
            self.resolve(id, c);
        }
    }

    /// Checks a declaration's tracking, and that its CoT uid names no other
    /// standing declaration of the party.
    fn check_tracking(
        &self,
        spec: &DeclarationSpec,
        this: Option<&DeclarationId>,
    ) -> Result<(), ModelError> {
        let Some(tracking) = &spec.tracking else {
            return Ok(());
        };
        track::validate_spec(tracking)?;
        if let (Some(speed), Some(ceiling)) = (
            tracking.max_speed_mps,
            self.limits(&spec.kind).max_speed_mps,
        ) && speed > ceiling
        {
            let kind = &spec.kind;
            return Err(ModelError::invalid(
                "tracking.max_speed_mps",
                format!(
                    "{} m/s; {} {kind} may move at most {} m/s",
                    validate::number(speed),
                    validate::article(kind),
                    validate::number(ceiling)
                ),
            ));
        }
        if let Some(uid) = &tracking.cot_uid
            && let Some(other) = self.state.unit_by_cot_uid(&self.actor.party, uid)
            && Some(&other) != this
        {
            return Err(ModelError::invalid(
                "tracking.cot_uid",
                "another standing declaration of your party reports under this uid",
            ));
        }
        Ok(())
    }

    /// Checks that each report of a batch names a standing tracked unit of
    /// the actor's party; then the reports that move their units (those of
    /// [`track::moves`] not older than the unit's track), with the units.
    fn unit_moves<'r>(
        &self,
        reports: &'r [track::TrackReport],
    ) -> Result<Vec<(&'r track::TrackReport, &'s Declaration)>, ModelError> {
        let state = self.state;
        let unit = |report: &track::TrackReport| {
            state
                .declarations
                .get(&report.declaration)
                .filter(|d| d.owner == self.actor.party && !d.withdrawn)
                .filter(|d| d.spec.tracking.is_some())
        };
        for (i, report) in reports.iter().enumerate() {
            if unit(report).is_none() {
                return Err(ModelError::invalid(
                    format!("reports[{i}].declaration_id"),
                    "not a standing declaration of your party with tracking",
                ));
            }
        }
        Ok(track::moves(reports)
            .into_iter()
            .filter_map(|report| {
                let d = unit(report)?;
                let newer = d
                    .track
                    .as_ref()
                    .is_none_or(|t| t.last.time_ms <= report.time_ms);
                newer.then_some((report, d))
            })
            .collect())
    }

    /// The volume a standing declaration has in the index.
    fn live_volume(&self, d: &Declaration) -> &'s Volume {
        self.state
            .index
            .get(d.key)
            .expect("a standing declaration is in the index")
    }

    /// A tracked unit's volume changes: the conflicts it left resolve, those
    /// it entered open, and entering a cleared or active hazard alerts.
    fn move_unit(&mut self, id: &DeclarationId, d: &'s Declaration, volume: &Volume) {
        let subject = ObjectRef::Declaration(*id);
        let meetings = self.meetings(volume, Some(d.key), true, &d.owner);
        if !meetings.is_empty() {
            // A unit on the move is always told it entered a conflict.
            self.ask(volume, meetings.len(), false);
        }
        let mut kept = Vec::new();
        for (cid, c) in self.standing(&d.conflicts.standing) {
            let activity = &c.sides[0].object;
            // Kept while the overlap is where the conflict says; a unit that
            // moves into another coarse cell of a hazard is told anew.
            let same = meetings
                .iter()
                .find(|m| m.object == activity)
                .is_some_and(|m| overlap(m.volume, volume) == Some((c.window, c.area)));
            if same {
                kept.push(activity);
            } else {
                self.resolve(cid, c);
            }
        }
        for m in meetings {
            if kept.contains(&m.object) {
                continue;
            }
            let hazardous = match m.object {
                ObjectRef::Activity(a) => matches!(
                    self.state.activities[a].state,
                    ActivityState::Cleared | ActivityState::Active
                ),
                _ => false,
            };
            let owner = m.owner;
            if let Some(conflict) = self.open_with_activity(m, &subject, &d.owner, volume)
                && hazardous
            {
                self.alert(ObjectRef::Conflict(conflict), [d.owner.as_str(), owner]);
            }
        }
    }

    /// The meetings with lost units set aside: each alerts the coordinator
    /// alone, and opens no conflict (see `track.rs`).
    fn lost_aside(&mut self, meetings: Vec<Meeting<'s>>) -> Vec<Meeting<'s>> {
        let (lost, met): (Vec<_>, Vec<_>) = meetings.into_iter().partition(
            |m| matches!(m.object, ObjectRef::Declaration(unit) if self.state.is_lost(unit)),
        );
        for m in lost {
            self.alert(*m.object, std::iter::empty());
        }
        met
    }

    /// Units silent past twice their interval get a buffer grown by how far
    /// they may have gone, ahead of the clock by a horizon so that a sweep
    /// need not record every unit every second; up to a cap, where they are
    /// lost.
    fn sweep_stale(&mut self) {
        let state = self.state;
        for id in &state.tracked {
            let d = &state.declarations[id];
            let (Some(tracking), Some(track)) = (&d.spec.tracking, &d.track) else {
                continue;
            };
            let silent = self.now_ms - track.last.time_ms > track::stale_after_ms(tracking);
            let covered = match &track.stale {
                None => false,
                Some(stale) => stale
                    .until_ms
                    .is_none_or(|until| until > self.now_ms + SWEEP_MARGIN_MS),
            };
            if !silent || covered {
                continue;
            }
            let speed = state.unit_speed(d);
            let until = self.now_ms + track::growth_horizon_ms(tracking);
            // How far it may be assumed: up to the cap, then lost.
            let heard = d.spec.volume.buffer_m + track.last.position.ce_m.unwrap_or(0.0);
            let cap = track::stale_cap_m(
                self.live_volume(d),
                heard,
                state.policy.stale_reach_cap_m,
                state.policy.limits(&d.spec.kind).max_area_km2,
            );
            let grown = track::stale_growth(d.spec.volume.buffer_m, &track.last, speed, until, cap);
            let Ok(volume) = self.live_volume(d).with_buffer(grown.buffer_m) else {
                continue;
            };
            self.move_unit(id, d, &volume);
            self.outcome.stale.push(grown);
        }
    }

    /// Each notification unacknowledged for a multiple of the policy's
    /// delay goes one step up, each step recorded and told.
    fn sweep_escalations(&mut self) {
        let state = self.state;
        let after = state.policy.escalate_after_ms.max(1);
        for id in &state.escalating {
            let c = &state.conflicts[id];
            let due = ((self.now_ms - c.opened_ms) / after).clamp(0, i64::from(MAX_ESCALATION));
            for side in c.escalating_sides() {
                let party = &c.sides[side].party;
                for level in c.sides[side].notification.escalated + 1..=due as u8 {
                    self.outcome.escalations.push(Escalation {
                        conflict: *id,
                        party: party.clone(),
                        level,
                    });
                    self.notify(party, id, NoticeEvent::Escalated);
                }
            }
        }
    }

    /// Every party with a standing declaration within the policy's radius
    /// of an attack is alerted.
    fn alert_near_attack(&mut self, id: IncidentId, spec: &IncidentSpec) -> Result<(), ModelError> {
        let volume = incident::incident_volume(spec)?;
        let radius = f64::from(self.state.policy.attack_radius_m);
        let reach = (volume.buffer_m() + radius).min(deconflict_geo4d::MAX_BUFFER_M);
        let Ok(near) = volume.with_buffer(reach) else {
            return Ok(());
        };
        let state = self.state;
        let mut parties: Vec<&str> = state
            .index
            .conflicting(&near)
            .into_iter()
            .filter_map(|key| state.live(key))
            .filter(|(object, _, _)| matches!(object, ObjectRef::Declaration(_)))
            .map(|(_, owner, _)| owner)
            .collect();
        parties.sort_unstable();
        parties.dedup();
        if !parties.is_empty() {
            self.alert(ObjectRef::Incident(id), parties);
        }
        Ok(())
    }

    /// Decides how the conflicts one object of the actor's is about to open
    /// with `met` objects are shown to the actor's party.
    fn ask(&mut self, volume: &Volume, met: usize, may_hide: bool) {
        let (state, actor, now_ms) = (self.state, self.actor, self.now_ms);
        self.asking
            .decide(state, actor, now_ms, volume, met, may_hide);
    }

    fn alert<'p>(&mut self, subject: ObjectRef, parties: impl IntoIterator<Item = &'p str>) {
        let mut parties: Vec<String> = parties.into_iter().map(str::to_owned).collect();
        parties.sort();
        parties.dedup();
        self.outcome.alerts.push(Alert { subject, parties });
    }

    fn notify(&mut self, party: &str, conflict: &ConflictId, event: NoticeEvent) {
        // Of a conflict it is not shown, a party hears from the coordinator.
        let hidden = self.state.conflicts.get(conflict);
        if hidden.is_some_and(|c| c.hidden_from(party)) {
            return;
        }
        self.outcome.notices.push(Notice {
            party: party.to_owned(),
            conflict: *conflict,
            event,
        });
    }
}

/// How close to the end of a stale unit's covered time a sweep grows it
/// again: more than the sweep's period, so the cover never lapses.
const SWEEP_MARGIN_MS: i64 = 2_000;

/// The most declarations one import holds: a larger list comes in several
/// imports, each its own entry of the log.
pub const MAX_IMPORT: usize = 5_000;
/// The longest import key.
pub const MAX_IMPORT_KEY: usize = 128;

fn wrong_state(
    noun: Noun,
    state: &'static str,
    verb: &'static str,
    needs: &'static str,
) -> ModelError {
    ModelError::WrongState {
        noun,
        state,
        verb,
        needs,
    }
}
