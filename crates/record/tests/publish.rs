//! A leaf tells who did what and when, and nothing about where or why: real
//! entries from the model, with random labels, reasons and coordinates.

use deconflict_model::{Actor, Command, Entropy, Entry, Policy, Role, State};
use deconflict_record::{Payload, PayloadError, SaltSecret, leaf_hash_of, publish};
use proptest::prelude::*;
use serde_json::{Value, json};

const T0: i64 = 1_767_225_600_000;

/// What must never reach a leaf.
#[derive(Debug, Clone)]
struct Secrets {
    labels: [String; 3],
    reason: String,
    points: [(f64, f64); 3],
}

fn secrets() -> impl Strategy<Value = Secrets> {
    let label = "[A-Za-z0-9 ]{4,16}".prop_map(|s| format!("LBL-{s}"));
    let coordinate = (43.0f64..45.0, 33.0f64..35.0)
        .prop_filter("a fractional coordinate", |(x, y)| {
            x.fract() != 0.0 && y.fract() != 0.0
        });
    (
        [label.clone(), label.clone(), label],
        "[a-z ]{4,30}".prop_map(|s| format!("RSN-{s}")),
        prop::array::uniform3(coordinate),
    )
        .prop_map(|(labels, reason, points)| Secrets {
            labels,
            reason,
            points,
        })
}

fn actor(party: &str, role: Role) -> Actor {
    Actor::new(party, role, format!("cred_{party}"), party == "joc")
}

fn volume((lon, lat): (f64, f64), buffer_m: f64, hours: Option<i64>) -> Value {
    json!({
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "buffer_m": buffer_m,
        "altitude_m": [0.0, 0.0],
        "from_ms": T0,
        "to_ms": hours.map(|h| T0 + h * 3_600_000),
    })
}

/// A small history: two declarations, an activity that meets one, a
/// clearance with a reason.
fn history(s: &Secrets) -> Vec<Entry> {
    let mut state = State::new(Policy::default());
    let mut entries = Vec::new();
    let run = |state: &mut State, entries: &mut Vec<Entry>, who: Actor, command: Value| {
        let command: Command = serde_json::from_value(command).expect("a command");
        let seq = entries.len() as u64 + 1;
        let entry = state
            .execute(
                &who,
                command,
                T0 + seq as i64,
                Entropy::new([seq as u8; 32]),
            )
            .expect("accepted")
            .seal(seq);
        state.apply(&entry).expect("applies");
        entries.push(entry);
    };
    let post = json!({"declare": {"kind": "unit_position", "label": s.labels[0],
        "volume": volume(s.points[0], 3_000.0, None), "visibility": "private"}});
    run(&mut state, &mut entries, actor("pmf", Role::Operator), post);
    let base = json!({"declare": {"kind": "base", "label": s.labels[1],
        "volume": volume(s.points[1], 500.0, None)}});
    run(
        &mut state,
        &mut entries,
        actor("coalition", Role::Operator),
        base,
    );
    let strike = json!({"submit_activity": {"kind": "air_strike", "label": s.labels[2],
        "volume": volume(s.points[0], 1_000.0, Some(2))}});
    run(
        &mut state,
        &mut entries,
        actor("coalition", Role::Operator),
        strike,
    );
    let activity = entries[2].outcome.created.expect("an activity");
    let conflicts: Vec<_> = entries[2].outcome.opened.iter().map(|c| c.id).collect();
    for conflict in conflicts {
        let ack = json!({"acknowledge": {"conflict": conflict}});
        run(&mut state, &mut entries, actor("pmf", Role::Operator), ack);
    }
    let clear = json!({"clear": {"id": activity.to_string(), "reason": s.reason}});
    run(
        &mut state,
        &mut entries,
        actor("joc", Role::Approver),
        clear,
    );
    entries
}

fn secret() -> SaltSecret {
    SaltSecret::new([42; 32])
}

/// The leaf with every payload put back: the entry as the model wrote it.
fn reassemble(leaf: &[u8], payloads: &[Payload]) -> Value {
    let mut value: Value = serde_json::from_slice(leaf).unwrap();
    for p in payloads {
        *value.pointer_mut(&p.pointer).unwrap() = p.json().unwrap();
    }
    value.as_object_mut().unwrap().remove("leaf");
    value
}

fn commitments(value: &Value) -> usize {
    match value {
        Value::Object(map) if map.contains_key("commitment") => 1,
        Value::Object(map) => map.values().map(commitments).sum(),
        Value::Array(items) => items.iter().map(commitments).sum(),
        _ => 0,
    }
}

proptest! {
    #[test]
    fn a_leaf_hides_every_sensitive_field_and_its_payloads_restore_the_entry(s in secrets()) {
        let entries = history(&s);
        prop_assert!(entries[2].outcome.opened.len() == 1, "the strike meets the post");
        for entry in &entries {
            let published = publish(&entry.encode(), &secret()).unwrap();
            let text = String::from_utf8(published.leaf.clone()).unwrap();
            for hidden in s.labels.iter().chain([&s.reason]) {
                prop_assert!(!text.contains(hidden.as_str()), "{hidden} in {text}");
            }
            for kind in ["unit_position", "base", "air_strike"] {
                prop_assert!(!text.contains(kind), "{kind} in {text}");
            }
            for (lon, lat) in s.points {
                for c in [lon, lat] {
                    prop_assert!(!text.contains(&c.to_string()), "{c} in {text}");
                }
            }
            prop_assert!(!text.contains("geometry"));
            let leaf: Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(commitments(&leaf), published.payloads.len());
            for p in &published.payloads {
                prop_assert_eq!(p.opens(&published.leaf), Ok(()));
            }
            let mut original: Value = serde_json::from_slice(&entry.encode()).unwrap();
            original.as_object_mut().unwrap().remove("v");
            prop_assert_eq!(reassemble(&published.leaf, &published.payloads), original);
            prop_assert_eq!(&publish(&entry.encode(), &secret()).unwrap(), &published);
            prop_assert_eq!(leaf_hash_of(&entry.encode(), &secret()).unwrap(), published.leaf_hash());
        }
    }
}

