//! What a party may read of log entries, and who may make a field public.

use super::*;
use crate::{RevealStep, may_read, revealable_alone};

const BALAD: [f64; 2] = [44.1453, 34.0164];

/// The Balad story: a PMF post, a coalition base far away, a coalition
/// strike near the post (held with a conflict), the PMF's acknowledgement,
/// the coalition's and the joc's clearance.
fn balad(strike_disclosure: Disclosure) -> World {
    let mut w = World::new();
    let [lon, lat] = BALAD;
    w.ok(
        "pmf/operator",
        "post",
        declare(
            "unit_position",
            "PMF post",
            vol(point(lon, lat), 1000.0, -24, None),
        ),
    );
    w.ok(
        "coalition/operator",
        "base",
        declare(
            "base",
            "Secret base",
            vol(point(42.44, 33.80), 3000.0, -24, None),
        ),
    );
    let strike = submit(
        "air_strike",
        "HAMMER 21",
        vol(square(lon + 0.015, lat + 0.004, 0.01), 500.0, 2, Some(3)),
    );
    let strike = match strike_disclosure {
        Disclosure::Coarse => strike,
        Disclosure::CoordinatorOnly => coordinator_only(strike),
    };
    w.ok("coalition/operator", "strike", strike);
    let conflict = w.con("strike", 0);
    w.ok("pmf/operator", "ack", ack(&conflict));
    w.ok("coalition/operator", "ack2", ack(&conflict));
    let id = w.act("strike");
    w.ok("joc/approver", "clear", clear(&id, "checked with the ISF"));
    w.ok("coalition/operator", "start", Command::Start { id });
    w
}

fn reads(w: &World, who: &str, seq: u64, pointer: &str) -> bool {
    may_read(
        &w.state,
        &viewer(who),
        &w.entries[seq as usize - 1],
        pointer,
    )
}

#[test]
fn a_party_reads_of_anothers_entry_only_what_the_conflict_shows() {
    let w = balad(Disclosure::Coarse);
    // Entry 3: the coalition's strike, which opened the conflict.
    for readable in [
        "/time_ms",
        "/outcome/opened/0/id",
        "/outcome/opened/0/area",
        "/outcome/opened/0/from_ms",
        "/outcome/opened/0/to_ms",
        "/outcome/opened/0/other",
        "/outcome/activity_state",
    ] {
        assert!(reads(&w, "pmf", 3, readable), "{readable}");
    }
    let to_pmf = w.entries[2]
        .outcome
        .notices
        .iter()
        .position(|n| n.party == "pmf")
        .expect("the pmf is told");
    assert!(reads(&w, "pmf", 3, &format!("/outcome/notices/{to_pmf}")));
    for hidden in [
        "/outcome/opened/0/activity",
        "/outcome/opened/0/parties",
        "/outcome/created",
        "/command/submit_activity/label",
        "/command/submit_activity/volume",
        "/command/submit_activity/kind",
        "/actor/party",
        "/actor/credential_id",
        "/outcome/notices/0x",
        "/nothing",
    ] {
        assert!(!reads(&w, "pmf", 3, hidden), "{hidden}");
    }
    // Entry 2: the coalition's base, which meets nothing of the PMF's: not
    // even its time. Entry 5: the coalition's acknowledgement; entry 7 the
    // strike's start.
    for seq in [2, 5, 7] {
        for pointer in ["/time_ms", "/command", "/actor/party", "/outcome/created"] {
            assert!(!reads(&w, "pmf", seq, pointer), "{seq} {pointer}");
        }
    }
    // Entry 6: the joc's clearance of the strike: that it was cleared, not
    // which activity nor why.
    assert!(reads(&w, "pmf", 6, "/outcome/activity_state"));
    assert!(reads(&w, "pmf", 6, "/time_ms"));
    assert!(!reads(&w, "pmf", 6, "/command/clear/id"));
    assert!(!reads(&w, "pmf", 6, "/command/clear/reason"));
    // The ISF, in nothing of it, reads nothing of any entry.
    for seq in 1..=7 {
        assert!(!reads(&w, "isf", seq, "/time_ms"), "{seq}");
    }
}

