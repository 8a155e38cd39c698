//! What a party could learn of other parties' activity without asking about
//! their objects: the service's own routes (`/metrics`, `/healthz`), the
//! request ids it hands out, and the other side of a conflict it is in.

use crate::{Harness, METRICS_TOKEN, PARTIES, Reply, activity, config, declaration};
use axum::body::Body;
use axum::http::{Method, Request};
use deconflict_server::{Config, MetricsToken};
use serde_json::{Value, json};

/// A response as a caller can tell it apart: status, headers (but the
/// request id, which differs on every request) and body.
type Observable = (u16, Vec<(String, Vec<u8>)>, Vec<u8>);

fn observable(reply: &Reply) -> Observable {
    let mut headers: Vec<(String, Vec<u8>)> = reply
        .headers
        .iter()
        .filter(|(name, _)| name.as_str() != "x-request-id")
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    headers.sort();
    (reply.status.as_u16(), headers, reply.body.clone())
}

async fn request(h: &Harness, method: Method, path: &str, authorization: Option<&str>) -> Reply {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    h.send(request.body(Body::empty()).unwrap()).await
}

/// Asserts that `/metrics` answers `authorization` exactly as a path that
/// does not exist answers it, for every method.
async fn looks_unknown(h: &Harness, authorization: Option<&str>) {
    for method in [Method::GET, Method::HEAD, Method::POST, Method::DELETE] {
        let metrics = request(h, method.clone(), "/metrics", authorization).await;
        let unknown = request(h, method.clone(), "/metricz", authorization).await;
        assert_eq!(
            metrics.status,
            404,
            "{method} {authorization:?}: {}",
            metrics.text()
        );
        assert_eq!(
            observable(&metrics),
            observable(&unknown),
            "{method} {authorization:?}"
        );
    }
}

#[tokio::test]
async fn metrics_answers_only_the_operators_token_and_otherwise_like_no_route() {
    let h = Harness::demo().await;
    looks_unknown(&h, None).await;
    for who in [
        "pmf/operator",
        "pmf/viewer",
        "coalition/auditor",
        "joc/approver",
    ] {
        looks_unknown(&h, Some(&format!("Bearer {}", h.token(who)))).await;
    }
    let wrong = [
        "Bearer wrong".to_owned(),
        "Bearer ".to_owned(),
        format!("Bearer {}", &METRICS_TOKEN[..METRICS_TOKEN.len() - 1]),
        format!("Bearer {METRICS_TOKEN}x"),
        format!("Basic {METRICS_TOKEN}"),
        METRICS_TOKEN.to_owned(),
    ];
    for authorization in &wrong {
        looks_unknown(&h, Some(authorization)).await;
    }
    // The operator's token opens it.
    let text = request(
        &h,
        Method::GET,
        "/metrics",
        Some(&format!("Bearer {METRICS_TOKEN}")),
    )
    .await
    .expect(200)
    .text();
    assert!(text.contains("deconflict_log_entries "), "{text}");
    // Durations in seconds, as Prometheus names them.
    let replay = text
        .lines()
        .find_map(|l| l.strip_prefix("deconflict_replay_seconds "))
        .expect("the replay's time");
    assert!(replay.parse::<f64>().is_ok_and(|s| s >= 0.0), "{replay}");
    assert!(!text.contains("milliseconds"), "{text}");

    // Without a configured token, nothing opens it.
    let h = h.restart(Config {
        metrics_token: None,
        ..config()
    });
    looks_unknown(&h, Some(&format!("Bearer {METRICS_TOKEN}"))).await;

    // Nor does a party's token configured as the metrics token by mistake.
    let pmf = h.token("pmf/operator");
    let h = h.restart(Config {
        metrics_token: Some(MetricsToken::new(pmf.clone())),
        ..config()
    });
    looks_unknown(&h, Some(&format!("Bearer {pmf}"))).await;
}

