//! The sites TAK devices draw are computed once per party for all its
//! devices, and never handed to another party: devices of two parties
//! connected at once each draw their own party's picture, before and after
//! the log moves, and a site made public, then withdrawn, is drawn again on
//! every party's devices as each may see it.

use super::*;
use crate::revocation::serve_cot;
use crate::scene::{GATE, TIKRIT};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// A device of `who` (`party/role`), authenticated by a ping carrying its
/// token.
async fn device(h: &Harness, addr: SocketAddr, who: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let now = in_hours(0.0);
    let hello = format!(
        "<event version=\"2.0\" uid=\"{who}\" type=\"t-x-c-t\" how=\"h-g-i-g-o\" time=\"{now}\" \
         start=\"{now}\" stale=\"{now}\"><point lat=\"0\" lon=\"0\" hae=\"0\" ce=\"9999999\" \
         le=\"9999999\"/><detail><__deconflict token=\"{}\"/></detail></event>",
        h.token(who)
    );
    stream.write_all(hello.as_bytes()).await.unwrap();
    stream
}

/// What `stream` is sent until nothing more comes for `quiet`.
async fn read_while_talking(stream: &mut TcpStream, quiet: Duration) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    while let Ok(Ok(n)) = tokio::time::timeout(quiet, stream.read(&mut buf)).await {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&got).into_owned()
}

/// What `stream` is sent, within a few refreshes of the sites, up to a
/// whole event that holds every one of `needles`.
async fn event_with(stream: &mut TcpStream, needles: &[&str]) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let text = String::from_utf8_lossy(&got).into_owned();
        let whole = |e: &&str| e.contains("</event>") && needles.iter().all(|n| e.contains(n));
        if text.split("<?xml").any(|e| whole(&e)) {
            return text;
        }
        let n = tokio::time::timeout_at(deadline, stream.read(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("no event with {needles:?}: {text}"))
            .unwrap();
        assert!(n > 0, "closed before an event with {needles:?}: {text}");
        got.extend_from_slice(&buf[..n]);
    }
}

/// A site of `who`'s party at `at`, private unless `public`; its id and
/// version.
async fn declare(h: &Harness, who: &str, label: &str, at: (f64, f64), public: bool) -> Value {
    h.post("/v1/declarations", who, site(label, at, public))
        .await
        .expect(201)
        .json()
}

fn site(label: &str, at: (f64, f64), public: bool) -> Value {
    let visibility = if public { "public" } else { "private" };
    json!({"kind": "base", "label": label,
        "geometry": {"type": "Point", "coordinates": [at.0, at.1]},
        "buffer_m": 100, "valid_from": in_hours(-1.0), "visibility": visibility})
}

fn uid(declared: &Value) -> String {
    format!("uid=\"deconflict-{}\"", declared["id"].as_str().unwrap())
}

#[tokio::test]
async fn cot_devices_of_two_parties_at_once_each_draw_only_their_own_partys_sites() {
    let h = Harness::new();
    let addr = serve_cot(&h.state).await;
    let depot = declare(&h, "pmf/operator", "PMF depot", GATE, false).await;
    let base = declare(&h, "coalition/operator", "Coalition base", TIKRIT, false).await;
    // Two of the PMF's devices (of two roles, shown the same) and two of
    // the coalition's, their pictures drawn at the same position of the log.
    let mut pmf = vec![device(&h, addr, "pmf/operator").await];
    let mut coalition = vec![device(&h, addr, "coalition/operator").await];
    pmf.push(device(&h, addr, "pmf/viewer").await);
    coalition.push(device(&h, addr, "coalition/viewer").await);
    for (devices, own, other) in [(&mut pmf, &depot, &base), (&mut coalition, &base, &depot)] {
        for device in devices.iter_mut() {
            let mut picture = event_with(device, &[&uid(own), "a-f-G-I"]).await;
            picture.push_str(&read_while_talking(device, Duration::from_millis(300)).await);
            assert!(!picture.contains(&uid(other)), "{picture}");
        }
    }

    // The log moves: each party declares another private site, and every
    // device has had a refresh since both.
    let checkpoint = declare(&h, "pmf/operator", "PMF checkpoint", GATE, false).await;
    let camp = declare(&h, "coalition/operator", "Coalition camp", TIKRIT, false).await;
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    for (devices, own, other) in [
        (&mut pmf, &checkpoint, &camp),
        (&mut coalition, &camp, &checkpoint),
    ] {
        for device in devices.iter_mut() {
            let mut redrawn = event_with(device, &[&uid(own), "a-f-G-I"]).await;
            redrawn.push_str(&read_while_talking(device, Duration::from_millis(300)).await);
            for private in [&uid(other), &uid(&depot), &uid(&base)] {
                assert!(!redrawn.contains(private), "{private} in {redrawn}");
            }
        }
    }
}

#[tokio::test]
async fn cot_a_site_made_public_then_withdrawn_is_redrawn_on_every_partys_devices() {
    let h = Harness::new();
    let addr = serve_cot(&h.state).await;
    let declared = declare(&h, "pmf/operator", "PMF clinic", GATE, false).await;
    let id = declared["id"].as_str().unwrap().to_owned();
    let mut own = device(&h, addr, "pmf/viewer").await;
    let mut other = device(&h, addr, "coalition/viewer").await;
    event_with(&mut own, &[&uid(&declared), "a-f-G-I"]).await;
    let picture = read_while_talking(&mut other, Duration::from_millis(500)).await;
    assert!(picture.contains("t-x-c-t-r"), "{picture}");
    assert!(!picture.contains("PMF clinic"), "{picture}");

    // Made public: the coalition's device draws it as another party's,
    // the PMF's again as its own.
    let mut public = site("PMF clinic", GATE, true);
    public["version"] = declared["version"].clone();
    h.call(
        Method::PUT,
        &format!("/v1/declarations/{id}"),
        "pmf/operator",
        Some(public),
    )
    .await
    .expect(200);
    event_with(&mut other, &[&uid(&declared), "a-n-G-I"]).await;
    event_with(&mut own, &[&uid(&declared), "a-f-G-I"]).await;

    // Withdrawn: taken off both.
    h.call(
        Method::DELETE,
        &format!("/v1/declarations/{id}"),
        "pmf/operator",
        None,
    )
    .await
    .expect(200);
    let link = format!("<link uid=\"deconflict-{id}\"");
    for device in [&mut own, &mut other] {
        event_with(device, &["t-x-d-d", &link]).await;
    }
}
