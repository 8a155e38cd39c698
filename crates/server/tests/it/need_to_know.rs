//! Need-to-know, for every endpoint and role, after the demo scenario: the
//! PMF's answers never hold a coalition private label, coordinate or id;
//! the PMF sees its conflicts' kind, window and coarse area; a 404 for a
//! coalition private id is byte-identical to one for an id that never
//! existed; the coordinator sees everything; the OCHA camp is public.

use crate::{Harness, PARTIES, Reply};
use axum::http::Method;
use serde_json::{Value, json};

const PMF: [&str; 3] = ["pmf/viewer", "pmf/operator", "pmf/auditor"];

/// Everything of the coalition's private objects that the PMF must never
/// see, from the coordinator's view: ids, labels, and every coordinate as
/// JSON writes it.
pub(crate) async fn coalition_secrets(h: &Harness) -> Vec<String> {
    let state = h.get("/v1/state", "joc/viewer").await.expect(200).json();
    let mut secrets = Vec::new();
    for list in ["declarations", "activities"] {
        for object in state[list].as_array().unwrap() {
            if object["owner"] != "coalition" || object["visibility"] == "public" {
                continue;
            }
            secrets.push(object["id"].as_str().unwrap().to_owned());
            secrets.push(object["label"].as_str().unwrap().to_owned());
            numbers(&object["geometry"]["coordinates"], &mut secrets);
        }
    }
    assert!(secrets.len() > 20, "{secrets:?}");
    secrets
}

/// A rule that binds the coalition alone, a stop the coalition raised over
/// its own base, and the coordinator's challenge of that base, ruled
/// disputed: what of them the PMF must never see.
async fn coalition_rule_stop_and_challenge(h: &Harness) -> Vec<String> {
    h.post(
        "/v1/rules",
        "joc/approver",
        json!({"name": "coalition-quiet-rule", "parties": ["coalition"],
            "rule": {"type": "clearance", "kinds": ["patrol", "survey"]},
            "reason": "agreed with the coalition alone, xray-kilo"}),
    )
    .await
    .expect(201);
    let state = h.get("/v1/state", "joc/viewer").await.expect(200).json();
    let base = state["declarations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["owner"] == "coalition" && d["visibility"] == "private")
        .expect("a private coalition site");
    let stop = h
        .post(
            "/v1/stops",
            "coalition/operator",
            json!({"cause": "troops_in_contact", "geometry": base["geometry"],
                "buffer_m": 500, "until": crate::in_hours(2.0),
                "reason": "coalition stop over its own base, yankee-zulu"}),
        )
        .await
        .expect(201)
        .json();
    let challenge = h
        .post(
            &format!(
                "/v1/declarations/{}/challenges",
                base["id"].as_str().unwrap()
            ),
            "joc/approver",
            json!({"grounds": "the base holds a strike cell, whiskey-victor"}),
        )
        .await
        .expect(201)
        .json();
    let challenge = challenge["id"].as_str().unwrap().to_owned();
    h.post(
        &format!("/v1/challenges/{challenge}/ruling"),
        "joc/approver",
        json!({"ruling": "disputed", "reason": "seen by the JOC, papa-quebec"}),
    )
    .await
    .expect(200);
    vec![
        "coalition-quiet-rule".to_owned(),
        "xray-kilo".to_owned(),
        "yankee-zulu".to_owned(),
        stop["id"].as_str().unwrap().to_owned(),
        "whiskey-victor".to_owned(),
        "papa-quebec".to_owned(),
        challenge,
    ]
}

fn numbers(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| numbers(v, out)),
        Value::Number(n) => out.push(n.to_string()),
        _ => {}
    }
}

pub(crate) fn assert_clean(what: &str, reply: &Reply, secrets: &[String]) {
    let text = reply.text();
    for secret in secrets {
        assert!(!shows(&text, secret), "{what} shows `{secret}`:\n{text}");
    }
}

/// Whether `text` holds `secret`; a number only as a whole number, so that
/// 34.0302 is not found in an outline's 34.0302211.
fn shows(text: &str, secret: &str) -> bool {
    if secret.parse::<f64>().is_err() {
        return text.contains(secret);
    }
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '.');
    text.match_indices(secret).any(|(at, _)| {
        !digit(text[..at].chars().next_back()) && !digit(text[at + secret.len()..].chars().next())
    })
}

