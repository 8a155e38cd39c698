//! Events: what each party is told as the log grows, for whatever front end
//! carries them (the HTTP event stream and webhooks as JSON, Cursor-on-Target
//! as map markers).
//!
//! Every event comes from one log entry and carries its sequence number, so
//! a client that reconnects with the last one it saw misses nothing. The
//! events of an entry are built by [`events_of`] from the entry and the
//! state, through the model's need-to-know views, once per audience: a party
//! gets what it may see, the coordinator everything. An [`Event`] holds
//! those views, typed; each front end says them in its own form, so none
//! has to parse another's.
//!
//! Entries come from the service's feed of durable entries ([`Feed`]),
//! which publishes them only once they are durable, like any answer. Their
//! events are built once for each audience that has a subscriber, by one
//! task of that audience's, against the state as it then stands
//! (milliseconds later): building them on the command path, for every
//! entry and every recipient whether anyone listens or not, took a third of
//! a track batch's time. Its subscriptions read what the task keeps and are
//! woken only when it holds something new for them, so a party's hundred
//! devices cost little more than one while the log moves on with other
//! parties' business. A subscriber further behind than what the task keeps
//! builds its own events the same way, from the feed or the log.
//!
//! [`Feed`]: crate::Feed

use deconflict_model::{
    ActivityId, ActivityView, Actor, ChallengeId, ChallengeRuling, ChallengeView, CoarseArea,
    Command, ConflictId, ConflictView, DeclarationId, DeclarationView, Entry, IncidentId,
    IncidentView, NoticeEvent, ObjectRef, PatternSeen, RevealStep, Role, RuleVersion, State,
    StopId, StopView, incident_volume,
};

/// Who an event is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Every credential of one party (but the coordinator's, which get
    /// [`Audience::Coordinator`] events and so see each change once).
    Party(String),
    /// Every credential of the coordinator party.
    Coordinator,
}

impl Audience {
    /// The audience whose events `caller` receives.
    pub fn of(caller: &Actor) -> Audience {
        if caller.coordinator {
            Audience::Coordinator
        } else {
            Audience::Party(caller.party.clone())
        }
    }
}

/// One event of one entry, for one audience.
#[derive(Debug, Clone)]
pub struct Event {
    pub seq: u64,
    /// The entry's time, Unix milliseconds.
    pub time_ms: i64,
    pub what: What,
    /// The conflict it tells the recipient of its own side, if any:
    /// delivering it is what moves the recipient's notification to
    /// `delivered`.
    pub delivers: Option<ConflictId>,
}

/// What an event says, through the views its audience may read.
#[derive(Debug, Clone)]
pub enum What {
    /// A conflict opened, resolved, overridden or acknowledged.
    Conflict {
        change: NoticeEvent,
        conflict: ConflictView,
    },
    /// Someone must act at once.
    Alert(Alert),
    /// A notification left unacknowledged too long.
    Escalation {
        level: u8,
        party: String,
        conflict: ConflictView,
    },
    /// An activity changed state (its view says to which).
    Activity(ActivityView),
    /// An incident reported, or its status set.
    Incident {
        change: IncidentChange,
        incident: IncidentView,
    },
    /// A field of a party's entry asked to be made public, or made public.
    Reveal {
        entry: u64,
        pointer: String,
        step: RevealStep,
        by: String,
    },
    /// A party's own notification moved on.
    Notification {
        change: NotificationChange,
        by: String,
        conflict: ConflictView,
    },
    /// A tracked unit gone silent.
    Stale {
        declaration: DeclarationId,
        buffer_m: f64,
        covered_until_ms: Option<i64>,
        lost: bool,
    },
    /// Check fire: raised (to its raiser and the coordinator), holding the
    /// recipient's activities (to each owner), told again until
    /// acknowledged, acknowledged, or lifted. Urgent.
    Stop { change: StopChange, stop: StopView },
    /// A site in a standing conflict of the recipient's was ruled disputed,
    /// or its dispute was lifted: to the party on the other side, through
    /// its own view of the conflict.
    Disputed {
        disputed: bool,
        conflict: ConflictView,
    },
    /// A rule of the theatre set, to those who may read it.
    Rule(RuleVersion),
    /// One of the party's alerts acknowledged, by which of its credentials:
    /// to the party alone, so that its every device stops showing it.
    AlertAcknowledged {
        alert: deconflict_model::AlertRef,
        by: String,
    },
    /// A protected site went unconfirmed, was asked to re-confirm, was
    /// re-confirmed, or a challenge of it was raised, answered or ruled on:
    /// to its owner, the challenger and the coordinator, each through its
    /// own view.
    Site {
        change: SiteChange,
        declaration: Box<DeclarationView>,
        challenge: Option<ChallengeView>,
    },
    /// A party's questions came past its budget of answers (the
    /// coordinator's alone).
    ProbingSuspected {
        party: String,
        since_ms: i64,
        patterns: Vec<PatternSeen>,
        /// The question's object, and the conflicts it opened.
        subject: Option<ObjectRef>,
        opened: Vec<ConflictId>,
    },
}

