//! The rules of the theatre and check fire, over the API: a refusal names
//! the rule that binds the caller, a party reads only the rules it may, a
//! stop holds a cleared strike at once, and its owner is told and told
//! again until it answers, learning nothing of who raised it or where.

use crate::live::Stream;
use crate::scene::{TRUCK_PARK, scene};
use crate::{Harness, activity, in_hours};
use serde_json::{Value, json};
use std::time::Duration;

async fn set_rule(h: &Harness, body: Value) -> Value {
    h.post("/v1/rules", "joc/approver", body)
        .await
        .expect(201)
        .json()
}

fn names(rules: &Value) -> Vec<&str> {
    rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_mandate_refuses_a_kind_naming_the_rule_and_only_those_bound_read_it() {
    let h = Harness::new();
    let raid = activity("ground_operation", "Raid", 43.5, 34.9, 500.0, 30.0, 31.0);
    h.post("/v1/activities", "coalition/operator", raid.clone())
        .await
        .expect(201);
    let before = h.get("/v1/state", "joc/viewer").await.json()["seq"]
        .as_u64()
        .unwrap();
    let set = set_rule(
        &h,
        json!({"name": "coalition-mandate", "parties": ["coalition"],
            "rule": {"type": "forbid", "kinds": ["ground_operation"]},
            "reason": "advise and assist only, by the government's request"}),
    )
    .await;
    assert_eq!(set["version"], 1);
    assert_eq!(set["in_force"], true);
    let problem = h
        .post("/v1/activities", "coalition/operator", raid.clone())
        .await
        .problem(422, "rule_refused");
    assert_eq!(
        problem["rule"],
        json!({"name": "coalition-mandate", "version": 1})
    );
    assert_eq!(problem["field"], "kind");
    // The ISF is not bound by it.
    h.post("/v1/activities", "isf/operator", raid)
        .await
        .expect(201);

    let read = |who: &'static str| {
        let h = &h;
        async move { h.get("/v1/rules", who).await.expect(200).json() }
    };
    assert_eq!(
        names(&read("coalition/viewer").await),
        ["coalition-mandate"]
    );
    assert_eq!(names(&read("joc/viewer").await), ["coalition-mandate"]);
    let pmf = h.get("/v1/rules", "pmf/viewer").await.expect(200);
    assert!(!pmf.text().contains("coalition-mandate"), "{}", pmf.text());
    // As of before it was set, there was none.
    let old = h
        .get(&format!("/v1/rules?as_of={before}"), "joc/viewer")
        .await
        .expect(200)
        .json();
    assert!(names(&old).is_empty());
    // Made public, every party reads it.
    set_rule(
        &h,
        json!({"name": "coalition-mandate", "parties": ["coalition"], "public": true,
            "rule": {"type": "forbid", "kinds": ["ground_operation"]},
            "reason": "published with the agreement"}),
    )
    .await;
    let pmf = read("pmf/viewer").await;
    assert_eq!(names(&pmf), ["coalition-mandate"]);
    assert_eq!(pmf["rules"][0]["version"], 2);
    assert_eq!(pmf["rules"][0]["in_force"], true);
}

#[tokio::test]
async fn only_the_coordinators_approvers_set_rules_and_bad_ones_are_named() {
    let h = Harness::new();
    let rule = json!({"name": "r", "rule": {"type": "forbid", "kinds": ["patrol"]},
        "reason": "why"});
    for who in ["coalition/viewer", "pmf/operator", "joc/operator"] {
        h.post("/v1/rules", who, rule.clone()).await.expect(403);
    }
    let cases = [
        (
            json!({"name": "r", "rule": {"type": "forbid", "kinds": ["patrol"]}}),
            "reason",
        ),
        (json!({"name": "R!", "rule": null, "reason": "x"}), "name"),
        (
            json!({"name": "r", "rule": {"type": "notice", "kind": "convoy", "hours": -1},
                "reason": "x"}),
            "rule.hours",
        ),
        (
            json!({"name": "r", "rule": {"type": "area", "label": "NFA", "effect": "refuse",
                "geometry": {"type": "Point", "coordinates": [44.0, 95.0]},
                "valid_from": in_hours(0.0)}, "reason": "x"}),
            "rule.volume.geometry.coordinates[1]",
        ),
    ];
    for (body, field) in cases {
        let reply = h.post("/v1/rules", "joc/approver", body.clone()).await;
        let problem = reply.expect(422).json();
        assert_eq!(problem["field"], field, "{body}: {problem}");
    }
    let unknown = json!({"name": "r", "rule": {"type": "curfew"}, "reason": "x"});
    h.post("/v1/rules", "joc/approver", unknown)
        .await
        .problem(422, "malformed_body");
    let names = names(&h.get("/v1/rules", "joc/viewer").await.json()).len();
    assert_eq!(names, 0, "nothing refused was set");
}

