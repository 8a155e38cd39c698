//! Tracks: where a declared unit says it is, and what is assumed of it when
//! it falls silent.
//!
//! A declaration with [`TrackingSpec`] is a reporting unit. Each
//! [`TrackReport`] moves its live volume to the reported point, its buffer
//! grown by the report's circular error; conflicts are found again at once
//! (see [`crate::State::execute`]). A unit that has not reported for twice
//! its declared interval is **stale**: the service's sweep
//! ([`crate::Command::Sweep`]) grows its buffer by its maximum speed times
//! the time since its last report, ahead of the clock, so that an unknown
//! position never reads as a safe one.

use crate::error::ModelError;
use crate::id::{ConflictId, DeclarationId, ObjectRef};
use deconflict_geo4d::{Geometry, Volume};
use serde::{Deserialize, Serialize};

/// How a declared unit reports its position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackingSpec {
    /// Seconds between reports the unit keeps to; past twice this it is stale.
    pub report_interval_s: u32,
    /// How fast it can move, metres a second; the policy's default if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_speed_mps: Option<f64>,
    /// The Cursor-on-Target `uid` its device reports under, unique among its
    /// party's standing declarations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cot_uid: Option<String>,
}

/// One position report of a tracked unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackReport {
    pub declaration: DeclarationId,
    /// When the unit was there, Unix milliseconds.
    pub time_ms: i64,
    pub position: Position,
}

/// Where a unit was, as its device measured it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
    /// Height above the ellipsoid, metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hae: Option<f64>,
    /// Circular error (radius), metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ce_m: Option<f64>,
    /// Metres a second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_mps: Option<f64>,
    /// Degrees clockwise from true north, `[0, 360)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course_deg: Option<f64>,
}

/// A tracked unit gone stale, as the sweep recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaleUnit {
    pub declaration: DeclarationId,
    /// The whole buffer of its conservative volume around its last position.
    pub buffer_m: f64,
    /// Until when that buffer covers how far it may have gone; `None` once
    /// it reached the largest buffer a volume may have.
    pub until_ms: Option<i64>,
}

/// Someone must be told at once: a reporting unit in a live hazard, an
/// attack near a party's declarations. The coordinator is always told too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// The conflict (unit and hazard) or the `attack` incident.
    pub subject: ObjectRef,
    pub parties: Vec<String>,
}

/// A conflict's notification to one party left unacknowledged too long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    pub conflict: ConflictId,
    pub party: String,
    /// 1: to every credential of the party; 2: to the coordinator as well.
    pub level: u8,
}

/// The highest escalation level.
pub const MAX_ESCALATION: u8 = 2;

/// A unit's track as the state holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Track {
    pub(crate) last: TrackReport,
    /// Set by the sweep once the unit is stale; cleared by its next report.
    pub(crate) stale: Option<StaleUnit>,
}

/// A track as a viewer who sees the unit in full sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackView {
    pub time_ms: i64,
    pub position: Position,
    /// Whether the unit is stale, and the buffer assumed of it then.
    pub stale: Option<StaleUnit>,
}

impl From<&Track> for TrackView {
    fn from(track: &Track) -> TrackView {
        TrackView {
            time_ms: track.last.time_ms,
            position: track.last.position,
            stale: track.stale.clone(),
        }
    }
}

/// The most reports one command may carry.
pub const MAX_REPORTS: usize = 10_000;
/// How far ahead of the service's clock a report may be, for devices whose
/// clocks run fast.
const MAX_AHEAD_MS: i64 = 5 * 60 * 1000;
const MAX_CE_M: f64 = 100_000.0;
const MAX_SPEED_MPS: f64 = 3_000.0;
const MAX_COT_UID: usize = 256;
/// The shortest and longest reporting intervals a unit may declare.
const INTERVAL_S: std::ops::RangeInclusive<u32> = 1..=86_400;