/// What an alert is about.
#[derive(Debug, Clone)]
pub enum Alert {
    /// A unit in a live hazard.
    Conflict(ConflictView),
    /// An attack reported nearby, its report readable by the recipient.
    Attack(IncidentView),
    /// An attack reported nearby whose report the recipient may not read:
    /// only when and roughly where.
    AttackNearby {
        from_ms: i64,
        to_ms: i64,
        area: CoarseArea,
    },
    /// A lost unit where a new activity is planned: the coordinator's
    /// alone, to contact its owner.
    LostUnit {
        declaration: DeclarationId,
        activity: Option<ActivityId>,
    },
}

/// What happened to a protected site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteChange {
    Unconfirmed,
    /// Its owner is asked to re-confirm it by `reconfirm_by`.
    Asked,
    Reconfirmed,
    Challenged,
    Answered,
    Ruled,
}

/// What happened to a stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopChange {
    /// Raised: its raiser and the coordinator.
    Raised,
    /// It held the recipient's activities: each owner.
    Held,
    /// Still not acknowledged by the recipient: told again.
    Reminder,
    /// The recipient's party acknowledged it.
    Acknowledged,
    Lifted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentChange {
    Reported,
    Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationChange {
    Delivered,
    Acknowledged,
}

impl Event {
    /// The event's type, as the event stream and webhooks name it.
    pub fn kind(&self) -> &'static str {
        match self.what {
            What::Conflict { .. } | What::Disputed { .. } => "conflict",
            What::Alert(_) => "alert",
            What::Escalation { .. } => "escalation",
            What::Activity(_) => "activity",
            What::Incident { .. } => "incident",
            What::Reveal { .. } => "reveal",
            What::Notification { .. } => "notification",
            What::Stale { .. } => "stale",
            What::Stop { .. } => "stop",
            What::Rule(_) => "rule",
            What::AlertAcknowledged { .. } => "alert_acknowledged",
            What::Site { .. } => "site",
            What::ProbingSuspected { .. } => "probing_suspected",
        }
    }
}

mod subscription;

pub(crate) use subscription::Audiences;
pub use subscription::Subscription;

/// A reader of everything a party may see, through the model's views.
fn viewer(party: &str) -> Actor {
    Actor::new(party, Role::Viewer, "", false)
}

fn coordinator() -> Actor {
    Actor::new("", Role::Viewer, "", true)
}

/// Builds the events of one entry for one audience (see the module docs).
pub fn events_of(state: &State, entry: &Entry, audience: &Audience) -> Vec<Event> {
    let mut out = Events {
        state,
        entry,
        audience,
        events: Vec::new(),
    };
    out.notices();
    out.alerts();
    out.escalations();
    out.activities();
    out.incident();
    out.reveal();
    out.own_notification();
    out.stale();
    out.stops();
    out.rule();
    out.sites();
    out.probing();
    out.events
}

struct Events<'a> {
    state: &'a State,
    entry: &'a Entry,
    /// Whose events are built: views are made for no one else.
    audience: &'a Audience,
    events: Vec<Event>,
}

