//! The life of activities and conflicts.

use super::*;
use crate::{ActivityState, ConflictState, NoticeEvent, NotificationState, SideView};

/// Runs activity commands on one activity, checking each resulting state or
/// refusal code. Setup: `kind` submitted by the coalition, no conflicts.
fn check_steps(
    kind: &str,
    first: ActivityState,
    steps: &[(&str, &str, Result<ActivityState, &str>)],
) {
    let mut w = World::new();
    let entry = w.ok(
        "coalition/operator",
        "a",
        submit(
            kind,
            "an activity",
            vol(point(44.0, 34.0), 100.0, 1, Some(2)),
        ),
    );
    assert_eq!(entry.outcome.activity_state, Some(first));
    let id = w.act("a");
    for (i, (who, verb, expected)) in steps.iter().enumerate() {
        let reason = Some(format!("step {i}"));
        let command = match *verb {
            "clear" => Command::Clear { id, reason },
            "hold" => Command::Hold { id, reason },
            "deny" => Command::Deny { id, reason },
            "start" => Command::Start { id },
            "complete" => Command::Complete { id },
            "cancel" => Command::Cancel { id },
            other => panic!("no verb {other}"),
        };
        let got = w
            .run(who, command)
            .map(|e| e.outcome.activity_state.expect("a new state"))
            .map_err(|e| e.code());
        assert_eq!(got, *expected, "step {i}: {who} {verb}");
    }
    let history = w.state.activity(&viewer("coalition"), &id).unwrap().history;
    let accepted = steps.iter().filter(|s| s.2.is_ok()).count();
    assert_eq!(history.len(), accepted + 1);
}

#[test]
fn activity_state_machine() {
    use ActivityState::*;
    const OP: &str = "coalition/operator";
    const AP: &str = "joc/approver";
    const WRONG: Result<ActivityState, &str> = Err("wrong_state");
    check_steps(
        "air_strike",
        Held,
        &[
            (OP, "start", WRONG),
            (AP, "clear", Ok(Cleared)),
            (AP, "clear", WRONG),
            (AP, "hold", Ok(Held)),
            (AP, "hold", WRONG),
            (AP, "clear", Ok(Cleared)),
            (OP, "complete", WRONG),
            (OP, "start", Ok(Active)),
            (AP, "hold", WRONG),
            (AP, "deny", WRONG),
            (OP, "start", WRONG),
            (OP, "complete", Ok(Completed)),
            (OP, "cancel", WRONG),
        ],
    );
    check_steps(
        "indirect_fire",
        Held,
        &[
            (AP, "deny", Ok(Denied)),
            (AP, "clear", WRONG),
            (OP, "start", WRONG),
            (OP, "cancel", WRONG),
        ],
    );
    check_steps("patrol", Cleared, &[(AP, "deny", Ok(Denied))]);
    check_steps(
        "patrol",
        Cleared,
        &[
            (OP, "start", Ok(Active)),
            (OP, "cancel", Ok(Cancelled)),
            (OP, "complete", WRONG),
        ],
    );
    check_steps(
        "flight",
        Held,
        &[(OP, "cancel", Ok(Cancelled)), (AP, "clear", WRONG)],
    );
}

