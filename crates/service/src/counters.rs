//! The service's own counters, for the front end's metrics. None of them
//! tells who did what: commands are counted whatever they were.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Counts of the command path, the replay and the check of the log.
#[derive(Debug, Default)]
pub struct Counters {
    commands: AtomicU64,
    replay_ms: AtomicU64,
    checked: AtomicU64,
}

impl Counters {
    /// Counts an accepted command. Its verb is not kept: how many of each
    /// kind of command the service took would tell who does what.
    pub(crate) fn command(&self) {
        self.commands.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn set_replay(&self, took: Duration) {
        self.replay_ms.store(
            u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    pub(crate) fn checked(&self, entries: u64) {
        self.checked.fetch_add(entries, Ordering::Relaxed);
    }

    /// Commands accepted since start.
    pub fn commands(&self) -> u64 {
        self.commands.load(Ordering::Relaxed)
    }

    /// How long the replay at start took.
    pub fn replay(&self) -> Duration {
        Duration::from_millis(self.replay_ms.load(Ordering::Relaxed))
    }

    /// Entries found, since start, to still give the leaf the log signed.
    pub fn checked_entries(&self) -> u64 {
        self.checked.load(Ordering::Relaxed)
    }
}