impl Events<'_> {
    fn wants(&self, to: &Audience) -> bool {
        self.audience == to
    }

    fn reads(&self, reader: &Actor) -> bool {
        self.wants(&Audience::of(reader))
    }

    fn push(&mut self, to: &Audience, delivers: Option<ConflictId>, what: What) {
        if !self.wants(to) {
            return;
        }
        self.events.push(Event {
            seq: self.entry.seq,
            time_ms: self.entry.time_ms,
            what,
            delivers,
        });
    }

    /// The conflict as `reader` sees it, if it is the audience's and it
    /// does.
    fn conflict(&self, reader: &Actor, id: &ConflictId) -> Option<ConflictView> {
        if !self.reads(reader) {
            return None;
        }
        self.state.conflict(reader, id).ok()
    }

    /// Each party's notices, and each change once for the coordinator.
    fn notices(&mut self) {
        let mut told: Vec<(ConflictId, NoticeEvent)> = Vec::new();
        for notice in &self.entry.outcome.notices {
            // Escalations have events of their own.
            if notice.event == NoticeEvent::Escalated {
                continue;
            }
            let change = notice.event;
            if let Some(conflict) = self.conflict(&viewer(&notice.party), &notice.conflict) {
                let to = Audience::Party(notice.party.clone());
                self.push(
                    &to,
                    Some(notice.conflict),
                    What::Conflict { change, conflict },
                );
            }
            if !told.contains(&(notice.conflict, notice.event)) {
                told.push((notice.conflict, notice.event));
                if let Some(conflict) = self.conflict(&coordinator(), &notice.conflict) {
                    self.push(
                        &Audience::Coordinator,
                        None,
                        What::Conflict { change, conflict },
                    );
                }
            }
        }
    }

    /// A unit in a live hazard, or an attack nearby: each party alerted,
    /// and the coordinator.
    fn alerts(&mut self) {
        for alert in &self.entry.outcome.alerts {
            let about = match alert.subject {
                ObjectRef::Conflict(id) => Some(id),
                _ => None,
            };
            for party in &alert.parties {
                if let Some(what) = self.alert(&viewer(party), &alert.subject) {
                    self.push(&Audience::Party(party.clone()), about, What::Alert(what));
                }
            }
            if let Some(what) = self.alert(&coordinator(), &alert.subject) {
                self.push(&Audience::Coordinator, None, What::Alert(what));
            }
        }
    }

    fn alert(&self, reader: &Actor, subject: &ObjectRef) -> Option<Alert> {
        if !self.reads(reader) {
            return None;
        }
        shown_alert(self.state, reader, subject, self.entry.outcome.created)
    }

    fn escalations(&mut self) {
        for e in &self.entry.outcome.escalations {
            let what = |conflict| What::Escalation {
                level: e.level,
                party: e.party.clone(),
                conflict,
            };
            if let Some(conflict) = self.conflict(&viewer(&e.party), &e.conflict) {
                let to = Audience::Party(e.party.clone());
                self.push(&to, Some(e.conflict), what(conflict));
            }
            if let Some(conflict) = self.conflict(&coordinator(), &e.conflict) {
                self.push(&Audience::Coordinator, None, what(conflict));
            }
        }
    }

    /// An activity that changed state: its owner and the coordinator.
    fn activities(&mut self) {
        let moved = match (&self.entry.command, self.entry.outcome.activity_state) {
            (Command::SubmitActivity(_), Some(_)) => match self.entry.outcome.created {
                Some(ObjectRef::Activity(id)) => Some(id),
                _ => None,
            },
            (
                Command::Clear { id, .. }
                | Command::Hold { id, .. }
                | Command::Deny { id, .. }
                | Command::Start { id }
                | Command::Complete { id }
                | Command::Cancel { id },
                Some(_),
            ) => Some(*id),
            _ => None,
        };
        let stopped = self.entry.outcome.stopped.keys();
        for id in moved.iter().chain(&self.entry.outcome.held).chain(stopped) {
            let Ok(view) = self.state.activity(&coordinator(), id) else {
                continue;
            };
            let owner = Audience::Party(view.owner.clone());
            if !self.wants(&owner) && !self.wants(&Audience::Coordinator) {
                continue;
            }
            self.push(&owner, None, What::Activity(view.clone()));
            self.push(&Audience::Coordinator, None, What::Activity(view));
        }
    }

    /// An incident reported or judged: those who may see it.
    fn incident(&mut self) {
        let (id, change): (IncidentId, _) = match (&self.entry.command, self.entry.outcome.created)
        {
            (Command::ReportIncident(_), Some(ObjectRef::Incident(id))) => {
                (id, IncidentChange::Reported)
            }
            (Command::SetIncidentStatus { id, .. }, _) => (*id, IncidentChange::Status),
            _ => return,
        };
        let Ok(incident) = self.state.incident(&coordinator(), &id) else {
            return;
        };
        let mut parties = vec![incident.reporter.clone()];
        parties.extend(incident.spec.against.clone());
        parties.dedup();
        let told = |p: &String| self.wants(&Audience::Party(p.clone()));
        if !parties.iter().any(told) && !self.wants(&Audience::Coordinator) {
            return;
        }
        for party in parties {
            let what = What::Incident {
                change,
                incident: incident.clone(),
            };
            self.push(&Audience::Party(party), None, what);
        }
        self.push(
            &Audience::Coordinator,
            None,
            What::Incident { change, incident },
        );
    }

    /// A field of a party's entry asked to be made public, or made public,
    /// by someone else: the owner is told, and the coordinator.
    fn reveal(&mut self) {
        let (
            Command::Reveal {
                seq,
                pointer,
                owner,
                ..
            },
            Some(step),
        ) = (&self.entry.command, self.entry.outcome.reveal)
        else {
            return;
        };
        let by = &self.entry.actor.party;
        let what = || What::Reveal {
            entry: *seq,
            pointer: pointer.clone(),
            step,
            by: by.clone(),
        };
        if owner != by {
            self.push(&Audience::Party(owner.clone()), None, what());
        }
        self.push(&Audience::Coordinator, None, what());
    }

    /// A party's own notification moved on (received, acknowledged): its
    /// other credentials and the coordinator hear of it.
    fn own_notification(&mut self) {
        let (id, change) = match &self.entry.command {
            Command::MarkDelivered { conflict } => (conflict, NotificationChange::Delivered),
            Command::Acknowledge { conflict } => (conflict, NotificationChange::Acknowledged),
            _ => return,
        };
        let party = self.entry.actor.party.clone();
        let what = |conflict| What::Notification {
            change,
            by: party.clone(),
            conflict,
        };
        if let Some(conflict) = self.conflict(&viewer(&party), id) {
            self.push(&Audience::Party(party.clone()), None, what(conflict));
        }
        if let Some(conflict) = self.conflict(&coordinator(), id) {
            self.push(&Audience::Coordinator, None, what(conflict));
        }
    }

    /// A tracked unit gone silent: its party and the coordinator.
    fn stale(&mut self) {
        for stale in &self.entry.outcome.stale {
            let Ok(view) = self.state.declaration(&coordinator(), &stale.declaration) else {
                continue;
            };
            let what = || What::Stale {
                declaration: stale.declaration,
                buffer_m: stale.buffer_m,
                covered_until_ms: stale.until_ms,
                lost: stale.lost,
            };
            self.push(&Audience::Party(view.owner), None, what());
            self.push(&Audience::Coordinator, None, what());
        }
    }

    /// A stop as `reader` sees it, if it is the audience's and it does.
    fn stop(&self, reader: &Actor, id: &StopId) -> Option<StopView> {
        if !self.reads(reader) {
            return None;
        }
        self.state.stop(reader, id, self.entry.time_ms).ok()
    }

    fn push_stop(&mut self, reader: &Actor, id: &StopId, change: StopChange) {
        if let Some(stop) = self.stop(reader, id) {
            let to = Audience::of(reader);
            self.push(&to, None, What::Stop { change, stop });
        }
    }

    /// Check fire: the raiser and the coordinator hear it raised, each
    /// owner that its own activities were held; reminders go to those who
    /// have not acknowledged; an acknowledgement to the party's other
    /// credentials and the coordinator (never the raiser, who would learn
    /// whose activities it held); a lift to everyone it concerns.
    fn stops(&mut self) {
        let outcome = &self.entry.outcome;
        let raiser = &self.entry.actor.party;
        if let Some(raised) = &outcome.stop {
            let mut owners: Vec<&String> = outcome.stopped.values().collect();
            owners.sort();
            owners.dedup();
            self.push_stop(&viewer(raiser), &raised.id, StopChange::Raised);
            for owner in owners {
                self.push_stop(&viewer(owner), &raised.id, StopChange::Held);
            }
            self.push_stop(&coordinator(), &raised.id, StopChange::Raised);
        }
        for reminder in &outcome.reminders {
            let reader = match &reminder.party {
                Some(party) => viewer(party),
                None => coordinator(),
            };
            self.push_stop(&reader, &reminder.stop, StopChange::Reminder);
        }
        match &self.entry.command {
            Command::AcknowledgeAlert { entry, index } => {
                let actor = &self.entry.actor;
                let what = What::AlertAcknowledged {
                    alert: deconflict_model::AlertRef {
                        entry: *entry,
                        index: *index,
                    },
                    by: actor.credential_id.clone(),
                };
                self.push(&Audience::of(actor), None, what);
            }
            Command::AcknowledgeStop { id } => {
                if !self.entry.actor.coordinator {
                    self.push_stop(&viewer(raiser), id, StopChange::Acknowledged);
                }
                self.push_stop(&coordinator(), id, StopChange::Acknowledged);
            }
            Command::LiftStop { id, .. } => {
                let Ok(all) = self.state.stop(&coordinator(), id, self.entry.time_ms) else {
                    return;
                };
                let mut parties: Vec<String> = all
                    .held
                    .iter()
                    .filter_map(|a| self.state.activity(&coordinator(), a).ok())
                    .map(|a| a.owner)
                    .chain(all.detail.map(|d| d.raiser))
                    .collect();
                parties.sort();
                parties.dedup();
                for party in parties {
                    self.push_stop(&viewer(&party), id, StopChange::Lifted);
                }
                self.push_stop(&coordinator(), id, StopChange::Lifted);
            }
            _ => {}
        }
    }

    fn push_site(
        &mut self,
        reader: &Actor,
        change: SiteChange,
        declaration: &DeclarationId,
        challenge: Option<&ChallengeId>,
    ) {
        if !self.reads(reader) {
            return;
        }
        let Ok(view) = self.state.declaration(reader, declaration) else {
            return;
        };
        let challenge = challenge.and_then(|c| self.state.challenge(reader, c));
        let to = Audience::of(reader);
        let what = What::Site {
            change,
            declaration: Box::new(view),
            challenge,
        };
        self.push(&to, None, what);
    }

    /// A site's lifecycle: its owner, the challenger and the coordinator.
    fn sites(&mut self) {
        let outcome = &self.entry.outcome;
        let owner = |state: &State, id: &DeclarationId| {
            state.declaration(&coordinator(), id).ok().map(|d| d.owner)
        };
        for id in &outcome.unconfirmed {
            if let Some(party) = owner(self.state, id) {
                self.push_site(&viewer(&party), SiteChange::Unconfirmed, id, None);
            }
            self.push_site(&coordinator(), SiteChange::Unconfirmed, id, None);
        }
        for ask in &outcome.asked {
            let id = &ask.declaration;
            if let Some(party) = owner(self.state, id) {
                self.push_site(&viewer(&party), SiteChange::Asked, id, None);
            }
            self.push_site(&coordinator(), SiteChange::Asked, id, None);
        }
        let actor = self.entry.actor.party.clone();
        match &self.entry.command {
            Command::Reconfirm { id } => {
                self.push_site(&viewer(&actor), SiteChange::Reconfirmed, id, None);
                self.push_site(&coordinator(), SiteChange::Reconfirmed, id, None);
            }
            Command::Challenge { id, .. } => {
                let Some(challenge) = outcome.challenge else {
                    return;
                };
                let mut parties = vec![actor];
                parties.extend(owner(self.state, id));
                for party in parties {
                    self.push_site(
                        &viewer(&party),
                        SiteChange::Challenged,
                        id,
                        Some(&challenge),
                    );
                }
                self.push_site(&coordinator(), SiteChange::Challenged, id, Some(&challenge));
            }
            Command::AnswerChallenge { id, .. } | Command::RuleChallenge { id, .. } => {
                let change = match self.entry.command {
                    Command::AnswerChallenge { .. } => SiteChange::Answered,
                    _ => SiteChange::Ruled,
                };
                let Some(c) = self.state.challenge(&coordinator(), id) else {
                    return;
                };
                let mut parties: Vec<String> = c.by.into_iter().collect();
                parties.extend(owner(self.state, &c.declaration));
                parties.sort();
                parties.dedup();
                for party in parties {
                    self.push_site(&viewer(&party), change, &c.declaration, Some(id));
                }
                self.push_site(&coordinator(), change, &c.declaration, Some(id));
                if let Command::RuleChallenge { ruling, .. } = &self.entry.command {
                    self.disputes(&c.declaration, *ruling, id);
                }
            }
            _ => {}
        }
    }

    /// A ruling that flags a site disputed, or lifts the flag: the parties
    /// striking near it. An upheld site never disputed says nothing, so a
    /// challenge of it stays between its owner, challenger and coordinator.
    fn disputes(
        &mut self,
        declaration: &DeclarationId,
        ruling: ChallengeRuling,
        ruled: &ChallengeId,
    ) {
        let disputed = match ruling {
            ChallengeRuling::Disputed => true,
            ChallengeRuling::Upheld if self.state.lifted_dispute(ruled) => false,
            ChallengeRuling::Upheld => return,
            // Withdrawing the site resolves its conflicts, and says so.
            ChallengeRuling::Withdrawn => return,
        };
        for (id, party) in self.state.meeting(declaration) {
            if let Some(conflict) = self.conflict(&viewer(&party), &id) {
                let to = Audience::Party(party);
                self.push(&to, None, What::Disputed { disputed, conflict });
            }
        }
    }

    /// A rule set: every party that may read it, and the coordinator.
    fn rule(&mut self) {
        let Command::SetRule { spec, .. } = &self.entry.command else {
            return;
        };
        let reader = match self.audience {
            Audience::Coordinator => coordinator(),
            Audience::Party(party) => viewer(party),
        };
        if !spec.readable_by(&reader) {
            return;
        }
        let version = self
            .state
            .rules(&reader)
            .into_iter()
            .find(|v| v.seq == self.entry.seq);
        if let Some(version) = version {
            let to = self.audience.clone();
            self.push(&to, None, What::Rule(version));
        }
    }

    /// A party's question came past its budget of answers: the coordinator
    /// alone hears of it, with the evidence (never the party suspected).
    fn probing(&mut self) {
        let Some(suspicion) = &self.entry.outcome.probing else {
            return;
        };
        if !self.wants(&Audience::Coordinator) {
            return;
        }
        let what = What::ProbingSuspected {
            party: suspicion.party.clone(),
            since_ms: suspicion.since_ms,
            patterns: suspicion.patterns.clone(),
            subject: self.entry.subject(),
            opened: self.entry.outcome.opened.iter().map(|c| c.id).collect(),
        };
        self.push(&Audience::Coordinator, None, what);
    }
}

