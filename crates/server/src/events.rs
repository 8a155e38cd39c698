//! Events: what each party is told as the log grows, for the event stream
//! (`GET /v1/events`), webhooks and Cursor-on-Target clients.
//!
//! Every event comes from one log entry and carries its sequence number, so
//! a client that reconnects with the last one it saw misses nothing. The
//! events of an entry are built by [`events_of`] from the entry and the
//! state, through the model's need-to-know views, once per recipient: a
//! party gets what it may see, the coordinator everything.
//!
//! Entries come from the service's feed of durable entries
//! ([`deconflict_service::Feed`]), which publishes them only once they are
//! durable, like any answer. Their events are built when the first
//! subscriber reads them, once for all, against the state as it then
//! stands (milliseconds later for a live subscriber): building them on the
//! command path, for every entry and every recipient whether anyone listens
//! or not, took a third of a track batch's time. A subscriber further behind
//! than the ring gets its events rebuilt from the log the same way.

use crate::problem::ApiError;
use crate::routes::conflicts::pending_for;
use crate::state::AppState;
use crate::wire::{ActivityOut, AreaOut, ConflictOut, IncidentOut};
use deconflict_model::{
    Actor, CoarseArea, Command, ConflictId, Entry, NoticeEvent, ObjectRef, Role, State,
    incident_volume,
};
use deconflict_service::Lease;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::watch;

/// Who an event is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Audience {
    /// Every credential of one party (but the coordinator's, which get
    /// [`Audience::Coordinator`] events and so see each change once).
    Party(String),
    /// Every credential of the coordinator party.
    Coordinator,
}

/// One event: its type (the SSE `event:` field) and its JSON.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub(crate) seq: u64,
    pub(crate) kind: &'static str,
    /// The event's JSON object: `seq`, `time`, `type` and the rest.
    pub(crate) data: String,
    /// The conflict it tells the recipient about, if any: delivering it is
    /// what moves the recipient's notification to `delivered`.
    pub(crate) conflict: Option<ConflictId>,
}

impl Audience {
    /// The audience whose events `caller` receives.
    pub(crate) fn of(caller: &Actor) -> Audience {
        if caller.coordinator {
            Audience::Coordinator
        } else {
            Audience::Party(caller.party.clone())
        }
    }
}

/// The events already built, by entry and audience: each entry's events
/// for an audience are built once, when its first subscriber reads them,
/// and kept as long as the feed keeps the entry.
#[derive(Debug, Default)]
pub(crate) struct Built(Mutex<BTreeMap<u64, ByAudience>>);

/// One entry's events, for each audience that has read them.
type ByAudience = Vec<(Audience, Arc<[Event]>)>;

impl Built {
    fn get(&self, seq: u64, audience: &Audience) -> Option<Arc<[Event]>> {
        let built = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        built
            .get(&seq)?
            .iter()
            .find(|(a, _)| a == audience)
            .map(|(_, events)| events.clone())
    }

    fn keep(&self, seq: u64, audience: &Audience, events: Arc<[Event]>) {
        let mut built = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        built
            .entry(seq)
            .or_default()
            .push((audience.clone(), events));
        while built.len() > deconflict_service::feed::RING {
            built.pop_first();
        }
    }
}

/// Entries read from the log at once when a subscriber is behind the ring.
const CATCH_UP_BATCH: usize = 1024;

/// One credential's place in the events: what the event stream and a
/// webhook read from. It ends once the credential is revoked or removed,
/// or the service stops (see `crate::revocation`).
pub(crate) struct Subscription {
    app: AppState,
    caller: Actor,
    /// The last sequence number whose events were handed out.
    cursor: u64,
    durable: watch::Receiver<u64>,
    lease: Lease,
}

impl Subscription {
    /// Events after entry `cursor`, for `caller`; `durable` from
    /// [`deconflict_service::Feed::subscribe`], taken before `cursor` was
    /// checked against it.
    pub(crate) fn new(
        app: AppState,
        caller: Actor,
        cursor: u64,
        durable: watch::Receiver<u64>,
    ) -> Subscription {
        let lease = app.lease(&caller.credential_id);
        Subscription {
            app,
            caller,
            cursor,
            durable,
            lease,
        }
    }

    /// Whether the subscription has ended (its credential revoked or
    /// removed, or the service stopping): nothing more is to be sent.
    pub(crate) fn ended(&self) -> bool {
        self.lease.ended().is_some()
    }