/// Every read the PMF can make, with the ids it legitimately knows.
async fn pmf_reads(h: &Harness, who: &str) -> Vec<(String, Reply)> {
    let mut paths: Vec<String> = [
        "/v1/declarations",
        "/v1/declarations?include_withdrawn=true",
        "/v1/declarations?bbox=40,33,45,37",
        "/v1/activities",
        "/v1/conflicts",
        "/v1/conflicts?state=open",
        "/v1/state",
        "/v1/rules",
        "/v1/stops",
        "/v1/challenges",
        "/healthz",
    ]
    .map(str::to_owned)
    .to_vec();
    let head = h.get("/v1/state", "joc/viewer").await.json()["seq"]
        .as_u64()
        .unwrap();
    for seq in [1, head / 2, head - 1, head] {
        paths.push(format!("/v1/state?as_of={seq}"));
    }
    paths.push(format!("/v1/state?as_of={}", crate::in_hours(1.0)));
    let state = h.get("/v1/state", who).await.expect(200).json();
    for d in state["declarations"].as_array().unwrap() {
        paths.push(format!("/v1/declarations/{}", d["id"].as_str().unwrap()));
    }
    for a in state["activities"].as_array().unwrap() {
        paths.push(format!("/v1/activities/{}", a["id"].as_str().unwrap()));
    }
    for c in state["conflicts"].as_array().unwrap() {
        paths.push(format!("/v1/conflicts/{}", c["id"].as_str().unwrap()));
    }
    let challenges = h.get("/v1/challenges", who).await.expect(200).json();
    for c in challenges["items"].as_array().unwrap() {
        paths.push(format!("/v1/challenges/{}", c["id"].as_str().unwrap()));
    }
    // The record: every page of the log, every entry's payloads, proofs,
    // checkpoints, and the evidence of every incident it may see.
    let size = h.get("/v1/log/entries?start=0", who).await.json()["size"]
        .as_u64()
        .unwrap();
    for start in (0..size).step_by(10) {
        paths.push(format!("/v1/log/entries?start={start}&end={}", start + 10));
    }
    for seq in 1..=size {
        paths.push(format!("/v1/log/payloads?seq={seq}"));
    }
    paths.push("/v1/log/checkpoint".into());
    paths.push(format!("/v1/log/proof/inclusion?index=0&size={size}"));
    paths.push(format!("/v1/log/proof/consistency?from=1&to={size}"));
    let incidents = h.get("/v1/incidents", who).await.expect(200).json();
    for i in incidents["items"].as_array().unwrap() {
        let id = i["id"].as_str().unwrap();
        paths.push(format!("/v1/incidents/{id}"));
        paths.push(format!("/v1/incidents/{id}/evidence"));
    }
    // The same answers in each GIS format, outlines drawn.
    let places = [
        "declarations",
        "activities",
        "conflicts",
        "incidents",
        "stops",
    ];
    let gis: Vec<String> = paths
        .iter()
        .filter(|p| places.iter().any(|r| p.starts_with(&format!("/v1/{r}"))))
        .filter(|p| !p.ends_with("/evidence"))
        .flat_map(|p| {
            let join = if p.contains('?') { '&' } else { '?' };
            ["f=geojson&outline=true", "f=kml", "f=csv&outline=true"]
                .map(|f| format!("{p}{join}{f}"))
        })
        .collect();
    paths.extend(gis);
    // The same lists as OGC API – Features collections, and their features.
    paths.extend(["/ogc", "/ogc/conformance", "/ogc/collections"].map(str::to_owned));
    for collection in [
        "declarations",
        "tracks",
        "activities",
        "conflicts",
        "incidents",
        "stops",
    ] {
        paths.push(format!("/ogc/collections/{collection}"));
        paths.push(format!("/ogc/collections/{collection}/items?limit=1000"));
    }
    for list in ["declarations", "activities", "conflicts"] {
        for item in state[list].as_array().unwrap() {
            let id = item["id"].as_str().unwrap();
            paths.push(format!("/ogc/collections/{list}/items/{id}"));
        }
    }
    let mut replies = Vec::new();
    for path in paths {
        let reply = h.get(&path, who).await.expect(200);
        replies.push((path, reply));
    }
    replies
}

#[tokio::test]
async fn the_pmf_never_sees_coalition_labels_coordinates_or_ids() {
    let h = Harness::demo().await;
    // Two private sites imported as one entry of the log.
    let sites = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [43.1357, 33.3791]},
            "properties": {"kind": "base", "label": "Imported safe house, tango-bravo", "buffer_m": 200}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [43.2468, 33.4802]},
            "properties": {"kind": "base", "label": "Imported depot, sierra-echo", "buffer_m": 200}}]});
    let request = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/v1/declarations/import")
        .header(
            "authorization",
            format!("Bearer {}", h.token("coalition/operator")),
        )
        .header("content-type", "application/geo+json")
        .header("idempotency-key", "coalition-sites")
        .body(axum::body::Body::from(sites.to_string()))
        .unwrap();
    h.send(request).await.expect(201);
    let mut secrets = coalition_secrets(&h).await;
    assert!(secrets.iter().any(|s| s.contains("tango-bravo")));
    secrets.push("coalition-sites".into());
    secrets.extend(coalition_rule_stop_and_challenge(&h).await);
    for who in [
        "coalition/operator",
        "coalition/viewer",
        "coalition/auditor",
    ] {
        secrets.push(h.credential(who));
    }
    for who in PMF {
        for (path, reply) in pmf_reads(&h, who).await {
            assert_clean(&format!("{who} GET {path}"), &reply, &secrets);
        }
        // Its event stream, from the start of the log.
        let mut stream = crate::live::Stream::open(&h, who, Some(0)).await;
        let mut events = String::new();
        while let Some(event) = stream.next(std::time::Duration::from_millis(500)).await {
            events.push_str(&event.raw);
        }
        assert!(events.contains("conflict"), "{who}: {events}");
        for secret in &secrets {
            assert!(
                !events.contains(secret.as_str()),
                "{who}'s events show `{secret}`"
            );
        }
    }
}

