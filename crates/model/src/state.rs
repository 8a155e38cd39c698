//! The state: the fold of the log.

use crate::actor::{Actor, Role};
use crate::command::{Command, DeclarationSpec};
use crate::entry::{Entry, RevealStep};
use crate::error::ModelError;
use crate::id::{ActivityId, ConflictId, DeclarationId, IncidentId, ObjectRef};
use crate::incident::{Incident, StatusChange};
use crate::object::{
    Activity, ActivityState, Conflict, ConflictState, Declaration, Notification, NotificationState,
    ObjectConflicts, Override, Side, Transition,
};
use crate::policy::Policy;
use crate::track::{self, Track};
use crate::validate::{self, ACTIVITY_WINDOW, DECLARATION_WINDOW};
use deconflict_geo4d::{Index, Volume, Window};
use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

/// A reveal asked for, waiting: the approvers who asked, and whether the
/// owner consented.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RevealRequest {
    pub(crate) approvers: BTreeSet<String>,
    pub(crate) consented: bool,
}

/// Why the model moved a cleared activity back to held.
pub(crate) const HELD_BY_CONFLICT: &str = "a new conflict opened";

/// Every declaration, activity and conflict, and an index of the volumes of
/// those that are live. Built only by folding entries ([`State::apply`]);
/// read only through the views of [`crate::sight`].
#[derive(Debug)]
pub struct State {
    pub(crate) policy: Policy,
    pub(crate) seq: Option<u64>,
    /// The time of the last entry applied.
    pub(crate) time_ms: Option<i64>,
    pub(crate) declarations: BTreeMap<DeclarationId, Declaration>,
    pub(crate) activities: BTreeMap<ActivityId, Activity>,
    pub(crate) conflicts: BTreeMap<ConflictId, Conflict>,
    pub(crate) incidents: BTreeMap<IncidentId, Incident>,
    /// The fields of earlier entries made public: (seq, JSON Pointer).
    pub(crate) revealed: BTreeSet<(u64, String)>,
    /// Suspensions of a party's objects from causing holds, in log order.
    pub(crate) suspensions: Vec<crate::holds::Suspension>,
    /// Every activity put back on hold, by whose object.
    pub(crate) holds: Vec<crate::holds::HoldCaused>,
    /// What each party's questions were shown and how fast it changed its
    /// objects: the budget of [`crate::probing`].
    pub(crate) questions: crate::probing::Questions,
    /// Reveals asked for and waiting for a second approver or the owner.
    pub(crate) reveal_requests: BTreeMap<(u64, String), RevealRequest>,
    /// The object behind each internal index key; keys count up in log
    /// order and never leave the state.
    pub(crate) keys: Vec<ObjectRef>,
    /// The volumes of every declaration not withdrawn and every live activity.
    pub(crate) index: Index,
    /// Standing declarations with a track: what the sweep looks at for
    /// silence.
    pub(crate) tracked: BTreeSet<DeclarationId>,
    /// Conflicts with a notification that may still escalate (see
    /// [`Conflict::escalating_sides`]).
    pub(crate) escalating: BTreeSet<ConflictId>,
    /// Each party's standing declarations by the CoT uid they report under.
    pub(crate) cot_uids: BTreeMap<(String, String), DeclarationId>,
    /// Every version of every rule of the theatre, by name.
    pub(crate) rules: BTreeMap<String, Vec<crate::rules::RuleVersion>>,
    /// Every stop raised.
    pub(crate) stops: BTreeMap<crate::id::StopId, crate::stops::Stop>,
    /// Every challenge of a declaration.
    pub(crate) challenges: BTreeMap<crate::id::ChallengeId, crate::sites::Challenge>,
    /// The declarations each party imported, by the key it gave.
    pub(crate) imports: BTreeMap<(String, String), Vec<DeclarationId>>,
    /// Every alert raised, by the entry that raised it and its place among
    /// that entry's alerts.
    pub(crate) alerts: BTreeMap<(u64, u32), crate::alerts::Raised>,
    /// Where `alerts` keeps each party's alerts, so that what a party reads
    /// of them walks its own and not every party's.
    pub(crate) alerts_to: BTreeMap<String, BTreeSet<(u64, u32)>>,
}

