//! The log format, pinned: a golden log with one entry of every command, as
//! stored bytes, with its leaf and leaf hash under a known salt secret.
//!
//! The current code must decode every entry, encode it back to the same
//! bytes, replay the whole log, and publish the same leaves: a change of
//! serde attributes that would make stored logs unreadable, or move a field
//! into the clear, fails here. A deliberate change of format is a new
//! `ENTRY_VERSION` or `LEAF_VERSION` and a new golden file beside this one
//! (`DECONFLICT_WRITE_GOLDEN=1 cargo test -p deconflict-record --test
//! golden` writes it), never an edit of an old one.

mod commands;

use commands::{EVERY_COMMAND, name};
use deconflict_model::{
    Actor, Command, ENTRY_VERSION, Entropy, Entry, ObjectRef, Policy, Role, State,
};
use deconflict_record::{LEAF_VERSION, SaltSecret, leaf_hash_of, publish};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// 2020-01-05T00:00:00Z.
const T0: i64 = 1_578_182_400_000;
const MINUTE: i64 = 60_000;
const SECRET: [u8; 32] = [7; 32];

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!(
        "tests/golden/entries-v{ENTRY_VERSION}-leaf-v{LEAF_VERSION}.jsonl"
    ))
}

fn actor(who: &str) -> Actor {
    if who == "service" {
        return Actor::service();
    }
    let (party, role) = who.split_once('/').unwrap();
    let role = match role {
        "operator" => Role::Operator,
        "approver" => Role::Approver,
        other => panic!("{other}"),
    };
    Actor::new(party, role, format!("cred_{party}_{role}"), party == "joc")
}

struct Log {
    state: State,
    entries: Vec<Entry>,
}

impl Log {
    fn run(&mut self, who: &str, at: i64, command: Value) -> Entry {
        let command: Command =
            serde_json::from_value(command.clone()).unwrap_or_else(|e| panic!("{e}: {command}"));
        let seq = self.entries.len() as u64 + 1;
        let entry = self
            .state
            .execute(&actor(who), command, at, Entropy::new([seq as u8; 32]))
            .unwrap_or_else(|e| panic!("#{seq} {who}: {e}"))
            .seal(seq);
        self.state.apply(&entry).unwrap();
        self.entries.push(entry.clone());
        entry
    }
}

fn id(entry: &Entry) -> String {
    match entry.outcome.created.unwrap() {
        ObjectRef::Declaration(id) => id.to_string(),
        ObjectRef::Activity(id) => id.to_string(),
        ObjectRef::Incident(id) => id.to_string(),
        ObjectRef::Conflict(id) => id.to_string(),
    }
}

fn volume(lon: f64, lat: f64, buffer_m: f64, from: i64, to: Option<i64>) -> Value {
    json!({
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "buffer_m": buffer_m, "altitude_m": [0.0, 0.0], "from_ms": from, "to_ms": to,
    })
}

