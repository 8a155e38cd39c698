//! Every endpoint's happy path.

use crate::{Harness, activity, declaration, in_hours};
use axum::http::Method;
use serde_json::json;

#[tokio::test]
async fn declarations_are_created_listed_read_amended_and_withdrawn() {
    let h = Harness::new();
    let body = declaration("base", "Camp Taji, ISF side", 44.2775, 33.5294, 1500.0);
    let created = h
        .post("/v1/declarations", "isf/operator", body)
        .await
        .expect(201);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("dec_"), "{id}");
    assert_eq!(
        created.headers["location"],
        format!("/v1/declarations/{id}")
    );
    assert_eq!(created.json()["version"], 1);
    assert_eq!(created.json()["conflicts"], json!([]));

    let one = h
        .get(&format!("/v1/declarations/{id}"), "isf/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(one["label"], "Camp Taji, ISF side");
    assert_eq!(one["owner"], "isf");
    assert_eq!(one["visibility"], "private");
    assert_eq!(one["disclosure"], "coarse");
    assert_eq!(one["altitude_m"], json!([0.0, 0.0]));
    assert_eq!(one["geometry"]["coordinates"], json!([44.2775, 33.5294]));
    assert!(one["valid_from"].as_str().unwrap().ends_with('Z'));
    assert_eq!(one["valid_to"], json!(null));

    let list = h
        .get("/v1/declarations", "isf/auditor")
        .await
        .expect(200)
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["next_after"], json!(null));

    let mut amended = declaration(
        "base",
        "Camp Taji, ISF side (grown)",
        44.2775,
        33.5294,
        2500.0,
    );
    amended["version"] = json!(1);
    let change = h
        .call(
            Method::PUT,
            &format!("/v1/declarations/{id}"),
            "isf/operator",
            Some(amended),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(change["version"], 2);
    let one = h
        .get(&format!("/v1/declarations/{id}"), "isf/viewer")
        .await
        .json();
    assert_eq!(one["buffer_m"], 2500.0);

    let gone = h
        .call(
            Method::DELETE,
            &format!("/v1/declarations/{id}"),
            "isf/operator",
            None,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(gone["id"], id.as_str());
    let one = h
        .get(&format!("/v1/declarations/{id}"), "isf/viewer")
        .await
        .json();
    assert_eq!(one["withdrawn"], true);
    // Withdrawn ones leave the list unless asked for.
    let list = h.get("/v1/declarations", "isf/viewer").await.json();
    assert_eq!(list["items"], json!([]));
    let list = h
        .get("/v1/declarations?include_withdrawn=true", "isf/viewer")
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn lists_filter_by_box_time_and_kind_and_paginate() {
    let h = Harness::new();
    for (i, (lon, lat)) in [
        (44.0, 33.0),
        (44.1, 33.1),
        (44.2, 33.2),
        (40.0, 36.0),
        (44.3, 33.3),
    ]
    .into_iter()
    .enumerate()
    {
        let kind = if i == 2 { "checkpoint" } else { "base" };
        let body = declaration(kind, &format!("site {i}"), lon, lat, 100.0);
        h.post("/v1/declarations", "isf/operator", body)
            .await
            .expect(201);
    }
    let count = |v: serde_json::Value| v["items"].as_array().unwrap().len();
    let all = h.get("/v1/declarations", "isf/viewer").await.json();
    assert_eq!(count(all), 5);
    let boxed = h
        .get("/v1/declarations?bbox=43.9,32.9,44.25,33.25", "isf/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(count(boxed), 3);
    let kind = h
        .get("/v1/declarations?kind=checkpoint", "isf/viewer")
        .await
        .json();
    assert_eq!(count(kind), 1);
    let before = h
        .get(
            &format!("/v1/declarations?to={}", in_hours(-2.0)),
            "isf/viewer",
        )
        .await
        .json();
    assert_eq!(count(before), 0, "all start an hour ago");
    let during = h
        .get(
            &format!(
                "/v1/declarations?from={}&to={}",
                in_hours(0.0),
                in_hours(1.0)
            ),
            "isf/viewer",
        )
        .await
        .json();
    assert_eq!(count(during), 5);

    // Pages of two, in id order, until `next_after` is null.
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let path = if after.is_empty() {
            "/v1/declarations?limit=2".to_owned()
        } else {
            format!("/v1/declarations?limit=2&after={after}")
        };
        let page = h.get(&path, "isf/viewer").await.expect(200).json();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match page["next_after"].as_str() {
            Some(next) => after = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
}

#[tokio::test]
async fn an_activity_lives_from_submission_to_completion() {
    let h = Harness::new();
    let patrol = activity(
        "patrol",
        "Patrol near Tikrit",
        43.68,
        34.61,
        500.0,
        1.0,
        3.0,
    );
    let submitted = h
        .post("/v1/activities", "isf/operator", patrol)
        .await
        .expect(201)
        .json();
    assert_eq!(submitted["state"], "cleared", "a patrol needs no clearance");
    let id = submitted["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("act_"));

    let a = h
        .post(
            &format!("/v1/activities/{id}/start"),
            "isf/operator",
            json!({}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(a["state"], "active");
    // An empty body is as good as `{}`.
    let a = h
        .raw(
            Method::POST,
            &format!("/v1/activities/{id}/complete"),
            "isf/operator",
            None,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(a["state"], "completed");
    let states: Vec<_> = a["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["state"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(states, ["cleared", "active", "completed"]);

    let strike = activity("air_strike", "Strike", 43.0, 35.0, 500.0, 1.0, 2.0);
    let submitted = h
        .post("/v1/activities", "isf/operator", strike)
        .await
        .expect(201)
        .json();
    assert_eq!(
        submitted["state"], "held",
        "policy: an air strike waits for an approver"
    );
    let id = submitted["id"].as_str().unwrap().to_owned();
    let reason = json!({"reason": "checked with the JOC targeting cell"});
    let a = h
        .post(
            &format!("/v1/activities/{id}/clear"),
            "joc/approver",
            reason,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(a["state"], "cleared");
    assert_eq!(
        a["history"][1]["reason"],
        "checked with the JOC targeting cell"
    );
    let a = h
        .post(
            &format!("/v1/activities/{id}/hold"),
            "joc/approver",
            json!({}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(a["state"], "held");
    let a = h
        .post(
            &format!("/v1/activities/{id}/deny"),
            "joc/approver",
            json!({"reason": "civilians reported"}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(a["state"], "denied");

    let survey = activity("survey", "Survey", 43.0, 35.0, 500.0, 1.0, 2.0);
    let id = h
        .post("/v1/activities", "isf/operator", survey)
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let a = h
        .post(
            &format!("/v1/activities/{id}/cancel"),
            "isf/operator",
            json!({}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(a["state"], "cancelled");

    let list = h
        .get("/v1/activities", "isf/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    let held = h
        .get("/v1/activities?state=denied", "isf/viewer")
        .await
        .json();
    assert_eq!(held["items"].as_array().unwrap().len(), 1);
    let one = h
        .get(&format!("/v1/activities/{id}"), "isf/auditor")
        .await
        .expect(200)
        .json();
    assert_eq!(one["label"], "Survey");
    // The coordinator sees them all; another party none.
    let joc = h.get("/v1/activities", "joc/viewer").await.json();
    assert_eq!(joc["items"].as_array().unwrap().len(), 3);
    let pmf = h.get("/v1/activities", "pmf/viewer").await.json();
    assert_eq!(pmf["items"], json!([]));
}

#[tokio::test]
async fn conflicts_are_listed_delivered_acknowledged_and_overridden() {
    let h = Harness::new();
    let post = declaration("unit_position", "PMF position", 44.16, 34.03, 800.0);
    h.post("/v1/declarations", "pmf/operator", post)
        .await
        .expect(201);
    let strike = activity(
        "air_strike",
        "Strike near Balad",
        44.155,
        34.03,
        1000.0,
        2.0,
        3.0,
    );
    let submitted = h
        .post("/v1/activities", "coalition/operator", strike)
        .await
        .expect(201)
        .json();
    assert_eq!(submitted["state"], "held");
    let conflict = &submitted["conflicts"][0];
    let id = conflict["id"].as_str().unwrap().to_owned();
    assert_eq!(conflict["state"], "open");
    assert_eq!(conflict["sides"][0]["view"], "full");
    assert_eq!(conflict["sides"][0]["party"], "coalition");
    assert_eq!(conflict["sides"][0]["notification"]["state"], "delivered");
    assert_eq!(conflict["sides"][1]["view"], "coarse");
    assert_eq!(conflict["sides"][1]["kind"], "unit_position");
    // Of the PMF's notification, the coalition reads only that it is not
    // acknowledged.
    assert_eq!(
        conflict["sides"][1]["notification"],
        json!({"acknowledged": false})
    );
    let commands = h.metric("deconflict_commands_total").await;

    // The PMF reads it: delivered, recorded in the log before the answer.
    let list = h
        .get("/v1/conflicts", "pmf/viewer")
        .await
        .expect(200)
        .json();
    let mine = &list["items"][0];
    assert_eq!(mine["id"], id.as_str());
    assert_eq!(mine["sides"][0]["party"], "pmf");
    assert_eq!(mine["sides"][0]["notification"]["state"], "delivered");
    assert!(mine["sides"][0]["notification"]["delivered_at"].is_string());
    assert_eq!(mine["sides"][1]["kind"], "air_strike");
    assert_eq!(h.metric("deconflict_commands_total").await, commands + 1);
    // Reading again records nothing new.
    h.get(&format!("/v1/conflicts/{id}"), "pmf/viewer")
        .await
        .expect(200);
    assert_eq!(h.metric("deconflict_commands_total").await, commands + 1);

    let open = h
        .get("/v1/conflicts?state=open", "coalition/viewer")
        .await
        .json();
    assert_eq!(open["items"].as_array().unwrap().len(), 1);
    let acked = h
        .post(
            &format!("/v1/conflicts/{id}/acknowledge"),
            "pmf/operator",
            json!({}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(acked["sides"][0]["notification"]["state"], "acknowledged");
    assert_eq!(acked["state"], "open", "acknowledging clears nothing");
    let overridden = h
        .post(
            &format!("/v1/conflicts/{id}/override"),
            "joc/approver",
            json!({"reason": "position confirmed empty by the PMF liaison"}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(overridden["state"], "overridden");
    assert_eq!(
        overridden["override"]["reason"],
        "position confirmed empty by the PMF liaison"
    );
    let joc = h.get("/v1/conflicts", "joc/viewer").await.json();
    assert_eq!(joc["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        joc["items"][0]["sides"][1]["view"], "full",
        "the coordinator sees all"
    );
}

#[tokio::test]
async fn state_now_and_as_of_a_sequence_number_or_a_time() {
    let h = Harness::new();
    let body = declaration("base", "K-1", 44.2842, 35.5125, 2000.0);
    h.post("/v1/declarations", "isf/operator", body)
        .await
        .expect(201);
    let t1 = in_hours(0.0);
    std::thread::sleep(std::time::Duration::from_millis(5));
    let body = declaration("base", "Q-West", 43.1217, 35.7658, 3000.0);
    h.post("/v1/declarations", "isf/operator", body)
        .await
        .expect(201);

    let now = h.get("/v1/state", "isf/viewer").await.expect(200).json();
    assert_eq!(now["seq"], 2);
    assert_eq!(now["declarations"].as_array().unwrap().len(), 2);
    let first = h
        .get("/v1/state?as_of=1", "isf/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(first["seq"], 1);
    assert_eq!(first["declarations"][0]["label"], "K-1");
    let then = h
        .get(&format!("/v1/state?as_of={t1}"), "isf/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(then["seq"], 1);
    let none = h
        .get("/v1/state?as_of=0", "isf/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(none["seq"], serde_json::Value::Null);
    assert_eq!(none["declarations"], json!([]));
    let as_of_now = h.get("/v1/state?as_of=2", "isf/viewer").await.expect(200);
    let now = h.get("/v1/state", "isf/viewer").await;
    assert_eq!(
        as_of_now.body, now.body,
        "as_of the head is the current state"
    );
}

#[tokio::test]
async fn health_and_openapi_need_no_token_and_metrics_the_operators() {
    let h = Harness::new();
    let health = h.get("/healthz", "").await.expect(200).json();
    assert_eq!(health, json!({"status": "ok"}));
    h.get("/v1/declarations", "").await.expect(401);
    h.get("/metrics", "").await.problem(404, "no_route");
    let metrics = h.get_as("/metrics", crate::METRICS_TOKEN).await.expect(200);
    assert!(
        metrics.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = metrics.text();
    for family in [
        "deconflict_http_responses_total{class=\"2xx\"}",
        "deconflict_http_responses_total{class=\"4xx\"} 2",
        "deconflict_auth_failures_total 1",
        "deconflict_log_entries 0",
        "deconflict_log_commits_total",
        "deconflict_rate_limited_total 0",
    ] {
        assert!(text.contains(family), "{family} missing from\n{text}");
    }
    let doc = h.get("/v1/openapi.json", "").await.expect(200).json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/v1/activities/{id}/clear"]["post"].is_object());
    assert!(
        h.get("/v1/declarations", "isf/viewer")
            .await
            .headers
            .contains_key("x-request-id")
    );
}

#[tokio::test]
async fn me_names_the_caller() {
    let h = Harness::new();
    let me = h.get("/v1/me", "pmf/operator").await.expect(200).json();
    assert_eq!(me["party"], "pmf");
    assert_eq!(me["role"], "operator");
    assert_eq!(me["coordinator"], false);
    assert_eq!(me["credential_id"], h.credential("pmf/operator"));
    let joc = h.get("/v1/me", "joc/approver").await.expect(200).json();
    assert_eq!(
        (joc["role"].as_str(), joc["coordinator"].as_bool()),
        (Some("approver"), Some(true))
    );
    h.get("/v1/me", "").await.problem(401, "unauthenticated");
}