#[tokio::test]
async fn metrics_count_commands_but_not_by_verb_or_party() {
    let h = Harness::demo().await;
    let text = h.metrics().await;
    let commands = h.metric("deconflict_commands_total").await;
    assert!(commands > 10, "the demo's commands are counted: {text}");
    let verbs = [
        "declare",
        "amend",
        "withdraw",
        "submit",
        "start",
        "complete",
        "cancel",
        "clear",
        "hold",
        "acknowledge",
        "override",
        "mark_delivered",
        "track",
        "sweep",
        "report",
    ];
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((_, labels)) = line.split_once('{') else {
            continue;
        };
        let (labels, _) = labels.split_once('}').expect("labels close");
        for label in labels.split(',') {
            let (key, value) = label.split_once('=').expect("key=value");
            let keys = [
                "class", "outcome", "reason", "method", "route", "le", "version",
            ];
            assert!(keys.contains(&key), "{line}");
            let value = value.trim_matches('"');
            assert!(!verbs.contains(&value), "{line}");
            assert!(!PARTIES.contains(&value), "{line}");
            // Latency is by route template over every party: a route names
            // no object and no party.
            if key == "route" {
                assert!(
                    value == "unmatched" || (value.starts_with('/') && !value.contains('_')),
                    "{line}"
                );
            }
        }
    }
    assert!(
        !text.contains("verb=") && !text.contains("party="),
        "{text}"
    );
    for party in PARTIES {
        assert!(!text.contains(party), "{party} in\n{text}");
    }
    // One more command, whatever it is, is one more in the one counter.
    let body = declaration("base", "counted", 44.0, 33.0, 10.0);
    h.post("/v1/declarations", "isf/operator", body)
        .await
        .expect(201);
    assert_eq!(h.metric("deconflict_commands_total").await, commands + 1);
}

#[tokio::test]
async fn healthz_says_ok_and_nothing_that_moves_with_the_log() {
    let h = Harness::new();
    let before = h.get("/healthz", "").await.expect(200);
    assert_eq!(before.json(), json!({"status": "ok"}));
    for i in 0..3 {
        let body = declaration(
            "base",
            &format!("post {i}"),
            44.0 + f64::from(i),
            33.0,
            10.0,
        );
        h.post("/v1/declarations", "coalition/operator", body)
            .await
            .expect(201);
    }
    let after = h.get("/healthz", "").await.expect(200);
    assert_eq!(observable(&after), observable(&before));
    assert!(
        !after.text().bytes().any(|b| b.is_ascii_digit()),
        "{}",
        after.text()
    );
}

