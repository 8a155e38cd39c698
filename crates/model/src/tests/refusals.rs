//! Refusals as tables: who tries what, and the code (and kind) refused with.

use super::*;
use crate::{ErrorKind, Noun};

/// A small world: a PMF position (private), an OCHA camp (public), and a
/// coalition strike held in conflict with the position.
fn world() -> World {
    let mut w = World::new();
    w.ok(
        "pmf/operator",
        "post",
        declare(
            "unit_position",
            "PMF post",
            vol(point(44.1453, 34.0164), 1000.0, -1, None),
        ),
    );
    w.ok(
        "ocha/operator",
        "camp",
        public(declare(
            "camp",
            "Camp",
            vol(point(43.1268, 36.3427), 300.0, -1, None),
        )),
    );
    w.ok(
        "coalition/operator",
        "strike",
        submit(
            "air_strike",
            "Strike",
            vol(point(44.15, 34.02), 500.0, 2, Some(3)),
        ),
    );
    w
}

fn check(cases: &[(&str, Command, &str)], w: &mut World) {
    for (who, command, code) in cases {
        let result = w.run(who, command.clone());
        match result {
            Err(e) => assert_eq!(e.code(), *code, "{who} {command:?}: {e}"),
            Ok(entry) => panic!("{who} {command:?} was accepted: {entry:?}"),
        }
    }
}

#[test]
fn roles_and_parties() {
    let mut w = world();
    let (post, camp, strike, conflict) = (
        w.decl("post"),
        w.decl("camp"),
        w.act("strike"),
        w.con("strike", 0),
    );
    let new_post = || declare("unit_position", "x", vol(point(44.0, 34.0), 10.0, 0, None));
    let cases = [
        // Readers write nothing.
        ("pmf/viewer", new_post(), "role_forbidden"),
        ("pmf/auditor", new_post(), "role_forbidden"),
        ("pmf/viewer", ack(&conflict), "role_forbidden"),
        // Approvers decide; they do not declare or run activities.
        ("joc/approver", new_post(), "role_forbidden"),
        (
            "joc/approver",
            Command::Start { id: strike },
            "role_forbidden",
        ),
        // Only the coordinator's approvers decide.
        (
            "coalition/operator",
            clear(&strike, "mine"),
            "role_forbidden",
        ),
        (
            "coalition/approver",
            clear(&strike, "mine"),
            "not_coordinator",
        ),
        (
            "pmf/approver",
            Command::Override {
                conflict,
                reason: Some("no".into()),
            },
            "not_coordinator",
        ),
        // Another party's object seen in full (public, or by the coordinator).
        ("pmf/operator", Command::Withdraw { id: camp }, "not_owner"),
        ("joc/operator", Command::Withdraw { id: post }, "not_owner"),
        ("joc/operator", Command::Cancel { id: strike }, "not_owner"),
        ("joc/operator", ack(&conflict), "not_involved"),
        (
            "joc/viewer",
            Command::MarkDelivered { conflict },
            "not_involved",
        ),
        // Another party's object not seen in full: not found, even when a
        // conflict shows its kind.
        (
            "coalition/operator",
            Command::Withdraw { id: post },
            "not_found",
        ),
        ("pmf/operator", Command::Cancel { id: strike }, "not_found"),
        ("isf/operator", ack(&conflict), "not_found"),
        (
            "isf/viewer",
            Command::MarkDelivered { conflict },
            "not_found",
        ),
    ];
    check(&cases, &mut w);
}

#[test]
fn fields_are_named() {
    let mut w = world();
    let strike = w.act("strike");
    let checks: [(Command, &str, &str); 9] = [
        (
            declare("unit_position", "x", vol(point(44.0, 91.0), 10.0, 0, None)),
            "geometry.coordinates[1]",
            "geometry.coordinates[1]: latitude 91 is outside -90..=90",
        ),
        (
            declare("unit_position", "x", vol(point(44.0, 34.0), -1.0, 0, None)),
            "buffer_m",
            "buffer_m: -1 is negative",
        ),
        (
            declare(
                "unit_position",
                "x",
                vol(point(44.0, 34.0), 1.0, 5, Some(5)),
            ),
            "valid_to",
            "valid_to: the window ends at or before it starts",
        ),
        (
            submit("patrol", "x", vol(point(44.0, 34.0), 1.0, 5, Some(4))),
            "end",
            "end: the window ends at or before it starts",
        ),
        (
            submit("patrol", "x", vol(point(44.0, 34.0), 1.0, 5, None)),
            "end",
            "end: required: an activity's hazard window must end",
        ),
        (
            declare("Unit Position", "x", vol(point(44.0, 34.0), 1.0, 0, None)),
            "kind",
            "kind: must be 1 to 64 characters of a-z, 0-9 and _",
        ),
        (
            declare("unit_position", "  ", vol(point(44.0, 34.0), 1.0, 0, None)),
            "label",
            "label: must not be blank",
        ),
        (
            Command::Deny {
                id: strike,
                reason: Some(" ".into()),
            },
            "reason",
            "reason: required when denying",
        ),
        (
            Command::Override {
                conflict: w.con("strike", 0),
                reason: None,
            },
            "reason",
            "reason: required when overriding",
        ),
    ];
    for (command, field, message) in checks {
        let who = if matches!(command, Command::Deny { .. } | Command::Override { .. }) {
            "joc/approver"
        } else {
            "coalition/operator"
        };
        let e = w.run(who, command).expect_err(message);
        assert_eq!(e.kind(), ErrorKind::Invalid { field }, "{e}");
        assert_eq!(e.to_string(), message);
    }
    let mut altitude = vol(point(44.0, 34.0), 1.0, 0, None);
    altitude.altitude_m = [100.0, 50.0];
    let e = w
        .run(
            "coalition/operator",
            declare("unit_position", "x", altitude),
        )
        .unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::Invalid {
            field: "altitude_m[0]"
        }
    );
}

