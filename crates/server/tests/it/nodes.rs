//! Several nodes on one PostgreSQL log: commands decided on different nodes
//! at the same moment still meet each other, every node serves the whole
//! log, and one node at a time leads.

use crate::log::{checkpoint, hashes, log_key};
use crate::{Harness, activity, config, issue_tokens};
use deconflict_ledger::verify_consistency;
use deconflict_pgtest::TempPostgres;
use deconflict_store::{Directory, Location};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// `n` nodes on a fresh database of the shared PostgreSQL.
fn cluster(n: usize) -> (Location, Vec<Harness>) {
    cluster_with(n, &config())
}

/// [`cluster`], each node configured so.
fn cluster_with(n: usize, config: &deconflict_server::Config) -> (Location, Vec<Harness>) {
    let store = Location::parse(&TempPostgres::shared().fresh_database()).unwrap();
    let tokens = issue_tokens(&mut Directory::open_at(&store).unwrap());
    let nodes = (0..n)
        .map(|_| Harness::node(&store, config.clone(), &tokens))
        .collect();
    (store, nodes)
}

/// Activities of three parties around one town, many of them overlapping:
/// a fixed pseudo-random draw, so a failure can be replayed.
fn plans() -> Vec<(&'static str, Value)> {
    let mut seed: u64 = 0x5eed_1e55;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as f64 / f64::from(1u32 << 31)
    };
    let parties = ["coalition", "isf", "pmf"];
    (0..36)
        .map(|i| {
            let party = parties[i % 3];
            let (lon, lat) = (43.60 + 0.08 * next(), 34.50 + 0.08 * next());
            let start = 1.0 + 4.0 * next();
            let body = activity(
                "patrol",
                &format!("{party} patrol {i}"),
                lon,
                lat,
                500.0 + 1500.0 * next(),
                start,
                start + 1.0 + 2.0 * next(),
            );
            (party, body)
        })
        .collect()
}

/// Every conflict between two activities, as the pair of their labels, as
/// the coordinator reads them on `node`.
async fn conflicting_pairs(node: &Harness) -> BTreeSet<(String, String)> {
    let activities = node.get("/v1/activities?limit=1000", "joc/viewer").await;
    let labels: BTreeMap<String, String> = activities.expect(200).json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_owned(),
                a["label"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let conflicts = node.get("/v1/conflicts?limit=1000", "joc/viewer").await;
    conflicts.expect(200).json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let label =
                |side: usize| labels[c["sides"][side]["object"]["id"].as_str().unwrap()].clone();
            let (a, b) = (label(0), label(1));
            if a < b { (a, b) } else { (b, a) }
        })
        .collect()
}

