//! No party stalls the others: a geometry's cost to the command path is
//! bounded before it takes the command lock.

use crate::{Harness, in_hours};
use serde_json::json;

/// A zig-zag line of `n` positions between two latitudes, `width` degrees
/// of longitude wide.
fn zig_zag(n: usize, width: f64, height: f64) -> serde_json::Value {
    let (lon, lat) = (43.0, 34.0);
    let coordinates: Vec<[f64; 2]> = (0..n)
        .map(|i| {
            let x = lon + width * i as f64 / n as f64;
            let y = if i % 2 == 0 { lat } else { lat + height };
            [x, y]
        })
        .collect();
    json!({"type": "LineString", "coordinates": coordinates})
}

async fn head(h: &Harness) -> u64 {
    h.get("/v1/state", "joc/viewer").await.json()["seq"]
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test]
async fn a_long_zig_zag_across_a_province_is_refused_before_the_command_path() {
    let h = Harness::new();
    let before = head(&h).await;
    let body = |geometry: serde_json::Value| {
        json!({
            "kind": "patrol", "label": "probe", "geometry": geometry, "buffer_m": 10,
            "start": in_hours(1.0), "end": in_hours(2.0),
        })
    };
    // 10,000 positions (within the vertex limit) across about 5,000 km².
    let problem = h
        .post(
            "/v1/activities",
            "pmf/operator",
            body(zig_zag(10_000, 1.0, 0.5)),
        )
        .await
        .problem(413, "too_large");
    assert_eq!(problem["field"], "geometry", "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("km²"),
        "{problem}"
    );
    assert_eq!(head(&h).await, before, "nothing was logged");
    // As many positions over a few km² (a detailed route), or a few
    // positions over a wide area, are taken.
    h.post(
        "/v1/activities",
        "pmf/operator",
        body(zig_zag(10_000, 0.05, 0.01)),
    )
    .await
    .expect(201);
    h.post(
        "/v1/activities",
        "pmf/operator",
        body(zig_zag(20, 1.0, 0.5)),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn a_party_that_fills_its_quota_of_the_log_stops_there_alone() {
    let h = Harness::with_config(deconflict_server::Config {
        party_log_bytes_per_day: Some(4_000),
        ..crate::config()
    });
    let declare = |n: usize| {
        crate::declaration(
            "checkpoint",
            &format!("post {n}"),
            44.0 + n as f64 * 0.01,
            34.0,
            10.0,
        )
    };
    let mut refused = None;
    for n in 0..40 {
        let reply = h.post("/v1/declarations", "pmf/operator", declare(n)).await;
        if reply.status == 429 {
            refused = Some(reply);
            break;
        }
        reply.expect(201);
    }
    let reply = refused.expect("the quota stops the PMF");
    assert!(reply.headers.contains_key("retry-after"));
    let problem = reply.problem(429, "quota_exceeded");
    assert!(
        problem["detail"].as_str().unwrap().contains("24 hours"),
        "{problem}"
    );
    // Another party writes on.
    h.post("/v1/declarations", "coalition/operator", declare(99))
        .await
        .expect(201);
}
