//! The clearance policy: which kinds of activity always wait for an approver.

use std::collections::BTreeSet;

/// Activity kinds that need an approver's clearance even without a conflict.
/// Configuration: the log records each decision (`held` or `cleared`), so a
/// changed policy never changes the past.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub needs_clearance: BTreeSet<String>,
    /// How fast a tracked unit that declares no maximum speed is assumed to
    /// move once stale, metres a second.
    pub default_max_speed_mps: u32,
    /// How long a conflict's notification may stay unacknowledged before
    /// each step of its escalation, milliseconds.
    pub escalate_after_ms: i64,
    /// How far from an `attack` incident a party's declarations get it
    /// alerted, metres.
    pub attack_radius_m: u32,
}

impl Policy {
    pub fn new<S: Into<String>>(kinds: impl IntoIterator<Item = S>) -> Policy {
        Policy {
            needs_clearance: kinds.into_iter().map(Into::into).collect(),
            default_max_speed_mps: 30,
            escalate_after_ms: 10 * 60 * 1000,
            attack_radius_m: 10_000,
        }
    }

    pub fn needs_clearance(&self, kind: &str) -> bool {
        self.needs_clearance.contains(kind)
    }
}

impl Default for Policy {
    /// `air_strike`, `indirect_fire`, `ground_operation` and `flight` need
    /// clearance; stale units move at 30 m/s; escalation after 10 minutes;
    /// attack alerts within 10 km.
    fn default() -> Policy {
        Policy::new(["air_strike", "indirect_fire", "ground_operation", "flight"])
    }
}
