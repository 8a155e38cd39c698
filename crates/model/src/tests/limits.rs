//! Limits that follow the physical world: no object covers a country, lasts
//! for years or reaches space; no unit moves faster than its kind can, jumps
//! across the map, or, once silent, is assumed everywhere. Each threat is
//! played as the PMF, with operator credentials, would play it against the
//! demo.

use super::*;
use crate::{
    ActivityState, Alert, Limits, Position, StaleUnit, TrackReport, TrackingSpec, covered_km2,
};

/// A box around the whole of Iraq.
fn iraq() -> geojson::Geometry {
    let ring = [
        [38.8, 29.1],
        [48.6, 29.1],
        [48.6, 37.4],
        [38.8, 37.4],
        [38.8, 29.1],
    ];
    geojson::Geometry::new_polygon([ring])
}

/// Balad, and a place 50 km east of it.
const BALAD: (f64, f64) = (44.16, 34.03);
const FIFTY_KM_EAST: (f64, f64) = (44.7045, 34.03);

const YEAR: i64 = 365 * 24 * HOUR;

/// The PMF's survey, 2020 to 2040, 0 to 100 km.
fn the_survey() -> Command {
    let mut volume = vol(iraq(), 0.0, 0, None);
    volume.to_ms = Some(T0 + 20 * YEAR);
    volume.altitude_m = [0.0, 100_000.0];
    submit("survey", "Survey", volume)
}

fn refused(w: &mut World, who: &str, command: Command) -> (String, String) {
    let before = w.entries.len();
    match w.run(who, command) {
        Err(ModelError::Invalid { field, message }) => {
            assert_eq!(w.entries.len(), before, "nothing is logged");
            (field, message)
        }
        other => panic!("not refused as invalid: {other:?}"),
    }
}

fn unit(label: &str, at: (f64, f64), max_speed_mps: Option<f64>) -> Command {
    let mut command = declare(
        "unit_position",
        label,
        vol(point(at.0, at.1), 200.0, -48, None),
    );
    if let Command::Declare(spec) = &mut command {
        spec.tracking = Some(TrackingSpec {
            report_interval_s: 60,
            max_speed_mps,
            cot_uid: None,
        });
    }
    command
}

fn report(unit: DeclarationId, time_ms: i64, at: (f64, f64)) -> TrackReport {
    TrackReport {
        declaration: unit,
        time_ms,
        position: Position {
            lat: at.1,
            lon: at.0,
            hae: None,
            ce_m: Some(10.0),
            speed_mps: None,
            course_deg: None,
        },
    }
}

fn track(reports: Vec<TrackReport>) -> Command {
    Command::Track { reports }
}

/// `at` moved `metres` east (at Balad's latitude).
fn east(at: (f64, f64), metres: f64) -> (f64, f64) {
    (at.0 + metres / 92_330.0, at.1)
}

fn policy_with(kind: &str, limits: Limits) -> Policy {
    let mut policy = Policy::default();
    policy.limits.insert(kind.to_owned(), limits);
    policy
}

#[test]
fn a_survey_of_all_iraq_is_refused_naming_the_geometry_and_the_limit() {
    let mut w = World::new();
    let (field, message) = refused(&mut w, "pmf/operator", the_survey());
    assert_eq!(field, "geometry");
    assert!(message.starts_with("covers about "), "{message}");
    assert!(
        message.ends_with("km²; a survey may cover at most 5,000 km²"),
        "{message}"
    );
    // A point whose buffer makes it as large is refused naming the buffer.
    let (field, message) = refused(
        &mut w,
        "pmf/operator",
        submit(
            "air_strike",
            "Strike",
            vol(point(BALAD.0, BALAD.1), 50_000.0, 1, Some(2)),
        ),
    );
    assert_eq!(field, "buffer_m");
    assert!(
        message.ends_with("an air_strike may cover at most 2,500 km²"),
        "{message}"
    );
}

#[test]
fn a_window_of_twenty_years_is_refused_naming_its_end() {
    let mut w = World::new();
    let mut volume = vol(point(BALAD.0, BALAD.1), 1_000.0, 0, None);
    volume.to_ms = Some(T0 + 20 * YEAR);
    let (field, message) = refused(&mut w, "pmf/operator", submit("survey", "Survey", volume));
    assert_eq!(field, "end");
    assert_eq!(
        message,
        "the window lasts about 7,300 days; a survey may last at most 7 days"
    );
    // A week is allowed; a day more is not.
    let week = vol(point(BALAD.0, BALAD.1), 1_000.0, 0, Some(7 * 24));
    w.ok("pmf/operator", "week", submit("survey", "Survey", week));
    let eight = vol(point(BALAD.0, BALAD.1), 1_000.0, 0, Some(8 * 24));
    let (field, _) = refused(&mut w, "pmf/operator", submit("survey", "Survey", eight));
    assert_eq!(field, "end");
    // A declaration's window may stay open: a site stands until withdrawn.
    w.ok(
        "pmf/operator",
        "base",
        declare(
            "base",
            "Base",
            vol(point(BALAD.0, BALAD.1), 1_000.0, 0, None),
        ),
    );
}

