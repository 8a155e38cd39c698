//! A leaf shows the entry's number and nothing else, and every byte of the
//! entry is behind exactly one of the commitments it seals: entries of
//! every command of the model with every kind of outcome, with random
//! labels, parties, ids and times.

mod commands;

use commands::{EVERY_COMMAND, name};
use deconflict_ledger::Hash;
use deconflict_model::{Actor, Entry, Outcome, Role};
use deconflict_record::{
    LEAF_VERSION, MIN_FIELDS, NotAnEntry, Payload, PayloadError, SaltSecret, WHOLE, fields_hex,
    leaf_hash_of, publish, sealed, units,
};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// What an entry holds that no leaf may show.
#[derive(Debug, Clone)]
struct Secrets {
    /// The acting party and the other one.
    parties: [String; 2],
    kinds: [String; 2],
    labels: [String; 2],
    reason: String,
    /// Ids are `prefix` and these 12 hex digits.
    ids: [u64; 4],
    time_ms: i64,
}

impl Secrets {
    fn fixed() -> Secrets {
        Secrets {
            parties: ["coalition".into(), "pmf".into()],
            kinds: ["air_strike".into(), "unit_position".into()],
            labels: ["Balad strike".into(), "PMF post".into()],
            reason: "checked with PMF".into(),
            ids: [
                0x0123_4567_89ab,
                0xba98_7654_3210,
                0x1111_2222_3333,
                0x4444_5555_6666,
            ],
            time_ms: 1_795_341_600_000,
        }
    }

    fn id(&self, prefix: &str, i: usize) -> String {
        format!("{prefix}{:012x}", self.ids[i])
    }

    /// Every text of the entries that a leaf must not hold.
    fn all(&self) -> Vec<String> {
        let mut all: Vec<String> = [&self.parties, &self.kinds, &self.labels]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        all.push(self.reason.clone());
        all.push(format!("cred_{}", self.parties[0]));
        for i in 0..self.ids.len() {
            all.push(format!("{:012x}", self.ids[i]));
        }
        for t in [self.time_ms, self.time_ms / 1000, self.time_ms + 3_600_000] {
            all.push(t.to_string());
        }
        all
    }
}

fn secrets() -> impl Strategy<Value = Secrets> {
    // Letters that are no hex digit, and marks no leaf has, so that a
    // random text cannot turn up in a leaf's own bytes by chance.
    let party = "[g-z]{3,10}".prop_map(|s| format!("P-{s}"));
    let kind = "[g-z]{3,12}".prop_map(|s| format!("k_{s}"));
    let label = "[ -~]{3,24}".prop_map(|s| format!("LBL-{s}"));
    (
        [party.clone(), party],
        [kind.clone(), kind],
        [label.clone(), label],
        "[a-z ]{4,30}".prop_map(|s| format!("RSN-{s}")),
        prop::array::uniform4(1u64..(1 << 48) - 8),
        1_500_000_000_000i64..2_000_000_000_000,
    )
        .prop_filter("two parties", |(p, ..)| p[0] != p[1])
        .prop_map(|(parties, kinds, labels, reason, ids, time_ms)| Secrets {
            parties,
            kinds,
            labels,
            reason,
            ids,
            time_ms,
        })
}

fn volume(s: &Secrets, hours: Option<i64>) -> Value {
    json!({
        "geometry": {"type": "Polygon", "coordinates": [[[44.1, 34.0], [44.2, 34.0], [44.2, 34.1], [44.1, 34.0]]]},
        "buffer_m": 1500.5,
        "altitude_m": [0.0, 120.0],
        "from_ms": s.time_ms,
        "to_ms": hours.map(|h| s.time_ms + h * 3_600_000),
    })
}

