//! Check fire: one act holds every cleared or active activity of another
//! party over a place at once, tells each owner only of its own, and keeps
//! telling until answered.

use super::*;
use crate::{ActivityState, StopCause, StopId, StopSpec, StopState, may_read};

const BALAD: [f64; 2] = [44.15, 34.02];

fn stop_over(lon: f64, lat: f64, buffer_m: f64, until_ms: i64) -> Command {
    Command::RaiseStop {
        spec: StopSpec {
            cause: StopCause::TroopsInContact,
            geometry: point(lon, lat),
            buffer_m,
            altitude_m: None,
            until_ms,
        },
        reason: Some("our company is under fire north of Balad".into()),
    }
}

/// A coalition strike cleared and an ISF patrol under way near Balad, a
/// coalition survey far away, a PMF patrol of its own at the same place.
fn world() -> World {
    let mut w = World::new();
    w.set_clock(T0);
    let [lon, lat] = BALAD;
    w.ok(
        "coalition/operator",
        "strike",
        submit(
            "air_strike",
            "Strike",
            vol(point(lon, lat), 500.0, 1, Some(3)),
        ),
    );
    let strike = w.act("strike");
    w.ok(
        "joc/approver",
        "clear",
        clear(&strike, "nothing declared there"),
    );
    w.ok(
        "isf/operator",
        "patrol",
        submit(
            "patrol",
            "ISF patrol",
            vol(point(lon + 0.02, lat), 500.0, 0, Some(4)),
        ),
    );
    w.ok(
        "isf/operator",
        "start",
        Command::Start {
            id: w.act("patrol"),
        },
    );
    w.ok(
        "coalition/operator",
        "survey",
        submit(
            "survey",
            "Far survey",
            vol(point(lon + 2.0, lat), 500.0, 1, Some(3)),
        ),
    );
    w
}

fn raise(w: &mut World) -> (Entry, StopId) {
    let [lon, lat] = BALAD;
    let until = w.now() + 6 * HOUR;
    let entry = w.ok("pmf/operator", "stop", stop_over(lon, lat, 3_000.0, until));
    let id = entry.outcome.stop.as_ref().expect("a stop").id;
    (entry, id)
}

fn state_of(w: &World, name: &str) -> ActivityState {
    w.state
        .activity(&viewer("joc"), &w.act(name))
        .unwrap()
        .state
}

#[test]
fn a_stop_holds_every_cleared_or_active_activity_of_another_party_at_once() {
    let mut w = world();
    let (entry, id) = raise(&mut w);
    assert_eq!(state_of(&w, "strike"), ActivityState::Held);
    assert_eq!(state_of(&w, "patrol"), ActivityState::Held);
    assert_eq!(state_of(&w, "survey"), ActivityState::Cleared);
    assert_eq!(entry.outcome.stopped.len(), 2);
    assert_eq!(entry.outcome.stop.as_ref().unwrap().held, Some(2));
    let history = w
        .state
        .activity(&viewer("coalition"), &w.act("strike"))
        .unwrap()
        .history;
    assert_eq!(
        history.last().unwrap().reason.as_deref(),
        Some(format!("check fire {id}: troops_in_contact").as_str())
    );
    // Counted against its raiser with the other holds.
    let caused = w.state.holds_caused(&viewer("joc"), 0).unwrap();
    assert_eq!(caused.get("pmf"), Some(&2));
    // The same in a replay of the log.
    let replayed = State::replay(Policy::default(), &w.entries).unwrap();
    assert_eq!(replayed.view(&viewer("joc")), w.state.view(&viewer("joc")));
    assert_eq!(
        replayed.stops(&viewer("joc"), w.now()),
        w.state.stops(&viewer("joc"), w.now())
    );
}

#[test]
fn the_raisers_own_activities_are_not_held() {
    let mut w = world();
    let [lon, lat] = BALAD;
    w.ok(
        "pmf/operator",
        "own",
        submit(
            "patrol",
            "PMF patrol",
            vol(point(lon, lat + 0.01), 300.0, 1, Some(3)),
        ),
    );
    let (entry, _) = raise(&mut w);
    assert!(!entry.outcome.stopped.contains_key(&w.act("own")));
}

