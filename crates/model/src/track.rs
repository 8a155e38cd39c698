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
//!
//! Two limits keep this to the physical world:
//!
//! - **No teleport.** A unit is only where it could have got to: a report
//!   that moves it, or an amendment that moves its declared geometry, must
//!   lie within its speed (declared, else the policy's default, never above
//!   its kind's ceiling) times the time since its last report, plus both
//!   circular errors and a small slack ([`MOVE_SLACK_M`], [`MOVE_SLACK_MS`]),
//!   of that last report. A unit's first report is its first fix: its
//!   declared geometry is what its owner says, not a position measured. The
//!   last report is kept across amendments, so an amendment does not give
//!   the next report a fresh start. A report whose circular error alone
//!   would make the unit cover more than its kind may is no fix either.
//! - **Lost, not everywhere.** A silent unit's buffer stops growing at
//!   [`crate::Policy::stale_reach_cap_m`] beyond its last report's (and
//!   never past what its kind's area limit allows); it is then *lost*
//!   ([`StaleUnit::lost`]). A lost unit keeps the conflicts it has, but
//!   meets no new activity: an activity planned over it opens no conflict,
//!   holds nothing and tells its owner nothing; the coordinator alone is
//!   alerted. Its owner and the coordinator see it as lost. Its next report
//!   finds it again at once: it is where it says, and its conflicts are
//!   found again as for any report.

use crate::error::ModelError;
use crate::id::{ConflictId, DeclarationId, ObjectRef};
use crate::object::Declaration;
use crate::policy::{covered_km2, largest_buffer_m};
use crate::validate::{about, article, number};
use deconflict_geo4d::{Geometry, GeometryKind, LonLat, Volume, geodesic_m};
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
    /// it reached the largest buffer it may have.
    pub until_ms: Option<i64>,
    /// Its buffer reached the cap: where it is is no longer known. It meets
    /// no new activity (the coordinator is alerted instead) until it
    /// reports again.
    #[serde(default, skip_serializing_if = "is_false")]
    pub lost: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
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

/// How much farther than its speed allows a unit may seem to move between
/// two positions, metres: the rounding of devices.
pub const MOVE_SLACK_M: f64 = 100.0;
/// How much longer than the time between two positions a unit may seem to
/// have taken, milliseconds: the timing of devices and of the service.
pub const MOVE_SLACK_MS: i64 = 5_000;

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

impl TrackReport {
    /// Whether a command could carry this report at `now_ms` (its fields
    /// only, not the unit it names): for a feed that drops a bad report
    /// rather than its whole batch.
    pub fn check(&self, now_ms: i64) -> Result<(), ModelError> {
        validate_report(self, now_ms)
            .map_err(|(field, message)| ModelError::invalid(field, message))
    }
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
/// to `until_ms`; at `cap_m` it stops, and the unit is lost.
pub(crate) fn stale_growth(
    declared_buffer_m: f64,
    last: &TrackReport,
    max_speed_mps: f64,
    until_ms: i64,
    cap_m: f64,
) -> StaleUnit {
    let reach = max_speed_mps * (until_ms - last.time_ms).max(0) as f64 / 1000.0;
    let buffer = declared_buffer_m + last.position.ce_m.unwrap_or(0.0) + reach;
    let lost = buffer >= cap_m;
    StaleUnit {
        declaration: last.declaration,
        buffer_m: buffer.min(cap_m),
        until_ms: (!lost).then_some(until_ms),
        lost,
    }
}

/// The largest buffer a silent unit last heard of with `heard_m` (its
/// declared buffer and the report's circular error) may grow to: `reach_m`
/// beyond it, no more than `max_area_km2` allows around `at` (its volume at
/// the last report), nor the engine's largest buffer; never less than
/// `heard_m` itself.
pub(crate) fn stale_cap_m(
    at: &Volume,
    heard_m: f64,
    reach_m: f64,
    max_area_km2: Option<f64>,
) -> f64 {
    let mut cap = (heard_m + reach_m).min(deconflict_geo4d::MAX_BUFFER_M);
    if let Some(max) = max_area_km2 {
        cap = cap.min(largest_buffer_m(at, max));
    }
    cap.max(heard_m.min(deconflict_geo4d::MAX_BUFFER_M))
}

/// How far a unit last fixed at `fix` may be at `time_ms`: its speed for
/// the time between (either way) and [`MOVE_SLACK_MS`], both circular
/// errors, and [`MOVE_SLACK_M`].
fn reach_m(fix: &TrackReport, time_ms: i64, error_m: f64, speed_mps: f64) -> f64 {
    let elapsed_ms = time_ms
        .abs_diff(fix.time_ms)
        .saturating_add(MOVE_SLACK_MS as u64);
    speed_mps * elapsed_ms as f64 / 1000.0
        + fix.position.ce_m.unwrap_or(0.0)
        + error_m
        + MOVE_SLACK_M
}

/// Refuses a place farther from the unit's last fix than it could have
/// gone by `time_ms`: `places`' farthest position, allowed `error_m` (its
/// circular error, or the buffer of a declared geometry).
fn within_reach(
    fix: &TrackReport,
    places: impl IntoIterator<Item = LonLat>,
    time_ms: i64,
    error_m: f64,
    speed_mps: f64,
) -> Result<(), String> {
    let from = [fix.position.lon, fix.position.lat];
    let farthest = places
        .into_iter()
        .map(|p| geodesic_m(from, p))
        .fold(0.0, f64::max);
    let reach = reach_m(fix, time_ms, error_m, speed_mps);
    if farthest <= reach {
        return Ok(());
    }
    Err(format!(
        "{} from where the unit last reported, {} {}; at {} m/s it could be at most {} away",
        metres(farthest),
        elapsed(time_ms.abs_diff(fix.time_ms)),
        if time_ms >= fix.time_ms {
            "before"
        } else {
            "after"
        },
        number(speed_mps),
        metres(reach)
    ))
}

fn metres(m: f64) -> String {
    if m >= 10_000.0 {
        format!("{} km", about(m / 1000.0))
    } else {
        format!("{} m", number(m.round()))
    }
}

fn elapsed(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..120 => format!("{s} s"),
        120..7200 => format!("{} min", s / 60),
        _ => format!("{} h", s / 3600),
    }
}

