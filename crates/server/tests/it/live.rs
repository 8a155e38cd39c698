//! The live picture: tracks over HTTP, the event stream, alerts, deliveries,
//! resuming with `Last-Event-ID`, and what each party's stream never holds.

use super::*;
use crate::scene::{GATE, TIKRIT, WEST_OF_GATE, report, report_at, scene};
use axum::body::Body as HttpBody;
use http_body_util::BodyExt;
use std::time::Duration;

/// One Server-Sent Event.
#[derive(Debug, Clone)]
pub(crate) struct SseEvent {
    /// `<seq>-<n>`: the n-th event of log entry `seq` for this stream.
    id: String,
    pub(crate) kind: String,
    pub(crate) data: Value,
    pub(crate) raw: String,
}

/// An open event stream, read frame by frame.
pub(crate) struct Stream {
    body: HttpBody,
    buffer: String,
}

impl Stream {
    pub(crate) async fn open(h: &Harness, who: &str, last_event_id: Option<u64>) -> Stream {
        Stream::resume(h, who, last_event_id.map(|seq| seq.to_string())).await
    }

    /// A stream resumed after the event of id `last_event_id`.
    pub(crate) async fn resume(h: &Harness, who: &str, last_event_id: Option<String>) -> Stream {
        let mut request = Request::builder()
            .uri("/v1/events")
            .header("authorization", format!("Bearer {}", h.token(who)));
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = h
            .app
            .clone()
            .oneshot(request.body(HttpBody::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Stream {
            body: response.into_body(),
            buffer: String::new(),
        }
    }

    /// The next event within `wait`, or `None`.
    pub(crate) async fn next(&mut self, wait: Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(event) = parse(&block) {
                    return Some(event);
                }
                continue;
            }
            let frame = tokio::time::timeout_at(deadline, self.body.frame())
                .await
                .ok()??
                .ok()?;
            if let Ok(data) = frame.into_data() {
                self.buffer.push_str(&String::from_utf8_lossy(&data));
            }
        }
    }

    /// Whether the body ends within `wait`, whatever it sends before.
    pub(crate) async fn ends_within(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.body.frame()).await {
                Err(_) => return false,
                Ok(None | Some(Err(_))) => return true,
                Ok(Some(Ok(_))) => {}
            }
        }
    }

    /// Events until one of `kind` arrives (within a few seconds).
    pub(crate) async fn until(&mut self, kind: &str) -> Vec<SseEvent> {
        let mut seen = Vec::new();
        while let Some(event) = self.next(Duration::from_secs(5)).await {
            let done = event.kind == kind;
            seen.push(event);
            if done {
                return seen;
            }
        }
        panic!("no {kind} event; saw {seen:#?}");
    }
}

fn parse(block: &str) -> Option<SseEvent> {
    let (mut id, mut kind, mut data) = (None, None, String::new());
    for line in block.lines() {
        if let Some(v) = line.strip_prefix("id:") {
            id = Some(v.trim().to_owned());
        } else if let Some(v) = line.strip_prefix("event:") {
            kind = Some(v.trim().to_owned());
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push_str(v.trim_start());
        }
    }
    let (kind, data): (String, Value) = (kind?, serde_json::from_str(&data).ok()?);
    crate::contract::check_event(&kind, &data);
    Some(SseEvent {
        id: id?,
        kind,
        data,
        raw: block.to_owned(),
    })
}

impl SseEvent {
    /// The log entry the event comes from.
    fn seq(&self) -> u64 {
        let (seq, n) = self.id.split_once('-').expect("an id <seq>-<n>");
        assert!(n.parse::<usize>().unwrap() >= 1, "{}", self.id);
        seq.parse().unwrap()
    }
}