#[test]
fn each_owner_learns_only_of_its_own_and_the_raiser_only_how_many() {
    let mut w = world();
    let (entry, id) = raise(&mut w);
    let now = w.now();
    let coalition = w.state.stop(&viewer("coalition"), &id, now).unwrap();
    assert_eq!(coalition.held, [w.act("strike")]);
    assert_eq!(coalition.detail, None, "no raiser, place or reason");
    assert_eq!(coalition.held_count, None);
    assert_eq!(coalition.cause, StopCause::TroopsInContact);
    let isf = w.state.stop(&viewer("isf"), &id, now).unwrap();
    assert_eq!(isf.held, [w.act("patrol")]);
    let pmf = w.state.stop(&viewer("pmf"), &id, now).unwrap();
    assert!(pmf.held.is_empty(), "the raiser is told no ids");
    assert_eq!(pmf.held_count, Some(2));
    assert_eq!(pmf.detail.as_ref().unwrap().raiser, "pmf");
    let e = w.state.stop(&viewer("ocha"), &id, now).unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert!(w.state.stops(&viewer("ocha"), now).is_empty());
    let joc = w.state.stop(&viewer("joc"), &id, now).unwrap();
    assert_eq!(joc.held.len(), 2);
    assert_eq!(
        joc.detail.unwrap().unacknowledged,
        ["coalition", "isf", "joc"]
    );

    // And the log says no more to each.
    let strike_key = format!("/outcome/stopped/{}", w.act("strike"));
    let patrol_key = format!("/outcome/stopped/{}", w.act("patrol"));
    let reads = |who: &str, pointer: &str| may_read(&w.state, &viewer(who), &entry, pointer);
    assert!(reads("coalition", &strike_key));
    assert!(!reads("coalition", &patrol_key));
    assert!(reads("coalition", "/outcome/stop/id"));
    assert!(reads("coalition", "/time_ms"));
    for hidden in [
        "/actor/party",
        "/command/raise_stop/spec",
        "/command/raise_stop/reason",
        "/outcome/stop/held",
    ] {
        assert!(!reads("coalition", hidden), "{hidden}");
    }
    assert!(reads("pmf", "/outcome/stop/held"));
    assert!(!reads("pmf", &strike_key) && !reads("pmf", &patrol_key));
    assert!(!reads("ocha", "/time_ms"));
    assert!(!w.seen_by("coalition").contains("pmf"));
}

#[test]
fn owners_and_the_coordinator_are_reminded_until_each_acknowledges() {
    let mut w = world();
    let (_, id) = raise(&mut w);
    let reminded = |entry: &Entry| -> Vec<Option<String>> {
        entry
            .outcome
            .reminders
            .iter()
            .map(|r| r.party.clone())
            .collect()
    };
    let sweep = w.ok("service", "sweep", Command::Sweep);
    assert_eq!(
        reminded(&sweep),
        [Some("coalition".to_owned()), Some("isf".to_owned()), None]
    );
    w.ok("coalition/operator", "ack", Command::AcknowledgeStop { id });
    let sweep = w.ok("service", "sweep", Command::Sweep);
    assert_eq!(reminded(&sweep), [Some("isf".to_owned()), None]);
    // Only a party it held (or the coordinator) acknowledges, once.
    let e = w
        .run("coalition/operator", Command::AcknowledgeStop { id })
        .unwrap_err();
    assert_eq!(e.code(), "wrong_state");
    let e = w
        .run("ocha/operator", Command::AcknowledgeStop { id })
        .unwrap_err();
    assert_eq!(e.code(), "not_found");
    w.ok("isf/operator", "ack2", Command::AcknowledgeStop { id });
    w.ok("joc/approver", "ack3", Command::AcknowledgeStop { id });
    let sweep = w.run("service", Command::Sweep).unwrap();
    assert!(sweep.outcome.reminders.is_empty());
    // Each reminder is read by the party it is for alone.
    let w2 = {
        let mut w2 = world();
        raise(&mut w2);
        w2.ok("service", "sweep", Command::Sweep);
        w2
    };
    let last = w2.entries.last().unwrap();
    assert!(may_read(
        &w2.state,
        &viewer("coalition"),
        last,
        "/outcome/reminders/0"
    ));
    assert!(!may_read(
        &w2.state,
        &viewer("coalition"),
        last,
        "/outcome/reminders/1"
    ));
    assert!(!may_read(
        &w2.state,
        &viewer("coalition"),
        last,
        "/outcome/reminders/2"
    ));
}

