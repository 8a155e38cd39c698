//! Events: what each party is told as the log grows, for the event stream
//! (`GET /v1/events`), webhooks and Cursor-on-Target clients.
//!
//! Every event comes from one log entry and carries its sequence number, so
//! a client that reconnects with the last one it saw misses nothing. The
//! events of an entry are built by [`events_of`] from the entry and the
//! state right after it, through the model's need-to-know views, once per
//! recipient: a party gets what it may see, the coordinator everything.
//! They are built under the command lock as the entry is applied and kept
//! in a ring of recent entries ([`Hub`]); they are published only once the
//! entry is durable, like any answer. A client further behind than the ring
//! gets its events rebuilt from the log against the current state.

use crate::problem::ApiError;
use crate::routes::conflicts::pending_for;
use crate::state::AppState;
use crate::wire::{ActivityOut, AreaOut, ConflictOut, IncidentOut};
use deconflict_model::{
    Actor, CoarseArea, Command, ConflictId, Entry, NoticeEvent, ObjectRef, Role, State,
    incident_volume,
};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::VecDeque;
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
    pub(crate) to: Audience,
    pub(crate) kind: &'static str,
    /// The event's JSON object: `seq`, `time`, `type` and the rest.
    pub(crate) data: String,
    /// The conflict it tells the recipient about, if any: delivering it is
    /// what moves the recipient's notification to `delivered`.
    pub(crate) conflict: Option<ConflictId>,
}

impl Event {
    /// Whether this event is for `caller`.
    pub(crate) fn is_for(&self, caller: &Actor) -> bool {
        match &self.to {
            Audience::Coordinator => caller.coordinator,
            Audience::Party(party) => !caller.coordinator && *party == caller.party,
        }
    }
}

/// How many recent entries' events are kept in memory.
const RING: usize = 65_536;

/// The events of recent entries and the latest durable sequence number.
pub(crate) struct Hub {
    ring: Mutex<VecDeque<(u64, Arc<[Event]>)>>,
    durable: watch::Sender<u64>,
}

impl Hub {
    pub(crate) fn new(durable: u64) -> Hub {
        Hub {
            ring: Mutex::new(VecDeque::with_capacity(1024)),
            durable: watch::Sender::new(durable),
        }
    }

    /// Keeps an entry's events until they are published.
    pub(crate) fn stage(&self, seq: u64, events: Vec<Event>) {
        let mut ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
        if ring.len() == RING {
            ring.pop_front();
        }
        ring.push_back((seq, events.into()));
    }

    /// Publishes every staged entry up to `seq`, now durable.
    pub(crate) fn publish(&self, seq: u64) {
        self.durable.send_if_modified(|durable| {
            let newer = seq > *durable;
            *durable = (*durable).max(seq);
            newer
        });
    }

    /// The latest durable sequence number, and changes to it.
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.durable.subscribe()
    }

    /// The events of entries `after + 1 ..= until`, if the ring still has
    /// them all.
    pub(crate) fn recent(&self, after: u64, until: u64) -> Option<Vec<Arc<[Event]>>> {
        let ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
        let first = ring.front()?.0;
        if after + 1 < first {
            return None;
        }
        let start = usize::try_from(after + 1 - first).ok()?;
        let wanted = usize::try_from(until.saturating_sub(after)).ok()?;
        let found: Vec<Arc<[Event]>> = ring
            .range(start.min(ring.len())..)
            .take(wanted)
            .map(|(_, events)| events.clone())
            .collect();
        (found.len() == wanted).then_some(found)
    }
}

/// Entries read from the log at once when a subscriber is behind the ring.
const CATCH_UP_BATCH: usize = 1024;

/// One credential's place in the events: what the event stream and a
/// webhook read from.
pub(crate) struct Subscription {
    app: AppState,
    caller: Actor,
    /// The last sequence number whose events were handed out.
    cursor: u64,
    durable: watch::Receiver<u64>,
}

impl Subscription {
    /// Events after entry `cursor`, for `caller`; `durable` from
    /// [`Hub::subscribe`], taken before `cursor` was checked against it.
    pub(crate) fn new(
        app: AppState,
        caller: Actor,
        cursor: u64,
        durable: watch::Receiver<u64>,
    ) -> Subscription {
        Subscription {
            app,
            caller,
            cursor,
            durable,
        }
    }

    /// The caller's next events: those of the next durable entries that
    /// hold any, waiting for them; `None` once the service stops.
    pub(crate) async fn next_batch(&mut self) -> Option<Vec<Event>> {
        loop {
            let until = *self
                .durable
                .wait_for(|&durable| durable > self.cursor)
                .await
                .ok()?;
            let until = until.min(self.cursor + CATCH_UP_BATCH as u64);
            let events: Vec<Event> = match self.app.events().recent(self.cursor, until) {
                Some(recent) => recent.iter().flat_map(|e| e.iter().cloned()).collect(),
                None => self.rebuild(until).await.ok()?,
            };
            self.cursor = until;
            let mine: Vec<Event> = events
                .into_iter()
                .filter(|e| e.is_for(&self.caller))
                .collect();
            if !mine.is_empty() {
                return Some(mine);
            }
        }
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
            .read(|state| entries.iter().flat_map(|e| events_of(state, e)).collect())
            .await
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

/// Builds the events of one entry (see the module docs).
pub(crate) fn events_of(state: &State, entry: &Entry) -> Vec<Event> {
    let mut out = Events {
        state,
        entry,
        events: Vec::new(),
    };
    out.notices();
    out.alerts();
    out.escalations();
    out.activities();
    out.incident();
    out.own_notification();
    out.stale();
    out.events
}

struct Events<'a> {
    state: &'a State,
    entry: &'a Entry,
    events: Vec<Event>,
}

impl Events<'_> {
    fn push(
        &mut self,
        to: Audience,
        kind: &'static str,
        conflict: Option<ConflictId>,
        body: Value,
    ) {
        let mut data = json!({
            "seq": self.entry.seq,
            "time": crate::time::format(self.entry.time_ms),
            "type": kind,
        });
        if let (Value::Object(data), Value::Object(body)) = (&mut data, body) {
            data.extend(body);
        }
        self.events.push(Event {
            seq: self.entry.seq,
            to,
            kind,
            data: data.to_string(),
            conflict,
        });
    }

    /// The conflict as `reader` sees it, if it does.
    fn conflict(&self, reader: &Actor, id: &ConflictId) -> Option<Value> {
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
                            "from": crate::time::format(spec.from_ms),
                            "to": crate::time::format(spec.to_ms),
                            "area": area,
                        },
                    }))
                }
            },
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
        if let Some(incident) = to_json(IncidentOut::from(view)) {
            let body = json!({"change": change, "incident": incident});
            for party in parties {
                self.push(Audience::Party(party), "incident", None, body.clone());
            }
            self.push(Audience::Coordinator, "incident", None, body);
        }
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
                "covered_until": stale.until_ms.map(crate::time::format),
            });
            self.push(Audience::Party(view.owner), "stale", None, body.clone());
            self.push(Audience::Coordinator, "stale", None, body);
        }
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
