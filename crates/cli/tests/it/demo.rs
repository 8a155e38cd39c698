//! `deconflict demo`, as a newcomer starts it.

use crate::{Server, bin, ok};

/// `deconflict demo --listen 127.0.0.1:0 EXTRA`, once it has printed the tokens.
/// CoT over TLS is off: with a certificate in EXTRA it would take its fixed
/// default port.
pub(crate) fn demo(extra: &[&str]) -> Server {
    let mut command = bin();
    command
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--cot-listen",
            "127.0.0.1:0",
            "--cot-tls-listen",
            "off",
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

/// The metrics token the demo made and printed.
pub(crate) fn metrics_token(banner: &str) -> String {
    banner
        .lines()
        .find_map(|line| line.trim().strip_prefix("export DCF_METRICS="))
        .unwrap_or_else(|| panic!("no metrics token in\n{banner}"))
        .to_owned()
}

/// The number of entries in the log, as `/metrics` tells the operator.
pub(crate) fn log_entries(server: &Server, metrics_token: &str) -> u64 {
    let (status, metrics) = server.call("GET", "/metrics", Some(metrics_token), None);
    assert_eq!(status, 200, "{metrics}");
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("deconflict_log_entries "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no log entries in\n{metrics}"))
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
fn the_demo_prints_a_metrics_token_that_only_the_operator_holds() {
    let server = demo(&[]);
    let banner = &server.banner;
    let metrics = metrics_token(banner);
    assert_eq!(metrics.len(), 64, "{banner}");
    assert!(
        banner.contains(&format!(
            "{}/metrics with the operator's token {metrics}",
            server.addr
        )),
        "{banner}"
    );
    assert!(log_entries(&server, &metrics) > 0);
    let pmf = token(banner, "pmf", "operator");
    let joc = token(banner, "joc", "approver");
    for refused in [None, Some(pmf.as_str()), Some(joc.as_str())] {
        let (status, body) = server.call("GET", "/metrics", refused, None);
        assert_eq!(status, 404, "{body}");
    }
    // A token configured for the demo is used, and not printed.
    let configured = "c".repeat(40);
    let server = demo(&["--metrics-token", &configured]);
    assert!(!server.banner.contains(&configured), "{}", server.banner);
    assert!(!server.banner.contains("DCF_METRICS"), "{}", server.banner);
    assert!(log_entries(&server, &configured) > 0);
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
    let metrics = "m".repeat(32);
    let mut server = demo(&[
        "--data",
        data.to_str().unwrap(),
        "--metrics-token",
        &metrics,
    ]);
    let entries = log_entries(&server, &metrics);
    server.kill9();
    let server = Server::serve(&data, &["--metrics-token", &metrics]);
    assert_eq!(log_entries(&server, &metrics), entries);
}
