//! Check fire: a stop over an area and a window that holds, at once, every
//! cleared or active activity of another party that meets it.
//!
//! Any operator raises one when its people are being hit or a strike is
//! coming where they are ([`Command::RaiseStop`]). One logged act holds
//! every such activity; while the stop stands, a new activity of another
//! party that meets it is held too, and none that meets it may be cleared.
//! The owners of the activities held and the coordinator are reminded on
//! every sweep past [`REMIND_EVERY_MS`] (the policy's `stop_remind_ms`)
//! until each acknowledges
//! ([`Command::AcknowledgeStop`]); the raiser or the coordinator lifts it
//! ([`Command::LiftStop`]), and activities it held stay held until an
//! approver clears them again.
//!
//! It works between parties that cannot see each other's objects, and
//! tells each only its part: an owner learns that a stop touched its own
//! activities and why (the [`StopCause`]), never who raised it, where, or
//! what else it held; the raiser learns how many activities were held,
//! never whose or which. The coordinator sees everything. A stop is bounded
//! ([`MAX_STOP_KM2`], [`MAX_STOP_MS`]) and every activity it holds is
//! counted against its raiser with the other holds (see `holds.rs`), so
//! stops raised in bad faith show.
//!
//! [`Command::RaiseStop`]: crate::Command::RaiseStop
//! [`Command::AcknowledgeStop`]: crate::Command::AcknowledgeStop
//! [`Command::LiftStop`]: crate::Command::LiftStop

use crate::actor::Actor;
use crate::error::{ModelError, Noun};
use crate::id::{ActivityId, StopId};
use crate::policy::covered_km2;
use crate::state::State;
use deconflict_geo4d::{AltitudeBand, Geometry, Volume, Window};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most a stop may cover, km²: a few villages, not a province.
pub const MAX_STOP_KM2: f64 = 2_500.0;
/// The longest a stop may stand before it is raised again: a day.
pub const MAX_STOP_MS: i64 = 24 * 3_600_000;
/// How often the owners and the coordinator are reminded of a stop they
/// have not acknowledged, by default (`Policy::stop_remind_ms`).
pub const REMIND_EVERY_MS: i64 = 5_000;

/// Why a stop is raised: what its owners are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopCause {
    TroopsInContact,
    FriendlyFire,
    CiviliansPresent,
    Other,
}

impl StopCause {
    pub fn as_str(&self) -> &'static str {
        match self {
            StopCause::TroopsInContact => "troops_in_contact",
            StopCause::FriendlyFire => "friendly_fire",
            StopCause::CiviliansPresent => "civilians_present",
            StopCause::Other => "other",
        }
    }
}

/// Where and until when a stop holds: from the moment it is raised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StopSpec {
    pub cause: StopCause,
    pub geometry: geojson::Geometry,
    pub buffer_m: f64,
    /// Metres above ground, `[lo, hi]`; absent: every altitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub altitude_m: Option<[f64; 2]>,
    /// Unix milliseconds, exclusive.
    pub until_ms: i64,
}

/// One party told again of a stop it has not acknowledged; `None` is the
/// coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StopReminder {
    pub stop: StopId,
    pub party: Option<String>,
}

/// A stop raised: its id, and how many activities it held (its raiser's
/// to read), unless the raiser had spent its budget of answers (see
/// `probing.rs`): a stop is a question too, and a count of 0 or 1 answers
/// whether another party plans a strike there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StopRaised {
    pub id: StopId,
    pub held: Option<u32>,
}

/// A stop as the state keeps it.
#[derive(Debug, Clone)]
pub(crate) struct Stop {
    pub(crate) raiser: String,
    pub(crate) spec: StopSpec,
    pub(crate) reason: String,
    pub(crate) raised_ms: i64,
    pub(crate) volume: Volume,
    /// The activities it held, by owner.
    pub(crate) held: BTreeMap<String, Vec<ActivityId>>,
    /// When each owner acknowledged.
    pub(crate) acknowledged: BTreeMap<String, i64>,
    pub(crate) coordinator_acknowledged: Option<i64>,
    pub(crate) lifted: Option<(i64, Option<String>)>,
    pub(crate) reminded_ms: i64,
    /// Whether the raiser is told how many activities it held.
    pub(crate) count_told: bool,
}

impl Stop {
    pub(crate) fn standing(&self, now_ms: i64) -> bool {
        self.lifted.is_none() && now_ms < self.spec.until_ms
    }

    /// The parties, then whether the coordinator, still to acknowledge.
    pub(crate) fn unacknowledged(&self) -> (Vec<&String>, bool) {
        let owners = self
            .held
            .keys()
            .filter(|p| !self.acknowledged.contains_key(*p))
            .collect();
        (owners, self.coordinator_acknowledged.is_none())
    }
}

/// Where a stop stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StopState {
    Standing,
    Lifted,
    Expired,
}

/// A stop as one viewer may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct StopView {
    pub id: StopId,
    pub cause: StopCause,
    pub state: StopState,
    pub raised_ms: i64,
    pub until_ms: i64,
    pub lifted_ms: Option<i64>,
    /// The raiser's and the coordinator's.
    pub detail: Option<StopDetail>,
    /// The viewer's own activities it held (all of them, for the
    /// coordinator).
    pub held: Vec<ActivityId>,
    /// How many activities it held: the raiser's and the coordinator's.
    pub held_count: Option<usize>,
    /// Whether the viewer's party has acknowledged it (`None`: it has
    /// nothing to acknowledge).
    pub acknowledged: Option<bool>,
}