#[tokio::test]
async fn a_late_convoy_comes_by_the_emergency_lane_and_waits_for_clearance() {
    let h = Harness::new();
    set_rule(
        &h,
        json!({"name": "convoy-notice", "public": true,
            "rule": {"type": "notice", "kind": "convoy", "hours": 48},
            "reason": "humanitarian notification, 48 hours ahead"}),
    )
    .await;
    let mut convoy = activity("convoy", "Food to Qayyarah", 43.2, 35.8, 300.0, 3.0, 6.0);
    let problem = h
        .post("/v1/activities", "ocha/operator", convoy.clone())
        .await
        .problem(422, "rule_refused");
    assert_eq!(problem["field"], "start");
    convoy["late_notice"] = json!("families cut off since the bridge fell");
    let submitted = h
        .post("/v1/activities", "ocha/operator", convoy)
        .await
        .expect(201)
        .json();
    assert_eq!(submitted["state"], "held");
    let id = submitted["id"].as_str().unwrap();
    let view = h
        .get(&format!("/v1/activities/{id}"), "ocha/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(
        view["late_notice"],
        "families cut off since the bridge fell"
    );
    assert_eq!(
        view["history"][0]["reason"],
        "held under rule convoy-notice v1"
    );
}

async fn raise_over_the_truck_park(h: &Harness) -> Value {
    h.post(
        "/v1/stops",
        "pmf/operator",
        json!({"cause": "troops_in_contact",
            "geometry": {"type": "Point", "coordinates": [TRUCK_PARK.0, TRUCK_PARK.1]},
            "buffer_m": 2000, "until": in_hours(3.0),
            "reason": "our 3rd company is in contact at the truck park"}),
    )
    .await
    .expect(201)
    .json()
}

