//! The public log: its leaves are what the log signed, its proofs verify,
//! witnesses cosign it, it shows no party another's secrets, and a log
//! changed on disk does not start.

use crate::{Harness, config};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use deconflict_ledger::{
    Hash, KeyType, SignedCheckpoint, SignerKey, Tree, VerifierKey, leaf_hash, verify_consistency,
    verify_inclusion,
};
use deconflict_record::Payload;
use serde_json::{Value, json};

pub(crate) async fn log_key(h: &Harness) -> VerifierKey {
    let text = h.get("/v1/log/key", "isf/viewer").await.expect(200).text();
    VerifierKey::parse(text.trim_end()).unwrap()
}

pub(crate) async fn checkpoint(h: &Harness, key: &VerifierKey) -> SignedCheckpoint {
    let note = h.get("/v1/log/checkpoint", "isf/auditor").await.expect(200);
    assert!(
        note.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    SignedCheckpoint::open(&note.text(), key.name(), key).unwrap()
}

/// Every leaf from 0 to `size`, a page at a time, as `who` reads them.
async fn leaves(h: &Harness, size: u64, who: &str) -> Vec<String> {
    let mut out = Vec::new();
    while (out.len() as u64) < size {
        let page = h
            .get(&format!("/v1/log/entries?start={}", out.len()), who)
            .await
            .expect(200)
            .json();
        let entries = page["entries"].as_array().unwrap();
        assert!(!entries.is_empty());
        for e in entries {
            assert_eq!(e["index"], out.len() as u64);
            out.push(e["leaf"].as_str().unwrap().to_owned());
        }
    }
    out
}

pub(crate) fn hashes(proof: &Value) -> Vec<Hash> {
    proof["hashes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            BASE64
                .decode(h.as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap()
        })
        .collect()
}

#[tokio::test]
async fn the_leaves_are_what_the_log_signed_and_every_proof_verifies() {
    let h = Harness::demo().await;
    let key = log_key(&h).await;
    let first = checkpoint(&h, &key).await;
    let size = first.checkpoint().size();
    let head = h.get("/v1/state", "joc/viewer").await.json()["seq"]
        .as_u64()
        .unwrap();
    assert!(size >= head - 1 && size > 10, "{size} of {head}");

    let leaves = leaves(&h, size, "pmf/auditor").await;
    let mut tree = Tree::new();
    for leaf in &leaves {
        tree.append(leaf_hash(leaf.as_bytes())).unwrap();
    }
    assert_eq!(tree.root().unwrap(), *first.checkpoint().root());

    for index in [0, size / 2, size - 1] {
        let proof = h
            .get(
                &format!("/v1/log/proof/inclusion?index={index}&size={size}"),
                "pmf/viewer",
            )
            .await
            .expect(200)
            .json();
        let leaf = leaf_hash(leaves[index as usize].as_bytes());
        verify_inclusion(
            &leaf,
            index,
            size,
            &hashes(&proof),
            first.checkpoint().root(),
        )
        .unwrap();
    }

    // More entries, a new checkpoint, and a proof that it extends the first.
    h.post(
        "/v1/declarations",
        "isf/operator",
        crate::declaration("checkpoint", "Camp Taji gate", 44.2775, 33.5294, 300.0),
    )
    .await
    .expect(201);
    let second = checkpoint(&h, &key).await;
    assert!(second.checkpoint().size() > size);
    let to = second.checkpoint().size();
    let proof = h
        .get(
            &format!("/v1/log/proof/consistency?from={size}&to={to}"),
            "isf/viewer",
        )
        .await
        .expect(200)
        .json();
    verify_consistency(
        size,
        to,
        &hashes(&proof),
        first.checkpoint().root(),
        second.checkpoint().root(),
    )
    .unwrap();
    // The older checkpoint stays published.
    let again = h
        .get(&format!("/v1/log/checkpoint?size={size}"), "isf/viewer")
        .await
        .expect(200);
    assert_eq!(again.text(), first.to_string());
}

#[tokio::test]
async fn no_party_reads_another_partys_labels_kinds_or_places_in_the_log() {
    let h = Harness::demo().await;
    let all = h.get("/v1/state", "joc/viewer").await.json();
    for who in [
        "pmf/auditor",
        "ocha/viewer",
        "coalition/operator",
        "isf/viewer",
    ] {
        let party = who.split('/').next().unwrap();
        // Another party's private objects: the API never shows their
        // labels or places to this party, nor may the log.
        let mut secrets = Vec::new();
        for list in ["declarations", "activities"] {
            for object in all[list].as_array().unwrap() {
                if object["owner"] == party || object["visibility"] == "public" {
                    continue;
                }
                secrets.push(object["label"].as_str().unwrap().to_owned());
                secrets.push(object["id"].as_str().unwrap().to_owned());
                let coordinates = object["geometry"]["coordinates"].to_string();
                secrets.extend(
                    coordinates
                        .split(['[', ']', ','])
                        .filter(|n| n.contains('.'))
                        .map(str::to_owned),
                );
            }
        }
        assert!(secrets.len() > 50);
        let log = crate::read_log(&h, who).await;
        let text = serde_json::to_string(
            &log.values()
                .map(|r| (&r.leaf, &r.payloads))
                .collect::<Vec<_>>(),
        )
        .unwrap();
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{who} reads `{secret}` in the log"
            );
        }
    }
}