/// The last entry's sequence number, 0 for an empty log.
async fn seq(h: &Harness) -> u64 {
    h.get("/v1/state", "joc/viewer").await.expect(200).json()["seq"]
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test]
async fn a_unit_driving_into_a_cleared_strike_is_alerted_on_the_streams_that_may_know() {
    let h = Harness::new();
    let (unit, strike) = scene(&h).await;
    let now = seq(&h).await;
    let mut pmf = Stream::open(&h, "pmf/viewer", Some(now)).await;
    let mut coalition = Stream::open(&h, "coalition/operator", Some(now)).await;
    let mut joc = Stream::open(&h, "joc/approver", Some(now)).await;
    let mut isf = Stream::open(&h, "isf/operator", Some(now)).await;

    let moved = h
        .post("/v1/tracks", "pmf/operator", report(&unit, GATE))
        .await
        .expect(200)
        .json();
    assert_eq!(moved["accepted"], 1);
    let conflict = moved["alerts"][0].as_str().expect("an alert").to_owned();

    let seen = pmf.until("alert").await;
    let alert = seen.last().unwrap();
    assert_eq!(alert.seq(), moved["seq"].as_u64().unwrap());
    assert_eq!(alert.data["conflict"]["id"], conflict.as_str());
    assert_eq!(alert.data["conflict"]["sides"][1]["kind"], "air_strike");
    let pmf_saw: String = seen.iter().map(|e| e.raw.clone()).collect();
    for secret in [strike.as_str(), "truck park", "43.475"] {
        assert!(!pmf_saw.contains(secret), "pmf learned {secret}: {pmf_saw}");
    }

    // The alert, then the strike's return to hold.
    let seen = coalition.until("activity").await;
    assert!(seen.iter().any(|e| e.kind == "alert"), "{seen:#?}");
    let coalition_saw: String = seen.iter().map(|e| e.raw.clone()).collect();
    for secret in [unit.as_str(), "3rd company", "34.9355", "ANDROID"] {
        assert!(
            !coalition_saw.contains(secret),
            "coalition learned {secret}"
        );
    }
    // The strike went back on hold, and its owner is told.
    assert!(
        seen.iter()
            .any(|e| e.kind == "activity" && e.data["change"] == "held"),
        "{seen:#?}"
    );
    let joc_saw = joc.until("alert").await;
    assert!(joc_saw.iter().all(|e| !e.raw.contains("\"parties\"")));

    // Nothing at all for a party with nothing there.
    assert!(isf.next(Duration::from_millis(300)).await.is_none());

    // The coalition's stream delivered the conflict: its notification
    // moves from pending to delivered.
    let mut delivered = false;
    for _ in 0..50 {
        // The delivery is recorded once the events are written, as the
        // stream is read on.
        coalition.next(Duration::from_millis(20)).await;
        let c = h
            .get(&format!("/v1/conflicts/{conflict}"), "joc/viewer")
            .await
            .expect(200)
            .json();
        let coalition_side = c["sides"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["party"] == "coalition")
            .unwrap()
            .clone();
        if coalition_side["notification"]["state"] == "delivered" {
            delivered = true;
            break;
        }
    }
    assert!(delivered, "the stream's delivery was recorded");
}

#[tokio::test]
async fn a_reconnect_with_last_event_id_misses_nothing() {
    let h = Harness::new();
    let (unit, _) = scene(&h).await;
    let before = seq(&h).await;
    // At the gate a minute ago, a kilometre west of it now.
    let minute = 1.0 / 60.0;
    h.post(
        "/v1/tracks",
        "pmf/operator",
        report_at(&unit, GATE, -minute),
    )
    .await
    .expect(200);
    h.post("/v1/tracks", "pmf/operator", report(&unit, WEST_OF_GATE))
        .await
        .expect(200);
    // Connected after the fact, resuming from before: both changes come.
    let mut stream = Stream::open(&h, "pmf/operator", Some(before)).await;
    let mut changes = Vec::new();
    while let Some(e) = stream.next(Duration::from_millis(500)).await {
        assert!(e.seq() > before);
        if e.kind == "conflict" {
            changes.push(e.data["change"].as_str().unwrap().to_owned());
        }
    }
    assert!(changes.contains(&"opened".to_owned()), "{changes:?}");
    assert!(changes.contains(&"resolved".to_owned()), "{changes:?}");
    // Without an id, the stream starts at the end: nothing old.
    let mut fresh = Stream::open(&h, "pmf/operator", None).await;
    assert!(fresh.next(Duration::from_millis(300)).await.is_none());
}

#[tokio::test]
async fn a_track_is_shown_to_its_party_and_marked_stale_after_silence() {
    let h = Harness::new();
    let (unit, _) = scene(&h).await;
    h.post("/v1/tracks", "pmf/operator", report(&unit, TIKRIT))
        .await
        .expect(200);
    let seen = h
        .get(&format!("/v1/declarations/{unit}"), "pmf/viewer")
        .await
        .expect(200)
        .json();
    assert_eq!(seen["track"]["lat"], TIKRIT.1);
    assert_eq!(seen["track"]["stale"], false);
    assert_eq!(seen["tracking"]["cot_uid"], "ANDROID-pmf-3");
    h.get(&format!("/v1/declarations/{unit}"), "coalition/viewer")
        .await
        .expect(404);
    // Nothing is due yet: a sweep writes no entry.
    let before = seq(&h).await;
    h.state.sweep().await.unwrap();
    assert_eq!(seq(&h).await, before);
}

