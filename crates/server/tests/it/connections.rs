//! A party with valid credentials, or anyone who can open a socket, cannot
//! hold the service's connections: served on real loopback sockets,
//! Cursor-on-Target connections time out before and after authenticating,
//! are capped per address and in all, and their events are rate limited;
//! HTTP connections that do not finish their header time out and are
//! capped; failed authentications get their address refused (before the
//! token is looked up); and a stop ends event streams and half-sent
//! requests at once.

use super::*;
use crate::revocation::{closed_within, cot_position, head, serve_cot};
use crate::scene::{GATE, TIKRIT, scene};
use deconflict_server::{FailureLimit, RateLimit};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::time::Instant;

/// A connection to `addr` from the loopback address `from` (Linux answers
/// on all of 127.0.0.0/8), so that tests can be several addresses.
async fn connect_from(from: &str, addr: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    let from: IpAddr = from.parse().unwrap();
    socket.bind(SocketAddr::new(from, 0)).unwrap();
    socket.connect(addr).await.unwrap()
}

/// A CoT ping.
fn ping(uid: &str) -> String {
    let now = in_hours(0.0);
    format!(
        "<event version=\"2.0\" uid=\"{uid}\" type=\"t-x-c-t\" how=\"h-g-i-g-o\" time=\"{now}\" \
         start=\"{now}\" stale=\"{now}\"><point lat=\"0\" lon=\"0\" hae=\"0\" ce=\"9999999\" \
         le=\"9999999\"/><detail/></event>"
    )
}

/// Reads until `needle` has come, within a few seconds.
async fn read_until(stream: &mut TcpStream, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains(needle) {
        let n = tokio::time::timeout_at(deadline, stream.read(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("no {needle:?}: {}", String::from_utf8_lossy(&got)))
            .unwrap();
        assert!(n > 0, "closed before {needle:?}");
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&got).into_owned()
}

/// A sample of `/metrics` with these labels, 0 if absent.
async fn sample(h: &Harness, name: &str, labels: &str) -> u64 {
    let text = h.metrics().await;
    let prefix = format!("{name}{{{labels}}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn cot_connections_time_out_before_and_after_authenticating_and_pings_keep_them() {
    let h = Harness::with_config(Config {
        cot_auth_timeout: Duration::from_millis(300),
        cot_idle_timeout: Duration::from_millis(600),
        ..config()
    });
    scene(&h).await;
    let addr = serve_cot(&h.state).await;
    // Silent, or talking without a token: closed at the auth timeout.
    let mut silent = TcpStream::connect(addr).await.unwrap();
    let mut tokenless = TcpStream::connect(addr).await.unwrap();
    tokenless
        .write_all(cot_position("ANDROID-pmf-3", GATE, "").as_bytes())
        .await
        .unwrap();
    let started = Instant::now();
    assert!(closed_within(&mut silent, Duration::from_secs(2)).await);
    assert!(closed_within(&mut tokenless, Duration::from_secs(2)).await);
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_eq!(
        sample(&h, "deconflict_cot_closed_total", "reason=\"auth_timeout\"").await,
        2
    );

    // Authenticated, then kept by pings for longer than the idle timeout,
    // then closed once they stop.
    let token = h.token("pmf/operator");
    let mut tak = TcpStream::connect(addr).await.unwrap();
    let first = cot_position(
        "ANDROID-pmf-3",
        TIKRIT,
        &format!("<__deconflict token=\"{token}\"/>"),
    );
    tak.write_all(first.as_bytes()).await.unwrap();
    for i in 0..6 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let uid = format!("ping-{i}");
        tak.write_all(ping(&uid).as_bytes()).await.unwrap();
        read_until(&mut tak, &uid).await;
    }
    let quiet = Instant::now();
    assert!(closed_within(&mut tak, Duration::from_secs(3)).await);
    assert!(quiet.elapsed() >= Duration::from_millis(500));
    assert_eq!(
        sample(&h, "deconflict_cot_closed_total", "reason=\"idle\"").await,
        1
    );
}

#[tokio::test]
async fn cot_connections_beyond_the_caps_are_closed_at_once_and_the_others_go_on() {
    let h = Harness::with_config(Config {
        cot_max_per_address: 2,
        cot_max_connections: 3,
        ..config()
    });
    scene(&h).await;
    let addr = serve_cot(&h.state).await;
    let token = h.token("pmf/operator");
    let mut working = connect_from("127.0.0.1", addr).await;
    let first = cot_position(
        "ANDROID-pmf-3",
        TIKRIT,
        &format!("<__deconflict token=\"{token}\"/>"),
    );
    working.write_all(first.as_bytes()).await.unwrap();
    let _second = connect_from("127.0.0.1", addr).await;
    // A third from the same address is closed at once.
    let mut third = connect_from("127.0.0.1", addr).await;
    assert!(closed_within(&mut third, Duration::from_millis(500)).await);
    // Another address still has room, up to the cap in all.
    let mut other = connect_from("127.0.0.2", addr).await;
    let mut beyond = connect_from("127.0.0.3", addr).await;
    assert!(closed_within(&mut beyond, Duration::from_millis(500)).await);
    other.write_all(ping("other").as_bytes()).await.unwrap();
    read_until(&mut other, "other").await;
    // The first connection works as before.
    working.write_all(ping("still").as_bytes()).await.unwrap();
    read_until(&mut working, "still").await;
    let refused = |reason: &'static str| {
        let h = &h;
        async move {
            sample(
                h,
                "deconflict_connections_refused_total",
                &format!("reason=\"{reason}\""),
            )
            .await
        }
    };
    assert_eq!(refused("cot_address_cap").await, 1);
    assert_eq!(refused("cot_cap").await, 1);
    // A place freed is taken again.
    drop(other);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut again = connect_from("127.0.0.3", addr).await;
    again.write_all(ping("again").as_bytes()).await.unwrap();
    read_until(&mut again, "again").await;
}

