//! A revoked credential loses what outlives a request within a second: its
//! open event stream ends, its Cursor-on-Target connection is closed (and
//! a report sent after the revocation records nothing), its webhook's
//! deliveries stop and the connection to the receiver closes. The
//! revocation is made as `deconflict token revoke` makes it: in the
//! directory, by another connection, without telling the service.

use super::*;
use crate::live::Stream;
use crate::scene::{GATE, report, scene};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// How soon after a revocation its effects must be seen.
const WITHIN: Duration = Duration::from_secs(1);

fn revoke(h: &Harness, who: &str) {
    h.directory().revoke(&h.credential(who)).unwrap();
}

/// The last entry's sequence number.
pub(crate) async fn head(h: &Harness) -> u64 {
    h.get("/v1/state", "joc/viewer").await.expect(200).json()["seq"]
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test]
async fn a_revoked_credentials_event_stream_ends_within_a_second() {
    let h = Harness::new();
    let (unit, _) = scene(&h).await;
    let mut revoked = Stream::open(&h, "coalition/viewer", None).await;
    let mut kept = Stream::open(&h, "pmf/viewer", None).await;
    h.post("/v1/tracks", "pmf/operator", report(&unit, GATE))
        .await
        .expect(200);
    revoked.until("alert").await;
    kept.until("alert").await;

    revoke(&h, "coalition/viewer");
    let revoked_at = Instant::now();
    assert!(revoked.ends_within(WITHIN).await, "the stream goes on");
    assert!(revoked_at.elapsed() < WITHIN);
    // Another credential's stream goes on.
    assert!(!kept.ends_within(Duration::from_millis(300)).await);
    // And the revoked token opens no new one.
    h.get("/v1/events", "coalition/viewer")
        .await
        .problem(401, "unauthenticated");
}

/// A CoT position report for `uid`, now, with `detail`.
pub(crate) fn cot_position(uid: &str, at: (f64, f64), detail: &str) -> String {
    let now = in_hours(0.0);
    format!(
        "<event version=\"2.0\" uid=\"{uid}\" type=\"a-f-G-U-C\" how=\"m-g\" time=\"{now}\" \
         start=\"{now}\" stale=\"{now}\"><point lat=\"{}\" lon=\"{}\" hae=\"0\" ce=\"10\" \
         le=\"10\"/><detail>{detail}</detail></event>",
        at.1, at.0
    )
}

/// Cursor-on-Target for `state` on a loopback port.
pub(crate) async fn serve_cot(state: &AppState) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serving = deconflict_server::cot::serve_cot(
        listener,
        None,
        state.clone(),
        None,
        std::future::pending(),
    );
    tokio::spawn(serving);
    addr
}

/// Whether the service closes `stream` within `wait` (reading and
/// dropping whatever it sends first).
pub(crate) async fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    let deadline = Instant::now() + wait;
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
        }
    }
}

/// The unit's track as its party reads it: `[lon, lat]`.
pub(crate) async fn track_of(h: &Harness, unit: &str) -> Option<(f64, f64)> {
    let seen = h
        .get(&format!("/v1/declarations/{unit}"), "pmf/viewer")
        .await
        .expect(200)
        .json();
    Some((
        seen["track"]["lon"].as_f64()?,
        seen["track"]["lat"].as_f64()?,
    ))
}

