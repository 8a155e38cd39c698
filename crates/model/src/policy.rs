//! The policy: which kinds of activity always wait for an approver, and the
//! limits each kind of object is held to.
//!
//! # Limits
//!
//! A party could otherwise declare or plan what no one does: a survey over
//! all of Iraq for twenty years up to 100 km, or a unit that moves at
//! 3 km/s and, once silent, is assumed anywhere within hundreds of
//! kilometres. Each would meet, and hold, every other party's object. So each
//! kind of object has [`Limits`] that follow the physical world, checked when
//! a command is decided (never on replay: the log keeps what was accepted):
//!
//! | kind | area (km²) | window | altitude (m) | speed (m/s) |
//! |---|---:|---:|---:|---:|
//! | `air_strike` | 2,500 | 24 h | 15,000 | 350 |
//! | `indirect_fire` | 2,500 | 24 h | 20,000 | 70 |
//! | `survey` | 5,000 | 7 days | 10,000 | 70 |
//! | `patrol`, `ground_operation` | 5,000 | 7 days | 1,000 | 70 |
//! | `convoy` | 5,000 | 7 days | 1,000 | 40 |
//! | `flight` | 50,000 | 24 h | 20,000 | 350 |
//! | `training` | 500 | 30 days | 15,000 | 70 |
//! | `base`, `camp`, `hospital` | 500 | 7 days | 15,000 | 70 |
//! | `unit_position` | 100 | 7 days | 15,000 | 70 |
//! | any other kind | 2,500 | 7 days | 15,000 | 70 |
//!
//! - **Area**: what the object's volume covers, counted as its bounding box
//!   (the geometry grown by its buffer) on a sphere of WGS84's largest
//!   radius of curvature ([`covered_km2`]): an upper bound, cheap, that errs
//!   towards refusing. A point may take a buffer of a little less than half
//!   the square root of the area: a little under 5 km for a
//!   `unit_position`.
//! - **Window**: from an activity's `start` to its `end`. A declaration's
//!   window is not limited: a site stands until withdrawn, and a unit that
//!   reports its position is where it says.
//! - **Altitude**: the top of the band, `altitude_m[1]`.
//! - **Speed**: the most a tracked unit may declare as
//!   `tracking.max_speed_mps`; a unit that declares none moves at
//!   [`Policy::default_max_speed_mps`], never above its kind's ceiling.
//!
//! The speed also bounds how far a unit may move between two positions (see
//! `track.rs`), and a silent unit's assumed reach stops at
//! [`Policy::stale_reach_cap_m`], never beyond what its kind's area allows;
//! past it the unit is *lost*.

use deconflict_geo4d::Volume;
use std::collections::{BTreeMap, BTreeSet};

/// The limits of one kind of object; `None` takes the default row's value
/// ([`Policy::default_limits`], where `None` is no limit).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Limits {
    /// The most its volume may cover, km² (see [`covered_km2`]).
    pub max_area_km2: Option<f64>,
    /// The longest an activity may last, hours.
    pub max_window_h: Option<f64>,
    /// The highest the top of its altitude band may be, metres.
    pub max_altitude_m: Option<f64>,
    /// The fastest a tracked unit may declare it moves, metres a second.
    pub max_speed_mps: Option<f64>,
}

impl Limits {
    /// No limit at all.
    pub const NONE: Limits = Limits {
        max_area_km2: None,
        max_window_h: None,
        max_altitude_m: None,
        max_speed_mps: None,
    };

    /// Each limit this row sets, else `under`'s.
    pub fn or(self, under: Limits) -> Limits {
        Limits {
            max_area_km2: self.max_area_km2.or(under.max_area_km2),
            max_window_h: self.max_window_h.or(under.max_window_h),
            max_altitude_m: self.max_altitude_m.or(under.max_altitude_m),
            max_speed_mps: self.max_speed_mps.or(under.max_speed_mps),
        }
    }
}

