//! Holds in bad faith: attributed, counted for the coordinator, and
//! undone by its decision, never by silence.

use super::*;
use crate::{ActivityState, NoticeEvent};

const STRIKE: [f64; 2] = [43.47, 34.93];

/// A coalition strike near Baiji, cleared; a PMF post far away.
fn world() -> World {
    let mut w = World::new();
    let [lon, lat] = STRIKE;
    w.ok(
        "coalition/operator",
        "strike",
        submit(
            "air_strike",
            "Strike",
            vol(point(lon, lat), 800.0, 2, Some(3)),
        ),
    );
    let strike = w.act("strike");
    w.ok(
        "joc/approver",
        "clear",
        clear(&strike, "nobody declared there"),
    );
    w.ok(
        "pmf/operator",
        "post",
        declare(
            "unit_position",
            "PMF post",
            vol(point(lon + 0.5, lat), 100.0, -1, None),
        ),
    );
    w
}

fn amend_into_strike(w: &mut World, version: u64, offset: f64) -> Entry {
    let [lon, lat] = STRIKE;
    let post = w.decl("post");
    w.ok(
        "pmf/operator",
        "moved",
        Command::Amend {
            id: post,
            version: Some(version),
            spec: DeclarationSpec {
                kind: "unit_position".into(),
                label: "PMF post".into(),
                volume: vol(point(lon + offset, lat), 100.0, -1, None),
                visibility: Visibility::Private,
                disclosure: Disclosure::Coarse,
                tracking: None,
            },
        },
    )
}

fn state_of(w: &World, name: &str) -> ActivityState {
    w.state
        .activity(&viewer("joc"), &w.act(name))
        .unwrap()
        .state
}

fn caused(w: &World, party: &str) -> usize {
    let counts = w.state.holds_caused(&viewer("joc"), 0).unwrap();
    counts.get(party).copied().unwrap_or(0)
}

fn override_and_clear(w: &mut World, conflict: crate::ConflictId) {
    w.ok(
        "joc/approver",
        "override",
        Command::Override {
            conflict,
            reason: Some("the post is not there".into()),
        },
    );
    let strike = w.act("strike");
    w.ok("joc/approver", "clear", clear(&strike, "cleared again"));
}

fn suspend(w: &mut World, half: f64, until_h: i64) -> Result<Entry, ModelError> {
    let [lon, lat] = STRIKE;
    let until_ms = w.now() + until_h * HOUR;
    w.run(
        "joc/approver",
        Command::SuspendHolds {
            party: "pmf".into(),
            area: square(lon, lat, half),
            until_ms,
            reason: Some("the PMF re-holds this strike in bad faith".into()),
        },
    )
}

#[test]
fn every_hold_names_its_conflict_and_counts_against_the_party_that_caused_it() {
    let mut w = world();
    let moved = amend_into_strike(&mut w, 1, 0.001);
    assert_eq!(moved.outcome.held, [w.act("strike")]);
    let conflict = moved.outcome.opened[0].id;
    // The coalition sees why: the conflict, which it sees too.
    let coalition = w
        .state
        .activity(&viewer("coalition"), &w.act("strike"))
        .unwrap();
    let last = coalition.history.last().unwrap();
    assert_eq!(last.state, ActivityState::Held);
    assert!(
        last.reason
            .as_deref()
            .unwrap()
            .contains(&conflict.to_string())
    );
    assert_eq!(caused(&w, "pmf"), 1);
    assert!(w.state.holds_caused(&viewer("pmf"), 0).is_err());
    assert!(w.state.holds_caused(&viewer("coalition"), 0).is_err());
}

