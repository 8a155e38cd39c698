//! Webhooks: registration and its refusals, signed deliveries of exactly
//! what the registering credential may see, retries with backoff and the
//! delivery state shown meanwhile, and the end of deliveries on removal or
//! revocation. A small receiver on a loopback port records what it is sent.

use super::*;
use crate::scene::{GATE, WEST_OF_GATE, report, report_at, scene};
use axum::body::Bytes;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// What the receiver was sent, and what it answered.
#[derive(Debug, Clone)]
struct Received {
    headers: HeaderMap,
    path: String,
    body: Bytes,
    at: Instant,
    status: u16,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The delivered event, checked with its headers against the document.
    fn json(&self) -> Value {
        let event: Value = serde_json::from_slice(&self.body).unwrap();
        crate::contract::check_delivery(
            |name| {
                let value = self.headers.get(name)?;
                value.to_str().ok().map(str::to_owned)
            },
            &event,
        );
        event
    }
}

/// An HTTP server on 127.0.0.1 that records every request and answers 204,
/// or 500 while it is told to fail.
#[derive(Clone, Default)]
struct Receiver {
    received: Arc<Mutex<Vec<Received>>>,
    failing: Arc<AtomicUsize>,
}

impl Receiver {
    /// A running receiver and the URL to register for it.
    async fn start() -> (Receiver, String) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/hook?from=deconflict",
            listener.local_addr().unwrap()
        );
        let receiver = Receiver::default();
        let router = Router::new().fallback(record).with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        (receiver, url)
    }

    /// Answers the next `n` requests with 500.
    fn fail_next(&self, n: usize) {
        self.failing.store(n, Ordering::SeqCst);
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// What was received once `done` holds of it, within a few seconds.
    async fn until(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let received = self.received();
            if done(&received) {
                return received;
            }
            assert!(Instant::now() < deadline, "no {what}; got {received:#?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Everything received, as one text to search.
    fn text(&self) -> String {
        self.received()
            .iter()
            .map(|r| format!("{:?} {}\n", r.headers, String::from_utf8_lossy(&r.body)))
            .collect()
    }
}

async fn record(
    axum::extract::State(receiver): axum::extract::State<Receiver>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let failed = receiver
        .failing
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let status = if failed {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    };
    receiver.received.lock().unwrap().push(Received {
        headers,
        path: uri.to_string(),
        body,
        at: Instant::now(),
        status: status.as_u16(),
    });
    status
}

/// The first wait between attempts in these tests.
const BACKOFF: Duration = Duration::from_millis(20);

/// A harness whose webhooks retry quickly and deliver.
fn harness() -> (Harness, deconflict_server::webhooks::Deliveries) {
    let h = Harness::with_config(Config {
        webhook_backoff: BACKOFF,
        // The receivers of these tests listen on loopback.
        webhook_private: true,
        ..config()
    });
    let deliveries = deconflict_server::webhooks::start(h.state.hooks());
    (h, deliveries)
}

/// `sha256=` and the hex HMAC-SHA256 of `body` under the hex `secret`,
/// computed as a receiver would.
fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&hex::decode(secret).unwrap()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The hex `secret` as Standard Webhooks writes a key: `whsec_<base64>`.
fn whsec_of(secret: &str) -> String {
    use base64::Engine as _;
    let key = hex::decode(secret).unwrap();
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

/// The Standard Webhooks signature of a delivery, as its receivers' libraries
/// compute it: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under
/// the key of `whsec_<base64 key>`.
fn standard_signature(whsec: &str, id: &str, timestamp: &str, body: &[u8]) -> String {
    use base64::Engine as _;
    let base64 = base64::engine::general_purpose::STANDARD;
    let key = base64
        .decode(whsec.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", base64.encode(mac.finalize().into_bytes()))
}

/// Registers a webhook to `url` as `who`: its id and secret.
async fn register(h: &Harness, who: &str, url: &str) -> (String, String) {
    let created = h
        .post("/v1/webhooks", who, json!({"url": url}))
        .await
        .expect(201);
    let body = created.json();
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.headers["location"], format!("/v1/webhooks/{id}"));
    assert_eq!(body["url"], url);
    assert_eq!(body["attempts"], 0);
    assert_eq!(body["delivered"], 0);
    let secret = body["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 64);
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
    // The same key, as Standard Webhooks libraries take it.
    assert_eq!(body["standard_webhooks_secret"], whsec_of(&secret).as_str());
    (id, secret)
}

async fn webhook(h: &Harness, who: &str, id: &str) -> Value {
    h.get(&format!("/v1/webhooks/{id}"), who)
        .await
        .expect(200)
        .json()
}

/// Polls webhook `id` until `done` holds of it.
async fn webhook_until(h: &Harness, who: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let hook = webhook(h, who, id).await;
        if done(&hook) {
            return hook;
        }
        assert!(Instant::now() < deadline, "{hook}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Checks every delivery: its signature, its headers, and that each log
/// entry's events are numbered 1, 2, ... in `Deconflict-Delivery`.
fn check_deliveries(received: &[Received], secret: &str) {
    let mut last: Option<(u64, u64)> = None;
    for r in received.iter().filter(|r| r.status == 204) {
        assert_eq!(r.path, "/hook?from=deconflict");
        assert_eq!(r.header("content-type"), "application/json");
        assert_eq!(r.header("deconflict-signature"), signature(secret, &r.body));
        // Standard Webhooks: the id, a timestamp of the attempt, and the
        // signature over both and the body, so that a captured delivery
        // replayed later or as another event fails the receiver's check.
        let (id, timestamp) = (r.header("webhook-id"), r.header("webhook-timestamp"));
        assert_eq!(id, r.header("deconflict-delivery"));
        let sent: i64 = timestamp.parse().unwrap();
        let now = i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        )
        .unwrap();
        assert!((now - 60..=now).contains(&sent), "{sent} is not now");
        assert_eq!(
            r.header("webhook-signature"),
            standard_signature(&whsec_of(secret), id, timestamp, &r.body)
        );
        let event = r.json();
        assert_eq!(r.header("deconflict-event"), event["type"]);
        let seq = event["seq"].as_u64().unwrap();
        let n = match last {
            Some((s, n)) if s == seq => n + 1,
            Some((s, _)) => {
                assert!(seq > s, "in log order");
                1
            }
            None => 1,
        };
        assert_eq!(r.header("deconflict-delivery"), format!("{seq}-{n}"));
        last = Some((seq, n));
    }
}

async fn track(h: &Harness, unit: &str, at: (f64, f64)) -> Value {
    h.post("/v1/tracks", "pmf/operator", report(unit, at))
        .await
        .expect(200)
        .json()
}

/// [`track`], `minutes` from now.
async fn track_at(h: &Harness, unit: &str, at: (f64, f64), minutes: f64) -> Value {
    h.post(
        "/v1/tracks",
        "pmf/operator",
        report_at(unit, at, minutes / 60.0),
    )
    .await
    .expect(200)
    .json()
}

fn has(kind: &str) -> impl Fn(&[Received]) -> bool + '_ {
    move |received| {
        received
            .iter()
            .any(|r| r.status == 204 && r.header("deconflict-event") == kind)
    }
}

#[tokio::test]
async fn a_webhook_gets_what_its_party_may_see_signed_and_delivering_marks_the_notice() {
    let (h, _deliveries) = harness();
    let (unit, strike) = scene(&h).await;
    let (coalition, coalition_url) = Receiver::start().await;
    let (pmf, pmf_url) = Receiver::start().await;
    let (coalition_id, coalition_secret) = register(&h, "coalition/operator", &coalition_url).await;
    let (_, pmf_secret) = register(&h, "pmf/operator", &pmf_url).await;

    let moved = track(&h, &unit, GATE).await;
    let seq = moved["seq"].as_u64().unwrap();
    let conflict = moved["alerts"][0].as_str().expect("an alert").to_owned();

    // The alert, then the strike's return to hold: the same events as the
    // coalition's stream, signed with its webhook's secret.
    let got = coalition.until("held strike", has("activity")).await;
    check_deliveries(&got, &coalition_secret);
    let alert = got
        .iter()
        .find(|r| r.header("deconflict-event") == "alert")
        .expect("an alert");
    assert_eq!(alert.json()["seq"], seq);
    assert_eq!(alert.json()["conflict"]["id"], conflict.as_str());
    assert!(
        alert
            .header("deconflict-delivery")
            .starts_with(&format!("{seq}-"))
    );
    assert!(
        got.iter()
            .any(|r| r.header("deconflict-event") == "activity" && r.json()["change"] == "held")
    );

    let got = pmf.until("alert", has("alert")).await;
    check_deliveries(&got, &pmf_secret);
    assert_eq!(
        got.iter()
            .find(|r| r.header("deconflict-event") == "alert")
            .unwrap()
            .json()["conflict"]["sides"][1]["kind"],
        "air_strike"
    );

    // Delivering the conflict moved the coalition's notification on.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let c = h
            .get(&format!("/v1/conflicts/{conflict}"), "joc/viewer")
            .await
            .expect(200)
            .json();
        let side = c["sides"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["party"] == "coalition")
            .unwrap()
            .clone();
        if side["notification"]["state"] == "delivered" {
            break;
        }
        assert!(Instant::now() < deadline, "never delivered: {c}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Where the deliveries stand; never the secret.
    let hook = webhook_until(&h, "coalition/viewer", &coalition_id, |hook| {
        hook["cursor"].as_u64() >= Some(seq)
    })
    .await;
    assert!(hook["delivered"].as_u64().unwrap() >= 2, "{hook}");
    assert_eq!(hook["attempts"], 0);
    assert_eq!(hook["last_status"], 204);
    assert_eq!(hook["last_error"], Value::Null);
    assert_eq!(hook["next_attempt_at"], Value::Null);
    assert!(hook["last_attempt_at"].is_string());
    assert!(hook.get("secret").is_none(), "{hook}");
    let list = h.get("/v1/webhooks", "coalition/viewer").await.expect(200);
    assert!(!list.text().contains(&coalition_secret));
    assert!(!list.text().contains("secret"));
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 1);
    assert_eq!(list.json()["next_after"], Value::Null);

    // Need-to-know: neither learns what the other declared.
    let pmf_saw = pmf.text();
    for secret in [strike.as_str(), "truck park", "43.475", &coalition_url] {
        assert!(!pmf_saw.contains(secret), "pmf learned {secret}: {pmf_saw}");
    }
    let coalition_saw = coalition.text();
    for secret in [unit.as_str(), "3rd company", "34.9355", "ANDROID", &pmf_url] {
        assert!(
            !coalition_saw.contains(secret),
            "coalition learned {secret}"
        );
    }
}

#[tokio::test]
async fn a_failed_delivery_is_retried_with_backoff_and_shown_until_it_succeeds() {
    let (h, _deliveries) = harness();
    let (unit, _) = scene(&h).await;
    let (receiver, url) = Receiver::start().await;
    receiver.fail_next(usize::MAX);
    let (id, secret) = register(&h, "pmf/operator", &url).await;
    let registered_at = webhook(&h, "pmf/operator", &id).await["cursor"].clone();
    // A receiver nobody listens for: nothing answers at all.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let (dead, _) = register(&h, "pmf/operator", &dead_url).await;

    track(&h, &unit, GATE).await;
    receiver.until("three attempts", |r| r.len() >= 3).await;
    let failing = webhook_until(&h, "pmf/viewer", &id, |hook| {
        hook["attempts"].as_u64() >= Some(3)
    })
    .await;
    assert_eq!(failing["last_status"], 500);
    assert!(
        failing["last_error"].as_str().unwrap().contains("500"),
        "{failing}"
    );
    assert!(failing["next_attempt_at"].is_string());
    assert_eq!(failing["cursor"], registered_at, "nothing delivered yet");
    assert_eq!(failing["delivered"], 0);
    let unreachable = webhook_until(&h, "pmf/viewer", &dead, |hook| {
        hook["attempts"].as_u64() >= Some(1)
    })
    .await;
    assert_eq!(unreachable["last_status"], Value::Null);
    assert!(
        unreachable["last_error"]
            .as_str()
            .unwrap()
            .starts_with("connecting to 127.0.0.1:"),
        "{unreachable}"
    );

    receiver.fail_next(0);
    let got = receiver
        .until("a delivery", |r| r.iter().any(|r| r.status == 204))
        .await;
    let failed: Vec<&Received> = got.iter().take_while(|r| r.status == 500).collect();
    let delivered = &got[failed.len()];
    // The same event every time, never skipped, each wait twice the last.
    assert!(failed.len() >= 3);
    for attempt in &failed {
        assert_eq!(attempt.body, delivered.body);
        assert_eq!(
            attempt.header("deconflict-delivery"),
            delivered.header("deconflict-delivery")
        );
    }
    assert_eq!(
        delivered.header("deconflict-delivery").split('-').nth(1),
        Some("1")
    );
    for (i, pair) in got[..=failed.len()].windows(2).enumerate() {
        let waited = pair[1].at - pair[0].at;
        assert!(
            waited >= BACKOFF * (1 << i),
            "attempt {}: {waited:?}",
            i + 2
        );
    }
    check_deliveries(&got, &secret);
    let recovered = webhook_until(&h, "pmf/viewer", &id, |hook| hook["attempts"] == 0).await;
    assert_eq!(recovered["last_status"], 204);
    assert_eq!(recovered["last_error"], Value::Null);
    assert_eq!(recovered["next_attempt_at"], Value::Null);
    assert!(recovered["delivered"].as_u64() >= Some(1));
}

#[tokio::test]
async fn an_https_receiver_is_checked_against_the_roots() {
    let (h, _deliveries) = harness();
    let (unit, _) = scene(&h).await;
    // A receiver whose certificate no root vouches for: its handshakes are
    // counted, and none may complete.
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert, key) = (h.dir.path().join("r.crt"), h.dir.path().join("r.key"));
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    let acceptor =
        tokio_rustls::TlsAcceptor::from(deconflict_server::tls::config(&cert, &key).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "https://localhost:{}/hook",
        listener.local_addr().unwrap().port()
    );
    let handshakes = Arc::new(Mutex::new(Vec::new()));
    let seen = handshakes.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let done = acceptor.accept(tcp).await.is_ok();
            seen.lock().unwrap().push(done);
        }
    });
    let (id, _) = register(&h, "pmf/operator", &url).await;
    track(&h, &unit, GATE).await;
    let refused = webhook_until(&h, "pmf/operator", &id, |hook| {
        hook["attempts"].as_u64() >= Some(1)
    })
    .await;
    let error = refused["last_error"].as_str().unwrap();
    assert!(error.starts_with("TLS with localhost:"), "{error}");
    assert!(error.contains("UnknownIssuer"), "{error}");
    assert_eq!(refused["last_status"], Value::Null);
    // The receiver's side of the refused handshake may end a moment later.
    let deadline = Instant::now() + Duration::from_secs(10);
    while handshakes.lock().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "no handshake was tried");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(!handshakes.lock().unwrap().contains(&true));
}

