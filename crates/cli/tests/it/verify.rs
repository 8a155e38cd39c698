//! `deconflict verify` on bundles built here from real entries: the story
//! of a good one (exit 0), the reason for a tampered one (exit 1), and no
//! answer without a readable file and keys (exit 2).

use crate::run;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use deconflict_ledger::{Checkpoint, KeyType, SignedCheckpoint, SignerKey, Tree, leaf_hash};
use deconflict_model::{Actor, Command, Entropy, Policy, Role, State};
use deconflict_record::{BUNDLE_FORMAT, Bundle, BundleEntry, SaltSecret, fields_hex, publish};
use serde_json::{Value, json};
use std::path::Path;

/// 2026-11-22 10:00:00 UTC.
const T0: i64 = 1_795_341_600_000;
const ORIGIN: &str = "deconflict.example/log";

/// A strike meets a PMF post; the PMF acknowledges; the JOC clears it.
/// Every entry, with all of it revealed.
fn bundle(log: &SignerKey, witness: &SignerKey) -> Bundle {
    let mut state = State::new(Policy::default());
    let mut leaves = Vec::new();
    let mut fields = Vec::new();
    let mut payloads = Vec::new();
    let mut run = |who: Actor, command: Value| {
        let seq = leaves.len() as u64 + 1;
        let command: Command = serde_json::from_value(command).unwrap();
        let time = T0 + seq as i64 * 60_000;
        let entry = state
            .execute(&who, command, time, Entropy::new([seq as u8; 32]))
            .unwrap()
            .seal(seq);
        state.apply(&entry).unwrap();
        let published = publish(&entry.encode(), &SaltSecret::new([5; 32])).unwrap();
        leaves.push(String::from_utf8(published.leaf).unwrap());
        fields.push(fields_hex(&published.fields));
        payloads.extend(published.payloads);
        entry.outcome
    };
    let volume = |buffer_m: f64, hours: Option<i64>| {
        json!({"geometry": {"type": "Point", "coordinates": [44.1453, 34.0164]},
            "buffer_m": buffer_m, "from_ms": T0 + 86_400_000,
            "to_ms": hours.map(|h| T0 + 86_400_000 + h * 3_600_000)})
    };
    let operator = |party: &str| Actor::new(party, Role::Operator, format!("cred_{party}"), false);
    run(
        operator("pmf"),
        json!({"declare": {"kind": "unit_position", "label": "PMF post", "volume": volume(3_000.0, None)}}),
    );
    let strike = run(
        operator("coalition"),
        json!({"submit_activity": {"kind": "air_strike", "label": "Balad strike",
            "volume": volume(1_000.0, Some(2))}}),
    );
    let activity = strike.created.unwrap().to_string();
    run(
        operator("pmf"),
        json!({"acknowledge": {"conflict": strike.opened[0].id}}),
    );
    let joc = Actor::new("joc", Role::Approver, "cred_joc", true);
    run(
        joc,
        json!({"clear": {"id": activity, "reason": "checked with PMF"}}),
    );

    let mut tree = Tree::new();
    for leaf in &leaves {
        tree.append(leaf_hash(leaf.as_bytes())).unwrap();
    }
    let checkpoint = Checkpoint::new(ORIGIN, tree.size(), tree.root().unwrap()).unwrap();
    let mut signed = SignedCheckpoint::sign(checkpoint, log).unwrap();
    signed.cosign(witness, (T0 / 1000) as u64 + 600).unwrap();
    let entries = leaves
        .into_iter()
        .zip(fields)
        .enumerate()
        .map(|(i, (leaf, fields))| BundleEntry {
            index: i as u64,
            leaf,
            proof: tree
                .inclusion_proof(i as u64, tree.size())
                .unwrap()
                .iter()
                .map(|h| BASE64.encode(h))
                .collect(),
            fields,
        })
        .collect();
    Bundle {
        format: BUNDLE_FORMAT.into(),
        subject: json!({"incident": "the Balad strike"}),
        withheld: 0,
        checkpoint: signed.to_string(),
        entries,
        payloads,
    }
}

struct Files {
    dir: tempfile::TempDir,
    bundle: Bundle,
    log_key: String,
}

