//! The demo stories, at real places (unit positions are illustrative).

use super::*;
use crate::{
    ActivityState, ConflictState, ConflictView, ErrorKind, NoticeEvent, NotificationState, SideView,
};

const BALAD: [f64; 2] = [44.1453, 34.0164];
const AL_QAIM: [f64; 2] = [40.9770, 34.3975];
const AL_TAQADDUM: [f64; 2] = [43.5900, 33.3394];
const WEST_MOSUL: [f64; 2] = [43.1268, 36.3427];

/// Asserts that `party` sees none of `secrets` anywhere in its state view.
fn check_unseen(world: &World, party: &str, secrets: &[&str]) {
    let seen = world.seen_by(party);
    for secret in secrets {
        assert!(!seen.contains(secret), "{party} sees {secret:?} in {seen}");
    }
}

/// The one conflict `party` sees, with the other side as it sees it.
fn only_conflict(world: &World, party: &str) -> ConflictView {
    let conflicts = world.state.conflicts(&viewer(party));
    assert_eq!(conflicts.len(), 1, "{party}: {conflicts:#?}");
    conflicts.into_iter().next().expect("one")
}

/// How far the viewer's own notification has gone.
fn notification_state(side: &SideView) -> NotificationState {
    match side {
        SideView::Full { notification, .. } => notification.state,
        other => panic!("not the viewer's own side: {other:?}"),
    }
}

/// Whether another party acknowledged: all the viewer learns of its
/// notification.
fn other_acknowledged(side: &SideView) -> bool {
    match side {
        SideView::Coarse { acknowledged, .. } | SideView::Public { acknowledged, .. } => {
            *acknowledged
        }
        other => panic!("not another party's side: {other:?}"),
    }
}

/// Balad: a coalition air strike near a PMF position is held with a
/// conflict; the PMF learns the kind, the window and a coarse area only.
#[test]
fn balad_air_strike_near_pmf_position_is_held() {
    let mut w = World::new();
    let [lon, lat] = BALAD;
    w.ok(
        "pmf/operator",
        "post",
        declare(
            "unit_position",
            "PMF 35th Brigade position, Balad (illustrative)",
            vol(point(lon, lat), 1000.0, -24, None),
        ),
    );
    let strike = w.ok(
        "coalition/operator",
        "strike",
        submit(
            "air_strike",
            "Strike package HAMMER 21 (illustrative)",
            vol(square(lon + 0.015, lat + 0.004, 0.01), 500.0, 2, Some(3)),
        ),
    );
    assert_eq!(strike.outcome.activity_state, Some(ActivityState::Held));
    assert_eq!(strike.outcome.opened.len(), 1);
    let to_pmf: Vec<_> = strike
        .outcome
        .notices
        .iter()
        .filter(|n| n.party == "pmf")
        .collect();
    assert_eq!(to_pmf.len(), 1);
    assert_eq!(to_pmf[0].event, NoticeEvent::Opened);

    // The PMF: its own position, and of the strike only kind, window, area.
    let pmf = only_conflict(&w, "pmf");
    assert!(matches!(&pmf.sides[0], SideView::Full { party, .. } if party == "pmf"));
    let SideView::Coarse {
        kind, acknowledged, ..
    } = &pmf.sides[1]
    else {
        panic!("the PMF sees the strike coarsely: {pmf:#?}");
    };
    assert_eq!(kind, "air_strike");
    // The coalition opened the conflict and was told in the answer; the PMF
    // learns only that it has not acknowledged.
    assert!(!acknowledged);
    let overlap = pmf.overlap.expect("coarse disclosure shows the overlap");
    assert_eq!(
        (overlap.window.from(), overlap.window.to()),
        (T0 + 2 * HOUR, Some(T0 + 3 * HOUR))
    );
    let [west, south, east, north] = overlap.area.bbox();
    assert!(east - west >= 0.05 - 1e-9 && north - south >= 0.05 - 1e-9);
    assert!(overlap.area.contains(lon, lat));
    check_unseen(
        &w,
        "pmf",
        &[
            "HAMMER",
            &w.act("strike").to_string(),
            "coalition",
            "44.165",
        ],
    );

    // The coalition: its strike, and of the position only its kind.
    let coalition = only_conflict(&w, "coalition");
    assert!(
        matches!(&coalition.sides[1], SideView::Coarse { kind, .. } if kind == "unit_position")
    );
    assert!(!other_acknowledged(&coalition.sides[1]));
    check_unseen(
        &w,
        "coalition",
        &[
            "35th",
            &w.decl("post").to_string(),
            "pmf",
            "44.1453",
            "34.0164",
        ],
    );

    // The joc sees both sides in full; a bystander sees nothing at all.
    let joc = only_conflict(&w, "joc");
    assert!(joc.sides.iter().all(|s| matches!(s, SideView::Full { .. })));
    for party in ["isf", "peshmerga", "ocha"] {
        let view = w.state.view(&viewer(party));
        assert!(
            view.declarations.is_empty() && view.activities.is_empty() && view.conflicts.is_empty(),
            "{party}: {view:#?}"
        );
    }

    // The PMF's event stream delivers the notice: the PMF sees it
    // delivered, the coalition sees nothing move, neither whether nor when.
    let conflict = w.con("strike", 0);
    let before = only_conflict(&w, "coalition");
    w.ok(
        "pmf/viewer",
        "delivered",
        Command::MarkDelivered { conflict },
    );
    assert_eq!(
        notification_state(&only_conflict(&w, "pmf").sides[0]),
        NotificationState::Delivered
    );
    let coalition = only_conflict(&w, "coalition");
    assert_eq!(coalition, before);
    assert!(!other_acknowledged(&coalition.sides[1]));
    // Held it stays: nobody has acknowledged, nobody overrode.
    let refused = w
        .run(
            "joc/approver",
            clear(&w.act("strike"), "requested by the ISF"),
        )
        .expect_err("the PMF has not acknowledged");
    assert_eq!(refused.code(), "unacknowledged_conflicts");
    assert!(refused.to_string().contains(&conflict.to_string()));
}

