//! Subscriptions: each credential's place in its audience's events, and
//! the one task an audience that builds them (see the module docs of
//! [`crate::events`]).

use super::{Audience, Event, events_of};
use crate::{Error, Lease, Service};
use deconflict_model::{Actor, Command, ConflictId, Entry, State};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use tokio::sync::watch;

/// The events of recent entries, for each audience someone subscribes to.
/// One task an audience reads each durable entry once, builds its events
/// for that audience and keeps those that hold any; every subscription of
/// the audience reads them there, and is woken only when its audience has
/// something new, not at every entry of the log. The task ends once the
/// audience's last subscription is gone.
#[derive(Debug, Default)]
pub(crate) struct Audiences(Mutex<Vec<(Audience, Weak<Shared>)>>);

impl Audiences {
    /// The audience's shared events, its task started if none runs.
    fn join(&self, service: &Service, audience: &Audience) -> Arc<Shared> {
        let mut all = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        all.retain(|(_, shared)| shared.upgrade().is_some_and(|s| !s.ended()));
        let running = all
            .iter()
            .filter(|(a, _)| a == audience)
            .find_map(|(_, shared)| shared.upgrade());
        if let Some(shared) = running {
            return shared;
        }
        let start = service.feed().durable();
        let shared = Arc::new(Shared::new(start, crate::feed::RING));
        all.push((audience.clone(), Arc::downgrade(&shared)));
        tokio::spawn(follow(
            service.clone(),
            audience.clone(),
            Arc::downgrade(&shared),
            start,
        ));
        shared
    }
}

/// One audience's recent events, as its task builds them.
#[derive(Debug)]
struct Shared {
    ring: Mutex<Ring>,
    /// Whether its task has ended: its subscriptions join anew.
    ended: AtomicBool,
    /// How many entries' events the ring keeps.
    capacity: usize,
    /// The last entry that held events for the audience.
    latest: watch::Sender<u64>,
}

#[derive(Debug)]
struct Ring {
    /// Every entry after this one and up to `read` has its events here, if
    /// it has any; a subscription further behind builds its own.
    covers_after: u64,
    /// The last entry whose events were built.
    read: u64,
    /// The entries that hold events, oldest first.
    events: VecDeque<(u64, Arc<[Event]>)>,
}

impl Shared {
    fn new(start: u64, capacity: usize) -> Shared {
        Shared {
            ended: AtomicBool::new(false),
            capacity,
            ring: Mutex::new(Ring {
                covers_after: start,
                read: start,
                events: VecDeque::new(),
            }),
            latest: watch::Sender::new(start),
        }
    }

    fn ended(&self) -> bool {
        self.ended.load(Ordering::Acquire)
    }

    /// Marks the task ended, and wakes the subscriptions to see it.
    fn end(&self) {
        self.ended.store(true, Ordering::Release);
        self.latest.send_modify(|_| {});
    }

    fn ring(&self) -> std::sync::MutexGuard<'_, Ring> {
        self.ring.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps the events built of the entries up to `read`, and wakes the
    /// audience's subscriptions if there are any.
    fn keep(&self, read: u64, built: Vec<(u64, Arc<[Event]>)>) {
        let newest = built.last().map(|(seq, _)| *seq);
        let mut ring = self.ring();
        ring.events.extend(built);
        while ring.events.len() > self.capacity {
            if let Some((seq, _)) = ring.events.pop_front() {
                ring.covers_after = seq;
            }
        }
        ring.read = read;
        drop(ring);
        if let Some(newest) = newest {
            self.latest.send_replace(newest);
        }
    }

    /// The events after entry `cursor` (of at most [`CATCH_UP_BATCH`]
    /// entries) and the entry they reach to; `Err` with the first entry
    /// the ring covers if `cursor` is behind it.
    fn after(&self, cursor: u64) -> Result<(Vec<Event>, u64), u64> {
        let ring = self.ring();
        if cursor < ring.covers_after {
            return Err(ring.covers_after);
        }
        let first = ring.events.partition_point(|(seq, _)| *seq <= cursor);
        let taken: Vec<_> = ring.events.range(first..).take(CATCH_UP_BATCH).collect();
        let reached = if taken.len() == CATCH_UP_BATCH {
            taken.last().map_or(ring.read, |(seq, _)| *seq)
        } else {
            ring.read
        };
        let events = taken
            .into_iter()
            .flat_map(|(_, events)| events.iter().cloned())
            .collect();
        Ok((events, reached.max(cursor)))
    }
}

/// The audience's task (see [`Audiences`]): builds the events of each
/// durable entry after `read` until the service stops or fails, or the
/// audience has no subscription left. An entry that cannot be read now is
/// tried again.
async fn follow(service: Service, audience: Audience, shared: Weak<Shared>, mut read: u64) {
    let _ended = Ended(shared.clone());
    let mut durable = service.feed().subscribe();
    let mut stopping = service.stopping();
    loop {
        let until = tokio::select! {
            biased;
            _ = stopping.wait_for(|&stopping| stopping) => return,
            durable = durable.wait_for(|&durable| durable > read) => match durable {
                Ok(durable) => *durable,
                Err(_) => return,
            },
        };
        let Some(shared) = shared.upgrade().filter(|shared| !shared.ended()) else {
            return;
        };
        let until = until.min(read + CATCH_UP_BATCH as u64);
        match build(&service, &audience, read, until).await {
            Ok(built) => {
                shared.keep(until, built);
                read = until;
            }
            // The state is no longer trusted: nothing more is told, and the
            // audience's subscriptions, woken as the task ends, end.
            Err(_) if service.failed() => return,
            Err(error) => {
                tracing::warn!(%error, ?audience, "building events; trying again");
                tokio::time::sleep(RETRY_AFTER).await;
            }
        }
    }
}

