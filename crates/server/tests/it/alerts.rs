//! Standing alerts: what was raised to a party stays readable until it
//! takes note (`GET /v1/alerts`), each party names its own alerts only, and
//! acknowledging one is the party's own act, its own to read.

use super::*;
use crate::live::Stream;
use crate::revocation::head;
use crate::scene::{GATE, report, scene};
use std::time::Duration;

/// The PMF company drives into the coalition's cleared strike: an alert to
/// both, and the coordinator.
async fn alerted(h: &Harness) -> u64 {
    let (unit, _) = scene(h).await;
    h.post("/v1/tracks", "pmf/operator", report(&unit, GATE))
        .await
        .expect(200);
    head(h).await
}

fn alerts(reply: Reply) -> Vec<Value> {
    reply.expect(200).json()["alerts"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn an_alert_stands_for_each_party_told_until_it_takes_note() {
    let h = Harness::new();
    let seq = alerted(&h).await;
    let id = format!("alr_{seq}_0");
    for who in ["pmf/viewer", "coalition/viewer", "joc/viewer"] {
        let standing = alerts(h.get("/v1/alerts", who).await);
        assert_eq!(standing.len(), 1, "{who}: {standing:?}");
        assert_eq!(standing[0]["id"], id.as_str());
        assert_eq!(standing[0]["state"], "new");
        assert_eq!(standing[0]["alert"]["about"], "conflict");
    }
    for who in ["isf/viewer", "ocha/viewer", "peshmerga/viewer"] {
        assert!(alerts(h.get("/v1/alerts", who).await).is_empty(), "{who}");
    }

    // A viewer may read it, not acknowledge it.
    let path = format!("/v1/alerts/{id}/acknowledge");
    let mut pmf_devices = Stream::open(&h, "pmf/viewer", None).await;
    let mut coalition_devices = Stream::open(&h, "coalition/viewer", None).await;
    h.post(&path, "pmf/viewer", json!({}))
        .await
        .problem(403, "role_forbidden");
    let acknowledged = h
        .post(&path, "pmf/operator", json!({}))
        .await
        .expect(200)
        .json();
    assert_eq!(acknowledged["state"], "acknowledged");
    assert_eq!(
        acknowledged["acknowledged_by"],
        h.credential("pmf/operator")
    );
    // The party's other devices are told at once; no other party is.
    let told = pmf_devices.until("alert_acknowledged").await;
    let told = told.last().unwrap();
    assert_eq!(told.data["alert"], id.as_str());
    assert_eq!(told.data["by"], h.credential("pmf/operator"));
    while let Some(event) = coalition_devices.next(Duration::from_millis(300)).await {
        assert_ne!(
            event.kind, "alert_acknowledged",
            "the coalition heard of the PMF's"
        );
    }
    // For the PMF alone: the coalition's still stands.
    let pmf = alerts(h.get("/v1/alerts", "pmf/viewer").await);
    assert_eq!(pmf[0]["state"], "acknowledged");
    let coalition = alerts(h.get("/v1/alerts", "coalition/viewer").await);
    assert_eq!(coalition[0]["state"], "new");
    assert!(coalition[0].get("acknowledged_by").is_none());
    h.post(&path, "pmf/operator", json!({}))
        .await
        .problem(409, "wrong_state");
    // No alert of its own: the same 404 as one that never was.
    let theirs = h.post(&path, "isf/operator", json!({})).await;
    let never = h
        .post(
            "/v1/alerts/alr_999999_0/acknowledge",
            "isf/operator",
            json!({}),
        )
        .await;
    assert_eq!(theirs.status, never.status);
    assert_eq!(theirs.json(), never.json());
    h.post("/v1/alerts/alr_x/acknowledge", "pmf/operator", json!({}))
        .await
        .problem(404, "not_found");
}

#[tokio::test]
async fn who_took_note_of_an_alert_is_the_partys_own_to_read() {
    let h = Harness::new();
    let seq = alerted(&h).await;
    h.post(
        &format!("/v1/alerts/alr_{seq}_0/acknowledge"),
        "pmf/operator",
        json!({}),
    )
    .await
    .expect(200);
    let ack = head(&h).await;
    let own = read_entries(&h, "pmf/viewer", ack - 1, ack).await;
    assert!(
        own[0]
            .payloads
            .iter()
            .any(|p| p.pointer == "/command/acknowledge_alert/entry"),
        "the PMF does not read its own acknowledgement"
    );
    for who in ["coalition/viewer", "isf/viewer", "ocha/viewer"] {
        let theirs = read_entries(&h, who, ack - 1, ack).await;
        assert!(
            theirs[0].payloads.is_empty(),
            "{who} reads {:?}",
            theirs[0].payloads
        );
    }
}
