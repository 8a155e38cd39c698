//! Protected sites that stay true: unconfirmed when not re-confirmed in
//! time (still protected), asked to re-confirm before an activity over them
//! is cleared; challenged, answered and ruled on, the challenger named to
//! the owner only if the coordinator says.

use super::*;
use crate::{ChallengeRuling, Rule, RuleSpec, may_read};

const CAMP: [f64; 2] = [43.2, 35.8];

fn reconfirm_rule(w: &mut World, hours: f64) {
    let t = w.now();
    w.ok(
        "joc/approver",
        "rule",
        Command::SetRule {
            spec: RuleSpec {
                name: "camps".into(),
                parties: vec![],
                public: true,
                rule: Some(Rule::Reconfirm {
                    kind: "camp".into(),
                    hours,
                }),
                from_ms: t,
            },
            reason: Some("lists of protected sites go stale".into()),
        },
    );
}

/// OCHA's public camp, under a rule that camps are re-confirmed hourly.
fn world() -> World {
    let mut w = World::new();
    reconfirm_rule(&mut w, 1.0);
    let [lon, lat] = CAMP;
    w.ok(
        "ocha/operator",
        "camp",
        public(declare(
            "camp",
            "Camp for displaced families",
            vol(point(lon, lat), 500.0, -48, None),
        )),
    );
    w
}

fn sweep_after(w: &mut World, minutes: i64) -> Entry {
    let t = w.now() + minutes * 60_000;
    w.set_clock(t);
    w.run("service", Command::Sweep).unwrap()
}

fn unconfirmed_since(w: &World, who: &str) -> Option<i64> {
    w.state
        .declaration(&viewer(who), &w.decl("camp"))
        .unwrap()
        .unconfirmed_since
}

#[test]
fn a_site_not_reconfirmed_in_time_is_shown_unconfirmed_to_all_and_still_protects() {
    let mut w = world();
    assert!(sweep_after(&mut w, 30).outcome.unconfirmed.is_empty());
    let sweep = sweep_after(&mut w, 40);
    assert_eq!(sweep.outcome.unconfirmed, [w.decl("camp")]);
    for who in ["ocha", "pmf", "joc"] {
        assert!(unconfirmed_since(&w, who).is_some(), "{who}");
    }
    // Marked once, not on every sweep.
    assert!(sweep_after(&mut w, 5).outcome.unconfirmed.is_empty());
    // Still protected: a strike over it still meets it.
    let [lon, lat] = CAMP;
    let strike = w.ok(
        "coalition/operator",
        "strike",
        submit(
            "air_strike",
            "Strike",
            vol(point(lon, lat), 300.0, 10, Some(11)),
        ),
    );
    assert_eq!(strike.outcome.opened.len(), 1);
    // Re-confirmed by its owner, it is confirmed again; nobody else may.
    let e = w
        .run("pmf/operator", Command::Reconfirm { id: w.decl("camp") })
        .unwrap_err();
    assert_eq!(e.code(), "not_owner");
    w.ok(
        "ocha/operator",
        "again",
        Command::Reconfirm { id: w.decl("camp") },
    );
    assert_eq!(unconfirmed_since(&w, "pmf"), None);
}

