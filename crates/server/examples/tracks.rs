//! A load generator for the live picture: with N hazard volumes standing,
//! how many track reports a second the service takes in HTTP batches and
//! over Cursor-on-Target, and how long an alert takes from the report that
//! causes it to its arrival on the event stream.
//!
//! Setup, through the API: the coalition's hazards (cleared patrols, 500 m,
//! the next day) and the PMF's tracked units, spread over western Iraq; a
//! probe hazard (a patrol under way) and a probe unit away from them. Then,
//! in turn:
//!
//! 1. **Alerts alone**: the probe unit steps in and out of the probe hazard
//!    every 100 ms; the time from each step into it to the `alert` on the
//!    PMF's event stream is recorded.
//! 2. **HTTP**: connections post batches of reports for random units, each
//!    a little off where it was declared (a unit moves no faster than it
//!    can), to `POST /v1/tracks`, each waiting for its durable answer; meanwhile the
//!    probe unit steps in and out of the probe hazard every 100 ms and the
//!    time from each step into it to the `alert` on the PMF's event stream
//!    is recorded.
//! 3. **CoT**: connections stream position events as fast as they can; the
//!    rate is read from the service's own count of positions taken
//!    (`deconflict_cot_events_total`, read with the operator's metrics
//!    token).
//!
//! ```sh
//! cargo build --release -p deconflict
//! cargo build --release -p deconflict-server --example tracks
//! target/release/deconflict demo --rate-limit-per-s 0 --log warn --cot-listen 127.0.0.1:8087
//! target/release/examples/tracks --url http://127.0.0.1:8080 --cot 127.0.0.1:8087 \
//!     --coalition "$COALITION_OPERATOR" --pmf "$PMF_OPERATOR" --metrics "$DCF_METRICS"
//! ```

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use support::{Client, Rng, rfc3339};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const USAGE: &str = "\
usage: tracks --url http://HOST:PORT --cot HOST:PORT --coalition TOKEN --pmf TOKEN
              --metrics TOKEN [--probe TOKEN] [--hazards N] [--units N] [--batch N]
              [--connections N] [--cot-connections N] [--seconds S]

  --metrics          the service's metrics token (the demo prints it), to read
                     the count of CoT positions taken

  --probe            an operator token of the party whose unit and event stream
                     measure alert latency (default: --pmf's)
  --hazards          hazard volumes standing (default 10000)
  --units            tracked units reporting (default 2000)
  --batch            reports per HTTP batch (default 1000)
  --connections      HTTP connections posting batches (default 4)
  --cot-connections  CoT connections streaming positions (default 8)
  --seconds          length of each phase (default 10)
";

/// Where hazards and units are: western Iraq, west of the demo's objects.
const REGION: [f64; 4] = [39.5, 31.0, 42.5, 33.5];
/// The probe hazard, away from everything else, and the probe unit's two
/// places: inside it, and 1 km off (the probe flies, so that it may cover
/// that in a step).
const PROBE: (f64, f64) = (46.5, 30.0);
const PROBE_OUT: (f64, f64) = (46.5104, 30.0);

#[derive(Debug, Clone)]
struct Options {
    addr: String,
    cot: String,
    coalition: String,
    pmf: String,
    /// The operator's token for `/metrics`.
    metrics: String,
    /// The party whose unit and event stream measure alert latency.
    probe: String,
    hazards: usize,
    units: usize,
    batch: usize,
    connections: usize,
    cot_connections: usize,
    seconds: f64,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        addr: String::new(),
        cot: String::new(),
        coalition: String::new(),
        pmf: String::new(),
        metrics: String::new(),
        probe: String::new(),
        hazards: 10_000,
        units: 2_000,
        batch: 1_000,
        connections: 4,
        cot_connections: 8,
        seconds: 10.0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let bad = |e: &dyn std::fmt::Display| format!("{flag}: {e}");
        match flag.as_str() {
            "--url" => {
                o.addr = value()?
                    .strip_prefix("http://")
                    .ok_or("--url: only http:// is supported")?
                    .trim_end_matches('/')
                    .to_owned();
            }
            "--cot" => o.cot = value()?,
            "--coalition" => o.coalition = value()?,
            "--pmf" => o.pmf = value()?,
            "--metrics" => o.metrics = value()?,
            "--probe" => o.probe = value()?,
            "--hazards" => o.hazards = value()?.parse().map_err(|e| bad(&e))?,
            "--units" => o.units = value()?.parse().map_err(|e| bad(&e))?,
            "--batch" => o.batch = value()?.parse().map_err(|e| bad(&e))?,
            "--connections" => o.connections = value()?.parse().map_err(|e| bad(&e))?,
            "--cot-connections" => o.cot_connections = value()?.parse().map_err(|e| bad(&e))?,
            "--seconds" => o.seconds = value()?.parse().map_err(|e| bad(&e))?,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if o.probe.is_empty() {
        o.probe = o.pmf.clone();
    }
    let required = [&o.addr, &o.cot, &o.coalition, &o.pmf, &o.metrics];
    if required.iter().any(|v| v.is_empty()) {
        return Err("--url, --cot, --coalition, --pmf and --metrics are required".into());
    }
    Ok(o)
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn place(rng: &mut Rng) -> (f64, f64) {
    let [w, s, e, n] = REGION;
    (w + (e - w) * rng.next(), s + (n - s) * rng.next())
}

fn id_of(answer: &str) -> String {
    let at = answer.find("\"id\":\"").expect("an id in the answer") + 6;
    answer[at..at + 16].to_owned()
}

/// Posts `bodies` to `path` over `connections` connections; the ids created,
/// in the order of the bodies.
async fn create_all(o: &Options, path: &str, token: &str, bodies: Vec<String>) -> Vec<String> {
    let bodies = Arc::new(bodies);
    let next = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (bodies, next, addr) = (bodies.clone(), next.clone(), o.addr.clone());
            let (path, token) = (path.to_owned(), token.to_owned());
            tokio::spawn(async move {
                let mut client = Client::connect(&addr).await.expect("connects");
                let mut ids = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                    let Some(body) = bodies.get(i) else {
                        return ids;
                    };
                    let (status, answer) = client.call("POST", &path, &token, body).await.unwrap();
                    assert!(status == 201, "{path}: {status} {answer}");
                    ids.push((i, id_of(&answer)));
                }
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.extend(task.await.unwrap());
    }
    ids.sort_unstable();
    ids.into_iter().map(|(_, id)| id).collect()
}

fn hazard(at: (f64, f64), label: &str) -> String {
    let now = now_ms();
    format!(
        r#"{{"kind":"patrol","label":"{label}","geometry":{{"type":"Point","coordinates":[{:.5},{:.5}]}},"buffer_m":500,"start":"{}","end":"{}"}}"#,
        at.0,
        at.1,
        rfc3339(now - 3_600_000),
        rfc3339(now + 24 * 3_600_000)
    )
}

/// A tracked unit of `kind` that moves at up to `speed` m/s.
fn unit(kind: &str, speed: f64, at: (f64, f64), uid: &str) -> String {
    format!(
        r#"{{"kind":"{kind}","label":"unit {uid}","geometry":{{"type":"Point","coordinates":[{:.5},{:.5}]}},"buffer_m":50,"valid_from":"{}","tracking":{{"report_interval_s":3600,"max_speed_mps":{speed},"cot_uid":"{uid}"}}}}"#,
        at.0,
        at.1,
        rfc3339(now_ms() - 3_600_000)
    )
}

/// A place within about 100 m of `home`: two of them are never farther
/// apart than a unit at 70 m/s may seem to move between two reports.
fn near(home: (f64, f64), rng: &mut Rng) -> (f64, f64) {
    let jitter = |rng: &mut Rng| (rng.next() - 0.5) * 0.002;
    (home.0 + jitter(rng), home.1 + jitter(rng))
}

fn report(unit: &str, at: (f64, f64)) -> String {
    format!(
        r#"{{"declaration_id":"{unit}","time":"{}","lat":{:.6},"lon":{:.6},"ce_m":10}}"#,
        rfc3339(now_ms()),
        at.1,
        at.0
    )
}

fn percentiles(mut samples: Vec<f64>) -> String {
    if samples.is_empty() {
        return "no samples".into();
    }
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    format!(
        "n {}  p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        samples.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    )
}

/// Posts batches for `seconds`; the reports accepted and each batch's time.
async fn post_batches(
    o: Options,
    units: Arc<Vec<(String, (f64, f64))>>,
    i: usize,
    stop: Arc<AtomicBool>,
) -> (u64, Vec<f64>) {
    let mut client = Client::connect(&o.addr).await.expect("connects");
    let mut rng = Rng(0x5851_f42d_4c95_7f2d ^ (i as u64 + 1));
    let (mut accepted, mut times) = (0, Vec::new());
    while !stop.load(Ordering::Relaxed) {
        let reports: Vec<String> = (0..o.batch)
            .map(|_| {
                let (u, home) = &units[(rng.next() * units.len() as f64) as usize % units.len()];
                report(u, near(*home, &mut rng))
            })
            .collect();
        let body = format!(r#"{{"reports":[{}]}}"#, reports.join(","));
        let sent = Instant::now();
        let (status, answer) = client
            .call("POST", "/v1/tracks", &o.pmf, &body)
            .await
            .unwrap();
        assert!(status == 200, "tracks: {status} {answer}");
        times.push(sent.elapsed().as_secs_f64() * 1000.0);
        accepted += o.batch as u64;
    }
    (accepted, times)
}

/// Steps the probe unit in and out of the probe hazard; the time from each
/// step in to the alert on the PMF's event stream.
async fn probe_alerts(o: Options, probe: String, stop: Arc<AtomicBool>) -> Vec<f64> {
    let stream = TcpStream::connect(&o.addr).await.expect("connects");
    let (read, mut write) = stream.into_split();
    let request = format!(
        "GET /v1/events HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\r\n",
        o.addr, o.probe
    );
    write.write_all(request.as_bytes()).await.unwrap();
    let mut events = BufReader::new(read);
    let mut client = Client::connect(&o.addr).await.expect("connects");
    let mut latencies = Vec::new();
    let mut line = String::new();
    while !stop.load(Ordering::Relaxed) {
        let body = format!(r#"{{"reports":[{}]}}"#, report(&probe, PROBE));
        let sent = Instant::now();
        let (_, answer) = client
            .call("POST", "/v1/tracks", &o.probe, &body)
            .await
            .unwrap();
        // The conflict the step in opened, then its alert on the stream.
        let at = answer.find("\"alerts\":[\"").expect("the step in alerts") + 11;
        let conflict = answer[at..at + 16].to_owned();
        let mut alert = false;
        loop {
            line.clear();
            let read =
                tokio::time::timeout(Duration::from_secs(5), events.read_line(&mut line)).await;
            match read {
                Ok(Ok(n)) if n > 0 => {
                    if line.starts_with("event:") {
                        alert = line.trim() == "event: alert";
                    } else if alert && line.starts_with("data:") && line.contains(&conflict) {
                        latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                        break;
                    }
                }
                _ => panic!("no alert within 5 s"),
            }
        }
        let body = format!(r#"{{"reports":[{}]}}"#, report(&probe, PROBE_OUT));
        client
            .call("POST", "/v1/tracks", &o.probe, &body)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    latencies
}

/// The service's count of CoT positions taken.
async fn cot_positions(o: &Options) -> u64 {
    let mut client = Client::connect(&o.addr).await.expect("connects");
    let (_, metrics) = client
        .call("GET", "/metrics", &o.metrics, "")
        .await
        .unwrap();
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("deconflict_cot_events_total{outcome=\"position\"} "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// Streams position events for `uids` until `stop`.
async fn stream_cot(o: Options, uids: Vec<(String, (f64, f64))>, i: usize, stop: Arc<AtomicBool>) {
    let mut stream = TcpStream::connect(&o.cot).await.expect("connects to CoT");
    stream.set_nodelay(true).unwrap();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d ^ (i as u64 + 7));
    let first = format!("<__deconflict token=\"{}\"/>", o.pmf);
    let mut authenticated = false;
    while !stop.load(Ordering::Relaxed) {
        let mut chunk = String::with_capacity(64 * 1024);
        for _ in 0..200 {
            let (uid, home) = &uids[(rng.next() * uids.len() as f64) as usize % uids.len()];
            let (lon, lat) = near(*home, &mut rng);
            let t = rfc3339(now_ms());
            let detail = if authenticated { "" } else { first.as_str() };
            authenticated = true;
            chunk.push_str(&format!(
                "<event version=\"2.0\" uid=\"{uid}\" type=\"a-f-G-U-C\" how=\"m-g\" time=\"{t}\" start=\"{t}\" stale=\"{t}\"><point lat=\"{lat:.6}\" lon=\"{lon:.6}\" hae=\"0\" ce=\"10\" le=\"10\"/><detail>{detail}<track speed=\"3\" course=\"90\"/></detail></event>"
            ));
        }
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            return;
        }
    }
}

#[tokio::main]
async fn main() {
    let o = match options() {
        Ok(o) => o,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("tracks: {message}");
            }
            eprint!("{USAGE}");
            std::process::exit(2);
        }
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let started = Instant::now();
    let hazards: Vec<String> = (0..o.hazards)
        .map(|i| hazard(place(&mut rng), &format!("hazard {i}")))
        .collect();
    create_all(&o, "/v1/activities", &o.coalition, hazards).await;
    // Under way, so that the probe's conflicts do not put it back on hold.
    let probe_hazard = create_all(
        &o,
        "/v1/activities",
        &o.coalition,
        vec![hazard(PROBE, "probe hazard")],
    )
    .await;
    let mut client = Client::connect(&o.addr).await.expect("connects");
    let start = format!("/v1/activities/{}/start", probe_hazard[0]);
    let (status, answer) = client.call("POST", &start, &o.coalition, "").await.unwrap();
    assert!(status == 200, "start: {status} {answer}");
    let homes: Vec<(f64, f64)> = (0..o.units).map(|_| place(&mut rng)).collect();
    let uids: Vec<(String, (f64, f64))> = (0..o.units)
        .map(|i| (format!("LOAD-{i}"), homes[i]))
        .collect();
    let bodies = uids
        .iter()
        .map(|(uid, home)| unit("unit_position", 70.0, *home, uid))
        .collect();
    let ids = create_all(&o, "/v1/declarations", &o.pmf, bodies).await;
    let units = Arc::new(ids.into_iter().zip(homes).collect::<Vec<_>>());
    let probe = create_all(
        &o,
        "/v1/declarations",
        &o.probe,
        vec![unit("flight", 350.0, PROBE_OUT, "PROBE")],
    )
    .await;
    println!(
        "setup: {} hazards and {} tracked units in {:.1} s",
        o.hazards,
        o.units,
        started.elapsed().as_secs_f64()
    );

    // Alert latency with the hazards standing and nothing else going on.
    let stop = Arc::new(AtomicBool::new(false));
    let prober = tokio::spawn(probe_alerts(o.clone(), probe[0].clone(), stop.clone()));
    tokio::time::sleep(Duration::from_secs_f64(o.seconds)).await;
    stop.store(true, Ordering::Relaxed);
    println!(
        "alert, report to event stream, no other load: {}",
        percentiles(prober.await.unwrap())
    );

    // HTTP batches, with the probe measuring alert latency under that load.
    let stop = Arc::new(AtomicBool::new(false));
    let began = Instant::now();
    let posters: Vec<_> = (0..o.connections)
        .map(|i| tokio::spawn(post_batches(o.clone(), units.clone(), i, stop.clone())))
        .collect();
    let prober = tokio::spawn(probe_alerts(o.clone(), probe[0].clone(), stop.clone()));
    tokio::time::sleep(Duration::from_secs_f64(o.seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let (mut accepted, mut batch_ms) = (0, Vec::new());
    for poster in posters {
        let (n, times) = poster.await.unwrap();
        accepted += n;
        batch_ms.extend(times);
    }
    let elapsed = began.elapsed().as_secs_f64();
    let alerts = prober.await.unwrap();
    println!(
        "HTTP: {} connections, batches of {}: {:.0} reports/s ({} in {:.1} s); batch {}",
        o.connections,
        o.batch,
        accepted as f64 / elapsed,
        accepted,
        elapsed,
        percentiles(batch_ms)
    );
    println!(
        "alert, report to event stream, under that load: {}",
        percentiles(alerts)
    );

    // Cursor-on-Target.
    let before = cot_positions(&o).await;
    let stop = Arc::new(AtomicBool::new(false));
    let began = Instant::now();
    let per = uids.len().div_ceil(o.cot_connections.max(1));
    let streams: Vec<_> = uids
        .chunks(per)
        .enumerate()
        .map(|(i, mine)| tokio::spawn(stream_cot(o.clone(), mine.to_vec(), i, stop.clone())))
        .collect();
    tokio::time::sleep(Duration::from_secs_f64(o.seconds)).await;
    let during = cot_positions(&o).await;
    let elapsed = began.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for stream in streams {
        let _ = stream.await;
    }
    println!(
        "CoT: {} connections: {:.0} positions/s taken ({} in {:.1} s)",
        o.cot_connections,
        (during - before) as f64 / elapsed,
        during - before,
        elapsed
    );
}