/// The story the golden log tells: every command at least once.
fn history() -> Vec<Entry> {
    let mut log = Log {
        state: State::new(Policy::default()),
        entries: Vec::new(),
    };
    let t = |m: i64| T0 + m * MINUTE;
    let unit = log.run(
        "pmf/operator",
        t(0),
        json!({"declare": {"kind": "unit_position", "label": "PMF company",
            "volume": volume(44.1453, 34.0164, 300.0, t(-60), None),
            "tracking": {"report_interval_s": 60, "max_speed_mps": 20.0, "cot_uid": "ANDROID-1"}}}),
    );
    let unit = id(&unit);
    log.run(
        "pmf/operator",
        t(1),
        json!({"track": {"reports": [{"declaration": unit, "time_ms": t(1) - 1000,
            "position": {"lat": 34.0165, "lon": 44.1454, "ce_m": 10.0, "speed_mps": 1.0}}]}}),
    );
    log.run(
        "coalition/operator",
        t(2),
        json!({"declare": {"kind": "base", "label": "Coalition base",
            "volume": volume(42.4412, 33.7856, 3000.0, t(-60), None), "disclosure": "coordinator_only"}}),
    );
    let strike = log.run(
        "coalition/operator",
        t(3),
        json!({"submit_activity": {"kind": "air_strike", "label": "Strike",
            "volume": volume(44.1460, 34.0170, 500.0, t(30), Some(t(90)))}}),
    );
    let conflict = strike.outcome.opened[0].id.to_string();
    let strike = id(&strike);
    log.run(
        "pmf/operator",
        t(4),
        json!({"mark_delivered": {"conflict": conflict}}),
    );
    log.run(
        "pmf/operator",
        t(5),
        json!({"acknowledge": {"conflict": conflict}}),
    );
    log.run(
        "joc/approver",
        t(6),
        json!({"clear": {"id": strike, "reason": "acknowledged"}}),
    );
    log.run(
        "joc/approver",
        t(7),
        json!({"hold": {"id": strike, "reason": "second look"}}),
    );
    log.run(
        "joc/approver",
        t(8),
        json!({"override": {"conflict": conflict, "reason": "accepted"}}),
    );
    log.run(
        "joc/approver",
        t(9),
        json!({"deny": {"id": strike, "reason": "too close"}}),
    );
    let patrol = log.run(
        "coalition/operator",
        t(10),
        json!({"submit_activity": {"kind": "patrol", "label": "Patrol",
            "volume": volume(42.5, 33.8, 100.0, t(10), Some(t(120)))}}),
    );
    let patrol = id(&patrol);
    log.run(
        "coalition/operator",
        t(11),
        json!({"start": {"id": patrol}}),
    );
    log.run(
        "coalition/operator",
        t(12),
        json!({"complete": {"id": patrol}}),
    );
    let survey = log.run(
        "coalition/operator",
        t(13),
        json!({"submit_activity": {"kind": "survey", "label": "Survey",
            "volume": volume(42.6, 33.9, 100.0, t(60), Some(t(120)))}}),
    );
    let survey = id(&survey);
    log.run(
        "coalition/operator",
        t(14),
        json!({"cancel": {"id": survey}}),
    );
    log.run(
        "pmf/operator",
        t(15),
        json!({"amend": {"id": unit, "version": 1, "spec": {"kind": "unit_position",
            "label": "PMF company, moved", "volume": volume(44.2, 34.1, 300.0, t(-60), None),
            "tracking": {"report_interval_s": 60}}}}),
    );
    let attack = log.run(
        "coalition/operator",
        t(16),
        json!({"report_incident": {"kind": "attack",
            "place": {"type": "Point", "coordinates": [44.2, 34.1]}, "precision_m": 500.0,
            "from_ms": t(0), "to_ms": t(10), "reported_by": "base command", "against": "pmf",
            "source": "radar", "source_grade": "B2"}}),
    );
    assert_eq!(attack.outcome.alerts[0].parties, ["pmf"]);
    log.run(
        "pmf/operator",
        t(16),
        json!({"acknowledge_alert": {"entry": attack.seq, "index": 0}}),
    );
    let attack = id(&attack);
    log.run(
        "joc/approver",
        t(17),
        json!({"set_incident_status": {"id": attack, "status": "credible", "reason": "radar",
            "duplicate_of": null}}),
    );
    log.run(
        "joc/approver",
        t(18),
        json!({"grant_evidence": {"incident": attack, "party": "unboi", "reason": "inquiry"}}),
    );
    log.run(
        "coalition/operator",
        t(19),
        json!({"reveal": {"seq": 3, "pointer": "/command/declare/label", "owner": "coalition",
            "own": true}}),
    );
    log.run(
        "joc/approver",
        t(20),
        json!({"suspend_holds": {"party": "pmf", "area": {"type": "Polygon", "coordinates":
            [[[44.0, 34.0], [44.3, 34.0], [44.3, 34.2], [44.0, 34.2], [44.0, 34.0]]]},
            "until_ms": t(20 + 24 * 60), "reason": "re-holds in bad faith"}}),
    );
    log.run(
        "joc/approver",
        t(21),
        json!({"dispute": {"id": unit, "disputed": true, "reason": "not a unit"}}),
    );
    rules(&mut log, t);
    let stop = check_fire(&mut log, t);
    log.run("service", t(200), json!("sweep"));
    sites(&mut log, t);
    log.run("pmf/operator", t(201), json!({"withdraw": {"id": unit}}));
    log.run(
        "coalition/operator",
        t(202),
        json!({"acknowledge_stop": {"id": stop}}),
    );
    log.run(
        "joc/approver",
        t(203),
        json!({"acknowledge_stop": {"id": stop}}),
    );
    log.run(
        "pmf/operator",
        t(204),
        json!({"lift_stop": {"id": stop, "reason": "contact broken"}}),
    );
    // An agency's list of sites, one of them under the coalition's strike
    // of the check-fire story.
    log.run(
        "ocha/operator",
        t(205),
        json!({"import": {"key": "ocha-sites-2020-01-05", "declarations": [
            {"kind": "clinic", "label": "Mobile clinic", "volume": volume(43.5, 34.506, 100.0, t(-60), None)},
            {"kind": "warehouse", "label": "WFP warehouse", "visibility": "public",
                "volume": volume(43.9, 34.9, 200.0, t(-60), None)}]}}),
    );
    log.entries
}

