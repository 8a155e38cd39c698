//! The record against a hostile party: the PMF, with valid operator,
//! viewer and auditor credentials, reads every route of the log, asks for
//! the evidence of incidents it places where it likes, and reveals what it
//! can; the coalition's plans must not come out. Each test fails without
//! the defence it names.

use crate::need_to_know::{assert_clean, coalition_secrets};
use crate::{Harness, in_hours, read_log, rebuilt};
use deconflict_record::Bundle;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const PMF: [&str; 3] = ["pmf/viewer", "pmf/operator", "pmf/auditor"];

/// A kilometre from Al Asad Air Base, the coalition's private compound in
/// the demo (3 km around 42.4412 E 33.7856 N).
const AL_ASAD: [f64; 2] = [42.45, 33.79];
/// Empty desert south-west of Rutba, where nobody declared anything.
const NOWHERE: [f64; 2] = [39.5, 32.2];

/// The party of each entry, as the coordinator reads it.
async fn actors(h: &Harness) -> BTreeMap<u64, String> {
    read_log(h, "joc/auditor")
        .await
        .into_iter()
        .map(|(seq, read)| {
            let party = rebuilt(&read)["actor"]["party"]
                .as_str()
                .unwrap()
                .to_owned();
            (seq, party)
        })
        .collect()
}

#[tokio::test]
async fn a_leaf_shows_nothing_but_its_number() {
    let h = Harness::demo().await;
    for (seq, read) in read_log(&h, "pmf/auditor").await {
        let leaf: Value = serde_json::from_str(&read.leaf).unwrap();
        let keys: Vec<&String> = leaf.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["leaf", "sealed", "seq"], "{seq}: {}", read.leaf);
        assert_eq!(leaf["seq"], seq);
        assert_eq!(leaf["leaf"], 2);
    }
}

#[tokio::test]
async fn the_pmf_reads_no_coalition_entry_but_what_its_conflicts_show() {
    let h = Harness::demo().await;
    let actors = actors(&h).await;
    let joc = read_log(&h, "joc/auditor").await;
    // The coalition's entries, but for its public declaration (the embassy,
    // on everyone's no-strike list).
    let coalition: Vec<u64> = actors
        .iter()
        .filter(|(seq, p)| {
            *p == "coalition" && rebuilt(&joc[*seq])["command"]["declare"]["visibility"] != "public"
        })
        .map(|(s, _)| *s)
        .collect();
    assert!(coalition.len() >= 8, "{actors:?}");
    // Of a coalition entry, at most a conflict it opened with the PMF, what
    // the PMF is told of it, and the state the activity went to.
    let allowed = |pointer: &str| {
        let t: Vec<&str> = pointer.split('/').skip(1).collect();
        matches!(
            t.as_slice(),
            ["time_ms"]
                | ["outcome", "activity_state"]
                | ["outcome", "notices", _]
                | ["outcome", "resolved", _]
                | [
                    "outcome",
                    "opened",
                    _,
                    "id" | "area" | "from_ms" | "to_ms" | "other"
                ]
        )
    };
    for who in PMF {
        let log = read_log(&h, who).await;
        let mut read = 0;
        for seq in &coalition {
            let payloads = &log[seq].payloads;
            for p in payloads {
                assert!(allowed(&p.pointer), "{who} reads {} of #{seq}", p.pointer);
            }
            read += usize::from(!payloads.is_empty());
        }
        // The Balad strike and the al-Qaim survey opened conflicts with the
        // PMF; the bases, the training, the Baiji strike did not.
        assert_eq!(read, 2, "{who}");
        // Nothing of the PMF's own entries names the coalition's side.
        let secrets = coalition_secrets(&h).await;
        let text = serde_json::to_string(
            &log.values()
                .flat_map(|r| r.payloads.iter().map(|p| &p.value))
                .collect::<Vec<_>>(),
        )
        .unwrap();
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{who} reads {secret}");
        }
        for credential in ["coalition/operator", "coalition/viewer", "joc/approver"] {
            assert!(
                !text.contains(&h.credential(credential)),
                "{who}: {credential}"
            );
        }
    }
}

#[tokio::test]
async fn the_start_of_a_coalition_strike_is_not_in_the_pmfs_log() {
    let h = Harness::demo().await;
    let strike = h.id("coalition_baiji_strike");
    h.post(
        &format!("/v1/activities/{strike}/start"),
        "coalition/operator",
        json!({}),
    )
    .await
    .expect(200);
    let log = read_log(&h, "pmf/auditor").await;
    let (seq, last) = log.iter().next_back().unwrap();
    assert!(last.payloads.is_empty(), "{:?}", last.payloads);
    let one = h
        .get(&format!("/v1/log/payloads?seq={seq}"), "pmf/operator")
        .await
        .expect(200)
        .json();
    assert_eq!(one, json!({"seq": seq}));
    // The coalition reads its own start in full.
    let own = read_log(&h, "coalition/viewer").await;
    let entry = rebuilt(&own[seq]);
    assert_eq!(entry["command"]["start"]["id"], strike);
    assert!(entry["time_ms"].is_i64());
}