#[test]
fn an_altitude_of_100_km_is_refused_naming_the_band() {
    let mut w = World::new();
    let mut volume = vol(point(BALAD.0, BALAD.1), 1_000.0, 0, Some(6));
    volume.altitude_m = [0.0, 100_000.0];
    let (field, message) = refused(&mut w, "pmf/operator", submit("survey", "Survey", volume));
    assert_eq!(field, "altitude_m");
    assert_eq!(
        message,
        "reaches 100,000 m; a survey may reach at most 10,000 m"
    );
    // The same band on a declaration of a kind without a row: the default.
    let mut volume = vol(point(BALAD.0, BALAD.1), 1_000.0, 0, None);
    volume.altitude_m = [0.0, 100_000.0];
    let (field, message) = refused(&mut w, "pmf/operator", declare("checkpoint", "x", volume));
    assert_eq!(field, "altitude_m");
    assert!(
        message.ends_with("a checkpoint may reach at most 15,000 m"),
        "{message}"
    );
}

#[test]
fn a_unit_position_may_not_declare_3000_mps() {
    let mut w = World::new();
    let (field, message) = refused(
        &mut w,
        "pmf/operator",
        unit("company", BALAD, Some(3_000.0)),
    );
    assert_eq!(field, "tracking.max_speed_mps");
    assert_eq!(
        message,
        "3,000 m/s; a unit_position may move at most 70 m/s"
    );
    w.ok(
        "pmf/operator",
        "company",
        unit("company", BALAD, Some(70.0)),
    );
    // A unit of a kind that flies may go faster.
    let mut jet = unit("jet", BALAD, Some(300.0));
    if let Command::Declare(spec) = &mut jet {
        spec.kind = "flight".into();
    }
    w.ok("pmf/operator", "jet", jet);
}

#[test]
fn each_limit_yields_to_a_policy_that_allows_more() {
    let wide = Limits {
        max_area_km2: Some(1_000_000.0),
        max_window_h: Some(25.0 * 365.0 * 24.0),
        max_altitude_m: Some(100_000.0),
        max_speed_mps: None,
    };
    let mut w = World::with_policy(policy_with("survey", wide));
    w.ok("pmf/operator", "survey", the_survey());
    // One limit raised leaves the others of the row as they were.
    let area_only = Limits {
        max_area_km2: Some(1_000_000.0),
        ..Limits::default()
    };
    let mut w = World::with_policy(policy_with("survey", area_only));
    let (field, _) = refused(&mut w, "pmf/operator", the_survey());
    assert_eq!(field, "altitude_m");
    // The speed ceiling.
    let fast = Limits {
        max_speed_mps: Some(3_000.0),
        ..Limits::default()
    };
    let mut w = World::with_policy(policy_with("unit_position", fast));
    w.ok(
        "pmf/operator",
        "company",
        unit("company", BALAD, Some(3_000.0)),
    );
    // The default row, for a kind without its own.
    let mut policy = Policy::default();
    policy.default_limits.max_altitude_m = Some(200_000.0);
    let mut w = World::with_policy(policy);
    let mut volume = vol(point(BALAD.0, BALAD.1), 1_000.0, 0, None);
    volume.altitude_m = [0.0, 100_000.0];
    w.ok(
        "pmf/operator",
        "balloon",
        declare("checkpoint", "x", volume),
    );
    // And no limit at all.
    let mut w = World::with_policy(Policy::unlimited());
    w.ok("pmf/operator", "survey", the_survey());
}

/// The coalition's patrol 50 km east of Balad, cleared at once (a patrol
/// needs no clearance), and the PMF's company at Balad, which reports once.
fn the_company_and_a_patrol(
    policy: Policy,
    max_speed_mps: f64,
) -> (World, DeclarationId, ActivityId, i64) {
    let mut w = World::with_policy(policy);
    let entry = w.ok(
        "coalition/operator",
        "patrol",
        submit(
            "patrol",
            "Patrol",
            vol(
                point(FIFTY_KM_EAST.0, FIFTY_KM_EAST.1),
                1_000.0,
                -24,
                Some(72),
            ),
        ),
    );
    assert_eq!(entry.outcome.activity_state, Some(ActivityState::Cleared));
    w.ok(
        "pmf/operator",
        "company",
        unit("company", BALAD, Some(max_speed_mps)),
    );
    let company = w.decl("company");
    let heard = w.now();
    w.ok(
        "pmf/operator",
        "once",
        track(vec![report(company, heard, BALAD)]),
    );
    let patrol = w.act("patrol");
    (w, company, patrol, heard)
}