/// Waits until `node` has applied entry `seq`.
pub(crate) async fn caught_up(node: &Harness, seq: u64) {
    for _ in 0..200 {
        let state = node.get("/v1/state", "joc/viewer").await.json();
        if state["seq"].as_u64() >= Some(seq) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the node never applied entry {seq}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_decided_on_three_nodes_at_once_find_every_conflict() {
    let (_, nodes) = cluster(3);
    let nodes = Arc::new(nodes);
    let mut submitted = tokio::task::JoinSet::new();
    for (i, (party, body)) in plans().into_iter().enumerate() {
        let nodes = nodes.clone();
        submitted.spawn(async move {
            let reply = nodes[i % 3]
                .post("/v1/activities", &format!("{party}/operator"), body)
                .await;
            reply.expect(201).json()["id"].as_str().unwrap().to_owned()
        });
    }
    let mut ids = BTreeSet::new();
    while let Some(id) = submitted.join_next().await {
        ids.insert(id.unwrap());
    }
    assert_eq!(ids.len(), 36, "every submission is its own activity");
    // One node alone, the same activities one after another: the exact
    // rule's answer.
    let alone = Harness::new();
    for (party, body) in plans() {
        alone
            .post("/v1/activities", &format!("{party}/operator"), body)
            .await
            .expect(201);
    }
    let expected = conflicting_pairs(&alone).await;
    assert!(expected.len() > 10, "the draw overlaps: {}", expected.len());
    for node in nodes.iter() {
        caught_up(node, 36).await;
        assert_eq!(conflicting_pairs(node).await, expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_written_on_one_node_is_read_and_streamed_on_another() {
    let (_, nodes) = cluster(2);
    let body = activity(
        "patrol",
        "ISF patrol, Tarmiyah",
        44.39,
        33.67,
        800.0,
        1.0,
        3.0,
    );
    let id = nodes[0]
        .post("/v1/activities", "isf/operator", body)
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    caught_up(&nodes[1], 1).await;
    let seen = nodes[1]
        .get(&format!("/v1/activities/{id}"), "isf/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(seen["label"], "ISF patrol, Tarmiyah");
    // The other party still sees nothing of it there.
    nodes[1]
        .get(&format!("/v1/activities/{id}"), "pmf/viewer")
        .await
        .problem(404, "not_found");
}

/// Whether `node` leads, asked as the service asks it.
async fn leads(node: &Harness) -> bool {
    node.state.leading().await
}

/// Waits until `node` leads.
async fn takes_the_lead(node: &Harness) {
    for _ in 0..50 {
        if leads(node).await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no node took the lead");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_node_leads_and_another_takes_over_when_it_goes() {
    let (_, mut nodes) = cluster(2);
    let first = leads(&nodes[0]).await;
    let second = leads(&nodes[1]).await;
    assert!(first && !second, "exactly one leads: {first} {second}");
    drop(nodes.remove(0));
    takes_the_lead(&nodes[0]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_witness_follows_the_log_across_a_change_of_signing_node() {
    let (_, mut nodes) = cluster(2);
    assert!(leads(&nodes[0]).await);
    let gate = |label: &str| crate::declaration("checkpoint", label, 44.2775, 33.5294, 300.0);
    nodes[0]
        .post("/v1/declarations", "isf/operator", gate("Camp Taji gate"))
        .await
        .expect(201);
    let key = log_key(&nodes[0]).await;
    let first = checkpoint(&nodes[0], &key).await;
    drop(nodes.remove(0));
    let node = &nodes[0];
    takes_the_lead(node).await;
    node.post(
        "/v1/declarations",
        "isf/operator",
        gate("Camp Taji east gate"),
    )
    .await
    .expect(201);
    // The same log, the same key, whichever node signs.
    assert_eq!(log_key(node).await.to_string(), key.to_string());
    let second = checkpoint(node, &key).await;
    let (from, to) = (first.checkpoint().size(), second.checkpoint().size());
    assert!(to > from);
    let proof = node
        .get(
            &format!("/v1/log/proof/consistency?from={from}&to={to}"),
            "isf/viewer",
        )
        .await
        .expect(200)
        .json();
    verify_consistency(
        from,
        to,
        &hashes(&proof),
        first.checkpoint().root(),
        second.checkpoint().root(),
    )
    .unwrap();
    let again = node
        .get(&format!("/v1/log/checkpoint?size={from}"), "isf/viewer")
        .await
        .expect(200);
    assert_eq!(again.text(), first.to_string());
}

/// Declarations of the PMF, one after another, on the nodes in turn, until
/// its quota stops them: how many it got in.
async fn declarations_until_the_quota(nodes: &[&Harness]) -> usize {
    for n in 0..200 {
        let body = crate::declaration("checkpoint", &format!("post {n}"), 44.0, 34.0, 10.0);
        let reply = nodes[n % nodes.len()]
            .post("/v1/declarations", "pmf/operator", body)
            .await;
        if reply.status == 429 {
            reply.problem(429, "quota_exceeded");
            return n;
        }
        reply.expect(201);
    }
    panic!("the quota never stopped the PMF");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_party_spreading_its_writes_over_the_nodes_has_one_quota_not_one_a_node() {
    let config = deconflict_server::Config {
        party_log_bytes_per_day: Some(4_000),
        ..config()
    };
    let alone = Harness::with_config(config.clone());
    let on_one = declarations_until_the_quota(&[&alone]).await;
    let (_, nodes) = cluster_with(2, &config);
    let spread = declarations_until_the_quota(&[&nodes[0], &nodes[1]]).await;
    assert!(on_one >= 3, "the quota holds a few declarations: {on_one}");
    assert!(
        spread <= on_one + 1,
        "spread over two nodes the PMF wrote {spread} declarations, one node took {on_one}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_reporting_through_two_nodes_keeps_one_pace() {
    let config = deconflict_server::Config {
        unit_report_backlog: Some(std::time::Duration::from_secs(60)),
        ..config()
    };
    let (_, nodes) = cluster_with(2, &config);
    // Every 30 s, a minute's backlog: ten reports at once, no more.
    let unit = crate::flooding::paced_unit(&nodes[0]).await;
    let at = (43.68, 34.6);
    let reports = |n| crate::flooding::reports(&unit, at, n);
    nodes[0]
        .post("/v1/tracks", "pmf/operator", reports(6))
        .await
        .expect(200);
    let problem = nodes[1]
        .post("/v1/tracks", "pmf/operator", reports(6))
        .await
        .problem(429, "reports_too_fast");
    assert_eq!(problem["field"], "reports[4].declaration_id", "{problem}");
    nodes[1]
        .post("/v1/tracks", "pmf/operator", reports(4))
        .await
        .expect(200);
}
