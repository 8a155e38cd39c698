//! `/metrics` as a Prometheus operator reads it: latency by route template
//! (never an id), the process's figures, the build, and gauges that move
//! with the service; `promtool check metrics` accepts it.

use crate::Harness;
use crate::live::Stream;
use crate::revocation::serve_cot;
use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::json;
use std::process::Command;
use std::time::Duration;
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
    let cleared = h
        .get("/v1/activities?state=cleared&limit=1", "joc/approver")
        .await
        .expect(200)
        .json()["items"][0]["id"]
        .as_str()
        .expect("the demo has a cleared activity")
        .to_owned();
    h.post(
        &format!("/v1/activities/{cleared}/hold"),
        "joc/approver",
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(
        h.metric("deconflict_activities_held").await,
        held as u64 + 1
    );
    assert_eq!(sample(&text, "deconflict_event_streams"), Some(0.0));
    let first = Stream::open(&h, "pmf/viewer", None).await;
    let second = Stream::open(&h, "joc/approver", None).await;
    assert_eq!(h.metric("deconflict_event_streams").await, 2);
    // Timed to their head: counted while they are still open.
    let streams = "deconflict_http_request_duration_seconds_count\
        {method=\"GET\",route=\"/v1/events\",status=\"2xx\"}";
    assert_eq!(sample(&h.metrics().await, streams), Some(2.0));
    drop(first);
    assert_eq!(h.metric("deconflict_event_streams").await, 1);
    drop(second);
    assert_eq!(h.metric("deconflict_event_streams").await, 0);
    assert_eq!(h.metric("deconflict_cot_connections").await, 0);
    assert_eq!(h.metric("deconflict_webhooks").await, 0);
}

/// Every label value of the exposition, with its label's name.
fn label_values(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((_, labels)) = line.split_once('{') else {
            continue;
        };
        let labels = labels.rsplit_once('}').map_or(labels, |(l, _)| l);
        let mut rest = labels;
        while let Some((name, after)) = rest.split_once("=\"") {
            let (value, after) = after.split_once('"').expect("a closed label value");
            found.push((name.trim_start_matches(',').to_owned(), value.to_owned()));
            rest = after;
        }
    }
    found
}

#[tokio::test]
async fn label_values_are_plain_words_whatever_the_traffic() {
    let h = Harness::demo().await;
    // Commands of several kinds, some refused: none of them names a label.
    let incident = h
        .get("/v1/incidents", "joc/approver")
        .await
        .expect(200)
        .json()["items"][0]["id"]
        .as_str()
        .expect("the demo has an incident")
        .to_owned();
    h.post(
        &format!("/v1/incidents/{incident}/status"),
        "joc/approver",
        json!({"status": "credible", "reason": "two sources"}),
    )
    .await;
    h.post(
        "/v1/activities",
        "pmf/operator",
        json!({"kind": "a party's own words"}),
    )
    .await;
    h.get("/v1/what's%20this?", "pmf/viewer").await.expect(404);
    let text = h.metrics().await;
    let values = label_values(&text);
    assert!(values.iter().any(|(name, _)| name == "route"), "{text}");
    let word = |v: &str| {
        !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    for (name, value) in values {
        let fits = match name.as_str() {
            "method" => value == "other" || value.chars().all(|c| c.is_ascii_uppercase()),
            // A template from the routes table: words, slashes and `{id}`s.
            "route" => {
                value == "unmatched"
                    || value.starts_with('/')
                        && value.split('/').skip(1).all(|part| {
                            word(part.trim_start_matches('{').trim_end_matches('}'))
                                || part.ends_with(".json")
                                || part.is_empty()
                        })
            }
            "le" => value == "+Inf" || value.parse::<f64>().is_ok(),
            "version" => value == env!("CARGO_PKG_VERSION"),
            _ => word(&value),
        };
        assert!(fits, "{name}=\"{value}\" in\n{text}");
    }
}

#[tokio::test]
async fn promtool_accepts_the_exposition() {
    let h = Harness::demo().await;
    h.get("/v1/declarations", "pmf/viewer").await.expect(200);
    h.get("/v1/nothing", "pmf/viewer").await.expect(404);
    let _stream = Stream::open(&h, "pmf/viewer", None).await;
    let cot = serve_cot(&h.state).await;
    let _tak = tokio::net::TcpStream::connect(cot).await.unwrap();
    let mut open = 0;
    for _ in 0..100 {
        open = h.metric("deconflict_cot_connections").await;
        if open == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(open, 1, "the CoT connection is counted");
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