#[test]
fn a_party_reads_its_own_entries_but_not_the_other_side_in_them() {
    let w = balad(Disclosure::Coarse);
    for pointer in [
        "/time_ms",
        "/actor/credential_id",
        "/command/acknowledge/conflict",
    ] {
        assert!(reads(&w, "pmf", 4, pointer), "{pointer}");
    }
    // Its acknowledgement told the coalition: not the PMF's to read.
    assert_eq!(w.entries[3].outcome.notices.len(), 1);
    assert!(!reads(&w, "pmf", 4, "/outcome/notices/0"));
    // The coalition reads its strike, but of the conflict not the PMF's post.
    assert!(reads(&w, "coalition", 3, "/command/submit_activity/label"));
    assert!(reads(&w, "coalition", 3, "/outcome/opened/0/activity"));
    assert!(!reads(&w, "coalition", 3, "/outcome/opened/0/other"));
    assert!(!reads(&w, "coalition", 3, "/outcome/opened/0/parties"));
}

#[test]
fn coordinator_only_hides_the_overlap_and_the_decisions() {
    let w = balad(Disclosure::CoordinatorOnly);
    assert!(reads(&w, "pmf", 3, "/outcome/opened/0/id"));
    for hidden in [
        "/outcome/opened/0/area",
        "/outcome/opened/0/from_ms",
        "/outcome/activity_state",
    ] {
        assert!(!reads(&w, "pmf", 3, hidden), "{hidden}");
    }
    assert!(!reads(&w, "pmf", 6, "/outcome/activity_state"));
}

#[test]
fn the_coordinator_reads_everything() {
    let w = balad(Disclosure::CoordinatorOnly);
    for seq in 1..=7 {
        assert!(reads(&w, "joc", seq, "/actor/credential_id"));
        assert!(reads(&w, "joc", seq, "/outcome/opened/0/parties"));
    }
}

#[test]
fn only_fields_of_ones_own_alone_may_be_revealed_alone() {
    let w = balad(Disclosure::Coarse);
    let entry = |seq: usize| &w.entries[seq - 1];
    assert!(revealable_alone(entry(3), "/command/submit_activity/label"));
    assert!(revealable_alone(entry(3), "/outcome/activity_state"));
    assert!(revealable_alone(entry(3), "/time_ms"));
    for shared in [
        "/outcome/opened/0/area",
        "/outcome/opened/0/other",
        "/outcome/opened/0/parties",
        "/outcome/notices/0",
    ] {
        assert!(!revealable_alone(entry(3), shared), "{shared}");
    }
    assert!(!revealable_alone(entry(4), "/command/acknowledge/conflict"));
    // The joc's decision on the coalition's activity.
    assert!(!revealable_alone(entry(6), "/command/clear/reason"));
    assert!(!revealable_alone(entry(6), "/outcome/activity_state"));
}

fn reveal(seq: u64, pointer: &str, owner: &str, own: bool) -> Command {
    Command::Reveal {
        seq,
        pointer: pointer.into(),
        owner: owner.into(),
        own,
    }
}

fn second_approver() -> Actor {
    Actor::new("joc", Role::Approver, "cred-joc/approver-2", true)
}