/// A PMF position, declared inside a coalition patrol that was already
/// cleared, holds the patrol again; the coalition must now acknowledge.
#[test]
fn a_conflict_opening_on_a_cleared_activity_holds_it_again() {
    let mut w = World::new();
    w.ok(
        "coalition/operator",
        "patrol",
        submit(
            "patrol",
            "Patrol route",
            vol(line(&[[44.10, 34.00], [44.20, 34.00]]), 500.0, 1, Some(5)),
        ),
    );
    let patrol = w.act("patrol");
    let entry = w.ok(
        "pmf/operator",
        "post",
        declare(
            "unit_position",
            "PMF post",
            vol(point(44.15, 34.002), 100.0, 0, None),
        ),
    );
    assert_eq!(entry.outcome.held, vec![patrol]);
    let seen = w.state.activity(&viewer("coalition"), &patrol).unwrap();
    assert_eq!(seen.state, ActivityState::Held);
    // Named by the conflict that held it.
    assert_eq!(
        seen.history.last().unwrap().reason.as_deref(),
        Some(
            format!(
                "{}: {}",
                crate::state::HELD_BY_CONFLICT,
                entry.outcome.opened[0].id
            )
            .as_str()
        )
    );
    // The PMF opened it: the coalition is pending, and must acknowledge.
    let conflict = w.con("post", 0);
    let coalition = w.state.conflict(&viewer("coalition"), &conflict).unwrap();
    assert!(
        matches!(&coalition.sides[0], SideView::Full { notification, .. } if notification.state == NotificationState::Pending)
    );
    let e = w
        .run("joc/approver", clear(&patrol, "checked"))
        .unwrap_err();
    assert_eq!(e.code(), "unacknowledged_conflicts");
    w.ok("coalition/operator", "ack", ack(&conflict));
    w.ok("joc/approver", "clear", clear(&patrol, "both sides aware"));
    // Cleared with an acknowledged open conflict; an active activity is not
    // put back on hold by a new one.
    w.ok("coalition/operator", "start", Command::Start { id: patrol });
    let entry = w.ok(
        "isf/operator",
        "checkpoint",
        declare(
            "checkpoint",
            "ISF checkpoint",
            vol(point(44.12, 34.0), 50.0, 0, None),
        ),
    );
    assert_eq!(entry.outcome.opened.len(), 1);
    assert!(entry.outcome.held.is_empty());
    assert_eq!(
        w.state
            .activity(&viewer("coalition"), &patrol)
            .unwrap()
            .state,
        ActivityState::Active
    );
}

#[test]
fn amending_a_declaration_re_evaluates_its_conflicts() {
    let mut w = World::new();
    w.ok(
        "coalition/operator",
        "survey",
        submit(
            "survey",
            "Survey",
            vol(square(44.15, 34.05, 0.04), 200.0, 1, Some(10)),
        ),
    );
    let post = |label: &str, lon: f64, lat: f64| match declare(
        "unit_position",
        label,
        vol(point(lon, lat), 100.0, 0, None),
    ) {
        Command::Declare(spec) => spec,
        _ => unreachable!(),
    };
    w.ok(
        "pmf/operator",
        "post",
        Command::Declare(post("post", 44.13, 34.03)),
    );
    let (id, first) = (w.decl("post"), w.con("post", 0));
    let amend = |spec| Command::Amend {
        id,
        version: None,
        spec,
    };

    // A new label, same place: the conflict stands as it was.
    let entry = w.ok(
        "pmf/operator",
        "relabel",
        amend(post("post, renamed", 44.13, 34.03)),
    );
    assert!(entry.outcome.opened.is_empty() && entry.outcome.resolved.is_empty());

    // A move within the same 0.05° cells and window: still the same overlap.
    let entry = w.ok("pmf/operator", "nudge", amend(post("post", 44.131, 34.031)));
    assert!(entry.outcome.opened.is_empty() && entry.outcome.resolved.is_empty());

    // A new kind, same place: the coalition is told afresh, and the old
    // conflict keeps showing the kind it was opened with.
    let mut headquarters = post("post", 44.131, 34.031);
    headquarters.kind = "headquarters".into();
    let entry = w.ok("pmf/operator", "rekind", amend(headquarters));
    assert_eq!(entry.outcome.resolved, vec![first]);
    let rekinded = entry.outcome.opened[0].id;
    let coarse_kind =
        |id: &ConflictId| match &w.state.conflict(&viewer("coalition"), id).unwrap().sides[1] {
            SideView::Coarse { kind, .. } => kind.clone(),
            other => panic!("{other:?}"),
        };
    assert_eq!(coarse_kind(&first), "unit_position");
    assert_eq!(coarse_kind(&rekinded), "headquarters");

    // A move into other cells: the old overlap is resolved, a new one opens.
    let entry = w.ok("pmf/operator", "move", amend(post("post", 44.17, 34.07)));
    assert_eq!(entry.outcome.resolved, vec![rekinded]);
    assert_eq!(entry.outcome.opened.len(), 1);
    let second = entry.outcome.opened[0].id;
    assert_ne!(second, rekinded);

    // Away from the survey: resolved, nothing opens; both parties told.
    let entry = w.ok("pmf/operator", "away", amend(post("post", 44.30, 34.20)));
    assert_eq!(entry.outcome.resolved, vec![second]);
    assert!(entry.outcome.opened.is_empty());
    let told: Vec<_> = entry
        .outcome
        .notices
        .iter()
        .map(|n| (n.party.as_str(), n.event))
        .collect();
    assert_eq!(
        told,
        [
            ("coalition", NoticeEvent::Resolved),
            ("pmf", NoticeEvent::Resolved)
        ]
    );

    // Back, then withdrawn.
    let entry = w.ok("pmf/operator", "back", amend(post("post", 44.13, 34.03)));
    let third = entry.outcome.opened[0].id;
    let entry = w.ok("pmf/operator", "withdraw", Command::Withdraw { id });
    assert_eq!(entry.outcome.resolved, vec![third]);
    let e = w.run("pmf/operator", Command::Withdraw { id }).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the declaration is withdrawn; withdraw needs standing"
    );
    // The PMF still sees the history of its declaration's conflicts.
    let seen = w.state.declaration(&viewer("pmf"), &id).unwrap();
    assert_eq!(seen.conflicts.len(), 4);
    assert!(
        w.state
            .conflicts(&viewer("pmf"))
            .iter()
            .all(|c| c.state == ConflictState::Resolved)
    );
}