/// Checks a tracking spec, naming fields under `tracking.`.
pub(crate) fn validate_spec(spec: &TrackingSpec) -> Result<(), ModelError> {
    if !INTERVAL_S.contains(&spec.report_interval_s) {
        return Err(ModelError::invalid(
            "tracking.report_interval_s",
            format!(
                "must be {} to {} seconds",
                INTERVAL_S.start(),
                INTERVAL_S.end()
            ),
        ));
    }
    if let Some(v) = spec.max_speed_mps
        && !(v.is_finite() && v > 0.0 && v <= MAX_SPEED_MPS)
    {
        return Err(ModelError::invalid(
            "tracking.max_speed_mps",
            format!("must be more than 0 and at most {MAX_SPEED_MPS} m/s"),
        ));
    }
    if let Some(uid) = &spec.cot_uid
        && (uid.is_empty() || uid.len() > MAX_COT_UID || uid.chars().any(char::is_control))
    {
        return Err(ModelError::invalid(
            "tracking.cot_uid",
            format!("must be 1 to {MAX_COT_UID} bytes without control characters"),
        ));
    }
    Ok(())
}

/// Checks a batch's size and each report's fields (not what it names),
/// naming fields as `reports[i].lat`.
pub(crate) fn validate_reports(reports: &[TrackReport], now_ms: i64) -> Result<(), ModelError> {
    if reports.is_empty() || reports.len() > MAX_REPORTS {
        return Err(ModelError::invalid(
            "reports",
            format!("must hold 1 to {MAX_REPORTS} reports"),
        ));
    }
    for (i, report) in reports.iter().enumerate() {
        validate_report(report, now_ms).map_err(|(field, message)| {
            ModelError::invalid(format!("reports[{i}].{field}"), message)
        })?;
    }
    Ok(())
}

fn validate_report(report: &TrackReport, now_ms: i64) -> Result<(), (&'static str, String)> {
    let p = &report.position;
    let within = |field, value: f64, lo: f64, hi: f64| {
        if value.is_finite() && (lo..=hi).contains(&value) {
            Ok(())
        } else {
            Err((field, format!("{value} is outside {lo}..={hi}")))
        }
    };
    if report.time_ms > now_ms.saturating_add(MAX_AHEAD_MS) {
        return Err((
            "time",
            "more than five minutes ahead of the service's clock".to_owned(),
        ));
    }
    within("lat", p.lat, -90.0, 90.0)?;
    within("lon", p.lon, -180.0, 180.0)?;
    if let Some(hae) = p.hae {
        within("hae", hae, -12_000.0, 1_000_000.0)?;
    }
    if let Some(ce) = p.ce_m {
        within("ce_m", ce, 0.0, MAX_CE_M)?;
    }
    if let Some(speed) = p.speed_mps {
        within("speed", speed, 0.0, MAX_SPEED_MPS)?;
    }
    if let Some(course) = p.course_deg
        && !(course.is_finite() && (0.0..360.0).contains(&course))
    {
        return Err(("course", format!("{course} is outside [0, 360)")));
    }
    Ok(())
}

/// The live volume of a unit at a reported position: its live volume moved
/// to the point, with the declared buffer grown by the circular error and
/// `extra_m`. The declared altitude band and window stay.
pub(crate) fn unit_volume(
    live: &Volume,
    declared_buffer_m: f64,
    position: &Position,
    extra_m: f64,
) -> Result<Volume, ModelError> {
    let refused = |e: deconflict_geo4d::Invalid| ModelError::invalid("position", e.to_string());
    let point = Geometry::point(position.lon, position.lat).map_err(refused)?;
    let buffer = declared_buffer_m + position.ce_m.unwrap_or(0.0) + extra_m;
    live.moved_to(point)
        .with_buffer(buffer.min(deconflict_geo4d::MAX_BUFFER_M))
        .map_err(refused)
}

/// The reports of a batch that move their units: each unit's latest (the
/// first of equals). Execute and apply both choose with this, and each then
/// skips a report older than the unit's track, which stays in the log as
/// where the unit said it was.
pub(crate) fn moves(reports: &[TrackReport]) -> Vec<&TrackReport> {
    let mut latest: Vec<&TrackReport> = Vec::new();
    let mut at = std::collections::HashMap::new();
    for report in reports {
        match at.entry(report.declaration) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(latest.len());
                latest.push(report);
            }
            std::collections::hash_map::Entry::Occupied(slot) => {
                let kept = &mut latest[*slot.get()];
                if report.time_ms > kept.time_ms {
                    *kept = report;
                }
            }
        }
    }
    latest
}

/// How long a tracked unit may stay silent before it is stale.
pub(crate) fn stale_after_ms(spec: &TrackingSpec) -> i64 {
    2 * 1000 * i64::from(spec.report_interval_s)
}