#[tokio::test]
async fn bad_track_batches_are_refused_whole_naming_the_report() {
    let h = Harness::new();
    let (unit, _) = scene(&h).await;
    let good = report(&unit, TIKRIT)["reports"][0].clone();
    let with = |field: &str, value: Value| {
        let mut bad = good.clone();
        bad[field] = value;
        json!({"reports": [good.clone(), bad]})
    };
    let cases = [
        (with("lat", json!(91.0)), 422, "reports[1].lat"),
        (with("course", json!(360.0)), 422, "reports[1].course"),
        (with("ce_m", json!(-3)), 422, "reports[1].ce_m"),
        (with("time", json!("yesterday")), 422, "reports[1].time"),
        (
            with("declaration_id", json!("dec_ffffffffffff")),
            422,
            "reports[1].declaration_id",
        ),
        (
            with("declaration_id", json!("not-an-id")),
            422,
            "reports[1].declaration_id",
        ),
        (with("colour", json!("red")), 422, "reports[1]"),
        (json!({"reports": []}), 422, "reports"),
    ];
    let before = seq(&h).await;
    for (body, status, field) in cases {
        let problem = h.post("/v1/tracks", "pmf/operator", body.clone()).await;
        assert_eq!(
            problem.status.as_u16(),
            status,
            "{body}: {}",
            problem.text()
        );
        let problem = problem.json();
        assert!(
            problem["field"].as_str().unwrap_or("").starts_with(field),
            "{field}: {problem}"
        );
    }
    // Another party's unit reads like a made-up one.
    let theirs = h
        .post("/v1/tracks", "coalition/operator", report(&unit, GATE))
        .await;
    assert_eq!(
        theirs.problem(422, "invalid_field")["field"],
        "reports[0].declaration_id"
    );
    h.post("/v1/tracks", "pmf/viewer", report(&unit, GATE))
        .await
        .problem(403, "role_forbidden");
    assert_eq!(seq(&h).await, before, "nothing was recorded");
    // Bad resume points.
    let mut request = Request::builder()
        .uri("/v1/events")
        .header("authorization", format!("Bearer {}", h.token("pmf/viewer")))
        .header("last-event-id", "yesterday");
    h.send(request.body(axum::body::Body::empty()).unwrap())
        .await
        .problem(422, "invalid_field");
    request = Request::builder()
        .uri(format!("/v1/events?after={}", before + 1000))
        .header("authorization", format!("Bearer {}", h.token("pmf/viewer")));
    h.send(request.body(axum::body::Body::empty()).unwrap())
        .await
        .problem(422, "invalid_query");
    h.get("/v1/events", "")
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test]
async fn an_attack_alerts_parties_with_declarations_nearby_without_the_report() {
    let h = Harness::new();
    h.post(
        "/v1/declarations",
        "isf/operator",
        declaration("checkpoint", "ISF checkpoint by K-1", 44.27, 35.52, 50.0),
    )
    .await
    .expect(201);
    let now = seq(&h).await;
    let mut isf = Stream::open(&h, "isf/viewer", Some(now)).await;
    let mut pmf = Stream::open(&h, "pmf/viewer", Some(now)).await;
    let attack = json!({
        "kind": "attack",
        "place": {"type": "Point", "coordinates": [44.26, 35.52]},
        "precision_m": 300,
        "window": {"from": in_hours(-0.5), "to": in_hours(0.0)},
        "reported_by": "K-1 base defence",
        "source": "base report of 27 December",
        "source_grade": "A1"
    });
    h.post("/v1/incidents", "coalition/operator", attack)
        .await
        .expect(201);
    let seen = isf.until("alert").await;
    let alert = &seen.last().unwrap().data;
    assert_eq!(alert["about"], "attack");
    assert!(alert["attack"]["area"]["bbox"].is_array());
    let raw: String = seen.iter().map(|e| e.raw.clone()).collect();
    assert!(
        !raw.contains("K-1 base defence"),
        "the report stays private"
    );
    assert!(pmf.next(Duration::from_millis(300)).await.is_none());
}