#[test]
fn an_activity_over_an_unconfirmed_site_waits_for_its_owner_to_reconfirm_within_the_notice() {
    let mut w = world();
    sweep_after(&mut w, 70);
    let [lon, lat] = CAMP;
    let convoy = w.ok(
        "isf/operator",
        "convoy",
        submit(
            "convoy",
            "Convoy past the camp",
            vol(point(lon, lat), 300.0, 30, Some(31)),
        ),
    );
    let ask = &convoy.outcome.asked[0];
    assert_eq!(ask.declaration, w.decl("camp"));
    assert_eq!(ask.until_ms, w.now() + 2 * HOUR, "the policy's default");
    let conflict = convoy.outcome.opened[0].id;
    w.ok("isf/operator", "ack1", ack(&conflict));
    w.ok("ocha/operator", "ack2", ack(&conflict));
    let e = w
        .run("joc/approver", clear(&w.act("convoy"), "the camp is empty"))
        .unwrap_err();
    assert_eq!(e.code(), "awaiting_reconfirmation");
    // The approver sees the deadline; so does the owner; not the convoy's.
    let joc = w
        .state
        .declaration(&viewer("joc"), &w.decl("camp"))
        .unwrap();
    assert_eq!(joc.reconfirm_by, Some(ask.until_ms));
    let isf = w
        .state
        .declaration(&viewer("isf"), &w.decl("camp"))
        .unwrap();
    assert_eq!(isf.reconfirm_by, None);
    // Re-confirmed: the clearance may go ahead.
    w.ok(
        "ocha/operator",
        "again",
        Command::Reconfirm { id: w.decl("camp") },
    );
    w.ok(
        "joc/approver",
        "clear",
        clear(&w.act("convoy"), "the camp stands; route around"),
    );
}

#[test]
fn unanswered_the_deadline_passes_and_the_approver_decides() {
    let mut w = world();
    sweep_after(&mut w, 70);
    let [lon, lat] = CAMP;
    let convoy = w.ok(
        "isf/operator",
        "convoy",
        submit(
            "convoy",
            "Convoy",
            vol(point(lon, lat), 300.0, 30, Some(31)),
        ),
    );
    let conflict = convoy.outcome.opened[0].id;
    w.ok("isf/operator", "ack1", ack(&conflict));
    w.ok("ocha/operator", "ack2", ack(&conflict));
    w.set_clock(w.now() + 2 * HOUR + 60_000);
    w.ok(
        "joc/approver",
        "clear",
        clear(&w.act("convoy"), "no answer in two hours"),
    );
    assert!(unconfirmed_since(&w, "joc").is_some(), "still unconfirmed");
}

fn challenge(w: &mut World, who: &str) -> Result<Entry, ModelError> {
    let id = w.decl("camp");
    w.run(
        who,
        Command::Challenge {
            id,
            grounds: " fighters seen at its gate ".into(),
        },
    )
}

