//! The demo's stories, told through the API rather than the scenario loader.

use crate::{Harness, activity, declaration, in_hours};
use serde_json::{Value, json};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn balad_an_air_strike_near_a_pmf_position_is_held() {
    let h = Harness::new();
    let mut position = declaration(
        "unit_position",
        "PMF brigade NE of Balad",
        44.1611,
        34.0291,
        800.0,
    );
    position["valid_to"] = json!(in_hours(96.0));
    h.post("/v1/declarations", "pmf/operator", position)
        .await
        .expect(201);
    let mut strike = activity(
        "air_strike",
        "Strike NE of Balad",
        44.1549,
        34.0302,
        1000.0,
        2.0,
        3.0,
    );
    strike["altitude_m"] = json!([0, 6000]);
    let submitted = h
        .post("/v1/activities", "coalition/operator", strike)
        .await
        .expect(201)
        .json();
    assert_eq!(submitted["state"], "held");
    assert_eq!(submitted["conflicts"].as_array().unwrap().len(), 1);

    let seen = h.get("/v1/conflicts", "pmf/operator").await.expect(200);
    assert!(!seen.text().contains("Strike NE of Balad"));
    assert!(!seen.text().contains(&id(&submitted)));
    let conflict = &seen.json()["items"][0];
    assert_eq!(conflict["sides"][1]["kind"], "air_strike");
    // Still held: only an approver can clear it, and not before the PMF acknowledged.
    let strike_id = id(&submitted);
    h.post(
        &format!("/v1/activities/{strike_id}/clear"),
        "joc/approver",
        json!({"reason": "checked"}),
    )
    .await
    .problem(409, "unacknowledged_conflicts");
}