#[tokio::test]
async fn every_refusal_on_a_coalition_id_looks_like_one_on_a_missing_id() {
    let h = Harness::demo().await;
    let secrets = coalition_secrets(&h).await;
    let coalition = [
        ("declarations", h.id("coalition_al_asad")),
        ("declarations", h.id("coalition_taqaddum")),
        ("activities", h.id("coalition_balad_strike")),
        ("activities", h.id("coalition_al_qaim_survey")),
    ];
    for who in PMF {
        for (resource, id) in &coalition {
            let prefix = &id[..4];
            let missing = format!("{prefix}0123456789ab");
            let mut calls = vec![(Method::GET, format!("/v1/{resource}/{{}}"), None)];
            if *resource == "declarations" {
                let body = crate::declaration("base", "mine now", 42.4412, 33.7856, 10.0);
                calls.push((Method::PUT, "/v1/declarations/{}".into(), Some(body)));
                calls.push((Method::DELETE, "/v1/declarations/{}".into(), None));
            } else {
                for verb in ["start", "complete", "cancel"] {
                    calls.push((
                        Method::POST,
                        format!("/v1/activities/{{}}/{verb}"),
                        Some(json!({})),
                    ));
                }
            }
            for (method, template, body) in calls {
                let theirs = h
                    .call(
                        method.clone(),
                        &template.replace("{}", id),
                        who,
                        body.clone(),
                    )
                    .await;
                let nobodys = h
                    .call(method.clone(), &template.replace("{}", &missing), who, body)
                    .await;
                // A viewer is refused by role before anything is looked up;
                // either way the two answers must be the same bytes.
                assert_eq!(theirs.status, nobodys.status, "{who} {method} {template}");
                assert_eq!(theirs.body, nobodys.body, "{who} {method} {template}");
                assert_eq!(
                    theirs.headers["content-type"], nobodys.headers["content-type"],
                    "{who} {method} {template}"
                );
                assert_clean(&format!("{who} {method} {template}"), &theirs, &secrets);
                if who == "pmf/operator" {
                    assert_eq!(theirs.status, 404, "{}", theirs.text());
                }
            }
        }
    }
    // Approver paths are refused by role for the PMF, the same for both.
    let strike = h.id("coalition_balad_strike");
    let a = h
        .post(
            &format!("/v1/activities/{strike}/deny"),
            "pmf/operator",
            json!({"reason": "x"}),
        )
        .await;
    let b = h
        .post(
            "/v1/activities/act_0123456789ab/deny",
            "pmf/operator",
            json!({"reason": "x"}),
        )
        .await;
    assert_eq!((a.status, a.body), (b.status, b.body));
}

