//! A stock TAK client joins as TAK clients join a TAK server: pytak enrols
//! for a client certificate at the service's address with a user name and
//! its party's token as the password, then reports its positions over
//! Cursor-on-Target on TLS by that certificate alone, and draws what comes
//! back: its party's picture, nothing private of another party's.

use crate::demo::token;
use crate::tls::{Cert, tls_client};
use crate::{Server, bin, exchange, in_hours};
use serde_json::{Value, json};
use std::process::Command;
use std::time::{Duration, Instant};

/// Where the PMF company starts, and where it drives to (west of ar-Rutba,
/// where the demo has nobody).
const START: (f64, f64) = (40.2860, 33.0350);
const GATE: (f64, f64) = (40.2900, 33.0350);

/// `deconflict demo` on HTTPS, with Cursor-on-Target on TLS only.
fn tls_demo(cert: &Cert) -> Server {
    let mut command = bin();
    command
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--cot-listen",
            "off",
            "--cot-tls-listen",
            "127.0.0.1:0",
        ])
        .args(cert.flags());
    Server::start(command, "Ctrl-C stops the service")
}

/// A call to the API over HTTPS, trusting the demo's certificate.
fn call(
    server: &Server,
    cert: &Cert,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Value {
    let body = body.map(|b| b.to_string());
    let stream = tls_client(&server.addr, &cert.der).unwrap();
    let (status, text) = exchange(
        stream,
        &server.addr,
        method,
        path,
        Some(token),
        body.as_deref(),
    )
    .unwrap();
    assert!(status < 300, "{method} {path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

#[test]
fn pytak_enrols_with_a_token_then_reports_by_certificate_and_draws_its_partys_picture() {
    let dir = tempfile::tempdir().unwrap();
    let cert = Cert::new(dir.path(), "service");
    let server = tls_demo(&cert);
    let cot = server
        .banner
        .lines()
        .find_map(|l| l.trim().strip_prefix("cot:").map(str::trim))
        .unwrap_or_else(|| panic!("no cot: line in {}", server.banner));
    let port = cot.rsplit_once(':').unwrap().1;
    let pmf = token(&server.banner, "pmf", "operator");
    let unit = call(
        &server,
        &cert,
        "POST",
        "/v1/declarations",
        &pmf,
        Some(json!({
            "kind": "unit_position", "label": "PMF 3rd company",
            "geometry": {"type": "Point", "coordinates": [START.0, START.1]},
            "buffer_m": 200, "valid_from": in_hours(-1.0),
            "tracking": {"report_interval_s": 30, "cot_uid": "PYTAK-CERT-3"}
        })),
    )["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/pytak/enrol_and_report.py"
    );
    let enrolment_port = server.addr.rsplit_once(':').unwrap().1;
    let points = [(GATE.0 - 0.002, GATE.1), GATE].map(|(lon, lat)| format!("{lat},{lon}"));
    let ran = Command::new("python3")
        .arg(script)
        .arg(format!("tls://localhost:{port}"))
        .arg(enrolment_port)
        .arg("pmf-3-radio")
        .arg(&pmf)
        .arg("PYTAK-CERT-3")
        .args(&points)
        .output()
        .expect("python3 runs");
    let received = String::from_utf8_lossy(&ran.stdout).into_owned();
    assert!(
        ran.status.success(),
        "pytak: {}\n{received}",
        String::from_utf8_lossy(&ran.stderr)
    );

    // Reported by certificate: the unit is where the device last said.
    let viewer = token(&server.banner, "pmf", "viewer");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let seen = call(
            &server,
            &cert,
            "GET",
            &format!("/v1/declarations/{unit}"),
            &viewer,
            None,
        );
        if seen["track"]["lat"] == GATE.1 && seen["track"]["lon"] == GATE.0 {
            break;
        }
        assert!(Instant::now() < deadline, "the unit did not move: {seen}");
        std::thread::sleep(Duration::from_millis(50));
    }

    // What the device drew: its own units as friendly ground units, others'
    // public sites as neutral, nothing private of another party's.
    let event = |needle: &str| {
        received
            .lines()
            .find(|e| e.contains(needle))
            .unwrap_or_else(|| panic!("no {needle} in {received}"))
    };
    assert!(event("PMF brigade position north-east of Balad").contains("type=\"a-f-G-U-C\""));
    assert!(event("US Embassy Baghdad").contains("type=\"a-n-G-I\""));
    for private in [
        "Al Asad",
        "Camp Taji",
        "Erbil Air Base",
        "Border survey",
        "Qayyarah",
    ] {
        assert!(
            !received.contains(private),
            "{private} sent to the PMF's device"
        );
    }
}
