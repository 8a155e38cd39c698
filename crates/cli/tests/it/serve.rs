//! `deconflict serve`: its configuration, its refusals, its signals (a
//! SIGTERM does not wait for open event streams or half-sent requests).

use crate::demo::log_entries;
use crate::{Server, bin, connect, data_dir, in_hours, run};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

#[test]
fn serves_until_sigterm_then_exits_cleanly() {
    let (dir, tokens) = data_dir(&["coalition/operator"]);
    let metrics = "m".repeat(32);
    let mut server = Server::serve(dir.path(), &["--metrics-token", &metrics]);
    let (status, body) = server.call("GET", "/healthz", None, None);
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));
    assert_eq!(log_entries(&server, &metrics), 0);
    let patrol = format!(
        r#"{{"kind":"patrol","label":"p","geometry":{{"type":"Point","coordinates":[44,33]}},"buffer_m":10,"start":"{}","end":"{}"}}"#,
        in_hours(1.0),
        in_hours(2.0)
    );
    let (status, body) = server.call("POST", "/v1/activities", Some(&tokens[0]), Some(&patrol));
    assert_eq!(status, 201, "{body}");
    server.signal("TERM");
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    // What was answered is there after a restart.
    let server = Server::serve(dir.path(), &["--metrics-token", &metrics]);
    assert_eq!(log_entries(&server, &metrics), 1);
}

#[test]
fn refuses_plain_http_beyond_loopback_without_tls_or_insecure_http() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&[
        "serve",
        "--data",
        dir.path().to_str().unwrap(),
        "--listen",
        "0.0.0.0:0",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to serve plain HTTP on 0.0.0.0:0"),
        "{err}"
    );
    assert!(err.contains("--insecure-http"), "{err}");
    assert!(err.contains("--tls-cert"), "{err}");
}

#[test]
fn the_config_file_is_read_and_flags_and_environment_win() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("deconflict.toml");
    std::fs::write(
        &config,
        format!(
            "data = {:?}\nlisten = \"0.0.0.0:0\"\ncot_listen = \"off\"\nbody_limit = 2048\n",
            dir.path().join("data")
        ),
    )
    .unwrap();
    // The file asks for a public address: refused, naming it.
    let out = run(&["serve", "--config", config.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("0.0.0.0:0"), "{err}");
    // The environment overrides the file.
    let mut command = bin();
    command
        .args(["serve", "--config", config.to_str().unwrap()])
        .env("DECONFLICT_LISTEN", "127.0.0.1:0");
    let server = Server::start(command, "deconflict: serving");
    assert!(server.banner.contains("data"), "{}", server.banner);
    let big = "x".repeat(4096);
    let (status, body) = server.call("POST", "/v1/declarations", Some("dcf_x"), Some(&big));
    // No valid token: refused before the body is read.
    assert_eq!(status, 401, "{body}");
    // An unknown key is refused, naming it.
    std::fs::write(&config, "listne = \"127.0.0.1:0\"\n").unwrap();
    let out = run(&["serve", "--config", config.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("listne"), "{err}");
}

#[test]
fn the_metrics_token_is_taken_from_flags_over_the_environment_over_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (from_file, from_env, from_flag) = ("f".repeat(32), "e".repeat(32), "g".repeat(32));
    let config = dir.path().join("deconflict.toml");
    std::fs::write(
        &config,
        format!(
            "data = {:?}\nlisten = \"127.0.0.1:0\"\ncot_listen = \"off\"\nmetrics_token = \"{from_file}\"\n",
            dir.path().join("data")
        ),
    )
    .unwrap();
    let status = |server: &Server, token: &str| server.call("GET", "/metrics", Some(token), None).0;
    let start = |env: Option<&str>, flag: Option<&str>| {
        let mut command = bin();
        command.args(["serve", "--config", config.to_str().unwrap()]);
        if let Some(token) = env {
            command.env("DECONFLICT_METRICS_TOKEN", token);
        }
        if let Some(token) = flag {
            command.args(["--metrics-token", token]);
        }
        Server::start(command, "deconflict: serving")
    };
    let server = start(None, None);
    assert_eq!(status(&server, &from_file), 200);
    assert_eq!(status(&server, &from_env), 404);
    drop(server);
    let server = start(Some(&from_env), None);
    assert_eq!(status(&server, &from_env), 200);
    assert_eq!(status(&server, &from_file), 404);
    drop(server);
    let server = start(Some(&from_env), Some(&from_flag));
    assert_eq!(status(&server, &from_flag), 200);
    assert_eq!(status(&server, &from_env), 404);
    drop(server);
    // A guessable one is refused, naming the setting.
    let out = run(&[
        "serve",
        "--config",
        config.to_str().unwrap(),
        "--metrics-token",
        "secret",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("metrics_token: must be at least 32 characters"),
        "{err}"
    );
}

#[test]
fn help_teaches_every_setting() {
    let out = run(&["serve", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for setting in [
        "--data",
        "--listen",
        "--config",
        "--insecure-http",
        "--tls-cert",
        "--tls-key",
        "DECONFLICT_TLS_CERT",
        "--body-limit",
        "--request-timeout-s",
        "--rate-limit-per-s",
        "--rate-limit-burst",
        "--needs-clearance",
        "--max-page",
        "--log",
        "DECONFLICT_LISTEN",
        "--metrics-token",
        "DECONFLICT_METRICS_TOKEN",
        "--header-timeout-s",
        "--max-connections",
        "--auth-failures-per-min",
        "--shutdown-grace-s",
        "--cot-auth-timeout-s",
        "--cot-idle-timeout-s",
        "--cot-max-connections",
        "--cot-max-per-address",
    ] {
        assert!(help.contains(setting), "{setting} missing from\n{help}");
    }
}

#[test]
fn sigterm_stops_at_once_with_an_event_stream_and_a_half_sent_header_open() {
    let (dir, tokens) = data_dir(&["pmf/viewer"]);
    let mut server = Server::serve(dir.path(), &[]);
    let mut events = connect(&server.addr).unwrap();
    write!(
        events,
        "GET /v1/events HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\r\n",
        server.addr, tokens[0]
    )
    .unwrap();
    let mut head = [0u8; 512];
    let n = events.read(&mut head).unwrap();
    let head = String::from_utf8_lossy(&head[..n]);
    assert!(head.contains("text/event-stream"), "{head}");
    let mut half = connect(&server.addr).unwrap();
    write!(half, "GET /healthz HTTP/1.1\r\nHost: dec").unwrap();
    std::thread::sleep(Duration::from_millis(200));

    let stopping = Instant::now();
    server.signal("TERM");
    let exit = loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            stopping.elapsed() < Duration::from_secs(5),
            "still running {:?} after SIGTERM",
            stopping.elapsed()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");
    assert!(stopping.elapsed() < Duration::from_secs(3));
    // Both connections end.
    for stream in [&mut events, &mut half] {
        stream
            .set_read_timeout(Some(Duration::from_secs(1)))
            .unwrap();
        let mut rest = Vec::new();
        assert!(stream.read_to_end(&mut rest).is_ok());
    }
}
