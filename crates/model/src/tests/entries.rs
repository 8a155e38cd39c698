//! The log format and the fold: encode/decode, replay, as-of reads.

use super::*;
use crate::{ActivityState, ENTRY_VERSION, ErrorKind};

/// A world exercising every command.
fn busy_world() -> World {
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
            vol(square(43.1268, 36.3427, 0.004), 250.0, -1, None),
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
    w.ok(
        "coalition/operator",
        "survey",
        submit(
            "survey",
            "Survey",
            vol(line(&[[44.14, 34.01], [44.16, 34.03]]), 300.0, 4, Some(6)),
        ),
    );
    let (strike, survey) = (w.act("strike"), w.act("survey"));
    let (c_strike, c_survey) = (w.con("strike", 0), w.con("survey", 0));
    w.ok(
        "pmf/viewer",
        "delivered",
        Command::MarkDelivered { conflict: c_strike },
    );
    w.ok("pmf/operator", "ack", ack(&c_survey));
    w.ok("joc/approver", "clear", clear(&survey, "acknowledged"));
    w.ok("coalition/operator", "start", Command::Start { id: survey });
    w.ok(
        "joc/approver",
        "override",
        Command::Override {
            conflict: c_strike,
            reason: Some("vacated".into()),
        },
    );
    w.ok("joc/approver", "clear2", clear(&strike, "overridden"));
    w.ok(
        "joc/approver",
        "hold",
        Command::Hold {
            id: strike,
            reason: None,
        },
    );
    w.ok(
        "joc/approver",
        "deny",
        Command::Deny {
            id: strike,
            reason: Some("no".into()),
        },
    );
    let mut moved = match declare(
        "unit_position",
        "PMF post (moved)",
        vol(point(44.30, 34.20), 500.0, -1, None),
    ) {
        Command::Declare(spec) => spec,
        _ => unreachable!(),
    };
    moved.volume.altitude_m = [0.0, 50.0];
    w.ok(
        "pmf/operator",
        "amend",
        Command::Amend {
            id: w.decl("post"),
            version: Some(1),
            spec: moved,
        },
    );
    w.ok(
        "coalition/operator",
        "complete",
        Command::Complete { id: survey },
    );
    w.ok(
        "ocha/operator",
        "withdraw",
        Command::Withdraw { id: w.decl("camp") },
    );
    w
}

fn views(state: &State) -> Vec<String> {
    PARTIES
        .iter()
        .map(|p| format!("{:?}", state.view(&viewer(p))))
        .collect()
}

#[test]
fn entries_round_trip_through_their_encoding() {
    let w = busy_world();
    for entry in &w.entries {
        let bytes = entry.encode();
        assert!(bytes.starts_with(format!("{{\"v\":{ENTRY_VERSION},").as_bytes()));
        assert_eq!(&Entry::decode(&bytes).unwrap(), entry);
    }
}

#[test]
fn geometry_round_trips_exactly() {
    let raw = r#"{"type":"Polygon","coordinates":[[[44.1,34.1,12.5],[44.2,34.1],[44.2,34.2],[44.1,34.1,12.5]]],"name":"kept"}"#;
    let geometry: geojson::Geometry = serde_json::from_str(raw).unwrap();
    let mut w = World::new();
    let entry = w.ok(
        "pmf/operator",
        "area",
        declare("area", "x", vol(geometry.clone(), 0.0, 0, None)),
    );
    let decoded = Entry::decode(&entry.encode()).unwrap();
    let Command::Declare(spec) = decoded.command else {
        panic!()
    };
    assert_eq!(spec.volume.geometry, geometry);
    let seen = w
        .state
        .declaration(&viewer("pmf"), &w.decl("area"))
        .unwrap();
    assert_eq!(
        serde_json::to_string(&seen.volume.geometry).unwrap(),
        serde_json::to_string(&geometry).unwrap()
    );
}

#[test]
fn replay_rebuilds_identical_views() {
    let w = busy_world();
    let replayed = State::replay(Policy::default(), &w.entries).unwrap();
    assert_eq!(views(&replayed), views(&w.state));
    // From the bytes, as at start-up, and under another policy.
    let decoded: Vec<Entry> = w
        .entries
        .iter()
        .map(|e| Entry::decode(&e.encode()).unwrap())
        .collect();
    let replayed = State::replay(Policy::new(["patrol"]), decoded).unwrap();
    assert_eq!(views(&replayed), views(&w.state));
}

#[test]
fn as_of_is_the_replay_of_a_prefix() {
    let w = busy_world();
    let coalition = viewer("coalition");
    let survey = w.act("survey");
    for (seq, state) in [
        (4, ActivityState::Held),
        (7, ActivityState::Cleared),
        (8, ActivityState::Active),
    ] {
        let then = State::replay(
            Policy::default(),
            w.entries.iter().take_while(|e| e.seq <= seq),
        )
        .unwrap();
        assert_eq!(then.seq(), Some(seq));
        assert_eq!(
            then.activity(&coalition, &survey).unwrap().state,
            state,
            "as of {seq}"
        );
    }
    let before = State::replay(Policy::default(), &w.entries[..3]).unwrap();
    assert_eq!(
        before.activity(&coalition, &survey),
        Err(ModelError::NotFound(crate::Noun::Activity))
    );
}

#[test]
fn a_log_that_does_not_fit_is_refused() {
    let w = busy_world();
    let mut state = State::new(Policy::default());
    state.apply(&w.entries[0]).unwrap();
    let e = state.apply(&w.entries[0]).unwrap_err();
    assert_eq!(e.code(), "corrupt_log");
    assert_eq!(e.kind(), ErrorKind::Internal);
    let mut skipped = State::new(Policy::default());
    let e = skipped.apply(&w.entries[4]).unwrap_err();
    assert!(
        e.to_string().starts_with("log entry 5 cannot be applied"),
        "{e}"
    );

    let future = String::from_utf8(w.entries[0].encode())
        .unwrap()
        .replacen("\"v\":5", "\"v\":6", 1);
    let e = Entry::decode(future.as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "log entry does not decode: format version 6 is not supported (this build reads versions 2 to 5)"
    );
    let past = String::from_utf8(w.entries[0].encode())
        .unwrap()
        .replacen("\"v\":5", "\"v\":1", 1);
    let e = Entry::decode(past.as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "log entry does not decode: format version 1 is not supported (this build reads versions 2 to 5)"
    );
    let e = Entry::decode(b"{\"v\":3}").unwrap_err();
    assert_eq!(e.code(), "undecodable_entry");
}

#[test]
fn ids_are_opaque_and_recorded() {
    let w = busy_world();
    let ids: Vec<String> = w
        .entries
        .iter()
        .flat_map(|e| {
            let created = e.outcome.created.iter().map(|o| o.to_string());
            let opened = e.outcome.opened.iter().map(|o| o.id.to_string());
            created.chain(opened).collect::<Vec<_>>()
        })
        .collect();
    for id in &ids {
        let (prefix, hex) = id.split_at(4);
        assert!(["dec_", "act_", "con_"].contains(&prefix), "{id}");
        assert!(
            hex.len() == 12
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "{id}"
        );
    }
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len());
    // The same command with other entropy gets other ids.
    let command = declare("unit_position", "x", vol(point(44.0, 34.0), 1.0, 0, None));
    let created = |byte| {
        w.state
            .execute(
                &actor("isf/operator"),
                command.clone(),
                T0,
                Entropy::new([byte; 32]),
            )
            .unwrap()
            .outcome
            .created
    };
    assert_ne!(created(1), created(2));
    assert_eq!(created(1), created(1));
}
