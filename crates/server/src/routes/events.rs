//! `GET /v1/events`: the event stream of one credential, as Server-Sent
//! Events.
//!
//! Each event's `id` is the sequence number of the log entry it comes from:
//! a client that reconnects with `Last-Event-ID` (or `?after=`) gets every
//! event after it, so nothing is missed across a reconnect; without either
//! the stream starts at the log's end. Every event is one the caller's party
//! may see (see [`crate::events`]). Once a conflict's event has been written
//! to the stream, a `pending` notification of the caller's party is
//! recorded `delivered`, exactly as when the conflict is read.

use super::{Route, route};
use crate::auth::Caller;
use crate::events::{Event, events_of};
use crate::extract::Query;
use crate::problem::ApiError;
use crate::routes::conflicts::pending_for;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::response::sse::{self, KeepAlive, Sse};
use deconflict_model::{Actor, Command, ConflictId, Entry};
use futures_util::Stream;
use serde::Deserialize;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::watch;

pub(crate) fn routes() -> Vec<Route> {
    vec![route(Method::GET, "/v1/events", stream)]
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventParams {
    /// The last sequence number seen, for clients that cannot set
    /// `Last-Event-ID`.
    after: Option<u64>,
}

/// Entries read from the log at once when a client is behind the ring.
const CATCH_UP_BATCH: usize = 1024;

async fn stream(
    Caller(caller): Caller,
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<EventParams>,
) -> Result<Sse<impl Stream<Item = Result<sse::Event, Infallible>>>, ApiError> {
    let durable = app.events().subscribe();
    let now = *durable.borrow();
    let after = match headers.get("last-event-id") {
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .ok_or_else(|| ApiError::Invalid {
                    code: "invalid_field",
                    field: "Last-Event-ID".into(),
                    detail: "Last-Event-ID: must be a log sequence number".into(),
                })?,
        ),
        None => params.after,
    };
    let cursor = match after {
        Some(seq) if seq > now => {
            return Err(ApiError::query("after", "beyond the end of the log"));
        }
        Some(seq) => seq,
        None => now,
    };
    let reader = Reader {
        app,
        caller,
        cursor,
        durable,
        queue: VecDeque::new(),
    };
    let events = futures_util::stream::unfold(reader, |mut reader| async move {
        let event = reader.next().await?;
        Some((Ok(event), reader))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// What the stream does next.
enum Step {
    Send(Event),
    /// Record the deliveries of the conflicts just sent.
    Delivered(Vec<ConflictId>),
}

struct Reader {
    app: AppState,
    caller: Actor,
    /// The last sequence number whose events are queued or sent.
    cursor: u64,
    durable: watch::Receiver<u64>,
    queue: VecDeque<Step>,
}

impl Reader {
    /// The next SSE event, or `None` to end the stream (the service stops).
    async fn next(&mut self) -> Option<sse::Event> {
        loop {
            match self.queue.pop_front() {
                Some(Step::Send(event)) => return Some(sse_event(&event)),
                Some(Step::Delivered(conflicts)) => self.record_deliveries(conflicts).await,
                None => self.fill().await?,
            }
        }
    }

    /// Waits for durable entries past the cursor and queues their events.
    async fn fill(&mut self) -> Option<()> {
        let until = *self
            .durable
            .wait_for(|&durable| durable > self.cursor)
            .await
            .ok()?;
        let until = until.min(self.cursor + CATCH_UP_BATCH as u64);
        let events = match self.app.events().recent(self.cursor, until) {
            Some(recent) => recent.iter().flat_map(|e| e.iter().cloned()).collect(),
            None => self.rebuild(until).await.ok()?,
        };
        let mut conflicts = Vec::new();
        for event in events.into_iter().filter(|e| e.is_for(&self.caller)) {
            conflicts.extend(event.conflict);
            self.queue.push_back(Step::Send(event));
        }
        if !conflicts.is_empty() {
            self.queue.push_back(Step::Delivered(conflicts));
        }
        self.cursor = until;
        Some(())
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

    async fn record_deliveries(&self, conflicts: Vec<ConflictId>) {
        let caller = &self.caller;
        let plan = |state: &deconflict_model::State| {
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
            tracing::warn!(error = %e, "recording deliveries on the event stream");
        }
    }
}

fn sse_event(event: &Event) -> sse::Event {
    sse::Event::default()
        .id(event.seq.to_string())
        .event(event.kind)
        .data(&event.data)
}