/// One command of every kind the model has.
fn commands(s: &Secrets) -> Vec<Value> {
    let (dec, act, con, inc) = (
        s.id("dec_", 0),
        s.id("act_", 1),
        s.id("con_", 2),
        s.id("inc_", 3),
    );
    let declaration = json!({"kind": s.kinds[1], "label": s.labels[1], "volume": volume(s, None),
        "visibility": "private", "disclosure": "coarse",
        "tracking": {"report_interval_s": 60, "max_speed_mps": 20.0, "cot_uid": "ANDROID-7"}});
    let report = |i: i64| {
        json!({"declaration": dec, "time_ms": s.time_ms - i * 1000,
            "position": {"lat": 34.0165, "lon": 44.1454, "hae": 35.5, "ce_m": 10.0,
                "speed_mps": 1.5, "course_deg": 270.0}})
    };
    vec![
        json!({"declare": declaration}),
        json!({"amend": {"id": dec, "version": 3, "spec": declaration}}),
        json!({"withdraw": {"id": dec}}),
        json!({"submit_activity": {"kind": s.kinds[0], "label": s.labels[0],
            "volume": volume(s, Some(2)), "disclosure": "coordinator_only"}}),
        json!({"clear": {"id": act, "reason": s.reason}}),
        json!({"hold": {"id": act, "reason": null}}),
        json!({"deny": {"id": act, "reason": s.reason}}),
        json!({"start": {"id": act}}),
        json!({"complete": {"id": act}}),
        json!({"cancel": {"id": act}}),
        json!({"acknowledge": {"conflict": con}}),
        json!({"override": {"conflict": con, "reason": s.reason}}),
        json!({"mark_delivered": {"conflict": con}}),
        json!({"report_incident": {"kind": "attack",
            "place": {"type": "Point", "coordinates": [44.2, 34.1]}, "precision_m": 500.0,
            "from_ms": s.time_ms, "to_ms": s.time_ms + 3_600_000, "reported_by": s.labels[1],
            "against": s.parties[1], "source": "radar", "source_grade": "B2"}}),
        json!({"set_incident_status": {"id": inc, "status": "duplicate", "reason": s.reason,
            "duplicate_of": s.id("inc_", 0)}}),
        json!({"reveal": {"seq": 3, "pointer": "/command/declare/label",
            "owner": s.parties[1], "own": false}}),
        json!({"grant_evidence": {"incident": inc, "party": s.parties[1], "reason": s.reason}}),
        json!({"suspend_holds": {"party": s.parties[1],
            "area": {"type": "Polygon", "coordinates": [[[44.0, 34.0], [44.3, 34.0], [44.3, 34.2],
                [44.0, 34.2], [44.0, 34.0]]]},
            "until_ms": s.time_ms + 3_600_000, "reason": s.reason}}),
        json!({"dispute": {"id": dec, "disputed": true, "reason": s.reason}}),
        json!({"set_rule": {"spec": {"name": "no-fire", "parties": [s.parties[1]],
            "rule": {"type": "area", "label": s.labels[0], "effect": "refuse",
                "volume": volume(s, None)}, "from_ms": s.time_ms}, "reason": s.reason}}),
        json!({"raise_stop": {"spec": {"cause": "troops_in_contact",
            "geometry": {"type": "Point", "coordinates": [44.2, 34.1]}, "buffer_m": 2000.0,
            "until_ms": s.time_ms + 3_600_000}, "reason": s.reason}}),
        json!({"lift_stop": {"id": s.id("stp_", 0), "reason": s.reason}}),
        json!({"acknowledge_stop": {"id": s.id("stp_", 0)}}),
        json!({"respond_incident": {"id": inc, "response": s.reason}}),
        json!({"reconfirm": {"id": dec}}),
        json!({"challenge": {"id": dec, "grounds": s.reason}}),
        json!({"answer_challenge": {"id": s.id("chl_", 0), "answer": s.reason}}),
        json!({"rule_challenge": {"id": s.id("chl_", 0), "ruling": "disputed", "reason": s.reason,
            "name_challenger": false}}),
        json!({"track": {"reports": [report(1), report(2), report(3)]}}),
        json!({"import": {"key": s.reason, "declarations": [declaration.clone(), declaration]}}),
        json!("sweep"),
        json!({"acknowledge_alert": {"entry": s.time_ms.unsigned_abs() % 1000 + 1, "index": 2}}),
    ]
}

