//! Tracks: reports move units, conflicts follow, hazards alert, silence is
//! never safe, unanswered notifications escalate, attacks alert whoever is
//! near.

use super::*;
use crate::{
    ActivityState, Alert, ConflictState, ErrorKind, Escalation, IncidentKind, IncidentSpec,
    NoticeEvent, Noun, Position, TrackReport, TrackingSpec,
};

/// The Baiji refinery gate and a truck park 400 m away (see the demo).
const GATE: (f64, f64) = (43.4712, 34.9355);
const TRUCK_PARK: (f64, f64) = (43.4750, 34.9370);
/// Tikrit, 40 km south: far from both.
const TIKRIT: (f64, f64) = (43.6800, 34.6000);
/// A kilometre west of the gate: out of the strike's reach, a minute's
/// drive away.
const WEST_OF_GATE: (f64, f64) = (GATE.0 - 0.01, GATE.1);
/// About 1.8 km east of the truck park, 2.2 km from the gate.
const EAST: (f64, f64) = (TRUCK_PARK.0 + 0.02, TRUCK_PARK.1);

fn tracked(name: &str, at: (f64, f64), interval_s: u32) -> Command {
    let mut command = declare(
        "unit_position",
        name,
        vol(point(at.0, at.1), 200.0, -48, None),
    );
    if let Command::Declare(spec) = &mut command {
        spec.tracking = Some(TrackingSpec {
            report_interval_s: interval_s,
            max_speed_mps: Some(20.0),
            cot_uid: Some(format!("ANDROID-{name}")),
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
            speed_mps: Some(5.0),
            course_deg: Some(90.0),
        },
    }
}

fn track(reports: Vec<TrackReport>) -> Command {
    Command::Track { reports }
}

/// The PMF company near Tikrit, tracked, and the coalition's strike on the
/// truck park, cleared by the JOC.
fn world_with_cleared_strike() -> World {
    let mut w = World::new();
    w.ok("pmf/operator", "company", tracked("company", TIKRIT, 60));
    w.ok(
        "coalition/operator",
        "strike",
        submit(
            "air_strike",
            "Strike on a truck park near Baiji",
            vol(point(TRUCK_PARK.0, TRUCK_PARK.1), 800.0, 1, Some(2)),
        ),
    );
    let strike = w.act("strike");
    w.ok(
        "joc/approver",
        "cleared",
        clear(&strike, "no one declared there"),
    );
    w
}

#[test]
fn a_unit_entering_a_cleared_hazard_opens_a_conflict_holds_it_and_alerts() {
    let mut w = world_with_cleared_strike();
    let (unit, strike) = (w.decl("company"), w.act("strike"));
    let now = w.now();
    let entry = w.ok(
        "pmf/operator",
        "enter",
        track(vec![report(unit, now, GATE)]),
    );
    let [opened] = entry.outcome.opened.as_slice() else {
        panic!("one conflict: {:?}", entry.outcome);
    };
    assert_eq!(opened.activity, strike);
    assert_eq!(entry.outcome.held, vec![strike]);
    assert_eq!(
        entry.outcome.alerts,
        vec![Alert {
            subject: ObjectRef::Conflict(opened.id),
            parties: vec!["coalition".into(), "pmf".into()],
        }]
    );
    let seen = w.state.declaration(&viewer("pmf"), &unit).unwrap();
    let position = seen.track.expect("a track").position;
    assert_eq!((position.lon, position.lat), GATE);

    // Leaving resolves it; nothing to alert.
    let now = w.now();
    let entry = w.ok(
        "pmf/operator",
        "leave",
        track(vec![report(unit, now, WEST_OF_GATE)]),
    );
    assert_eq!(entry.outcome.resolved, vec![opened.id]);
    assert!(entry.outcome.alerts.is_empty());
}

#[test]
fn staying_in_a_hazard_keeps_its_conflict_and_alerts_once() {
    let mut w = world_with_cleared_strike();
    let unit = w.decl("company");
    let now = w.now();
    w.ok(
        "pmf/operator",
        "enter",
        track(vec![report(unit, now, GATE)]),
    );
    let near_gate = (GATE.0 + 0.001, GATE.1);
    let now = w.now();
    let entry = w.ok(
        "pmf/operator",
        "stay",
        track(vec![report(unit, now, near_gate)]),
    );
    assert!(entry.outcome.opened.is_empty() && entry.outcome.resolved.is_empty());
    assert!(entry.outcome.alerts.is_empty());
}

#[test]
fn a_held_hazard_conflicts_without_an_alert_and_a_new_one_over_a_unit_alerts() {
    let mut w = World::new();
    w.ok("pmf/operator", "company", tracked("company", TIKRIT, 60));
    let unit = w.decl("company");
    let now = w.now();
    w.ok(
        "pmf/operator",
        "at gate",
        track(vec![report(unit, now, GATE)]),
    );
    // A new strike over the reporting unit.
    let entry = w.ok(
        "coalition/operator",
        "strike",
        submit(
            "air_strike",
            "Strike on a truck park near Baiji",
            vol(point(TRUCK_PARK.0, TRUCK_PARK.1), 800.0, 1, Some(2)),
        ),
    );
    assert_eq!(entry.outcome.activity_state, Some(ActivityState::Held));
    assert_eq!(entry.outcome.alerts.len(), 1, "{:?}", entry.outcome);

    // Another held strike nearby; the unit walks into it: a conflict, no
    // alert, since nothing is cleared to happen there.
    w.ok(
        "coalition/operator",
        "other",
        submit(
            "air_strike",
            "Strike east of the truck park",
            vol(point(EAST.0, EAST.1), 800.0, 1, Some(2)),
        ),
    );
    let now = w.now();
    let entry = w.ok("pmf/operator", "walk", track(vec![report(unit, now, EAST)]));
    assert_eq!(entry.outcome.opened.len(), 1);
    assert_eq!(entry.outcome.resolved.len(), 1);
    assert!(entry.outcome.alerts.is_empty());
}

#[test]
fn an_older_report_is_recorded_but_does_not_move_the_unit() {
    let mut w = world_with_cleared_strike();
    let unit = w.decl("company");
    let now = w.now();
    w.ok(
        "pmf/operator",
        "now",
        track(vec![report(unit, now, TIKRIT)]),
    );
    let entry = w.ok(
        "pmf/operator",
        "late",
        track(vec![report(unit, now - 30_000, GATE)]),
    );
    assert!(entry.outcome.opened.is_empty());
    let seen = w.state.declaration(&viewer("pmf"), &unit).unwrap();
    assert_eq!(seen.track.unwrap().time_ms, now);
}

#[test]
fn reports_for_units_not_ones_own_or_untracked_are_refused_naming_the_report() {
    let mut w = world_with_cleared_strike();
    let unit = w.decl("company");
    w.ok(
        "pmf/operator",
        "base",
        declare(
            "base",
            "Speicher",
            vol(point(TIKRIT.0, TIKRIT.1), 100.0, -48, None),
        ),
    );
    let base = w.decl("base");
    let now = w.now();
    let cases = [
        ("coalition/operator", unit, "reports[0].declaration_id"),
        ("pmf/operator", base, "reports[1].declaration_id"),
    ];
    for (who, bad, field) in cases {
        let reports = if field.starts_with("reports[0]") {
            vec![report(bad, now, GATE)]
        } else {
            vec![report(unit, now, GATE), report(bad, now, GATE)]
        };
        match w.run(who, track(reports)) {
            Err(ModelError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{who}: {other:?}"),
        }
    }
    assert!(matches!(
        w.run("pmf/viewer", track(vec![report(unit, now, GATE)])),
        Err(ModelError::RoleForbidden { .. })
    ));
    // Nothing moved.
    let seen = w.state.declaration(&viewer("pmf"), &unit).unwrap();
    assert!(seen.track.is_none());
}

#[test]
fn a_cot_uid_names_one_standing_unit_of_a_party() {
    let mut w = World::new();
    w.ok("pmf/operator", "company", tracked("company", TIKRIT, 60));
    let unit = w.decl("company");
    assert_eq!(
        w.state.unit_by_cot_uid("pmf", "ANDROID-company"),
        Some(unit)
    );
    assert_eq!(
        w.state.unit_by_cot_uid("coalition", "ANDROID-company"),
        None
    );
    let again = w.run("pmf/operator", tracked("company", GATE, 60));
    assert!(matches!(again, Err(ModelError::Invalid { field, .. }) if field == "tracking.cot_uid"));
    // Another party may use the same uid; a withdrawn unit frees it.
    w.ok("coalition/operator", "theirs", tracked("company", GATE, 60));
    w.ok("pmf/operator", "gone", Command::Withdraw { id: unit });
    assert_eq!(w.state.unit_by_cot_uid("pmf", "ANDROID-company"), None);
    w.ok("pmf/operator", "new", tracked("company", GATE, 60));
}

#[test]
fn a_silent_unit_goes_stale_and_its_volume_grows_with_time() {
    let mut w = world_with_cleared_strike();
    let unit = w.decl("company");
    // 4.1 km from the truck park: outside the strike's 800 m.
    let away = (TRUCK_PARK.0 + 0.045, TRUCK_PARK.1);
    let heard = w.now();
    w.ok(
        "pmf/operator",
        "away",
        track(vec![report(unit, heard, away)]),
    );

    // Within twice the interval: nothing due.
    w.set_clock(heard + 100_000);
    let quiet = w.ok("service", "sweep", Command::Sweep);
    assert!(quiet.outcome.is_empty(), "{:?}", quiet.outcome);

    // At 2 min 10 s the unit is stale: 20 m/s for the silence and the
    // horizon ahead (a minute) makes well over 4 km.
    w.set_clock(heard + 130_000);
    let entry = w.ok("service", "stale", Command::Sweep);
    let [stale] = entry.outcome.stale.as_slice() else {
        panic!("{:?}", entry.outcome)
    };
    assert_eq!(stale.declaration, unit);
    let until = stale.until_ms.unwrap();
    assert_eq!(until, heard + 130_000 + 60_000);
    assert_eq!(stale.buffer_m, 200.0 + 10.0 + 20.0 * 190.0);
    assert_eq!(entry.outcome.opened.len(), 1, "unknown is never safe");
    assert_eq!(entry.outcome.alerts.len(), 1);
    let seen = w.state.declaration(&viewer("pmf"), &unit).unwrap();
    assert!(seen.track.unwrap().stale.is_some());

    // Covered until `until`: the next sweeps add nothing until close to it.
    w.set_clock(heard + 140_000);
    assert!(w.ok("service", "s", Command::Sweep).outcome.is_empty());
    w.set_clock(until - 1_000);
    let grown = w.ok("service", "grow", Command::Sweep);
    assert!(grown.outcome.stale[0].buffer_m > stale.buffer_m);

    // A fresh report ends it: not stale, the conflict resolves.
    let now = w.now() + 60_000;
    let entry = w.ok("pmf/operator", "back", track(vec![report(unit, now, away)]));
    assert_eq!(entry.outcome.resolved.len(), 1);
    let seen = w.state.declaration(&viewer("pmf"), &unit).unwrap();
    assert!(seen.track.unwrap().stale.is_none());
}

/// A PMF camp and a coalition strike over it: the conflict, opened by the
/// coalition, and when.
fn camp_under_a_strike() -> (World, ConflictId, i64) {
    let mut w = World::new();
    w.ok(
        "pmf/operator",
        "camp",
        declare("camp", "Camp", vol(point(GATE.0, GATE.1), 300.0, -48, None)),
    );
    let opened_at = w.now() + 60_000;
    w.ok(
        "coalition/operator",
        "strike",
        submit(
            "air_strike",
            "Strike",
            vol(point(TRUCK_PARK.0, TRUCK_PARK.1), 800.0, 1, Some(2)),
        ),
    );
    let conflict = w.con("strike", 0);
    (w, conflict, opened_at)
}

#[test]
fn unacknowledged_notifications_escalate_step_by_step_until_acknowledged() {
    let (mut w, conflict, opened_at) = camp_under_a_strike();
    let after = Policy::default().escalate_after_ms;

    w.set_clock(opened_at + after - 1);
    assert!(w.ok("service", "early", Command::Sweep).outcome.is_empty());
    w.set_clock(opened_at + after);
    let first = w.ok("service", "first", Command::Sweep);
    // Only the PMF: the coalition opened it and was told in its answer.
    assert_eq!(
        first.outcome.escalations,
        vec![Escalation {
            conflict,
            party: "pmf".into(),
            level: 1
        }]
    );
    assert!(
        first
            .outcome
            .notices
            .iter()
            .all(|n| n.event == NoticeEvent::Escalated && n.party == "pmf")
    );
    w.set_clock(opened_at + 2 * after + 5);
    let second = w.ok("service", "second", Command::Sweep);
    assert_eq!(second.outcome.escalations[0].level, 2);
    w.set_clock(opened_at + 5 * after);
    assert!(w.ok("service", "last", Command::Sweep).outcome.is_empty());

    let c = w.state.conflict(&viewer("pmf"), &conflict).unwrap();
    assert_eq!(c.state, ConflictState::Open);
}

#[test]
fn an_acknowledged_notification_does_not_escalate() {
    let (mut w, conflict, opened_at) = camp_under_a_strike();
    w.ok("pmf/operator", "ack", ack(&conflict));
    w.set_clock(opened_at + 3 * Policy::default().escalate_after_ms);
    assert!(w.ok("service", "sweep", Command::Sweep).outcome.is_empty());
}

#[test]
fn only_the_service_sweeps_and_the_service_does_nothing_else() {
    let mut w = World::new();
    for who in ["joc/approver", "pmf/operator"] {
        assert!(matches!(
            w.run(who, Command::Sweep),
            Err(ModelError::RoleForbidden { .. })
        ));
    }
    assert!(matches!(
        w.run("service", tracked("company", TIKRIT, 60)),
        Err(ModelError::RoleForbidden { .. })
    ));
}

#[test]
fn an_attack_alerts_every_party_with_declarations_within_the_radius() {
    let mut w = World::new();
    w.ok(
        "coalition/operator",
        "k1",
        declare("base", "K-1", vol(point(44.26, 35.52), 500.0, -48, None)),
    );
    w.ok(
        "isf/operator",
        "checkpoint",
        declare(
            "checkpoint",
            "Checkpoint 8 km away",
            vol(point(44.26 + 0.088, 35.52), 50.0, -48, None),
        ),
    );
    w.ok(
        "pmf/operator",
        "far",
        declare(
            "base",
            "50 km away",
            vol(point(44.80, 35.52), 500.0, -48, None),
        ),
    );
    let spec = IncidentSpec {
        kind: IncidentKind::Attack,
        place: point(44.26, 35.52),
        precision_m: 200.0,
        from_ms: T0,
        to_ms: T0 + HOUR,
        reported_by: "K-1 base defence".into(),
        against: None,
        source: "base report".into(),
        source_grade: "A1".into(),
    };
    let entry = w.ok(
        "coalition/operator",
        "attack",
        Command::ReportIncident(spec.clone()),
    );
    let [alert] = entry.outcome.alerts.as_slice() else {
        panic!("{:?}", entry.outcome)
    };
    assert_eq!(
        alert.parties,
        vec!["coalition".to_owned(), "isf".to_owned()]
    );
    // Anything but an attack alerts nobody.
    let allegation = IncidentSpec {
        kind: IncidentKind::Allegation,
        ..spec
    };
    let entry = w.ok(
        "coalition/operator",
        "claim",
        Command::ReportIncident(allegation),
    );
    assert!(entry.outcome.alerts.is_empty());
}

#[test]
fn a_track_is_seen_only_by_its_party_and_the_coordinator() {
    let mut w = world_with_cleared_strike();
    let unit = w.decl("company");
    let now = w.now();
    w.ok(
        "pmf/operator",
        "enter",
        track(vec![report(unit, now, GATE)]),
    );
    for party in ["pmf", "joc"] {
        assert!(
            w.state
                .declaration(&viewer(party), &unit)
                .unwrap()
                .track
                .is_some()
        );
    }
    let seen = w.seen_by("coalition");
    assert!(
        !seen.contains("company") && !seen.contains("43.4712"),
        "{seen}"
    );
}

#[test]
fn replaying_tracks_sweeps_and_escalations_gives_the_same_state() {
    let mut w = world_with_cleared_strike();
    let unit = w.decl("company");
    let heard = w.now();
    w.ok(
        "pmf/operator",
        "enter",
        track(vec![report(unit, heard, GATE)]),
    );
    w.set_clock(heard + 11 * 60_000);
    w.ok("service", "sweep", Command::Sweep);
    w.set_clock(heard + 30 * 60_000);
    w.ok("service", "sweep", Command::Sweep);
    let replayed = State::replay(Policy::default(), &w.entries).unwrap();
    for party in PARTIES {
        assert_eq!(replayed.view(&viewer(party)), w.state.view(&viewer(party)));
    }
    // And a replayed state sweeps exactly as the live one.
    let t = heard + 40 * 60_000;
    let sweep = |s: &State| {
        s.execute(&Actor::service(), Command::Sweep, t, Entropy::new([7; 32]))
            .unwrap()
            .outcome
    };
    assert_eq!(sweep(&replayed), sweep(&w.state));
}

/// Two PMF companies, each entering a cleared strike in one report: the
/// coalition's at the truck park, the ISF's east of it.
fn two_alerts_in_one_entry() -> (World, u64) {
    let mut w = world_with_cleared_strike();
    w.ok("pmf/operator", "second", tracked("second", TIKRIT, 60));
    w.ok(
        "isf/operator",
        "isf-strike",
        submit(
            "air_strike",
            "ISF strike east of the truck park",
            vol(point(EAST.0, EAST.1), 500.0, 1, Some(2)),
        ),
    );
    let isf_strike = w.act("isf-strike");
    w.ok(
        "joc/approver",
        "isf-cleared",
        clear(&isf_strike, "no one there"),
    );
    let (first, second) = (w.decl("company"), w.decl("second"));
    let now = w.now();
    let entry = w.ok(
        "pmf/operator",
        "enter",
        track(vec![report(first, now, GATE), report(second, now, EAST)]),
    );
    let parties: Vec<_> = entry
        .outcome
        .alerts
        .iter()
        .map(|a| a.parties.clone())
        .collect();
    assert_eq!(parties, [["coalition", "pmf"], ["isf", "pmf"]]);
    (w, entry.seq)
}

#[test]
fn a_party_names_its_alerts_among_its_own_and_they_stand_until_it_takes_note() {
    let (mut w, seq) = two_alerts_in_one_entry();
    let ids = |w: &World, party: &str| -> Vec<(u64, u32, bool)> {
        w.state
            .alerts_of(&viewer(party), 0)
            .iter()
            .map(|a| (a.id.entry, a.id.index, a.acknowledged.is_some()))
            .collect()
    };
    // Each party counts only its own: the ISF's is its first, though the
    // entry's second; the coordinator counts them all.
    assert_eq!(ids(&w, "pmf"), [(seq, 0, false), (seq, 1, false)]);
    assert_eq!(ids(&w, "coalition"), [(seq, 0, false)]);
    assert_eq!(ids(&w, "isf"), [(seq, 0, false)]);
    assert_eq!(ids(&w, "joc"), [(seq, 0, false), (seq, 1, false)]);
    assert!(ids(&w, "ocha").is_empty());
    let isf = w.state.alerts_of(&viewer("isf"), 0);
    let pmf = w.state.alerts_of(&viewer("pmf"), 0);
    assert_eq!(isf[0].subject, pmf[1].subject);

    let acknowledge = |index| Command::AcknowledgeAlert { entry: seq, index };
    let entry = w.ok("isf/operator", "isf-ack", acknowledge(0));
    assert_eq!(ids(&w, "isf"), [(seq, 0, true)]);
    let by = w.state.alerts_of(&viewer("isf"), 0)[0]
        .acknowledged
        .clone()
        .unwrap();
    assert_eq!(
        (by.credential_id.as_str(), by.time_ms),
        ("cred-isf/operator", entry.time_ms)
    );
    // The ISF took note for itself alone.
    assert_eq!(ids(&w, "pmf"), [(seq, 0, false), (seq, 1, false)]);
    assert_eq!(ids(&w, "joc"), [(seq, 0, false), (seq, 1, false)]);
    assert_eq!(
        w.run("isf/operator", acknowledge(0)).unwrap_err().kind(),
        ErrorKind::Conflict {
            state: "acknowledged"
        }
    );
    // No alert of its own there: none to name, as if there were none.
    assert_eq!(
        w.run("isf/operator", acknowledge(1)).unwrap_err(),
        ModelError::NotFound(Noun::Alert)
    );
    assert_eq!(
        w.run("ocha/operator", acknowledge(0)).unwrap_err(),
        ModelError::NotFound(Noun::Alert)
    );
    assert!(matches!(
        w.run("pmf/viewer", acknowledge(0)).unwrap_err(),
        ModelError::RoleForbidden { .. }
    ));
    // Acknowledged and older than asked for: no longer listed.
    assert!(
        w.state
            .alerts_of(&viewer("isf"), entry.time_ms + 1)
            .is_empty()
    );
    assert_eq!(
        w.state.alerts_of(&viewer("pmf"), entry.time_ms + 1).len(),
        2
    );

    // Who took note, and of which, is the party's own to read.
    for party in ["pmf", "coalition", "ocha"] {
        for pointer in [
            "/command",
            "/command/acknowledge_alert/entry",
            "/actor/party",
        ] {
            assert!(
                !crate::may_read(&w.state, &viewer(party), &entry, pointer),
                "{party} reads {pointer}"
            );
        }
    }
    assert!(crate::may_read(
        &w.state,
        &viewer("isf"),
        &entry,
        "/command/acknowledge_alert/index"
    ));

    // Replayed, the state is the same.
    let replayed = State::replay(Policy::default(), &w.entries).unwrap();
    assert_eq!(
        replayed.alerts_of(&viewer("isf"), 0),
        w.state.alerts_of(&viewer("isf"), 0)
    );
}
