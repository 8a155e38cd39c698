//! An evidence bundle proves what it says, in words, or is refused: bundles
//! built from real entries of the model, published and put in a signed,
//! cosigned tree, opened in part or in full, then tampered with one part at
//! a time.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use deconflict_ledger::{Checkpoint, KeyType, SignedCheckpoint, SignerKey, Tree, VerifierKey};
use deconflict_model::{Actor, Command, Entropy, Entry, Policy, Role, State};
use deconflict_record::{
    BUNDLE_FORMAT, Bundle, BundleEntry, BundleError, Payload, Published, SaltSecret, fields_hex,
    publish,
};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::sync::LazyLock;

/// 2026-11-22 10:00:00 UTC; entry `seq` is accepted `seq` minutes later.
const T0: i64 = 1_795_341_600_000;
const ORIGIN: &str = "deconflict.example/log";
const POST: (f64, f64) = (44.1453, 34.0164);
const TAJI: (f64, f64) = (44.2344, 33.5125);
/// The entry of a command this build of the model does not know.
const UNKNOWN: usize = 18;

/// A published log: its entries as stored and as published, the tree, a
/// checkpoint signed by the log and cosigned by one witness, and the keys
/// to check them.
struct Log {
    bodies: Vec<Vec<u8>>,
    published: Vec<Published>,
    tree: Tree,
    checkpoint: String,
    keys: Vec<VerifierKey>,
}

static LOG: LazyLock<Log> = LazyLock::new(|| {
    let mut bodies: Vec<Vec<u8>> = history().iter().map(encoded).collect();
    bodies.push(unknown_command());
    let published: Vec<Published> = bodies
        .iter()
        .map(|body| publish(body, &SaltSecret::new([42; 32])).unwrap())
        .collect();
    let mut tree = Tree::new();
    for p in &published {
        tree.append(p.leaf_hash()).unwrap();
    }
    let log = log_key([1; 32]);
    let witness = SignerKey::from_seed(KeyType::CosignatureV1, "pmf.example/witness", [2; 32]);
    let witness = witness.unwrap();
    let checkpoint = Checkpoint::new(ORIGIN, tree.size(), tree.root().unwrap()).unwrap();
    let mut signed = SignedCheckpoint::sign(checkpoint, &log).unwrap();
    signed.cosign(&witness, (T0 / 1000) as u64 + 1200).unwrap();
    Log {
        bodies,
        published,
        tree,
        checkpoint: signed.to_string(),
        keys: vec![log.verifier(), witness.verifier()],
    }
});

fn log_key(seed: [u8; 32]) -> SignerKey {
    SignerKey::from_seed(KeyType::Ed25519, ORIGIN, seed).unwrap()
}

fn actor(party: &str, role: Role) -> Actor {
    Actor::new(party, role, format!("cred_{party}"), party == "joc")
}

fn volume((lon, lat): (f64, f64), buffer_m: f64, hours: Option<i64>) -> Value {
    json!({
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "buffer_m": buffer_m,
        "altitude_m": [0.0, 0.0],
        "from_ms": T0 + 86_400_000,
        "to_ms": hours.map(|h| T0 + 86_400_000 + h * 3_600_000),
    })
}

