//! Incidents: who may see one, who may judge it, and how its status moves.

use super::{HOUR, T0, World, viewer};
use crate::{
    Command, IncidentId, IncidentKind, IncidentSpec, IncidentStatus, ModelError, Noun, ObjectRef,
};

/// The PMF's allegation of strikes on its fighters near Balad.
fn balad_allegation() -> IncidentSpec {
    IncidentSpec {
        kind: IncidentKind::Allegation,
        // Balad, 34.0164 N 44.1453 E (GeoNames).
        place: geojson::Geometry::new(geojson::GeometryValue::Point {
            coordinates: [44.1453, 34.0164].into(),
        }),
        precision_m: 5_000.0,
        from_ms: T0,
        to_ms: T0 + 6 * HOUR,
        reported_by: "PMF 35th brigade".into(),
        against: Some("coalition".into()),
        source: "PMF statement".into(),
        source_grade: "C3".into(),
    }
}

fn report(w: &mut World, who: &str, spec: IncidentSpec) -> IncidentId {
    match w
        .run(who, Command::ReportIncident(spec))
        .unwrap()
        .outcome
        .created
    {
        Some(ObjectRef::Incident(id)) => id,
        other => panic!("{other:?}"),
    }
}

fn set(
    w: &mut World,
    who: &str,
    id: IncidentId,
    status: IncidentStatus,
    duplicate_of: Option<IncidentId>,
) -> Result<(), ModelError> {
    let command = Command::SetIncidentStatus {
        id,
        status,
        reason: Some(format!("{status:?} after review")),
        duplicate_of,
    };
    w.run(who, command).map(drop)
}

#[test]
fn an_incident_is_seen_by_its_reporter_the_accused_and_the_coordinator_only() {
    let mut w = World::new();
    let id = report(&mut w, "pmf/operator", balad_allegation());
    for party in ["pmf", "coalition", "joc"] {
        let seen = w.state.incident(&viewer(party), &id).unwrap();
        assert_eq!(seen.status, IncidentStatus::Open);
        assert_eq!(seen.reporter, "pmf");
        assert_eq!(w.state.incidents(&viewer(party)).len(), 1);
    }
    for party in ["isf", "ocha", "peshmerga"] {
        assert_eq!(
            w.state.incident(&viewer(party), &id),
            Err(ModelError::NotFound(Noun::Incident))
        );
        assert!(w.state.incidents(&viewer(party)).is_empty());
        // A command on a hidden incident is refused like one on no incident.
        let hidden = set(
            &mut w,
            &format!("{party}/operator"),
            id,
            IncidentStatus::Reopened,
            None,
        );
        assert_eq!(hidden, Err(ModelError::NotFound(Noun::Incident)));
    }
}

#[test]
fn the_coordinator_judges_and_the_reporter_may_reopen() {
    let mut w = World::new();
    let id = report(&mut w, "pmf/operator", balad_allegation());
    // Neither the accused nor the reporter judges.
    for who in ["coalition/operator", "pmf/operator"] {
        assert!(matches!(
            set(&mut w, who, id, IncidentStatus::Credible, None),
            Err(ModelError::NotCoordinator { .. })
        ));
    }
    // An open incident cannot be reopened.
    assert!(matches!(
        set(&mut w, "joc/approver", id, IncidentStatus::Reopened, None),
        Err(ModelError::WrongState { .. })
    ));
    set(
        &mut w,
        "joc/approver",
        id,
        IncidentStatus::NotCredible,
        None,
    )
    .unwrap();
    assert!(matches!(
        set(&mut w, "joc/approver", id, IncidentStatus::Credible, None),
        Err(ModelError::WrongState { .. })
    ));
    // The accused may not reopen; the reporter may.
    assert!(matches!(
        set(
            &mut w,
            "coalition/operator",
            id,
            IncidentStatus::Reopened,
            None
        ),
        Err(ModelError::NotOwner { .. })
    ));
    set(&mut w, "pmf/operator", id, IncidentStatus::Reopened, None).unwrap();
    set(&mut w, "joc/approver", id, IncidentStatus::Credible, None).unwrap();
    let seen = w.state.incident(&viewer("coalition"), &id).unwrap();
    assert_eq!(seen.status, IncidentStatus::Credible);
    let history: Vec<_> = seen
        .history
        .iter()
        .map(|c| (c.status, c.party.as_str()))
        .collect();
    assert_eq!(
        history,
        [
            (IncidentStatus::NotCredible, "joc"),
            (IncidentStatus::Reopened, "pmf"),
            (IncidentStatus::Credible, "joc"),
        ]
    );
    assert!(seen.history.iter().all(|c| c.reason.is_some()));
}