#[test]
fn a_unit_that_reports_once_and_falls_silent_is_lost_at_the_cap_and_holds_nothing_far_away() {
    // Unlimited, the service's own sweep grows a 3,000 m/s unit silent for
    // three hours to the engine's largest buffer: it re-holds the patrol
    // 50 km away with no further request.
    let (mut w, _, patrol, heard) = the_company_and_a_patrol(Policy::unlimited(), 3_000.0);
    w.set_clock(heard + 3 * HOUR);
    let sweep = w.ok("service", "sweep", Command::Sweep);
    assert_eq!(sweep.outcome.held, vec![patrol], "the threat is real");

    // With the limits: at most 70 m/s, and the reach stops at the cap.
    let (mut w, company, patrol, heard) = the_company_and_a_patrol(Policy::default(), 70.0);
    w.set_clock(heard + 3 * HOUR);
    let sweep = w.ok("service", "sweep", Command::Sweep);
    let [stale] = sweep.outcome.stale.as_slice() else {
        panic!("{:?}", sweep.outcome)
    };
    let StaleUnit {
        buffer_m,
        until_ms,
        lost,
        ..
    } = stale.clone();
    assert!(lost && until_ms.is_none(), "{stale:?}");
    // No more than a unit_position may cover: under 5 km, not 750.
    assert!(buffer_m < 5_000.0, "{buffer_m}");
    let volume = w
        .state
        .index
        .get(w.state.declarations[&company].key)
        .unwrap();
    assert!(covered_km2(volume) <= 100.0);
    assert!(sweep.outcome.opened.is_empty() && sweep.outcome.held.is_empty());
    let patrol = w.state.activity(&viewer("coalition"), &patrol).unwrap();
    assert_eq!(patrol.state, ActivityState::Cleared);
    assert!(patrol.conflicts.is_empty());
    // Its owner and the coordinator see it lost; nothing more is due.
    for party in ["pmf", "joc"] {
        let seen = w.state.declaration(&viewer(party), &company).unwrap();
        assert!(seen.track.unwrap().stale.unwrap().lost, "{party}");
    }
    w.set_clock(heard + 6 * HOUR);
    assert!(w.ok("service", "later", Command::Sweep).outcome.is_empty());
}

#[test]
fn the_reach_of_a_silent_unit_stops_at_the_policys_cap() {
    let policy = Policy {
        stale_reach_cap_m: 2_000.0,
        ..Policy::default()
    };
    let (mut w, _, _, heard) = the_company_and_a_patrol(policy, 70.0);
    w.set_clock(heard + HOUR);
    let sweep = w.ok("service", "sweep", Command::Sweep);
    let stale = &sweep.outcome.stale[0];
    // Its declared 200 m and the report's 10 m, and 2 km.
    assert_eq!((stale.buffer_m, stale.lost), (2_210.0, true));
}

#[test]
fn a_lost_unit_meets_no_new_activity_the_coordinator_is_told_and_a_report_finds_it_again() {
    let (mut w, company, _, heard) = the_company_and_a_patrol(Policy::default(), 20.0);
    w.set_clock(heard + 3 * HOUR);
    assert!(w.ok("service", "sweep", Command::Sweep).outcome.stale[0].lost);

    // A coalition patrol 2 km from where the company was last heard of,
    // within its last assumed reach: no conflict, not held, and the
    // coalition is told nothing; the coordinator alone is alerted.
    let near = east(BALAD, 2_000.0);
    let entry = w.ok(
        "coalition/operator",
        "near",
        submit(
            "patrol",
            "Patrol",
            vol(point(near.0, near.1), 500.0, 0, Some(6)),
        ),
    );
    let near_patrol = w.act("near");
    assert!(entry.outcome.opened.is_empty() && entry.outcome.notices.is_empty());
    assert_eq!(entry.outcome.activity_state, Some(ActivityState::Cleared));
    assert_eq!(
        entry.outcome.alerts,
        vec![Alert {
            subject: ObjectRef::Declaration(company),
            parties: vec![],
        }]
    );
    let seen = w.seen_by("coalition");
    assert!(!seen.contains(&company.to_string()), "{seen}");
    for party in ["coalition", "pmf"] {
        let reader = viewer(party);
        let told = crate::may_read(&w.state, &reader, &entry, "/outcome/alerts/0/subject");
        assert!(!told, "{party} reads the alert");
    }
    assert!(crate::may_read(
        &w.state,
        &viewer("joc"),
        &entry,
        "/outcome/alerts/0/subject"
    ));

    // It reports again, inside the patrol: found at once, in conflict, the
    // patrol held and both told.
    let now = w.now();
    let entry = w.ok(
        "pmf/operator",
        "found",
        track(vec![report(company, now, near)]),
    );
    let [opened] = entry.outcome.opened.as_slice() else {
        panic!("{:?}", entry.outcome)
    };
    assert_eq!(opened.activity, near_patrol);
    assert_eq!(entry.outcome.held, vec![near_patrol]);
    assert_eq!(entry.outcome.alerts[0].parties, vec!["coalition", "pmf"]);
    let seen = w.state.declaration(&viewer("pmf"), &company).unwrap();
    assert!(seen.track.unwrap().stale.is_none());
}