    /// The caller's next events: those of the next durable entries that
    /// hold any, waiting for them; `None` once the subscription has ended.
    pub(crate) async fn next_batch(&mut self) -> Option<Vec<Event>> {
        loop {
            let cursor = self.cursor;
            let until = tokio::select! {
                biased;
                _ = self.lease.end() => return None,
                durable = self.durable.wait_for(|&durable| durable > cursor) => *durable.ok()?,
            };
            let until = until.min(self.cursor + CATCH_UP_BATCH as u64);
            let events: Vec<Event> = match self.app.feed().recent(self.cursor, until) {
                Some(recent) => self.built(&recent).await.ok()?,
                None => self.rebuild(until).await.ok()?,
            };
            self.cursor = until;
            if self.ended() {
                return None;
            }
            if !events.is_empty() {
                return Some(events);
            }
        }
    }

    /// The caller's events of recent entries, built now where its
    /// audience has not read them yet.
    async fn built(&self, recent: &[Arc<Entry>]) -> Result<Vec<Event>, ApiError> {
        let audience = Audience::of(&self.caller);
        let cache = self.app.built();
        let mut built: Vec<Option<Arc<[Event]>>> =
            recent.iter().map(|e| cache.get(e.seq, &audience)).collect();
        if built.iter().any(Option::is_none) {
            self.app
                .read(|state| {
                    for (entry, slot) in recent.iter().zip(&mut built).filter(|(_, b)| b.is_none())
                    {
                        let events: Arc<[Event]> = events_of(state, entry, &audience).into();
                        cache.keep(entry.seq, &audience, events.clone());
                        *slot = Some(events);
                    }
                })
                .await?;
        }
        Ok(built
            .into_iter()
            .flatten()
            .flat_map(|e| e.to_vec())
            .collect())
    }

    /// The events of entries `cursor + 1 ..= until`, read back from the log
    /// and built against the current state.
    async fn rebuild(&self, until: u64) -> Result<Vec<Event>, ApiError> {
        let log = self.app.log().clone();
        let from = self.cursor + 1;
        let stored = tokio::task::spawn_blocking(move || log.read(from, CATCH_UP_BATCH))
            .await
            .map_err(|_| ApiError::Internal)?
            .map_err(|_| ApiError::Internal)?;
        let entries: Vec<Entry> = stored
            .iter()
            .filter(|s| s.seq <= until)
            .filter_map(|s| Entry::decode(&s.body).ok())
            .collect();
        self.app
            .read(|state| {
                let audience = Audience::of(&self.caller);
                entries
                    .iter()
                    .flat_map(|e| events_of(state, e, &audience))
                    .collect()
            })
            .await
            .map_err(Into::into)
    }

    /// Records `delivered` for the caller's pending notifications of the
    /// conflicts these events told it of.
    pub(crate) async fn delivered(&self, events: &[Event]) {
        let caller = &self.caller;
        let conflicts: Vec<ConflictId> = events.iter().filter_map(|e| e.conflict).collect();
        if conflicts.is_empty() {
            return;
        }
        let plan = |state: &State| {
            conflicts
                .iter()
                .filter(|id| {
                    state
                        .conflict(caller, id)
                        .is_ok_and(|view| pending_for(caller, &view))
                })
                .map(|id| Command::MarkDelivered { conflict: *id })
                .collect()
        };
        if let Err(e) = self.app.transact(caller, plan, |_, _| ()).await {
            tracing::warn!(error = %e, "recording deliveries of events");
        }
    }
}

/// A reader of everything a party may see, through the model's views.
fn viewer(party: &str) -> Actor {
    Actor::new(party, Role::Viewer, "", false)
}

fn coordinator() -> Actor {
    Actor::new("", Role::Viewer, "", true)
}

