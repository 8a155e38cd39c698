//! `deconflict serve --store postgresql://…`: several processes serving one
//! log. A node killed with SIGKILL under load loses nothing it acknowledged,
//! and clients that retry on another node go on.

use crate::{Server, bin, http, ok};
use deconflict_pgtest::TempPostgres;
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

/// A patrol `n` kilometres along a road, tomorrow.
fn patrol(n: usize) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let start = i64::try_from(now.as_millis()).unwrap() + 24 * 3_600_000;
    let time = deconflict_server::time::format;
    format!(
        r#"{{"kind":"patrol","label":"patrol {n}","geometry":{{"type":"Point","coordinates":[{},33.6]}},"buffer_m":200,"start":"{}","end":"{}"}}"#,
        44.0 + n as f64 * 0.01,
        time(start),
        time(start + 3_600_000)
    )
}

#[test]
fn a_node_killed_under_load_loses_nothing_it_acknowledged() {
    let url = TempPostgres::shared().fresh_database();
    ok(&["party", "add", "joc", "--coordinator", "--store", &url]);
    ok(&["party", "add", "isf", "--store", &url]);
    let token = |party: &str, role: &str| {
        let out = ok(&[
            "token", "create", "--party", party, "--role", role, "--store", &url,
        ]);
        out.trim().to_owned()
    };
    let (operator, viewer) = (token("isf", "operator"), token("joc", "viewer"));
    let (_a_dir, mut a) = node(&url);
    let (_b_dir, b) = node(&url);
    let (a_addr, b_addr) = (a.addr.clone(), b.addr.clone());
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let clients: Vec<_> = (0..4)
        .map(|client| {
            let (a_addr, b_addr) = (a_addr.clone(), b_addr.clone());
            let (operator, acknowledged) = (operator.clone(), acknowledged.clone());
            std::thread::spawn(move || {
                for i in 0..30 {
                    let body = patrol(client * 100 + i);
                    let submit = |addr: &str| {
                        http(addr, "POST", "/v1/activities", Some(&operator), Some(&body))
                    };
                    // Node a first; when it does not answer, node b.
                    let (status, answer) = submit(&a_addr)
                        .or_else(|_| submit(&b_addr))
                        .expect("one node answers");
                    assert_eq!(status, 201, "{answer}");
                    let id = answer.split("\"id\":\"").nth(1).unwrap();
                    let id = id.split('"').next().unwrap().to_owned();
                    acknowledged.lock().unwrap().push(id);
                }
            })
        })
        .collect();
    while acknowledged.lock().unwrap().len() < 30 {
        std::thread::sleep(Duration::from_millis(5));
    }
    a.kill9();
    for client in clients {
        client.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert_eq!(acknowledged.len(), 120);
    let (status, listed) = b.call("GET", "/v1/activities?limit=1000", Some(&viewer), None);
    assert_eq!(status, 200, "{listed}");
    for id in &acknowledged {
        assert_eq!(
            listed.matches(&format!("\"id\":\"{id}\"")).count(),
            1,
            "{id} was acknowledged"
        );
    }
    // A node started after the kill serves the same log.
    let (_c_dir, c) = node(&url);
    let (status, again) = c.call("GET", "/v1/activities?limit=1000", Some(&viewer), None);
    assert_eq!((status, again.len()), (200, listed.len()));
}