/// How far ahead of the clock one stale growth reaches: a sweep need not
/// record a growth every second for every silent unit.
pub(crate) fn growth_horizon_ms(spec: &TrackingSpec) -> i64 {
    (1000 * i64::from(spec.report_interval_s)).max(10_000)
}

/// The conservative buffer of a unit last heard of in `last`, covering up
/// to `until_ms` (none once capped).
pub(crate) fn stale_growth(
    declared_buffer_m: f64,
    last: &TrackReport,
    max_speed_mps: f64,
    until_ms: i64,
) -> StaleUnit {
    let reach = max_speed_mps * (until_ms - last.time_ms).max(0) as f64 / 1000.0;
    let buffer = declared_buffer_m + last.position.ce_m.unwrap_or(0.0) + reach;
    let capped = buffer >= deconflict_geo4d::MAX_BUFFER_M;
    StaleUnit {
        declaration: last.declaration,
        buffer_m: buffer.min(deconflict_geo4d::MAX_BUFFER_M),
        until_ms: (!capped).then_some(until_ms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deconflict_geo4d::{AltitudeBand, Window};

    fn declared() -> Volume {
        Volume::new(
            Geometry::point(44.0, 33.0).unwrap(),
            500.0,
            AltitudeBand::new(0.0, 0.0).unwrap(),
            Window::new(0, None).unwrap(),
        )
        .unwrap()
    }

    fn report(lat: f64, lon: f64) -> TrackReport {
        TrackReport {
            declaration: DeclarationId::parse("dec_000000000001").unwrap(),
            time_ms: 1_000,
            position: Position {
                lat,
                lon,
                hae: None,
                ce_m: Some(20.0),
                speed_mps: None,
                course_deg: None,
            },
        }
    }

    #[test]
    fn a_report_moves_the_volume_and_grows_it_by_its_error() {
        let v = unit_volume(&declared(), 500.0, &report(34.9, 43.5).position, 0.0).unwrap();
        assert_eq!(v.buffer_m(), 520.0);
        assert_eq!(v.geometry(), &Geometry::point(43.5, 34.9).unwrap());
        assert_eq!(v.window(), declared().window());
    }

    #[test]
    fn a_batch_moves_each_unit_to_its_latest_report() {
        let mut a = report(33.0, 44.0);
        let mut b = a.clone();
        b.time_ms = 2_000;
        let mut c = a.clone();
        c.declaration = DeclarationId::parse("dec_000000000002").unwrap();
        a.time_ms = 3_000;
        let batch = [b.clone(), c.clone(), a.clone(), b];
        assert_eq!(moves(&batch), vec![&a, &c]);
    }

    #[test]
    fn reports_name_the_field_at_fault() {
        type Spoil = fn(&mut TrackReport);
        let cases: &[(Spoil, &str)] = &[
            (|r| r.position.lat = 90.5, "reports[1].lat"),
            (|r| r.position.lon = f64::NAN, "reports[1].lon"),
            (|r| r.position.ce_m = Some(-1.0), "reports[1].ce_m"),
            (
                |r| r.position.speed_mps = Some(f64::INFINITY),
                "reports[1].speed",
            ),
            (|r| r.position.course_deg = Some(360.0), "reports[1].course"),
            (|r| r.time_ms = 10_000_000, "reports[1].time"),
        ];
        for (spoil, field) in cases {
            let mut bad = report(33.0, 44.0);
            spoil(&mut bad);
            let err = validate_reports(&[report(33.0, 44.0), bad], 0).unwrap_err();
            assert!(
                matches!(&err, ModelError::Invalid { field: f, .. } if f == field),
                "{field}: {err}"
            );
        }
        assert!(validate_reports(&[], 0).is_err());
        assert!(validate_reports(&[report(33.0, 44.0)], 0).is_ok());
    }

    #[test]
    fn a_stale_unit_grows_by_its_speed_until_the_cap() {
        let last = report(33.0, 44.0);
        let grown = stale_growth(500.0, &last, 10.0, 61_000);
        assert_eq!(grown.buffer_m, 500.0 + 20.0 + 600.0);
        assert_eq!(grown.until_ms, Some(61_000));
        let capped = stale_growth(500.0, &last, 3000.0, 1_000_000_000);
        assert_eq!(capped.buffer_m, deconflict_geo4d::MAX_BUFFER_M);
        assert_eq!(capped.until_ms, None);
    }
}