#[test]
fn who_did_what_and_when_stays_public() {
    let s = Secrets {
        labels: ["LBL-post".into(), "LBL-base".into(), "LBL-strike".into()],
        reason: "RSN-checked".into(),
        points: [(44.1453, 34.0164), (42.4412, 33.7856), (44.2344, 33.2625)],
    };
    let entries = history(&s);
    let leaf: Value =
        serde_json::from_slice(&publish(&entries[2].encode(), &secret()).unwrap().leaf).unwrap();
    assert_eq!(leaf["leaf"], 1);
    assert_eq!(leaf["seq"], 3);
    assert_eq!(leaf["actor"]["party"], "coalition");
    assert_eq!(leaf["outcome"]["activity_state"], "held");
    assert_eq!(
        leaf["outcome"]["created"]["activity"]
            .as_str()
            .map(|s| &s[..4]),
        Some("act_")
    );
    let opened = &leaf["outcome"]["opened"][0];
    assert_eq!(opened["id"].as_str().map(|s| &s[..4]), Some("con_"));
    for hidden in ["area", "from_ms", "to_ms", "activity", "other", "parties"] {
        assert!(
            opened[hidden]["commitment"].is_string(),
            "{hidden}: {opened}"
        );
    }
    let text = String::from_utf8(publish(&entries[2].encode(), &secret()).unwrap().leaf).unwrap();
    for hidden in ["air_strike", "pmf"] {
        assert!(!text.contains(hidden), "{hidden} in {text}");
    }
    let clear: Value =
        serde_json::from_slice(&publish(&entries[4].encode(), &secret()).unwrap().leaf).unwrap();
    assert_eq!(clear["actor"]["party"], "joc");
    assert!(clear["command"]["clear"]["reason"]["commitment"].is_string());
}

#[test]
fn a_payload_opens_only_its_own_commitment() {
    let s = Secrets {
        labels: ["LBL-a".into(), "LBL-b".into(), "LBL-c".into()],
        reason: "RSN-r".into(),
        points: [(44.1453, 34.0164), (42.4412, 33.7856), (44.2344, 33.2625)],
    };
    let entries = history(&s);
    let strike = publish(&entries[2].encode(), &secret()).unwrap();
    let label = strike
        .payloads
        .iter()
        .find(|p| p.pointer == "/command/submit_activity/label")
        .expect("the label is committed")
        .clone();
    assert_eq!(label.json().unwrap(), json!("LBL-c"));

    let forged = Payload {
        value: json!("LBL-other").to_string(),
        ..label.clone()
    };
    assert_eq!(
        forged.opens(&strike.leaf),
        Err(PayloadError::Mismatch(label.pointer.clone()))
    );
    let mut salt = label.salt;
    salt[0] ^= 1;
    let wrong_salt = Payload {
        salt,
        ..label.clone()
    };
    assert_eq!(
        wrong_salt.opens(&strike.leaf),
        Err(PayloadError::Mismatch(label.pointer.clone()))
    );
    let elsewhere = Payload {
        pointer: "/command/submit_activity/volume".into(),
        ..label.clone()
    };
    assert!(matches!(
        elsewhere.opens(&strike.leaf),
        Err(PayloadError::Mismatch(_))
    ));
    let public = Payload {
        pointer: "/actor/party".into(),
        ..label.clone()
    };
    assert!(matches!(
        public.opens(&strike.leaf),
        Err(PayloadError::NoCommitment(_))
    ));
    let other_entry = publish(&entries[1].encode(), &secret()).unwrap();
    assert_eq!(
        label.opens(&other_entry.leaf),
        Err(PayloadError::OtherEntry {
            payload: 3,
            leaf: 2
        })
    );
    let other_secret = publish(&entries[2].encode(), &SaltSecret::new([7; 32])).unwrap();
    assert_ne!(other_secret.leaf, strike.leaf);
    assert!(matches!(
        label.opens(&other_secret.leaf),
        Err(PayloadError::Mismatch(_))
    ));

    let text = serde_json::to_string(&label).unwrap();
    assert_eq!(serde_json::from_str::<Payload>(&text).unwrap(), label);
    for bad_salt in ["+f".repeat(32), "AB".repeat(32), "ab".repeat(31)] {
        let bad = text.replace(&deconflict_salt(&label), &bad_salt);
        assert!(serde_json::from_str::<Payload>(&bad).is_err(), "{bad_salt}");
    }
}

#[test]
fn what_is_not_an_entry_is_refused() {
    for bad in [
        &b"not json"[..],
        b"[1]",
        b"{\"v\":1}",
        b"{\"seq\":1}",
        b"{\"v\":1,\"seq\":-1}",
    ] {
        assert!(
            publish(bad, &secret()).is_err(),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}

fn deconflict_salt(p: &Payload) -> String {
    p.salt.iter().map(|b| format!("{b:02x}")).collect()
}