/// Every position of a geometry: the farthest point of any of them from a
/// place is one of these.
fn positions(geometry: &Geometry) -> Vec<LonLat> {
    match geometry.kind() {
        GeometryKind::Point(p) => vec![*p],
        GeometryKind::MultiPoint(p) | GeometryKind::LineString(p) => p.clone(),
        GeometryKind::MultiLineString(l) | GeometryKind::Polygon(l) => l.concat(),
        GeometryKind::MultiPolygon(p) => p.iter().flatten().flatten().copied().collect(),
    }
}

impl crate::State {
    /// The reporting interval `party`'s unit `id` declared, in seconds, if
    /// it is a tracked unit of that party's. The service paces a party's
    /// reports by it; another party's unit is `None`, so pacing can never
    /// tell one party of another's units or their reports.
    pub fn own_report_interval_s(&self, party: &str, id: &DeclarationId) -> Option<u32> {
        let d = self.declarations.get(id).filter(|d| d.owner == party)?;
        Some(d.spec.tracking.as_ref()?.report_interval_s)
    }

    /// Whether a tracked unit is lost (see the module docs).
    pub(crate) fn is_lost(&self, id: &DeclarationId) -> bool {
        self.declarations
            .get(id)
            .and_then(|d| d.track.as_ref()?.stale.as_ref())
            .is_some_and(|s| s.lost)
    }

    /// How fast a declaration's unit is taken to move (see
    /// [`crate::Policy::unit_speed_mps`]).
    pub(crate) fn unit_speed(&self, d: &Declaration) -> f64 {
        let declared = d.spec.tracking.as_ref().and_then(|t| t.max_speed_mps);
        self.policy.unit_speed_mps(&d.spec.kind, declared)
    }

    /// Refuses a report that would move unit `d` (standing, live) beyond
    /// where it could be, naming the report's field: its circular error
    /// more than the unit's kind may cover, or its position beyond reach of
    /// the unit's last report.
    pub(crate) fn plausible_report(
        &self,
        d: &Declaration,
        report: &TrackReport,
    ) -> Result<(), (&'static str, String)> {
        let p = &report.position;
        let ce = p.ce_m.unwrap_or(0.0);
        if let (Some(max), true) = (self.policy.limits(&d.spec.kind).max_area_km2, ce > 0.0)
            && let Ok(point) = Geometry::point(p.lon, p.lat)
            && let Some(live) = self.index.get(d.key)
            && let Ok(uncertain) = live.moved_to(point).with_buffer(ce)
        {
            let covered = covered_km2(&uncertain);
            if covered > max {
                let kind = &d.spec.kind;
                return Err((
                    "ce_m",
                    format!(
                        "{} m: the unit would be anywhere in about {} km²; {} {kind} may cover at most {} km²",
                        number(ce),
                        about(covered),
                        article(kind),
                        number(max)
                    ),
                ));
            }
        }
        if let Some(fix) = &d.fix {
            within_reach(
                fix,
                [[p.lon, p.lat]],
                report.time_ms,
                ce,
                self.unit_speed(d),
            )
            .map_err(|message| ("lat", message))?;
        }
        Ok(())
    }