#[test]
fn a_challenge_reaches_the_owner_without_its_challenger_unless_the_coordinator_names_it() {
    let mut w = world();
    let raised = challenge(&mut w, "coalition/operator").unwrap();
    let id = raised.outcome.challenge.unwrap();
    let owner = w.state.challenge(&viewer("ocha"), &id).unwrap();
    assert_eq!(owner.by, None);
    assert_eq!(owner.grounds, "fighters seen at its gate");
    assert_eq!(
        w.state
            .challenge(&viewer("coalition"), &id)
            .unwrap()
            .by
            .as_deref(),
        Some("coalition")
    );
    assert_eq!(
        w.state
            .challenge(&viewer("joc"), &id)
            .unwrap()
            .by
            .as_deref(),
        Some("coalition")
    );
    assert!(w.state.challenge(&viewer("pmf"), &id).is_none());
    for pointer in ["/actor/party", "/command/challenge/grounds", "/time_ms"] {
        assert!(
            !may_read(&w.state, &viewer("ocha"), &raised, pointer),
            "{pointer}"
        );
        assert!(
            !may_read(&w.state, &viewer("pmf"), &raised, pointer),
            "{pointer}"
        );
    }
    // One open challenge per party; not of one's own.
    assert_eq!(
        challenge(&mut w, "coalition/operator").unwrap_err().code(),
        "wrong_state"
    );
    assert_eq!(
        challenge(&mut w, "ocha/operator").unwrap_err().code(),
        "invalid"
    );

    w.ok(
        "ocha/operator",
        "answer",
        Command::AnswerChallenge {
            id,
            answer: "unarmed police at the gate".into(),
        },
    );
    let e = w
        .run(
            "coalition/operator",
            Command::AnswerChallenge {
                id,
                answer: "no".into(),
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "not_owner");
    let ruled = w.ok(
        "joc/approver",
        "ruling",
        Command::RuleChallenge {
            id,
            ruling: ChallengeRuling::Disputed,
            reason: Some("both seen by the ISF".into()),
            name_challenger: true,
        },
    );
    assert!(may_read(
        &w.state,
        &viewer("ocha"),
        &ruled,
        "/command/rule_challenge/ruling"
    ));
    assert!(!may_read(
        &w.state,
        &viewer("pmf"),
        &ruled,
        "/command/rule_challenge/ruling"
    ));
    let owner = w.state.challenge(&viewer("ocha"), &id).unwrap();
    assert_eq!(
        owner.by.as_deref(),
        Some("coalition"),
        "named by the coordinator"
    );
    assert_eq!(owner.ruling, Some(ChallengeRuling::Disputed));
    // Disputed, it stands, flagged to all who see it.
    let seen = w
        .state
        .declaration(&viewer("pmf"), &w.decl("camp"))
        .unwrap();
    assert_eq!(seen.disputed.as_deref(), Some("both seen by the ISF"));
    assert!(!seen.withdrawn);
    assert!(seen.challenges.is_empty(), "the PMF did not challenge it");
}

#[test]
fn a_challenge_upheld_leaves_the_site_and_one_withdrawn_ends_its_protection() {
    let mut w = world();
    let first = challenge(&mut w, "pmf/operator")
        .unwrap()
        .outcome
        .challenge
        .unwrap();
    let rule = |id, ruling| Command::RuleChallenge {
        id,
        ruling,
        reason: Some("looked into".into()),
        name_challenger: false,
    };
    for who in ["pmf/operator", "coalition/viewer", "ocha/operator"] {
        let e = w
            .run(who, rule(first, ChallengeRuling::Upheld))
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Forbidden, "{who}");
    }
    w.ok(
        "joc/approver",
        "upheld",
        rule(first, ChallengeRuling::Upheld),
    );
    assert_eq!(w.state.challenge(&viewer("ocha"), &first).unwrap().by, None);
    let e = w
        .run("joc/approver", rule(first, ChallengeRuling::Withdrawn))
        .unwrap_err();
    assert_eq!(e.code(), "wrong_state", "ruled once");

    let [lon, lat] = CAMP;
    let strike = w.ok(
        "coalition/operator",
        "strike",
        submit(
            "air_strike",
            "Strike",
            vol(point(lon, lat), 300.0, 10, Some(11)),
        ),
    );
    let second = challenge(&mut w, "coalition/operator")
        .unwrap()
        .outcome
        .challenge
        .unwrap();
    let withdrawn = w.ok(
        "joc/approver",
        "withdrawn",
        rule(second, ChallengeRuling::Withdrawn),
    );
    assert_eq!(withdrawn.outcome.resolved, [strike.outcome.opened[0].id]);
    assert!(
        w.state
            .declaration(&viewer("ocha"), &w.decl("camp"))
            .unwrap()
            .withdrawn
    );
    // It no longer protects: a new strike meets nothing.
    let again = w.ok(
        "coalition/operator",
        "strike2",
        submit(
            "air_strike",
            "Strike",
            vol(point(lon, lat), 300.0, 12, Some(13)),
        ),
    );
    assert!(again.outcome.opened.is_empty());
    let replayed = State::replay(Policy::default(), &w.entries).unwrap();
    assert_eq!(replayed.view(&viewer("joc")), w.state.view(&viewer("joc")));
}