/// Every command of the model, in a history that makes sense.
fn history() -> Vec<Entry> {
    let mut state = State::new(Policy::default());
    let mut entries: Vec<Entry> = Vec::new();
    let mut run = |who: Actor, command: Value| {
        let command: Command = serde_json::from_value(command).expect("a command");
        let seq = entries.len() as u64 + 1;
        let time = T0 + seq as i64 * 60_000;
        let entry = state
            .execute(&who, command, time, Entropy::new([seq as u8; 32]))
            .unwrap_or_else(|e| panic!("entry {seq}: {e}"))
            .seal(seq);
        state.apply(&entry).expect("applies");
        entries.push(entry);
        entries.last().unwrap().outcome.clone()
    };
    let (pmf, pmf_viewer) = (actor("pmf", Role::Operator), actor("pmf", Role::Viewer));
    let (coalition, joc) = (
        actor("coalition", Role::Operator),
        actor("joc", Role::Approver),
    );
    let post = run(
        pmf.clone(),
        json!({"declare": {"kind": "unit_position", "label": "PMF post at Balad",
            "volume": volume(POST, 3_000.0, None)}}),
    );
    let post = post.created.unwrap().to_string();
    run(
        coalition.clone(),
        json!({"declare": {"kind": "base", "label": "Camp Taji", "volume": volume(TAJI, 500.0, None)}}),
    );
    let strike = run(
        coalition.clone(),
        json!({"submit_activity": {"kind": "air_strike", "label": "Balad strike",
            "volume": volume(POST, 1_000.0, Some(2))}}),
    );
    let (strike, conflict) = (strike.created.unwrap().to_string(), strike.opened[0].id);
    run(
        pmf_viewer,
        json!({"mark_delivered": {"conflict": conflict}}),
    );
    run(pmf.clone(), json!({"acknowledge": {"conflict": conflict}}));
    run(
        joc.clone(),
        json!({"clear": {"id": strike, "reason": "checked with PMF"}}),
    );
    run(
        joc.clone(),
        json!({"hold": {"id": strike, "reason": "weather"}}),
    );
    run(
        joc.clone(),
        json!({"clear": {"id": strike, "reason": "weather cleared"}}),
    );
    run(coalition.clone(), json!({"start": {"id": strike}}));
    run(coalition.clone(), json!({"complete": {"id": strike}}));
    let survey = run(
        coalition.clone(),
        json!({"submit_activity": {"kind": "survey", "label": "Balad survey",
            "volume": volume(POST, 200.0, Some(1))}}),
    );
    let (survey, second) = (survey.created.unwrap().to_string(), survey.opened[0].id);
    run(
        joc.clone(),
        json!({"override": {"conflict": second, "reason": "accepted risk"}}),
    );
    run(
        joc,
        json!({"deny": {"id": survey, "reason": "too close to the post"}}),
    );
    let patrol = run(
        coalition.clone(),
        json!({"submit_activity": {"kind": "patrol", "label": "Taji patrol",
            "volume": volume(TAJI, 100.0, Some(3))}}),
    );
    let patrol = patrol.created.unwrap().to_string();
    run(coalition, json!({"cancel": {"id": patrol}}));
    run(
        pmf.clone(),
        json!({"amend": {"id": post, "spec": {"kind": "unit_position", "label": "PMF post, moved",
            "volume": volume(POST, 2_000.0, None)}}}),
    );
    run(pmf, json!({"withdraw": {"id": post}}));
    entries
}

/// An entry of a command this build of the model does not know, as a log
/// of a later one might hold it: the checker must still say what it can.
fn unknown_command() -> Vec<u8> {
    json!({
        "v": 2,
        "seq": UNKNOWN,
        "time_ms": T0 + UNKNOWN as i64 * 60_000,
        "actor": {"party": "pmf", "role": "operator", "credential_id": "cred_pmf", "coordinator": false},
        "command": {"muster": {"unit": "dec_0123456789ab", "reason": "drill"}},
        "outcome": {"created": {"muster": "mus_0123456789ab"}},
    })
    .to_string()
    .into_bytes()
}

/// The entry's bytes as a log of entry format 2 stores them, whatever
/// version this build of the model writes.
fn encoded(entry: &Entry) -> Vec<u8> {
    let text = String::from_utf8(entry.encode()).unwrap();
    let rest = text.strip_prefix("{\"v\":").unwrap();
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    format!("{{\"v\":2{rest}").into_bytes()
}

/// A bundle of the entries `seqs` (in the order given) and their payloads
/// that `reveal` picks; an entry's fields list is given when one of its
/// payloads is.
fn bundle(seqs: &[usize], reveal: impl Fn(&Payload) -> bool) -> Bundle {
    let log = &*LOG;
    let reveal = &reveal;
    let mut payloads = Vec::new();
    let mut entries = Vec::new();
    for &seq in seqs {
        let published = &log.published[seq - 1];
        let opened: Vec<Payload> = published
            .payloads
            .iter()
            .filter(|p| reveal(p))
            .cloned()
            .collect();
        entries.push(BundleEntry {
            index: seq as u64 - 1,
            leaf: String::from_utf8(published.leaf.clone()).unwrap(),
            proof: log
                .tree
                .inclusion_proof(seq as u64 - 1, log.tree.size())
                .unwrap()
                .iter()
                .map(|h| BASE64.encode(h))
                .collect(),
            fields: if opened.is_empty() {
                Vec::new()
            } else {
                fields_hex(&published.fields)
            },
        });
        payloads.extend(opened);
    }
    Bundle {
        format: BUNDLE_FORMAT.into(),
        subject: json!({"incident": "the Balad strike"}),
        withheld: 0,
        checkpoint: log.checkpoint.clone(),
        entries,
        payloads,
    }
}

fn all() -> Vec<usize> {
    (1..=UNKNOWN).collect()
}

fn rejection(bundle: &Bundle) -> String {
    bundle.verify(&LOG.keys).expect_err("rejected").to_string()
}

/// The line of entry `seq`, after its number and time.
fn line(story: &[String], seq: usize) -> String {
    let line = story
        .iter()
        .find(|l| l.starts_with(&format!("#{seq} ")))
        .unwrap_or_else(|| panic!("no line for #{seq} in {story:#?}"));
    line.split_once(" — ").unwrap().1.to_owned()
}