/// A party cannot show its cosignature as another party's witness: the
/// name a witness signs under must be its own party's.
#[tokio::test]
async fn a_witness_cosigns_only_under_its_own_partys_name() {
    let h = Harness::demo().await;
    let key = log_key(&h).await;
    let signed = checkpoint(&h, &key).await;
    let post = |name: &'static str, seed: u8, who: &'static str| {
        let witness = SignerKey::from_seed(KeyType::CosignatureV1, name, [seed; 32]).unwrap();
        let mut cosigned = signed.clone();
        cosigned.cosign(&witness, 1_700_000_000).unwrap();
        let body = json!({"key": witness.verifier().to_string(), "note": cosigned.to_string()});
        let h = &h;
        async move { h.post("/v1/log/cosignature", who, body).await }
    };
    for (name, who) in [
        ("coalition.example/witness", "pmf/viewer"),
        ("coalition", "pmf/auditor"),
        ("pmfx/witness", "pmf/auditor"),
        ("coalition-witness", "coalition/auditor"),
    ] {
        let problem = post(name, 1, who).await.problem(403, "not_owner");
        assert!(
            problem["detail"].as_str().unwrap().contains("own party"),
            "{problem}"
        );
    }
    for (name, seed, who) in [
        ("coalition.example/witness", 2, "coalition/auditor"),
        ("pmf/witness", 3, "pmf/viewer"),
        ("pmf", 4, "pmf/auditor"),
    ] {
        post(name, seed, who).await.expect(200);
    }
}

