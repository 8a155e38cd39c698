//! `deconflict serve --store postgresql://…`: several processes serving one
//! log. Nodes killed with SIGKILL under conflicting load lose nothing they
//! acknowledged, clients that retry on another node go on, and every conflict
//! between what the log holds is found, whatever node decided each side.

use crate::{Server, bin, http, ok};
use deconflict_pgtest::TempPostgres;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A node on the log at `url`, with a data directory of its own.
fn node(url: &str) -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = bin();
    command
        .args(["serve", "--store", url])
        .args(["--data", dir.path().to_str().unwrap()])
        .args(["--listen", "127.0.0.1:0"])
        .args(["--cot-listen", "off", "--cot-tls-listen", "off"])
        .env("DECONFLICT_RATE_LIMIT_PER_S", "0");
    (dir, Server::start(command, "deconflict: serving"))
}

/// Where patrols go: ten places about a kilometre apart, so that two patrols
/// (200 m each) meet exactly when they are at the same place.
const PLACES: usize = 10;

/// Patrol `n` of a client, tomorrow, at place `n % PLACES`.
fn patrol(label: &str, n: usize) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let start = i64::try_from(now.as_millis()).unwrap() + 24 * 3_600_000;
    let time = deconflict_server::time::format;
    format!(
        r#"{{"kind":"patrol","label":"{label}","geometry":{{"type":"Point","coordinates":[{},33.6]}},"buffer_m":200,"start":"{}","end":"{}"}}"#,
        44.0 + (n % PLACES) as f64 * 0.01,
        time(start),
        time(start + 3_600_000)
    )
}

/// The place of a patrol, from its label (`<party> <client> <n>`).
fn place(label: &str) -> usize {
    label.rsplit(' ').next().unwrap().parse::<usize>().unwrap() % PLACES
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn nodes_killed_under_conflicting_load_lose_nothing_acknowledged_and_miss_no_conflict() {
    let url = TempPostgres::shared().fresh_database();
    ok(&["party", "add", "joc", "--coordinator", "--store", &url]);
    ok(&["party", "add", "isf", "--store", &url]);
    ok(&["party", "add", "pmf", "--store", &url]);
    let token = |party: &str, role: &str| {
        let out = ok(&[
            "token", "create", "--party", party, "--role", role, "--store", &url,
        ]);
        out.trim().to_owned()
    };
    let operators = [token("isf", "operator"), token("pmf", "operator")];
    let viewer = token("joc", "viewer");
    let mut nodes: Vec<_> = (0..3).map(|_| node(&url)).collect();
    let addrs: Vec<String> = nodes.iter().map(|(_, n)| n.addr.clone()).collect();
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    // Six clients, three of each party, each starting on a node of its own
    // and moving to the next when its node does not answer.
    let clients: Vec<_> = (0..6)
        .map(|client| {
            let (addrs, acknowledged) = (addrs.clone(), acknowledged.clone());
            let operator = operators[client % 2].clone();
            let party = ["isf", "pmf"][client % 2];
            std::thread::spawn(move || {
                for n in 0..20 {
                    let body = patrol(&format!("{party} {client} {n}"), n);
                    let answer = (0..addrs.len())
                        .map(|k| &addrs[(client + k) % addrs.len()])
                        .find_map(|addr| {
                            http(addr, "POST", "/v1/activities", Some(&operator), Some(&body))
                                .ok()
                                .filter(|(status, _)| *status == 201)
                        });
                    let (_, answer) = answer.expect("a node takes the patrol");
                    let id = json(&answer)["id"].as_str().unwrap().to_owned();
                    acknowledged.lock().unwrap().push(id);
                }
            })
        })
        .collect();
    // Two of the three nodes die under the load, one after the other.
    for (killed, after) in [(0, 30), (1, 70)] {
        while acknowledged.lock().unwrap().len() < after {
            std::thread::sleep(Duration::from_millis(5));
        }
        nodes[killed].1.kill9();
    }
    for client in clients {
        client.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert_eq!(acknowledged.len(), 120);
    let survivor = &nodes[2].1;
    let (status, listed) = survivor.call("GET", "/v1/activities?limit=1000", Some(&viewer), None);
    assert_eq!(status, 200, "{listed}");
    let listed = json(&listed);
    let activities: BTreeMap<String, (String, String)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let field = |name: &str| a[name].as_str().unwrap().to_owned();
            (field("id"), (field("owner"), field("label")))
        })
        .collect();
    for id in &acknowledged {
        assert!(activities.contains_key(id), "{id} was acknowledged");
    }
    // The exact rule: two patrols of different parties meet when they are at
    // the same place (a commit whose answer was lost to a kill may have left
    // a patrol no client heard of: it is in the log, and meets like any).
    let mut expected = BTreeSet::new();
    for (a, (owner_a, label_a)) in &activities {
        for (b, (owner_b, label_b)) in &activities {
            if a < b && owner_a != owner_b && place(label_a) == place(label_b) {
                expected.insert((a.clone(), b.clone()));
            }
        }
    }
    let (status, conflicts) = survivor.call("GET", "/v1/conflicts?limit=1000", Some(&viewer), None);
    assert_eq!(status, 200, "{conflicts}");
    let found: BTreeSet<(String, String)> = json(&conflicts)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let side = |i: usize| c["sides"][i]["object"]["id"].as_str().unwrap().to_owned();
            let (a, b) = (side(0), side(1));
            if a < b { (a, b) } else { (b, a) }
        })
        .collect();
    assert_eq!(found, expected, "every conflict, and only those");
    // A node started after the kills serves the same log.
    let (_dir, again) = node(&url);
    let (status, relisted) = again.call("GET", "/v1/activities?limit=1000", Some(&viewer), None);
    assert_eq!(status, 200);
    assert_eq!(json(&relisted)["items"], listed["items"]);
}