/// What the raiser and the coordinator see of a stop beyond its owners.
#[derive(Debug, Clone, PartialEq)]
pub struct StopDetail {
    pub raiser: String,
    pub geometry: geojson::Geometry,
    pub buffer_m: f64,
    pub altitude_m: Option<[f64; 2]>,
    pub reason: String,
    pub lift_reason: Option<String>,
    /// For the coordinator: the parties still to acknowledge.
    pub unacknowledged: Vec<String>,
}

/// The volume of a stop raised at `from_ms`, validated against its bounds.
pub(crate) fn stop_volume(spec: &StopSpec, from_ms: i64) -> Result<Volume, ModelError> {
    let invalid =
        |field: &str, e: &dyn std::fmt::Display| ModelError::invalid(field, e.to_string());
    let geometry = Geometry::from_geojson(&spec.geometry).map_err(|e| invalid("geometry", &e))?;
    if spec.until_ms <= from_ms || spec.until_ms - from_ms > MAX_STOP_MS {
        return Err(ModelError::invalid(
            "until",
            "must be after now, and at most 24 hours ahead",
        ));
    }
    let window =
        Window::new(from_ms, Some(spec.until_ms)).map_err(|e| invalid("until", &e.reason))?;
    let altitude = match spec.altitude_m {
        None => AltitudeBand::ALL,
        Some([lo, hi]) => AltitudeBand::new(lo, hi).map_err(|e| invalid("altitude_m", &e))?,
    };
    let volume = Volume::new(geometry, spec.buffer_m, altitude, window)
        .map_err(|e| invalid("buffer_m", &e))?;
    let covered = covered_km2(&volume);
    if covered > MAX_STOP_KM2 {
        return Err(ModelError::invalid(
            "geometry",
            format!(
                "covers about {} km²; a stop may cover at most {} km²",
                crate::validate::about(covered),
                crate::validate::number(MAX_STOP_KM2)
            ),
        ));
    }
    Ok(volume)
}

impl State {
    /// The standing stops at `now_ms` that `volume` meets, raised by a
    /// party other than `party`.
    pub(crate) fn stops_met(&self, party: &str, volume: &Volume, now_ms: i64) -> Vec<StopId> {
        self.stops
            .iter()
            .filter(|(_, s)| s.raiser != party && s.standing(now_ms))
            .filter(|(_, s)| s.volume.conflicts_with(volume))
            .map(|(id, _)| *id)
            .collect()
    }

    /// The stops `viewer` may see: the coordinator every one, the raiser
    /// its own, an owner those that held its activities.
    pub fn stops(&self, viewer: &Actor, now_ms: i64) -> Vec<StopView> {
        self.stops
            .iter()
            .filter_map(|(id, s)| self.stop_view(viewer, id, s, now_ms))
            .collect()
    }

    /// One stop as `viewer` may see it; not found if it may not.
    pub fn stop(&self, viewer: &Actor, id: &StopId, now_ms: i64) -> Result<StopView, ModelError> {
        self.stops
            .get(id)
            .and_then(|s| self.stop_view(viewer, id, s, now_ms))
            .ok_or(ModelError::NotFound(Noun::Stop))
    }

    fn stop_view(&self, viewer: &Actor, id: &StopId, s: &Stop, now_ms: i64) -> Option<StopView> {
        let party = &viewer.party;
        let raiser = viewer.coordinator || s.raiser == *party;
        let own: Vec<ActivityId> = if viewer.coordinator {
            s.held.values().flatten().copied().collect()
        } else {
            s.held.get(party).cloned().unwrap_or_default()
        };
        if !raiser && own.is_empty() {
            return None;
        }
        let state = match (&s.lifted, s.standing(now_ms)) {
            (Some(_), _) => StopState::Lifted,
            (None, true) => StopState::Standing,
            (None, false) => StopState::Expired,
        };
        let acknowledged = if viewer.coordinator {
            Some(s.coordinator_acknowledged.is_some())
        } else if s.held.contains_key(party) {
            Some(s.acknowledged.contains_key(party))
        } else {
            None
        };
        let detail = raiser.then(|| {
            let (owners, coordinator) = s.unacknowledged();
            let mut unacknowledged: Vec<String> = Vec::new();
            if viewer.coordinator {
                unacknowledged.extend(owners.into_iter().cloned());
                if coordinator {
                    unacknowledged.push(party.clone());
                }
            }
            StopDetail {
                raiser: s.raiser.clone(),
                geometry: s.spec.geometry.clone(),
                buffer_m: s.spec.buffer_m,
                altitude_m: s.spec.altitude_m,
                reason: s.reason.clone(),
                lift_reason: s.lifted.as_ref().and_then(|(_, r)| r.clone()),
                unacknowledged,
            }
        });
        Some(StopView {
            id: *id,
            cause: s.spec.cause,
            state,
            raised_ms: s.raised_ms,
            until_ms: s.spec.until_ms,
            lifted_ms: s.lifted.as_ref().map(|(t, _)| *t),
            detail,
            held: own,
            held_count: (viewer.coordinator || (raiser && s.count_told))
                .then(|| s.held.values().map(Vec::len).sum()),
            acknowledged,
        })
    }
}