/// The first id in `line` that starts with `prefix`.
fn id(line: &str, prefix: &str) -> String {
    let at = line
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {line}"));
    line[at..at + prefix.len() + 12].to_owned()
}

/// Entry `seq` as the log stored it, less its format: what a bundle that
/// reveals all of it rebuilds.
fn stored(seq: usize) -> Value {
    let mut entry: Value = serde_json::from_slice(&LOG.bodies[seq - 1]).unwrap();
    entry.as_object_mut().unwrap().remove("v");
    entry
}

#[test]
fn a_bundle_that_reveals_everything_tells_who_did_what_and_when() {
    let verified = bundle(&all(), |_| true).verify(&LOG.keys).unwrap();
    assert_eq!(verified.origin, ORIGIN);
    assert_eq!(verified.size, UNKNOWN as u64);
    assert_eq!(verified.cosigned.len(), 1);
    assert!(verified.absent.is_empty());
    assert_eq!(verified.withheld, 0);
    for seq in all() {
        assert_eq!(verified.entries[seq - 1], stored(seq), "#{seq}");
    }
    let story = verified.story();
    assert_eq!(story.len(), UNKNOWN);
    assert!(
        story[2].starts_with("#3 2026-11-22 10:03:00 UTC — coalition (operator) "),
        "{}",
        story[2]
    );
    let strike = line(&story, 3);
    let (act, con) = (id(&strike, "act_"), id(&strike, "con_"));
    assert_eq!(
        strike,
        format!(
            "coalition (operator) submitted activity {act} (air_strike, \"Balad strike\"): held; \
             opened conflict {con} with pmf; notified coalition, pmf"
        )
    );
    assert_eq!(
        line(&story, 4),
        format!("pmf (viewer) received conflict {con}")
    );
    assert_eq!(
        line(&story, 5),
        format!("pmf (operator) acknowledged conflict {con}: notified coalition")
    );
    assert_eq!(
        line(&story, 6),
        format!("joc (approver) cleared activity {act}: \"checked with PMF\"")
    );
    assert_eq!(
        line(&story, 7),
        format!("joc (approver) put activity {act} on hold: \"weather\"")
    );
    assert_eq!(
        line(&story, 9),
        format!("coalition (operator) started activity {act}")
    );
    assert_eq!(
        line(&story, 10),
        format!(
            "coalition (operator) completed activity {act}: resolved conflict {con}; \
             notified coalition, pmf"
        )
    );
    assert!(line(&story, 1).starts_with("pmf (operator) declared dec_"));
    assert!(line(&story, 1).ends_with(" (unit_position, \"PMF post at Balad\")"));
    assert!(line(&story, 11).contains("(survey, \"Balad survey\"): held; opened conflict con_"));
    assert!(line(&story, 12).contains("overrode conflict con_"));
    assert!(line(&story, 12).contains(": \"accepted risk\"; notified coalition, pmf"));
    assert!(line(&story, 13).contains(" denied activity act_"));
    assert!(line(&story, 13).contains(": \"too close to the post\"; resolved conflict con_"));
    assert!(line(&story, 14).ends_with("(patrol, \"Taji patrol\"): cleared"));
    assert!(line(&story, 15).contains("cancelled activity act_"));
    assert!(line(&story, 16).contains("amended declaration dec_"));
    assert!(line(&story, 16).ends_with("(unit_position, \"PMF post, moved\")"));
    assert!(line(&story, 17).starts_with("pmf (operator) withdrew declaration dec_"));
    assert_eq!(
        line(&story, UNKNOWN),
        "pmf (operator) muster: \"drill\"; created muster mus_0123456789ab"
    );
    let summary = verified.summary();
    assert!(
        summary.starts_with(&format!("checkpoint of {ORIGIN} at size 18 (root ")),
        "{summary}"
    );
    assert!(
        summary.ends_with(
            "signed by the log; cosigned by pmf.example/witness at 2026-11-22 10:20:00 UTC"
        ),
        "{summary}"
    );
}