impl State {
    /// An empty state: the fold of no entries.
    pub fn new(policy: Policy) -> State {
        State {
            policy,
            seq: None,
            time_ms: None,
            declarations: BTreeMap::new(),
            activities: BTreeMap::new(),
            conflicts: BTreeMap::new(),
            incidents: BTreeMap::new(),
            revealed: BTreeSet::new(),
            reveal_requests: BTreeMap::new(),
            questions: Default::default(),
            suspensions: Vec::new(),
            holds: Vec::new(),
            keys: Vec::new(),
            index: Index::new(),
            tracked: BTreeSet::new(),
            escalating: BTreeSet::new(),
            cot_uids: BTreeMap::new(),
            rules: BTreeMap::new(),
            stops: BTreeMap::new(),
            challenges: BTreeMap::new(),
            imports: BTreeMap::new(),
            alerts: BTreeMap::new(),
            alerts_to: BTreeMap::new(),
        }
    }

    /// The fold of `entries`, in order: the state as of the last of them.
    /// `State::replay(policy, log.take_while(|e| e.seq <= n))` is the state
    /// as of `n`.
    pub fn replay<I>(policy: Policy, entries: I) -> Result<State, ModelError>
    where
        I: IntoIterator,
        I::Item: Borrow<Entry>,
    {
        let mut replay = Replay::new(policy);
        for entry in entries {
            replay.apply(entry.borrow())?;
        }
        Ok(replay.finish())
    }

    /// The sequence number of the last entry applied.
    pub fn seq(&self) -> Option<u64> {
        self.seq
    }

    /// The time of the last entry applied, Unix milliseconds.
    pub fn time_ms(&self) -> Option<i64> {
        self.time_ms
    }

    /// Whether the field at `pointer` of entry `seq` was made public.
    pub fn is_revealed(&self, seq: u64, pointer: &str) -> bool {
        self.revealed.contains(&(seq, pointer.to_owned()))
    }

    /// Whether `viewer`'s party was granted the whole evidence of `incident`.
    pub fn granted_evidence(&self, viewer: &Actor, incident: &IncidentId) -> bool {
        self.incidents
            .get(incident)
            .is_some_and(|i| i.granted.contains(&viewer.party))
    }