#[test]
fn an_override_lets_the_approver_clear() {
    let mut w = World::new();
    w.ok(
        "pmf/operator",
        "post",
        declare(
            "unit_position",
            "post",
            vol(point(44.0, 34.0), 100.0, 0, None),
        ),
    );
    w.ok(
        "coalition/operator",
        "strike",
        submit(
            "air_strike",
            "strike",
            vol(point(44.001, 34.0), 100.0, 1, Some(2)),
        ),
    );
    let (strike, conflict) = (w.act("strike"), w.con("strike", 0));
    let override_ = |reason: &str| Command::Override {
        conflict,
        reason: Some(reason.into()),
    };
    let entry = w.ok(
        "joc/approver",
        "override",
        override_("position vacated, confirmed by the ISF liaison"),
    );
    assert_eq!(entry.outcome.notices.len(), 2);
    assert!(
        entry
            .outcome
            .notices
            .iter()
            .all(|n| n.event == NoticeEvent::Overridden)
    );
    let e = w.run("joc/approver", override_("again")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the conflict is overridden; override needs open"
    );
    w.ok(
        "joc/approver",
        "clear",
        clear(&strike, "conflict overridden"),
    );
    let pmf = w.state.conflict(&viewer("pmf"), &conflict).unwrap();
    assert_eq!(pmf.state, ConflictState::Overridden);
    assert_eq!(
        pmf.overridden.as_ref().map(|o| o.reason.as_str()),
        Some("position vacated, confirmed by the ISF liaison")
    );
    // The PMF may still acknowledge an overridden conflict, once.
    w.ok("pmf/operator", "ack", ack(&conflict));
    let e = w.run("pmf/operator", ack(&conflict)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the notification is acknowledged; acknowledge needs pending or delivered"
    );
    // Denying ends the overlap.
    let entry = w.ok(
        "joc/approver",
        "deny",
        Command::Deny {
            id: strike,
            reason: Some("changed plan".into()),
        },
    );
    assert_eq!(entry.outcome.resolved, vec![conflict]);
    let e = w
        .run("pmf/operator", Command::MarkDelivered { conflict })
        .unwrap_err();
    assert_eq!(e.code(), "wrong_state");
}