#[test]
fn an_entry_opened_in_part_is_rebuilt_with_those_units_alone() {
    let shown = [
        "/actor/party",
        "/actor/role",
        "/command/submit_activity/kind",
        "/outcome/opened/0/id",
        "/outcome/opened/0/area",
        "/outcome/opened/0/from_ms",
        "/outcome/opened/0/to_ms",
    ];
    let verified = bundle(&[3], |p| shown.contains(&p.pointer.as_str()))
        .verify(&LOG.keys)
        .unwrap();
    let entry = &verified.entries[0];
    let full = stored(3);
    for pointer in shown {
        assert_eq!(entry.pointer(pointer), full.pointer(pointer), "{pointer}");
        assert!(entry.pointer(pointer).is_some(), "{pointer}");
    }
    assert_eq!(entry["seq"], 3);
    for hidden in [
        "/time_ms",
        "/actor/credential_id",
        "/command/submit_activity/label",
        "/command/submit_activity/volume",
        "/outcome/created",
        "/outcome/activity_state",
        "/outcome/opened/0/activity",
        "/outcome/opened/0/other",
        "/outcome/opened/0/parties",
        "/outcome/notices",
    ] {
        assert!(full.pointer(hidden).is_some(), "{hidden}");
        assert_eq!(entry.pointer(hidden), None, "{hidden}");
    }
    let story = verified.story();
    let con = id(&story[0], "con_");
    assert_eq!(
        story[0],
        format!(
            "#3 (time not revealed) — coalition (operator) submitted activity (id not revealed) \
             (air_strike, label not revealed): opened conflict {con} (other side not revealed)"
        )
    );
}

#[test]
fn what_is_not_revealed_is_said_to_be_so_never_guessed() {
    let verified = bundle(&all(), |_| false).verify(&LOG.keys).unwrap();
    for (seq, entry) in (1..).zip(&verified.entries) {
        assert_eq!(*entry, json!({"seq": seq}));
    }
    for (seq, line) in (1..).zip(verified.story()) {
        assert_eq!(
            line,
            format!("#{seq} (time not revealed) — (actor not revealed) (command not revealed)")
        );
    }

    // The state an activity went to, and nothing else: which command and
    // which activity stay unsaid.
    let state = bundle(&[6, 7], |p| p.pointer == "/outcome/activity_state")
        .verify(&LOG.keys)
        .unwrap();
    assert_eq!(
        state.story(),
        [
            "#6 (time not revealed) — (actor not revealed) (command not revealed): \
             an activity (not named) is now cleared",
            "#7 (time not revealed) — (actor not revealed) (command not revealed): \
             an activity (not named) is now held",
        ]
    );

    // A decision whose reason is not revealed; a strike whose kind is.
    let some = bundle(&[3, 6], |p| {
        p.pointer.ends_with("/kind")
            || p.pointer == "/command/clear/id"
            || (p.pointer == "/time_ms" && p.seq == 6)
    })
    .verify(&LOG.keys)
    .unwrap();
    let story = some.story();
    assert_eq!(
        story[0],
        "#3 (time not revealed) — (actor not revealed) submitted activity (id not revealed) \
         (air_strike, label not revealed)"
    );
    assert!(
        story[1]
            .starts_with("#6 2026-11-22 10:06:00 UTC — (actor not revealed) cleared activity act_"),
        "{}",
        story[1]
    );
    assert!(story[1].ends_with(" (reason not revealed)"), "{}", story[1]);

    // No line shows a salt, a commitment or a hash.
    let partly = bundle(&all(), |p| p.pointer.len() % 3 == 0)
        .verify(&LOG.keys)
        .unwrap();
    for line in partly.story() {
        assert!(!line.contains("commitment"), "{line}");
        let hex_run = line
            .split(|c: char| !c.is_ascii_hexdigit())
            .map(str::len)
            .max();
        assert!(hex_run < Some(32), "{line}");
    }
}

#[test]
fn the_notices_say_who_was_told() {
    let verified = bundle(&[3, 5], |p| p.pointer.starts_with("/outcome/notices/"))
        .verify(&LOG.keys)
        .unwrap();
    let story = verified.story();
    assert!(
        line(&story, 3).ends_with(": notified coalition, pmf"),
        "{story:?}"
    );
    assert!(
        line(&story, 5).ends_with(": notified coalition"),
        "{story:?}"
    );

    // The second notice alone: the first is said to be there, not shown.
    let second = bundle(&[3], |p| p.pointer == "/outcome/notices/1")
        .verify(&LOG.keys)
        .unwrap();
    assert_eq!(
        second.entries[0]["outcome"]["notices"][0],
        Value::Null,
        "{:?}",
        second.entries[0]
    );
    assert!(
        line(&second.story(), 3).ends_with(": notified pmf; 1 other notice not revealed"),
        "{:?}",
        second.story()
    );
}

#[test]
fn entries_withheld_are_counted_not_shown() {
    let mut b = bundle(&[3, 6], |_| true);
    b.withheld = 2;
    let verified = b.verify(&LOG.keys).unwrap();
    assert_eq!(verified.withheld, 2);
    let story = verified.story();
    assert_eq!(story.len(), 3);
    assert_eq!(
        story[2],
        "2 more entries bear on this and are not shown to this reader"
    );
    b.withheld = 1;
    assert_eq!(
        b.verify(&LOG.keys).unwrap().story()[2],
        "1 more entry bears on this and is not shown to this reader"
    );
}