/// A hidden object and an id that never existed are refused identically,
/// for reads and for every command that names an object.
#[test]
fn hidden_and_nonexistent_are_the_same_not_found() {
    let mut w = world();
    let (post, strike, conflict) = (w.decl("post"), w.act("strike"), w.con("strike", 0));
    let nowhere = (
        DeclarationId::parse("dec_000000000000").unwrap(),
        ActivityId::parse("act_000000000000").unwrap(),
        ConflictId::parse("con_000000000000").unwrap(),
    );
    let isf = viewer("isf");
    assert_eq!(
        w.state.declaration(&isf, &post),
        w.state.declaration(&isf, &nowhere.0)
    );
    assert_eq!(
        w.state.activity(&isf, &strike),
        w.state.activity(&isf, &nowhere.1)
    );
    assert_eq!(
        w.state.conflict(&isf, &conflict),
        w.state.conflict(&isf, &nowhere.2)
    );
    assert_eq!(
        w.state.declaration(&isf, &post),
        Err(ModelError::NotFound(Noun::Declaration))
    );
    let spec = || match declare("unit_position", "x", vol(point(44.0, 34.0), 1.0, 0, None)) {
        Command::Declare(spec) => spec,
        _ => unreachable!(),
    };
    type Build = fn(&(DeclarationId, ActivityId, ConflictId), crate::DeclarationSpec) -> Command;
    let commands: [(&str, Build); 6] = [
        ("isf/operator", |ids, spec| Command::Amend {
            id: ids.0,
            version: Some(7),
            spec,
        }),
        ("isf/operator", |ids, _| Command::Withdraw { id: ids.0 }),
        ("isf/operator", |ids, _| Command::Cancel { id: ids.1 }),
        ("pmf/operator", |ids, _| Command::Start { id: ids.1 }),
        ("isf/operator", |ids, _| Command::Acknowledge {
            conflict: ids.2,
        }),
        ("isf/auditor", |ids, _| Command::MarkDelivered {
            conflict: ids.2,
        }),
    ];
    let real = (post, strike, conflict);
    for (who, build) in commands {
        let hidden = w.run(who, build(&real, spec())).unwrap_err();
        let missing = w.run(who, build(&nowhere, spec())).unwrap_err();
        assert_eq!(hidden, missing, "{who}");
        assert_eq!(hidden.to_string(), missing.to_string());
        assert_eq!(hidden.kind(), ErrorKind::NotFound);
    }
}

#[test]
fn version_must_match_when_given() {
    let mut w = world();
    let post = w.decl("post");
    let spec = match declare(
        "unit_position",
        "PMF post v2",
        vol(point(44.1453, 34.0164), 900.0, -1, None),
    ) {
        Command::Declare(spec) => spec,
        _ => unreachable!(),
    };
    let amend = |version| Command::Amend {
        id: post,
        version,
        spec: spec.clone(),
    };
    let e = w.run("pmf/operator", amend(Some(2))).unwrap_err();
    assert_eq!(
        e.to_string(),
        "version: the declaration is at version 1, not 2"
    );
    assert_eq!(
        e.kind(),
        ErrorKind::Conflict {
            state: "version_mismatch"
        }
    );
    w.ok("pmf/operator", "v2", amend(Some(1)));
    w.ok("pmf/operator", "v3", amend(None));
    assert_eq!(
        w.state.declaration(&viewer("pmf"), &post).unwrap().version,
        3
    );
}

/// A label that displays as something else: bidirectional overrides,
/// embeddings, isolates and marks are refused, naming the field; right-to-left
/// text itself is fine.
#[test]
fn free_text_refuses_bidirectional_controls() {
    let mut w = world();
    let spoofed = [
        "Camp \u{202E}lativ\u{202C}",
        "\u{202B}hospital",
        "\u{2067}HQ\u{2069}",
        "post\u{200F}",
        "\u{061C}x",
    ];
    for label in spoofed {
        let result = w.run(
            "pmf/operator",
            declare("camp", label, vol(point(44.0, 34.0), 10.0, 0, None)),
        );
        match result {
            Err(ModelError::Invalid { field, message }) => {
                assert_eq!(field, "label", "{label:?}");
                assert!(message.contains("bidirectional"), "{message}");
            }
            other => panic!("{label:?}: {other:?}"),
        }
    }
    let reason = w.run(
        "joc/approver",
        clear(&w.act("strike"), "checked \u{202E}kcab\u{202C}"),
    );
    assert!(matches!(reason, Err(ModelError::Invalid { field, .. }) if field == "reason"));
    // Arabic and Kurdish need no controls to read right to left.
    w.ok(
        "pmf/operator",
        "arabic",
        declare(
            "camp",
            "مخيم النازحين غرب الموصل",
            vol(point(44.0, 34.0), 10.0, 0, None),
        ),
    );
}