#[test]
fn a_status_needs_a_reason_and_a_duplicate_its_original() {
    let mut w = World::new();
    let first = report(&mut w, "pmf/operator", balad_allegation());
    let again = report(&mut w, "pmf/operator", balad_allegation());
    let no_reason = Command::SetIncidentStatus {
        id: again,
        status: IncidentStatus::Credible,
        reason: Some("  ".into()),
        duplicate_of: None,
    };
    assert!(matches!(
        w.run("joc/approver", no_reason),
        Err(ModelError::ReasonRequired { .. })
    ));
    for (duplicate_of, field) in [(None, "duplicate_of"), (Some(again), "duplicate_of")] {
        match set(
            &mut w,
            "joc/approver",
            again,
            IncidentStatus::Duplicate,
            duplicate_of,
        ) {
            Err(ModelError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{other:?}"),
        }
    }
    match set(
        &mut w,
        "joc/approver",
        again,
        IncidentStatus::Credible,
        Some(first),
    ) {
        Err(ModelError::Invalid { field, .. }) => assert_eq!(field, "duplicate_of"),
        other => panic!("{other:?}"),
    }
    set(
        &mut w,
        "joc/approver",
        again,
        IncidentStatus::Duplicate,
        Some(first),
    )
    .unwrap();
    let seen = w.state.incident(&viewer("pmf"), &again).unwrap();
    assert_eq!(seen.history[0].duplicate_of, Some(first));
}

#[test]
fn a_report_is_refused_naming_the_field() {
    let mut w = World::new();
    type Breaks = fn(&mut IncidentSpec);
    let cases: [(&str, Breaks); 6] = [
        ("place", |s| {
            s.place = geojson::Geometry::new(geojson::GeometryValue::Point {
                coordinates: [44.0, 95.0].into(),
            })
        }),
        ("precision_m", |s| s.precision_m = -1.0),
        ("window.to", |s| s.to_ms = s.from_ms),
        ("reported_by", |s| s.reported_by = " ".into()),
        ("source", |s| s.source = "x".repeat(501)),
        ("source_grade", |s| s.source_grade = String::new()),
    ];
    for (field, break_it) in cases {
        let mut spec = balad_allegation();
        break_it(&mut spec);
        match w.run("pmf/operator", Command::ReportIncident(spec)) {
            Err(ModelError::Invalid { field: f, .. }) => assert!(f.starts_with(field), "{f}"),
            other => panic!("{field}: {other:?}"),
        }
    }
    // Viewers and auditors report nothing.
    for who in ["pmf/viewer", "pmf/auditor"] {
        assert!(matches!(
            w.run(who, Command::ReportIncident(balad_allegation())),
            Err(ModelError::RoleForbidden { .. })
        ));
    }
    assert!(w.entries.is_empty());
}

#[test]
fn a_field_is_revealed_once_and_only_of_an_entry_that_exists() {
    let mut w = World::new();
    report(&mut w, "pmf/operator", balad_allegation());
    let reveal = |seq: u64| Command::Reveal {
        seq,
        pointer: "/command/report_incident".into(),
        owner: "pmf".into(),
        own: true,
    };
    for seq in [0, 2] {
        match w.run("pmf/operator", reveal(seq)) {
            Err(ModelError::Invalid { field, .. }) => assert_eq!(field, "seq"),
            other => panic!("{seq}: {other:?}"),
        }
    }
    assert!(matches!(
        w.run("pmf/viewer", reveal(1)),
        Err(ModelError::RoleForbidden { .. })
    ));
    assert!(matches!(
        w.run("coalition/approver", reveal(1)),
        Err(ModelError::NotCoordinator { .. }) | Err(ModelError::RoleForbidden { .. })
    ));
    assert!(!w.state.is_revealed(1, "/command/report_incident"));
    w.run("pmf/operator", reveal(1)).unwrap();
    assert!(w.state.is_revealed(1, "/command/report_incident"));
    assert_eq!(w.state.revealed_in(1), ["/command/report_incident"]);
    assert!(w.state.revealed_in(2).is_empty());
    assert!(matches!(
        w.run("joc/approver", reveal(1)),
        Err(ModelError::WrongState { .. })
    ));
}