#[tokio::test]
async fn evidence_shows_where_a_unit_said_it_was_to_its_party_only() {
    let h = Harness::new();
    let (unit, _) = scene(&h).await;
    let moved = h
        .post("/v1/tracks", "pmf/operator", report(&unit, GATE))
        .await
        .expect(200)
        .json();
    let track_seq = moved["seq"].as_u64().unwrap();
    // The PMF alleges a strike on its company by the gate (200 m off the
    // report), this hour.
    let allegation = json!({
        "kind": "allegation",
        "place": {"type": "Point", "coordinates": [GATE.0, GATE.1 + 0.002]},
        "precision_m": 500,
        "window": {"from": in_hours(-0.5), "to": in_hours(0.5)},
        "reported_by": "PMF 3rd company",
        "against": "coalition",
        "source": "company commander",
        "source_grade": "B2"
    });
    let incident = h
        .post("/v1/incidents", "pmf/operator", allegation)
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bundle = |who: &'static str| {
        let path = format!("/v1/incidents/{incident}/evidence");
        let h = &h;
        async move { h.get(&path, who).await.expect(200).json() }
    };
    let position = "/command/track/reports/0";
    let opened = |b: &Value| {
        b["payloads"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["seq"] == track_seq && p["pointer"] == position)
            .cloned()
    };
    let has_entry = |b: &Value| {
        b["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["index"] == track_seq - 1)
    };
    let pmf = bundle("pmf/viewer").await;
    assert!(has_entry(&pmf), "the track report is evidence");
    let value = opened(&pmf).expect("the PMF sees its own unit's position");
    assert!(
        value["value"].as_str().unwrap().contains("34.9355"),
        "{value}"
    );
    // The coalition, accused, gets neither the entry nor the place: its
    // evidence starts from what it sees, and the unit is the PMF's.
    let coalition = bundle("coalition/viewer").await;
    assert!(!has_entry(&coalition));
    assert!(opened(&coalition).is_none());
    assert!(!coalition.to_string().contains("34.9355"));
}

#[tokio::test]
async fn an_unanswered_notification_escalates_on_the_streams() {
    let policy = deconflict_model::Policy {
        escalate_after_ms: 100,
        ..deconflict_model::Policy::default()
    };
    let h = Harness::with_config(Config { policy, ..config() });
    let now = seq(&h).await;
    let mut pmf = Stream::open(&h, "pmf/viewer", Some(now)).await;
    let mut joc = Stream::open(&h, "joc/viewer", Some(now)).await;
    // The PMF's camp, then the coalition's strike over it: the PMF is told
    // and does not answer.
    h.post(
        "/v1/declarations",
        "pmf/operator",
        declaration("camp", "PMF camp", GATE.0, GATE.1, 300.0),
    )
    .await
    .expect(201);
    let strike = activity("air_strike", "Strike", GATE.0, GATE.1, 500.0, 1.0, 2.0);
    h.post("/v1/activities", "coalition/operator", strike)
        .await
        .expect(201);
    pmf.until("conflict").await;
    for level in [1, 2] {
        tokio::time::sleep(Duration::from_millis(110)).await;
        h.state.sweep().await.unwrap();
        let seen = pmf.until("escalation").await;
        assert_eq!(seen.last().unwrap().data["level"], level);
    }
    let seen = joc.until("escalation").await;
    assert_eq!(seen.last().unwrap().data["party"], "pmf");
    // Acknowledged, it goes no further.
    let conflict = seen.last().unwrap().data["conflict"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    h.post(
        &format!("/v1/conflicts/{conflict}/acknowledge"),
        "pmf/operator",
        json!({}),
    )
    .await
    .expect(200);
    tokio::time::sleep(Duration::from_millis(250)).await;
    let before = seq(&h).await;
    h.state.sweep().await.unwrap();
    assert_eq!(seq(&h).await, before, "nothing more to escalate");
}

#[tokio::test]
async fn large_batches_and_single_reports_all_go_through_side_by_side() {
    // One unit stands in for a batch's many; pacing each unit is
    // `flooding`'s to test.
    let h = Harness::with_config(deconflict_server::Config {
        unit_report_backlog: None,
        ..crate::config()
    });
    let (unit, _) = scene(&h).await;
    let one = report(&unit, TIKRIT)["reports"][0].clone();
    // Over 64 reports: the bulk lane.
    let large = json!({"reports": vec![one.clone(); 200]});
    let small = json!({"reports": [one]});
    let (a, b, c, d) = tokio::join!(
        h.post("/v1/tracks", "pmf/operator", large.clone()),
        h.post("/v1/tracks", "pmf/operator", large),
        h.post("/v1/tracks", "pmf/operator", small.clone()),
        h.post("/v1/tracks", "pmf/operator", small),
    );
    let mut seqs = Vec::new();
    for (reply, n) in [(a, 200), (b, 200), (c, 1), (d, 1)] {
        let body = reply.expect(200).json();
        assert_eq!(body["accepted"], n);
        seqs.push(body["seq"].as_u64().unwrap());
    }
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), 4, "one entry each");
}

