//! `/metrics` as a Prometheus operator reads it: latency by route template
//! (never an id), the process's figures, the build, and gauges that move
//! with the service; `promtool check metrics` accepts it.

use crate::Harness;
use crate::live::Stream;
use axum::body::Body;
use axum::http::{Method, Request};
use std::process::Command;
use tower::ServiceExt;

/// The value of the sample whose name and labels are exactly `series`.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

#[tokio::test]
async fn latency_is_by_method_and_route_template_never_by_path() {
    let h = Harness::demo().await;
    let coalition = h.id("coalition_balad_strike");
    h.get(&format!("/v1/activities/{coalition}"), "coalition/viewer")
        .await
        .expect(200);
    h.get("/v1/activities/act_000000000000", "pmf/viewer")
        .await
        .expect(404);
    h.get("/v1/no/such/route", "pmf/viewer").await.expect(404);
    // A method no one uses: one label value for all of them.
    let invented = Request::builder()
        .method(Method::from_bytes(b"BREW").unwrap())
        .uri("/v1/me")
        .body(Body::empty())
        .unwrap();
    h.app.clone().oneshot(invented).await.unwrap();
    let text = h.metrics().await;
    let count = |method: &str, route: &str, status: &str| {
        let series = format!(
            "deconflict_http_request_duration_seconds_count{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}}"
        );
        sample(&text, &series).unwrap_or_else(|| panic!("no {series} in\n{text}"))
    };
    assert_eq!(count("GET", "/v1/activities/{id}", "2xx"), 1.0);
    assert_eq!(count("GET", "/v1/activities/{id}", "4xx"), 1.0);
    assert!(count("GET", "unmatched", "4xx") >= 1.0);
    assert_eq!(count("other", "/v1/me", "4xx"), 1.0);
    assert!(!text.contains(&coalition), "an id in a label:\n{text}");
    assert!(!text.contains("act_000000000000"), "{text}");
    assert!(!text.contains("BREW"), "{text}");
    for name in [
        "process_resident_memory_bytes",
        "process_cpu_seconds_total",
        "process_open_fds",
        "process_start_time_seconds",
    ] {
        assert!(
            sample(&text, name).is_some_and(|v| v > 0.0),
            "{name} in\n{text}"
        );
    }
    let version = format!(
        "deconflict_build_info{{version=\"{}\"}}",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(sample(&text, &version), Some(1.0), "{text}");
}

#[tokio::test]
async fn the_gauges_follow_streams_holds_and_conflicts() {
    let h = Harness::demo().await;
    let text = h.metrics().await;
    let held = h
        .get("/v1/activities?state=held&limit=1000", "joc/approver")
        .await
        .expect(200)
        .json()["items"]
        .as_array()
        .unwrap()
        .len();
    let open = h
        .get("/v1/conflicts?state=open&limit=1000", "joc/approver")
        .await
        .expect(200)
        .json()["items"]
        .as_array()
        .unwrap()
        .len();
    assert!(
        held > 0 && open > 0,
        "the demo has held activities and open conflicts"
    );
    assert_eq!(
        sample(&text, "deconflict_activities_held"),
        Some(held as f64)
    );
    assert_eq!(
        sample(&text, "deconflict_conflicts_open"),
        Some(open as f64)
    );
    assert_eq!(sample(&text, "deconflict_event_streams"), Some(0.0));
    let first = Stream::open(&h, "pmf/viewer", None).await;
    let second = Stream::open(&h, "joc/approver", None).await;
    assert_eq!(h.metric("deconflict_event_streams").await, 2);
    drop(first);
    assert_eq!(h.metric("deconflict_event_streams").await, 1);
    drop(second);
    assert_eq!(h.metric("deconflict_event_streams").await, 0);
    assert_eq!(h.metric("deconflict_cot_connections").await, 0);
    assert_eq!(h.metric("deconflict_webhooks").await, 0);
}

#[tokio::test]
async fn promtool_accepts_the_exposition() {
    let h = Harness::demo().await;
    h.get("/v1/declarations", "pmf/viewer").await.expect(200);
    h.get("/v1/nothing", "pmf/viewer").await.expect(404);
    let _stream = Stream::open(&h, "pmf/viewer", None).await;
    let text = h.metrics().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("metrics.txt");
    std::fs::write(&file, &text).unwrap();
    let checked = match Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
    {
        Ok(output) => output,
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("promtool is not installed ({e}); `cargo xtask test` installs it");
            return;
        }
        Err(e) => panic!("promtool: {e}; `cargo xtask test` installs Debian's prometheus"),
    };
    assert!(
        checked.status.success() && checked.stdout.is_empty() && checked.stderr.is_empty(),
        "promtool check metrics:\n{}{}\n{text}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
}
