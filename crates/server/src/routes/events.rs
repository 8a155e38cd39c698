//! `GET /v1/events`: the event stream of one credential, as Server-Sent
//! Events.
//!
//! Each event's `id` is `<seq>-<n>`: the sequence number of the log entry it
//! comes from and its place among that entry's events for the caller (one
//! entry can give several: a conflict and its alert). A client that
//! reconnects with `Last-Event-ID` (or `?after=`) gets every event after it,
//! so nothing is missed across a reconnect, even between two events of one
//! entry; an id of the entry alone (`<seq>`, the form before) resumes after
//! all its events. Without either the stream starts at the log's end. Every event is one the caller's party
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
    /// The last event id seen, for clients that cannot set `Last-Event-ID`.
    after: Option<String>,
}

/// Where a stream resumes: after entry `seq`'s first `seen` events (all of
/// them when `None`: an id of the entry alone, as ids were before each
/// event had its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Resume {
    seq: u64,
    seen: Option<usize>,
}

impl Resume {
    /// `<seq>-<n>`, the id of the n-th event of entry `seq`, or `<seq>`.
    fn parse(id: &str) -> Option<Resume> {
        let id = id.trim();
        match id.split_once('-') {
            None => Some(Resume {
                seq: id.parse().ok()?,
                seen: None,
            }),
            Some((seq, n)) => {
                let (seq, n): (u64, usize) = (seq.parse().ok()?, n.parse().ok()?);
                (seq >= 1 && n >= 1).then_some(Resume { seq, seen: Some(n) })
            }
        }
    }

    /// The last entry whose events are all seen.
    fn cursor(self) -> u64 {
        match self.seen {
            Some(_) => self.seq - 1,
            None => self.seq,
        }
    }
}

async fn stream(
    Caller(caller): Caller,
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<EventParams>,
) -> Result<Sse<impl Stream<Item = Result<sse::Event, Infallible>>>, ApiError> {
    let now = app.feed().durable();
    let invalid = |field: &str| ApiError::Invalid {
        code: "invalid_field",
        field: field.into(),
        detail: format!(
            "{field}: must be an event id, `<seq>-<n>` (or a log sequence number alone)"
        ),
    };
    let resume = match headers.get("last-event-id") {
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(Resume::parse)
                .ok_or_else(|| invalid("Last-Event-ID"))?,
        ),
        None => match &params.after {
            Some(after) => Some(Resume::parse(after).ok_or_else(|| invalid("after"))?),
            None => None,
        },
    };
    let cursor = match resume {
        Some(resume) if resume.seq > now => {
            return Err(ApiError::query("after", "beyond the end of the log"));
        }
        Some(resume) => resume.cursor(),
        None => now,
    };
    let reader = Reader {
        _open: crate::metrics::OpenStream::new(&app),
        subscription: Subscription::new(app.service().clone(), caller, cursor),
        skip: resume.and_then(|r| Some((r.seq, r.seen?))),
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
    /// Send the event, the n-th of its entry's.
    Send(Box<Event>, usize),
    /// Record the deliveries of the events just sent.
    Delivered(Vec<Event>),
}

struct Reader {
    /// Counted in `deconflict_event_streams` while the stream lasts.
    _open: crate::metrics::OpenStream,
    subscription: Subscription,
    /// The events of an entry the client has already: its first n.
    skip: Option<(u64, usize)>,
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
                Some(Step::Send(event, n)) => return Some(sse_event(&event, n)),
                Some(Step::Delivered(events)) => self.subscription.delivered(&events).await,
                None => {
                    let events = self.subscription.next_batch().await?;
                    // A batch holds whole entries: an entry's events are
                    // numbered within it.
                    let mut n = 0;
                    for (i, event) in events.iter().enumerate() {
                        n = if i > 0 && events[i - 1].seq == event.seq {
                            n + 1
                        } else {
                            1
                        };
                        if self
                            .skip
                            .is_some_and(|(seq, seen)| event.seq == seq && n <= seen)
                        {
                            continue;
                        }
                        self.queue.push_back(Step::Send(Box::new(event.clone()), n));
                    }
                    self.skip = None;
                    self.queue.push_back(Step::Delivered(events));
                }
            }
        }
    }
}

/// The event with its id, `<seq>-<n>`: the n-th of entry `seq`'s events for
/// this caller, as webhooks number their deliveries.
fn sse_event(event: &Event, n: usize) -> sse::Event {
    sse::Event::default()
        .id(format!("{}-{n}", event.seq))
        .event(event.kind())
        .data(crate::events::json(event))
}
