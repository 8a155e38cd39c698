//! Each party's quota of the log: how many bytes of entries its commands
//! may add in a day. A party that floods the log with track batches or
//! large geometries fills its own quota, not everyone's disk.

use std::collections::{BTreeMap, VecDeque};

/// The window a quota counts over.
const DAY_MS: i64 = 24 * 3_600_000;

/// Bytes each party wrote in the last day, entry by entry.
#[derive(Debug, Default)]
pub(crate) struct LogQuota {
    written: BTreeMap<String, Written>,
}

#[derive(Debug, Default)]
struct Written {
    entries: VecDeque<(i64, u64)>,
    total: u64,
}

impl Written {
    fn forget_before(&mut self, since_ms: i64) {
        while let Some(&(t, bytes)) = self.entries.front() {
            if t >= since_ms {
                break;
            }
            self.entries.pop_front();
            self.total -= bytes;
        }
    }
}

impl LogQuota {
    /// If `party` has written `limit` bytes or more in the day before
    /// `now_ms`: what it wrote, and the seconds until some of it frees.
    pub(crate) fn exceeded(&mut self, party: &str, now_ms: i64, limit: u64) -> Option<(u64, u64)> {
        let written = self.written.get_mut(party)?;
        written.forget_before(now_ms - DAY_MS);
        if written.total < limit {
            return None;
        }
        let oldest = written.entries.front().map_or(now_ms, |(t, _)| *t);
        let retry_ms = (oldest + DAY_MS - now_ms).max(1_000);
        Some((written.total, (retry_ms as u64).div_ceil(1_000)))
    }

    /// Counts an entry of `bytes` that `party` wrote at `time_ms`.
    pub(crate) fn add(&mut self, party: &str, time_ms: i64, bytes: u64) {
        let written = self.written.entry(party.to_owned()).or_default();
        written.entries.push_back((time_ms, bytes));
        written.total += bytes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_party_is_stopped_at_its_quota_until_a_day_has_passed() {
        let mut quota = LogQuota::default();
        assert_eq!(quota.exceeded("pmf", 0, 100), None);
        quota.add("pmf", 0, 60);
        quota.add("pmf", 1_000, 50);
        assert_eq!(quota.exceeded("coalition", 2_000, 100), None);
        assert_eq!(quota.exceeded("pmf", 2_000, 100), Some((110, 86_398)));
        // The first entry leaves the window; the second alone is below.
        assert_eq!(quota.exceeded("pmf", DAY_MS + 1, 100), None);
        assert_eq!(quota.exceeded("pmf", DAY_MS + 1, 50), Some((50, 1)));
    }
}