/// The `x-request-id` a request was answered with.
fn request_id(reply: &Reply) -> String {
    reply.headers["x-request-id"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn request_ids_are_random_and_tell_no_order() {
    let h = Harness::new();
    let mut ids = Vec::new();
    for i in 0..20 {
        let who = if i % 2 == 0 { "" } else { "pmf/viewer" };
        let path = if i % 2 == 0 { "/healthz" } else { "/v1/state" };
        ids.push(request_id(&h.get(path, who).await.expect(200)));
    }
    for id in &ids {
        assert_eq!(id.len(), 32, "{id}");
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{id}"
        );
    }
    for (i, a) in ids.iter().enumerate() {
        for b in &ids[i + 1..] {
            assert_ne!(a, b);
            let common = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            // Random: 7 or more shared leading hex digits in 190 pairs would
            // happen about once in a million runs.
            assert!(common < 7, "{a} and {b} share a prefix");
        }
    }
    // A caller's own plain id is kept; anything else is replaced.
    let with = |ids: &[&str]| {
        let mut request = Request::get("/healthz");
        for id in ids {
            request = request.header("x-request-id", *id);
        }
        request.body(Body::empty()).unwrap()
    };
    let kept = h.send(with(&["trace-42.a:b_c"])).await;
    assert_eq!(request_id(&kept), "trace-42.a:b_c");
    let long = "a".repeat(65);
    for refused in [
        vec![long.as_str()],
        vec!["two words"],
        vec!["x\"y"],
        vec!["one", "two"],
    ] {
        let reply = h.send(with(&refused)).await.expect(200);
        let id = request_id(&reply);
        assert_eq!(id.len(), 32, "{refused:?} gave {id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        assert_eq!(reply.headers.get_all("x-request-id").iter().count(), 1);
    }
}

/// The one conflict `who` sees.
async fn only_conflict(h: &Harness, who: &str) -> Value {
    let list = h.get("/v1/conflicts", who).await.expect(200).json();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    items[0].clone()
}

#[tokio::test]
async fn the_other_side_of_a_conflict_shows_only_whether_it_acknowledged() {
    let h = Harness::new();
    // The coalition's base, then a PMF patrol next to it: the PMF opens the
    // conflict, so the coalition's notification is pending.
    h.post(
        "/v1/declarations",
        "coalition/operator",
        declaration("base", "Coalition base", 44.0, 33.0, 500.0),
    )
    .await
    .expect(201);
    h.post(
        "/v1/activities",
        "pmf/operator",
        activity("patrol", "PMF patrol", 44.004, 33.0, 500.0, 1.0, 2.0),
    )
    .await
    .expect(201);
    let pmf = only_conflict(&h, "pmf/viewer").await;
    let id = pmf["id"].as_str().unwrap().to_owned();
    let one = format!("/v1/conflicts/{id}");
    // The PMF's own side: how far its notification went, and when.
    assert_eq!(pmf["sides"][0]["party"], "pmf");
    assert_eq!(pmf["sides"][0]["notification"]["state"], "delivered");
    assert!(pmf["sides"][0]["notification"]["delivered_at"].is_string());
    // The coalition's: only that it has not acknowledged.
    assert_eq!(pmf["sides"][1]["view"], "coarse");
    assert_eq!(
        pmf["sides"][1]["notification"],
        json!({"acknowledged": false})
    );

    // The coalition reads it (delivered): the PMF sees nothing move.
    let before = h.get(&one, "pmf/viewer").await.expect(200).body;
    let coalition = h.get(&one, "coalition/viewer").await.expect(200).json();
    assert_eq!(coalition["sides"][0]["notification"]["state"], "delivered");
    // Nor does the coalition learn when the PMF was told.
    assert_eq!(
        coalition["sides"][1]["notification"],
        json!({"acknowledged": false})
    );
    let after = h.get(&one, "pmf/viewer").await.expect(200).body;
    assert_eq!(
        String::from_utf8(after).unwrap(),
        String::from_utf8(before).unwrap()
    );

    // The coalition acknowledges: the PMF learns that, and not when.
    h.post(
        &format!("{one}/acknowledge"),
        "coalition/operator",
        json!({}),
    )
    .await
    .expect(200);
    let coalition = h.get(&one, "coalition/viewer").await.expect(200).json();
    assert!(coalition["sides"][0]["notification"]["acknowledged_at"].is_string());
    let seen = [
        h.get(&one, "pmf/viewer").await.expect(200).json(),
        only_conflict(&h, "pmf/viewer").await,
        h.get("/v1/state", "pmf/viewer").await.expect(200).json()["conflicts"][0].clone(),
    ];
    for view in seen {
        assert_eq!(
            view["sides"][1]["notification"],
            json!({"acknowledged": true})
        );
        let text = view["sides"][1].to_string();
        for hidden in ["delivered", "_at", "state", "escalat"] {
            assert!(!text.contains(hidden), "{hidden} in {text}");
        }
    }
    // The coordinator reads every side in full.
    let joc = h.get(&one, "joc/viewer").await.expect(200).json();
    for side in joc["sides"].as_array().unwrap() {
        assert!(side["notification"]["delivered_at"].is_string(), "{joc}");
    }
}

#[tokio::test]
async fn a_public_declarations_owner_is_named_but_not_when_it_read_its_notice() {
    let h = Harness::new();
    let mut camp = declaration("camp", "Displacement camp", 43.1, 36.3, 300.0);
    camp["visibility"] = json!("public");
    h.post("/v1/declarations", "ocha/operator", camp)
        .await
        .expect(201);
    h.post(
        "/v1/activities",
        "coalition/operator",
        activity("air_strike", "Strike", 43.104, 36.3, 300.0, 1.0, 2.0),
    )
    .await
    .expect(201);
    let seen = only_conflict(&h, "coalition/viewer").await;
    let id = seen["id"].as_str().unwrap().to_owned();
    assert_eq!(seen["sides"][1]["view"], "full");
    assert_eq!(seen["sides"][1]["party"], "ocha");
    assert_eq!(
        seen["sides"][1]["notification"],
        json!({"acknowledged": false})
    );
    // OCHA reads it: nothing moves for the coalition.
    let ocha = only_conflict(&h, "ocha/viewer").await;
    assert_eq!(ocha["sides"][0]["notification"]["state"], "delivered");
    assert_eq!(only_conflict(&h, "coalition/viewer").await, seen);
    h.post(
        &format!("/v1/conflicts/{id}/acknowledge"),
        "ocha/operator",
        json!({}),
    )
    .await
    .expect(200);
    let seen = only_conflict(&h, "coalition/viewer").await;
    assert_eq!(
        seen["sides"][1]["notification"],
        json!({"acknowledged": true})
    );
}