/// What `reader` is shown of an alert about `subject` as `state` stands:
/// the conflict or the incident as its views show it; of an attack report
/// it may not read, only when and roughly where; of a lost unit (the
/// coordinator alone), the unit and the activity planned over it (`cause`,
/// what the raising entry created).
pub fn shown_alert(
    state: &State,
    reader: &Actor,
    subject: &ObjectRef,
    cause: Option<ObjectRef>,
) -> Option<Alert> {
    match subject {
        ObjectRef::Declaration(id) if reader.coordinator => Some(Alert::LostUnit {
            declaration: *id,
            activity: match cause {
                Some(ObjectRef::Activity(a)) => Some(a),
                _ => None,
            },
        }),
        ObjectRef::Conflict(id) => state.conflict(reader, id).ok().map(Alert::Conflict),
        ObjectRef::Incident(id) => match state.incident(reader, id) {
            Ok(view) => Some(Alert::Attack(view)),
            Err(_) => {
                let spec = state.incident(&coordinator(), id).ok()?.spec;
                let bounds = incident_volume(&spec).ok()?.bounds();
                Some(Alert::AttackNearby {
                    from_ms: spec.from_ms,
                    to_ms: spec.to_ms,
                    area: CoarseArea::around_overlap(bounds, bounds),
                })
            }
        },
        _ => None,
    }
}
