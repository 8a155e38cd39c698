//! Several nodes on one log (PostgreSQL): whose turn it is to write, and
//! which node leads (signs checkpoints and sweeps).
//!
//! # Writing in turn
//!
//! Every node decides a command against its own state and appends it as
//! the log's next entry, so two nodes deciding at the same moment would
//! each decide without the other's entry, and one of them would miss a
//! conflict. A node therefore holds the log's write turn (a lock in the
//! database, [`WriteTurn`]) from before it decides until its entries are
//! durable, and catches up with what others wrote first (see
//! `Service::catch_up`). Commands that arrive on a node while it holds the
//! turn join it, so group commit still batches them; a turn held longer
//! than [`TURN_SHARE`] takes no more joiners, so that a busy node lets the
//! others write. If the turn's session dies while held (a failover of the
//! database kills every session), another node may take the turn and write
//! first; the append that follows then finds its entry where it meant to
//! write and the log refuses it (`Behind`). The node applies nothing of the
//! others' over its own entries meanwhile, and then rebuilds its state from
//! the log without them (`Service::drop_refused`): their commands are
//! answered 503 `store_unreachable`, and the node goes on.
//!
//! # Leading
//!
//! One node at a time signs checkpoints and runs the sweep: the holder of a
//! [`Lease`]. A node that has none tries for it at most once a second, so
//! when the leader dies another takes over within a couple of seconds.
//! Checkpoints are the same whichever node signs (the same key, the same
//! tree), so nothing changes for a witness.

use deconflict_store::{Lease, Location, StoreError, WriteTurn};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// How long a node holds the write turn before it takes no more joiners.
const TURN_SHARE: Duration = Duration::from_millis(25);
/// How often a node without the lease tries for it.
const LEAD_RETRY: Duration = Duration::from_secs(1);

/// This node's share of the log's write turn.
#[derive(Debug)]
pub(crate) struct Turn {
    lock: Arc<WriteTurn>,
    state: Mutex<TurnState>,
    /// One acquirer at a time waits for the database's lock.
    acquiring: tokio::sync::Mutex<()>,
    released: Notify,
}

#[derive(Debug, Default)]
struct TurnState {
    holders: usize,
    since: Option<Instant>,
}

/// A command's hold on the write turn; the last one dropped gives it back.
#[derive(Debug)]
pub(crate) struct TurnGuard(Option<Arc<Turn>>);

impl Turn {
    /// The write turn of the log in `store`, if several nodes may share it.
    pub(crate) fn open(store: &Location) -> Result<Option<Arc<Turn>>, StoreError> {
        if let Location::Sqlite(_) = store {
            return Ok(None);
        }
        Ok(Some(Arc::new(Turn {
            lock: Arc::new(WriteTurn::open(store)?),
            state: Mutex::new(TurnState::default()),
            acquiring: tokio::sync::Mutex::new(()),
            released: Notify::new(),
        })))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, TurnState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Joins the turn this node holds if it is young, else waits for it.
    fn join(&self) -> bool {
        let mut state = self.state();
        match state.since {
            Some(since) if since.elapsed() < TURN_SHARE => {
                state.holders += 1;
                true
            }
            _ => false,
        }
    }

    /// Holds the write turn for one command, waiting for it if another
    /// node has it.
    pub(crate) async fn hold(turn: &Arc<Turn>) -> Result<TurnGuard, crate::Error> {
        loop {
            if turn.join() {
                return Ok(TurnGuard(Some(turn.clone())));
            }
            let released = turn.released.notified();
            tokio::pin!(released);
            // Registered before the check, so a release between the two is
            // not missed.
            released.as_mut().enable();
            if turn.state().since.is_some() {
                // Held too long to join: wait until it is given back.
                released.await;
                continue;
            }
            let _one = turn.acquiring.lock().await;
            if turn.state().since.is_some() {
                continue;
            }
            let lock = turn.lock.clone();
            match tokio::task::spawn_blocking(move || lock.acquire()).await {
                Ok(Ok(())) => {}
                // A failover under way: nothing was decided, the client may try again.
                Ok(Err(error)) if error.is_unreachable() => {
                    tracing::warn!(%error, "waiting for the log's write turn");
                    return Err(crate::Error::Unreachable);
                }
                Ok(Err(error)) => {
                    tracing::error!(%error, "waiting for the log's write turn");
                    return Err(crate::Error::Unavailable);
                }
                Err(error) => {
                    tracing::error!(%error, "waiting for the log's write turn");
                    return Err(crate::Error::Unavailable);
                }
            }
            let mut state = turn.state();
            state.since = Some(Instant::now());
            state.holders = 1;
            return Ok(TurnGuard(Some(turn.clone())));
        }
    }
}

impl TurnGuard {
    /// A hold on nothing: the log has one node.
    pub(crate) fn alone() -> TurnGuard {
        TurnGuard(None)
    }
}

impl Drop for TurnGuard {
    fn drop(&mut self) {
        let Some(turn) = self.0.take() else { return };
        let mut state = turn.state();
        state.holders -= 1;
        if state.holders > 0 {
            return;
        }
        // Given back under the state's lock, so that no command joins a
        // turn that is being given back.
        if let Err(e) = turn.lock.release() {
            tracing::warn!(error = %e, "giving back the write turn");
        }
        state.since = None;
        drop(state);
        turn.released.notify_waiters();
    }
}

/// Whether this node leads (see the module docs).
#[derive(Debug)]
pub(crate) struct Leader {
    store: Location,
    lease: Mutex<(Option<Lease>, Option<Instant>)>,
}

impl Leader {
    pub(crate) fn new(store: &Location) -> Leader {
        Leader {
            store: store.clone(),
            lease: Mutex::new((None, None)),
        }
    }