/// Al-Qaim: a coalition border survey conflicts with PMF border posts; the
/// PMF acknowledges; the joc clears; the survey runs and the conflicts end.
#[test]
fn al_qaim_survey_is_acknowledged_by_the_pmf_and_cleared_by_the_joc() {
    let mut w = World::new();
    let [lon, lat] = AL_QAIM;
    for (name, label, at) in [
        (
            "post1",
            "PMF border post, al-Qaim crossing (illustrative)",
            [lon, lat],
        ),
        (
            "post2",
            "PMF border post west of the crossing (illustrative)",
            [lon - 0.012, lat - 0.0015],
        ),
    ] {
        w.ok(
            "pmf/operator",
            name,
            declare(
                "border_post",
                label,
                vol(point(at[0], at[1]), 200.0, -48, None),
            ),
        );
    }
    let survey = w.ok(
        "coalition/operator",
        "survey",
        submit(
            "survey",
            "Border survey, al-Qaim sector (illustrative)",
            vol(line(&[[40.95, 34.39], [41.00, 34.40]]), 500.0, 24, Some(30)),
        ),
    );
    // A survey needs no clearance by policy: the conflicts hold it.
    assert_eq!(survey.outcome.activity_state, Some(ActivityState::Held));
    assert_eq!(survey.outcome.opened.len(), 2);
    let (c0, c1) = (w.con("survey", 0), w.con("survey", 1));
    let survey_id = w.act("survey");

    let refused = w
        .run("joc/approver", clear(&survey_id, "coordinated"))
        .unwrap_err();
    assert_eq!(refused.code(), "unacknowledged_conflicts");

    w.ok("pmf/operator", "ack0", ack(&c0));
    // The coalition learns that the PMF acknowledged the one, not the other.
    let seen = |c: &ConflictId| w.state.conflict(&viewer("coalition"), c).unwrap();
    assert!(other_acknowledged(&seen(&c0).sides[1]));
    assert!(!other_acknowledged(&seen(&c1).sides[1]));
    let acknowledged = w.entries.last().expect("an entry");
    assert_eq!(acknowledged.outcome.notices.len(), 1);
    assert_eq!(acknowledged.outcome.notices[0].party, "coalition");
    assert_eq!(
        acknowledged.outcome.notices[0].event,
        NoticeEvent::Acknowledged
    );
    let refused = w
        .run("joc/approver", clear(&survey_id, "coordinated"))
        .unwrap_err();
    assert_eq!(
        refused,
        crate::ModelError::Unacknowledged {
            conflicts: vec![c1]
        }
    );
    // Acknowledging clears nothing.
    assert_eq!(
        w.state
            .activity(&viewer("coalition"), &survey_id)
            .unwrap()
            .state,
        ActivityState::Held
    );

    w.ok("pmf/operator", "ack1", ack(&c1));
    let refused = w
        .run(
            "joc/approver",
            Command::Clear {
                id: survey_id,
                reason: None,
            },
        )
        .unwrap_err();
    assert_eq!(refused.to_string(), "reason: required when clearing");
    assert_eq!(refused.kind(), ErrorKind::Invalid { field: "reason" });
    w.ok(
        "joc/approver",
        "cleared",
        clear(
            &survey_id,
            "  PMF acknowledged both posts; survey planned with the ISF  ",
        ),
    );
    let survey = w.state.activity(&viewer("coalition"), &survey_id).unwrap();
    assert_eq!(survey.state, ActivityState::Cleared);
    assert_eq!(
        survey.history.last().and_then(|t| t.reason.as_deref()),
        Some("PMF acknowledged both posts; survey planned with the ISF")
    );
    // The PMF sees both conflicts, acknowledged, and nothing of the survey
    // but its kind.
    let pmf = w.state.conflicts(&viewer("pmf"));
    assert_eq!(pmf.len(), 2);
    for c in &pmf {
        assert_eq!(
            notification_state(&c.sides[0]),
            NotificationState::Acknowledged
        );
        assert!(matches!(&c.sides[1], SideView::Coarse { kind, .. } if kind == "survey"));
    }
    check_unseen(
        &w,
        "pmf",
        &["Border survey", &survey_id.to_string(), "coalition"],
    );

    w.ok(
        "coalition/operator",
        "start",
        Command::Start { id: survey_id },
    );
    let done = w.ok(
        "coalition/operator",
        "done",
        Command::Complete { id: survey_id },
    );
    assert_eq!(done.outcome.resolved.len(), 2);
    assert!(
        w.state
            .conflicts(&viewer("pmf"))
            .iter()
            .all(|c| c.state == ConflictState::Resolved)
    );
}