#[tokio::test]
async fn a_cot_flood_beyond_the_rate_limit_is_dropped_not_recorded() {
    let h = Harness::with_config(Config {
        rate_limit: Some(RateLimit {
            per_second: 2.0,
            burst: 5.0,
        }),
        ..config()
    });
    let (unit, _) = scene(&h).await;
    let addr = serve_cot(&h.state).await;
    let before = head(&h).await;
    let token = h.token("pmf/operator");
    let mut tak = TcpStream::connect(addr).await.unwrap();
    let auth = format!("<__deconflict token=\"{token}\"/>");
    // 40 reports a metre apart, each in a batch of its own, in about a
    // second.
    let started = Instant::now();
    for i in 0..40 {
        let at = (TIKRIT.0 + 0.00001 * f64::from(i), TIKRIT.1);
        let detail = if i == 0 { auth.as_str() } else { "" };
        tak.write_all(cot_position("ANDROID-pmf-3", at, detail).as_bytes())
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let took = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let events = |outcome: &'static str| {
        let h = &h;
        async move {
            let labels = format!("outcome=\"{outcome}\"");
            sample(h, "deconflict_cot_events_total", &labels).await
        }
    };
    let (taken, dropped) = (events("position").await, events("rate_limited").await);
    assert_eq!(taken + dropped, 40, "{taken} taken, {dropped} dropped");
    // The burst, and what the bucket refilled meanwhile.
    let allowed = 5 + (took * 2.0).ceil() as u64;
    assert!((5..=allowed).contains(&taken), "{taken} taken in {took} s");
    let written = head(&h).await - before;
    assert!((1..=taken).contains(&written), "{written} entries written");
    // The unit did move (the first reports went through).
    let seen = h
        .get(&format!("/v1/declarations/{unit}"), "pmf/viewer")
        .await
        .expect(200)
        .json();
    assert!(seen["track"].is_object(), "{seen}");
}