#[test]
fn a_private_site_cannot_be_challenged_by_a_party_that_does_not_see_it() {
    let mut w = World::new();
    let [lon, lat] = CAMP;
    w.ok(
        "coalition/operator",
        "base",
        declare("base", "Base", vol(point(lon, lat), 500.0, -1, None)),
    );
    let id = w.decl("base");
    let e = w
        .run(
            "pmf/operator",
            Command::Challenge {
                id,
                grounds: "x".into(),
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "not_found");
    w.ok(
        "joc/approver",
        "by-joc",
        Command::Challenge {
            id,
            grounds: "reported elsewhere".into(),
        },
    );
}

fn report(kind: crate::IncidentKind, against: &str) -> Command {
    let [lon, lat] = CAMP;
    Command::ReportIncident(crate::IncidentSpec {
        kind,
        place: point(lon, lat),
        precision_m: 100.0,
        from_ms: T0,
        to_ms: T0 + HOUR,
        reported_by: "camp staff".into(),
        against: Some(against.into()),
        source: "staff".into(),
        source_grade: "B2".into(),
    })
}

#[test]
fn a_strike_on_a_site_its_striker_was_told_of_is_flagged_and_the_striker_asked_to_respond() {
    let mut w = world();
    let [lon, lat] = CAMP;
    // The coalition planned a strike over the camp: it was told of the
    // conflict when it submitted.
    w.ok(
        "coalition/operator",
        "strike",
        submit(
            "air_strike",
            "Strike",
            vol(point(lon, lat), 300.0, 10, Some(11)),
        ),
    );
    let t = w.now();
    w.ok(
        "joc/approver",
        "respond",
        Command::SetRule {
            spec: RuleSpec {
                name: "respond".into(),
                parties: vec!["coalition".into()],
                public: true,
                rule: Some(Rule::Respond { hours: 24.0 }),
                from_ms: t,
            },
            reason: Some("an accused party answers within a day".into()),
        },
    );
    let struck = w.ok(
        "ocha/operator",
        "struck",
        report(crate::IncidentKind::FriendlyFire, "coalition"),
    );
    let flagged = struck.outcome.notified_site.as_ref().expect("flagged");
    assert_eq!(flagged.declarations, [w.decl("camp")]);
    assert_eq!(flagged.respond_by_ms, w.now() + 24 * HOUR);
    let ObjectRef::Incident(id) = struck.outcome.created.unwrap() else {
        panic!("an incident")
    };
    // The accused sees the flag and the clock, not which sites: those are
    // the coordinator's.
    let accused = w.state.incident(&viewer("coalition"), &id).unwrap();
    assert!(accused.notified_site);
    assert!(accused.notified_sites.is_empty());
    assert_eq!(accused.respond_by_ms, Some(flagged.respond_by_ms));
    let joc = w.state.incident(&viewer("joc"), &id).unwrap();
    assert_eq!(joc.notified_sites, [w.decl("camp")]);
    assert!(!may_read(
        &w.state,
        &viewer("coalition"),
        &struck,
        "/outcome/notified_site"
    ));

    // Only the accused responds, once.
    let respond = |text: &str| Command::RespondIncident {
        id,
        response: text.into(),
    };
    assert_eq!(
        w.run("ocha/operator", respond("x")).unwrap_err().code(),
        "not_owner"
    );
    w.ok(
        "coalition/operator",
        "response",
        respond("no aircraft over the camp then"),
    );
    assert_eq!(
        w.state
            .incident(&viewer("ocha"), &id)
            .unwrap()
            .response
            .as_deref(),
        Some("no aircraft over the camp then")
    );
    assert_eq!(
        w.run("coalition/operator", respond("again"))
            .unwrap_err()
            .code(),
        "wrong_state"
    );

    // A party never told of the site, or an allegation, is not flagged.
    let untold = w.ok(
        "ocha/operator",
        "untold",
        report(crate::IncidentKind::Attack, "isf"),
    );
    assert!(untold.outcome.notified_site.is_none());
    let claim = w.ok(
        "ocha/operator",
        "claim",
        report(crate::IncidentKind::Allegation, "coalition"),
    );
    assert!(claim.outcome.notified_site.is_none());
}