/// An outcome with something in every field the model has.
fn rich_outcome(s: &Secrets, opened: usize) -> Outcome {
    let (us, them) = (&s.parties[0], &s.parties[1]);
    let conflict = |i: usize| {
        json!({"id": format!("con_{:012x}", s.ids[2] + i as u64), "activity": s.id("act_", 1),
            "other": {"declaration": s.id("dec_", 0)}, "parties": [us, them],
            "from_ms": s.time_ms, "to_ms": s.time_ms + 3_600_000,
            "area": {"west": 882, "south": 680, "east": 884, "north": 682}})
    };
    serde_json::from_value(json!({
        "created": {"activity": s.id("act_", 1)},
        "imported": [s.id("dec_", 1), s.id("dec_", 2)],
        "activity_state": "held",
        "opened": (0..opened).map(conflict).collect::<Vec<_>>(),
        "resolved": [s.id("con_", 3), s.id("con_", 0)],
        "held": [s.id("act_", 3)],
        "notices": [
            {"party": us, "conflict": s.id("con_", 2), "event": "opened"},
            {"party": them, "conflict": s.id("con_", 2), "event": "escalated"},
        ],
        "alerts": [{"subject": {"conflict": s.id("con_", 2)}, "parties": [them, us]}],
        "stale": [{"declaration": s.id("dec_", 0), "buffer_m": 2400.0, "until_ms": s.time_ms + 60_000}],
        "escalations": [{"conflict": s.id("con_", 2), "party": them, "level": 2}],
        "reveal": "requested",
        "ruled": [{"name": "clearance", "version": 2}],
        "stops": [s.id("stp_", 1)],
        "stop": {"id": s.id("stp_", 0), "held": 2},
        "stopped": {s.id("act_", 3): them, s.id("act_", 2): us},
        "reminders": [{"stop": s.id("stp_", 0), "party": them}, {"stop": s.id("stp_", 0), "party": null}],
        "known": [{"object": {"declaration": s.id("dec_", 0)}, "version": 3}],
        "unconfirmed": [s.id("dec_", 0)],
        "asked": [{"declaration": s.id("dec_", 0), "until_ms": s.time_ms + 7_200_000}],
        "challenge": s.id("chl_", 1),
        "notified_site": {"declarations": [s.id("dec_", 0)], "respond_by_ms": s.time_ms + 7_200_000},
    }))
    .expect("an outcome")
}

fn entry(s: &Secrets, seq: u64, command: Value, outcome: Outcome) -> Entry {
    let party = &s.parties[0];
    Entry {
        seq,
        time_ms: s.time_ms,
        actor: Actor::new(party, Role::Operator, format!("cred_{party}"), false),
        command: serde_json::from_value(command.clone())
            .unwrap_or_else(|e| panic!("{e}: {command}")),
        outcome,
    }
}

/// An entry of every command with a rich outcome, and one with none.
fn entries(s: &Secrets) -> Vec<Entry> {
    let mut entries: Vec<Entry> = commands(s)
        .into_iter()
        .zip(1..)
        .map(|(command, seq)| entry(s, seq, command, rich_outcome(s, 2)))
        .collect();
    let seq = entries.len() as u64 + 1;
    entries.push(entry(s, seq, json!("sweep"), Outcome::default()));
    entries
}

/// The entry's bytes as the log stores them.
fn encoded(entry: &Entry) -> Vec<u8> {
    entry.encode()
}

/// The entry's JSON less `v` and `seq`: all the payloads must restore.
fn content(entry: &Entry) -> Value {
    let mut value: Value = serde_json::from_slice(&encoded(entry)).unwrap();
    let fields = value.as_object_mut().unwrap();
    fields.remove("v");
    fields.remove("seq");
    value
}