#[test]
fn a_unit_cannot_teleport_by_report_or_amendment_but_moves_as_fast_as_it_may() {
    let mut w = World::new();
    // 20 m/s; the first report is its first fix.
    w.ok(
        "pmf/operator",
        "company",
        unit("company", BALAD, Some(20.0)),
    );
    w.ok("pmf/operator", "other", unit("other", BALAD, Some(20.0)));
    let (company, other) = (w.decl("company"), w.decl("other"));
    let t = w.now();
    w.ok(
        "pmf/operator",
        "fix",
        track(vec![report(company, t, BALAD), report(other, t, BALAD)]),
    );

    // A minute later, 40 km away: refused, naming the report.
    let far = east(BALAD, 40_000.0);
    let batch = vec![
        report(other, t + 60_000, BALAD),
        report(company, t + 60_000, far),
    ];
    let (field, message) = refused(&mut w, "pmf/operator", track(batch));
    assert_eq!(field, "reports[1].lat");
    assert!(
        message.starts_with("40 km from where the unit last reported, 60 s before; at 20 m/s"),
        "{message}"
    );
    // A feed checks one report alone, and drops only this one.
    let one = report(company, t + 60_000, far);
    let err = w.state.check_report("pmf", &one, t + 60_000).unwrap_err();
    assert!(
        matches!(&err, ModelError::Invalid { field, .. } if field == "lat"),
        "{err}"
    );
    let fine = report(other, t + 60_000, BALAD);
    assert!(w.state.check_report("pmf", &fine, t + 60_000).is_ok());

    // A kilometre in a minute is within 20 m/s.
    let near = east(BALAD, 1_000.0);
    w.set_clock(t + 60_000);
    w.ok(
        "pmf/operator",
        "move",
        track(vec![report(company, t + 60_000, near)]),
    );

    // An amendment that moves its declared geometry is held to the same.
    let amended = |at: (f64, f64), label: &str| {
        let Command::Declare(spec) = unit(label, at, Some(20.0)) else {
            unreachable!()
        };
        Command::Amend {
            id: company,
            version: None,
            spec,
        }
    };
    let (field, message) = refused(&mut w, "pmf/operator", amended(far, "company"));
    assert_eq!(field, "geometry");
    assert!(
        message.contains("from where the unit last reported"),
        "{message}"
    );
    w.ok(
        "pmf/operator",
        "amend",
        amended(east(BALAD, 1_500.0), "company"),
    );
    // An amendment that leaves the geometry as it is moves nothing.
    w.ok(
        "pmf/operator",
        "relabel",
        amended(east(BALAD, 1_500.0), "3rd company"),
    );

    // The amendment gave no fresh start: the next report is measured from
    // the last one.
    let now = w.now();
    let (field, _) = refused(
        &mut w,
        "pmf/operator",
        track(vec![report(company, now, far)]),
    );
    assert_eq!(field, "reports[0].lat");

    // After an hour of silence 40 km is within reach.
    w.set_clock(t + 60_000 + HOUR);
    let later = t + 60_000 + HOUR;
    w.ok(
        "pmf/operator",
        "drive",
        track(vec![report(company, later, far)]),
    );
}

#[test]
fn a_report_that_says_the_unit_could_be_anywhere_is_no_fix() {
    let mut w = World::new();
    w.ok(
        "pmf/operator",
        "company",
        unit("company", BALAD, Some(20.0)),
    );
    let company = w.decl("company");
    let mut vague = report(company, w.now(), BALAD);
    vague.position.ce_m = Some(100_000.0);
    let (field, message) = refused(&mut w, "pmf/operator", track(vec![vague]));
    assert_eq!(field, "reports[0].ce_m");
    assert!(
        message.ends_with("a unit_position may cover at most 100 km²"),
        "{message}"
    );
    let mut fair = report(company, w.now(), BALAD);
    fair.position.ce_m = Some(2_000.0);
    w.ok("pmf/operator", "fair", track(vec![fair]));
}