/// A rule of every type, one version rescinded.
fn rules(log: &mut Log, t: impl Fn(i64) -> i64) {
    let rules = [
        json!({"name": "coalition-mandate", "parties": ["coalition"], "public": true,
            "rule": {"type": "forbid", "kinds": ["ground_operation"]}}),
        json!({"name": "coalition-clearance", "parties": ["coalition"],
            "rule": {"type": "clearance", "kinds": ["air_strike", "patrol"]}}),
        json!({"name": "strike-notice", "rule": {"type": "notice", "kind": "air_strike", "hours": 2.0}}),
        json!({"name": "hospital-nfa", "public": true, "rule": {"type": "area",
            "label": "No-fire area, Tikrit hospital", "effect": "refuse", "kinds": ["air_strike"],
            "volume": volume(43.68, 34.6, 1000.0, t(0), None)}}),
        json!({"name": "priorities", "rule": {"type": "priority",
            "kinds": ["medevac", "convoy", "patrol"]}}),
        json!({"name": "convoy-limits", "rule": {"type": "limits", "kind": "convoy",
            "max_window_h": 48.0}}),
        json!({"name": "convoy-limits", "rule": null}),
        json!({"name": "camps-reconfirm", "rule": {"type": "reconfirm", "kind": "camp", "hours": 1.0}}),
    ];
    for (i, mut spec) in rules.into_iter().enumerate() {
        spec["from_ms"] = json!(t(22 + i as i64));
        log.run(
            "joc/approver",
            t(22 + i as i64),
            json!({"set_rule": {"spec": spec, "reason": "agreed at the JOC"}}),
        );
    }
}

/// The camp, unconfirmed since the sweep, is asked to re-confirm by a
/// patrol planned over it and is; then challenged, answered and ruled on.
fn sites(log: &mut Log, t: impl Fn(i64) -> i64) {
    let patrol = log.run(
        "isf/operator",
        t(205),
        json!({"submit_activity": {"kind": "patrol", "label": "Patrol by the camp",
            "volume": volume(43.5, 34.502, 200.0, t(300), Some(t(360)))}}),
    );
    assert!(!patrol.outcome.asked.is_empty(), "{:?}", patrol.outcome);
    let camp = patrol.outcome.asked[0].declaration.to_string();
    log.run("pmf/operator", t(206), json!({"reconfirm": {"id": camp}}));
    let challenged = log.run(
        "coalition/operator",
        t(207),
        json!({"challenge": {"id": camp, "grounds": "fighters seen at the camp's gate"}}),
    );
    let challenge = challenged.outcome.challenge.unwrap().to_string();
    log.run(
        "pmf/operator",
        t(208),
        json!({"answer_challenge": {"id": challenge, "answer": "the gate guards are unarmed police"}}),
    );
    log.run(
        "joc/approver",
        t(209),
        json!({"rule_challenge": {"id": challenge, "ruling": "disputed",
            "reason": "both seen by the ISF", "name_challenger": false}}),
    );
    // Struck, the camp the coalition had been told of: it is asked to
    // respond, and does.
    let struck = log.run(
        "pmf/operator",
        t(210),
        json!({"report_incident": {"kind": "friendly_fire",
            "place": {"type": "Point", "coordinates": [43.5, 34.5]}, "precision_m": 200.0,
            "from_ms": t(150), "to_ms": t(160), "reported_by": "camp staff", "against": "coalition",
            "source": "staff", "source_grade": "B2"}}),
    );
    assert!(
        struck.outcome.notified_site.is_some(),
        "{:?}",
        struck.outcome
    );
    log.run(
        "coalition/operator",
        t(211),
        json!({"respond_incident": {"id": id(&struck),
            "response": "no coalition aircraft flew over the camp in that window"}}),
    );
}