#[test]
fn a_suspension_stops_the_re_hold_loop_but_not_the_telling() {
    let mut w = world();
    let first = amend_into_strike(&mut w, 1, 0.001);
    override_and_clear(&mut w, first.outcome.opened[0].id);
    // Moved away and back: held again after the override.
    amend_into_strike(&mut w, 2, 0.5);
    let second = amend_into_strike(&mut w, 3, 0.002);
    assert_eq!(state_of(&w, "strike"), ActivityState::Held);
    assert_eq!(caused(&w, "pmf"), 2);
    override_and_clear(&mut w, second.outcome.opened[0].id);

    suspend(&mut w, 0.1, 24).unwrap();
    amend_into_strike(&mut w, 4, 0.5);
    let third = amend_into_strike(&mut w, 5, 0.003);
    assert!(third.outcome.held.is_empty(), "{:?}", third.outcome);
    assert_eq!(state_of(&w, "strike"), ActivityState::Cleared);
    assert_eq!(caused(&w, "pmf"), 2);
    // Still a conflict, and both sides are told of it.
    assert_eq!(third.outcome.opened.len(), 1);
    for party in ["pmf", "coalition"] {
        assert!(
            third
                .outcome
                .notices
                .iter()
                .any(|n| n.party == party && n.event == NoticeEvent::Opened),
            "{party}"
        );
    }
    // Outside the area, the PMF's objects still hold.
    let [lon, lat] = STRIKE;
    w.ok(
        "coalition/operator",
        "far_strike",
        submit(
            "air_strike",
            "Far strike",
            vol(point(lon + 1.0, lat), 800.0, 2, Some(3)),
        ),
    );
    let far = w.act("far_strike");
    w.ok("joc/approver", "clear_far", clear(&far, "nobody there"));
    let held = w.ok(
        "pmf/operator",
        "far_post",
        declare(
            "unit_position",
            "PMF post 2",
            vol(point(lon + 1.0, lat), 100.0, -1, None),
        ),
    );
    assert_eq!(held.outcome.held, [far]);
}

#[test]
fn a_disputed_declaration_causes_no_holds_and_its_owner_knows() {
    let mut w = world();
    let post = w.decl("post");
    let dispute = |disputed: bool, reason: Option<&str>| Command::Dispute {
        id: post,
        disputed,
        reason: reason.map(Into::into),
    };
    assert!(matches!(
        w.run("pmf/operator", dispute(true, Some("x"))),
        Err(ModelError::RoleForbidden { .. })
    ));
    assert!(matches!(
        w.run("joc/approver", dispute(true, None)),
        Err(ModelError::ReasonRequired { .. })
    ));
    w.ok(
        "joc/approver",
        "dispute",
        dispute(true, Some("reported as a headquarters, not a post")),
    );
    let seen = w.state.declaration(&viewer("pmf"), &post).unwrap();
    assert!(seen.disputed.as_deref().unwrap().contains("headquarters"));
    let moved = amend_into_strike(&mut w, 1, 0.001);
    assert!(moved.outcome.held.is_empty());
    assert_eq!(moved.outcome.opened.len(), 1);
    assert_eq!(state_of(&w, "strike"), ActivityState::Cleared);
}

#[test]
fn a_suspension_is_the_coordinators_with_an_area_a_limit_and_a_reason() {
    let mut w = world();
    let [lon, lat] = STRIKE;
    let until_ms = w.now() + HOUR;
    let by = |who: &str, area: geojson::Geometry, until_ms: i64, reason: Option<&str>| {
        (
            who.to_owned(),
            Command::SuspendHolds {
                party: "pmf".into(),
                area,
                until_ms,
                reason: reason.map(Into::into),
            },
        )
    };
    let refusals = [
        (
            by("pmf/operator", square(lon, lat, 0.1), until_ms, Some("r")),
            "role_forbidden",
        ),
        (
            by("joc/approver", square(lon, lat, 0.1), until_ms, None),
            "reason_required",
        ),
        (
            by("joc/approver", point(lon, lat), until_ms, Some("r")),
            "invalid",
        ),
        (
            by(
                "joc/approver",
                square(lon, lat, 0.1),
                w.now() + 8 * 24 * HOUR,
                Some("r"),
            ),
            "invalid",
        ),
        (
            by(
                "joc/approver",
                square(lon, lat, 0.1),
                w.now() - HOUR,
                Some("r"),
            ),
            "invalid",
        ),
    ];
    for ((who, command), code) in refusals {
        match w.run(&who, command.clone()) {
            Err(e) => assert_eq!(e.code(), code, "{command:?}: {e}"),
            Ok(entry) => panic!("{command:?} accepted: {entry:?}"),
        }
    }
    assert!(suspend(&mut w, 0.1, 24).is_ok());
    assert_eq!(
        w.state.suspensions(&viewer("joc"), w.now()).unwrap().len(),
        1
    );
    assert!(w.state.suspensions(&viewer("pmf"), w.now()).is_err());
}
