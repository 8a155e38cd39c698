//! The clearance policy: which kinds of activity always wait for an approver.

use std::collections::BTreeSet;

/// Activity kinds that need an approver's clearance even without a conflict.
/// Configuration: the log records each decision (`held` or `cleared`), so a
/// changed policy never changes the past.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub needs_clearance: BTreeSet<String>,
}

impl Policy {
    pub fn new<S: Into<String>>(kinds: impl IntoIterator<Item = S>) -> Policy {
        Policy {
            needs_clearance: kinds.into_iter().map(Into::into).collect(),
        }
    }

    pub fn needs_clearance(&self, kind: &str) -> bool {
        self.needs_clearance.contains(kind)
    }
}

impl Default for Policy {
    /// `air_strike`, `indirect_fire`, `ground_operation` and `flight`.
    fn default() -> Policy {
        Policy::new(["air_strike", "indirect_fire", "ground_operation", "flight"])
    }
}