/// A JSON value with every payload's value put at its pointer: objects
/// made on the way, arrays for index tokens.
fn rebuild(payloads: &[Payload]) -> Value {
    let mut root = Value::Null;
    for p in payloads {
        let tokens: Vec<String> = p.pointer[1..]
            .split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        let mut place = &mut root;
        for token in &tokens {
            if place.is_null() {
                *place = match token.parse::<usize>() {
                    Ok(_) => json!([]),
                    Err(_) => json!({}),
                };
            }
            place = match place {
                Value::Array(items) => {
                    let i: usize = token.parse().unwrap();
                    if items.len() <= i {
                        items.resize(i + 1, Value::Null);
                    }
                    &mut items[i]
                }
                Value::Object(fields) => fields.entry(token.clone()).or_insert(Value::Null),
                other => panic!("{} goes through {other}", p.pointer),
            };
        }
        assert!(place.is_null(), "{} twice", p.pointer);
        *place = p.json().unwrap();
    }
    root
}

fn secret() -> SaltSecret {
    SaltSecret::new([42; 32])
}

fn bucket(units: usize) -> usize {
    units.next_power_of_two().max(64)
}

#[test]
fn every_byte_of_an_entry_of_every_command_is_committed_and_the_leaf_shows_only_its_number() {
    let s = Secrets::fixed();
    let entries = entries(&s);
    let names: BTreeSet<&str> = entries.iter().map(|e| name(&e.command)).collect();
    assert_eq!(names.len(), EVERY_COMMAND, "{names:?}");
    for entry in &entries {
        let body = encoded(entry);
        let published = publish(&body, &secret()).unwrap();
        let leaf: Value = serde_json::from_slice(&published.leaf).unwrap();
        let keys: Vec<&str> = leaf
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 3, "{leaf}");
        assert_eq!(leaf["leaf"], 2);
        assert_eq!(leaf["seq"], entry.seq);
        assert_eq!(
            leaf["sealed"].as_str().unwrap(),
            fields_hex(&[sealed(&published.fields)])[0]
        );
        assert_eq!(
            String::from_utf8(published.leaf.clone()).unwrap(),
            format!(
                "{{\"leaf\":2,\"seq\":{},\"sealed\":\"{}\"}}",
                entry.seq,
                leaf["sealed"].as_str().unwrap()
            )
        );

        // All the payloads put back are the entry, less its format and
        // number: nothing of it is outside a unit.
        assert_eq!(
            rebuild(&published.payloads),
            content(entry),
            "#{}",
            entry.seq
        );
        let pointers: Vec<&str> = published
            .payloads
            .iter()
            .map(|p| p.pointer.as_str())
            .collect();
        assert_eq!(units(&body).unwrap(), pointers);
        let distinct: BTreeSet<&str> = pointers.iter().copied().collect();
        assert_eq!(distinct.len(), pointers.len());
        assert!(!distinct.contains("/v") && !distinct.contains("/seq"));

        let k = published.payloads.len();
        assert_eq!(published.fields.len(), bucket(k));
        assert!(published.fields.is_sorted());
        for p in &published.payloads {
            assert_eq!(p.seq, entry.seq);
            assert_eq!(p.opens(&published.leaf, &published.fields), Ok(()));
        }
        assert_eq!(
            leaf_hash_of(&body, &secret()).unwrap(),
            published.leaf_hash()
        );
    }
}