#[tokio::test]
async fn a_stream_resumed_between_two_events_of_one_entry_gets_the_second() {
    let h = Harness::new();
    let (unit, _) = scene(&h).await;
    let now = seq(&h).await;
    let mut pmf = Stream::open(&h, "pmf/viewer", Some(now)).await;
    let moved = h
        .post("/v1/tracks", "pmf/operator", report(&unit, GATE))
        .await
        .expect(200)
        .json();
    let entry = moved["seq"].as_u64().unwrap();
    // The unit's move gives the PMF a conflict and an alert, both of one entry.
    let seen = pmf.until("alert").await;
    let of_entry: Vec<&SseEvent> = seen.iter().filter(|e| e.seq() == entry).collect();
    let ids: Vec<&str> = of_entry.iter().map(|e| e.id.as_str()).collect();
    assert!(of_entry.len() >= 2, "{seen:#?}");
    let expected: Vec<String> = (1..=of_entry.len())
        .map(|n| format!("{entry}-{n}"))
        .collect();
    assert_eq!(ids, expected);
    // Cut off after the first: the rest of the entry's events come, and no more.
    let mut resumed = Stream::resume(&h, "pmf/viewer", Some(format!("{entry}-1"))).await;
    for event in &of_entry[1..] {
        let again = resumed
            .next(Duration::from_secs(5))
            .await
            .expect("the next event");
        assert_eq!(again.id, event.id);
        assert_eq!(again.kind, event.kind);
        assert_eq!(again.data, event.data);
    }
    assert!(resumed.next(Duration::from_millis(300)).await.is_none());
    // After the last, or the entry's number alone (ids before): nothing of it.
    for id in [format!("{entry}-{}", of_entry.len()), entry.to_string()] {
        let mut after = Stream::resume(&h, "pmf/viewer", Some(id.clone())).await;
        assert!(
            after.next(Duration::from_millis(300)).await.is_none(),
            "{id}"
        );
    }
    // Ids that name no event.
    for bad in ["0-1", "3-0", "3-", "-1", "3-1-1"] {
        let request = Request::builder()
            .uri("/v1/events")
            .header("authorization", format!("Bearer {}", h.token("pmf/viewer")))
            .header("last-event-id", bad);
        let problem = h
            .send(request.body(axum::body::Body::empty()).unwrap())
            .await
            .problem(422, "invalid_field");
        assert_eq!(problem["field"], "Last-Event-ID", "{bad}");
    }
}

#[tokio::test]
async fn a_full_batch_of_realistic_reports_fits_the_routes_body_limit() {
    let h = Harness::new();
    // Three units reporting every second: each takes an hour of backlog at once.
    let mut units = Vec::new();
    for n in 0..3 {
        let mut unit = declaration(
            "unit_position",
            &format!("PMF team {n}"),
            43.68,
            34.6,
            200.0,
        );
        unit["tracking"] = json!({"report_interval_s": 1});
        let made = h.post("/v1/declarations", "pmf/operator", unit).await;
        units.push(made.expect(201).json()["id"].as_str().unwrap().to_owned());
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let full = deconflict_model::MAX_REPORTS;
    let reports: Vec<Value> = (0..full)
        .map(|i| {
            json!({
                "declaration_id": units[i % 3],
                "time": deconflict_server::time::format(now - (full - i) as i64 * 10),
                "lat": 34.600_012_3, "lon": 43.680_012_3, "hae": 251.5,
                "ce_m": 12.5, "speed": 1.25, "course": 271.5,
            })
        })
        .collect();
    let batch = json!({ "reports": reports });
    assert!(
        batch.to_string().len() > deconflict_server::Config::default().body_limit,
        "the batch is larger than the limit of other routes"
    );
    let taken = h
        .post("/v1/tracks", "pmf/operator", batch)
        .await
        .expect(200);
    assert_eq!(taken.json()["accepted"], full);
    // Beyond room for a full batch, the batch's own limit is named.
    let limit = full * 400;
    let request = Request::builder()
        .method("POST")
        .uri("/v1/tracks")
        .header(
            "authorization",
            format!("Bearer {}", h.token("pmf/operator")),
        )
        .header("content-type", "application/json")
        .body(axum::body::Body::from(vec![b' '; limit + 1]))
        .unwrap();
    let problem = h.send(request).await.problem(413, "too_large");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(&limit.to_string()),
        "{problem}"
    );
}