#[tokio::test]
async fn a_witness_cosignature_is_checked_kept_and_published() {
    let h = Harness::demo().await;
    let key = log_key(&h).await;
    let signed = checkpoint(&h, &key).await;
    let size = signed.checkpoint().size();
    let witness = SignerKey::from_seed(KeyType::CosignatureV1, "pmf/witness", [5; 32]).unwrap();
    let mut cosigned = signed.clone();
    cosigned.cosign(&witness, 1_700_000_000).unwrap();
    let body = |key: &str, note: &str| json!({"key": key, "note": note});
    let vkey = witness.verifier().to_string();

    let taken = h
        .post(
            "/v1/log/cosignature",
            "pmf/auditor",
            body(&vkey, &cosigned.to_string()),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(taken["size"], size);
    let published = h
        .get(&format!("/v1/log/checkpoint?size={size}"), "isf/viewer")
        .await
        .expect(200);
    let opened = SignedCheckpoint::open(&published.text(), key.name(), &key).unwrap();
    assert_eq!(
        opened
            .verify_cosignatures(&[witness.verifier()])
            .unwrap()
            .len(),
        1
    );

    // A party uses a few witness keys at most.
    for n in 0..deconflict_store::WITNESSES_PER_PARTY {
        let spare =
            SignerKey::from_seed(KeyType::CosignatureV1, "pmf/spare", [20 + n as u8; 32]).unwrap();
        let mut note = signed.clone();
        note.cosign(&spare, 1_700_000_000).unwrap();
        let reply = h
            .post(
                "/v1/log/cosignature",
                "pmf/auditor",
                body(&spare.verifier().to_string(), &note.to_string()),
            )
            .await;
        if n + 1 < deconflict_store::WITNESSES_PER_PARTY {
            reply.expect(200);
        } else {
            reply.problem(409, "too_many_witnesses");
        }
    }
    // The key is the PMF's now.
    h.post(
        "/v1/log/cosignature",
        "isf/auditor",
        body(&vkey, &cosigned.to_string()),
    )
    .await
    .problem(403, "not_owner");
    // A cosignature by another key than the one named.
    let other = SignerKey::from_seed(KeyType::CosignatureV1, "pmf/witness", [6; 32]).unwrap();
    let problem = h
        .post(
            "/v1/log/cosignature",
            "pmf/auditor",
            body(&other.verifier().to_string(), &cosigned.to_string()),
        )
        .await
        .problem(422, "invalid_field");
    assert_eq!(problem["field"], "note");
    // The log's own key is not a witness key.
    let problem = h
        .post(
            "/v1/log/cosignature",
            "pmf/auditor",
            body(&key.to_string(), &cosigned.to_string()),
        )
        .await
        .problem(422, "invalid_field");
    assert_eq!(problem["field"], "key");
    let problem = h
        .post(
            "/v1/log/cosignature",
            "pmf/auditor",
            body("not a key", &cosigned.to_string()),
        )
        .await
        .problem(422, "invalid_field");
    assert_eq!(problem["field"], "key");
    // A checkpoint the log never signed.
    let forged = cosigned
        .to_string()
        .replacen(&format!("\n{size}\n"), "\n1\n", 1);
    h.post("/v1/log/cosignature", "pmf/auditor", body(&vkey, &forged))
        .await
        .problem(422, "invalid_field");
    // Sizes no log reaches, beyond SQL's integers too, are checkpoints it
    // never signed, not faults.
    for size in [
        "999999",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
    ] {
        h.get(&format!("/v1/log/checkpoint?size={size}"), "pmf/auditor")
            .await
            .problem(404, "not_found");
    }
}

#[tokio::test]
async fn out_of_range_queries_are_refused_naming_the_parameter() {
    let h = Harness::demo().await;
    let key = log_key(&h).await;
    let size = checkpoint(&h, &key).await.checkpoint().size();
    for (path, field) in [
        (format!("/v1/log/entries?start={}", size + 1), "start"),
        ("/v1/log/entries?start=3&end=2".to_owned(), "end"),
        ("/v1/log/entries".to_owned(), "start"),
        (
            format!("/v1/log/proof/inclusion?index={size}&size={size}"),
            "index",
        ),
        (
            format!("/v1/log/proof/inclusion?index=0&size={}", size + 100),
            "size",
        ),
        (
            format!("/v1/log/proof/consistency?from=2&to={}", size + 100),
            "to",
        ),
        ("/v1/log/proof/consistency?from=5&to=4".to_owned(), "from"),
        ("/v1/log/proof/inclusion?index=x&size=2".to_owned(), "index"),
        ("/v1/log/checkpoint?sice=2".to_owned(), "sice"),
    ] {
        let problem = h
            .get(&path, "isf/viewer")
            .await
            .problem(422, "invalid_query");
        assert_eq!(problem["field"], field, "{path}");
    }
    h.get("/v1/log/entries?start=0", "")
        .await
        .problem(401, "unauthenticated");
}

/// Flips one byte of every copy of `needle` in the data directory's files.
fn flip(dir: &std::path::Path, needle: &[u8]) -> usize {
    let mut flipped = 0;
    for file in std::fs::read_dir(dir).unwrap() {
        let path = file.unwrap().path();
        let mut bytes = std::fs::read(&path).unwrap();
        let mut at = 0;
        while let Some(found) = bytes[at..].windows(needle.len()).position(|w| w == needle) {
            let i = at + found;
            bytes[i] ^= 0x01;
            at = i + needle.len();
            flipped += 1;
        }
        std::fs::write(&path, bytes).unwrap();
    }
    flipped
}

/// The demo, signed, closed: its data directory and the texts of its leaves.
async fn signed_and_closed() -> (tempfile::TempDir, Vec<String>, String) {
    let h = Harness::demo().await;
    let key = log_key(&h).await;
    let size = checkpoint(&h, &key).await.checkpoint().size();
    let leaves = leaves(&h, size, "joc/auditor").await;
    let label = h.get("/v1/state", "joc/viewer").await.json()["activities"][0]["label"]
        .as_str()
        .unwrap()
        .to_owned();
    let Harness {
        app, state, dir, ..
    } = h;
    drop(app);
    drop(state);
    (dir, leaves, label)
}

async fn wait_until_checked(h: &Harness, entries: u64) {
    for _ in 0..200 {
        let metrics = h.metrics().await;
        let checked = metrics
            .lines()
            .find_map(|l| l.strip_prefix("deconflict_log_entries_checked "))
            .and_then(|n| n.parse::<u64>().ok());
        if checked >= Some(entries) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the entries were not checked");
}

#[tokio::test]
async fn a_recent_entry_changed_on_disk_does_not_start() {
    if crate::on_postgres() {
        // Of the SQLite file and the data directory's marker alone.
        return;
    }
    let (dir, _, label) = signed_and_closed().await;
    // A label stays valid JSON with one letter changed: the state replays,
    // but the entry no longer gives the leaf the log published.
    assert!(flip(dir.path(), label.as_bytes()) > 0);
    let refused = deconflict_server::AppState::open(dir.path(), config()).unwrap_err();
    assert!(
        refused.to_string().contains("it was changed on disk"),
        "{refused}"
    );
}

#[tokio::test]
async fn no_command_is_decided_against_an_old_entry_changed_on_disk() {
    if crate::on_postgres() {
        // Of the SQLite file and the data directory's marker alone.
        return;
    }
    let h = Harness::new();
    let post = |n: usize| {
        crate::declaration(
            "checkpoint",
            &format!("Gate {n:03} on the Tarmiyah road"),
            44.0 + n as f64 * 0.001,
            33.6,
            10.0,
        )
    };
    // More entries than are checked before serving: the first is checked
    // only once the service runs.
    for n in 0..300 {
        h.post("/v1/declarations", "isf/operator", post(n))
            .await
            .expect(201);
    }
    let signed = checkpoint(&h, &log_key(&h).await).await.checkpoint().size();
    let h = h.restart_after(config(), |dir| {
        assert!(flip(dir, b"Gate 000 on the Tarmiyah road") > 0);
    });
    h.post("/v1/declarations", "isf/operator", post(999))
        .await
        .problem(503, "tampered");
    assert_eq!(h.state.halted(), Some(deconflict_server::Halt::Tampered));
    h.get("/v1/state", "isf/viewer")
        .await
        .problem(503, "tampered");
    let log = deconflict_store::SqliteLog::open_reader(h.dir.path()).unwrap();
    assert_eq!(deconflict_store::LogBackend::head(&log).unwrap(), signed);
}

/// The data directory's database, opened as someone with the file could.
fn database(dir: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(deconflict_store::db_path(dir)).unwrap()
}

#[tokio::test]
async fn an_emptied_database_does_not_start_as_a_new_log() {
    if crate::on_postgres() {
        // Of the SQLite file and the data directory's marker alone.
        return;
    }
    let (dir, _, _) = signed_and_closed().await;
    let signed = deconflict_store::Checkpoints::open(dir.path())
        .unwrap()
        .latest()
        .unwrap()
        .unwrap()
        .size;
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let path = file.unwrap().path();
        if path.to_str().unwrap().contains(deconflict_store::DB_FILE) {
            std::fs::write(&path, b"").unwrap();
        }
    }
    for _ in 0..2 {
        let refused = deconflict_server::AppState::open(dir.path(), config()).unwrap_err();
        match refused {
            deconflict_server::StartError::Shortened {
                head, signed: s, ..
            } => {
                assert_eq!((head, s), (0, signed));
            }
            other => panic!("{other}"),
        }
    }
    assert!(
        deconflict_store::Checkpoints::open(dir.path())
            .unwrap()
            .keys()
            .unwrap()
            .is_none(),
        "no new log was made in its place"
    );
}

#[tokio::test]
async fn entries_deleted_with_their_checkpoints_do_not_start() {
    if crate::on_postgres() {
        // Of the SQLite file and the data directory's marker alone.
        return;
    }
    let (dir, _, _) = signed_and_closed().await;
    let db = database(dir.path());
    let head: i64 = db
        .query_row("SELECT max(seq) FROM log", [], |row| row.get(0))
        .unwrap();
    let head = u64::try_from(head).unwrap();
    db.execute_batch(
        "DROP TRIGGER log_no_delete;
         DELETE FROM log WHERE seq > (SELECT max(seq) - 3 FROM log);
         DELETE FROM cosignatures; DELETE FROM checkpoints;",
    )
    .unwrap();
    drop(db);
    let refused = deconflict_server::AppState::open(dir.path(), config()).unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("acknowledged entries are gone"),
        "{refused}"
    );
    match refused {
        deconflict_server::StartError::Shortened {
            head: h, signed, ..
        } => {
            assert_eq!((h, signed), (head - 3, head));
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn a_clean_stop_signs_a_checkpoint_of_every_entry() {
    let h = Harness::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(deconflict_server::serve(
        listener,
        h.state.clone(),
        async move {
            let _ = stopped.await;
        },
    ));
    for n in 0..3 {
        h.post(
            "/v1/declarations",
            "isf/operator",
            crate::declaration("checkpoint", &format!("post {n}"), 44.0, 33.6, 10.0),
        )
        .await
        .expect(201);
    }
    // Well within the periodic signer's first period.
    stop.send(()).unwrap();
    served.await.unwrap().unwrap();
    let latest = deconflict_store::Checkpoints::open_at(&h.store)
        .unwrap()
        .latest()
        .unwrap()
        .map(|c| c.size);
    assert_eq!(latest, Some(3));
}

#[tokio::test]
async fn a_checkpoint_that_cannot_be_stored_shows_in_healthz() {
    let h = Harness::new();
    // The checkpoint file cannot be replaced.
    let marker = h.dir.path().join("checkpoint");
    std::fs::create_dir_all(marker.join("in-the-way")).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(deconflict_server::serve(
        listener,
        h.state.clone(),
        async move {
            let _ = stopped.await;
        },
    ));
    h.get("/healthz", "").await.expect(200);
    h.post(
        "/v1/declarations",
        "isf/operator",
        crate::declaration("checkpoint", "post", 44.0, 33.6, 10.0),
    )
    .await
    .expect(201);
    let health = |status: u16| {
        let h = &h;
        async move {
            for _ in 0..100 {
                let reply = h.get("/healthz", "").await;
                if reply.status == status {
                    return reply.json()["status"].as_str().unwrap().to_owned();
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            panic!("/healthz never answered {status}");
        }
    };
    assert_eq!(health(503).await, "degraded");
    // Once the file can be written, the checkpoint signed meanwhile is, and
    // the service is whole again.
    std::fs::remove_dir_all(&marker).unwrap();
    assert_eq!(health(200).await, "ok");
    let note = std::fs::read_to_string(&marker).unwrap();
    assert!(note.contains("\n1\n"), "{note}");
}

#[tokio::test]
async fn a_leaf_changed_on_disk_after_it_was_signed_does_not_start() {
    if crate::on_postgres() {
        // Of the SQLite file and the data directory's marker alone.
        return;
    }
    let (dir, leaves, _) = signed_and_closed().await;
    let leaf = leaf_hash(leaves[leaves.len() / 2].as_bytes());
    assert_eq!(flip(dir.path(), &leaf), 1);
    let refused = deconflict_server::AppState::open(dir.path(), config()).unwrap_err();
    assert!(
        refused.to_string().contains("an entry was changed"),
        "{refused}"
    );
}

#[tokio::test]
async fn an_untouched_log_passes_every_check() {
    let h = Harness::demo().await;
    let size = checkpoint(&h, &log_key(&h).await).await.checkpoint().size();
    let h = h.restart(config());
    wait_until_checked(&h, size).await;
    assert!(!h.state.failed());
    h.get("/healthz", "").await.expect(200);
}

/// The sequence number of the entry that created `id`, as the coordinator
/// reads the log.
async fn created_at(h: &Harness, id: &str) -> u64 {
    crate::read_log(h, "joc/auditor")
        .await
        .iter()
        .find(|(_, read)| {
            crate::rebuilt(read)["outcome"]["created"]
                .as_object()
                .is_some_and(|o| o.values().any(|v| v == id))
        })
        .map(|(seq, _)| *seq)
        .expect("the entry that created it")
}

/// What `who` gets of entry `seq`: its leaf, its commitments, its payloads.
async fn entry_as(h: &Harness, seq: u64, who: &str) -> crate::Read {
    let mut read = crate::read_entries(h, who, seq - 1, seq).await;
    read.remove(0)
}

#[tokio::test]
async fn an_owner_reveals_a_field_and_everyone_can_check_it() {
    let h = Harness::demo().await;
    let strike = h.id("coalition_balad_strike");
    let seq = created_at(&h, &strike).await;
    let label = json!({"seq": seq, "pointer": "/command/submit_activity/label"});
    // Not the PMF's to reveal; nothing of the label for the PMF yet.
    h.post("/v1/log/reveal", "pmf/operator", label.clone())
        .await
        .problem(403, "not_owner");
    h.post("/v1/log/reveal", "coalition/viewer", label.clone())
        .await
        .problem(403, "role_forbidden");
    let before = entry_as(&h, seq, "pmf/viewer").await.payloads;
    assert!(before.iter().all(|p| !p.pointer.contains("label")));

    let answer = h
        .post("/v1/log/reveal", "coalition/operator", label.clone())
        .await
        .expect(200)
        .json();
    assert_eq!(answer["state"], "revealed");
    let payload: Payload = serde_json::from_value(answer["payload"].clone()).unwrap();
    assert!(payload.value.contains("weapons cache"), "{}", payload.value);
    h.post("/v1/log/reveal", "coalition/operator", label)
        .await
        .problem(409, "wrong_state");

    // Anyone reads it, and it opens the leaf the log published; the ISF,
    // in nothing of it, reads that field alone.
    let crate::Read {
        leaf,
        fields,
        payloads: read,
        ..
    } = entry_as(&h, seq, "isf/viewer").await;
    assert_eq!(read, std::slice::from_ref(&payload));
    payload.opens(leaf.as_bytes(), &fields).unwrap();
    let by_seq = h
        .get(&format!("/v1/log/payloads?seq={seq}"), "isf/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(by_seq["payloads"], json!([payload]));
    // The kind stays hidden: only what was revealed is.
    assert!(!serde_json::to_string(&read).unwrap().contains("air_strike"));

    for (body, field) in [
        (json!({"seq": seq, "pointer": "/actor/nobody"}), "pointer"),
        (
            json!({"seq": 999_999, "pointer": "/command/submit_activity/label"}),
            "seq",
        ),
    ] {
        let problem = h
            .post("/v1/log/reveal", "coalition/operator", body)
            .await
            .json();
        assert_eq!(problem["status"], 422, "{problem}");
        assert_eq!(problem["field"], field, "{problem}");
    }
}
