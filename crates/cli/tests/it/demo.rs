//! `deconflict demo`, as a newcomer starts it.

use crate::{Server, bin, ok};

/// `deconflict demo --listen 127.0.0.1:0 EXTRA`, once it has printed the tokens.
pub(crate) fn demo(extra: &[&str]) -> Server {
    let mut command = bin();
    command
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--cot-listen",
            "127.0.0.1:0",
        ])
        .args(extra);
    Server::start(command, "Ctrl-C stops the service")
}

/// The token the demo printed for `party role`.
pub(crate) fn token(banner: &str, party: &str, role: &str) -> String {
    banner
        .lines()
        .find_map(|line| {
            let cols: Vec<_> = line.split_whitespace().collect();
            (cols.len() == 3 && cols[0] == party && cols[1] == role).then(|| cols[2].to_owned())
        })
        .unwrap_or_else(|| panic!("no {party} {role} token in\n{banner}"))
}

#[test]
fn the_demo_serves_the_scenario_and_prints_a_token_per_party_and_role() {
    let server = demo(&[]);
    let banner = &server.banner;
    assert!(
        banner.contains(&format!("url:      http://{}", server.addr)),
        "{banner}"
    );
    let tokens = banner.lines().filter(|l| l.contains(" dcf_")).count();
    assert_eq!(
        tokens,
        6 * 3 + 1,
        "viewer, operator and auditor each, approver for joc\n{banner}"
    );
    for party in ["joc", "coalition", "isf", "pmf", "peshmerga", "ocha"] {
        token(banner, party, "viewer");
    }
    assert!(!banner.contains("coalition   approver"), "{banner}");

    let pmf = token(banner, "pmf", "viewer");
    let (status, body) = server.call("GET", "/v1/conflicts", Some(&pmf), None);
    assert_eq!(status, 200, "{body}");
    let conflicts: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(conflicts["items"].as_array().unwrap().len(), 3, "{body}");
    let coalition = token(banner, "coalition", "viewer");
    let (_, body) = server.call("GET", "/v1/activities?state=held", Some(&coalition), None);
    assert!(
        body.contains("north-east of Balad"),
        "the Balad strike is held: {body}"
    );
    let (_, body) = server.call(
        "GET",
        "/v1/activities?state=cleared",
        Some(&coalition),
        None,
    );
    assert!(
        body.contains("al-Qaim"),
        "the al-Qaim survey is cleared: {body}"
    );
}

#[test]
fn the_demo_wants_a_fresh_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    ok(&["party", "add", "joc", "--coordinator", "--data", data]);
    let out = bin()
        .args(["demo", "--data", data, "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already holds a deconflict database"), "{err}");
}

#[test]
fn a_demo_data_directory_is_kept_and_serves_again() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let mut server = demo(&["--data", data.to_str().unwrap()]);
    let (_, health) = server.call("GET", "/healthz", None, None);
    server.kill9();
    let server = Server::serve(&data, &[]);
    let (_, again) = server.call("GET", "/healthz", None, None);
    assert_eq!(health, again);
}