#[test]
fn two_parties_activities_conflict_once_and_both_are_held() {
    let mut w = World::new();
    w.ok(
        "pmf/operator",
        "patrol",
        submit(
            "patrol",
            "PMF patrol",
            vol(point(44.0, 34.0), 1000.0, 1, Some(3)),
        ),
    );
    let pmf_patrol = w.act("patrol");
    let entry = w.ok(
        "coalition/operator",
        "convoy",
        submit(
            "convoy",
            "Convoy",
            vol(line(&[[43.99, 34.0], [44.02, 34.0]]), 200.0, 2, Some(4)),
        ),
    );
    assert_eq!(entry.outcome.activity_state, Some(ActivityState::Held));
    assert_eq!(entry.outcome.held, vec![pmf_patrol]);
    let opened = &entry.outcome.opened[0];
    assert_eq!(opened.parties, ["coalition".to_owned(), "pmf".to_owned()]);
    assert_eq!(
        (opened.from_ms, opened.to_ms),
        (T0 + 2 * HOUR, Some(T0 + 3 * HOUR))
    );
    // Each sees the other's activity coarsely, own side first.
    for (party, other_kind) in [("pmf", "convoy"), ("coalition", "patrol")] {
        let c = w
            .state
            .conflict(&viewer(party), &w.con("convoy", 0))
            .unwrap();
        assert!(matches!(&c.sides[0], SideView::Full { party: p, .. } if p == party));
        assert!(matches!(&c.sides[1], SideView::Coarse { kind, .. } if kind == other_kind));
    }
    // Cancelling one resolves it; neither party's objects meet again.
    let entry = w.ok("pmf/operator", "cancel", Command::Cancel { id: pmf_patrol });
    assert_eq!(entry.outcome.resolved, vec![w.con("convoy", 0)]);
}

#[test]
fn overlaps_within_one_party_or_apart_in_time_are_not_conflicts() {
    let mut w = World::new();
    w.ok(
        "coalition/operator",
        "base",
        declare(
            "base",
            "Coalition base",
            vol(square(44.0, 34.0, 0.01), 100.0, 0, None),
        ),
    );
    let entry = w.ok(
        "coalition/operator",
        "strike",
        submit(
            "patrol",
            "Patrol",
            vol(point(44.0, 34.0), 100.0, 1, Some(2)),
        ),
    );
    assert!(entry.outcome.opened.is_empty());
    assert_eq!(entry.outcome.activity_state, Some(ActivityState::Cleared));
    // Another party, same place, after the patrol's window: no conflict.
    let entry = w.ok(
        "pmf/operator",
        "later",
        declare(
            "unit_position",
            "later",
            vol(point(44.0, 34.0), 100.0, 2, None),
        ),
    );
    assert!(entry.outcome.opened.is_empty());
    // Declarations never conflict with each other (the PMF's and the ISF's).
    let entry = w.ok(
        "isf/operator",
        "isf",
        declare(
            "unit_position",
            "ISF",
            vol(point(44.0, 34.0), 100.0, 2, None),
        ),
    );
    assert!(entry.outcome.opened.is_empty());
    // But the ISF's and the coalition's patrol do, while both are live.
    let entry = w.ok(
        "isf/operator",
        "isf_patrol",
        submit(
            "patrol",
            "ISF patrol",
            vol(point(44.0, 34.0), 100.0, 0, Some(3)),
        ),
    );
    let others: Vec<_> = entry
        .outcome
        .opened
        .iter()
        .map(|o| o.parties[1].as_str())
        .collect();
    assert_eq!(others.len(), 3, "{others:?}");
}