#[tokio::test]
async fn the_pmf_sees_its_conflicts_kind_window_and_coarse_area() {
    let h = Harness::demo().await;
    let conflicts = h
        .get("/v1/conflicts", "pmf/viewer")
        .await
        .expect(200)
        .json();
    let items = conflicts["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "Balad and two al-Qaim posts: {conflicts}");
    let strike = items
        .iter()
        .find(|c| c["sides"][1]["kind"] == "air_strike")
        .expect("the Balad conflict");
    assert_eq!(strike["sides"][0]["view"], "full");
    assert_eq!(strike["sides"][0]["party"], "pmf");
    assert_eq!(strike["sides"][0]["kind"], "unit_position");
    assert_eq!(
        strike["sides"][0]["object"]["id"],
        h.id("pmf_balad_position").as_str()
    );
    let other = strike["sides"][1].as_object().unwrap();
    let mut keys: Vec<_> = other.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["kind", "notification", "view"],
        "no party, no object id"
    );
    assert_eq!(other["view"], "coarse");
    // The window: the strike's hour (2 h to 3 h after the demo started),
    // rounded outward to whole hours, so that its exact start and end are
    // not told.
    let overlap = &strike["overlap"];
    let time = |v: &Value| deconflict_server::time::parse(v.as_str().unwrap()).unwrap();
    let (from, to) = (time(&overlap["from"]), time(&overlap["to"]));
    let exact = h
        .get(
            &format!("/v1/activities/{}", h.id("coalition_balad_strike")),
            "coalition/viewer",
        )
        .await
        .expect(200)
        .json();
    let (start, end) = (time(&exact["start"]), time(&exact["end"]));
    assert_eq!((from % 3_600_000, to % 3_600_000), (0, 0));
    assert!(from <= start && end <= to && to - from <= 2 * 3_600_000);
    // The area: whole 0.05° cells, holding the overlap between the strike
    // (44.1549 E 34.0302 N) and the position (44.1611 E 34.0291 N).
    let bbox: Vec<f64> = overlap["area"]["bbox"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    for edge in &bbox {
        let cells = edge / 0.05;
        assert!((cells - cells.round()).abs() < 1e-9, "{bbox:?}");
    }
    assert!(
        bbox[2] - bbox[0] > 0.049 && bbox[3] - bbox[1] > 0.049,
        "{bbox:?}"
    );
    assert!(bbox[0] <= 44.158 && 44.158 <= bbox[2], "{bbox:?}");
    assert!(bbox[1] <= 34.0296 && 34.0296 <= bbox[3], "{bbox:?}");
    // Its state shows no coalition object at all, only the conflicts.
    let state = h.get("/v1/state", "pmf/viewer").await.json();
    assert!(
        state["activities"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["owner"] == "pmf")
    );
    assert!(
        state["declarations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["owner"] == "pmf" || d["visibility"] == "public")
    );
}

#[tokio::test]
async fn the_coordinator_sees_everything() {
    let h = Harness::demo().await;
    let loaded = h.loaded.as_ref().unwrap();
    let state = h.get("/v1/state", "joc/viewer").await.expect(200).json();
    let incidents = h
        .get("/v1/incidents", "joc/viewer")
        .await
        .expect(200)
        .json();
    let shown = state["declarations"].as_array().unwrap().len()
        + state["activities"].as_array().unwrap().len()
        + incidents["items"].as_array().unwrap().len();
    assert_eq!(shown, loaded.objects.len());
    assert_eq!(
        state["conflicts"].as_array().unwrap().len(),
        loaded.conflicts.len()
    );
    for c in state["conflicts"].as_array().unwrap() {
        for side in c["sides"].as_array().unwrap() {
            assert_eq!(side["view"], "full", "{c}");
        }
    }
    for id in loaded.objects.values() {
        let resource = match &id.to_string()[..4] {
            "act_" => "activities",
            "inc_" => "incidents",
            _ => "declarations",
        };
        let one = h
            .get(&format!("/v1/{resource}/{id}"), "joc/auditor")
            .await
            .expect(200)
            .json();
        assert_eq!(one["id"], id.to_string());
    }
}

#[tokio::test]
async fn the_ocha_camp_and_other_public_sites_are_visible_to_all() {
    let h = Harness::demo().await;
    let camp = h.id("ocha_mosul_camp");
    for party in PARTIES {
        let who = format!("{party}/viewer");
        let one = h
            .get(&format!("/v1/declarations/{camp}"), &who)
            .await
            .expect(200)
            .json();
        assert_eq!(one["owner"], "ocha");
        assert_eq!(one["visibility"], "public");
        assert!(one["label"].as_str().unwrap().contains("Displacement camp"));
        let list = h.get("/v1/declarations?kind=camp", &who).await.json();
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "{who}");
        let embassy = h.id("coalition_embassy");
        h.get(&format!("/v1/declarations/{embassy}"), &who)
            .await
            .expect(200);
    }
    // Public does not mean editable.
    h.call(
        Method::DELETE,
        &format!("/v1/declarations/{camp}"),
        "pmf/operator",
        None,
    )
    .await
    .problem(403, "not_owner");
}

#[tokio::test]
async fn other_parties_see_nothing_of_conflicts_they_are_not_in() {
    let h = Harness::demo().await;
    let secrets = coalition_secrets(&h).await;
    for party in ["isf", "peshmerga", "ocha"] {
        let who = format!("{party}/viewer");
        let conflicts = h.get("/v1/conflicts", &who).await.expect(200).json();
        assert_eq!(conflicts["items"], json!([]), "{who}");
        for (path, reply) in pmf_reads(&h, &who).await {
            assert_clean(&format!("{who} GET {path}"), &reply, &secrets);
        }
        let any = h
            .loaded
            .as_ref()
            .unwrap()
            .conflicts
            .values()
            .next()
            .unwrap()
            .to_string();
        let theirs = h.get(&format!("/v1/conflicts/{any}"), &who).await;
        let nobodys = h.get("/v1/conflicts/con_0123456789ab", &who).await;
        assert_eq!((theirs.status.as_u16(), &theirs.body), (404, &nobodys.body));
    }
}
