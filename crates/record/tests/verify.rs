//! An evidence bundle proves what it says, in words, or is refused: bundles
//! built from real entries of the model, published and put in a signed,
//! cosigned tree, then tampered with one part at a time.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use deconflict_ledger::{
    Checkpoint, KeyType, SignedCheckpoint, SignerKey, Tree, VerifierKey, leaf_hash,
};
use deconflict_model::{Actor, Command, Entropy, Entry, Policy, Role, State};
use deconflict_record::{
    BUNDLE_FORMAT, Bundle, BundleEntry, BundleError, Payload, SaltSecret, publish,
};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::sync::LazyLock;

/// 2026-11-22 10:00:00 UTC; entry `seq` is accepted `seq` minutes later.
const T0: i64 = 1_795_341_600_000;
const ORIGIN: &str = "deconflict.example/log";
const POST: (f64, f64) = (44.1453, 34.0164);
const TAJI: (f64, f64) = (44.2344, 33.5125);
/// The leaf of a command this build of the model does not know.
const INCIDENT: usize = 18;

/// A published log: its leaves and payloads, the tree, a checkpoint signed
/// by the log and cosigned by one witness, and the keys to check them.
struct Log {
    leaves: Vec<String>,
    payloads: Vec<Vec<Payload>>,
    tree: Tree,
    checkpoint: String,
    keys: Vec<VerifierKey>,
}