#[tokio::test]
async fn al_qaim_a_survey_is_acknowledged_by_the_pmf_and_cleared_by_the_joc() {
    let h = Harness::new();
    for (lon, lat) in [(40.9851, 34.4081), (40.9941, 34.3901)] {
        let post = declaration("border_post", "PMF border post", lon, lat, 300.0);
        h.post("/v1/declarations", "pmf/operator", post)
            .await
            .expect(201);
    }
    let survey = json!({
        "kind": "survey",
        "label": "Border survey at al-Qaim",
        "geometry": {"type": "LineString", "coordinates": [[40.9991, 34.3789], [40.9801, 34.3976], [40.9619, 34.4121]]},
        "buffer_m": 1500,
        "start": in_hours(6.0),
        "end": in_hours(12.0),
    });
    let submitted = h
        .post("/v1/activities", "coalition/operator", survey)
        .await
        .expect(201)
        .json();
    assert_eq!(submitted["state"], "held");
    let survey_id = id(&submitted);
    let conflicts: Vec<String> = submitted["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    assert_eq!(conflicts.len(), 2);

    let clear = format!("/v1/activities/{survey_id}/clear");
    let reason =
        json!({"reason": "PMF acknowledged; route coordinated with the ISF border command"});
    let p = h
        .post(&clear, "joc/approver", reason.clone())
        .await
        .problem(409, "unacknowledged_conflicts");
    assert!(p["detail"].as_str().unwrap().contains(&conflicts[0]));
    // The coalition cannot acknowledge on the PMF's behalf: its own side opened it.
    for c in &conflicts {
        let acked = h
            .post(
                &format!("/v1/conflicts/{c}/acknowledge"),
                "pmf/operator",
                json!({}),
            )
            .await
            .expect(200)
            .json();
        assert_eq!(acked["sides"][0]["notification"]["state"], "acknowledged");
        h.post(
            &format!("/v1/conflicts/{c}/acknowledge"),
            "pmf/operator",
            json!({}),
        )
        .await
        .problem(409, "wrong_state");
    }
    let seen = h
        .get(
            &format!("/v1/conflicts/{}", conflicts[0]),
            "coalition/viewer",
        )
        .await
        .json();
    assert_eq!(
        seen["sides"][1]["notification"],
        json!({"acknowledged": true})
    );
    assert_eq!(seen["sides"][1]["kind"], "border_post");

    let cleared = h
        .post(&clear, "joc/approver", reason)
        .await
        .expect(200)
        .json();
    assert_eq!(cleared["state"], "cleared");
    assert_eq!(
        cleared["history"].as_array().unwrap().last().unwrap()["reason"],
        "PMF acknowledged; route coordinated with the ISF border command"
    );
    h.post(
        &format!("/v1/activities/{survey_id}/start"),
        "coalition/operator",
        json!({}),
    )
    .await
    .expect(200);
    h.post(
        &format!("/v1/activities/{survey_id}/complete"),
        "coalition/operator",
        json!({}),
    )
    .await
    .expect(200);
    let after = h
        .get("/v1/conflicts?state=resolved", "pmf/viewer")
        .await
        .json();
    assert_eq!(
        after["items"].as_array().unwrap().len(),
        2,
        "the survey is over: resolved"
    );
}

#[tokio::test]
async fn al_taqaddum_separate_areas_do_not_conflict() {
    let h = Harness::new();
    let area = |coords: Value| {
        json!({
            "kind": "base", "label": "area", "buffer_m": 200, "valid_from": in_hours(-720.0),
            "geometry": {"type": "Polygon", "coordinates": coords},
        })
    };
    let coalition = area(json!([[
        [43.5931, 33.3421],
        [43.6093, 33.3421],
        [43.6093, 33.3542],
        [43.5931, 33.3542],
        [43.5931, 33.3421]
    ]]));
    let pmf = area(json!([[
        [43.5652, 33.3212],
        [43.5819, 33.3212],
        [43.5819, 33.3329],
        [43.5652, 33.3329],
        [43.5652, 33.3212]
    ]]));
    h.post("/v1/declarations", "coalition/operator", coalition)
        .await
        .expect(201);
    h.post("/v1/declarations", "pmf/operator", pmf)
        .await
        .expect(201);
    let training = json!({
        "kind": "training", "label": "Range training", "buffer_m": 100,
        "geometry": {"type": "Polygon", "coordinates": [[[43.5981, 33.3452], [43.6059, 33.3452], [43.6059, 33.3509], [43.5981, 33.3509], [43.5981, 33.3452]]]},
        "start": in_hours(1.0), "end": in_hours(5.0),
    });
    let convoy = json!({
        "kind": "convoy", "label": "Convoy", "buffer_m": 100,
        "geometry": {"type": "LineString", "coordinates": [[43.5683, 33.3241], [43.5788, 33.3309]]},
        "start": in_hours(1.0), "end": in_hours(4.0),
    });
    let t = h
        .post("/v1/activities", "coalition/operator", training)
        .await
        .expect(201)
        .json();
    let c = h
        .post("/v1/activities", "pmf/operator", convoy)
        .await
        .expect(201)
        .json();
    for submitted in [t, c] {
        assert_eq!(submitted["state"], "cleared");
        assert_eq!(submitted["conflicts"], json!([]));
    }
    assert_eq!(
        h.get("/v1/conflicts", "joc/viewer").await.json()["items"],
        json!([])
    );
}

#[tokio::test]
async fn mosul_the_ocha_camp_is_public_and_a_strike_on_it_is_held() {
    let h = Harness::new();
    let mut camp = declaration(
        "camp",
        "Displacement camp west of Mosul",
        43.0303,
        36.3404,
        500.0,
    );
    camp["visibility"] = json!("public");
    let camp_id = id(&h
        .post("/v1/declarations", "ocha/operator", camp)
        .await
        .expect(201)
        .json());
    for who in [
        "coalition/viewer",
        "pmf/viewer",
        "isf/viewer",
        "peshmerga/viewer",
    ] {
        let seen = h
            .get(&format!("/v1/declarations/{camp_id}"), who)
            .await
            .expect(200)
            .json();
        assert_eq!(seen["label"], "Displacement camp west of Mosul");
    }
    let fire = activity(
        "indirect_fire",
        "Fire mission",
        43.04,
        36.34,
        1500.0,
        1.0,
        2.0,
    );
    let submitted = h
        .post("/v1/activities", "isf/operator", fire)
        .await
        .expect(201)
        .json();
    assert_eq!(submitted["state"], "held");
    // The camp is public, so the ISF sees it in full in the conflict.
    let side = &submitted["conflicts"][0]["sides"][1];
    assert_eq!(side["view"], "full");
    assert_eq!(side["object"]["id"], camp_id.as_str());
    // OCHA learns only the kind of the ISF's activity.
    let ocha = h.get("/v1/conflicts", "ocha/viewer").await.json();
    assert_eq!(ocha["items"][0]["sides"][1]["view"], "coarse");
    assert_eq!(ocha["items"][0]["sides"][1]["kind"], "indirect_fire");
}
