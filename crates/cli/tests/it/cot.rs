//! Cursor-on-Target, end to end: a real TAK client library (pytak) streams a
//! unit's positions into the demo; the unit moves, the alert reaches the
//! event streams of those who may know, and no one else's.

use crate::demo::{demo, metrics_token, token};
use crate::{Server, connect, in_hours};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// West of ar-Rutba, where the demo scenario has nobody: a well, a truck
/// park 400 m from it, and a camp 30 km off.
const GATE: (f64, f64) = (40.2900, 33.0350);
const TRUCK_PARK: (f64, f64) = (40.2938, 33.0365);
const TIKRIT: (f64, f64) = (40.5000, 33.2000);

/// The Cursor-on-Target address the demo printed (`tcp://...`).
fn cot_url(banner: &str) -> String {
    banner
        .lines()
        .find_map(|l| l.trim().strip_prefix("cot:").map(|u| u.trim().to_owned()))
        .unwrap_or_else(|| panic!("no cot: line in\n{banner}"))
}

fn call(server: &Server, method: &str, path: &str, token: &str, body: Option<Value>) -> Value {
    let body = body.map(|b| b.to_string());
    let (status, text) = server.call(method, path, Some(token), body.as_deref());
    assert!(status < 300, "{method} {path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// What an event stream has sent so far, read on a thread of its own.
struct Stream(Arc<Mutex<String>>);

impl Stream {
    fn open(server: &Server, token: &str) -> Stream {
        let mut stream = connect(&server.addr).unwrap();
        write!(
            stream,
            "GET /v1/events HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\r\n",
            server.addr
        )
        .unwrap();
        let seen = Arc::new(Mutex::new(String::new()));
        let sink = seen.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        Stream(seen)
    }

    fn text(&self) -> String {
        self.0.lock().unwrap().clone()
    }

    fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            let text = self.text();
            if text.contains(needle) {
                return text;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("no {needle:?} on the stream:\n{}", self.text());
    }
}

/// The demo, with a PMF company that reports under a CoT uid near Tikrit
/// and a coalition strike on the truck park cleared by the JOC.
fn scene(uid: &str) -> (Server, String, String) {
    let server = demo(&[]);
    let pmf = token(&server.banner, "pmf", "operator");
    let coalition = token(&server.banner, "coalition", "operator");
    let joc = token(&server.banner, "joc", "approver");
    let unit = call(
        &server,
        "POST",
        "/v1/declarations",
        &pmf,
        Some(json!({
            "kind": "unit_position", "label": "PMF 3rd company",
            "geometry": {"type": "Point", "coordinates": [TIKRIT.0, TIKRIT.1]},
            "buffer_m": 200, "valid_from": in_hours(-1.0),
            "tracking": {"report_interval_s": 30, "cot_uid": uid}
        })),
    )["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let strike = call(
        &server,
        "POST",
        "/v1/activities",
        &coalition,
        Some(json!({
            "kind": "air_strike", "label": "Strike on the truck park",
            "geometry": {"type": "Point", "coordinates": [TRUCK_PARK.0, TRUCK_PARK.1]},
            "buffer_m": 800, "start": in_hours(1.0), "end": in_hours(2.0)
        })),
    )["id"]
        .as_str()
        .unwrap()
        .to_owned();
    call(
        &server,
        "POST",
        &format!("/v1/activities/{strike}/clear"),
        &joc,
        Some(json!({"reason": "nobody declared there"})),
    );
    (server, unit, strike)
}

/// Waits until the unit's track is at `at`, as its own party reads it.
fn wait_for_track(server: &Server, unit: &str, at: (f64, f64)) -> Value {
    let pmf = token(&server.banner, "pmf", "viewer");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let seen = call(
            server,
            "GET",
            &format!("/v1/declarations/{unit}"),
            &pmf,
            None,
        );
        if seen["track"]["lat"] == at.1 && seen["track"]["lon"] == at.0 {
            return seen;
        }
        assert!(Instant::now() < deadline, "the unit did not move: {seen}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn pytak_installed() -> bool {
    Command::new("python3")
        .args(["-c", "import pytak"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn pytak_positions_move_a_unit_and_alert_only_those_who_may_know() {
    assert!(
        pytak_installed(),
        "this test drives the service with pytak: `cargo xtask test` installs it \
         (or `python3 -m pip install pytak`)"
    );
    let (server, unit, strike) = scene("PYTAK-PMF-3");
    let pmf_stream = Stream::open(&server, &token(&server.banner, "pmf", "viewer"));
    let coalition_stream = Stream::open(&server, &token(&server.banner, "coalition", "viewer"));
    let isf_stream = Stream::open(&server, &token(&server.banner, "isf", "operator"));

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pytak/send_positions.py");
    // A drive up to the gate, 180 m between reports 0.3 s apart: within
    // what a unit may seem to move (its speed, the errors and the slack).
    let points = [(GATE.0 - 0.004, GATE.1), (GATE.0 - 0.002, GATE.1), GATE]
        .map(|(lon, lat)| format!("{lat},{lon}"));
    let sent = Command::new("python3")
        .arg(script)
        .arg(cot_url(&server.banner))
        .arg(token(&server.banner, "pmf", "operator"))
        .arg("PYTAK-PMF-3")
        .args(&points)
        .output()
        .expect("python3 runs");
    assert!(
        sent.status.success(),
        "pytak: {}",
        String::from_utf8_lossy(&sent.stderr)
    );

    let seen = wait_for_track(&server, &unit, GATE);
    assert_eq!(seen["track"]["ce_m"], 15.0);
    assert_eq!(seen["track"]["speed"], 4.0);

    let pmf = pmf_stream.wait_for("event: alert");
    for secret in [strike.as_str(), "truck park"] {
        assert!(!pmf.contains(secret), "the PMF learned {secret}:\n{pmf}");
    }
    let coalition = coalition_stream.wait_for("event: alert");
    for secret in [unit.as_str(), "3rd company", "PYTAK-PMF-3", "33.035"] {
        assert!(
            !coalition.contains(secret),
            "the coalition learned {secret}"
        );
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !isf_stream.text().contains("event:"),
        "the ISF has nothing there: {}",
        isf_stream.text()
    );
    let operator = metrics_token(&server.banner);
    let (_, metrics) = server.call("GET", "/metrics", Some(&operator), None);
    let positions = metrics
        .lines()
        .find_map(|l| l.strip_prefix("deconflict_cot_events_total{outcome=\"position\"} "))
        .and_then(|n| n.trim().parse::<u64>().ok());
    assert_eq!(positions, Some(3), "{metrics}");
}

/// Reads what the service writes back until `needle` appears.
fn read_until(stream: &mut std::net::TcpStream, needle: &str) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains(needle) {
        let n = stream.read(&mut buf).unwrap_or(0);
        assert!(
            n > 0,
            "closed before {needle:?}: {}",
            String::from_utf8_lossy(&got)
        );
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&got).into_owned()
}

fn position(uid: &str, at: (f64, f64), detail: &str) -> String {
    let now = deconflict_server::time::format(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    );
    format!(
        "<?xml version=\"1.0\"?>\n<event version=\"2.0\" uid=\"{uid}\" type=\"a-f-G-U-C\" how=\"m-g\" \
         time=\"{now}\" start=\"{now}\" stale=\"{now}\"><point lat=\"{}\" lon=\"{}\" hae=\"0\" \
         ce=\"10\" le=\"10\"/><detail>{detail}</detail></event>",
        at.1, at.0
    )
}

#[test]
fn a_tak_stream_is_kept_alive_survives_malformed_events_and_gets_its_alerts_back() {
    let (server, unit, _) = scene("ANDROID-RAW-1");
    let addr = cot_url(&server.banner)
        .trim_start_matches("tcp://")
        .to_owned();
    let mut tak = std::net::TcpStream::connect(&addr).unwrap();
    let pmf = token(&server.banner, "pmf", "operator");
    let now = "2026-01-01T00:00:00Z";
    let stream = [
        "garbage before any event\n".to_owned(),
        "<event uid=\"x\" type=\"a-f-G\"><point lat=\"NaN\"/></event>".to_owned(),
        "<!DOCTYPE lol [<!ENTITY a \"aaaa\">]><event>&a;</event>".to_owned(),
        format!(
            "<event version=\"2.0\" uid=\"ping-1\" type=\"t-x-c-t\" how=\"h-g-i-g-o\" time=\"{now}\" \
             start=\"{now}\" stale=\"{now}\"><point lat=\"0\" lon=\"0\" hae=\"0\" ce=\"9999999\" \
             le=\"9999999\"/><detail/></event>"
        ),
        position(
            "ANDROID-RAW-1",
            GATE,
            &format!("<__deconflict token=\"{pmf}\"/><contact callsign=\"PMF-3\"/>"),
        ),
        // A uid bound to no unit of the party is dropped, not the stream.
        position("SOMEONE-ELSE", TIKRIT, ""),
    ]
    .concat();
    // Split mid-event, as TCP may.
    let (a, b) = stream.split_at(stream.len() / 2);
    tak.write_all(a.as_bytes()).unwrap();
    tak.flush().unwrap();
    std::thread::sleep(Duration::from_millis(50));
    tak.write_all(b.as_bytes()).unwrap();

    let answered = read_until(&mut tak, "t-x-c-t-r");
    assert!(answered.contains("uid=\"ping-1\""), "{answered}");
    wait_for_track(&server, &unit, GATE);
    // The unit entered the cleared strike: the conflict's coarse area and
    // the alert come back drawn as areas, not points with a circle.
    let drawn = read_until(&mut tak, "deconflict alert:");
    let alert = drawn
        .split("<?xml")
        .find(|e| e.contains("deconflict alert:"))
        .unwrap();
    assert!(alert.contains("type=\"u-d-r\""), "{alert}");
    assert_eq!(alert.matches("<link point=").count(), 4, "{alert}");
    assert!(alert.contains("air_strike"), "{alert}");
    let area = drawn
        .split("<?xml")
        .find(|e| e.contains("uid=\"deconflict-conflict-con_"))
        .unwrap_or_else(|| panic!("no conflict area in {drawn}"));
    assert!(area.contains("type=\"u-d-r\""), "{area}");
    assert!(
        !area.contains("Strike"),
        "the strike's label is the coalition's: {area}"
    );

    let operator = metrics_token(&server.banner);
    let (_, metrics) = server.call("GET", "/metrics", Some(&operator), None);
    for (outcome, at_least) in [
        ("malformed", 2),
        ("ping", 1),
        ("position", 1),
        ("dropped", 1),
    ] {
        let n = metrics
            .lines()
            .find_map(|l| {
                l.strip_prefix(&format!(
                    "deconflict_cot_events_total{{outcome=\"{outcome}\"}} "
                ))
            })
            .and_then(|n| n.trim().parse::<u64>().ok())
            .unwrap_or(0);
        assert!(n >= at_least, "{outcome}: {n}\n{metrics}");
    }

    // A stranger's token closes the connection.
    let mut stranger = std::net::TcpStream::connect(&addr).unwrap();
    stranger
        .write_all(position("X", GATE, "<__deconflict token=\"dcf_nope\"/>").as_bytes())
        .unwrap();
    stranger
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut rest = Vec::new();
    assert!(stranger.read_to_end(&mut rest).is_ok_and(|n| n == 0));
}

/// Whether a ping on a new connection to `addr` is answered.
fn answers_a_ping(addr: &str) -> bool {
    let Ok(mut tak) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let ping = "<event version=\"2.0\" uid=\"alive\" type=\"t-x-c-t\" how=\"h-g-i-g-o\" \
        time=\"2026-01-01T00:00:00Z\" start=\"2026-01-01T00:00:00Z\" stale=\"2026-01-01T00:00:00Z\">\
        <point lat=\"0\" lon=\"0\" hae=\"0\" ce=\"9999999\" le=\"9999999\"/><detail/></event>";
    let _ = tak.set_read_timeout(Some(Duration::from_secs(5)));
    if tak.write_all(ping.as_bytes()).is_err() {
        return false;
    }
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while !String::from_utf8_lossy(&got).contains("t-x-c-t-r") {
        match tak.read(&mut buf) {
            Ok(0) | Err(_) => return false,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    true
}

#[test]
fn the_listener_outlives_running_out_of_file_descriptors() {
    let (dir, _) = crate::data_dir(&[]);
    // A process with a few descriptors to spare (it holds about 30 at
    // rest), flooded with idle connections: accept(2) fails with EMFILE
    // until the authentication timeout closes them.
    let mut command = Command::new("sh");
    command
        .args([
            "-c",
            "ulimit -n 48 && exec \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_deconflict"),
            "serve",
            "--data",
            dir.path().to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
            "--cot-listen",
            "127.0.0.1:0",
            "--cot-auth-timeout-s",
            "1",
            "--cot-max-per-address",
            "1000",
        ])
        .env("DECONFLICT_RATE_LIMIT_PER_S", "0");
    let server = Server::start(command, "deconflict: serving");
    let addr = server
        .banner
        .lines()
        .find_map(|l| l.split("tcp://").nth(1))
        .expect("a Cursor-on-Target address")
        .trim()
        .to_owned();
    assert!(answers_a_ping(&addr));
    let flood: Vec<_> = (0..60)
        .map(|_| std::net::TcpStream::connect(&addr).unwrap())
        .collect();
    // The flood is closed by its timeout; the listener takes connections
    // again.
    std::thread::sleep(Duration::from_millis(2500));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !answers_a_ping(&addr) {
        assert!(
            Instant::now() < deadline,
            "the Cursor-on-Target listener stopped"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(flood);
    // Out of descriptors, the checkpoint could not be stored either; the
    // next one is, and the service says it is whole again.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (status, body) = server.call("GET", "/healthz", None, None);
        if (status, body.as_str()) == (200, r#"{"status":"ok"}"#) {
            break;
        }
        assert!(Instant::now() < deadline, "{status} {body}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Check fire reaches a TAK device of the party whose strike it held as an
/// emergency alert over the strike, saying nothing of who raised it or
/// why beyond the cause; acknowledging it cancels the alert.
#[test]
fn check_fire_reaches_the_owners_tak_devices_as_an_emergency_until_acknowledged() {
    let (server, _, strike) = scene("ANDROID-PMF-9");
    let addr = cot_url(&server.banner)
        .trim_start_matches("tcp://")
        .to_owned();
    let coalition = token(&server.banner, "coalition", "operator");
    let mut tak = std::net::TcpStream::connect(&addr).unwrap();
    let hello = format!("<__deconflict token=\"{coalition}\"/>");
    tak.write_all(position("COALITION-JTAC-1", TIKRIT, &hello).as_bytes())
        .unwrap();
    // The connection is the coalition's once its first event is read.
    let deadline = Instant::now() + Duration::from_secs(10);
    let operator = metrics_token(&server.banner);
    while !server
        .call("GET", "/metrics", Some(&operator), None)
        .1
        .contains("deconflict_cot_events_total{outcome=\"dropped\"}")
    {
        assert!(Instant::now() < deadline, "the event was not read");
        std::thread::sleep(Duration::from_millis(50));
    }
    let pmf = token(&server.banner, "pmf", "operator");
    let stop = call(
        &server,
        "POST",
        "/v1/stops",
        &pmf,
        Some(json!({"cause": "friendly_fire",
            "geometry": {"type": "Point", "coordinates": [TRUCK_PARK.0, TRUCK_PARK.1]},
            "buffer_m": 1500, "until": in_hours(2.0),
            "reason": "our men at the well were hit"})),
    );
    let id = stop["id"].as_str().unwrap();
    let alarm = read_event(&mut tak, "b-a-o-tbl");
    assert!(alarm.contains(&format!("deconflict-stop-{id}")), "{alarm}");
    assert!(alarm.contains("friendly fire"), "{alarm}");
    for hidden in ["pmf", "well were hit", "1500"] {
        assert!(!alarm.contains(hidden), "{hidden}: {alarm}");
    }
    let strike_state = call(
        &server,
        "GET",
        &format!("/v1/activities/{strike}"),
        &coalition,
        None,
    );
    assert_eq!(strike_state["state"], "held");
    call(
        &server,
        "POST",
        &format!("/v1/stops/{id}/acknowledge"),
        &coalition,
        None,
    );
    let cancelled = read_until(&mut tak, "b-a-o-can");
    assert!(
        cancelled.contains(&format!("deconflict-stop-{id}")),
        "{cancelled}"
    );
}

/// The first whole event the stream sends that holds `needle`, whatever
/// comes before it (the device's picture does).
fn read_event(stream: &mut std::net::TcpStream, needle: &str) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let text = String::from_utf8_lossy(&got).into_owned();
        if let Some(event) = text
            .split("<?xml")
            .find(|e| e.contains(needle) && e.contains("</event>"))
        {
            return event.to_owned();
        }
        let n = stream.read(&mut buf).unwrap_or(0);
        assert!(n > 0, "closed before {needle:?}: {text}");
        got.extend_from_slice(&buf[..n]);
    }
}

/// Everything the stream sends within `quiet` of its last byte.
fn read_while_talking(stream: &mut std::net::TcpStream, quiet: Duration) -> String {
    stream.set_read_timeout(Some(quiet)).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&got).into_owned()
}

#[test]
fn a_device_is_sent_its_partys_picture_and_nothing_private_of_another() {
    let server = demo(&[]);
    let addr = cot_url(&server.banner)
        .trim_start_matches("tcp://")
        .to_owned();
    let pmf = token(&server.banner, "pmf", "viewer");
    let mut tak = std::net::TcpStream::connect(&addr).unwrap();
    let now = "2026-01-01T00:00:00Z";
    let hello = format!(
        "<event version=\"2.0\" uid=\"hello\" type=\"t-x-c-t\" how=\"h-g-i-g-o\" time=\"{now}\" \
         start=\"{now}\" stale=\"{now}\"><point lat=\"0\" lon=\"0\" hae=\"0\" ce=\"9999999\" \
         le=\"9999999\"/><detail><__deconflict token=\"{pmf}\"/></detail></event>"
    );
    tak.write_all(hello.as_bytes()).unwrap();
    let mut picture = read_until(&mut tak, "Vehicle convoy inside the PMF area");
    picture.push_str(&read_while_talking(&mut tak, Duration::from_millis(500)));
    let event = |needle: &str| {
        picture
            .split("<?xml")
            .find(|e| e.contains(needle))
            .unwrap_or_else(|| panic!("no {needle} in {picture}"))
            .to_owned()
    };
    // Its own units, as friendly ground units where they are.
    let brigade = event("PMF brigade position north-east of Balad");
    assert!(brigade.contains("type=\"a-f-G-U-C\""), "{brigade}");
    // Its cleared convoy, as the outline of its buffered route.
    let convoy = event("Vehicle convoy inside the PMF area");
    assert!(convoy.contains("type=\"u-d-f\""), "{convoy}");
    assert!(convoy.matches("<link point=").count() > 8, "{convoy}");
    // Others' public sites, neutral.
    let embassy = event("US Embassy Baghdad");
    assert!(embassy.contains("type=\"a-n-G-I\""), "{embassy}");
    // Nothing of another party's private objects.
    for private in [
        "Al Asad",
        "Camp Taji",
        "Erbil Air Base",
        "Strike on a reported",
        "Border survey",
        "Qayyarah",
    ] {
        assert!(
            !picture.contains(private),
            "{private} sent to the PMF's device"
        );
    }
}

#[test]
fn a_partys_devices_see_each_other_and_no_other_partys_device_sees_them() {
    let server = demo(&[]);
    let addr = cot_url(&server.banner)
        .trim_start_matches("tcp://")
        .to_owned();
    let now = "2026-01-01T00:00:00Z";
    let hello = |token: &str, uid: &str| {
        format!(
            "<event version=\"2.0\" uid=\"{uid}\" type=\"t-x-c-t\" how=\"h-g-i-g-o\" time=\"{now}\" \
             start=\"{now}\" stale=\"{now}\"><point lat=\"0\" lon=\"0\" hae=\"0\" ce=\"9999999\" \
             le=\"9999999\"/><detail><__deconflict token=\"{token}\"/></detail></event>"
        )
    };
    let connect = |token: &str, uid: &str| {
        let mut tak = std::net::TcpStream::connect(&addr).unwrap();
        tak.write_all(hello(token, uid).as_bytes()).unwrap();
        read_event(&mut tak, "t-x-c-t-r");
        // Its picture, read and set aside.
        read_while_talking(&mut tak, Duration::from_millis(300));
        tak
    };
    let pmf_viewer = token(&server.banner, "pmf", "viewer");
    let pmf_operator = token(&server.banner, "pmf", "operator");
    let coalition = token(&server.banner, "coalition", "viewer");
    let mut second = connect(&pmf_viewer, "pmf-tablet");
    let mut other = connect(&coalition, "coalition-tablet");
    let mut first = connect(&pmf_operator, "pmf-phone");
    let detail = format!("<contact callsign=\"PMF-3\"/><__deconflict token=\"{pmf_operator}\"/>");
    first
        .write_all(position("ANDROID-pmf-3", TIKRIT, &detail).as_bytes())
        .unwrap();
    let heard = read_event(&mut second, "uid=\"ANDROID-pmf-3\"");
    assert!(heard.contains("callsign=\"PMF-3\""), "{heard}");
    assert!(
        heard.contains(&format!("lat=\"{:?}\"", TIKRIT.1)),
        "{heard}"
    );
    assert!(
        !heard.contains("__deconflict") && !heard.contains(&pmf_operator),
        "the token is never relayed: {heard}"
    );
    let elsewhere = read_while_talking(&mut other, Duration::from_millis(700));
    assert!(!elsewhere.contains("ANDROID-pmf-3"), "{elsewhere}");
    let echoed = read_while_talking(&mut first, Duration::from_millis(300));
    assert!(
        !echoed.contains("ANDROID-pmf-3"),
        "not sent back to its sender: {echoed}"
    );
}

#[test]
fn a_device_redraws_its_partys_activity_as_it_is_cleared_and_cancelled() {
    let server = demo(&[]);
    let addr = cot_url(&server.banner)
        .trim_start_matches("tcp://")
        .to_owned();
    let coalition = token(&server.banner, "coalition", "operator");
    let mut tak = std::net::TcpStream::connect(&addr).unwrap();
    let hello = format!("<__deconflict token=\"{coalition}\"/>");
    tak.write_all(position("COALITION-JTAC-2", GATE, &hello).as_bytes())
        .unwrap();
    read_while_talking(&mut tak, Duration::from_millis(800));
    let convoy = call(
        &server,
        "POST",
        "/v1/activities",
        &coalition,
        Some(json!({"kind": "convoy", "label": "Resupply west of Rutba",
            "geometry": {"type": "LineString", "coordinates": [[GATE.0, GATE.1], [GATE.0 + 0.05, GATE.1 + 0.02]]},
            "buffer_m": 200, "start": in_hours(1.0), "end": in_hours(3.0)})),
    );
    let id = convoy["id"].as_str().unwrap().to_owned();
    if convoy["state"] == "held" {
        let approver = token(&server.banner, "joc", "approver");
        call(
            &server,
            "POST",
            &format!("/v1/activities/{id}/clear"),
            &approver,
            Some(json!({"reason": "nobody within 20 km"})),
        );
    }
    let drawn = read_event(&mut tak, &format!("uid=\"deconflict-{id}\""));
    assert!(drawn.contains("type=\"u-d-f\""), "{drawn}");
    assert!(drawn.contains("Resupply west of Rutba"), "{drawn}");
    call(
        &server,
        "POST",
        &format!("/v1/activities/{id}/cancel"),
        &coalition,
        Some(json!({})),
    );
    let gone = read_event(&mut tak, "type=\"t-x-d-d\"");
    assert!(
        gone.contains(&format!("<link uid=\"deconflict-{id}\"")),
        "{gone}"
    );
}

#[test]
fn a_device_redraws_its_partys_sites_as_they_change_and_hears_nothing_of_anothers_private_ones() {
    let server = demo(&[]);
    let addr = cot_url(&server.banner)
        .trim_start_matches("tcp://")
        .to_owned();
    let pmf = token(&server.banner, "pmf", "operator");
    let coalition = token(&server.banner, "coalition", "operator");
    let mut tak = std::net::TcpStream::connect(&addr).unwrap();
    let hello = format!("<__deconflict token=\"{pmf}\"/>");
    tak.write_all(position("PMF-RADIO-7", GATE, &hello).as_bytes())
        .unwrap();
    read_while_talking(&mut tak, Duration::from_millis(800));

    // Another party's private site: nothing at all reaches the device.
    call(
        &server,
        "POST",
        "/v1/declarations",
        &coalition,
        Some(
            json!({"kind": "base", "label": "Coalition patrol base west of Rutba",
            "geometry": {"type": "Point", "coordinates": [TRUCK_PARK.0, TRUCK_PARK.1]},
            "buffer_m": 300, "valid_from": in_hours(-1.0)}),
        ),
    );
    let heard = read_while_talking(&mut tak, Duration::from_secs(5));
    assert_eq!(heard, "", "the PMF's device heard of a private declaration");

    // Its own site, declared, moved, then withdrawn.
    let site = |lon: f64| {
        json!({"kind": "base", "label": "PMF checkpoint on Highway 10",
            "geometry": {"type": "Point", "coordinates": [lon, GATE.1]},
            "buffer_m": 100, "valid_from": in_hours(-1.0)})
    };
    let declared = call(
        &server,
        "POST",
        "/v1/declarations",
        &pmf,
        Some(site(GATE.0)),
    );
    let id = declared["id"].as_str().unwrap().to_owned();
    let uid = format!("uid=\"deconflict-{id}\"");
    let drawn = read_event(&mut tak, &uid);
    assert!(drawn.contains("type=\"a-f-G-I\""), "{drawn}");
    assert!(drawn.contains(&format!("lon=\"{}\"", GATE.0)), "{drawn}");
    let mut moved = site(GATE.0 + 0.01);
    moved["version"] = declared["version"].clone();
    call(
        &server,
        "PUT",
        &format!("/v1/declarations/{id}"),
        &pmf,
        Some(moved),
    );
    let redrawn = read_event(&mut tak, &format!("lon=\"{}\"", GATE.0 + 0.01));
    assert!(redrawn.contains(&uid), "{redrawn}");
    call(
        &server,
        "DELETE",
        &format!("/v1/declarations/{id}"),
        &pmf,
        None,
    );
    let gone = read_event(&mut tak, "type=\"t-x-d-d\"");
    assert!(
        gone.contains(&format!("<link uid=\"deconflict-{id}\"")),
        "{gone}"
    );

    // Another party's public site comes as a neutral one.
    call(
        &server,
        "POST",
        "/v1/declarations",
        &coalition,
        Some(
            json!({"kind": "hospital", "label": "Field hospital at Rutba",
            "geometry": {"type": "Point", "coordinates": [TIKRIT.0, TIKRIT.1]},
            "buffer_m": 200, "valid_from": in_hours(-1.0), "visibility": "public"}),
        ),
    );
    let public = read_event(&mut tak, "Field hospital at Rutba");
    assert!(public.contains("type=\"a-n-G-I-X-H\""), "{public}");
}

/// Every party's token of `role` the demo printed, by party.
fn tokens_of(banner: &str, role: &str) -> Vec<(String, String)> {
    banner
        .lines()
        .filter_map(|line| {
            let cols: Vec<_> = line.split_whitespace().collect();
            (cols.len() == 3 && cols[1] == role && cols[2].starts_with("dcf_"))
                .then(|| (cols[0].to_owned(), cols[2].to_owned()))
        })
        .collect()
}

#[test]
fn no_partys_devices_are_sent_anything_private_of_another_party() {
    let server = demo(&[]);
    let addr = cot_url(&server.banner)
        .trim_start_matches("tcp://")
        .to_owned();
    // Everything declared and planned, as the coordinator's auditor reads it.
    let auditor = token(&server.banner, "joc", "auditor");
    let mut objects = Vec::new();
    for path in ["/v1/declarations?limit=1000", "/v1/activities?limit=1000"] {
        let page = call(&server, "GET", path, &auditor, None);
        objects.extend(page["items"].as_array().unwrap().iter().cloned());
    }
    let viewers = tokens_of(&server.banner, "viewer");
    assert!(viewers.len() >= 4, "{viewers:?}");
    for (party, viewer) in viewers {
        let mut tak = std::net::TcpStream::connect(&addr).unwrap();
        let hello = format!("<__deconflict token=\"{viewer}\"/>");
        tak.write_all(position(&format!("{party}-DEVICE"), GATE, &hello).as_bytes())
            .unwrap();
        let stream = read_while_talking(&mut tak, Duration::from_millis(1500));
        assert!(
            stream.contains("<event"),
            "{party}'s device was sent nothing"
        );
        // What the party may see: its own objects and public ones.
        let (seen, private): (Vec<&Value>, Vec<&Value>) = objects
            .iter()
            .partition(|o| o["owner"] == party.as_str() || o["visibility"] == "public");
        for object in private {
            let id = object["id"].as_str().unwrap();
            assert!(!stream.contains(id), "{party}'s device was sent {id}");
            let label = object["label"].as_str().unwrap();
            let also_seen = seen
                .iter()
                .any(|s| s["label"].as_str().unwrap_or_default().contains(label));
            assert!(
                also_seen || !stream.contains(label),
                "{party}'s device was sent {label:?}"
            );
        }
    }
}