#[tokio::test]
async fn a_revoked_credentials_cot_connection_is_closed_and_records_nothing_more() {
    let h = Harness::new();
    let (unit, _) = scene(&h).await;
    let addr = serve_cot(&h.state).await;
    let mut tak = TcpStream::connect(addr).await.unwrap();
    let token = h.token("pmf/operator");
    let first = cot_position(
        "ANDROID-pmf-3",
        GATE,
        &format!("<__deconflict token=\"{token}\"/>"),
    );
    tak.write_all(first.as_bytes()).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while track_of(&h, &unit).await != Some(GATE) {
        assert!(Instant::now() < deadline, "the first report was not taken");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A second connection of the credential, which will say nothing more.
    let mut quiet = TcpStream::connect(addr).await.unwrap();
    quiet.write_all(first.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let before = head(&h).await;

    revoke(&h, "pmf/operator");
    let revoked_at = Instant::now();
    // Sent after the revocation, before the service can have noticed it:
    // a step of about 90 m, which the log would take.
    let after = cot_position("ANDROID-pmf-3", (GATE.0 + 0.001, GATE.1), "");
    tak.write_all(after.as_bytes()).await.unwrap();
    assert!(
        closed_within(&mut tak, WITHIN).await,
        "the connection stays open"
    );
    assert!(
        closed_within(&mut quiet, WITHIN).await,
        "the quiet connection stays open"
    );
    assert!(revoked_at.elapsed() < WITHIN);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(head(&h).await, before, "an entry was written");
    assert_eq!(track_of(&h, &unit).await, Some(GATE));
}

/// An HTTP/1.1 webhook receiver on loopback that answers 204 and keeps the
/// connection open: what it received, and when its connection was closed.
#[derive(Clone, Default)]
struct Receiver {
    bodies: Arc<Mutex<Vec<String>>>,
    closed: Arc<Mutex<Option<Instant>>>,
}

impl Receiver {
    async fn start() -> (Receiver, String) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let receiver = Receiver::default();
        let serving = receiver.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serving.clone().connection(stream));
            }
        });
        (receiver, url)
    }

    async fn connection(self, mut stream: TcpStream) {
        let mut got = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            // One request: its head, then Content-Length bytes of body.
            let (head_end, length) = loop {
                let text = String::from_utf8_lossy(&got).into_owned();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text[..end]
                        .lines()
                        .find_map(|l| {
                            let (name, value) = l.split_once(':')?;
                            name.eq_ignore_ascii_case("content-length")
                                .then(|| value.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    break (end + 4, length);
                }
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => {
                        *self.closed.lock().unwrap() = Some(Instant::now());
                        return;
                    }
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            };
            while got.len() < head_end + length {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => {
                        *self.closed.lock().unwrap() = Some(Instant::now());
                        return;
                    }
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            }
            let body = String::from_utf8_lossy(&got[head_end..head_end + length]).into_owned();
            got.drain(..head_end + length);
            self.bodies.lock().unwrap().push(body);
            let answer = b"HTTP/1.1 204 No Content\r\n\r\n";
            if stream.write_all(answer).await.is_err() {
                return;
            }
        }
    }

    fn received(&self) -> usize {
        self.bodies.lock().unwrap().len()
    }

    fn closed(&self) -> Option<Instant> {
        *self.closed.lock().unwrap()
    }
}

#[tokio::test]
async fn a_revoked_credentials_webhook_stops_within_a_second_and_closes_its_connection() {
    let h = Harness::with_config(Config {
        webhook_private: true,
        ..config()
    });
    let _deliveries = deconflict_server::webhooks::start(h.state.hooks());
    let (unit, strike) = scene(&h).await;
    let (receiver, url) = Receiver::start().await;
    h.post("/v1/webhooks", "coalition/operator", json!({"url": url}))
        .await
        .expect(201);
    h.post("/v1/tracks", "pmf/operator", report(&unit, GATE))
        .await
        .expect(200);
    let deadline = Instant::now() + Duration::from_secs(10);
    while receiver.received() == 0 {
        assert!(Instant::now() < deadline, "nothing delivered");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Delivered, and the connection is kept for the next event.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(receiver.closed(), None);

    revoke(&h, "coalition/operator");
    let revoked_at = Instant::now();
    let deadline = revoked_at + WITHIN;
    while receiver.closed().is_none() {
        assert!(
            Instant::now() < deadline,
            "the revoked credential's webhook still holds its connection"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let delivered = receiver.received();
    // An event the coalition would be told of: its strike denied.
    h.post(
        &format!("/v1/activities/{strike}/deny"),
        "joc/approver",
        json!({"reason": "a unit is there"}),
    )
    .await
    .expect(200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received(), delivered, "delivered after revocation");
}