#[test]
fn units_are_scalars_or_the_whole_values_named() {
    let s = Secrets::fixed();
    let entries = entries(&s);
    let pointers = |seq: usize| units(&encoded(&entries[seq - 1])).unwrap();
    let declare = pointers(1);
    for whole in [
        "/command/declare/volume",
        "/command/declare/tracking",
        "/outcome/created",
        "/outcome/opened/0/other",
        "/outcome/opened/1/area",
        "/outcome/opened/0/parties",
        "/outcome/notices/1",
        "/outcome/alerts/0/subject",
        "/outcome/stale/0",
        "/outcome/escalations/0",
    ] {
        assert!(declare.iter().any(|p| p == whole), "{whole}: {declare:?}");
    }
    for scalar in [
        "/time_ms",
        "/actor/party",
        "/actor/role",
        "/actor/credential_id",
        "/actor/coordinator",
        "/command/declare/kind",
        "/command/declare/label",
        "/command/declare/visibility",
        "/outcome/activity_state",
        "/outcome/opened/1/id",
        "/outcome/opened/1/activity",
        "/outcome/opened/1/from_ms",
        "/outcome/opened/1/to_ms",
        "/outcome/resolved/1",
        "/outcome/held/0",
        "/outcome/alerts/0/parties/1",
        "/outcome/reveal",
    ] {
        assert!(declare.iter().any(|p| p == scalar), "{scalar}: {declare:?}");
    }
    assert!(
        !declare
            .iter()
            .any(|p| p.starts_with("/command/declare/volume/"))
    );
    let amend = pointers(2);
    assert!(amend.iter().any(|p| p == "/command/amend/spec/volume"));
    assert!(amend.iter().any(|p| p == "/command/amend/spec/tracking"));
    assert!(amend.iter().any(|p| p == "/command/amend/spec/label"));
    let incident = pointers(14);
    assert!(incident.iter().any(|p| p == "/command/report_incident"));
    assert!(
        !incident
            .iter()
            .any(|p| p.starts_with("/command/report_incident/"))
    );
    let track = pointers(29);
    assert!(track.iter().any(|p| p == "/command/track/reports/2"));
    assert!(
        !track
            .iter()
            .any(|p| p.starts_with("/command/track/reports/2/"))
    );

    // A command without fields, and an outcome with none, are units too.
    let sweep = publish(&encoded(entries.last().unwrap()), &secret()).unwrap();
    let value = |pointer: &str| {
        sweep
            .payloads
            .iter()
            .find(|p| p.pointer == pointer)
            .map(|p| p.value.clone())
    };
    assert_eq!(value("/command").as_deref(), Some("\"sweep\""));
    assert_eq!(value("/outcome").as_deref(), Some("{}"));
    assert_eq!(WHOLE.len(), 22);

    // A rule is one unit, an area rule's volume in it; a stop's place and
    // window one; what a stop held is one unit per activity, by its id, so
    // an owner's part tells nothing of how many others there were.
    let rule = pointers(20);
    assert!(rule.iter().any(|p| p == "/command/set_rule/spec/rule"));
    assert!(rule.iter().any(|p| p == "/command/set_rule/spec/name"));
    assert!(
        !rule
            .iter()
            .any(|p| p.starts_with("/command/set_rule/spec/rule/"))
    );
    let stop = pointers(21);
    assert!(stop.iter().any(|p| p == "/command/raise_stop/spec"));
    assert!(stop.iter().any(|p| p == "/outcome/stop/held"));
    assert!(
        stop.iter()
            .any(|p| p == &format!("/outcome/stopped/{}", s.id("act_", 3)))
    );
    assert!(stop.iter().any(|p| p == "/outcome/reminders/1"));
    assert!(stop.iter().any(|p| p == "/outcome/known/0"));
    assert!(stop.iter().any(|p| p == "/outcome/asked/0"));
    assert!(stop.iter().any(|p| p == "/outcome/unconfirmed/0"));
    assert!(stop.iter().any(|p| p == "/outcome/notified_site"));
}

