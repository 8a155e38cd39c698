//! Each party's quota of the log: how many bytes of entries its commands
//! may add in a day, and how often each of its units may report. A party
//! that floods the log with track batches or large geometries fills its own
//! quota, not everyone's disk.

use deconflict_model::{DeclarationId, State, TrackReport};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

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

/// The fewest reports a unit may send at once, however long its interval:
/// a device that has just come back sends what it stored in one batch.
const MIN_BURST: f64 = 10.0;

/// Each tracked unit's pace: on average no more reports than its declared
/// interval allows, with a backlog (the reports of `backlog`, at least
/// [`MIN_BURST`]) accepted at once. A token bucket per unit, full at first.
#[derive(Debug, Default)]
pub(crate) struct ReportPace {
    units: HashMap<DeclarationId, Bucket>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at_ms: i64,
}

/// The buckets a batch would leave, taken only once the batch is accepted:
/// a refused batch costs its units nothing.
#[derive(Debug)]
pub(crate) struct Paced(Vec<(DeclarationId, Bucket)>);

/// A batch that carries more reports of a unit than its pace allows now.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TooFast {
    /// The first report of the unit over its pace.
    pub(crate) index: usize,
    pub(crate) retry_after_s: u64,
}

impl ReportPace {
    /// Whether `party`'s `reports` keep each unit's pace at `now_ms`. Only
    /// the party's own tracked units are paced: a report naming anything
    /// else is the model's to refuse, exactly as if there were no pace.
    pub(crate) fn check(
        &self,
        state: &State,
        party: &str,
        reports: &[TrackReport],
        now_ms: i64,
        backlog: Duration,
    ) -> Result<Paced, TooFast> {
        self.spend(state, party, reports, now_ms, backlog, true)
    }

    /// Counts reports another node of the log accepted at `now_ms`: a
    /// party spreading its units' reports over several nodes spends one
    /// pace, not one a node. A unit that this node reckons over its pace
    /// (the nodes' clocks differ a little) is left with none to spend.
    pub(crate) fn count(
        &mut self,
        state: &State,
        party: &str,
        reports: &[TrackReport],
        now_ms: i64,
        backlog: Duration,
    ) {
        if let Ok(paced) = self.spend(state, party, reports, now_ms, backlog, false) {
            self.take(paced);
        }
    }

    /// The buckets `reports` leave; `strict`, the first report short of a
    /// token refuses the batch, else it empties its unit's bucket.
    fn spend(
        &self,
        state: &State,
        party: &str,
        reports: &[TrackReport],
        now_ms: i64,
        backlog: Duration,
        strict: bool,
    ) -> Result<Paced, TooFast> {
        let mut after: BTreeMap<DeclarationId, Bucket> = BTreeMap::new();
        for (index, report) in reports.iter().enumerate() {
            let unit = &report.declaration;
            let Some(interval_s) = state.own_report_interval_s(party, unit) else {
                continue;
            };
            let interval_ms = 1000.0 * f64::from(interval_s);
            let capacity = (backlog.as_millis() as f64 / interval_ms).max(MIN_BURST);
            let bucket = after.entry(*unit).or_insert_with(|| {
                let tokens = self.units.get(unit).map_or(capacity, |b| {
                    let refilled = (now_ms - b.at_ms).max(0) as f64 / interval_ms;
                    (b.tokens + refilled).min(capacity)
                });
                Bucket {
                    tokens,
                    at_ms: now_ms,
                }
            });
            if bucket.tokens < 1.0 && strict {
                let wait_ms = (1.0 - bucket.tokens) * interval_ms;
                return Err(TooFast {
                    index,
                    retry_after_s: ((wait_ms / 1000.0).ceil() as u64).max(1),
                });
            }
            bucket.tokens = (bucket.tokens - 1.0).max(0.0);
        }
        Ok(Paced(after.into_iter().collect()))
    }

    /// Takes what an accepted batch used.
    pub(crate) fn take(&mut self, paced: Paced) {
        self.units.extend(paced.0);
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