    /// Whether this node holds the lease, trying for it when it may. Blocks
    /// on the database: call it off the async threads.
    pub(crate) fn leads(&self) -> bool {
        let mut lease = self.lease.lock().unwrap_or_else(PoisonError::into_inner);
        let (held, tried) = &mut *lease;
        if held.as_ref().is_some_and(Lease::is_held) {
            return true;
        }
        if held.take().is_some() {
            tracing::warn!("this node lost the lease: another signs and sweeps");
        }
        if tried.is_some_and(|t| t.elapsed() < LEAD_RETRY) {
            return false;
        }
        *tried = Some(Instant::now());
        match Lease::try_acquire(&self.store) {
            Ok(Some(won)) => {
                tracing::info!("this node leads: it signs checkpoints and sweeps");
                *held = Some(won);
                true
            }
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(error = %e, "trying for the lease");
                false
            }
        }
    }
}

/// How long the tailing thread waits for another node's entry before it
/// looks again (a missed wake-up costs at most this).
const TAIL_WAIT: Duration = Duration::from_secs(1);

/// Starts a thread that applies what other nodes append as soon as they
/// do, so that this node's reads, event streams, webhooks and
/// Cursor-on-Target alerts are those of the whole log. It holds the service
/// only while it applies, and stops with it.
pub(crate) fn tail(service: &crate::Service) -> Result<(), crate::StartError> {
    let log = service.durable_log();
    let weak = service.downgrade();
    let mut seen = service.feed().durable();
    std::thread::Builder::new()
        .name("deconflict-tail".into())
        .spawn(move || {
            loop {
                let head = match log.wait_for_append(seen, TAIL_WAIT) {
                    Ok(head) => head,
                    Err(e) => {
                        tracing::warn!(error = %e, "tailing the log");
                        std::thread::sleep(TAIL_WAIT);
                        seen
                    }
                };
                let Some(service) = weak.upgrade() else {
                    return;
                };
                if service.failed() {
                    return;
                }
                let caught_up = if head > seen {
                    service.catch_up_now()
                } else {
                    Ok(())
                };
                match caught_up {
                    Ok(()) => {}
                    // The database is away for now (a failover): look again.
                    Err(crate::Error::Unreachable) => std::thread::sleep(TAIL_WAIT),
                    Err(e) => {
                        tracing::error!(error = %e, "applying other nodes' entries");
                        return;
                    }
                }
                seen = seen.max(service.feed().durable());
            }
        })
        .map_err(|e| crate::StartError::Thread(e.to_string()))?;
    Ok(())
}