#[tokio::test]
async fn check_fire_holds_a_cleared_strike_at_once_and_tells_its_owner_until_answered() {
    let policy = deconflict_model::Policy {
        stop_remind_ms: 100,
        ..deconflict_model::Policy::default()
    };
    let h = Harness::with_config(deconflict_service::Config {
        policy,
        ..crate::config()
    });
    let (_, strike) = scene(&h).await;
    let mut coalition = Stream::open(&h, "coalition/viewer", None).await;
    let mut joc = Stream::open(&h, "joc/viewer", None).await;
    let stop = raise_over_the_truck_park(&h).await;
    let id = stop["id"].as_str().unwrap().to_owned();
    // The raiser learns how many, and where it raised it; not whose.
    assert_eq!(stop["held_count"], 1);
    assert_eq!(stop["held"], json!([]));
    assert_eq!(stop["detail"]["raised_by"], "pmf");
    let state = h
        .get(&format!("/v1/activities/{strike}"), "coalition/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(state["state"], "held");

    // The owner is told at once, and only of its own.
    let events = coalition.until("stop").await;
    let told = &events.last().unwrap().data;
    assert_eq!(told["change"], "held");
    assert_eq!(told["stop"]["held"], json!([strike]));
    assert_eq!(told["stop"]["cause"], "troops_in_contact");
    let raw = &events.last().unwrap().raw;
    for hidden in ["pmf", "3rd company", "detail", "held_count", "43.475"] {
        assert!(!raw.contains(hidden), "the owner learns {hidden}: {raw}");
    }
    let listed = h.get("/v1/stops", "coalition/viewer").await.expect(200);
    assert!(!listed.text().contains("pmf"), "{}", listed.text());
    assert!(joc.until("stop").await.last().unwrap().data["change"] == "raised");

    // Cleared again only once it is lifted.
    h.post(
        &format!("/v1/activities/{strike}/clear"),
        "joc/approver",
        json!({"reason": "contact is over"}),
    )
    .await
    .problem(409, "stopped");

    // Reminded on every sweep until it acknowledges; then no more.
    tokio::time::sleep(Duration::from_millis(150)).await;
    h.state.sweep().await.unwrap();
    let reminder = coalition.until("stop").await;
    assert_eq!(reminder.last().unwrap().data["change"], "reminder");
    let acknowledged = h
        .post(
            &format!("/v1/stops/{id}/acknowledge"),
            "coalition/operator",
            json!({}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(acknowledged["acknowledged"], true);
    tokio::time::sleep(Duration::from_millis(150)).await;
    h.state.sweep().await.unwrap();
    while let Some(event) = coalition.next(Duration::from_millis(500)).await {
        assert!(
            !(event.kind == "stop" && event.data["change"] == "reminder"),
            "reminded after acknowledging: {}",
            event.raw
        );
    }
    let joc_view = h
        .get(&format!("/v1/stops/{id}"), "joc/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(joc_view["detail"]["unacknowledged"], json!(["joc"]));

    // Lifted by its raiser; the strike may be cleared again.
    h.post(
        &format!("/v1/stops/{id}/lift"),
        "pmf/operator",
        json!({"reason": "contact broken"}),
    )
    .await
    .expect(200);
    h.post(
        &format!("/v1/activities/{strike}/clear"),
        "joc/approver",
        json!({"reason": "contact is over"}),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn a_stop_is_not_found_by_a_party_it_does_not_concern() {
    let h = Harness::new();
    scene(&h).await;
    let stop = raise_over_the_truck_park(&h).await;
    let id = stop["id"].as_str().unwrap();
    let missing = "stp_000000000000";
    for who in ["ocha/viewer", "isf/operator"] {
        let found = h
            .get(&format!("/v1/stops/{id}"), who)
            .await
            .expect(404)
            .text();
        let never = h
            .get(&format!("/v1/stops/{missing}"), who)
            .await
            .expect(404)
            .text();
        assert_eq!(found, never, "{who}");
        let acked = h
            .post(
                &format!("/v1/stops/{id}/acknowledge"),
                "ocha/operator",
                json!({}),
            )
            .await
            .expect(404)
            .text();
        assert_eq!(acked, never);
        let listed = h.get("/v1/stops", who).await.expect(200).json();
        assert_eq!(listed["items"], json!([]));
    }
    // The coalition, whose strike it held, may not lift it.
    h.post(
        &format!("/v1/stops/{id}/lift"),
        "coalition/operator",
        json!({}),
    )
    .await
    .problem(403, "not_owner");
}

#[tokio::test]
async fn a_stop_is_bounded_and_explained() {
    let h = Harness::new();
    let at = json!({"type": "Point", "coordinates": [TRUCK_PARK.0, TRUCK_PARK.1]});
    let cases = [
        (
            json!({"cause": "other", "geometry": at, "buffer_m": 60000,
            "until": in_hours(1.0), "reason": "x"}),
            "geometry",
        ),
        (
            json!({"cause": "other", "geometry": at, "buffer_m": 100,
            "until": in_hours(25.0), "reason": "x"}),
            "until",
        ),
        (
            json!({"cause": "other", "geometry": at, "buffer_m": 100,
            "until": in_hours(1.0)}),
            "reason",
        ),
    ];
    for (body, field) in cases {
        let problem = h
            .post("/v1/stops", "pmf/operator", body)
            .await
            .expect(422)
            .json();
        assert_eq!(problem["field"], field, "{problem}");
    }
    let body = json!({"cause": "other", "geometry": at, "buffer_m": 100,
        "until": in_hours(1.0), "reason": "x"});
    h.post("/v1/stops", "pmf/viewer", body).await.expect(403);
    assert_eq!(
        h.get("/v1/stops", "joc/viewer").await.json()["items"],
        json!([])
    );
}

async fn public_site(h: &Harness, who: &str, kind: &str, at: (f64, f64)) -> String {
    let mut body = crate::declaration(kind, "Displaced families, Debaga", at.0, at.1, 400.0);
    body["visibility"] = json!("public");
    h.post("/v1/declarations", who, body)
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_challenge_reaches_the_owner_without_the_challenger_and_the_ruling_flags_the_site() {
    let h = Harness::new();
    let site = public_site(&h, "pmf/operator", "camp", (43.6, 36.0)).await;
    let mut pmf = Stream::open(&h, "pmf/viewer", None).await;
    let challenge = h
        .post(
            &format!("/v1/declarations/{site}/challenges"),
            "coalition/operator",
            json!({"grounds": "fighters and a mortar seen inside, 3 December"}),
        )
        .await
        .expect(201)
        .json();
    let id = challenge["id"].as_str().unwrap().to_owned();
    assert_eq!(challenge["by"], "coalition");

    // The owner is told, without who.
    let told = pmf.until("site").await;
    let event = told.last().unwrap();
    assert_eq!(event.data["change"], "challenged");
    assert!(!event.raw.contains("coalition"), "{}", event.raw);
    let seen = h
        .get(&format!("/v1/declarations/{site}"), "pmf/viewer")
        .await
        .expect(200);
    assert!(!seen.text().contains("coalition"), "{}", seen.text());
    assert_eq!(
        seen.json()["challenges"][0]["grounds"],
        "fighters and a mortar seen inside, 3 December"
    );
    let listed = h.get("/v1/challenges", "pmf/viewer").await.expect(200);
    assert!(!listed.text().contains("coalition"), "{}", listed.text());
    // Nor from the record: the challenge's entry is not the owner's to read.
    let log = crate::read_log(&h, "pmf/viewer").await;
    for (seq, read) in &log {
        let text = serde_json::to_string(&crate::rebuilt(read)).unwrap();
        assert!(!text.contains("mortar"), "entry {seq}: {text}");
    }

    // A party it does not concern does not find it.
    let found = h
        .get(&format!("/v1/challenges/{id}"), "isf/viewer")
        .await
        .expect(404)
        .text();
    let never = h
        .get("/v1/challenges/chl_000000000000", "isf/viewer")
        .await
        .expect(404)
        .text();
    assert_eq!(found, never);

    h.post(
        &format!("/v1/challenges/{id}/answer"),
        "pmf/operator",
        json!({"answer": "a police post at the gate; no mortar"}),
    )
    .await
    .expect(200);
    let ruled = h
        .post(
            &format!("/v1/challenges/{id}/ruling"),
            "joc/approver",
            json!({"ruling": "disputed", "reason": "the ISF saw both", "name_challenger": false}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(ruled["ruling"], "disputed");
    let owner = h
        .get(&format!("/v1/challenges/{id}"), "pmf/viewer")
        .await
        .expect(200);
    assert!(!owner.text().contains("coalition"));
    assert_eq!(
        owner.json()["answer"],
        "a police post at the gate; no mortar"
    );
    // Every party that sees the site sees it disputed.
    let flagged = h
        .get(&format!("/v1/declarations/{site}"), "ocha/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(flagged["disputed"], "the ISF saw both");
    h.post(
        &format!("/v1/challenges/{id}/ruling"),
        "joc/approver",
        json!({"ruling": "upheld", "reason": "again"}),
    )
    .await
    .problem(409, "wrong_state");

    // An attack at the disputed site: its evidence carries the challenge,
    // the answer and the ruling.
    let incident = h
        .post(
            "/v1/incidents",
            "pmf/operator",
            json!({"kind": "attack", "place": {"type": "Point", "coordinates": [43.6, 36.0]},
                "precision_m": 300, "window": {"from": in_hours(-2.0), "to": in_hours(-1.0)},
                "reported_by": "PMF medical staff", "against": "coalition",
                "source": "staff at the site", "source_grade": "B2"}),
        )
        .await
        .expect(201)
        .json();
    let evidence = h
        .get(
            &format!(
                "/v1/incidents/{}/evidence",
                incident["id"].as_str().unwrap()
            ),
            "joc/auditor",
        )
        .await
        .expect(200)
        .text();
    let bundle = deconflict_record::Bundle::parse(&evidence).unwrap();
    let key = h.get("/v1/log/key", "joc/auditor").await.text();
    let key = deconflict_ledger::VerifierKey::parse(key.trim_end()).unwrap();
    let story = bundle.verify(&[key]).unwrap().story().join("\n");
    for step in [
        format!("challenged declaration {site}"),
        format!("answered challenge {id}"),
        format!("ruled challenge {id} disputed"),
    ] {
        assert!(story.contains(&step), "{step}:\n{story}");
    }
}

/// The coalition's side of its conflict with the PMF's private post, as the
/// coalition sees it.
async fn coalition_side(h: &Harness) -> Value {
    let conflicts = h.get("/v1/conflicts", "coalition/viewer").await.json();
    let sides = conflicts["items"][0]["sides"].as_array().unwrap().clone();
    assert_eq!(sides.len(), 2, "{conflicts}");
    sides[1].clone()
}

#[tokio::test]
async fn a_party_striking_near_a_private_site_is_told_it_is_disputed_and_no_one_else_is() {
    let h = Harness::new();
    let post = h
        .post(
            "/v1/declarations",
            "pmf/operator",
            crate::declaration("clinic", "Brigade 30 aid post", 43.30, 36.30, 300.0),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    h.post(
        "/v1/activities",
        "coalition/operator",
        activity(
            "air_strike",
            "Compound west of Bartella",
            43.30,
            36.30,
            500.0,
            1.0,
            2.0,
        ),
    )
    .await
    .expect(201);
    let side = coalition_side(&h).await;
    assert_eq!(side["view"], "coarse");
    assert!(side.get("disputed").is_none(), "{side}");

    let mut coalition = Stream::open(&h, "coalition/viewer", None).await;
    let mut isf = Stream::open(&h, "isf/viewer", None).await;
    let challenge = |grounds: &'static str| {
        let h = &h;
        let post = post.clone();
        async move {
            h.post(
                &format!("/v1/declarations/{post}/challenges"),
                "joc/approver",
                json!({ "grounds": grounds }),
            )
            .await
            .expect(201)
            .json()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let rule = |id: String, ruling: &'static str| {
        let h = &h;
        async move {
            h.post(
                &format!("/v1/challenges/{id}/ruling"),
                "joc/approver",
                json!({ "ruling": ruling, "reason": "checked by the JOC's liaison" }),
            )
            .await
            .expect(200);
        }
    };

    // A challenge, and its upholding, say nothing to the striker: the site
    // was never disputed.
    let first = challenge("an ammunition store behind the clinic").await;
    rule(first, "upheld").await;
    let second = challenge("fighters seen using the aid post").await;
    rule(second, "disputed").await;
    let told = coalition.until("conflict").await;
    let event = &told.last().unwrap().data;
    assert_eq!(event["change"], "disputed", "{told:#?}");
    assert_eq!(event["conflict"]["sides"][1]["disputed"], true);
    for seen in &told {
        for secret in [
            &post as &str,
            "Brigade 30",
            "ammunition",
            "fighters seen",
            "liaison",
        ] {
            assert!(!seen.raw.contains(secret), "{secret} in {}", seen.raw);
        }
    }
    assert_eq!(coalition_side(&h).await["disputed"], true);

    let third = challenge("the ISF vouched for it").await;
    rule(third, "upheld").await;
    let told = coalition.until("conflict").await;
    assert_eq!(told.last().unwrap().data["change"], "undisputed");
    assert!(coalition_side(&h).await.get("disputed").is_none());

    // A party in no conflict with the post hears nothing of it.
    assert!(isf.next(Duration::from_millis(300)).await.is_none());
}

#[tokio::test]
async fn an_unconfirmed_camp_is_asked_to_reconfirm_before_a_convoy_over_it_is_cleared() {
    let h = Harness::new();
    set_rule(
        &h,
        json!({"name": "camps", "public": true,
            "rule": {"type": "reconfirm", "kind": "camp", "hours": 0.0001},
            "reason": "camps empty and move"}),
    )
    .await;
    let camp = public_site(&h, "ocha/operator", "camp", (43.6, 36.0)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    h.state.sweep().await.unwrap();
    let seen = h
        .get(&format!("/v1/declarations/{camp}"), "pmf/viewer")
        .await
        .expect(200)
        .json();
    assert!(seen["unconfirmed_since"].is_string(), "{seen}");
    assert!(seen.get("reconfirm_by").is_none());

    let convoy = activity("convoy", "Fuel to Erbil", 43.6, 36.0, 300.0, 30.0, 32.0);
    let submitted = h
        .post("/v1/activities", "isf/operator", convoy)
        .await
        .expect(201)
        .json();
    let id = submitted["id"].as_str().unwrap();
    let conflict = submitted["conflicts"][0]["id"].as_str().unwrap();
    for who in ["isf/operator", "ocha/operator"] {
        h.post(
            &format!("/v1/conflicts/{conflict}/acknowledge"),
            who,
            json!({}),
        )
        .await
        .expect(200);
    }
    let owner = h
        .get(&format!("/v1/declarations/{camp}"), "ocha/viewer")
        .await
        .expect(200)
        .json();
    assert!(owner["reconfirm_by"].is_string(), "{owner}");
    h.post(
        &format!("/v1/activities/{id}/clear"),
        "joc/approver",
        json!({"reason": "the camp is empty"}),
    )
    .await
    .problem(409, "awaiting_reconfirmation");
    h.post(
        &format!("/v1/declarations/{camp}/reconfirm"),
        "ocha/operator",
        json!({}),
    )
    .await
    .expect(200);
    h.post(
        &format!("/v1/activities/{id}/clear"),
        "joc/approver",
        json!({"reason": "the camp stands; the convoy keeps to the road"}),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn a_strike_on_a_camp_the_striker_was_told_of_asks_it_to_respond_and_the_coordinator_sees_the_clock()
 {
    let h = Harness::new();
    let camp = public_site(&h, "pmf/operator", "camp", TRUCK_PARK).await;
    let strike = activity(
        "air_strike",
        "Strike",
        TRUCK_PARK.0,
        TRUCK_PARK.1,
        500.0,
        1.0,
        2.0,
    );
    h.post("/v1/activities", "coalition/operator", strike)
        .await
        .expect(201);
    let incident = h
        .post(
            "/v1/incidents",
            "pmf/operator",
            json!({"kind": "friendly_fire",
                "place": {"type": "Point", "coordinates": [TRUCK_PARK.0, TRUCK_PARK.1]},
                "precision_m": 200, "window": {"from": in_hours(-2.0), "to": in_hours(-1.0)},
                "reported_by": "camp staff", "against": "coalition",
                "source": "staff", "source_grade": "B2"}),
        )
        .await
        .expect(201)
        .json();
    let id = incident["id"].as_str().unwrap();
    let accused = h
        .get(&format!("/v1/incidents/{id}"), "coalition/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(accused["notified_site"], true);
    assert!(accused["respond_by"].is_string());
    assert!(accused.get("notified_sites").is_none(), "{accused}");
    let joc = h
        .get(&format!("/v1/incidents/{id}"), "joc/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(joc["notified_sites"], json!([camp]));
    h.post(
        &format!("/v1/incidents/{id}/response"),
        "pmf/operator",
        json!({"response": "not ours to answer"}),
    )
    .await
    .problem(403, "not_owner");
    let answered = h
        .post(
            &format!("/v1/incidents/{id}/response"),
            "coalition/operator",
            json!({"response": "no coalition aircraft over the camp in that window"}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(
        answered["response"],
        "no coalition aircraft over the camp in that window"
    );
}