#[tokio::test]
async fn repeated_bad_cot_tokens_get_the_address_refused() {
    let h = Harness::with_config(Config {
        auth_failures: Some(FailureLimit {
            max: 3,
            window: Duration::from_secs(60),
        }),
        ..config()
    });
    scene(&h).await;
    let addr = serve_cot(&h.state).await;
    for i in 0..3 {
        let mut guess = connect_from("127.0.0.1", addr).await;
        let bad = format!("<__deconflict token=\"dcf_{i:064x}\"/>");
        guess
            .write_all(cot_position("X", GATE, &bad).as_bytes())
            .await
            .unwrap();
        assert!(closed_within(&mut guess, Duration::from_secs(2)).await);
    }
    // The address is refused now, before it says anything, even with a
    // good token.
    let mut refused = connect_from("127.0.0.1", addr).await;
    assert!(closed_within(&mut refused, Duration::from_millis(500)).await);
    assert_eq!(
        sample(
            &h,
            "deconflict_connections_refused_total",
            "reason=\"cot_auth_failures\""
        )
        .await,
        1
    );
    // Another address is not.
    let token = h.token("pmf/operator");
    let mut other = connect_from("127.0.0.2", addr).await;
    let good = cot_position(
        "ANDROID-pmf-3",
        TIKRIT,
        &format!("<__deconflict token=\"{token}\"/>"),
    );
    other.write_all(good.as_bytes()).await.unwrap();
    other.write_all(ping("alive").as_bytes()).await.unwrap();
    read_until(&mut other, "alive").await;
}

/// The HTTP service for `h` on a loopback port, stopped when `stop` is
/// sent or dropped.
struct Http {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    serving: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn serve_http(h: &Harness) -> Http {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(deconflict_server::serve(
        listener,
        h.state.clone(),
        async move {
            let _ = stopped.await;
        },
    ));
    Http {
        addr,
        stop: Some(stop),
        serving,
    }
}

/// One request from address `from`: the status and the whole answer.
async fn get(http: &Http, from: &str, path: &str, token: &str) -> (u16, String) {
    let mut stream = connect_from(from, http.addr).await;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: deconflict\r\nAuthorization: Bearer {token}\r\n\
         Connection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut answer))
        .await
        .expect("an answer")
        .unwrap();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"));
    (status, answer)
}