static LOG: LazyLock<Log> = LazyLock::new(|| {
    let mut leaves = Vec::new();
    let mut payloads = Vec::new();
    for entry in history() {
        let published = publish(&entry.encode(), &SaltSecret::new([42; 32])).unwrap();
        leaves.push(String::from_utf8(published.leaf).unwrap());
        payloads.push(published.payloads);
    }
    leaves.push(incident_leaf());
    payloads.push(Vec::new());
    let mut tree = Tree::new();
    for leaf in &leaves {
        tree.append(leaf_hash(leaf.as_bytes())).unwrap();
    }
    let log = log_key([1; 32]);
    let witness = SignerKey::from_seed(KeyType::CosignatureV1, "pmf.example/witness", [2; 32]);
    let witness = witness.unwrap();
    let checkpoint = Checkpoint::new(ORIGIN, tree.size(), tree.root().unwrap()).unwrap();
    let mut signed = SignedCheckpoint::sign(checkpoint, &log).unwrap();
    signed.cosign(&witness, (T0 / 1000) as u64 + 1200).unwrap();
    Log {
        leaves,
        payloads,
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

/// An entry of a command the model may gain: the checker must still say
/// who did what, in general words.
fn incident_leaf() -> String {
    json!({
        "actor": {"coordinator": false, "credential_id": "cred_pmf", "party": "pmf", "role": "operator"},
        "command": {"report_incident": {"commitment": "ab".repeat(32)}},
        "leaf": 1,
        "outcome": {"created": {"incident": "inc_0123456789ab"}},
        "seq": INCIDENT,
        "time_ms": T0 + INCIDENT as i64 * 60_000,
    })
    .to_string()
}

/// A bundle of the entries `seqs` (in the order given) and their payloads
/// that `reveal` picks.
fn bundle(seqs: &[usize], reveal: impl Fn(&Payload) -> bool) -> Bundle {
    let log = &*LOG;
    let entries = seqs
        .iter()
        .map(|&seq| BundleEntry {
            index: seq as u64 - 1,
            leaf: log.leaves[seq - 1].clone(),
            proof: log
                .tree
                .inclusion_proof(seq as u64 - 1, log.tree.size())
                .unwrap()
                .iter()
                .map(|h| BASE64.encode(h))
                .collect(),
        })
        .collect();
    let reveal = &reveal;
    let payloads = seqs
        .iter()
        .flat_map(|&seq| log.payloads[seq - 1].iter().filter(move |p| reveal(p)))
        .cloned()
        .collect();
    Bundle {
        format: BUNDLE_FORMAT.into(),
        subject: json!({"incident": "the Balad strike"}),
        checkpoint: log.checkpoint.clone(),
        entries,
        payloads,
    }
}

fn all() -> Vec<usize> {
    (1..=INCIDENT).collect()
}

fn labels_reasons_and_parties(p: &Payload) -> bool {
    ["/label", "/reason", "/parties", "/kind"]
        .iter()
        .any(|end| p.pointer.ends_with(end))
}

fn rejection(bundle: &Bundle) -> String {
    bundle.verify(&LOG.keys).expect_err("rejected").to_string()
}

/// The line of entry `seq`, after its time.
fn line(story: &[String], seq: usize) -> String {
    let line = story
        .iter()
        .find(|l| l.starts_with(&format!("#{seq} ")))
        .unwrap_or_else(|| panic!("no line for #{seq} in {story:#?}"));
    line.split_once(" UTC — ").unwrap().1.to_owned()
}

/// The first id in `line` that starts with `prefix`.
fn id(line: &str, prefix: &str) -> String {
    let at = line
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {line}"));
    line[at..at + prefix.len() + 12].to_owned()
}

#[test]
fn a_good_bundle_tells_who_did_what_and_when() {
    let verified = bundle(&all(), labels_reasons_and_parties)
        .verify(&LOG.keys)
        .unwrap();
    assert_eq!(verified.origin, ORIGIN);
    assert_eq!(verified.size, INCIDENT as u64);
    assert_eq!(verified.cosigned.len(), 1);
    assert!(verified.absent.is_empty());
    assert_eq!(
        verified.entries[2]["command"]["submit_activity"]["label"],
        "Balad strike"
    );
    let story = verified.story();
    assert_eq!(story.len(), INCIDENT);
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
             opened conflict {con} with pmf"
        )
    );
    assert_eq!(
        line(&story, 4),
        format!("pmf (viewer) received conflict {con}")
    );
    assert_eq!(
        line(&story, 5),
        format!("pmf (operator) acknowledged conflict {con}")
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
        format!("coalition (operator) completed activity {act}: resolved conflict {con}")
    );
    assert!(line(&story, 1).starts_with("pmf (operator) declared dec_"));
    assert!(line(&story, 1).ends_with(" (unit_position, \"PMF post at Balad\")"));
    assert!(line(&story, 11).contains("(survey, \"Balad survey\"): held; opened conflict con_"));
    assert!(line(&story, 12).contains("overrode conflict con_"));
    assert!(line(&story, 12).ends_with(": \"accepted risk\""));
    assert!(line(&story, 13).contains(" denied activity act_"));
    assert!(line(&story, 13).contains(": \"too close to the post\"; resolved conflict con_"));
    assert!(line(&story, 14).ends_with("(patrol, \"Taji patrol\"): cleared"));
    assert!(line(&story, 15).contains("cancelled activity act_"));
    assert!(line(&story, 16).contains("amended declaration dec_"));
    assert!(line(&story, 16).ends_with("(unit_position, \"PMF post, moved\")"));
    assert!(line(&story, 17).starts_with("pmf (operator) withdrew declaration dec_"));
    assert_eq!(
        line(&story, INCIDENT),
        "pmf (operator) reported incident inc_0123456789ab (details not revealed)"
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
fn what_is_not_revealed_is_said_to_be_hidden_never_shown() {
    let verified = bundle(&all(), |_| false).verify(&LOG.keys).unwrap();
    let story = verified.story();
    assert!(line(&story, 3).contains("(kind and label not revealed): held; opened conflict con_"));
    assert!(
        !line(&story, 3).contains(" with "),
        "the other party is hidden"
    );
    assert!(line(&story, 6).ends_with(" (reason not revealed)"));
    for line in &story {
        assert!(!line.contains("commitment"), "{line}");
        let hex_run = line
            .split(|c: char| !c.is_ascii_hexdigit())
            .map(str::len)
            .max();
        assert!(hex_run < Some(32), "{line}");
    }
    let some = bundle(&[3], |p| p.pointer.ends_with("/kind"))
        .verify(&LOG.keys)
        .unwrap();
    assert!(some.story()[0].contains("(air_strike, label not revealed)"));
}

#[test]
fn the_notices_say_who_was_told() {
    let verified = bundle(&[3, 5], |p| p.pointer == "/outcome/notices")
        .verify(&LOG.keys)
        .unwrap();
    let story = verified.story();
    assert!(
        line(&story, 3).ends_with("; notified coalition, pmf"),
        "{story:?}"
    );
    assert!(
        line(&story, 5).ends_with(": notified coalition"),
        "{story:?}"
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
    b.entries[2].leaf = b.entries[2]
        .leaf
        .replace("\"party\":\"joc\"", "\"party\":\"jod\"");
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
fn a_payload_opens_only_its_own_field_of_its_own_entry() {
    let label = "/command/submit_activity/label";
    let mut b = bundle(&[3], |p| p.pointer == label);
    b.payloads[0].value = json!("Other strike").to_string();
    assert_eq!(
        rejection(&b),
        format!("entry 3, {label}: the revealed value does not match the commitment")
    );

    // The first declaration's label, moved to the second.
    let mut b = bundle(&[1, 2], |p| p.pointer.ends_with("/label"));
    assert_eq!(b.payloads.len(), 2);
    b.payloads.truncate(1);
    b.payloads[0].seq = 2;
    assert_eq!(
        rejection(&b),
        "entry 2, /command/declare/label: the revealed value does not match the commitment"
    );
    let mut b = bundle(&[3], |p| p.pointer == label);
    b.payloads[0].pointer = "/actor/party".into();
    assert_eq!(
        rejection(&b),
        "entry 3, /actor/party: the leaf holds no commitment there"
    );

    // An entry dropped, its payloads kept.
    let mut b = bundle(&[3, 5, 6], |p| p.pointer.ends_with("/reason"));
    b.entries.remove(2);
    assert_eq!(
        rejection(&b),
        "entry 6, /command/clear/reason: the bundle holds no such entry"
    );
}

#[test]
fn a_changed_checkpoint_is_not_what_the_log_signed() {
    let size = format!("\n{}\n", INCIDENT);
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
    let good = serde_json::to_string(&bundle(&[3, 5], |_| true)).unwrap();
    let parsed = Bundle::parse(&good).unwrap();
    assert!(parsed.verify(&LOG.keys).is_ok());

    let other = good.replace(BUNDLE_FORMAT, "deconflict-evidence/v2");
    assert_eq!(
        Bundle::parse(&other).unwrap_err().to_string(),
        format!(
            "the bundle's format is \"deconflict-evidence/v2\"; this checker reads \"{BUNDLE_FORMAT}\""
        )
    );
    // A later format may have fields this one does not: still named by its format.
    let mut later: Value = serde_json::from_str(&other).unwrap();
    later["witness_policy"] = json!("2 of 3");
    assert!(matches!(
        Bundle::parse(&later.to_string()),
        Err(BundleError::Format(_))
    ));
    let mut b = bundle(&[3], |_| false);
    b.format = "deconflict-evidence/v0".into();
    assert!(matches!(b.verify(&LOG.keys), Err(BundleError::Format(_))));
    for bad in ["", "[]", "{\"format\": 1}", "{}"] {
        assert!(
            matches!(Bundle::parse(bad), Err(BundleError::Malformed(_))),
            "{bad}"
        );
    }
}

/// Every leaf and payload value of the full bundle, as (entry, payload)
/// positions: `None` for the leaf.
fn targets() -> Vec<(usize, Option<usize>)> {
    let b = bundle(&all(), |_| true);
    let leaves = (0..b.entries.len()).map(|e| (e, None));
    leaves
        .chain((0..b.payloads.len()).map(|p| (0, Some(p))))
        .collect()
}

proptest! {
    #[test]
    fn any_selection_verifies(
        entries in prop::collection::vec(any::<bool>(), INCIDENT),
        reveal in prop::collection::vec(any::<bool>(), 64),
    ) {
        let seqs: Vec<usize> = (1..=INCIDENT).filter(|&s| entries[s - 1]).collect();
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
            (e, None) => &mut b.entries[e].leaf,
            (_, Some(p)) => &mut b.payloads[p].value,
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