#[test]
fn a_value_is_committed_as_the_log_stored_it() {
    let s = Secrets::fixed();
    let body = encoded(&entries(&s)[3]);
    let text = String::from_utf8(body.clone()).unwrap();
    let published = publish(&body, &secret()).unwrap();
    for p in &published.payloads {
        assert!(text.contains(&p.value), "{} {}", p.pointer, p.value);
    }
    let volume = published
        .payloads
        .iter()
        .find(|p| p.pointer == "/command/submit_activity/volume")
        .unwrap();
    assert!(
        volume
            .value
            .starts_with("{\"geometry\":{\"type\":\"Polygon\"")
    );
    let label = published
        .payloads
        .iter()
        .find(|p| p.pointer == "/command/submit_activity/label")
        .unwrap();
    assert_eq!(label.value, "\"Balad strike\"");
    assert_eq!(
        label.salt,
        secret().salt(4, "/command/submit_activity/label")
    );
}

proptest! {
    #[test]
    fn a_leaf_holds_no_text_of_its_entry(s in secrets()) {
        let entries = entries(&s);
        let texts: Vec<String> = entries
            .iter()
            .map(|e| String::from_utf8(encoded(e)).unwrap())
            .collect();
        for hidden in s.all() {
            // Each is in some entry, as JSON writes it: the scan means something.
            let json = serde_json::to_string(&hidden).unwrap();
            let json = &json[1..json.len() - 1];
            prop_assert!(texts.iter().any(|t| t.contains(json)), "{} in no entry", hidden);
        }
        for entry in &entries {
            let published = publish(&encoded(entry), &secret()).unwrap();
            let leaf = String::from_utf8(published.leaf.clone()).unwrap();
            for hidden in s.all() {
                prop_assert!(!leaf.contains(&hidden), "{} in {}", hidden, leaf);
            }
            for word in ["actor", "command", "outcome", "time", "party", "conflict", "held"] {
                prop_assert!(!leaf.contains(word), "{} in {}", word, leaf);
            }
            prop_assert_eq!(rebuild(&published.payloads), content(entry));
        }
    }
}

#[test]
fn the_fields_list_says_no_more_than_its_bucket() {
    let s = Secrets::fixed();
    let party = &s.parties[0];
    let track = |reports: usize| {
        let reports: Vec<Value> = (0..reports)
            .map(|i| {
                json!({"declaration": s.id("dec_", 0), "time_ms": s.time_ms - i as i64,
                    "position": {"lat": 34.0, "lon": 44.0}})
            })
            .collect();
        let command = json!({"track": {"reports": reports}});
        let mut entry = entry(&s, 9, command, Outcome::default());
        entry.actor = Actor::new(party, Role::Operator, format!("cred_{party}"), false);
        encoded(&entry)
    };
    // The units of a track entry: its reports, and 6 beside them (time,
    // the actor's four fields, the empty outcome).
    assert_eq!(units(&track(10)).unwrap().len(), 16);
    for (reports, fields) in [
        (1, 64),
        (58, 64),
        (59, 128),
        (100, 128),
        (122, 128),
        (123, 256),
    ] {
        let published = publish(&track(reports), &secret()).unwrap();
        assert_eq!(published.payloads.len(), reports + 6);
        assert_eq!(published.fields.len(), fields, "{reports} reports");
        let distinct: BTreeSet<Hash> = published.fields.iter().copied().collect();
        assert_eq!(distinct.len(), fields, "padding repeats no commitment");
    }
    assert_eq!(MIN_FIELDS, 64);

    // One conflict opened or three: the same bucket, so a reader given
    // the list cannot count them.
    let one = encoded(&entry(&s, 3, commands(&s)[3].clone(), rich_outcome(&s, 1)));
    let three = encoded(&entry(&s, 3, commands(&s)[3].clone(), rich_outcome(&s, 3)));
    let (one_units, three_units) = (units(&one).unwrap().len(), units(&three).unwrap().len());
    assert_eq!(three_units, one_units + 14);
    let (one, three) = (
        publish(&one, &secret()).unwrap(),
        publish(&three, &secret()).unwrap(),
    );
    assert_eq!(one.fields.len(), 64);
    assert_eq!(three.fields.len(), 64);
    assert_eq!(one.leaf.len(), three.leaf.len());
}