#[test]
fn while_a_stop_stands_what_meets_it_is_held_and_not_cleared_until_it_is_lifted() {
    let mut w = world();
    let (_, id) = raise(&mut w);
    let [lon, lat] = BALAD;
    let late = w.ok(
        "isf/operator",
        "late",
        submit(
            "patrol",
            "Another patrol",
            vol(point(lon - 0.02, lat), 200.0, 2, Some(3)),
        ),
    );
    assert_eq!(late.outcome.activity_state, Some(ActivityState::Held));
    assert_eq!(late.outcome.stops, [id]);
    let e = w
        .run("joc/approver", clear(&w.act("strike"), "contact is over"))
        .unwrap_err();
    assert_eq!(e, ModelError::Stopped { stop: id });
    // The coalition cannot lift another party's stop; the ISF does not see it.
    let e = w
        .run("coalition/operator", Command::LiftStop { id, reason: None })
        .unwrap_err();
    assert_eq!(e.code(), "not_owner");
    let e = w
        .run("ocha/operator", Command::LiftStop { id, reason: None })
        .unwrap_err();
    assert_eq!(e.code(), "not_found");
    w.ok(
        "pmf/operator",
        "lift",
        Command::LiftStop {
            id,
            reason: Some("contact broken".into()),
        },
    );
    assert_eq!(
        w.state
            .stop(&viewer("coalition"), &id, w.now())
            .unwrap()
            .state,
        StopState::Lifted
    );
    // Held until an approver clears it again; lifted, nothing is reminded.
    assert_eq!(state_of(&w, "strike"), ActivityState::Held);
    w.ok(
        "joc/approver",
        "again",
        clear(&w.act("strike"), "contact is over"),
    );
    let sweep = w.run("service", Command::Sweep).unwrap();
    assert!(sweep.outcome.reminders.is_empty());
    let e = w
        .run("joc/approver", Command::LiftStop { id, reason: None })
        .unwrap_err();
    assert_eq!(e.code(), "wrong_state");
}

#[test]
fn a_stop_expires_and_the_coordinator_may_lift_any() {
    let mut w = world();
    let [lon, lat] = BALAD;
    let until = w.now() + 5 * 60_000;
    let id = w
        .ok("pmf/operator", "stop", stop_over(lon, lat, 1_000.0, until))
        .outcome
        .stop
        .unwrap()
        .id;
    w.set_clock(until + 60_000);
    assert_eq!(
        w.state.stop(&viewer("pmf"), &id, w.now()).unwrap().state,
        StopState::Expired
    );
    let sweep = w.run("service", Command::Sweep).unwrap();
    assert!(sweep.outcome.reminders.is_empty());
    let id = w
        .ok(
            "pmf/operator",
            "stop2",
            stop_over(lon, lat, 1_000.0, w.now() + HOUR),
        )
        .outcome
        .stop
        .unwrap()
        .id;
    let e = w
        .run("joc/operator", Command::LiftStop { id, reason: None })
        .unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::Forbidden);
    w.ok(
        "joc/approver",
        "lift",
        Command::LiftStop { id, reason: None },
    );
}

#[test]
fn a_stop_is_bounded_and_explained() {
    let mut w = world();
    let [lon, lat] = BALAD;
    let now = w.now();
    let cases = [
        (stop_over(lon, lat, 60_000.0, now + HOUR), "geometry"),
        (stop_over(lon, lat, 1_000.0, now + 25 * HOUR), "until"),
        (stop_over(lon, lat, 1_000.0, now - HOUR), "until"),
    ];
    for (command, field) in cases {
        let e = w.run("pmf/operator", command).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Invalid { field }, "{e}");
    }
    let e = w
        .run(
            "pmf/operator",
            Command::RaiseStop {
                spec: StopSpec {
                    cause: StopCause::Other,
                    geometry: point(lon, lat),
                    buffer_m: 1_000.0,
                    altitude_m: None,
                    until_ms: now + HOUR,
                },
                reason: None,
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "reason_required");
    for who in ["pmf/viewer", "pmf/auditor", "pmf/approver"] {
        let e = w
            .run(who, stop_over(lon, lat, 1_000.0, now + HOUR))
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Forbidden, "{who}");
    }
}

#[test]
fn past_its_budget_a_raiser_is_not_told_how_many_it_held() {
    let mut w = world();
    let [lon, lat] = BALAD;
    // Twenty quick cycles spend the PMF's budget.
    for i in 0..20 {
        let name = format!("probe{i}");
        w.ok(
            "pmf/operator",
            &name,
            submit(
                "patrol",
                "Probe",
                vol(point(lon + 5.0, lat), 10.0, 30, Some(31)),
            ),
        );
        let id = w.act(&name);
        w.ok(
            "pmf/operator",
            &format!("cancel{i}"),
            Command::Cancel { id },
        );
    }
    let until = w.now() + HOUR;
    let entry = w.ok("pmf/operator", "stop", stop_over(lon, lat, 3_000.0, until));
    let raised = entry.outcome.stop.as_ref().unwrap();
    assert_eq!(raised.held, None);
    assert_eq!(entry.outcome.stopped.len(), 2, "the stop still holds");
    let view = w.state.stop(&viewer("pmf"), &raised.id, w.now()).unwrap();
    assert_eq!(view.held_count, None);
}