#[tokio::test]
async fn a_half_sent_request_header_is_closed_at_the_header_timeout() {
    let h = Harness::with_config(Config {
        header_timeout: Duration::from_millis(500),
        ..config()
    });
    let http = serve_http(&h).await;
    let mut half = TcpStream::connect(http.addr).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: deconflict\r\nX-Slow: ")
        .await
        .unwrap();
    let mut idle = TcpStream::connect(http.addr).await.unwrap();
    let started = Instant::now();
    assert!(closed_within(&mut half, Duration::from_secs(3)).await);
    assert!(closed_within(&mut idle, Duration::from_secs(3)).await);
    assert!(started.elapsed() >= Duration::from_millis(400));
    // A request sent whole is answered.
    let (status, _) = get(&http, "127.0.0.1", "/healthz", "").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn http_connections_beyond_the_cap_are_closed_at_once() {
    let h = Harness::with_config(Config {
        max_connections: 2,
        ..config()
    });
    let http = serve_http(&h).await;
    let first = TcpStream::connect(http.addr).await.unwrap();
    let _second = TcpStream::connect(http.addr).await.unwrap();
    // The accept loop has taken both before the third.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = TcpStream::connect(http.addr).await.unwrap();
    assert!(closed_within(&mut third, Duration::from_millis(500)).await);
    assert_eq!(
        sample(
            &h,
            "deconflict_connections_refused_total",
            "reason=\"http_cap\""
        )
        .await,
        1
    );
    drop(first);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, _) = get(&http, "127.0.0.1", "/healthz", "").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn failed_authentications_get_their_address_refused_before_any_lookup() {
    let h = Harness::with_config(Config {
        auth_failures: Some(FailureLimit {
            max: 3,
            window: Duration::from_secs(60),
        }),
        ..config()
    });
    let http = serve_http(&h).await;
    let good = h.token("pmf/viewer");
    let (status, _) = get(&http, "127.0.0.1", "/v1/me", &good).await;
    assert_eq!(status, 200);
    for i in 0..3 {
        let (status, _) = get(&http, "127.0.0.1", "/v1/me", &format!("dcf_{i:064x}")).await;
        assert_eq!(status, 401);
    }
    // Refused now, before the token is looked up: a good one too, so that
    // the limit tells a guesser nothing of its guesses.
    for token in [good.as_str(), "dcf_0123"] {
        let (status, answer) = get(&http, "127.0.0.1", "/v1/me", token).await;
        assert_eq!(status, 429, "{answer}");
        assert!(
            answer.contains("\"code\":\"too_many_failures\""),
            "{answer}"
        );
        let retry = answer
            .lines()
            .find_map(|l| l.strip_prefix("retry-after: "))
            .and_then(|s| s.trim().parse::<u64>().ok());
        assert!(retry.is_some_and(|s| (1..=60).contains(&s)), "{answer}");
    }
    // Another address is not refused.
    let (status, _) = get(&http, "127.0.0.2", "/v1/me", &good).await;
    assert_eq!(status, 200);
    let (status, _) = get(&http, "127.0.0.2", "/v1/me", "dcf_0123").await;
    assert_eq!(status, 401);
    // Routes that take no token still answer the refused address.
    let (status, _) = get(&http, "127.0.0.1", "/healthz", "").await;
    assert_eq!(status, 200);
    assert_eq!(h.metric("deconflict_auth_failures_refused_total").await, 2);
}

#[tokio::test]
async fn a_stop_ends_event_streams_and_half_sent_requests_at_once() {
    let h = Harness::with_config(config());
    let mut http = serve_http(&h).await;
    let mut events = TcpStream::connect(http.addr).await.unwrap();
    let request = format!(
        "GET /v1/events HTTP/1.1\r\nHost: deconflict\r\nAuthorization: Bearer {}\r\n\r\n",
        h.token("pmf/viewer")
    );
    events.write_all(request.as_bytes()).await.unwrap();
    read_until(&mut events, "text/event-stream").await;
    let mut half = TcpStream::connect(http.addr).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: deco")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    let stopping = Instant::now();
    drop(http.stop.take());
    let served = tokio::time::timeout(Duration::from_secs(3), &mut http.serving)
        .await
        .expect("the service stops within seconds");
    assert!(served.unwrap().is_ok());
    assert!(stopping.elapsed() < Duration::from_secs(2));
    assert!(closed_within(&mut events, Duration::from_millis(500)).await);
    assert!(closed_within(&mut half, Duration::from_millis(500)).await);
}

#[tokio::test]
async fn over_tls_too_half_sent_headers_time_out_and_failed_addresses_are_refused() {
    use tokio_rustls::rustls::{self, RootCertStore, pki_types::ServerName};
    let h = Harness::with_config(Config {
        header_timeout: Duration::from_millis(500),
        auth_failures: Some(FailureLimit {
            max: 2,
            window: Duration::from_secs(60),
        }),
        ..config()
    });
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert, key) = (h.dir.path().join("s.crt"), h.dir.path().join("s.key"));
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    let tls = deconflict_server::tls::config(&cert, &key).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(deconflict_server::serve_tls(
        listener,
        tls,
        h.state.clone(),
        std::future::pending(),
    ));
    let mut roots = RootCertStore::empty();
    roots.add(made.cert.der().clone()).unwrap();
    let client = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(client));
    let connect = async || {
        let tcp = TcpStream::connect(addr).await.unwrap();
        let name = ServerName::try_from("localhost").unwrap();
        connector.connect(name, tcp).await.unwrap()
    };
    let status = async |token: &str| {
        let mut tls = connect().await;
        let request = format!(
            "GET /v1/me HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
             Connection: close\r\n\r\n"
        );
        tls.write_all(request.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        let _ = tls.read_to_end(&mut answer).await;
        let answer = String::from_utf8_lossy(&answer).into_owned();
        answer
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .unwrap_or_else(|| panic!("no status in {answer:?}"))
    };
    let good = h.token("pmf/viewer");
    assert_eq!(status(&good).await, 200);
    assert_eq!(status("dcf_1").await, 401);
    assert_eq!(status("dcf_2").await, 401);
    assert_eq!(status(&good).await, 429);

    let mut half = connect().await;
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: loc")
        .await
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    let closed = tokio::time::timeout(Duration::from_secs(3), async {
        loop {
            match half.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the half-sent header is still open");
    assert!(started.elapsed() >= Duration::from_millis(400));
}
