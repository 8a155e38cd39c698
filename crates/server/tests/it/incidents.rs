//! Incidents through the API, and their evidence: what it holds, that it
//! proves what it holds, and that it tells no party what it may not know.

use crate::{Harness, in_hours};
use deconflict_ledger::{SignedCheckpoint, VerifierKey};
use deconflict_record::Bundle;
use serde_json::{Value, json};

/// The PMF's allegation: strikes on its fighters near Balad, in the hours
/// the demo's coalition strike is planned for.
fn balad_allegation() -> Value {
    json!({
        "kind": "allegation",
        // Balad, 34.0164 N 44.1453 E (GeoNames).
        "place": {"type": "Point", "coordinates": [44.1453, 34.0164]},
        "precision_m": 5000,
        "window": {"from": in_hours(1.0), "to": in_hours(4.0)},
        "reported_by": "PMF 35th brigade",
        "against": "coalition",
        "source": "PMF statement",
        "source_grade": "C3",
    })
}

async fn report(h: &Harness) -> String {
    let reply = h
        .post("/v1/incidents", "pmf/operator", balad_allegation())
        .await
        .expect(201);
    let id = reply.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(reply.headers["location"], format!("/v1/incidents/{id}"));
    id
}

async fn evidence(h: &Harness, id: &str, who: &str) -> (Bundle, String) {
    let reply = h
        .get(&format!("/v1/incidents/{id}/evidence"), who)
        .await
        .expect(200);
    let disposition = reply.headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let text = reply.text();
    (serde_json::from_str(&text).unwrap(), text)
}

/// The bundle verifies offline against the log's key: every leaf is in the
/// tree the checkpoint signs, every payload opens its entry. Returns the
/// entries as far as they were opened.
async fn check(h: &Harness, bundle: &Bundle) -> Vec<Value> {
    let key = h.get("/v1/log/key", "isf/viewer").await.text();
    let key = VerifierKey::parse(key.trim_end()).unwrap();
    bundle.verify(&[key]).unwrap().entries
}