    /// Refuses an amendment that moves unit `d`'s declared geometry to
    /// `geometry` (buffered by `buffer_m`) beyond where it could be at
    /// `now_ms`, naming `geometry`.
    pub(crate) fn plausible_place(
        &self,
        d: &Declaration,
        geometry: &Geometry,
        buffer_m: f64,
        now_ms: i64,
    ) -> Result<(), ModelError> {
        let Some(fix) = &d.fix else {
            return Ok(());
        };
        let time_ms = now_ms.max(fix.time_ms);
        within_reach(
            fix,
            positions(geometry),
            time_ms,
            buffer_m,
            self.unit_speed(d),
        )
        .map_err(|message| ModelError::invalid("geometry", message))
    }

    /// Whether `party` could report `report` at `now_ms`, as one report of
    /// a `Track` command: its fields, that it names a standing tracked unit
    /// of the party, and, if it would move the unit, that the unit could be
    /// there (see the module docs). For a feed that drops a bad report
    /// rather than its whole batch; fields are named without `reports[i].`.
    pub fn check_report(
        &self,
        party: &str,
        report: &TrackReport,
        now_ms: i64,
    ) -> Result<(), ModelError> {
        report.check(now_ms)?;
        let d = self
            .declarations
            .get(&report.declaration)
            .filter(|d| d.owner == party && !d.withdrawn && d.spec.tracking.is_some())
            .ok_or_else(|| {
                ModelError::invalid(
                    "declaration_id",
                    "not a standing declaration of your party with tracking",
                )
            })?;
        let moves = d
            .track
            .as_ref()
            .is_none_or(|t| t.last.time_ms <= report.time_ms);
        if moves {
            self.plausible_report(d, report)
                .map_err(|(field, message)| ModelError::invalid(field, message))?;
        }
        Ok(())
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
    fn a_stale_unit_grows_by_its_speed_until_the_cap_and_is_lost_there() {
        let last = report(33.0, 44.0);
        let cap = deconflict_geo4d::MAX_BUFFER_M;
        let grown = stale_growth(500.0, &last, 10.0, 61_000, cap);
        assert_eq!(grown.buffer_m, 500.0 + 20.0 + 600.0);
        assert_eq!(grown.until_ms, Some(61_000));
        assert!(!grown.lost);
        let capped = stale_growth(500.0, &last, 3000.0, 1_000_000_000, cap);
        assert_eq!(capped.buffer_m, cap);
        assert_eq!(capped.until_ms, None);
        assert!(capped.lost);
        let capped = stale_growth(500.0, &last, 10.0, 10_000_000, 20_520.0);
        assert_eq!(
            (capped.buffer_m, capped.until_ms, capped.lost),
            (20_520.0, None, true)
        );
    }

    #[test]
    fn the_cap_is_the_reach_or_the_area_limit_whichever_is_less() {
        let at = declared();
        // 20 km beyond 520 m, well within 2,500 km².
        assert_eq!(stale_cap_m(&at, 520.0, 20_000.0, Some(2_500.0)), 20_520.0);
        // 100 km² allows a point a little under 5 km.
        let cap = stale_cap_m(&at, 520.0, 20_000.0, Some(100.0));
        assert!((4_800.0..5_000.0).contains(&cap), "{cap}");
        let covered = covered_km2(&at.with_buffer(cap).unwrap());
        assert!(covered <= 100.0 && covered > 99.0, "{covered}");
        // Never less than what the last report already said.
        assert_eq!(stale_cap_m(&at, 9_000.0, 20_000.0, Some(100.0)), 9_000.0);
        assert_eq!(
            stale_cap_m(&at, 520.0, f64::INFINITY, None),
            deconflict_geo4d::MAX_BUFFER_M
        );
    }

    #[test]
    fn a_place_is_within_reach_by_speed_time_errors_and_slack() {
        let fix = report(33.0, 44.0);
        // 10 m/s for a minute: 600 m, 50 m of slack time, 20 m and 30 m of
        // error and 100 m of slack: 800 m.
        let at = |metres: f64| [44.0, 33.0 + metres / 110_900.0];
        assert!(within_reach(&fix, [at(790.0)], 61_000, 30.0, 10.0).is_ok());
        let err = within_reach(&fix, [at(810.0)], 61_000, 30.0, 10.0).unwrap_err();
        assert!(
            err.contains("60 s before") && err.contains("at 10 m/s"),
            "{err}"
        );
        // Either way in time.
        assert!(within_reach(&fix, [at(790.0)], -59_000, 30.0, 10.0).is_ok());
        // The farthest position counts.
        assert!(within_reach(&fix, [at(0.0), at(810.0)], 61_000, 30.0, 10.0).is_err());
    }
}