#[tokio::test]
async fn revocation_or_removal_stops_a_webhook() {
    let (h, _deliveries) = harness();
    let (unit, _) = scene(&h).await;
    let (pmf, pmf_url) = Receiver::start().await;
    let (coalition, coalition_url) = Receiver::start().await;
    let (joc, joc_url) = Receiver::start().await;
    let (pmf_id, _) = register(&h, "pmf/operator", &pmf_url).await;
    register(&h, "coalition/operator", &coalition_url).await;
    register(&h, "joc/approver", &joc_url).await;
    // Reports a minute apart, from four minutes ago: a unit drives out of
    // the strike's reach and back in that time.
    let minutes = std::cell::Cell::new(-4.0);
    let next = || {
        minutes.set(minutes.get() + 1.0);
        minutes.get() - 1.0
    };
    track_at(&h, &unit, GATE, next()).await;
    pmf.until("alert", has("alert")).await;
    coalition.until("alert", has("alert")).await;
    joc.until("alert", has("alert")).await;

    // Moves the unit out and back; returns once the coordinator's webhook,
    // which sees everything, has the last entry's events.
    let out_and_back = async || {
        track_at(&h, &unit, WEST_OF_GATE, next()).await;
        let seq = track_at(&h, &unit, GATE, next()).await["seq"]
            .as_u64()
            .unwrap();
        joc.until("the last entry", |r| {
            r.iter().any(|r| r.json()["seq"].as_u64() == Some(seq))
        })
        .await;
        // Time for any other delivery under way to land.
        tokio::time::sleep(Duration::from_millis(200)).await;
    };

    // A revocation, made by another process without telling the service,
    // stops the credential's webhook before its next delivery.
    h.directory()
        .revoke(&h.credential("coalition/operator"))
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let coalition_before = coalition.received().len();
    let pmf_before = pmf.received().len();
    out_and_back().await;
    assert_eq!(
        coalition.received().len(),
        coalition_before,
        "{}",
        coalition.text()
    );
    assert!(pmf.received().len() > pmf_before, "the others go on");

    h.call(
        Method::DELETE,
        &format!("/v1/webhooks/{pmf_id}"),
        "pmf/operator",
        None,
    )
    .await
    .expect(204);
    h.get(&format!("/v1/webhooks/{pmf_id}"), "pmf/operator")
        .await
        .problem(404, "not_found");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let pmf_before = pmf.received().len();
    out_and_back().await;
    assert_eq!(pmf.received().len(), pmf_before, "{}", pmf.text());
}

