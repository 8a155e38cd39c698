//! Holding others at will: a PMF post moved in and out of a cleared
//! coalition strike puts it back on hold after every override. Each hold
//! is attributed, counted for the coordinator, and stopped by its decision,
//! while both sides are still told.

use crate::scene::{TRUCK_PARK, scene};
use crate::{Harness, declaration, in_hours};
use axum::http::Method;
use serde_json::{Value, json};

async fn state_of(h: &Harness, strike: &str) -> Value {
    h.get(&format!("/v1/activities/{strike}"), "coalition/viewer")
        .await
        .expect(200)
        .json()
}

/// Moves the PMF's post to `(lon, lat)`; the answer.
async fn move_post(h: &Harness, post: &str, version: u64, at: (f64, f64)) -> Value {
    let mut body = declaration("unit_position", "PMF post", at.0, at.1, 100.0);
    body["version"] = json!(version);
    h.call(
        Method::PUT,
        &format!("/v1/declarations/{post}"),
        "pmf/operator",
        Some(body),
    )
    .await
    .expect(200)
    .json()
}

async fn caused(h: &Harness) -> Value {
    h.get("/v1/holds", "joc/viewer").await.expect(200).json()["caused"].clone()
}

async fn override_and_clear(h: &Harness, strike: &str) {
    let conflicts = h.get("/v1/conflicts?state=open", "joc/viewer").await.json();
    for c in conflicts["items"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        h.post(
            &format!("/v1/conflicts/{id}/override"),
            "joc/approver",
            json!({"reason": "the post is not there"}),
        )
        .await
        .expect(200);
    }
    h.post(
        &format!("/v1/activities/{strike}/clear"),
        "joc/approver",
        json!({"reason": "cleared again"}),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn the_re_hold_loop_is_attributed_and_stopped_by_the_coordinator() {
    let h = Harness::new();
    let (_, strike) = scene(&h).await;
    let away = (TRUCK_PARK.0 + 0.5, TRUCK_PARK.1);
    let near = (TRUCK_PARK.0 + 0.002, TRUCK_PARK.1);
    let post = h
        .post(
            "/v1/declarations",
            "pmf/operator",
            declaration("unit_position", "PMF post", away.0, away.1, 100.0),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut version = 1;
    let mut cycle = |to: (f64, f64)| {
        version += 1;
        let (h, post, v) = (&h, post.clone(), version - 1);
        async move { move_post(h, &post, v, to).await }
    };
    cycle(near).await;
    let held = state_of(&h, &strike).await;
    assert_eq!(held["state"], "held");
    let reason = held["history"].as_array().unwrap().last().unwrap()["reason"].clone();
    assert!(reason.as_str().unwrap().contains("con_"), "{reason}");
    assert_eq!(caused(&h).await, json!({"pmf": 1}));
    h.get("/v1/holds", "pmf/operator")
        .await
        .problem(403, "not_coordinator");
    h.get("/v1/holds", "coalition/viewer")
        .await
        .problem(403, "not_coordinator");

    override_and_clear(&h, &strike).await;
    cycle(away).await;
    cycle(near).await;
    assert_eq!(state_of(&h, &strike).await["state"], "held");
    assert_eq!(caused(&h).await, json!({"pmf": 2}));
    override_and_clear(&h, &strike).await;

    // The coordinator suspends the PMF's holds around the strike.
    let (lon, lat) = TRUCK_PARK;
    let area = json!({"type": "Polygon", "coordinates": [[
        [lon - 0.1, lat - 0.1], [lon + 0.1, lat - 0.1], [lon + 0.1, lat + 0.1],
        [lon - 0.1, lat + 0.1], [lon - 0.1, lat - 0.1]]]});
    let body = json!({"party": "pmf", "area": area, "until": in_hours(24.0),
        "reason": "the PMF re-holds this strike"});
    h.post("/v1/holds/suspensions", "pmf/operator", body.clone())
        .await
        .problem(403, "role_forbidden");
    let mut no_reason = body.clone();
    no_reason.as_object_mut().unwrap().remove("reason");
    h.post("/v1/holds/suspensions", "joc/approver", no_reason)
        .await
        .problem(422, "reason_required");
    let mut point = body.clone();
    point["area"] = json!({"type": "Point", "coordinates": [lon, lat]});
    let problem = h
        .post("/v1/holds/suspensions", "joc/approver", point)
        .await
        .json();
    assert_eq!(problem["field"], "area", "{problem}");
    h.post("/v1/holds/suspensions", "joc/approver", body)
        .await
        .expect(201);
    cycle(away).await;
    let answer = cycle(near).await;
    assert_eq!(state_of(&h, &strike).await["state"], "cleared");
    assert_eq!(caused(&h).await, json!({"pmf": 2}));
    // Still told, both sides: the PMF in its answer, the coalition in its
    // conflicts.
    assert_eq!(answer["conflicts"].as_array().unwrap().len(), 1, "{answer}");
    let coalition = h
        .get("/v1/conflicts?state=open", "coalition/viewer")
        .await
        .json();
    assert_eq!(
        coalition["items"].as_array().unwrap().len(),
        1,
        "{coalition}"
    );
    let holds = h.get("/v1/holds", "joc/viewer").await.json();
    assert_eq!(holds["suspensions"][0]["party"], "pmf");
}

#[tokio::test]
async fn a_disputed_declaration_holds_nothing_and_its_owner_is_told_why() {
    let h = Harness::new();
    let (_, strike) = scene(&h).await;
    let away = (TRUCK_PARK.0 + 0.5, TRUCK_PARK.1);
    let post = h
        .post(
            "/v1/declarations",
            "pmf/operator",
            declaration("hospital", "Field hospital", away.0, away.1, 100.0),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/v1/declarations/{post}/dispute");
    let body = json!({"disputed": true, "reason": "used as a headquarters"});
    h.post(&path, "coalition/operator", body.clone())
        .await
        .problem(403, "role_forbidden");
    let disputed = h.post(&path, "joc/approver", body).await.expect(200).json();
    assert_eq!(disputed["disputed"], "used as a headquarters");
    let own = h
        .get(&format!("/v1/declarations/{post}"), "pmf/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(own["disputed"], "used as a headquarters");
    move_post(&h, &post, 1, (TRUCK_PARK.0 + 0.002, TRUCK_PARK.1)).await;
    assert_eq!(state_of(&h, &strike).await["state"], "cleared");
}
