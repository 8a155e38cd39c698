//! Holds in bad faith, made visible and undoable.
//!
//! Any party's object that meets another party's cleared activity puts it
//! back on hold, so a party could hold others' activities at will: an
//! object amended into a new spot after each override, a unit declared
//! where a strike is planned. The defence is not silence (the conflict
//! still opens and both sides are still told) but attribution and the
//! coordinator's decision:
//!
//! - every hold names the conflict that caused it, and the state counts,
//!   per party, the other parties' activities its objects held
//!   ([`State::holds_caused`], for the coordinator);
//! - the coordinator may suspend a party's objects from causing holds in an
//!   area until a time ([`Command::SuspendHolds`]), or mark a declaration
//!   disputed ([`Command::Dispute`]), which then causes no holds either;
//!   both are logged acts with a reason.

use crate::actor::Actor;
use crate::command::Command;
use crate::error::ModelError;
use crate::id::DeclarationId;
use crate::state::State;
use deconflict_geo4d::{AltitudeBand, Geometry, Volume, Window};
use std::collections::BTreeMap;

/// The longest a suspension may last: a week, after which the coordinator
/// decides again.
pub const MAX_SUSPENSION_MS: i64 = 7 * 24 * 3_600_000;

/// How far back [`State::holds_caused`] looks by default: a day.
pub const HOLDS_WINDOW_MS: i64 = 24 * 3_600_000;

/// A party's objects may not cause holds in an area until a time.
#[derive(Debug, Clone)]
pub struct Suspension {
    pub party: String,
    pub area: geojson::Geometry,
    pub from_ms: i64,
    pub until_ms: i64,
    pub reason: String,
    /// The area over the suspension's window, at every altitude.
    pub(crate) volume: Volume,
}

/// One activity put back on hold: when, by whose object, through which
/// conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HoldCaused {
    pub(crate) time_ms: i64,
    pub(crate) party: String,
}

/// The area and window of a suspension, validated.
pub(crate) fn suspension_volume(
    area: &geojson::Geometry,
    from_ms: i64,
    until_ms: i64,
) -> Result<Volume, ModelError> {
    let invalid =
        |field: &str, e: &dyn std::fmt::Display| ModelError::invalid(field, e.to_string());
    let geometry = Geometry::from_geojson(area).map_err(|e| invalid("area", &e))?;
    if !matches!(
        area.value,
        geojson::GeometryValue::Polygon { .. } | geojson::GeometryValue::MultiPolygon { .. }
    ) {
        return Err(ModelError::invalid(
            "area",
            "must be a Polygon or MultiPolygon",
        ));
    }
    if until_ms <= from_ms || until_ms - from_ms > MAX_SUSPENSION_MS {
        return Err(ModelError::invalid(
            "until",
            "must be after now, and at most 7 days ahead",
        ));
    }
    let window = Window::new(from_ms, Some(until_ms)).map_err(|e| invalid("until", &e.reason))?;
    Volume::new(geometry, 0.0, AltitudeBand::ALL, window).map_err(|e| invalid("area", &e))
}

impl State {
    /// Whether `party`'s object at `volume` may not cause holds at `now_ms`:
    /// a suspension covers it, or it is a disputed declaration.
    pub(crate) fn holds_suspended(
        &self,
        party: &str,
        object: Option<&DeclarationId>,
        volume: &Volume,
        now_ms: i64,
    ) -> bool {
        let disputed = object
            .and_then(|id| self.declarations.get(id))
            .is_some_and(|d| d.disputed.is_some());
        disputed
            || self.suspensions.iter().any(|s| {
                s.party == party
                    && s.volume.window().contains(now_ms)
                    && s.volume.conflicts_with(volume)
            })
    }

    /// Per party, how many other parties' activities its objects put back
    /// on hold since `since_ms`; the coordinator's alone to read.
    pub fn holds_caused(
        &self,
        viewer: &Actor,
        since_ms: i64,
    ) -> Result<BTreeMap<String, usize>, ModelError> {
        if !viewer.coordinator {
            return Err(ModelError::NotCoordinator { verb: "read holds" });
        }
        let mut counts = BTreeMap::new();
        for hold in self.holds.iter().filter(|h| h.time_ms >= since_ms) {
            *counts.entry(hold.party.clone()).or_insert(0) += 1;
        }
        Ok(counts)
    }

    /// The suspensions still in force at `now_ms`; the coordinator's.
    pub fn suspensions(&self, viewer: &Actor, now_ms: i64) -> Result<Vec<Suspension>, ModelError> {
        if !viewer.coordinator {
            return Err(ModelError::NotCoordinator {
                verb: "read suspensions",
            });
        }
        Ok(self
            .suspensions
            .iter()
            .filter(|s| s.until_ms > now_ms)
            .cloned()
            .collect())
    }

    /// Applies a suspension or a dispute.
    pub(crate) fn apply_holds_command(
        &mut self,
        seq: u64,
        time_ms: i64,
        command: &Command,
    ) -> Result<(), ModelError> {
        let corrupt = |detail: String| ModelError::Corrupt { seq, detail };
        match command {
            Command::SuspendHolds {
                party,
                area,
                until_ms,
                reason,
            } => {
                let volume = suspension_volume(area, time_ms, *until_ms)
                    .map_err(|e| corrupt(e.to_string()))?;
                self.suspensions.push(Suspension {
                    party: party.clone(),
                    area: area.clone(),
                    from_ms: time_ms,
                    until_ms: *until_ms,
                    reason: reason.clone().unwrap_or_default(),
                    volume,
                });
            }
            Command::Dispute {
                id,
                disputed,
                reason,
            } => {
                let d = self
                    .declarations
                    .get_mut(id)
                    .ok_or_else(|| corrupt(format!("{id} does not exist")))?;
                d.disputed = disputed.then(|| reason.clone().unwrap_or_default());
            }
            _ => {}
        }
        Ok(())
    }
}