#[test]
fn text_from_the_bundle_cannot_forge_a_line() {
    let mut b = bundle(&[UNKNOWN], |_| true);
    let log = &*LOG;
    // A log that wrote a label with a line break and an escape in it: the
    // story escapes them.
    let body = String::from_utf8(unknown_command())
        .unwrap()
        .replace("\"drill\"", "\"drill\\n#19 forged\\u001b[2K\"")
        .replace("\"pmf\"", "\"pmf\\u202e\"");
    let published = publish(body.as_bytes(), &SaltSecret::new([42; 32])).unwrap();
    let mut tree = Tree::new();
    for p in &log.published[..UNKNOWN - 1] {
        tree.append(p.leaf_hash()).unwrap();
    }
    tree.append(published.leaf_hash()).unwrap();
    let key = log_key([1; 32]);
    let checkpoint = Checkpoint::new(ORIGIN, tree.size(), tree.root().unwrap()).unwrap();
    b.checkpoint = SignedCheckpoint::sign(checkpoint, &key)
        .unwrap()
        .to_string();
    b.entries[0].leaf = String::from_utf8(published.leaf.clone()).unwrap();
    b.entries[0].fields = fields_hex(&published.fields);
    b.payloads = published.payloads;
    let story = b.verify(&LOG.keys[..1]).unwrap().story();
    assert_eq!(
        line(&story, UNKNOWN),
        "pmf\\u{202e} (operator) muster: \"drill\\n#19 forged\\u{1b}[2K\"; created muster mus_0123456789ab"
    );
}

#[test]
fn witnesses_are_reported_as_cosigned_or_absent() {
    let other = SignerKey::from_seed(KeyType::CosignatureV1, "isf.example/witness", [3; 32]);
    let mut keys = LOG.keys.clone();
    keys.push(other.unwrap().verifier());
    let verified = bundle(&[3], |_| false).verify(&keys).unwrap();
    assert_eq!(verified.cosigned[0].name, "pmf.example/witness");
    assert_eq!(verified.absent, ["isf.example/witness"]);
    assert!(
        verified
            .summary()
            .ends_with("; no cosignature from isf.example/witness")
    );

    let log_only = bundle(&[3], |_| false).verify(&LOG.keys[..1]).unwrap();
    assert!(log_only.cosigned.is_empty());
    assert!(log_only.summary().ends_with("; no witness key given"));

    // The witness's line kept, its signature's last byte changed.
    let mut forged = bundle(&[3], |_| false);
    let witness_line = forged.checkpoint.lines().last().unwrap().to_owned();
    let (name, sig) = witness_line.rsplit_once(' ').unwrap();
    let mut bytes = BASE64.decode(sig).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    forged.checkpoint = forged
        .checkpoint
        .replace(&witness_line, &format!("{name} {}", BASE64.encode(bytes)));
    let error = rejection(&forged);
    assert!(
        error.starts_with("the checkpoint: the cosignature of witness pmf.example/witness+"),
        "{error}"
    );
}

#[test]
fn a_changed_leaf_was_never_published() {
    let mut b = bundle(&[3, 5, 6], |_| false);
    let leaf = &mut b.entries[2].leaf;
    let at = leaf.find("\"sealed\":\"").unwrap() + 10;
    let digit = if &leaf[at..=at] == "0" { "1" } else { "0" };
    leaf.replace_range(at..=at, digit);
    assert_eq!(
        rejection(&b),
        "entry 6: its inclusion proof does not lead to the checkpoint's root (the log never published this entry)"
    );
    let mut b = bundle(&[3, 5, 6], |_| false);
    b.entries[1].leaf = b.entries[1].leaf.replace("\"seq\":5", "\"seq\":4");
    assert_eq!(rejection(&b), "entry 5: its leaf says it is entry 4");
    let mut b = bundle(&[3], |_| false);
    b.entries[0].leaf.push('x');
    assert_eq!(rejection(&b), "entry 3: its leaf is not JSON");
    let mut b = bundle(&[3], |_| false);
    b.entries[0].leaf = b.entries[0].leaf.replace("{\"leaf\":2,", "{\"leaf\":1,");
    assert_eq!(
        rejection(&b),
        "entry 3: its leaf is of format 1; this checker reads format 2"
    );
    let mut b = bundle(&[3], |_| false);
    b.entries[0].leaf = b.entries[0]
        .leaf
        .replace("{\"leaf\":2,", "{\"leaf\":2,\"actor\":\"coalition\",");
    assert_eq!(
        rejection(&b),
        "entry 3: its leaf is not written as a leaf of format 2"
    );
    let mut b = bundle(&[3], |_| false);
    b.entries[0].leaf = b.entries[0].leaf.replace("{\"leaf\":2,", "{");
    assert_eq!(rejection(&b), "entry 3: its leaf says no format");
}