/// Al Taqaddum: coalition and PMF share the base in separate areas; nothing
/// conflicts and neither sees the other.
#[test]
fn al_taqaddum_separate_areas_do_not_conflict() {
    let mut w = World::new();
    let [lon, lat] = AL_TAQADDUM;
    let (nw, se) = ([lon - 0.015, lat + 0.011], [lon + 0.015, lat - 0.009]);
    w.ok(
        "coalition/operator",
        "compound",
        declare(
            "base",
            "Coalition compound, Al Taqaddum (illustrative)",
            vol(square(nw[0], nw[1], 0.005), 100.0, -720, None),
        ),
    );
    w.ok(
        "pmf/operator",
        "camp",
        declare(
            "unit_position",
            "PMF compound, Al Taqaddum (illustrative)",
            vol(square(se[0], se[1], 0.005), 100.0, -720, None),
        ),
    );
    let training = w.ok(
        "coalition/operator",
        "training",
        submit(
            "training",
            "Range training, north-west range (illustrative)",
            vol(square(nw[0], nw[1], 0.004), 300.0, 1, Some(4)),
        ),
    );
    let patrol = w.ok(
        "pmf/operator",
        "patrol",
        submit(
            "patrol",
            "Perimeter patrol, south-east (illustrative)",
            vol(square(se[0], se[1], 0.006), 200.0, 1, Some(4)),
        ),
    );
    for entry in [&training, &patrol] {
        assert_eq!(entry.outcome.activity_state, Some(ActivityState::Cleared));
        assert!(entry.outcome.opened.is_empty());
    }
    for party in PARTIES {
        assert!(w.state.conflicts(&viewer(party)).is_empty());
    }
    check_unseen(
        &w,
        "pmf",
        &["Coalition compound", "Range training", "coalition"],
    );
    check_unseen(
        &w,
        "coalition",
        &["PMF compound", "Perimeter patrol", "pmf"],
    );
    assert_eq!(w.state.declarations(&viewer("joc")).len(), 2);
}