/// Builds the events of one entry for one audience (see the module docs).
pub(crate) fn events_of(state: &State, entry: &Entry, audience: &Audience) -> Vec<Event> {
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

    fn push(
        &mut self,
        to: Audience,
        kind: &'static str,
        conflict: Option<ConflictId>,
        body: Value,
    ) {
        if !self.wants(&to) {
            return;
        }
        let mut data = json!({
            "seq": self.entry.seq,
            "time": deconflict_service::time::format(self.entry.time_ms),
            "type": kind,
        });
        if let (Value::Object(data), Value::Object(body)) = (&mut data, body) {
            data.extend(body);
        }
        self.events.push(Event {
            seq: self.entry.seq,
            kind,
            data: data.to_string(),
            conflict,
        });
    }

    /// The conflict as `reader` sees it, if it does.
    fn conflict(&self, reader: &Actor, id: &ConflictId) -> Option<Value> {
        if !self.reads(reader) {
            return None;
        }
        let view = self.state.conflict(reader, id).ok()?;
        to_json(ConflictOut::from(view))
    }

    /// Each party's notices, and each change once for the coordinator.
    fn notices(&mut self) {
        let mut told: Vec<(ConflictId, NoticeEvent)> = Vec::new();
        for notice in &self.entry.outcome.notices {
            // Escalations have events of their own.
            if notice.event == NoticeEvent::Escalated {
                continue;
            }
            let change = change(notice.event);
            if let Some(view) = self.conflict(&viewer(&notice.party), &notice.conflict) {
                let body = json!({"change": change, "conflict": view});
                let to = Audience::Party(notice.party.clone());
                self.push(to, "conflict", Some(notice.conflict), body);
            }
            if !told.contains(&(notice.conflict, notice.event)) {
                told.push((notice.conflict, notice.event));
                if let Some(view) = self.conflict(&coordinator(), &notice.conflict) {
                    let body = json!({"change": change, "conflict": view});
                    self.push(Audience::Coordinator, "conflict", None, body);
                }
            }
        }
    }

    /// A unit in a live hazard, or an attack nearby: each party alerted,
    /// and the coordinator.
    fn alerts(&mut self) {
        for alert in &self.entry.outcome.alerts {
            for party in &alert.parties {
                if let Some(body) = self.alert_body(&viewer(party), &alert.subject) {
                    let conflict = match alert.subject {
                        ObjectRef::Conflict(id) => Some(id),
                        _ => None,
                    };
                    self.push(Audience::Party(party.clone()), "alert", conflict, body);
                }
            }
            if let Some(body) = self.alert_body(&coordinator(), &alert.subject) {
                self.push(Audience::Coordinator, "alert", None, body);
            }
        }
    }

    fn alert_body(&self, reader: &Actor, subject: &ObjectRef) -> Option<Value> {
        if !self.reads(reader) {
            return None;
        }
        match subject {
            ObjectRef::Conflict(id) => {
                let view = self.conflict(reader, id)?;
                Some(json!({"about": "conflict", "conflict": view}))
            }
            // An attack: its report if the reader may see it, else only
            // when and roughly where.
            ObjectRef::Incident(id) => match self.state.incident(reader, id) {
                Ok(view) => {
                    let incident = to_json(IncidentOut::from(view))?;
                    Some(json!({"about": "attack", "incident": incident}))
                }
                Err(_) => {
                    let spec = self.state.incident(&coordinator(), id).ok()?.spec;
                    let bounds = incident_volume(&spec).ok()?.bounds();
                    let area = to_json(AreaOut::from(CoarseArea::around_overlap(bounds, bounds)))?;
                    Some(json!({
                        "about": "attack",
                        "attack": {
                            "from": deconflict_service::time::format(spec.from_ms),
                            "to": deconflict_service::time::format(spec.to_ms),
                            "area": area,
                        },
                    }))
                }
            },
            // A lost unit where a new activity is planned: the
            // coordinator's alone, to contact its owner.
            ObjectRef::Declaration(id) if reader.coordinator => {
                let activity = match self.entry.outcome.created {
                    Some(ObjectRef::Activity(a)) => Some(a.to_string()),
                    _ => None,
                };
                Some(json!({
                    "about": "lost_unit",
                    "declaration_id": id.to_string(),
                    "activity_id": activity,
                }))
            }
            _ => None,
        }
    }

    fn escalations(&mut self) {
        for e in &self.entry.outcome.escalations {
            if let Some(view) = self.conflict(&viewer(&e.party), &e.conflict) {
                let body = json!({"level": e.level, "party": e.party, "conflict": view});
                let to = Audience::Party(e.party.clone());
                self.push(to, "escalation", Some(e.conflict), body);
            }
            if let Some(view) = self.conflict(&coordinator(), &e.conflict) {
                let body = json!({"level": e.level, "party": e.party, "conflict": view});
                self.push(Audience::Coordinator, "escalation", None, body);
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
        for id in moved.iter().chain(&self.entry.outcome.held) {
            let Ok(view) = self.state.activity(&coordinator(), id) else {
                continue;
            };
            let owner = view.owner.clone();
            if !self.wants(&Audience::Party(owner.clone())) && !self.wants(&Audience::Coordinator) {
                continue;
            }
            let change = view.state.as_str();
            if let Some(activity) = to_json(ActivityOut::from(view)) {
                let body = json!({"change": change, "activity": activity});
                self.push(Audience::Party(owner), "activity", None, body.clone());
                self.push(Audience::Coordinator, "activity", None, body);
            }
        }
    }

    /// An incident reported or judged: those who may see it.
    fn incident(&mut self) {
        let (id, change) = match (&self.entry.command, self.entry.outcome.created) {
            (Command::ReportIncident(_), Some(ObjectRef::Incident(id))) => (id, "reported"),
            (Command::SetIncidentStatus { id, .. }, _) => (*id, "status"),
            _ => return,
        };
        let Ok(view) = self.state.incident(&coordinator(), &id) else {
            return;
        };
        let mut parties = vec![view.reporter.clone()];
        parties.extend(view.spec.against.clone());
        parties.dedup();
        let told = |p: &String| self.wants(&Audience::Party(p.clone()));
        if !parties.iter().any(told) && !self.wants(&Audience::Coordinator) {
            return;
        }
        if let Some(incident) = to_json(IncidentOut::from(view)) {
            let body = json!({"change": change, "incident": incident});
            for party in parties {
                self.push(Audience::Party(party), "incident", None, body.clone());
            }
            self.push(Audience::Coordinator, "incident", None, body);
        }
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
        let body = json!({
            "entry": seq,
            "pointer": pointer,
            "state": step,
            "by": self.entry.actor.party,
        });
        if *owner != self.entry.actor.party {
            self.push(Audience::Party(owner.clone()), "reveal", None, body.clone());
        }
        self.push(Audience::Coordinator, "reveal", None, body);
    }

    /// A party's own notification moved on (received, acknowledged): its
    /// other credentials and the coordinator hear of it.
    fn own_notification(&mut self) {
        let (id, change) = match &self.entry.command {
            Command::MarkDelivered { conflict } => (conflict, "delivered"),
            Command::Acknowledge { conflict } => (conflict, "acknowledged"),
            _ => return,
        };
        let party = &self.entry.actor.party;
        if let Some(view) = self.conflict(&viewer(party), id) {
            let body = json!({"change": change, "by": party, "conflict": view});
            self.push(Audience::Party(party.clone()), "notification", None, body);
        }
        if let Some(view) = self.conflict(&coordinator(), id) {
            let body = json!({"change": change, "by": party, "conflict": view});
            self.push(Audience::Coordinator, "notification", None, body);
        }
    }

    /// A tracked unit gone silent: its party and the coordinator.
    fn stale(&mut self) {
        for stale in &self.entry.outcome.stale {
            let Ok(view) = self.state.declaration(&coordinator(), &stale.declaration) else {
                continue;
            };
            let body = json!({
                "declaration_id": stale.declaration.to_string(),
                "stale_buffer_m": stale.buffer_m,
                "covered_until": stale.until_ms.map(deconflict_service::time::format),
                "lost": stale.lost,
            });
            self.push(Audience::Party(view.owner), "stale", None, body.clone());
            self.push(Audience::Coordinator, "stale", None, body);
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
        let patterns: Vec<Value> = suspicion
            .patterns
            .iter()
            .map(|p| {
                json!({
                    "pattern": p.pattern.as_str(),
                    "count": p.count,
                    "budget": p.budget,
                    "objects": p.objects.iter().map(ToString::to_string).collect::<Vec<_>>(),
                })
            })
            .collect();
        let body = json!({
            "party": suspicion.party,
            "since": deconflict_service::time::format(suspicion.since_ms),
            "patterns": patterns,
            // The question: its object, and the conflicts it opened.
            "subject": self.entry.subject().map(|s| s.to_string()),
            "opened": self.entry.outcome.opened.iter().map(|c| c.id.to_string()).collect::<Vec<_>>(),
        });
        self.push(Audience::Coordinator, "probing_suspected", None, body);
    }
}

fn change(event: NoticeEvent) -> &'static str {
    match event {
        NoticeEvent::Opened => "opened",
        NoticeEvent::Resolved => "resolved",
        NoticeEvent::Overridden => "overridden",
        NoticeEvent::Acknowledged => "acknowledged",
        NoticeEvent::Escalated => "escalated",
    }
}

fn to_json(value: impl Serialize) -> Option<Value> {
    serde_json::to_value(value).ok()
}
