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

/// A batch of `n` reports of `unit` at `at`, a minute apart and ending now.
pub(crate) fn reports(unit: &str, at: (f64, f64), n: usize) -> serde_json::Value {
    let reports: Vec<_> = (0..n)
        .map(|i| {
            json!({
                "declaration_id": unit, "time": in_hours(-((n - i) as f64) / 60.0),
                "lat": at.1, "lon": at.0, "ce_m": 15.0,
            })
        })
        .collect();
    json!({ "reports": reports })
}

/// A PMF unit reporting every 30 s, on a service that takes a minute's
/// backlog at once (so the burst is the floor of ten reports).
pub(crate) async fn paced_unit(h: &Harness) -> String {
    let mut unit = crate::declaration("unit_position", "PMF company", 43.68, 34.6, 200.0);
    unit["tracking"] = json!({"report_interval_s": 30});
    h.post("/v1/declarations", "pmf/operator", unit)
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn paced() -> Harness {
    Harness::with_config(deconflict_server::Config {
        unit_report_backlog: Some(std::time::Duration::from_secs(60)),
        ..crate::config()
    })
}

#[tokio::test]
async fn a_unit_reports_no_faster_than_its_declared_interval_allows() {
    let h = paced();
    let unit = paced_unit(&h).await;
    let at = (43.68, 34.6);
    let before = head(&h).await;
    let reply = h
        .post("/v1/tracks", "pmf/operator", reports(&unit, at, 11))
        .await;
    assert!(reply.headers.contains_key("retry-after"));
    let problem = reply.problem(429, "reports_too_fast");
    assert_eq!(problem["field"], "reports[10].declaration_id", "{problem}");
    assert_eq!(head(&h).await, before, "a refused batch is not logged");
    // The backlog is taken whole, and the next report must wait its turn.
    h.post("/v1/tracks", "pmf/operator", reports(&unit, at, 10))
        .await
        .expect(200);
    h.post("/v1/tracks", "pmf/operator", reports(&unit, at, 1))
        .await
        .problem(429, "reports_too_fast");
    // Another unit, and another party's, report on.
    let other = paced_unit(&h).await;
    h.post("/v1/tracks", "pmf/operator", reports(&other, at, 10))
        .await
        .expect(200);
}

#[tokio::test]
async fn a_refused_batch_costs_its_units_nothing() {
    let h = paced();
    let unit = paced_unit(&h).await;
    let mut bad = reports(&unit, (43.68, 34.6), 10);
    bad["reports"][9]["lat"] = json!(91.0);
    for _ in 0..3 {
        h.post("/v1/tracks", "pmf/operator", bad.clone())
            .await
            .problem(422, "invalid_field");
    }
    h.post(
        "/v1/tracks",
        "pmf/operator",
        reports(&unit, (43.68, 34.6), 10),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn pacing_tells_no_party_of_another_partys_units() {
    let h = paced();
    let mut unit = crate::declaration("unit_position", "Coalition team", 43.68, 34.6, 200.0);
    unit["tracking"] = json!({"report_interval_s": 30});
    let coalition_unit = h
        .post("/v1/declarations", "coalition/operator", unit)
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The coalition's unit has used its whole backlog.
    h.post(
        "/v1/tracks",
        "coalition/operator",
        reports(&coalition_unit, (43.68, 34.6), 10),
    )
    .await
    .expect(200);
    // The PMF naming it gets what it gets for an id that never existed.
    let answer = |unit: String| {
        let h = &h;
        async move {
            let reply = h
                .post(
                    "/v1/tracks",
                    "pmf/operator",
                    reports(&unit, (43.68, 34.6), 1),
                )
                .await;
            (reply.status, reply.body)
        }
    };
    let named = answer(coalition_unit).await;
    let unknown = answer("dec_00000000abcd".to_owned()).await;
    assert_eq!(named, unknown);
    assert_eq!(named.0, 422, "{:?}", String::from_utf8_lossy(&named.1));
}