    /// The fields of entry `seq` made public, by JSON Pointer.
    pub fn revealed_in(&self, seq: u64) -> Vec<String> {
        self.revealed
            .range((seq, String::new())..(seq + 1, String::new()))
            .map(|(_, pointer)| pointer.clone())
            .collect()
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// How many conflicts are open and activities held, over all parties:
    /// the operator's gauges, never shown to a party.
    pub fn totals(&self) -> Totals {
        Totals {
            open_conflicts: self
                .conflicts
                .values()
                .filter(|c| c.state == ConflictState::Open)
                .count(),
            held_activities: self
                .activities
                .values()
                .filter(|a| a.state == ActivityState::Held)
                .count(),
        }
    }

    /// The standing declaration of `party` that reports under a CoT uid.
    pub fn unit_by_cot_uid(&self, party: &str, uid: &str) -> Option<DeclarationId> {
        self.cot_uids
            .get(&(party.to_owned(), uid.to_owned()))
            .copied()
    }

    fn bind_cot_uid(&mut self, id: DeclarationId, owner: &str, spec: Option<&DeclarationSpec>) {
        let uid = |spec: Option<&DeclarationSpec>| {
            let uid = spec?.tracking.as_ref()?.cot_uid.clone()?;
            Some((owner.to_owned(), uid))
        };
        let old = self.declarations.get(&id).and_then(|d| uid(Some(&d.spec)));
        if let Some(key) = old {
            self.cot_uids.remove(&key);
        }
        if let Some(key) = uid(spec) {
            self.cot_uids.insert(key, id);
        }
    }

    /// Applies one entry: the command's own effect, then the conflicts its
    /// outcome records. Deterministic and self-contained: it reads nothing
    /// but the entry and the state, evaluates nothing again (geometry is
    /// re-validated only to rebuild the engine's volumes), and never
    /// consults the policy.
    ///
    /// An entry must come from [`State::execute`] on this same state (then
    /// sealed with a higher sequence number) or from a log of such entries.
    /// An error means the log is at fault, and the state must be dropped:
    /// an entry that fails may have been applied in part.
    pub fn apply(&mut self, entry: &Entry) -> Result<(), ModelError> {
        let mut index = std::mem::take(&mut self.index);
        let applied = self.fold(entry, &mut index);
        self.index = index;
        applied
    }

    /// [`State::apply`], with the volumes of live objects kept in `volumes`.
    fn fold(&mut self, entry: &Entry, volumes: &mut impl Volumes) -> Result<(), ModelError> {
        let seq = entry.seq;
        if let Some(last) = self.seq.filter(|&last| seq <= last) {
            return Err(corrupt(seq, format!("comes after entry {last}")));
        }
        self.note_questions(entry);
        self.apply_command(entry, volumes)?;
        self.apply_conflicts(entry, volumes)?;
        self.keep_alerts(
            seq,
            entry.time_ms,
            &entry.outcome.alerts,
            entry.outcome.created,
        );
        self.seq = Some(seq);
        self.time_ms = Some(entry.time_ms);
        Ok(())
    }

    fn apply_command(
        &mut self,
        entry: &Entry,
        volumes: &mut impl Volumes,
    ) -> Result<(), ModelError> {
        let (seq, t, party) = (entry.seq, entry.time_ms, &entry.actor.party);
        let outcome = &entry.outcome;
        let volume =
            |spec, names| validate::volume(spec, names).map_err(|e| corrupt(seq, e.to_string()));
        match &entry.command {
            Command::Import { key, declarations } => {
                if outcome.imported.len() != declarations.len() {
                    return Err(corrupt(seq, "an import without an id for each declaration"));
                }
                for (id, spec) in outcome.imported.iter().zip(declarations) {
                    self.declare(volumes, seq, t, party, id, spec)?;
                }
                self.imports
                    .insert((party.clone(), key.clone()), outcome.imported.clone());
            }
            Command::Declare(spec) => {
                let Some(ObjectRef::Declaration(id)) = &outcome.created else {
                    return Err(corrupt(seq, "a declaration without its id"));
                };
                self.declare(volumes, seq, t, party, id, spec)?;
            }
            Command::Amend { id, spec, .. } => {
                let volume = volume(&spec.volume, DECLARATION_WINDOW)?;
                self.bind_cot_uid(*id, party, Some(spec));
                let d = self
                    .declarations
                    .get_mut(id)
                    .ok_or_else(|| missing(seq, id))?;
                d.version += 1;
                d.spec = spec.clone();
                d.updated_ms = t;
                d.confirm(t);
                // A new declaration of where the unit is: its old track no
                // longer says where the declared volume is.
                d.track = None;
                self.tracked.remove(id);
                volumes.put(d.key, volume);
            }
            Command::Withdraw { id } => {
                self.bind_cot_uid(*id, party, None);
                let d = self
                    .declarations
                    .get_mut(id)
                    .ok_or_else(|| missing(seq, id))?;
                d.withdrawn = true;
                d.updated_ms = t;
                self.tracked.remove(id);
                volumes.take(d.key);
            }
            Command::SubmitActivity(spec) => {
                let (Some(ObjectRef::Activity(id)), Some(state)) =
                    (&outcome.created, outcome.activity_state)
                else {
                    return Err(corrupt(seq, "an activity without its id or state"));
                };
                if self.activities.contains_key(id) {
                    return Err(corrupt(seq, format!("{id} exists already")));
                }
                let volume = volume(&spec.volume, ACTIVITY_WINDOW)?;
                let key = self.new_key(ObjectRef::Activity(*id));
                let activity = Activity {
                    key,
                    owner: party.clone(),
                    spec: spec.clone(),
                    state,
                    history: vec![Transition {
                        state,
                        reason: submitted_reason(outcome),
                        time_ms: t,
                    }],
                    conflicts: ObjectConflicts::default(),
                };
                if state.is_live() {
                    volumes.put(key, volume);
                }
                self.activities.insert(*id, activity);
                for ask in &outcome.asked {
                    let d = self
                        .declarations
                        .get_mut(&ask.declaration)
                        .ok_or_else(|| missing(seq, ask.declaration))?;
                    d.reconfirm_by = Some(ask.until_ms);
                }
            }
            Command::Clear { id, reason }
            | Command::Hold { id, reason }
            | Command::Deny { id, reason } => {
                self.move_activity(volumes, seq, t, id, outcome.activity_state, reason.clone())?;
            }
            Command::Start { id } | Command::Complete { id } | Command::Cancel { id } => {
                self.move_activity(volumes, seq, t, id, outcome.activity_state, None)?;
            }
            Command::Acknowledge { conflict } => {
                let n = self.notification_mut(seq, conflict, party)?;
                n.state = NotificationState::Acknowledged;
                n.acknowledged_ms = Some(t);
                n.delivered_ms.get_or_insert(t);
                self.rewatch(conflict);
            }
            Command::Reveal {
                seq: of, pointer, ..
            } => {
                let key = (*of, pointer.clone());
                match outcome.reveal {
                    Some(RevealStep::Revealed) => {
                        self.reveal_requests.remove(&key);
                        self.revealed.insert(key);
                    }
                    Some(RevealStep::Requested) => {
                        let request = self.reveal_requests.entry(key).or_default();
                        if entry.actor.coordinator && entry.actor.role == Role::Approver {
                            request.approvers.insert(entry.actor.credential_id.clone());
                        } else {
                            request.consented = true;
                        }
                    }
                    None => return Err(corrupt(seq, "a reveal without its step")),
                }
            }
            Command::SuspendHolds { .. } | Command::Dispute { .. } => {
                self.apply_holds_command(seq, t, &entry.command)?;
            }
            Command::Reconfirm { .. }
            | Command::Challenge { .. }
            | Command::AnswerChallenge { .. }
            | Command::RuleChallenge { .. } => {
                self.apply_site_command(volumes, entry)?;
            }
            Command::SetRule { spec, reason } => {
                self.apply_rule(seq, t, spec, reason.as_deref())?;
            }
            Command::RaiseStop { spec, reason } => {
                self.raise_stop(volumes, entry, spec, reason.as_deref())?;
            }
            Command::LiftStop { id, reason } => {
                let stop = self.stops.get_mut(id).ok_or_else(|| missing(seq, id))?;
                stop.lifted = Some((t, reason.clone()));
            }
            Command::AcknowledgeAlert {
                entry: raised,
                index,
            } => {
                let reference = crate::alerts::AlertRef {
                    entry: *raised,
                    index: *index,
                };
                let key = self
                    .alert_for(&entry.actor, reference)
                    .ok_or_else(|| corrupt(seq, "an acknowledgement of no alert of its party's"))?;
                self.acknowledge_alert(key, &entry.actor, t);
            }
            Command::AcknowledgeStop { id } => {
                let stop = self.stops.get_mut(id).ok_or_else(|| missing(seq, id))?;
                if entry.actor.coordinator {
                    stop.coordinator_acknowledged = Some(t);
                } else {
                    stop.acknowledged.insert(party.clone(), t);
                }
            }
            Command::GrantEvidence {
                incident, party, ..
            } => {
                self.incidents
                    .get_mut(incident)
                    .ok_or_else(|| missing(seq, incident))?
                    .granted
                    .insert(party.clone());
            }
            Command::MarkDelivered { conflict } => {
                let n = self.notification_mut(seq, conflict, party)?;
                n.state = NotificationState::Delivered;
                n.delivered_ms = Some(t);
            }
            Command::Override { conflict, reason } => {
                let c = self
                    .conflicts
                    .get_mut(conflict)
                    .ok_or_else(|| missing(seq, conflict))?;
                c.state = ConflictState::Overridden;
                c.overridden = Some(Override {
                    reason: reason.clone().unwrap_or_default(),
                    time_ms: t,
                });
                self.rewatch(conflict);
            }
            Command::Track { reports } => {
                for report in track::moves(reports) {
                    self.move_unit(volumes, seq, report)?;
                }
            }
            Command::Sweep => {
                for stale in &outcome.stale {
                    self.grow_stale(volumes, seq, stale)?;
                }
                for e in &outcome.escalations {
                    self.notification_mut(seq, &e.conflict, &e.party)?.escalated = e.level;
                    self.rewatch(&e.conflict);
                }
                for id in &outcome.unconfirmed {
                    let d = self
                        .declarations
                        .get_mut(id)
                        .ok_or_else(|| missing(seq, id))?;
                    d.unconfirmed_since = Some(t);
                }
                for reminder in &outcome.reminders {
                    let stop = self
                        .stops
                        .get_mut(&reminder.stop)
                        .ok_or_else(|| missing(seq, reminder.stop))?;
                    stop.reminded_ms = t;
                }
            }
            Command::ReportIncident(spec) => {
                let Some(ObjectRef::Incident(id)) = &outcome.created else {
                    return Err(corrupt(seq, "an incident without its id"));
                };
                if self.incidents.contains_key(id) {
                    return Err(corrupt(seq, format!("{id} exists already")));
                }
                let incident = Incident {
                    reporter: party.clone(),
                    spec: spec.clone(),
                    history: Vec::new(),
                    granted: BTreeSet::new(),
                    notified: outcome.notified_site.clone(),
                    response: None,
                };
                self.incidents.insert(*id, incident);
            }
            Command::RespondIncident { id, response } => {
                let i = self.incidents.get_mut(id).ok_or_else(|| missing(seq, id))?;
                i.response = Some((response.clone(), t));
            }
            Command::SetIncidentStatus {
                id,
                status,
                reason,
                duplicate_of,
            } => {
                let i = self.incidents.get_mut(id).ok_or_else(|| missing(seq, id))?;
                i.history.push(StatusChange {
                    status: *status,
                    party: party.clone(),
                    reason: reason.clone(),
                    duplicate_of: *duplicate_of,
                    time_ms: t,
                });
            }
        }
        Ok(())
    }

    fn apply_conflicts(
        &mut self,
        entry: &Entry,
        volumes: &mut impl Volumes,
    ) -> Result<(), ModelError> {
        let (seq, t, party) = (entry.seq, entry.time_ms, &entry.actor.party);
        let outcome = &entry.outcome;
        for id in &outcome.held {
            // Named by the conflict that held it, which both its owner and
            // the coordinator see, and counted against the other side.
            let by = outcome
                .opened
                .iter()
                .find(|c| c.activity == *id || c.other == ObjectRef::Activity(*id));
            let reason = Some(match by {
                Some(conflict) => format!("{HELD_BY_CONFLICT}: {}", conflict.id),
                None => HELD_BY_CONFLICT.to_owned(),
            });
            if let Some(conflict) = by {
                let other = usize::from(conflict.activity == *id);
                self.holds.push(crate::holds::HoldCaused {
                    time_ms: t,
                    party: conflict.parties[other].clone(),
                });
            }
            self.move_activity(volumes, seq, t, id, Some(ActivityState::Held), reason)?;
        }
        for opened in &outcome.opened {
            if self.conflicts.contains_key(&opened.id) {
                return Err(corrupt(seq, format!("{} exists already", opened.id)));
            }
            if !opened.area.is_well_formed() || opened.parties[0] == opened.parties[1] {
                return Err(corrupt(seq, format!("{} is malformed", opened.id)));
            }
            let window = Window::new(opened.from_ms, opened.to_ms)
                .map_err(|e| corrupt(seq, e.to_string()))?;
            let activity = ObjectRef::Activity(opened.activity);
            let sides = [
                (&activity, &opened.parties[0]),
                (&opened.other, &opened.parties[1]),
            ];
            let mut kinds = Vec::with_capacity(2);
            for (i, (object, owner)) in sides.into_iter().enumerate() {
                let other_party = &opened.parties[1 - i];
                let found = match object {
                    ObjectRef::Declaration(id) => self
                        .declarations
                        .get_mut(id)
                        .filter(|d| d.owner == *owner)
                        .map(|d| (&mut d.conflicts, &d.spec.kind)),
                    ObjectRef::Activity(id) => self
                        .activities
                        .get_mut(id)
                        .filter(|a| a.owner == *owner)
                        .map(|a| (&mut a.conflicts, &a.spec.kind)),
                    ObjectRef::Conflict(_) | ObjectRef::Incident(_) => None,
                };
                let (conflicts, kind) = found.ok_or_else(|| {
                    corrupt(seq, format!("{} names {object} of {owner}", opened.id))
                })?;
                // Through a conflict whose other side is kept from the
                // party that opened it, that party is not shown the object.
                if opened.withheld.is_some() && other_party == party {
                    conflicts.opened_unseen(opened.id);
                } else {
                    conflicts.opened(opened.id, other_party);
                }
                kinds.push(kind.clone());
            }
            let mut kinds = kinds.into_iter();
            let mut side = |object: ObjectRef, owner: &String| Side {
                object,
                party: owner.clone(),
                // As it was when the conflict opened: a later amend does not
                // tell the other party what the object has become.
                kind: kinds.next().unwrap_or_default(),
                notification: if owner == party {
                    // The opener was told in the answer to its own command.
                    Notification {
                        state: NotificationState::Delivered,
                        delivered_ms: Some(t),
                        acknowledged_ms: None,
                        escalated: 0,
                    }
                } else {
                    Notification {
                        state: NotificationState::Pending,
                        delivered_ms: None,
                        acknowledged_ms: None,
                        escalated: 0,
                    }
                },
            };
            let conflict = Conflict {
                sides: [
                    side(activity, &opened.parties[0]),
                    side(opened.other, &opened.parties[1]),
                ],
                opened_by: party.clone(),
                window,
                area: opened.area,
                state: ConflictState::Open,
                opened_ms: t,
                resolved_ms: None,
                overridden: None,
                withheld: opened.withheld,
                via_coordinator: opened.via_coordinator,
            };
            self.conflicts.insert(opened.id, conflict);
            self.rewatch(&opened.id);
        }
        for id in &outcome.resolved {
            let c = self.conflicts.get_mut(id).ok_or_else(|| missing(seq, id))?;
            c.state = ConflictState::Resolved;
            c.resolved_ms = Some(t);
            let sides = [c.sides[0].object, c.sides[1].object];
            for object in sides {
                if let Some(conflicts) = self.object_conflicts(&object) {
                    conflicts.resolved(id);
                }
            }
            self.rewatch(id);
        }
        Ok(())
    }

    /// Moves a tracked unit to a reported position (one of
    /// [`track::moves`], so never back in time).
    fn move_unit(
        &mut self,
        volumes: &mut impl Volumes,
        seq: u64,
        report: &track::TrackReport,
    ) -> Result<(), ModelError> {
        let id = &report.declaration;
        let d = self
            .declarations
            .get_mut(id)
            .ok_or_else(|| missing(seq, id))?;
        if d.track
            .as_ref()
            .is_some_and(|t| t.last.time_ms > report.time_ms)
        {
            return Ok(());
        }
        let live = volumes
            .get(d.key)
            .ok_or_else(|| corrupt(seq, format!("{id} is not live")))?;
        let volume = track::unit_volume(live, d.spec.volume.buffer_m, &report.position, 0.0)
            .map_err(|e| corrupt(seq, e.to_string()))?;
        d.track = Some(Track {
            last: report.clone(),
            stale: None,
        });
        d.fix = Some(report.clone());
        volumes.put(d.key, volume);
        self.tracked.insert(*id);
        Ok(())
    }

    /// Gives a silent unit the conservative volume the sweep decided.
    fn grow_stale(
        &mut self,
        volumes: &mut impl Volumes,
        seq: u64,
        stale: &track::StaleUnit,
    ) -> Result<(), ModelError> {
        let id = &stale.declaration;
        let d = self
            .declarations
            .get_mut(id)
            .ok_or_else(|| missing(seq, id))?;
        let track = d
            .track
            .as_mut()
            .ok_or_else(|| corrupt(seq, format!("{id} has no track")))?;
        let live = volumes
            .get(d.key)
            .ok_or_else(|| corrupt(seq, format!("{id} is not live")))?;
        let volume = live
            .with_buffer(stale.buffer_m)
            .map_err(|e| corrupt(seq, e.to_string()))?;
        track.stale = Some(stale.clone());
        volumes.put(d.key, volume);
        Ok(())
    }

    fn object_conflicts(&mut self, object: &ObjectRef) -> Option<&mut ObjectConflicts> {
        match object {
            ObjectRef::Declaration(id) => Some(&mut self.declarations.get_mut(id)?.conflicts),
            ObjectRef::Activity(id) => Some(&mut self.activities.get_mut(id)?.conflicts),
            ObjectRef::Conflict(_) | ObjectRef::Incident(_) => None,
        }
    }

    /// Keeps [`State::escalating`] true to the conflict.
    fn rewatch(&mut self, id: &ConflictId) {
        let escalating = self
            .conflicts
            .get(id)
            .is_some_and(|c| c.escalating_sides().next().is_some());
        if escalating {
            self.escalating.insert(*id);
        } else {
            self.escalating.remove(id);
        }
    }

    fn move_activity(
        &mut self,
        volumes: &mut impl Volumes,
        seq: u64,
        t: i64,
        id: &ActivityId,
        state: Option<ActivityState>,
        reason: Option<String>,
    ) -> Result<(), ModelError> {
        let state = state.ok_or_else(|| corrupt(seq, format!("no new state for {id}")))?;
        let a = self
            .activities
            .get_mut(id)
            .ok_or_else(|| missing(seq, id))?;
        a.state = state;
        a.history.push(Transition {
            state,
            reason,
            time_ms: t,
        });
        if !state.is_live() {
            volumes.take(a.key);
        }
        Ok(())
    }

    /// A site re-confirmed, challenged, a challenge answered or ruled on.
    fn apply_site_command(
        &mut self,
        volumes: &mut impl Volumes,
        entry: &Entry,
    ) -> Result<(), ModelError> {
        let (seq, t, party) = (entry.seq, entry.time_ms, &entry.actor.party);
        match &entry.command {
            Command::Reconfirm { id } => {
                let d = self
                    .declarations
                    .get_mut(id)
                    .ok_or_else(|| missing(seq, id))?;
                d.confirm(t);
            }
            Command::Challenge { id, grounds } => {
                let Some(challenge) = entry.outcome.challenge else {
                    return Err(corrupt(seq, "a challenge without its id"));
                };
                let d = self
                    .declarations
                    .get_mut(id)
                    .ok_or_else(|| missing(seq, id))?;
                d.challenges.push(challenge);
                self.challenges.insert(
                    challenge,
                    crate::sites::Challenge {
                        declaration: *id,
                        by: party.clone(),
                        grounds: grounds.clone(),
                        raised_ms: t,
                        answer: None,
                        ruling: None,
                    },
                );
            }
            Command::AnswerChallenge { id, answer } => {
                let c = self
                    .challenges
                    .get_mut(id)
                    .ok_or_else(|| missing(seq, id))?;
                c.answer = Some((answer.clone(), t));
            }
            Command::RuleChallenge {
                id,
                ruling,
                reason,
                name_challenger,
            } => {
                let c = self
                    .challenges
                    .get_mut(id)
                    .ok_or_else(|| missing(seq, id))?;
                let reason = reason.clone().unwrap_or_default();
                let declaration = c.declaration;
                let d = self
                    .declarations
                    .get_mut(&declaration)
                    .ok_or_else(|| missing(seq, declaration))?;
                c.ruling = Some(crate::sites::Ruled {
                    ruling: *ruling,
                    reason: reason.clone(),
                    named: *name_challenger,
                    time_ms: t,
                    lifted: *ruling == crate::sites::ChallengeRuling::Upheld
                        && d.disputed.is_some(),
                });
                match ruling {
                    crate::sites::ChallengeRuling::Upheld => d.disputed = None,
                    crate::sites::ChallengeRuling::Disputed => d.disputed = Some(reason),
                    crate::sites::ChallengeRuling::Withdrawn => {
                        d.withdrawn = true;
                        d.updated_ms = t;
                        let (key, owner) = (d.key, d.owner.clone());
                        self.tracked.remove(&declaration);
                        self.bind_cot_uid(declaration, &owner, None);
                        volumes.take(key);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Records a stop and holds what it stopped, each hold counted against
    /// its raiser.
    fn raise_stop(
        &mut self,
        volumes: &mut impl Volumes,
        entry: &Entry,
        spec: &crate::stops::StopSpec,
        reason: Option<&str>,
    ) -> Result<(), ModelError> {
        let (seq, t) = (entry.seq, entry.time_ms);
        let Some(raised) = &entry.outcome.stop else {
            return Err(corrupt(seq, "a stop without its id"));
        };
        if self.stops.contains_key(&raised.id) {
            return Err(corrupt(seq, format!("{} exists already", raised.id)));
        }
        let volume = crate::stops::stop_volume(spec, t).map_err(|e| corrupt(seq, e.to_string()))?;
        let raiser = &entry.actor.party;
        let mut held: BTreeMap<String, Vec<ActivityId>> = BTreeMap::new();
        let why = format!("check fire {}: {}", raised.id, spec.cause.as_str());
        for (activity, owner) in &entry.outcome.stopped {
            let a = self
                .activities
                .get(activity)
                .filter(|a| a.owner == *owner && a.owner != *raiser)
                .ok_or_else(|| corrupt(seq, format!("{activity} is not {owner}'s")))?;
            if !matches!(a.state, ActivityState::Cleared | ActivityState::Active) {
                return Err(corrupt(seq, format!("{activity} is {}", a.state)));
            }
            self.move_activity(
                volumes,
                seq,
                t,
                activity,
                Some(ActivityState::Held),
                Some(why.clone()),
            )?;
            self.holds.push(crate::holds::HoldCaused {
                time_ms: t,
                party: raiser.clone(),
            });
            held.entry(owner.clone()).or_default().push(*activity);
        }
        self.stops.insert(
            raised.id,
            crate::stops::Stop {
                raiser: raiser.clone(),
                spec: spec.clone(),
                reason: reason.unwrap_or_default().to_owned(),
                raised_ms: t,
                volume,
                held,
                acknowledged: BTreeMap::new(),
                coordinator_acknowledged: None,
                lifted: None,
                reminded_ms: t,
                count_told: raised.held.is_some(),
            },
        );
        Ok(())
    }

    fn notification_mut(
        &mut self,
        seq: u64,
        id: &ConflictId,
        party: &str,
    ) -> Result<&mut Notification, ModelError> {
        let c = self.conflicts.get_mut(id).ok_or_else(|| missing(seq, id))?;
        let side = c
            .side_of(party)
            .ok_or_else(|| corrupt(seq, format!("{party} is not in {id}")))?;
        Ok(&mut c.sides[side].notification)
    }

    /// The declarations `party` imported under `key`, if it did.
    pub fn imported(&self, party: &str, key: &str) -> Option<&[DeclarationId]> {
        self.imports
            .get(&(party.to_owned(), key.to_owned()))
            .map(Vec::as_slice)
    }

    /// A new declaration of `party`, as a declare or an import records it.
    fn declare(
        &mut self,
        volumes: &mut impl Volumes,
        seq: u64,
        t: i64,
        party: &str,
        id: &DeclarationId,
        spec: &DeclarationSpec,
    ) -> Result<(), ModelError> {
        if self.declarations.contains_key(id) {
            return Err(corrupt(seq, format!("{id} exists already")));
        }
        let volume = validate::volume(&spec.volume, DECLARATION_WINDOW)
            .map_err(|e| corrupt(seq, e.to_string()))?;
        let key = self.new_key(ObjectRef::Declaration(*id));
        let declaration = Declaration {
            key,
            version: 1,
            owner: party.to_owned(),
            spec: spec.clone(),
            withdrawn: false,
            created_ms: t,
            updated_ms: t,
            conflicts: ObjectConflicts::default(),
            track: None,
            fix: None,
            disputed: None,
            confirmed_ms: t,
            unconfirmed_since: None,
            reconfirm_by: None,
            challenges: Vec::new(),
        };
        volumes.put(key, volume);
        self.declarations.insert(*id, declaration);
        self.bind_cot_uid(*id, party, Some(spec));
        Ok(())
    }

    fn new_key(&mut self, object: ObjectRef) -> u64 {
        self.keys.push(object);
        self.keys.len() as u64 - 1
    }

    /// The owner and live volume of the object behind an index key.
    pub(crate) fn live(&self, key: u64) -> Option<(&ObjectRef, &str, &Volume)> {
        let object = self.keys.get(usize::try_from(key).ok()?)?;
        let owner = match object {
            ObjectRef::Declaration(id) => &self.declarations.get(id)?.owner,
            ObjectRef::Activity(id) => &self.activities.get(id)?.owner,
            ObjectRef::Conflict(_) | ObjectRef::Incident(_) => return None,
        };
        Some((object, owner, self.index.get(key)?))
    }
}

/// A state being rebuilt from a log. Entries change the maps at once, while
/// the volumes of live objects are gathered in a table and bulk-loaded into
/// the index at the end: several times faster than a million inserts into
/// the tree, and the same index.
#[derive(Debug)]
pub struct Replay {
    state: State,
    /// By index key; keys count up in log order, so the table is dense.
    volumes: Vec<Option<Volume>>,
}

impl Replay {
    pub fn new(policy: Policy) -> Replay {
        Replay {
            state: State::new(policy),
            volumes: Vec::new(),
        }
    }

    /// [`State::apply`], for the next entry of the log.
    pub fn apply(&mut self, entry: &Entry) -> Result<(), ModelError> {
        self.state.fold(entry, &mut self.volumes)
    }

    /// The sequence number of the last entry applied.
    pub fn seq(&self) -> Option<u64> {
        self.state.seq
    }

    /// The state as of the last entry applied, its index built.
    pub fn finish(self) -> State {
        let Replay { mut state, volumes } = self;
        let live = volumes.into_iter().enumerate();
        state.index = Index::bulk_load(live.filter_map(|(key, v)| Some((key as u64, v?))));
        state
    }
}

/// Where the fold keeps the volumes of live objects, by index key.
trait Volumes {
    fn put(&mut self, key: u64, volume: Volume);
    fn take(&mut self, key: u64);
    fn get(&self, key: u64) -> Option<&Volume>;
}

impl Volumes for Index {
    fn put(&mut self, key: u64, volume: Volume) {
        self.insert(key, volume);
    }

    fn get(&self, key: u64) -> Option<&Volume> {
        Index::get(self, key)
    }

    fn take(&mut self, key: u64) {
        self.remove(key);
    }
}

impl Volumes for Vec<Option<Volume>> {
    fn put(&mut self, key: u64, volume: Volume) {
        let at = usize::try_from(key).expect("index keys count objects in memory");
        if at >= self.len() {
            self.resize_with(at + 1, || None);
        }
        self[at] = Some(volume);
    }

    fn take(&mut self, key: u64) {
        if let Some(slot) = usize::try_from(key).ok().and_then(|at| self.get_mut(at)) {
            *slot = None;
        }
    }

    fn get(&self, key: u64) -> Option<&Volume> {
        self.as_slice().get(usize::try_from(key).ok()?)?.as_ref()
    }
}

fn corrupt(seq: u64, detail: impl Into<String>) -> ModelError {
    ModelError::Corrupt {
        seq,
        detail: detail.into(),
    }
}

fn missing(seq: u64, id: impl std::fmt::Display) -> ModelError {
    corrupt(seq, format!("{id} does not exist"))
}

/// See [`State::totals`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub open_conflicts: usize,
    pub held_activities: usize,
}

/// Why a new activity waits, as its history says it: through the
/// coordinator past the asker's budget (and nothing else, which would
/// answer the question), else the stops it met, else the rules that hold
/// it.
fn submitted_reason(outcome: &crate::entry::Outcome) -> Option<String> {
    if let Some(reason) = crate::probing::submitted_reason(outcome) {
        return Some(reason);
    }
    if !outcome.stops.is_empty() {
        let stops: Vec<String> = outcome.stops.iter().map(ToString::to_string).collect();
        return Some(format!("check fire stands here: {}", stops.join(", ")));
    }
    if !outcome.ruled.is_empty() {
        let rules: Vec<String> = outcome.ruled.iter().map(ToString::to_string).collect();
        return Some(format!("held under {}", rules.join(", ")));
    }
    None
}