#[test]
fn a_coordinator_reveal_takes_two_approvers_or_the_owners_consent() {
    let mut w = balad(Disclosure::Coarse);
    let area = "/outcome/opened/0/area";
    let step = |e: &Entry| e.outcome.reveal;
    // The PMF cannot reveal the coalition's entry, nor the coalition alone
    // a field that tells of the PMF.
    assert!(matches!(
        w.run("pmf/operator", reveal(3, area, "coalition", false)),
        Err(ModelError::NotOwner { .. })
    ));
    let first = w
        .run("joc/approver", reveal(3, area, "coalition", false))
        .unwrap();
    assert_eq!(step(&first), Some(RevealStep::Requested));
    assert!(!w.state.is_revealed(3, area));
    assert!(matches!(
        w.run("joc/approver", reveal(3, area, "coalition", false)),
        Err(ModelError::WrongState { .. })
    ));
    // A second approver.
    let seq = w.entries.len() as u64 + 1;
    let draft = w
        .state
        .execute(
            &second_approver(),
            reveal(3, area, "coalition", false),
            w.now() + 60_000,
            Entropy::new([9; 32]),
        )
        .unwrap();
    let second = draft.seal(seq);
    w.state.apply(&second).unwrap();
    w.entries.push(second.clone());
    assert_eq!(step(&second), Some(RevealStep::Revealed));
    assert!(w.state.is_revealed(3, area));

    // The owner asks first: consent, waiting for one approver.
    let from = "/outcome/opened/0/from_ms";
    let consent = w
        .run("coalition/operator", reveal(3, from, "coalition", false))
        .unwrap();
    assert_eq!(step(&consent), Some(RevealStep::Requested));
    assert!(!w.state.is_revealed(3, from));
    let done = w
        .run("joc/approver", reveal(3, from, "coalition", false))
        .unwrap();
    assert_eq!(step(&done), Some(RevealStep::Revealed));
    assert!(w.state.is_revealed(3, from));

    // Its own label the coalition reveals alone, at once.
    let label = "/command/submit_activity/label";
    let own = w
        .run("coalition/operator", reveal(3, label, "coalition", true))
        .unwrap();
    assert_eq!(step(&own), Some(RevealStep::Revealed));
    // Once public, every party reads it, and reads that it was revealed.
    assert!(reads(&w, "isf", 3, label));
    let last = w.entries.len() as u64;
    assert!(reads(&w, "isf", last, "/command/reveal/pointer"));
}

#[test]
fn the_owner_is_the_one_who_reads_a_request_to_reveal_its_entry() {
    let mut w = balad(Disclosure::Coarse);
    w.run(
        "joc/approver",
        reveal(3, "/outcome/opened/0/area", "coalition", false),
    )
    .unwrap();
    let seq = w.entries.len() as u64;
    assert!(reads(&w, "coalition", seq, "/command/reveal/pointer"));
    assert!(reads(&w, "coalition", seq, "/outcome/reveal"));
    assert!(!reads(&w, "pmf", seq, "/command/reveal/pointer"));
    assert!(!reads(&w, "pmf", seq, "/time_ms"));
}

#[test]
fn evidence_granted_to_an_investigator_is_a_logged_act_with_a_reason() {
    let mut w = World::new();
    let [lon, lat] = BALAD;
    let report = w.ok(
        "pmf/operator",
        "allegation",
        Command::ReportIncident(crate::IncidentSpec {
            kind: crate::IncidentKind::Allegation,
            place: point(lon, lat),
            precision_m: 500.0,
            from_ms: T0,
            to_ms: T0 + HOUR,
            reported_by: "PMF".into(),
            source: "statement".into(),
            source_grade: "C3".into(),
            against: Some("coalition".into()),
        }),
    );
    let Some(ObjectRef::Incident(id)) = report.outcome.created else {
        panic!("an incident");
    };
    let grant = |reason: Option<&str>| Command::GrantEvidence {
        incident: id,
        party: "unboi".into(),
        reason: reason.map(Into::into),
    };
    let board = viewer("unboi");
    assert!(w.state.incident(&board, &id).is_err());
    assert!(matches!(
        w.run("pmf/operator", grant(Some("x"))),
        Err(ModelError::RoleForbidden { .. })
    ));
    assert!(matches!(
        w.run("joc/approver", grant(None)),
        Err(ModelError::ReasonRequired { .. })
    ));
    w.run("joc/approver", grant(Some("UN board of inquiry")))
        .unwrap();
    assert!(w.state.granted_evidence(&board, &id));
    assert!(w.state.incident(&board, &id).is_ok());
    assert!(!w.state.granted_evidence(&viewer("isf"), &id));
}