#[test]
fn a_changed_proof_leads_nowhere() {
    let mut b = bundle(&[3, 5, 6], |_| false);
    let mut hash = BASE64.decode(&b.entries[1].proof[0]).unwrap();
    hash[7] ^= 0x10;
    b.entries[1].proof[0] = BASE64.encode(hash);
    assert_eq!(
        rejection(&b),
        "entry 5: its inclusion proof does not lead to the checkpoint's root (the log never published this entry)"
    );
    let mut b = bundle(&[3], |_| false);
    b.entries[0].proof[1] = "not base64".into();
    assert_eq!(
        rejection(&b),
        "entry 3: hash 2 of its inclusion proof is not a base64 SHA-256 hash"
    );
    let mut b = bundle(&[3], |_| false);
    b.entries[0].proof.pop();
    assert_eq!(
        rejection(&b),
        "entry 3: its inclusion proof has 4 hashes; one for this place in a tree of 18 has 5"
    );
}

#[test]
fn a_fields_list_must_be_the_one_the_leaf_seals() {
    let label = "/command/submit_activity/label";
    let mut b = bundle(&[3], |p| p.pointer == label);
    let mut hash = b.entries[0].fields[9].clone().into_bytes();
    hash[0] = if hash[0] == b'a' { b'b' } else { b'a' };
    b.entries[0].fields[9] = String::from_utf8(hash).unwrap();
    assert_eq!(
        rejection(&b),
        "entry 3: its fields list is not the one its leaf seals"
    );
    let mut b = bundle(&[3], |p| p.pointer == label);
    b.entries[0].fields.swap(0, 1);
    assert_eq!(
        rejection(&b),
        "entry 3: its fields list is not the one its leaf seals"
    );
    // Entry 4's list, with entry 3's leaf.
    let mut b = bundle(&[3], |p| p.pointer == label);
    b.entries[0].fields = fields_hex(&LOG.published[3].fields);
    assert_eq!(
        rejection(&b),
        "entry 3: its fields list is not the one its leaf seals"
    );
    let mut b = bundle(&[3], |p| p.pointer == label);
    b.entries[0].fields[0] = b.entries[0].fields[0].to_uppercase();
    assert_eq!(
        rejection(&b),
        "entry 3: hash 1 of its fields list is not a SHA-256 hash in lowercase hex"
    );
    // The list left out, the payload kept.
    let mut b = bundle(&[3], |p| p.pointer == label);
    b.entries[0].fields.clear();
    assert_eq!(
        rejection(&b),
        format!("entry 3, {label}: the bundle gives no fields list for its entry")
    );
    // A list and no payload: checked all the same, and nothing opened.
    let mut b = bundle(&[3], |_| false);
    b.entries[0].fields = fields_hex(&LOG.published[2].fields);
    assert_eq!(b.verify(&LOG.keys).unwrap().entries[0], json!({"seq": 3}));
    b.entries[0].fields.pop();
    assert_eq!(
        rejection(&b),
        "entry 3: its fields list is not the one its leaf seals"
    );
}

#[test]
fn entries_are_a_selection_in_log_order() {
    let dropped = bundle(&[3, 6], |_| true).verify(&LOG.keys).unwrap();
    assert_eq!(dropped.story().len(), 2);

    let mut b = bundle(&[3, 5, 6], |_| false);
    b.entries[1].index = 3;
    assert_eq!(rejection(&b), "entry 4: its leaf says it is entry 5");
    let mut b = bundle(&[3, 5, 6], |_| false);
    b.entries[1].index = 17;
    assert_eq!(rejection(&b), "entry 18: its leaf says it is entry 5");
    let b = bundle(&[3, 6, 5], |_| false);
    assert_eq!(
        rejection(&b),
        "entry 5: it comes after entry 6 in the bundle; entries must be in log order, each once"
    );
    let b = bundle(&[3, 3], |_| false);
    assert!(rejection(&b).starts_with("entry 3: it comes after entry 3 in the bundle"));
    let mut b = bundle(&[3], |_| false);
    b.entries[0].index = 40;
    assert_eq!(
        rejection(&b),
        "entry 41: it lies beyond the checkpoint, which signs 18 entries"
    );
}