/// West Mosul: OCHA's displacement camp is public, so every party sees it
/// in full; a strike near it conflicts, and only those involved see that.
#[test]
fn ocha_public_camp_west_of_mosul_is_visible_to_all() {
    let mut w = World::new();
    let [lon, lat] = WEST_MOSUL;
    w.ok(
        "ocha/operator",
        "camp",
        public(declare(
            "camp",
            "Displacement camp, west Mosul (illustrative)",
            vol(square(lon, lat, 0.004), 250.0, -2000, None),
        )),
    );
    let camp = w.decl("camp");
    for party in PARTIES {
        let seen = w.state.declaration(&viewer(party), &camp).expect("public");
        assert_eq!(seen.label, "Displacement camp, west Mosul (illustrative)");
        assert_eq!(seen.owner, "ocha");
    }

    w.ok(
        "coalition/operator",
        "strike",
        submit(
            "air_strike",
            "Strike on a position by the camp (illustrative)",
            vol(square(lon + 0.006, lat + 0.002, 0.002), 300.0, 5, Some(6)),
        ),
    );
    // The coalition sees the public camp in full on the other side, but of
    // OCHA's notification only whether it acknowledged.
    let coalition = only_conflict(&w, "coalition");
    assert!(matches!(
        &coalition.sides[1],
        SideView::Public { party, object: ObjectRef::Declaration(id), acknowledged: false, .. }
            if party == "ocha" && *id == camp
    ));
    let conflict = w.con("strike", 0);
    w.ok(
        "ocha/viewer",
        "delivered",
        Command::MarkDelivered { conflict },
    );
    assert_eq!(only_conflict(&w, "coalition"), coalition);
    w.ok("ocha/operator", "ack", ack(&conflict));
    assert!(other_acknowledged(&only_conflict(&w, "coalition").sides[1]));
    // OCHA sees the strike coarsely.
    let ocha = only_conflict(&w, "ocha");
    assert!(matches!(&ocha.sides[1], SideView::Coarse { kind, .. } if kind == "air_strike"));
    check_unseen(&w, "ocha", &["Strike on a position", "coalition"]);
    // The PMF sees the camp, but neither the conflict nor its id.
    let pmf = w.state.declaration(&viewer("pmf"), &camp).unwrap();
    assert!(pmf.conflicts.is_empty());
    assert!(w.state.conflicts(&viewer("pmf")).is_empty());
    check_unseen(
        &w,
        "pmf",
        &[
            &w.con("strike", 0).to_string(),
            &w.act("strike").to_string(),
        ],
    );
}

/// Coordinator-only disclosure: the other party learns only that the
/// coordinator will make contact; the owner still sees the other side.
#[test]
fn coordinator_only_disclosure_hides_kind_window_and_area() {
    let mut w = World::new();
    let [lon, lat] = BALAD;
    w.ok(
        "pmf/operator",
        "hq",
        coordinator_only(declare(
            "headquarters",
            "PMF sector HQ (illustrative)",
            vol(point(lon, lat), 500.0, -24, None),
        )),
    );
    w.ok(
        "coalition/operator",
        "strike",
        submit(
            "air_strike",
            "HAMMER 22",
            vol(point(lon + 0.003, lat), 300.0, 1, Some(2)),
        ),
    );
    let coalition = only_conflict(&w, "coalition");
    assert_eq!(coalition.sides[1], SideView::CoordinatorWillContact);
    assert_eq!(coalition.overlap, None);
    check_unseen(&w, "coalition", &["headquarters", "PMF sector HQ", "pmf"]);
    let pmf = only_conflict(&w, "pmf");
    assert!(matches!(&pmf.sides[1], SideView::Coarse { kind, .. } if kind == "air_strike"));
    assert!(pmf.overlap.is_some());
}
