//! `GET /v1/events`: the event stream of one credential, as Server-Sent
//! Events.
//!
//! Each event's `id` is the sequence number of the log entry it comes from:
//! a client that reconnects with `Last-Event-ID` (or `?after=`) gets every
//! event after it, so nothing is missed across a reconnect; without either
//! the stream starts at the log's end. Every event is one the caller's party
//! may see (see [`deconflict_service::events`]). Once a conflict's event has been written
//! to the stream, a `pending` notification of the caller's party is
//! recorded `delivered`, exactly as when the conflict is read.
//!
//! The stream ends (nothing more is sent, the body ends) within a moment of
//! its credential being revoked or removed, even from another process, and
//! when the service stops: see `crate::revocation`.

use super::{Route, route};
use crate::auth::Caller;
use crate::extract::Query;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::response::sse::{self, KeepAlive, Sse};
use deconflict_service::{Event, Subscription};
use futures_util::Stream;
use serde::Deserialize;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

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

async fn stream(
    Caller(caller): Caller,
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<EventParams>,
) -> Result<Sse<impl Stream<Item = Result<sse::Event, Infallible>>>, ApiError> {
    let durable = app.feed().subscribe();
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
        subscription: Subscription::new(app.service().clone(), caller, cursor, durable),
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
    Send(Box<Event>),
    /// Record the deliveries of the events just sent.
    Delivered(Vec<Event>),
}

struct Reader {
    subscription: Subscription,
    queue: VecDeque<Step>,
}

impl Reader {
    /// The next SSE event, or `None` to end the stream (the credential is
    /// revoked, or the service stops).
    async fn next(&mut self) -> Option<sse::Event> {
        loop {
            if self.subscription.ended() {
                return None;
            }
            match self.queue.pop_front() {
                Some(Step::Send(event)) => return Some(sse_event(&event)),
                Some(Step::Delivered(events)) => self.subscription.delivered(&events).await,
                None => {
                    let events = self.subscription.next_batch().await?;
                    self.queue
                        .extend(events.iter().cloned().map(Box::new).map(Step::Send));
                    self.queue.push_back(Step::Delivered(events));
                }
            }
        }
    }
}

fn sse_event(event: &Event) -> sse::Event {
    sse::Event::default()
        .id(event.seq.to_string())
        .event(event.kind())
        .data(crate::events::json(event))
}
