//! Limits that follow the physical world, through the API: the PMF's survey
//! of all Iraq, for twenty years, up to 100 km, is refused naming the field
//! and the limit, and nothing is logged; a policy from the configuration
//! that allows more accepts it.

use crate::{Harness, config};
use deconflict_model::{Limits, Policy};
use deconflict_server::Config;
use serde_json::{Value, json};

/// The last entry's sequence number, 0 for an empty log.
async fn seq(h: &Harness) -> u64 {
    h.get("/v1/state", "joc/viewer").await.expect(200).json()["seq"]
        .as_u64()
        .unwrap_or(0)
}

/// A survey: `geometry` with `buffer_m`, 2020 to 2040, 0 to 100 km.
fn survey(geometry: Value, buffer_m: f64) -> Value {
    json!({
        "kind": "survey",
        "label": "Survey",
        "geometry": geometry,
        "buffer_m": buffer_m,
        "altitude_m": [0, 100_000],
        "start": "2020-01-01T00:00:00Z",
        "end": "2040-01-01T00:00:00Z",
    })
}

fn iraq() -> Value {
    json!({"type": "Polygon", "coordinates": [[
        [38.8, 29.1], [48.6, 29.1], [48.6, 37.4], [38.8, 37.4], [38.8, 29.1]
    ]]})
}

/// The service's configuration, with the geometry cost (positions times
/// area) out of the way, so that the kind's limits are what answers.
fn without_cost() -> Config {
    Config {
        max_geometry_cost: f64::MAX,
        ..config()
    }
}

#[tokio::test]
async fn the_pmfs_survey_of_all_iraq_is_refused_naming_the_field_and_nothing_is_logged() {
    let h = Harness::with_config(without_cost());
    let before = seq(&h).await;
    let p = h
        .post("/v1/activities", "pmf/operator", survey(iraq(), 0.0))
        .await
        .problem(422, "invalid_field");
    assert_eq!(p["field"], "geometry", "{p}");
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("geometry: covers about ")
            && detail.ends_with("km²; a survey may cover at most 5,000 km²"),
        "{detail}"
    );
    // One point with a buffer as wide as the country.
    let centre = json!({"type": "Point", "coordinates": [43.7, 33.2]});
    let p = h
        .post(
            "/v1/activities",
            "pmf/operator",
            survey(centre.clone(), 450_000.0),
        )
        .await
        .problem(422, "invalid_field");
    assert_eq!(p["field"], "buffer_m", "{p}");
    // A small one, still for twenty years and up to 100 km.
    let mut small = survey(centre, 1_000.0);
    let p = h
        .post("/v1/activities", "pmf/operator", small.clone())
        .await
        .problem(422, "invalid_field");
    assert_eq!(p["field"], "altitude_m", "{p}");
    small["altitude_m"] = json!([0, 1_000]);
    let p = h
        .post("/v1/activities", "pmf/operator", small)
        .await
        .problem(422, "invalid_field");
    assert_eq!(p["field"], "end", "{p}");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .ends_with("a survey may last at most 7 days"),
        "{p}"
    );
    assert_eq!(seq(&h).await, before, "nothing was logged");

    // With the service's defaults, the polygon is refused all the same.
    let h = Harness::new();
    let p = h
        .post("/v1/activities", "pmf/operator", survey(iraq(), 0.0))
        .await;
    assert!(matches!(p.status.as_u16(), 413 | 422), "{}", p.text());
    assert_eq!(p.json()["field"], "geometry");
    assert_eq!(seq(&h).await, 0, "nothing was logged");
}

#[tokio::test]
async fn a_unit_may_not_declare_a_speed_beyond_its_kind_and_a_configured_policy_allows_more() {
    let h = Harness::with_config(without_cost());
    let mut unit = crate::declaration("unit_position", "Company", 44.16, 34.03, 200.0);
    unit["tracking"] = json!({"report_interval_s": 60, "max_speed_mps": 3000});
    let p = h
        .post("/v1/declarations", "pmf/operator", unit.clone())
        .await
        .problem(422, "invalid_field");
    assert_eq!(p["field"], "tracking.max_speed_mps", "{p}");
    assert_eq!(seq(&h).await, 0);

    let mut policy = Policy::default();
    let wide = Limits {
        max_area_km2: Some(1_000_000.0),
        max_window_h: Some(25.0 * 365.0 * 24.0),
        max_altitude_m: Some(100_000.0),
        max_speed_mps: None,
    };
    policy.limits.insert("survey".into(), wide);
    policy.default_limits.max_speed_mps = Some(3_000.0);
    policy.limits.remove("unit_position");
    let h = Harness::with_config(Config {
        policy,
        ..without_cost()
    });
    h.post("/v1/activities", "pmf/operator", survey(iraq(), 0.0))
        .await
        .expect(201);
    h.post("/v1/declarations", "pmf/operator", unit)
        .await
        .expect(201);
}

/// A CoT position report of `uid` at `at`, `seconds` from now.
fn cot_event(uid: &str, at: (f64, f64), seconds: f64, detail: &str) -> String {
    let t = crate::in_hours(seconds / 3600.0);
    format!(
        "<event version=\"2.0\" uid=\"{uid}\" type=\"a-f-G-U-C\" how=\"m-g\" time=\"{t}\" \
         start=\"{t}\" stale=\"{t}\"><point lat=\"{}\" lon=\"{}\" hae=\"0\" ce=\"10\" \
         le=\"10\"/><detail>{detail}</detail></event>",
        at.1, at.0
    )
}