fn created(leaves: &[Value]) -> Vec<String> {
    leaves
        .iter()
        .filter_map(|l| l["outcome"]["created"].as_object())
        .flat_map(|o| o.values().map(|v| v.as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn the_evidence_holds_the_strike_the_position_and_the_allegation_and_proves_them() {
    let h = Harness::demo().await;
    let id = report(&h).await;
    let (bundle, _) = evidence(&h, &id, "joc/auditor").await;
    assert_eq!(bundle.format, "deconflict-evidence/v2");
    assert_eq!(bundle.subject["id"], id);
    let leaves = check(&h, &bundle).await;
    let made = created(&leaves);
    for name in ["coalition_balad_strike", "pmf_balad_position"] {
        assert!(made.contains(&h.id(name)), "{name} missing from {made:?}");
    }
    assert!(made.contains(&id));
    // Far from Balad: not evidence.
    for name in ["coalition_al_qaim_survey", "ocha_mosul_camp", "isf_k1"] {
        assert!(!made.contains(&h.id(name)), "{name} is not near Balad");
    }
    // The strike's conflict with the position is there too, and the
    // coordinator sees every field of it.
    assert!(leaves.iter().any(|l| !l["outcome"]["opened"].is_null()));
    let label = "Strike on a reported weapons cache north-east of Balad (illustrative target)";
    assert!(
        bundle.payloads.iter().any(|p| p.value.contains(label)),
        "the coordinator's bundle reveals the strike's label"
    );
}

#[tokio::test]
async fn the_accuser_gets_its_own_fields_and_the_overlap_and_nothing_of_the_coalitions() {
    let h = Harness::demo().await;
    let id = report(&h).await;
    let (bundle, text) = evidence(&h, &id, "pmf/operator").await;
    check(&h, &bundle).await;
    let strike = h.id("coalition_balad_strike");
    let revealed: Vec<(&str, u64)> = bundle
        .payloads
        .iter()
        .map(|p| (p.pointer.as_str(), p.seq))
        .collect();
    // Its own position's label, and the conflict's coarse area and window.
    assert!(
        bundle
            .payloads
            .iter()
            .any(|p| p.value.contains("PMF brigade position")),
        "{revealed:?}"
    );
    assert!(
        revealed.iter().any(|(p, _)| p.ends_with("/area")),
        "{revealed:?}"
    );
    // Nothing of the strike's command, nor who or what is on the other side.
    let all = h.get("/v1/state", "joc/viewer").await.json();
    for object in all["activities"]
        .as_array()
        .unwrap()
        .iter()
        .chain(all["declarations"].as_array().unwrap())
    {
        if object["owner"] != "coalition" || object["visibility"] == "public" {
            continue;
        }
        let label = object["label"].as_str().unwrap();
        assert!(!text.contains(label), "the PMF reads `{label}`");
        let coordinates = object["geometry"]["coordinates"].to_string();
        for n in coordinates
            .split(['[', ']', ','])
            .filter(|n| n.contains('.'))
        {
            assert!(
                !text.contains(n),
                "the PMF reads coordinate {n} of {}",
                object["id"]
            );
        }
    }
    assert!(!text.contains("air_strike"));
    // Nor which activity, or whose, meets its position. (The PMF's own
    // report names the coalition: that is the PMF's to say.)
    let others = bundle
        .payloads
        .iter()
        .filter(|p| p.pointer != "/command/report_incident");
    for p in others {
        assert!(
            !p.value.contains(&strike),
            "{} reveals the strike's id",
            p.pointer
        );
        assert!(
            !p.value.contains("coalition"),
            "{} reveals the other party",
            p.pointer
        );
    }
}

#[tokio::test]
async fn an_incident_is_the_reporters_the_accuseds_and_the_coordinators() {
    let h = Harness::demo().await;
    let id = report(&h).await;
    for who in ["pmf/viewer", "coalition/auditor", "joc/viewer"] {
        let seen = h
            .get(&format!("/v1/incidents/{id}"), who)
            .await
            .expect(200)
            .json();
        assert_eq!(seen["status"], "open");
        assert_eq!(seen["against"], "coalition");
        assert!(ids(&h, who).await.contains(&id));
    }
    for who in ["isf/operator", "ocha/viewer"] {
        let missing = h.get("/v1/incidents/inc_000000000000", who).await;
        let hidden = h.get(&format!("/v1/incidents/{id}"), who).await;
        assert_eq!(
            (hidden.status, &hidden.body),
            (missing.status, &missing.body)
        );
        h.get(&format!("/v1/incidents/{id}/evidence"), who)
            .await
            .problem(404, "not_found");
        assert!(!ids(&h, who).await.contains(&id));
    }
}

/// The ids of the incidents `who` sees.
async fn ids(h: &Harness, who: &str) -> Vec<String> {
    let list = h.get("/v1/incidents", who).await.expect(200).json();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_coordinator_judges_and_every_change_is_kept() {
    let h = Harness::demo().await;
    let id = report(&h).await;
    let path = format!("/v1/incidents/{id}/status");
    h.post(
        &path,
        "coalition/operator",
        json!({"status": "not_credible", "reason": "no"}),
    )
    .await
    .problem(403, "not_coordinator");
    let problem = h
        .post(&path, "joc/approver", json!({"status": "not_credible"}))
        .await
        .problem(422, "reason_required");
    assert_eq!(problem["field"], "reason");
    h.post(
        &path,
        "joc/approver",
        json!({"status": "not_credible", "reason": "no strike was flown in that window"}),
    )
    .await
    .expect(200);
    h.post(
        &path,
        "pmf/operator",
        json!({"status": "reopened", "reason": "new witness statements"}),
    )
    .await
    .expect(200);
    let seen = h
        .get(&format!("/v1/incidents/{id}"), "coalition/viewer")
        .await
        .json();
    assert_eq!(seen["status"], "reopened");
    let history: Vec<_> = seen["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["status"].as_str().unwrap(), c["party"].as_str().unwrap()))
        .collect();
    assert_eq!(history, [("not_credible", "joc"), ("reopened", "pmf")]);
    let problem = h
        .post(
            &path,
            "joc/approver",
            json!({"status": "duplicate", "reason": "x", "duplicate_of": "nope"}),
        )
        .await
        .problem(422, "invalid_field");
    assert_eq!(problem["field"], "duplicate_of");
}

#[tokio::test]
async fn a_bad_report_is_refused_naming_the_field() {
    let h = Harness::demo().await;
    let before = ids(&h, "joc/viewer").await;
    for (field, value, expected) in [
        ("kind", json!("rumour"), "kind"),
        ("precision_m", json!(-5), "precision_m"),
        (
            "place",
            json!({"type": "Point", "coordinates": [44.1, 91.0]}),
            "place",
        ),
        (
            "window",
            json!({"from": in_hours(2.0), "to": in_hours(1.0)}),
            "window.to",
        ),
        ("source", json!(""), "source"),
    ] {
        let mut body = balad_allegation();
        body[field] = value;
        let problem = h.post("/v1/incidents", "pmf/operator", body).await.json();
        assert_eq!(problem["status"], 422, "{problem}");
        assert!(
            problem["field"].as_str().unwrap().starts_with(expected),
            "{field}: {problem}"
        );
    }
    h.post("/v1/incidents", "pmf/viewer", balad_allegation())
        .await
        .problem(403, "role_forbidden");
    assert_eq!(ids(&h, "joc/viewer").await, before);
}

/// The demo's seeded incidents, as the coordinator's evidence tells them
/// once `deconflict verify`'s checks pass.
#[tokio::test]
async fn each_seeded_incident_has_evidence_that_tells_its_story() {
    let h = Harness::demo().await;
    let key = h.get("/v1/log/key", "joc/auditor").await.text();
    let key = VerifierKey::parse(key.trim_end()).unwrap();
    let story = |text: &str| {
        let bundle = Bundle::parse(text).unwrap();
        bundle
            .verify(std::slice::from_ref(&key))
            .unwrap()
            .story()
            .join("\n")
    };
    let (_, baiji) = evidence(&h, &h.id("incident_baiji"), "joc/auditor").await;
    let baiji = story(&baiji);
    let strike = h.id("coalition_baiji_strike");
    assert!(
        baiji.contains(&format!("joc (approver) cleared activity {strike}")),
        "{baiji}"
    );
    assert!(!baiji.contains("opened conflict"), "{baiji}");

    let (_, balad) = evidence(&h, &h.id("incident_balad"), "joc/auditor").await;
    let balad = story(&balad);
    let strike = h.id("coalition_balad_strike");
    assert!(balad.contains(&strike), "{balad}");
    // Cleared over the PMF's acknowledgement, then held by its check fire
    // before its window opened: both in the record.
    let cleared = balad
        .find(&format!("cleared activity {strike}"))
        .unwrap_or_else(|| panic!("{balad}"));
    let stopped = balad
        .find("pmf (operator) raised check fire")
        .unwrap_or_else(|| panic!("{balad}"));
    assert!(cleared < stopped, "{balad}");

    let (_, al_qaim) = evidence(&h, &h.id("incident_al_qaim"), "joc/auditor").await;
    let al_qaim = story(&al_qaim);
    let survey = h.id("coalition_al_qaim_survey");
    assert_eq!(
        al_qaim
            .matches("pmf (operator) acknowledged conflict")
            .count(),
        2,
        "{al_qaim}"
    );
    assert!(
        al_qaim.contains(&format!("joc (approver) cleared activity {survey}")),
        "{al_qaim}"
    );

    // The PMF's own copy proves the same entries without the coalition's fields.
    let (_, pmf) = evidence(&h, &h.id("incident_al_qaim"), "pmf/auditor").await;
    let pmf = story(&pmf);
    assert_eq!(pmf.matches("acknowledged conflict").count(), 2, "{pmf}");
    assert!(!pmf.contains("Border survey"), "{pmf}");
}

/// A field its owner made public is in every party's evidence, with the act
/// of revealing it.
#[tokio::test]
async fn a_revealed_field_joins_every_partys_evidence() {
    let h = Harness::demo().await;
    let strike = h.id("coalition_balad_strike");
    let (joc, _) = evidence(&h, &h.id("incident_balad"), "joc/auditor").await;
    let seq = check(&h, &joc)
        .await
        .iter()
        .find(|e| e["outcome"]["created"].to_string().contains(&strike))
        .map(|e| e["seq"].as_u64().unwrap())
        .unwrap();
    h.post(
        "/v1/log/reveal",
        "coalition/operator",
        json!({"seq": seq, "pointer": "/command/submit_activity/label"}),
    )
    .await
    .expect(200);
    let (pmf, text) = evidence(&h, &h.id("incident_balad"), "pmf/operator").await;
    check(&h, &pmf).await;
    assert!(
        text.contains("weapons cache"),
        "the revealed label is in the PMF's bundle"
    );
    assert!(!text.contains("air_strike"), "the kind was not revealed");
    assert!(
        pmf.payloads
            .iter()
            .any(|p| p.pointer.starts_with("/command/reveal")),
        "the act of revealing it is in the PMF's bundle"
    );
}

/// Once a witness has cosigned a checkpoint that covers the evidence, the
/// bundle is proved to that one, cosignature included.
#[tokio::test]
async fn evidence_is_proved_to_a_cosigned_checkpoint_when_one_covers_it() {
    use deconflict_ledger::{KeyType, SignerKey};
    let h = Harness::demo().await;
    let key = h.get("/v1/log/key", "isf/viewer").await.text();
    let key = VerifierKey::parse(key.trim_end()).unwrap();
    let note = h.get("/v1/log/checkpoint", "pmf/auditor").await.text();
    let mut signed = SignedCheckpoint::open(&note, key.name(), &key).unwrap();
    let witness = SignerKey::from_seed(KeyType::CosignatureV1, "pmf/witness", [3; 32]).unwrap();
    signed.cosign(&witness, 1_700_000_000).unwrap();
    h.post(
        "/v1/log/cosignature",
        "pmf/auditor",
        json!({"key": witness.verifier().to_string(), "note": signed.to_string()}),
    )
    .await
    .expect(200);
    // Entries after the cosigned checkpoint do not bear on the incident.
    h.post(
        "/v1/declarations",
        "isf/operator",
        crate::declaration("checkpoint", "far away", 40.0, 30.0, 100.0),
    )
    .await
    .expect(201);
    let (bundle, text) = evidence(&h, &h.id("incident_al_qaim"), "pmf/operator").await;
    check(&h, &bundle).await;
    let verified = Bundle::parse(&text)
        .unwrap()
        .verify(&[key, witness.verifier()])
        .unwrap();
    assert!(
        verified.summary().contains("pmf/witness"),
        "{}",
        verified.summary()
    );
}
