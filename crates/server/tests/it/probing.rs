//! Chosen questions through the API: the PMF, with valid operator
//! credentials, asks one wide question over central Iraq, then bisects
//! with points of buffer 0 submitted and cancelled at once. The wide
//! question shows it nothing of the other sides; the bisection is told to
//! the coordinator, never to the PMF.

use crate::live::Stream;
use crate::need_to_know::{assert_clean, coalition_secrets};
use crate::{Harness, in_hours};
use serde_json::{Value, json};
use std::time::Duration;

/// A kilometre from Al Asad's reference point: inside the coalition's
/// compound (3 km around it).
const AL_ASAD: [f64; 2] = [42.45, 33.79];

async fn head(h: &Harness) -> u64 {
    h.get("/v1/state", "joc/viewer").await.expect(200).json()["seq"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn a_wide_question_shows_the_pmf_no_other_side() {
    let h = Harness::demo().await;
    // A flight over Anbar and Baghdad: Al Asad, Taqaddum, Taji, the
    // airport, the embassy, Balad.
    let body = json!({
        "kind": "flight",
        "label": "PMF reconnaissance flight",
        "geometry": {"type": "Polygon", "coordinates": [[
            [42.0, 33.2], [44.5, 33.2], [44.5, 34.2], [42.0, 34.2], [42.0, 33.2]
        ]]},
        "buffer_m": 0,
        "altitude_m": [0, 6000],
        "start": in_hours(1.0),
        "end": in_hours(20.0),
    });
    let reply = h
        .post("/v1/activities", "pmf/operator", body)
        .await
        .expect(201);
    let answer = reply.json();
    assert_eq!(answer["state"], "held");
    let conflicts = answer["conflicts"].as_array().unwrap();
    assert!(conflicts.len() > 3, "{answer:#}");
    let secrets = coalition_secrets(&h).await;
    assert_clean("the wide question's answer", &reply, &secrets);
    for c in conflicts {
        assert_eq!(c["overlap"], Value::Null, "{c:#}");
        assert_eq!(c["sides"][0]["party"], "pmf");
        assert_eq!(c["sides"][1], json!({"view": "coordinator_only"}), "{c:#}");
        assert!(c.get("withheld").is_none(), "{c:#}");
    }
    // Nor does anything the PMF reads afterwards.
    for path in ["/v1/conflicts", "/v1/state"] {
        let reply = h.get(path, "pmf/viewer").await.expect(200);
        assert_clean(path, &reply, &secrets);
        let state: Value = reply.json();
        let listed = match path {
            "/v1/conflicts" => state["items"].clone(),
            _ => state["conflicts"].clone(),
        };
        let mut found = 0;
        for c in listed.as_array().unwrap() {
            if conflicts.iter().any(|o| o["id"] == c["id"]) {
                found += 1;
                assert_eq!(c["overlap"], Value::Null, "{path}: {c:#}");
                assert_eq!(c["sides"][1], json!({"view": "coordinator_only"}));
            }
        }
        assert_eq!(found, conflicts.len(), "{path}");
    }
    // The coalition is told of the flight as always, and the coordinator
    // sees everything, with why the PMF was told less.
    let mut coalition_told = 0;
    for c in conflicts {
        let id = c["id"].as_str().unwrap();
        let joc = h
            .get(&format!("/v1/conflicts/{id}"), "joc/viewer")
            .await
            .expect(200)
            .json();
        assert_eq!(
            joc["withheld"],
            json!({"reason": "wide", "opener_shown": true})
        );
        assert!(joc["overlap"].is_object(), "{joc:#}");
        let other = joc["sides"][1]["party"].as_str().unwrap().to_owned();
        if other != "coalition" {
            continue;
        }
        coalition_told += 1;
        let seen = h
            .get(&format!("/v1/conflicts/{id}"), "coalition/viewer")
            .await
            .expect(200)
            .json();
        assert_eq!(seen["sides"][1]["view"], "coarse", "{seen:#}");
        assert_eq!(seen["sides"][1]["kind"], "flight");
        assert!(seen["overlap"]["area"].is_object(), "{seen:#}");
        assert!(seen.get("withheld").is_none());
    }
    assert!(coalition_told >= 3, "{coalition_told}");
}

/// One probe: a point of buffer 0 inside the base, coordinator-only,
/// submitted and cancelled at once. Returns the submission's answer.
async fn probe(h: &Harness, n: usize) -> Value {
    let body = json!({
        "kind": "survey",
        "label": format!("Survey point {n}"),
        "geometry": {"type": "Point", "coordinates": AL_ASAD},
        "buffer_m": 0,
        "start": in_hours(1.0),
        "end": in_hours(2.0),
        "disclosure": "coordinator_only",
    });
    let answer = h
        .post("/v1/activities", "pmf/operator", body)
        .await
        .expect(201)
        .json();
    let id = answer["id"].as_str().unwrap();
    h.post(
        &format!("/v1/activities/{id}/cancel"),
        "pmf/operator",
        json!({}),
    )
    .await
    .expect(200);
    answer
}

#[tokio::test]
async fn a_bisection_is_told_to_the_coordinator_and_never_to_the_pmf() {
    let h = Harness::demo().await;
    let now = head(&h).await;
    let mut joc = Stream::open(&h, "joc/viewer", Some(now)).await;
    let mut pmf = Stream::open(&h, "pmf/viewer", Some(now)).await;
    let mut answers = Vec::new();
    for n in 0..22 {
        answers.push(probe(&h, n).await);
    }
    // Twenty answers say yes; then the budget is spent, and an answer says
    // neither yes nor no: held, the coordinator will contact it.
    for (n, answer) in answers.iter().enumerate() {
        let conflicts = answer["conflicts"].as_array().unwrap();
        if n < 20 {
            assert_eq!(conflicts.len(), 1, "{n}: {answer:#}");
            assert_eq!(conflicts[0]["sides"][1]["kind"], "base");
        } else {
            assert!(conflicts.is_empty(), "{n}: {answer:#}");
            assert_eq!(answer["state"], "held", "{n}");
        }
    }
    let seen = joc.until("probing_suspected").await;
    let raw = &seen.last().unwrap().raw;
    let data: Value = serde_json::from_str(
        raw.lines()
            .find_map(|l| l.strip_prefix("data:"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    assert_eq!(data["party"], "pmf", "{data:#}");
    assert_eq!(data["patterns"][0]["pattern"], "quick_cycles");
    assert_eq!(data["patterns"][0]["count"], 20);
    assert_eq!(data["patterns"][0]["objects"].as_array().unwrap().len(), 20);
    assert_eq!(data["subject"], answers[20]["id"]);
    // The probe met the base: the coordinator has the conflict the PMF was
    // not shown.
    let [opened] = data["opened"].as_array().unwrap().as_slice() else {
        panic!("{data:#}");
    };
    let conflict = h
        .get(
            &format!("/v1/conflicts/{}", opened.as_str().unwrap()),
            "joc/viewer",
        )
        .await
        .expect(200)
        .json();
    assert_eq!(
        conflict["withheld"],
        json!({"reason": "budget", "opener_shown": false})
    );
    h.get(
        &format!("/v1/conflicts/{}", opened.as_str().unwrap()),
        "pmf/viewer",
    )
    .await
    .expect(404);

    // The PMF's stream has everything it was told, and never the suspicion.
    let mut told = Vec::new();
    while let Some(event) = pmf.next(Duration::from_secs(1)).await {
        told.push(event.raw);
    }
    assert!(!told.is_empty());
    for raw in &told {
        assert!(!raw.contains("probing"), "{raw}");
    }
    // Nor does its log: the suspicion is the coordinator's to read.
    let log = crate::read_log(&h, "pmf/auditor").await;
    for read in log.values() {
        for p in &read.payloads {
            assert!(!p.pointer.contains("probing"), "{}", p.pointer);
            assert!(!p.pointer.ends_with("via_coordinator"), "{}", p.pointer);
        }
    }
}