/// Where the unit's party reads its track: `(lon, lat)`.
async fn track_of(h: &Harness, unit: &str) -> Option<(f64, f64)> {
    let seen = h
        .get(&format!("/v1/declarations/{unit}"), "pmf/viewer")
        .await
        .expect(200)
        .json();
    Some((
        seen["track"]["lon"].as_f64()?,
        seen["track"]["lat"].as_f64()?,
    ))
}

async fn until_track(h: &Harness, unit: &str, at: (f64, f64)) {
    for _ in 0..100 {
        if track_of(h, unit).await == Some(at) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the unit is at {:?}, not {at:?}", track_of(h, unit).await);
}

#[tokio::test]
async fn a_cot_feed_drops_a_report_that_jumps_and_keeps_the_rest_of_its_batch() {
    use crate::scene::{GATE, TIKRIT, scene};
    use tokio::io::AsyncWriteExt;
    let h = Harness::new();
    let (unit, _) = scene(&h).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serving = deconflict_server::cot::serve_cot(
        listener,
        None,
        h.state.clone(),
        None,
        std::future::pending(),
    );
    tokio::spawn(serving);
    let mut tak = tokio::net::TcpStream::connect(addr).await.unwrap();
    let token = h.token("pmf/operator");
    let auth = format!("<__deconflict token=\"{token}\"/>");
    tak.write_all(cot_event("ANDROID-pmf-3", GATE, 0.0, &auth).as_bytes())
        .await
        .unwrap();
    until_track(&h, &unit, GATE).await;
    let before = seq(&h).await;

    // One write, one batch: ten metres on, then, a second later, 40 km
    // away at Tikrit. The jump is dropped alone.
    let near = (GATE.0 + 0.0001, GATE.1);
    let batch =
        cot_event("ANDROID-pmf-3", near, 0.0, "") + &cot_event("ANDROID-pmf-3", TIKRIT, 1.0, "");
    tak.write_all(batch.as_bytes()).await.unwrap();
    until_track(&h, &unit, near).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(seq(&h).await, before + 1, "one entry, with the good report");
    assert_eq!(track_of(&h, &unit).await, Some(near));
}

#[tokio::test]
async fn a_lost_unit_is_shown_lost_and_a_patrol_over_it_alerts_the_coordinator_alone() {
    use crate::live::Stream;
    use std::time::Duration;
    // Lost 100 m beyond its last report: at the first sweep after its
    // silence.
    let policy = Policy {
        stale_reach_cap_m: 100.0,
        ..Policy::default()
    };
    let h = Harness::with_config(Config { policy, ..config() });
    let at = (44.16, 34.03);
    let mut unit = crate::declaration("unit_position", "Company", at.0, at.1, 200.0);
    unit["tracking"] = json!({"report_interval_s": 1, "max_speed_mps": 20});
    let unit = h
        .post("/v1/declarations", "pmf/operator", unit)
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    h.post(
        "/v1/tracks",
        "pmf/operator",
        crate::scene::report(&unit, at),
    )
    .await
    .expect(200);
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let now = seq(&h).await;
    let mut pmf = Stream::open(&h, "pmf/viewer", Some(now)).await;
    let mut joc = Stream::open(&h, "joc/viewer", Some(now)).await;
    let mut coalition = Stream::open(&h, "coalition/viewer", Some(now)).await;
    h.state.sweep().await.unwrap();
    let stale = pmf.until("stale").await;
    assert!(
        stale.last().unwrap().raw.contains("\"lost\":true"),
        "{stale:?}"
    );
    let track = &h
        .get(&format!("/v1/declarations/{unit}"), "pmf/viewer")
        .await
        .expect(200)
        .json()["track"];
    assert_eq!(
        (&track["stale"], &track["lost"]),
        (&json!(true), &json!(true))
    );

    // The coalition's patrol over it: cleared, no conflict; the
    // coordinator alone is alerted.
    let patrol = crate::activity("patrol", "Patrol", at.0, at.1, 500.0, 0.0, 2.0);
    let answer = h
        .post("/v1/activities", "coalition/operator", patrol)
        .await
        .expect(201)
        .json();
    assert_eq!(answer["state"], "cleared", "{answer}");
    assert_eq!(answer["conflicts"], json!([]), "{answer}");
    let seen = joc.until("alert").await;
    let alert = &seen.last().unwrap().raw;
    assert!(
        alert.contains("lost_unit") && alert.contains(&unit),
        "{alert}"
    );
    for stream in [&mut coalition, &mut pmf] {
        while let Some(e) = stream.next(Duration::from_millis(300)).await {
            assert!(
                !e.raw.contains("alert") && !e.raw.contains(&unit),
                "{}",
                e.raw
            );
        }
    }
    // It stands for the coordinator, with the patrol planned over the
    // unit, until acknowledged; for no one else.
    let standing = h.get("/v1/alerts", "joc/viewer").await.expect(200).json();
    let lost = standing["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["alert"]["about"] == "lost_unit")
        .unwrap_or_else(|| panic!("{standing}"));
    assert_eq!(lost["alert"]["declaration_id"], unit.as_str());
    assert_eq!(lost["alert"]["activity_id"], answer["id"]);
    assert_eq!(lost["state"], "new");
    for who in ["coalition/viewer", "pmf/viewer"] {
        let theirs = h.get("/v1/alerts", who).await.expect(200).text();
        assert!(
            !theirs.contains("lost_unit") && !theirs.contains(&unit),
            "{who}: {theirs}"
        );
    }
}
