//! A restart rebuilds the state from the log, identically; `as_of` replays
//! the same log to any earlier point.

use crate::{Harness, config};
use deconflict_model::{Entry, Policy, State};

#[tokio::test]
async fn a_restart_rebuilds_the_same_state() {
    let h = Harness::demo().await;
    // The PMF's first read records deliveries; read once so the log settles.
    h.get("/v1/state", "pmf/viewer").await.expect(200);
    let views = [
        "joc/viewer",
        "coalition/viewer",
        "pmf/viewer",
        "ocha/viewer",
    ];
    let mut before = Vec::new();
    for who in views {
        before.push(h.get("/v1/state", who).await.expect(200).body);
    }
    let head = h.metric("deconflict_log_entries").await;

    let h = h.restart(config());
    assert_eq!(h.metric("deconflict_log_entries").await, head);
    for (who, before) in views.iter().zip(before) {
        let after = h.get("/v1/state", who).await.expect(200).body;
        assert_eq!(
            String::from_utf8(after).unwrap(),
            String::from_utf8(before).unwrap(),
            "{who}"
        );
    }
    // The service goes on where it stopped.
    let body = crate::declaration("base", "after restart", 44.0, 33.0, 10.0);
    h.post("/v1/declarations", "isf/operator", body)
        .await
        .expect(201);
}

#[tokio::test]
async fn the_log_is_whole_and_replays_to_every_as_of() {
    let h = Harness::demo().await;
    let head = h.metric("deconflict_log_entries").await;
    let log = deconflict_store::Log::open_at(&h.store).unwrap();
    let stored = log.read(1, usize::MAX).unwrap();
    assert_eq!(stored.len() as u64, head);
    let entries: Vec<Entry> = stored
        .iter()
        .enumerate()
        .map(|(i, s)| {
            assert_eq!(s.seq, i as u64 + 1);
            let e = Entry::decode(&s.body).unwrap();
            assert_eq!(e.seq, s.seq);
            e
        })
        .collect();
    for n in [1, head / 3, head / 2, head] {
        let replayed = State::replay(Policy::default(), &entries[..n as usize]).unwrap();
        let joc = h.actor("joc", deconflict_model::Role::Viewer);
        let view = h
            .get(&format!("/v1/state?as_of={n}"), "joc/viewer")
            .await
            .expect(200)
            .json();
        let expected = replayed.view(&joc);
        assert_eq!(view["seq"], n);
        assert_eq!(
            view["declarations"].as_array().unwrap().len(),
            expected.declarations.len()
        );
        assert_eq!(
            view["activities"].as_array().unwrap().len(),
            expected.activities.len()
        );
        assert_eq!(
            view["conflicts"].as_array().unwrap().len(),
            expected.conflicts.len()
        );
        // Times: as_of the time of entry n is the same as as_of n.
        let time = deconflict_server::time::format(entries[n as usize - 1].time_ms);
        let by_time = h
            .get(&format!("/v1/state?as_of={time}"), "joc/viewer")
            .await
            .json();
        assert!(by_time["seq"].as_u64().unwrap() >= n);
    }
}

/// A data directory written by a build of entry format 1, whose leaves
/// showed who did what, is refused at start-up with what to do.
#[tokio::test]
async fn a_log_of_the_old_format_is_refused_saying_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let body = br#"{"v":1,"seq":1,"time_ms":1578182400000,"actor":{"party":"pmf","role":"operator","credential_id":"c","coordinator":false},"command":{"withdraw":{"id":"decl_000000000001"}},"outcome":{}}"#;
    // Written as an older build would have: the store takes opaque bytes.
    tokio::task::spawn_blocking(move || {
        let log = deconflict_store::Log::open(&path).unwrap();
        log.submit(deconflict_store::Entry {
            seq: 1,
            time_ms: 1_578_182_400_000,
            body: body.to_vec(),
            leaf: None,
        })
        .wait()
        .unwrap();
    })
    .await
    .unwrap();
    let message = match deconflict_server::AppState::open(dir.path(), config()) {
        Err(error) => error.to_string(),
        Ok(_) => panic!("a log of format 1 started"),
    };
    for words in ["entry format 1", "format 2", "new data directory", "--data"] {
        assert!(message.contains(words), "{message}");
    }
    // A fresh directory, or one of the current format, starts.
    let fresh = tempfile::tempdir().unwrap();
    deconflict_server::AppState::open(fresh.path(), config()).unwrap();
}

/// A data directory written by a build of entry format 2 (before rules and
/// stops) starts and serves its history: each entry keeps the bytes it was
/// written with, and the new commands append after them.
#[tokio::test]
async fn a_log_of_entry_format_2_starts_and_grows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let golden = include_str!("../../../record/tests/golden/entries-v2-leaf-v2.jsonl");
    let bodies: Vec<(i64, Vec<u8>)> = golden
        .lines()
        .map(|line| {
            let line: serde_json::Value = serde_json::from_str(line).unwrap();
            let body = line["body"].as_str().unwrap().as_bytes().to_vec();
            let entry: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(entry["v"], 2);
            (entry["time_ms"].as_i64().unwrap(), body)
        })
        .collect();
    let count = bodies.len() as u64;
    tokio::task::spawn_blocking(move || {
        let log = deconflict_store::Log::open(&path).unwrap();
        for (seq, (time_ms, body)) in (1..).zip(bodies) {
            log.submit(deconflict_store::Entry {
                seq,
                time_ms,
                body,
                leaf: None,
            })
            .wait()
            .unwrap();
        }
    })
    .await
    .unwrap();
    let state = deconflict_server::AppState::open(dir.path(), config()).unwrap();
    assert_eq!(state.read(|s| s.seq()).await.unwrap(), Some(count));
    let approver =
        deconflict_model::Actor::new("joc", deconflict_model::Role::Approver, "cred", true);
    let rule: deconflict_model::Command = serde_json::from_value(serde_json::json!({
        "set_rule": {"spec": {"name": "mandate", "parties": ["coalition"],
            "rule": {"type": "forbid", "kinds": ["ground_operation"]}, "from_ms": 0},
            "reason": "advise and assist"}
    }))
    .unwrap();
    let seq = state
        .execute(&approver, rule, |_, entry| entry.seq)
        .await
        .unwrap();
    assert_eq!(seq, count + 1);
    drop(state);
    let reopened = deconflict_server::AppState::open(dir.path(), config()).unwrap();
    let rules = reopened.read(|s| s.rules(&approver).len()).await.unwrap();
    assert_eq!(rules, 1);
}