/// A late strike by the emergency lane, cleared over a public camp it was
/// told of, then held by a check fire that is told again until answered.
fn check_fire(log: &mut Log, t: impl Fn(i64) -> i64) -> String {
    log.run(
        "pmf/operator",
        t(30),
        json!({"declare": {"kind": "camp", "label": "Displaced families", "visibility": "public",
            "volume": volume(43.5, 34.5, 400.0, t(-60), None)}}),
    );
    let strike = log.run(
        "coalition/operator",
        t(31),
        json!({"submit_activity": {"kind": "air_strike", "label": "Strike, late",
            "volume": volume(43.5, 34.505, 500.0, t(60), Some(t(90))),
            "late_notice": "troops in contact"}}),
    );
    let conflict = strike.outcome.opened[0].id.to_string();
    let strike = id(&strike);
    log.run(
        "pmf/operator",
        t(32),
        json!({"acknowledge": {"conflict": conflict}}),
    );
    log.run(
        "joc/approver",
        t(33),
        json!({"clear": {"id": strike, "reason": "the camp is 1 km away"}}),
    );
    let raised = log.run(
        "pmf/operator",
        t(34),
        json!({"raise_stop": {"spec": {"cause": "civilians_present",
            "geometry": {"type": "Point", "coordinates": [43.5, 34.5]}, "buffer_m": 3000.0,
            "until_ms": t(34 + 12 * 60)}, "reason": "families moving north of the camp"}}),
    );
    raised.outcome.stop.unwrap().id.to_string()
}

/// One line of the golden file.
fn line(entry: &Entry, secret: &SaltSecret) -> Value {
    let body = entry.encode();
    let published = publish(&body, secret).unwrap();
    json!({
        "body": String::from_utf8(body).unwrap(),
        "leaf": String::from_utf8(published.leaf.clone()).unwrap(),
        "leaf_hash": hex(&published.leaf_hash()),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a golden file: each entry decodes (and, of the current format,
/// encodes back to the same bytes) and publishes the same leaf.
fn read_golden(path: &std::path::Path, current: bool) -> Vec<Entry> {
    let secret = SaltSecret::new(SECRET);
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; write it with DECONFLICT_WRITE_GOLDEN=1",
            path.display()
        )
    });
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let golden: Value = serde_json::from_str(line).unwrap();
        let body = golden["body"].as_str().unwrap().as_bytes();
        let entry = Entry::decode(body).unwrap_or_else(|e| panic!("line {}: {e}", i + 1));
        if current {
            assert_eq!(
                String::from_utf8(entry.encode()).unwrap(),
                golden["body"].as_str().unwrap(),
                "line {}: the entry no longer encodes to the bytes stored",
                i + 1
            );
        }
        let published = publish(body, &secret).unwrap();
        assert_eq!(
            String::from_utf8(published.leaf).unwrap(),
            golden["leaf"].as_str().unwrap(),
            "line {}: the leaf changed",
            i + 1
        );
        assert_eq!(
            hex(&leaf_hash_of(body, &secret).unwrap()),
            golden["leaf_hash"].as_str().unwrap(),
            "line {}",
            i + 1
        );
        entries.push(entry);
    }
    entries
}

#[test]
fn the_golden_log_holds_every_command_and_the_current_code_reads_it_unchanged() {
    let secret = SaltSecret::new(SECRET);
    let path = golden_path();
    if std::env::var_os("DECONFLICT_WRITE_GOLDEN").is_some() {
        let text: String = history()
            .iter()
            .map(|e| format!("{}\n", line(e, &secret)))
            .collect();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let entries = read_golden(&path, true);
    let names: BTreeSet<&str> = entries.iter().map(|e| name(&e.command)).collect();
    assert_eq!(names.len(), EVERY_COMMAND, "{names:?}");
    State::replay(Policy::default(), &entries).unwrap();
}

/// A log written by an older build still reads, publishes the leaves it
/// published then, and replays: each entry keeps the bytes it was written
/// with.
#[test]
fn the_golden_logs_of_older_formats_still_read_and_replay() {
    for v in deconflict_model::OLDEST_ENTRY_VERSION..ENTRY_VERSION {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!(
            "tests/golden/entries-v{v}-leaf-v{LEAF_VERSION}.jsonl"
        ));
        let entries = read_golden(&path, false);
        assert!(entries.len() > 20, "{}", path.display());
        State::replay(Policy::default(), &entries).unwrap();
    }
}