#[test]
fn a_payload_opens_only_its_own_unit_of_its_own_entry() {
    let s = Secrets::fixed();
    let entries = entries(&s);
    let strike = publish(&encoded(&entries[3]), &secret()).unwrap();
    let (leaf, fields) = (&strike.leaf, &strike.fields);
    let label = strike
        .payloads
        .iter()
        .find(|p| p.pointer == "/command/submit_activity/label")
        .unwrap()
        .clone();
    assert_eq!(label.json().unwrap(), json!("Balad strike"));
    assert_eq!(label.opens(leaf, fields), Ok(()));

    let changed = Payload {
        value: json!("Mosul strike").to_string(),
        ..label.clone()
    };
    assert_eq!(
        changed.opens(leaf, fields),
        Err(PayloadError::NoCommitment(label.pointer.clone()))
    );
    let mut salt = label.salt;
    salt[0] ^= 1;
    let wrong_salt = Payload {
        salt,
        ..label.clone()
    };
    assert!(matches!(
        wrong_salt.opens(leaf, fields),
        Err(PayloadError::NoCommitment(_))
    ));
    // Moved to another unit of the same entry: the kind's, or the actor's.
    for pointer in ["/command/submit_activity/kind", "/actor/party"] {
        let moved = Payload {
            pointer: pointer.into(),
            ..label.clone()
        };
        assert_eq!(
            moved.opens(leaf, fields),
            Err(PayloadError::NoCommitment(pointer.into()))
        );
    }

    // Another entry's payload, against this entry.
    let other = publish(&encoded(&entries[0]), &secret()).unwrap();
    let foreign = &other.payloads[3];
    assert_eq!(
        foreign.opens(leaf, fields),
        Err(PayloadError::OtherEntry {
            payload: 1,
            leaf: 4
        })
    );
    // Claiming to be of this entry: its commitment is not in the list.
    let renumbered = Payload {
        seq: 4,
        ..foreign.clone()
    };
    assert!(matches!(
        renumbered.opens(leaf, fields),
        Err(PayloadError::NoCommitment(_))
    ));
    // Another entry's list: not the one this leaf seals.
    assert_eq!(
        label.opens(leaf, &other.fields),
        Err(PayloadError::FieldsMismatch)
    );

    // The list with one hash changed, one dropped, or out of order.
    let mut changed = fields.clone();
    changed[17][5] ^= 0x40;
    assert_eq!(
        label.opens(leaf, &changed),
        Err(PayloadError::FieldsMismatch)
    );
    assert_eq!(
        label.opens(leaf, &fields[1..]),
        Err(PayloadError::FieldsMismatch)
    );
    let mut reordered = fields.clone();
    reordered.swap(0, 1);
    assert_eq!(
        label.opens(leaf, &reordered),
        Err(PayloadError::FieldsMismatch)
    );

    // A leaf of format 1, or anything that is not a leaf.
    let v1 = json!({"actor": {"party": "coalition"}, "leaf": 1, "seq": 4}).to_string();
    assert_eq!(
        label.opens(v1.as_bytes(), fields),
        Err(PayloadError::LeafFormat(1))
    );
    let text = String::from_utf8(leaf.clone()).unwrap();
    for not_a_leaf in [
        "not json".to_owned(),
        "{\"seq\":4}".to_owned(),
        text.replace("{\"leaf\":2,", "{\"leaf\":2,\"actor\":\"coalition\","),
        text.replace(",\"seq\"", ", \"seq\""),
        text.replace("\"seq\":4,", ""),
        text.to_uppercase()
            .replace("\"LEAF\"", "\"leaf\"")
            .replace("\"SEQ\"", "\"seq\"")
            .replace("\"SEALED\"", "\"sealed\""),
        format!("{text} "),
    ] {
        assert_eq!(
            label.opens(not_a_leaf.as_bytes(), fields),
            Err(PayloadError::NotALeaf),
            "{not_a_leaf}"
        );
    }
    assert_eq!(
        PayloadError::LeafFormat(1).to_string(),
        format!("the leaf is of format 1; this build reads format {LEAF_VERSION}")
    );

    let text = serde_json::to_string(&label).unwrap();
    assert_eq!(serde_json::from_str::<Payload>(&text).unwrap(), label);
    let salt_hex = fields_hex(&[label.salt]).remove(0);
    for bad_salt in ["+f".repeat(32), "AB".repeat(32), "ab".repeat(31)] {
        let bad = text.replace(&salt_hex, &bad_salt);
        assert!(serde_json::from_str::<Payload>(&bad).is_err(), "{bad_salt}");
    }
}