/// Marks the audience's task ended however it ends, a panic included, so
/// that its subscriptions are not left waiting on a task that is gone.
struct Ended(Weak<Shared>);

impl Drop for Ended {
    fn drop(&mut self) {
        if let Some(shared) = self.0.upgrade() {
            shared.end();
        }
    }
}

/// How long the audience's task waits before reading the state again after
/// it could not.
const RETRY_AFTER: std::time::Duration = std::time::Duration::from_millis(100);

/// The audience's events of entries `after + 1 ..= until`, by entry (those
/// that hold any), built against the current state; the entries from the
/// feed while it still has them, else from the log.
async fn build(
    service: &Service,
    audience: &Audience,
    after: u64,
    until: u64,
) -> Result<Vec<(u64, Arc<[Event]>)>, Error> {
    let entries: Vec<Arc<Entry>> = match service.feed().recent(after, until) {
        Some(recent) => recent,
        None => {
            let log = service.log().clone();
            let stored = tokio::task::spawn_blocking(move || log.read(after + 1, CATCH_UP_BATCH))
                .await
                .map_err(|_| Error::Internal)?
                .map_err(|_| Error::Internal)?;
            stored
                .iter()
                .filter(|s| s.seq <= until)
                .filter_map(|s| Entry::decode(&s.body).ok())
                .map(Arc::new)
                .collect()
        }
    };
    service
        .read(|state| {
            entries
                .iter()
                .map(|entry| (entry.seq, events_of(state, entry, audience)))
                .filter(|(_, events)| !events.is_empty())
                .map(|(seq, events)| (seq, events.into()))
                .collect()
        })
        .await
}

/// Entries read at once: by an audience's task, and by a subscriber
/// catching up from further back than its audience's events go.
const CATCH_UP_BATCH: usize = 1024;

/// One credential's place in the events: what an event stream, a webhook
/// or a Cursor-on-Target connection reads from. It ends once the credential
/// is revoked or removed, or the service stops (see `revocation.rs`).
#[derive(Debug)]
pub struct Subscription {
    service: Service,
    caller: Actor,
    audience: Audience,
    /// The last sequence number whose events were handed out.
    cursor: u64,
    /// The audience's shared events, and their newest entry, once read.
    joined: Option<(Arc<Shared>, watch::Receiver<u64>)>,
    lease: Lease,
}

impl Subscription {
    /// Events after entry `cursor`, for `caller`.
    pub fn new(service: Service, caller: Actor, cursor: u64) -> Subscription {
        let lease = service.lease(&caller.credential_id);
        Subscription {
            audience: Audience::of(&caller),
            service,
            caller,
            cursor,
            joined: None,
            lease,
        }
    }

    /// Events from the log's durable end on, for `caller`.
    pub fn from_now(service: Service, caller: Actor) -> Subscription {
        let cursor = service.feed().durable();
        Subscription::new(service, caller, cursor)
    }

    /// The last entry whose events were handed out: where a new
    /// subscription resumes after this one failed.
    pub fn cursor(&self) -> u64 {
        self.cursor
    }

    /// Whether the subscription has ended (its credential revoked or
    /// removed, or the service stopping): nothing more is to be sent.
    pub fn ended(&self) -> bool {
        self.lease.ended().is_some()
    }

    /// The caller's next events: those of the next durable entries that
    /// hold any, waiting for them; `None` once the subscription has ended,
    /// or the service has stopped trusting its state.
    pub async fn next_batch(&mut self) -> Option<Vec<Event>> {
        loop {
            if self.service.failed() {
                return None;
            }
            if self
                .joined
                .as_ref()
                .is_some_and(|(shared, _)| shared.ended())
            {
                self.joined = None;
            }
            let (shared, latest) = self.joined.get_or_insert_with(|| {
                let shared = self.service.audiences().join(&self.service, &self.audience);
                let latest = shared.latest.subscribe();
                (shared, latest)
            });
            let cursor = self.cursor;
            let (events, reached) = match shared.after(cursor) {
                Ok(taken) => taken,
                Err(covers_after) => {
                    // Further back than the audience's events go: its own,
                    // from the feed or the log.
                    let until = covers_after.min(cursor + CATCH_UP_BATCH as u64);
                    let built = build(&self.service, &self.audience, cursor, until).await;
                    let events = built.ok()?.into_iter().flat_map(|(_, e)| e.to_vec());
                    (events.collect(), until)
                }
            };
            self.cursor = reached;
            if self.lease.ended().is_some() {
                return None;
            }
            if !events.is_empty() {
                return Some(events);
            }
            // Nothing new yet: wait for the audience's events to grow past
            // the cursor, or its task to end.
            if reached == cursor && *latest.borrow_and_update() <= cursor {
                tokio::select! {
                    biased;
                    _ = self.lease.end() => return None,
                    changed = latest.changed() => changed.ok()?,
                }
            }
        }
    }

    /// Records `delivered` for the caller's pending notifications of the
    /// conflicts these events told it of.
    pub async fn delivered(&self, events: &[Event]) {
        let caller = &self.caller;
        let conflicts: Vec<ConflictId> = events.iter().filter_map(|e| e.delivers).collect();
        if conflicts.is_empty() {
            return;
        }
        let plan = |state: &State| {
            conflicts
                .iter()
                .filter(|id| {
                    state
                        .conflict(caller, id)
                        .is_ok_and(|view| view.pending_for(&caller.party))
                })
                .map(|id| Command::MarkDelivered { conflict: *id })
                .collect()
        };
        if let Err(e) = self.service.transact(caller, plan, |_, _| ()).await {
            tracing::warn!(error = %e, "recording deliveries of events");
        }
    }
}

#[cfg(test)]
mod tests;