#[tokio::test]
async fn webhooks_are_their_partys_and_urls_are_checked() {
    let h = Harness::new();
    let url = "https://ops.example.org/deconflict";
    for bad in [
        "ops.example.org/deconflict",
        "ftp://ops.example.org/",
        "https://",
        "https://user:secret@ops.example.org/",
        "not a url",
        &format!("https://ops.example.org/{}", "a".repeat(2048)),
    ] {
        let problem = h
            .post("/v1/webhooks", "coalition/operator", json!({"url": bad}))
            .await
            .problem(422, "invalid_field");
        assert_eq!(problem["field"], "url", "{bad}: {problem}");
    }
    let problem = h
        .post("/v1/webhooks", "coalition/operator", json!({}))
        .await
        .problem(422, "malformed_body");
    assert_eq!(problem["field"], "url");
    for who in ["coalition/viewer", "coalition/auditor"] {
        h.post("/v1/webhooks", who, json!({"url": url}))
            .await
            .problem(403, "role_forbidden");
    }
    h.post("/v1/webhooks", "", json!({"url": url}))
        .await
        .problem(401, "unauthenticated");

    let (id, secret) = register(&h, "coalition/operator", url).await;
    assert!(
        !webhook(&h, "coalition/viewer", &id)
            .await
            .to_string()
            .contains(&secret)
    );
    // Another party's webhook reads exactly like one that never existed.
    let theirs = h.get(&format!("/v1/webhooks/{id}"), "pmf/operator").await;
    let made_up = h
        .get("/v1/webhooks/whk_0123456789abcdef", "pmf/operator")
        .await;
    assert_eq!(theirs.body, made_up.body);
    theirs.problem(404, "not_found");
    made_up.problem(404, "not_found");
    h.call(
        Method::DELETE,
        &format!("/v1/webhooks/{id}"),
        "pmf/operator",
        None,
    )
    .await
    .problem(404, "not_found");
    h.call(
        Method::DELETE,
        &format!("/v1/webhooks/{id}"),
        "joc/approver",
        None,
    )
    .await
    .problem(404, "not_found");
    h.call(
        Method::DELETE,
        &format!("/v1/webhooks/{id}"),
        "coalition/viewer",
        None,
    )
    .await
    .problem(403, "role_forbidden");
    let list = h
        .get("/v1/webhooks", "pmf/operator")
        .await
        .expect(200)
        .json();
    assert_eq!(list["items"], json!([]));

    // At most eight a party; removing one makes room.
    for _ in 1..8 {
        register(&h, "coalition/operator", url).await;
    }
    h.post("/v1/webhooks", "coalition/operator", json!({"url": url}))
        .await
        .problem(409, "too_many_webhooks");
    register(&h, "pmf/operator", url).await;
    h.call(
        Method::DELETE,
        &format!("/v1/webhooks/{id}"),
        "coalition/operator",
        None,
    )
    .await
    .expect(204);
    h.call(
        Method::DELETE,
        &format!("/v1/webhooks/{id}"),
        "coalition/operator",
        None,
    )
    .await
    .problem(404, "not_found");
    register(&h, "coalition/operator", url).await;
}