#[test]
fn publishing_is_deterministic_and_keyed_by_the_secret() {
    let s = Secrets::fixed();
    for entry in entries(&s) {
        let body = encoded(&entry);
        let once = publish(&body, &secret()).unwrap();
        assert_eq!(publish(&body, &secret()).unwrap(), once);
        let other = publish(&body, &SaltSecret::new([7; 32])).unwrap();
        assert_ne!(other.leaf, once.leaf);
        assert_eq!(other.leaf.len(), once.leaf.len());
        assert!(other.fields.iter().all(|f| !once.fields.contains(f)));
        let values = |p: &[Payload]| -> Vec<(String, String)> {
            p.iter()
                .map(|p| (p.pointer.clone(), p.value.clone()))
                .collect()
        };
        assert_eq!(values(&other.payloads), values(&once.payloads));
        assert!(once.payloads[0].opens(&other.leaf, &other.fields).is_err());
    }
    // Two entries alike but for their number share no field.
    let entries = entries(&s);
    let mut renumbered = entries[0].clone();
    renumbered.seq = 2;
    let (a, b) = (
        publish(&encoded(&entries[0]), &secret()).unwrap(),
        publish(&encoded(&renumbered), &secret()).unwrap(),
    );
    assert!(a.fields.iter().all(|f| !b.fields.contains(f)));
}

#[test]
fn what_is_not_an_entry_of_a_format_read_is_refused() {
    let refused = |bad: &[u8]| -> NotAnEntry {
        let error = publish(bad, &secret()).expect_err(&String::from_utf8_lossy(bad));
        assert_eq!(leaf_hash_of(bad, &secret()).unwrap_err(), error);
        assert_eq!(units(bad).unwrap_err(), error);
        error
    };
    for bad in [
        &b"not json"[..],
        b"[1]",
        b"{\"v\":2}",
        b"{\"seq\":1}",
        b"{\"v\":2,\"seq\":-1}",
        b"{\"v\":2,\"seq\":1,\"time_ms\":1,\"time_ms\":2}",
        b"{\"v\":2,\"seq\":1,\"actor\":{\"party\":\"a\",\"party\":\"b\"}}",
        b"{\"v\":2,\"seq\":1,\"actor\":{\"party\":\"a\"}",
        b"{\"v\":2,\"seq\":1,\"a\\u0062\":1}",
    ] {
        refused(bad);
    }
    let s = Secrets::fixed();
    let body = String::from_utf8(encoded(&entries(&s)[0])).unwrap();
    for v in ["1", "6", "\"5\"", "5.0", "null"] {
        let other = body.replacen("{\"v\":5,", &format!("{{\"v\":{v},"), 1);
        let error = refused(other.as_bytes()).to_string();
        assert!(
            error.contains(&format!("entry format {v} is not supported")),
            "{error}"
        );
    }
    assert!(publish(b"{\"v\":2,\"seq\":1,\"time_ms\":1}", &secret()).is_ok());
    assert!(publish(b"{\"v\":3,\"seq\":1,\"time_ms\":1}", &secret()).is_ok());
    assert!(publish(b"{\"v\":4,\"seq\":1,\"time_ms\":1}", &secret()).is_ok());
    assert!(publish(b"{\"v\":5,\"seq\":1,\"time_ms\":1}", &secret()).is_ok());
}