#[test]
fn a_payload_opens_only_its_own_unit_of_its_own_entry() {
    let label = "/command/submit_activity/label";
    let mut b = bundle(&[3], |p| p.pointer == label);
    b.payloads[0].value = json!("Other strike").to_string();
    assert_eq!(
        rejection(&b),
        format!(
            "entry 3, {label}: the revealed value does not match any of its entry's commitments"
        )
    );

    // The first declaration's label, moved to the second.
    let mut b = bundle(&[1, 2], |p| p.pointer.ends_with("/label"));
    assert_eq!(b.payloads.len(), 2);
    b.payloads.remove(1);
    b.payloads[0].seq = 2;
    assert_eq!(
        rejection(&b),
        "entry 2, /command/declare/label: the revealed value does not match any of its entry's commitments"
    );
    // Moved to another unit of its own entry.
    let mut b = bundle(&[3], |p| p.pointer == label);
    b.payloads[0].pointer = "/actor/party".into();
    assert_eq!(
        rejection(&b),
        "entry 3, /actor/party: the revealed value does not match any of its entry's commitments"
    );

    // An entry dropped, its payloads kept.
    let mut b = bundle(&[3, 5, 6], |p| p.pointer.ends_with("/reason"));
    b.entries.remove(2);
    assert_eq!(
        rejection(&b),
        "entry 6, /command/clear/reason: the bundle holds no such entry"
    );

    // The same payload twice puts the same value in the same place.
    let mut b = bundle(&[3], |p| p.pointer == label);
    b.payloads.push(b.payloads[0].clone());
    let verified = b.verify(&LOG.keys).unwrap();
    assert_eq!(
        verified.entries[0],
        json!({"seq": 3, "command": {"submit_activity": {"label": "Balad strike"}}})
    );
}

#[test]
fn a_changed_checkpoint_is_not_what_the_log_signed() {
    let size = format!("\n{}\n", UNKNOWN);
    let mut b = bundle(&[3], |_| false);
    b.checkpoint = b.checkpoint.replacen(&size, "\n19\n", 1);
    let error = rejection(&b);
    assert!(
        error.starts_with(&format!(
            "the checkpoint: the log's signature does not verify under {ORIGIN}+"
        )),
        "{error}"
    );
    assert!(
        error.ends_with(": the text is not what the log signed"),
        "{error}"
    );

    let mut b = bundle(&[3], |_| false);
    let root = b.checkpoint.lines().nth(2).unwrap().to_owned();
    let other = BASE64.encode(LOG.tree.root_at(17).unwrap());
    b.checkpoint = b.checkpoint.replace(&root, &other);
    assert!(rejection(&b).contains("the log's signature does not verify"));

    let mut b = bundle(&[3], |_| false);
    b.checkpoint = b.checkpoint.replacen(&size, "\n018\n", 1);
    assert!(rejection(&b).starts_with("the checkpoint: not a signed checkpoint: "));
}

#[test]
fn only_the_log_key_given_vouches_for_the_checkpoint() {
    let impostor = log_key([9; 32]);
    let checkpoint = Checkpoint::new(ORIGIN, LOG.tree.size(), LOG.tree.root().unwrap()).unwrap();
    let mut b = bundle(&[3], |_| false);
    b.checkpoint = SignedCheckpoint::sign(checkpoint, &impostor)
        .unwrap()
        .to_string();
    let error = rejection(&b);
    assert!(
        error.starts_with(&format!(
            "the checkpoint: it carries no signature by the log key {ORIGIN}+"
        )),
        "{error}"
    );
    // The impostor's key vouches for its own checkpoint, not for the log's.
    assert!(b.verify(&[impostor.verifier()]).is_ok());
    assert!(
        bundle(&[3], |_| false)
            .verify(&[impostor.verifier()])
            .is_err()
    );

    let witness_only = bundle(&[3], |_| false).verify(&LOG.keys[1..]);
    assert_eq!(
        witness_only.unwrap_err(),
        BundleError::NoLogKey(ORIGIN.into())
    );
    assert_eq!(
        BundleError::NoLogKey(ORIGIN.into()).to_string(),
        format!(
            "no log key named \"{ORIGIN}\" was given, so the checkpoint's signature cannot be checked"
        )
    );
    let other_log = SignerKey::from_seed(KeyType::Ed25519, "other.example/log", [1; 32]);
    assert_eq!(
        bundle(&[3], |_| false).verify(&[other_log.unwrap().verifier()]),
        Err(BundleError::NoLogKey(ORIGIN.into()))
    );
}