const fn row(
    area: f64,
    window_h: Option<f64>,
    altitude: Option<f64>,
    speed: Option<f64>,
) -> Limits {
    Limits {
        max_area_km2: Some(area),
        max_window_h: window_h,
        max_altitude_m: altitude,
        max_speed_mps: speed,
    }
}

const DAY_H: f64 = 24.0;
const WEEK_H: f64 = 7.0 * DAY_H;

/// The default row: any kind without a row of its own, and every limit a
/// row leaves unset.
pub const DEFAULT_LIMITS: Limits = Limits {
    max_area_km2: Some(2_500.0),
    max_window_h: Some(WEEK_H),
    max_altitude_m: Some(15_000.0),
    max_speed_mps: Some(70.0),
};

/// The built-in rows by kind (see the module docs for the table).
pub const KIND_LIMITS: &[(&str, Limits)] = &[
    ("air_strike", row(2_500.0, Some(DAY_H), None, Some(350.0))),
    (
        "indirect_fire",
        row(2_500.0, Some(DAY_H), Some(20_000.0), None),
    ),
    ("survey", row(5_000.0, None, Some(10_000.0), None)),
    ("patrol", row(5_000.0, None, Some(1_000.0), None)),
    ("convoy", row(5_000.0, None, Some(1_000.0), Some(40.0))),
    ("ground_operation", row(5_000.0, None, Some(1_000.0), None)),
    (
        "flight",
        row(50_000.0, Some(DAY_H), Some(20_000.0), Some(350.0)),
    ),
    ("training", row(500.0, Some(30.0 * DAY_H), None, None)),
    ("base", row(500.0, None, None, None)),
    ("camp", row(500.0, None, None, None)),
    ("hospital", row(500.0, None, None, None)),
    ("unit_position", row(100.0, None, None, None)),
];

/// How far beyond its last report a silent unit may be assumed to be, by
/// default, metres.
pub const STALE_REACH_CAP_M: f64 = 20_000.0;

/// WGS84's largest radius of curvature (at the poles), km: no part of the
/// ellipsoid is larger than a sphere of this radius makes it.
const R_MAX_KM: f64 = 6_399.594;

/// An upper bound of the area a volume covers, km²: the area of its
/// bounding box (geometry grown by the buffer, as the index holds it) on a
/// sphere of WGS84's largest radius of curvature. A box around a pole or
/// across every longitude counts whole, which only errs towards refusing.
pub fn covered_km2(volume: &Volume) -> f64 {
    box_km2(volume.bounds())
}

/// An upper bound of the area of a longitude/latitude box `[west, south,
/// east, north]`, km², on a sphere of WGS84's largest radius of curvature.
pub fn box_km2([w, s, e, n]: [f64; 4]) -> f64 {
    let width = (e - w).clamp(0.0, 360.0).to_radians();
    let band = s.clamp(-90.0, 90.0).to_radians().sin() - n.clamp(-90.0, 90.0).to_radians().sin();
    R_MAX_KM * R_MAX_KM * width * band.abs()
}

