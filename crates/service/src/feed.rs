//! The feed of entries as they become durable: what every projection of the
//! log (the event stream, webhooks, Cursor-on-Target) reads from.
//!
//! The command path stages each entry as it applies it and publishes the
//! durable sequence number once its batch is on disk, so no reader ever
//! sees an entry before its author was answered. Recent entries stay in a
//! ring, bounded in number and bytes (track batches are large); a reader
//! further behind reads the log.

use deconflict_model::Entry;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::watch;

/// How many recent entries are kept in memory, and how many of their
/// encoded bytes at most.
pub const RING: usize = 8_192;
const RING_BYTES: usize = 64 << 20;

/// Recent entries and the latest durable sequence number.
#[derive(Debug)]
pub struct Feed {
    ring: Mutex<Ring>,
    durable: watch::Sender<u64>,
}

#[derive(Debug, Default)]
struct Ring {
    entries: VecDeque<(Arc<Entry>, usize)>,
    bytes: usize,
}

impl Feed {
    pub(crate) fn new(durable: u64) -> Feed {
        Feed {
            ring: Mutex::new(Ring::default()),
            durable: watch::Sender::new(durable),
        }
    }

    /// Keeps an entry (`size` bytes encoded) until it is published and read.
    pub(crate) fn stage(&self, entry: Entry, size: usize) {
        let mut ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
        while ring.entries.len() >= RING || (ring.bytes + size > RING_BYTES && ring.bytes > 0) {
            let Some((_, old)) = ring.entries.pop_front() else {
                break;
            };
            ring.bytes -= old;
        }
        ring.bytes += size;
        ring.entries.push_back((Arc::new(entry), size));
    }

    /// Drops the staged entries after `seq`, which never reached the log.
    pub(crate) fn forget_after(&self, seq: u64) {
        let mut ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some((entry, size)) = ring.entries.back()
            && entry.seq > seq
        {
            ring.bytes -= *size;
            ring.entries.pop_back();
        }
    }

    /// Publishes every staged entry up to `seq`, now durable.
    pub(crate) fn publish(&self, seq: u64) {
        self.durable.send_if_modified(|durable| {
            let newer = seq > *durable;
            *durable = (*durable).max(seq);
            newer
        });
    }

    /// The latest durable sequence number.
    pub fn durable(&self) -> u64 {
        *self.durable.borrow()
    }

    /// The latest durable sequence number, and changes to it.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.durable.subscribe()
    }

    /// Entries `after + 1 ..= until`, if the ring still has them all.
    pub fn recent(&self, after: u64, until: u64) -> Option<Vec<Arc<Entry>>> {
        let ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
        let first = ring.entries.front()?.0.seq;
        if after + 1 < first {
            return None;
        }
        let start = usize::try_from(after + 1 - first).ok()?;
        let wanted = usize::try_from(until.saturating_sub(after)).ok()?;
        let found: Vec<Arc<Entry>> = ring
            .entries
            .range(start.min(ring.entries.len())..)
            .take(wanted)
            .map(|(entry, _)| entry.clone())
            .collect();
        (found.len() == wanted).then_some(found)
    }
}