#[tokio::test]
async fn webhooks_cannot_point_into_the_service_network_unless_allowed() {
    let h = Harness::new();
    for url in [
        "http://127.0.0.1:9/hook",
        "http://10.1.2.3/hook",
        "https://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:8080/hook",
        "http://[fd00::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ] {
        let refused = h
            .post("/v1/webhooks", "pmf/operator", json!({"url": url}))
            .await
            .problem(422, "invalid_field");
        assert_eq!(refused["field"], "url", "{url}");
    }
    // A name is checked once resolved: `localhost` is registered, and each
    // delivery is refused before any connection, the reason shown.
    let (receiver, url) = Receiver::start().await;
    let url = url.replace("127.0.0.1", "localhost");
    let (id, _) = register(&h, "pmf/operator", &url).await;
    let _deliveries = deconflict_server::webhooks::start(h.state.hooks());
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
    let state = webhook_until(&h, "pmf/viewer", &id, |w| w["attempts"].as_u64() > Some(0)).await;
    assert!(
        state["last_error"]
            .as_str()
            .unwrap()
            .contains("not a public address"),
        "{state}"
    );
    assert!(receiver.received().is_empty());
}

/// Check fire by webhook: the owner of the strike it held gets the stop,
/// signed, with its own activity and the cause, and nothing of its raiser.
#[tokio::test]
async fn a_stop_reaches_the_owners_webhook_and_nothing_of_its_raiser_goes_with_it() {
    let (h, _deliveries) = harness();
    let (_, strike) = scene(&h).await;
    let (coalition, coalition_url) = Receiver::start().await;
    let (_, secret) = register(&h, "coalition/operator", &coalition_url).await;
    h.post(
        "/v1/stops",
        "pmf/operator",
        json!({"cause": "civilians_present",
            "geometry": {"type": "Point", "coordinates": [crate::scene::TRUCK_PARK.0, crate::scene::TRUCK_PARK.1]},
            "buffer_m": 1000, "until": crate::in_hours(2.0),
            "reason": "families sheltering in the truck park"}),
    )
    .await
    .expect(201);
    let got = coalition.until("the stop", has("stop")).await;
    check_deliveries(&got, &secret);
    let stop = got
        .iter()
        .find(|r| r.header("deconflict-event") == "stop")
        .unwrap();
    let body = stop.json();
    assert_eq!(body["change"], "held");
    assert_eq!(body["stop"]["held"], json!([strike]));
    assert_eq!(body["stop"]["cause"], "civilians_present");
    let text = String::from_utf8_lossy(&stop.body).into_owned();
    for hidden in ["pmf", "families", "detail"] {
        assert!(!text.contains(hidden), "{hidden}: {text}");
    }
}