/// The largest buffer `volume`'s geometry may take and cover at most
/// `max_km2` (0 if the geometry alone covers more), to the metre or finer.
pub(crate) fn largest_buffer_m(volume: &Volume, max_km2: f64) -> f64 {
    let covers = |buffer_m: f64| {
        volume
            .with_buffer(buffer_m)
            .map_or(f64::INFINITY, |v| covered_km2(&v))
    };
    let (mut lo, mut hi) = (0.0, deconflict_geo4d::MAX_BUFFER_M);
    if covers(lo) > max_km2 {
        return 0.0;
    }
    if covers(hi) <= max_km2 {
        return hi;
    }
    while hi - lo > 0.5 {
        let mid = (lo + hi) / 2.0;
        if covers(mid) <= max_km2 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Activity kinds that need an approver's clearance even without a conflict,
/// and the limits of each kind. Configuration: the log records each decision
/// (`held` or `cleared`, accepted or refused), so a changed policy never
/// changes the past.
#[derive(Debug, Clone, PartialEq)]
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
    /// How often a stop not yet acknowledged is told again, milliseconds
    /// (see `stops.rs`).
    pub stop_remind_ms: i64,
    /// How long the owner of an unconfirmed site has to re-confirm it once
    /// an activity is planned over it, when no notice rule says,
    /// milliseconds (see `sites.rs`).
    pub reconfirm_within_ms: i64,
    /// How long a party accused of striking a site it had been told of has
    /// to respond, when no rule says, milliseconds.
    pub respond_within_ms: i64,
    /// When a question is wide, and the budget of answers per party.
    pub probing: crate::probing::ProbingPolicy,
    /// The limits of each kind with a row of its own; a limit a row leaves
    /// `None` is [`Policy::default_limits`]'s.
    pub limits: BTreeMap<String, Limits>,
    /// The default row: any other kind, and any limit a row leaves unset;
    /// `None` here is no limit.
    pub default_limits: Limits,
    /// How far beyond the circular error of its last report a silent unit's
    /// buffer may grow, metres; it stops there (or where its kind's area
    /// limit stops it, if sooner) and the unit is lost.
    pub stale_reach_cap_m: f64,
}

impl Policy {
    pub fn new<S: Into<String>>(kinds: impl IntoIterator<Item = S>) -> Policy {
        Policy {
            needs_clearance: kinds.into_iter().map(Into::into).collect(),
            default_max_speed_mps: 30,
            escalate_after_ms: 10 * 60 * 1000,
            attack_radius_m: 10_000,
            stop_remind_ms: crate::stops::REMIND_EVERY_MS,
            reconfirm_within_ms: 2 * 3_600_000,
            respond_within_ms: 72 * 3_600_000,
            probing: crate::probing::ProbingPolicy::default(),
            limits: KIND_LIMITS
                .iter()
                .map(|(kind, limits)| ((*kind).to_owned(), *limits))
                .collect(),
            default_limits: DEFAULT_LIMITS,
            stale_reach_cap_m: STALE_REACH_CAP_M,
        }
    }

    /// The default policy without any limit: no area, window, altitude or
    /// speed ceiling, and a silent unit grows to the engine's largest
    /// buffer. For tests that generate volumes at random.
    pub fn unlimited() -> Policy {
        Policy {
            limits: BTreeMap::new(),
            default_limits: Limits::NONE,
            stale_reach_cap_m: f64::INFINITY,
            ..Policy::default()
        }
    }

    pub fn needs_clearance(&self, kind: &str) -> bool {
        self.needs_clearance.contains(kind)
    }

    /// The limits `kind` is held to: its row over the default row.
    pub fn limits(&self, kind: &str) -> Limits {
        self.limits
            .get(kind)
            .copied()
            .unwrap_or_default()
            .or(self.default_limits)
    }

    /// How fast a tracked unit of `kind` that declares `declared` m/s (or
    /// nothing: the policy's default) is taken to move: never above its
    /// kind's ceiling.
    pub fn unit_speed_mps(&self, kind: &str, declared: Option<f64>) -> f64 {
        let speed = declared.unwrap_or(f64::from(self.default_max_speed_mps));
        match self.limits(kind).max_speed_mps {
            Some(ceiling) => speed.min(ceiling),
            None => speed,
        }
    }
}

impl Default for Policy {
    /// `air_strike`, `indirect_fire`, `ground_operation` and `flight` need
    /// clearance; stale units move at 30 m/s and are lost 20 km out;
    /// escalation after 10 minutes; attack alerts within 10 km; the limits
    /// of [`KIND_LIMITS`] and [`DEFAULT_LIMITS`].
    fn default() -> Policy {
        Policy::new(["air_strike", "indirect_fire", "ground_operation", "flight"])
    }
}