/// An incident of `who` at `place`, alleged against nobody.
async fn probe(h: &Harness, who: &str, place: [f64; 2], kind: &str) -> String {
    let body = json!({
        "kind": kind,
        "place": {"type": "Point", "coordinates": place},
        "precision_m": 4000,
        "window": {"from": in_hours(-2.0), "to": in_hours(2.0)},
        "reported_by": "a PMF unit",
        "source": "radio",
        "source_grade": "C3",
    });
    h.post("/v1/incidents", who, body).await.expect(201).json()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn bundle(h: &Harness, id: &str, who: &str) -> Bundle {
    let text = h
        .get(&format!("/v1/incidents/{id}/evidence"), who)
        .await
        .expect(200)
        .text();
    serde_json::from_str(&text).unwrap()
}

/// The shape of a bundle, without what differs between two probes (the
/// incident itself, proofs, commitments).
fn shape(b: &Bundle) -> (usize, usize, u64) {
    (b.entries.len(), b.payloads.len(), b.withheld)
}

#[tokio::test]
async fn evidence_tells_the_pmf_nothing_of_what_others_have_at_a_place() {
    let h = Harness::demo().await;
    let at_base = probe(&h, "pmf/operator", AL_ASAD, "allegation").await;
    let nowhere = probe(&h, "pmf/operator", NOWHERE, "allegation").await;
    let (base, empty) = (
        bundle(&h, &at_base, "pmf/auditor").await,
        bundle(&h, &nowhere, "pmf/auditor").await,
    );
    assert_eq!(shape(&base), shape(&empty), "{base:?}");
    assert_eq!(base.entries.len(), 1, "only the PMF's own report");
    assert_eq!(base.withheld, 0);
    let secrets = coalition_secrets(&h).await;
    let text = serde_json::to_string(&base).unwrap();
    for secret in &secrets {
        assert!(!text.contains(secret.as_str()), "evidence shows {secret}");
    }
    // The coordinator's evidence of the same report holds the base: the
    // probe would have found it.
    let full = bundle(&h, &at_base, "joc/auditor").await;
    let joc = serde_json::to_string(&full.payloads).unwrap();
    assert!(joc.contains("Al Asad"), "{joc}");
}

#[tokio::test]
async fn an_attack_report_does_not_tell_the_pmf_who_is_near() {
    let h = Harness::demo().await;
    let near = probe(&h, "pmf/operator", AL_ASAD, "attack").await;
    let far = probe(&h, "pmf/operator", NOWHERE, "attack").await;
    let log = read_log(&h, "pmf/operator").await;
    let seqs: Vec<u64> = log.keys().rev().take(2).copied().collect();
    let pointers = |seq: u64| {
        log[&seq]
            .payloads
            .iter()
            .map(|p| p.pointer.clone())
            .collect::<Vec<_>>()
    };
    // The report near the coalition's base alerted the coalition; the PMF
    // reads the same fields of both reports.
    assert_eq!(pointers(seqs[0]).len(), pointers(seqs[1]).len());
    for pointer in pointers(seqs[1]) {
        assert!(!pointer.starts_with("/outcome/alerts"), "{pointer}");
    }
    let joc = read_log(&h, "joc/auditor").await;
    assert!(
        rebuilt(&joc[&seqs[1]])["outcome"]["alerts"]
            .to_string()
            .contains("coalition"),
        "the coordinator sees who was alerted"
    );
    // Revealing the alerts is no way around: it waits for the coordinator.
    let reveal = json!({"seq": seqs[1], "pointer": "/outcome/alerts/0/parties/0"});
    let answer = h
        .post("/v1/log/reveal", "pmf/operator", reveal)
        .await
        .expect(200)
        .json();
    assert_eq!(answer, json!({"state": "requested"}));
    let after = h
        .get(&format!("/v1/log/payloads?seq={}", seqs[1]), "pmf/viewer")
        .await
        .json();
    assert!(!after.to_string().contains("/outcome/alerts"), "{after}");
    let _ = (near, far);
}

#[tokio::test]
async fn the_pmf_cannot_reveal_what_its_own_entries_hold_of_the_coalition() {
    let h = Harness::demo().await;
    let actors = actors(&h).await;
    let joc = read_log(&h, "joc/auditor").await;
    // The PMF's acknowledgement of the al-Qaim survey: its notice told the
    // coalition. Not the PMF's alone to reveal.
    let (seq, _) = actors
        .iter()
        .find(|(seq, party)| {
            *party == "pmf" && rebuilt(&joc[*seq])["command"]["acknowledge"].is_object()
        })
        .unwrap();
    for pointer in ["/outcome/notices/0", "/command/acknowledge/conflict"] {
        let answer = h
            .post(
                "/v1/log/reveal",
                "pmf/operator",
                json!({"seq": seq, "pointer": pointer}),
            )
            .await
            .expect(200)
            .json();
        assert_eq!(answer["state"], "requested", "{pointer}");
        assert!(answer.get("payload").is_none());
    }
    // Of a coalition entry the PMF learns not even whether a field exists.
    let (coalition, _) = actors.iter().find(|(_, p)| *p == "coalition").unwrap();
    let there = h
        .post(
            "/v1/log/reveal",
            "pmf/operator",
            json!({"seq": coalition, "pointer": "/command/declare/label"}),
        )
        .await
        .problem(403, "not_owner");
    let not_there = h
        .post(
            "/v1/log/reveal",
            "pmf/operator",
            json!({"seq": coalition, "pointer": "/outcome/opened/7/area"}),
        )
        .await
        .problem(403, "not_owner");
    assert_eq!(there, not_there);
}

#[tokio::test]
async fn a_coordinator_reveal_takes_two_approvers_and_the_owner_is_told() {
    let h = Harness::demo().await;
    let second = h.issue("joc", deconflict_store::Role::Approver);
    let actors = actors(&h).await;
    let (seq, _) = actors.iter().find(|(_, p)| *p == "coalition").unwrap();
    let body = json!({"seq": seq, "pointer": "/command/declare/label"});
    let mut coalition = crate::live::Stream::open(&h, "coalition/viewer", None).await;
    let first = h
        .post("/v1/log/reveal", "joc/approver", body.clone())
        .await
        .expect(200)
        .json();
    assert_eq!(first, json!({"state": "requested"}));
    let pmf = read_log(&h, "pmf/viewer").await;
    assert!(pmf[seq].payloads.is_empty());
    // The coalition is told, on its event stream.
    let told = coalition.until("reveal").await;
    let told = &told.last().unwrap().raw;
    assert!(told.contains("requested") && told.contains("joc"), "{told}");
    // The same approver again is not a second one.
    h.post("/v1/log/reveal", "joc/approver", body.clone())
        .await
        .problem(409, "wrong_state");
    let done = h
        .post_as("/v1/log/reveal", &second, body)
        .await
        .expect(200)
        .json();
    assert_eq!(done["state"], "revealed");
    let pmf = read_log(&h, "pmf/viewer").await;
    let opened: Vec<&str> = pmf[seq]
        .payloads
        .iter()
        .map(|p| p.pointer.as_str())
        .collect();
    assert_eq!(opened, ["/command/declare/label"]);
}

#[tokio::test]
async fn an_investigator_gets_the_whole_evidence_only_when_the_coordinator_grants_it() {
    let h = Harness::demo().await;
    let incident = h.id("incident_balad");
    let path = format!("/v1/incidents/{incident}/evidence");
    h.get(&path, "ocha/auditor").await.problem(404, "not_found");
    h.post(
        &format!("/v1/incidents/{incident}/grants"),
        "pmf/operator",
        json!({"party": "ocha", "reason": "let them see"}),
    )
    .await
    .problem(403, "role_forbidden");
    h.post(
        &format!("/v1/incidents/{incident}/grants"),
        "joc/approver",
        json!({"party": "ocha", "reason": "UN board of inquiry into the Balad strike"}),
    )
    .await
    .expect(200);
    let granted = bundle(&h, &incident, "ocha/auditor").await;
    let full = bundle(&h, &incident, "joc/auditor").await;
    assert_eq!(shape(&granted), shape(&full));
    assert!(
        serde_json::to_string(&granted.payloads)
            .unwrap()
            .contains("weapons cache")
    );
    // Its other reads stay its own.
    let other = h.id("incident_al_qaim");
    h.get(&format!("/v1/incidents/{other}/evidence"), "ocha/auditor")
        .await
        .problem(404, "not_found");
}

#[tokio::test]
async fn the_pmfs_al_qaim_evidence_proves_its_story_without_the_coalitions_activity() {
    let h = Harness::demo().await;
    let incident = h.id("incident_al_qaim");
    let b = bundle(&h, &incident, "pmf/auditor").await;
    let key = h.get("/v1/log/key", "pmf/viewer").await.text();
    let key = deconflict_ledger::VerifierKey::parse(key.trim_end()).unwrap();
    let verified = b.verify(&[key]).unwrap();
    let story = verified.story().join("\n");
    // Its posts declared, the survey held with a conflict over them, its
    // acknowledgements, the joc's clearance.
    assert!(story.contains("PMF border post north"), "{story}");
    assert!(story.contains("held"), "{story}");
    assert!(story.contains("acknowledged"), "{story}");
    assert!(story.contains("cleared"), "{story}");
    let survey = h.id("coalition_al_qaim_survey");
    let text = serde_json::to_string(&b).unwrap();
    assert!(
        !text.contains(&survey),
        "the survey's id is in the PMF's evidence"
    );
    assert!(!text.contains("Border survey"), "{text}");
    let reply = h
        .get(&format!("/v1/incidents/{incident}/evidence"), "pmf/auditor")
        .await;
    assert_clean("al-Qaim evidence", &reply, &coalition_secrets(&h).await);
}