impl Files {
    /// The bundle, the log's key on its own and the witness's in a file.
    fn new() -> Files {
        let log = SignerKey::from_seed(KeyType::Ed25519, ORIGIN, [1; 32]).unwrap();
        let witness =
            SignerKey::from_seed(KeyType::CosignatureV1, "pmf.example/witness", [2; 32]).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("witnesses"),
            format!("\n{}\n\n", witness.verifier()),
        )
        .unwrap();
        Files {
            bundle: bundle(&log, &witness),
            log_key: log.verifier().to_string(),
            dir,
        }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_owned()
    }

    /// Writes `bundle` and runs `deconflict verify` on it with both keys:
    /// exit status, standard output, standard error.
    fn verify(&self, bundle: &Bundle) -> (i32, String, String) {
        let path = self.path("bundle.json");
        write(Path::new(&path), bundle);
        let witnesses = format!("@{}", self.path("witnesses"));
        let out = run(&["verify", &path, "--key", &self.log_key, "--key", &witnesses]);
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }
}

fn write(path: &Path, bundle: &Bundle) {
    std::fs::write(path, serde_json::to_string_pretty(bundle).unwrap()).unwrap();
}

#[test]
fn a_good_bundle_is_told_in_plain_words() {
    let files = Files::new();
    let (code, out, err) = files.verify(&files.bundle);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with(&format!(
            "VERIFIED: checkpoint of {ORIGIN} at size 4 (root "
        )),
        "{out}"
    );
    assert!(
        lines[0].ends_with("; cosigned by pmf.example/witness at 2026-11-22 10:10:00 UTC"),
        "{out}"
    );
    assert_eq!(
        lines[1],
        "about (as the bundle says; not checked): {\"incident\":\"the Balad strike\"}"
    );
    assert_eq!(lines.len(), 6, "{out}");
    assert!(
        lines[3].starts_with(
            "#2 2026-11-22 10:02:00 UTC — coalition (operator) submitted activity act_"
        )
    );
    assert!(
        lines[3].contains(" (air_strike, \"Balad strike\"): held; opened conflict con_"),
        "{out}"
    );
    assert!(
        lines[4]
            .starts_with("#3 2026-11-22 10:03:00 UTC — pmf (operator) acknowledged conflict con_")
    );
    assert!(
        lines[5].starts_with("#4 2026-11-22 10:04:00 UTC — joc (approver) cleared activity act_")
    );
    assert!(lines[5].ends_with(": \"checked with PMF\""), "{out}");
}

#[test]
fn a_tampered_bundle_is_rejected_with_its_reason() {
    let files = Files::new();
    let mut forged = files.bundle.clone();
    let label = forged
        .payloads
        .iter_mut()
        .find(|p| p.pointer == "/command/submit_activity/label")
        .unwrap();
    label.value = json!("Mosul strike").to_string();
    let (code, out, err) = files.verify(&forged);
    assert_eq!(code, 1, "{out}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(
        err,
        "deconflict verify: REJECTED: entry 2, /command/submit_activity/label: \
         the revealed value does not match any of its entry's commitments\n"
    );

    let mut forged = files.bundle.clone();
    // One hex digit of what the leaf seals, changed.
    let leaf = &mut forged.entries[2].leaf;
    let at = leaf.find("\"sealed\":\"").unwrap() + 10;
    let digit = if &leaf[at..=at] == "0" { "1" } else { "0" };
    leaf.replace_range(at..=at, digit);
    let (code, _, err) = files.verify(&forged);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("deconflict verify: REJECTED: entry 3: its inclusion proof does not lead"),
        "{err}"
    );
}

#[test]
fn without_a_readable_bundle_or_keys_nothing_is_said() {
    let files = Files::new();
    let missing = files.path("missing.json");
    let out = run(&["verify", &missing, "--key", &files.log_key]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!("deconflict verify: cannot read {missing}: ")),
        "{err}"
    );

    let path = files.path("bundle.json");
    write(Path::new(&path), &files.bundle);
    let out = run(&["verify", &path, "--key", "not a key"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("deconflict verify: --key: \"not a key\" is not a verifier key: "),
        "{err}"
    );

    let keys = files.path("keys");
    std::fs::write(&keys, format!("{}\nnonsense\n", files.log_key)).unwrap();
    let out = run(&["verify", &path, "--key", &format!("@{keys}")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!("deconflict verify: {keys} line 2: ")),
        "{err}"
    );

    // Only the witness's key: the log's signature cannot be checked.
    let witnesses = format!("@{}", files.path("witnesses"));
    let out = run(&["verify", &path, "--key", &witnesses]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("deconflict verify: REJECTED: no log key named"),
        "{err}"
    );
}