#[test]
fn only_this_format_is_read() {
    assert_eq!(BUNDLE_FORMAT, "deconflict-evidence/v2");
    let good = serde_json::to_string(&bundle(&[3, 5], |_| true)).unwrap();
    let parsed = Bundle::parse(&good).unwrap();
    assert!(parsed.verify(&LOG.keys).is_ok());

    // A bundle of the format before: entries without fields lists, no
    // count of what was withheld. Named as such.
    let mut v1: Value = serde_json::from_str(&good).unwrap();
    v1["format"] = json!("deconflict-evidence/v1");
    v1.as_object_mut().unwrap().remove("withheld");
    for entry in v1["entries"].as_array_mut().unwrap() {
        entry.as_object_mut().unwrap().remove("fields");
    }
    assert_eq!(
        Bundle::parse(&v1.to_string()).unwrap_err().to_string(),
        "the bundle's format is \"deconflict-evidence/v1\"; this checker reads \"deconflict-evidence/v2\""
    );
    // A later format may have fields this one does not: still named by its format.
    let mut later: Value = serde_json::from_str(&good).unwrap();
    later["format"] = json!("deconflict-evidence/v3");
    later["witness_policy"] = json!("2 of 3");
    assert!(matches!(
        Bundle::parse(&later.to_string()),
        Err(BundleError::Format(_))
    ));
    let mut b = bundle(&[3], |_| false);
    b.format = "deconflict-evidence/v1".into();
    assert!(matches!(b.verify(&LOG.keys), Err(BundleError::Format(_))));
    // This format, with a part missing or one it does not know.
    let mut unknown: Value = serde_json::from_str(&good).unwrap();
    unknown["entries"][0]["actor"] = json!("coalition");
    let mut missing: Value = serde_json::from_str(&good).unwrap();
    missing.as_object_mut().unwrap().remove("withheld");
    for bad in [
        "".to_owned(),
        "[]".to_owned(),
        "{\"format\": 1}".to_owned(),
        "{}".to_owned(),
        unknown.to_string(),
        missing.to_string(),
    ] {
        assert!(
            matches!(Bundle::parse(&bad), Err(BundleError::Malformed(_))),
            "{bad}"
        );
    }
}

/// Every leaf, fields list hash and payload value of the full bundle, as
/// (entry, what) positions.
fn targets() -> Vec<(usize, Target)> {
    let b = bundle(&all(), |_| true);
    let mut targets = Vec::new();
    for (e, entry) in b.entries.iter().enumerate() {
        targets.push((e, Target::Leaf));
        targets.extend((0..entry.fields.len()).map(|f| (e, Target::Field(f))));
    }
    targets.extend((0..b.payloads.len()).map(|p| (0, Target::Payload(p))));
    targets
}

#[derive(Debug, Clone, Copy)]
enum Target {
    Leaf,
    Field(usize),
    Payload(usize),
}

proptest! {
    #[test]
    fn any_selection_verifies_and_rebuilds_what_it_opened(
        entries in prop::collection::vec(any::<bool>(), UNKNOWN),
        reveal in prop::collection::vec(any::<bool>(), 64),
    ) {
        let seqs: Vec<usize> = (1..=UNKNOWN).filter(|&s| entries[s - 1]).collect();
        let picked = std::cell::Cell::new(0);
        let b = bundle(&seqs, |_| {
            picked.set(picked.get() + 1);
            reveal[picked.get() % reveal.len()]
        });
        let verified = b.verify(&LOG.keys).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(verified.story().len(), seqs.len());
        for p in &b.payloads {
            let at = seqs.iter().position(|&s| s as u64 == p.seq).unwrap();
            prop_assert_eq!(verified.entries[at].pointer(&p.pointer), Some(&p.json().unwrap()));
        }
        // Nothing else: each unit of each entry is there if and only if
        // it was opened.
        for (at, &seq) in seqs.iter().enumerate() {
            for unit in &LOG.published[seq - 1].payloads {
                let opened = b.payloads.iter().any(|p| p.seq == seq as u64 && p.pointer == unit.pointer);
                let there = verified.entries[at].pointer(&unit.pointer).is_some_and(|v| !v.is_null())
                    || unit.value == "null" && opened;
                prop_assert_eq!(there, opened, "#{} {}", seq, unit.pointer);
            }
        }
    }

    #[test]
    fn any_changed_byte_is_refused(
        target in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        flip in 1u8..0x80,
    ) {
        let mut b = bundle(&all(), |_| true);
        let targets = targets();
        let text = match targets[target.index(targets.len())] {
            (e, Target::Leaf) => &mut b.entries[e].leaf,
            (e, Target::Field(f)) => &mut b.entries[e].fields[f],
            (_, Target::Payload(p)) => &mut b.payloads[p].value,
        };
        // ASCII stays ASCII: the change is one byte, and the text stays text.
        let mut bytes = std::mem::take(text).into_bytes();
        let i = at.index(bytes.len());
        prop_assume!(bytes[i].is_ascii());
        bytes[i] ^= flip;
        *text = String::from_utf8(bytes).unwrap();
        prop_assert!(b.verify(&LOG.keys).is_err());
    }
}
