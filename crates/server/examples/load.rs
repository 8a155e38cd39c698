//! A load generator for `POST /v1/activities`: N keep-alive HTTP/1.1
//! connections submit activities for T seconds, each waiting for its answer
//! (which the service gives only once the entry is fsynced), and the
//! submissions per second and the latency percentiles are printed.
//!
//! The activities land at random in a box (by default around Baghdad, over
//! the demo's bases, the PMF's Balad position and the public airport and
//! embassy) over the next week, so they overlap each other and existing
//! declarations; with tokens of several parties they open conflicts too.
//!
//! With `--cot` and `--devices N`, N Cursor-on-Target devices of the
//! `--device-token`'s party are connected (after `--sites M` public sites of
//! that party are imported, for them to draw, away from the activities) and
//! read everything they are sent while the submissions run: each entry
//! moves the log on, after which the devices' sites are compared with the
//! state's. Submitted with another party's tokens, the activities are
//! nothing the devices draw. With `--metrics`, the service's own CPU time
//! over the run is printed too.
//!
//! ```sh
//! cargo build --release -p deconflict
//! cargo build --release -p deconflict-server --example load
//! target/release/deconflict demo --rate-limit-per-s 0 --log warn   # note three operator tokens
//! target/release/examples/load --url http://127.0.0.1:8080 \
//!     --token "$COALITION_OPERATOR,$ISF_OPERATOR,$PMF_OPERATOR" --connections 32 --seconds 20
//! # 64 devices of OCHA's (the demo started with --cot-listen 127.0.0.1:8087
//! # --cot-max-per-address 1024):
//! target/release/examples/load --url http://127.0.0.1:8080 --cot 127.0.0.1:8087 \
//!     --token "$COALITION_OPERATOR" --connections 8 --seconds 20 \
//!     --device-token "$OCHA_OPERATOR" --sites 10000 --devices 64 --metrics "$DCF_METRICS"
//! ```

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use support::{Client, Rng, rfc3339};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const USAGE: &str = "\
usage: load --url http://HOST:PORT --token T1[,T2,...] [--connections N] [--seconds S]
            [--region W,S,E,N] [--buffer-m M] [--kind KIND] [--hours H]

  --url          the service (plain HTTP)
  --token        operator tokens, comma-separated; connection i uses token i mod n
  --connections  concurrent keep-alive connections (default 32)
  --seconds      how long to submit (default 10)
  --region       where activities land, degrees (default 43.5,33.0,44.5,34.2)
  --buffer-m     hazard buffer of each activity (default 2000)
  --kind         activity kind (default patrol: cleared unless in conflict)
  --hours        activities start within this many hours from now (default 168)
  --cot          the service's Cursor-on-Target listener (plain TCP), for --devices
  --device-token the token of the party whose devices connect and whose sites are imported
  --devices      CoT devices of that party connected meanwhile (default 0)
  --sites        public sites that party imports first (default 0), south of --region
  --metrics      the service's metrics token: its CPU time over the run is printed
";

#[derive(Debug, Clone)]
struct Options {
    addr: String,
    tokens: Vec<String>,
    connections: usize,
    seconds: f64,
    region: [f64; 4],
    buffer_m: f64,
    kind: String,
    hours: f64,
    cot: String,
    device_token: String,
    devices: usize,
    sites: usize,
    metrics: Option<String>,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        addr: String::new(),
        tokens: Vec::new(),
        connections: 32,
        seconds: 10.0,
        region: [43.5, 33.0, 44.5, 34.2],
        buffer_m: 2000.0,
        kind: "patrol".into(),
        hours: 168.0,
        cot: String::new(),
        device_token: String::new(),
        devices: 0,
        sites: 0,
        metrics: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let bad = |e: &dyn std::fmt::Display| format!("{flag}: {e}");
        match flag.as_str() {
            "--url" => {
                let url = value()?;
                o.addr = url
                    .strip_prefix("http://")
                    .ok_or("--url: only http:// is supported")?
                    .trim_end_matches('/')
                    .to_owned();
            }
            "--token" => o
                .tokens
                .extend(value()?.split(',').map(|t| t.trim().to_owned())),
            "--connections" => o.connections = value()?.parse().map_err(|e| bad(&e))?,
            "--seconds" => o.seconds = value()?.parse().map_err(|e| bad(&e))?,
            "--buffer-m" => o.buffer_m = value()?.parse().map_err(|e| bad(&e))?,
            "--kind" => o.kind = value()?,
            "--hours" => o.hours = value()?.parse().map_err(|e| bad(&e))?,
            "--cot" => o.cot = value()?,
            "--device-token" => o.device_token = value()?,
            "--devices" => o.devices = value()?.parse().map_err(|e| bad(&e))?,
            "--sites" => o.sites = value()?.parse().map_err(|e| bad(&e))?,
            "--metrics" => o.metrics = Some(value()?),
            "--region" => {
                let v: Vec<f64> = value()?
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()
                    .map_err(|e| bad(&e))?;
                o.region = v.try_into().map_err(|_| "--region: four numbers")?;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if o.addr.is_empty() || o.tokens.is_empty() {
        return Err("--url and --token are required".into());
    }
    if o.devices > 0 && o.cot.is_empty() {
        return Err("--devices needs --cot".into());
    }
    if (o.devices > 0 || o.sites > 0) && o.device_token.is_empty() {
        return Err("--devices and --sites need --device-token".into());
    }
    Ok(o)
}

#[derive(Debug, Default)]
struct Tally {
    latencies_us: Vec<u64>,
    created: u64,
    other: Vec<(u16, String)>,
}

async fn connection(o: Options, i: usize, deadline: Instant) -> std::io::Result<Tally> {
    let token = &o.tokens[i % o.tokens.len()];
    let mut client = Client::connect(&o.addr).await?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (i as u64 + 1).wrapping_mul(0x1234_5678_9abc_def1));
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let [w, s, e, n] = o.region;
    let mut tally = Tally::default();
    let mut seq = 0u64;
    while Instant::now() < deadline {
        seq += 1;
        let lon = w + (e - w) * rng.next();
        let lat = s + (n - s) * rng.next();
        let start = now + (rng.next() * o.hours * 3_600_000.0) as i64;
        let end = start + 3_600_000 + (rng.next() * 3.0 * 3_600_000.0) as i64;
        let body = format!(
            r#"{{"kind":"{}","label":"load {i}/{seq}","geometry":{{"type":"Point","coordinates":[{lon:.5},{lat:.5}]}},"buffer_m":{},"start":"{}","end":"{}"}}"#,
            o.kind,
            o.buffer_m,
            rfc3339(start),
            rfc3339(end)
        );
        let sent = Instant::now();
        let (status, answer) = client.call("POST", "/v1/activities", token, &body).await?;
        tally.latencies_us.push(sent.elapsed().as_micros() as u64);
        if status == 201 {
            tally.created += 1;
        } else if tally.other.len() < 5 {
            tally.other.push((status, answer));
        }
    }
    Ok(tally)
}

/// Imports `o.sites` public sites of the devices' party, for them to draw,
/// in imports of at most 5,000, in a box as large as `--region` south of it:
/// the activities meet none of them, so that nothing but the log's moving
/// on changes what the devices are shown.
async fn import_sites(o: &Options) -> std::io::Result<()> {
    let mut client = Client::connect(&o.addr).await?;
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let [w, s, e, n] = o.region;
    let (s, n) = (s - (n - s) - 0.1, s - 0.1);
    let mut left = o.sites;
    while left > 0 {
        let features: Vec<String> = (0..left.min(5_000))
            .map(|i| {
                let (lon, lat) = (w + (e - w) * rng.next(), s + (n - s) * rng.next());
                format!(
                    r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon:.5},{lat:.5}]}},"properties":{{"kind":"clinic","label":"site {left}/{i}","buffer_m":100}}}}"#
                )
            })
            .collect();
        left -= features.len();
        let body = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        let path = "/v1/declarations/import?visibility=public";
        // An import needs a key of its own, so that a retry imports nothing twice.
        let key = format!("Idempotency-Key: load-{left}\r\n");
        let (status, answer) = client
            .call_with_headers("POST", path, &o.device_token, &key, &body)
            .await?;
        if status != 201 && status != 200 {
            return Err(std::io::Error::other(format!("import: {status} {answer}")));
        }
    }
    Ok(())
}

/// One device of the `--device-token`'s party: authenticates with a ping, then
/// reads everything it is sent until `stop`, counting the events, and pings
/// often enough not to be taken for idle.
async fn device(o: Options, events: Arc<AtomicU64>, stop: Arc<AtomicBool>) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(&o.cot).await?;
    let t = rfc3339(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    );
    let ping = |detail: &str| {
        format!(
            r#"<event version="2.0" uid="load-ping" type="t-x-c-t" how="h-g-i-g-o" time="{t}" start="{t}" stale="{t}"><point lat="0" lon="0" hae="0" ce="9999999" le="9999999"/><detail>{detail}</detail></event>"#
        )
    };
    let first = format!(r#"<__deconflict token="{}"/>"#, o.device_token);
    stream.write_all(ping(&first).as_bytes()).await?;
    let mut buffer = vec![0u8; 64 * 1024];
    let mut pinged = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        let read = tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buffer));
        match read.await {
            Ok(Ok(0)) => return Err(std::io::Error::other("the service closed a device")),
            Ok(Ok(n)) => {
                let ended = buffer[..n].windows(8).filter(|w| w == b"</event>").count();
                events.fetch_add(ended as u64, Ordering::Relaxed);
            }
            Ok(Err(e)) => return Err(e),
            Err(_) => {}
        }
        if pinged.elapsed() > Duration::from_secs(30) {
            stream.write_all(ping("").as_bytes()).await?;
            pinged = Instant::now();
        }
    }
    Ok(())
}

/// The service's CPU time so far, seconds, from its metrics.
async fn cpu_seconds(o: &Options, token: &str) -> std::io::Result<f64> {
    let mut client = Client::connect(&o.addr).await?;
    let (_, metrics) = client.call("GET", "/metrics", token, "").await?;
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("process_cpu_seconds_total "))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| std::io::Error::other("no process_cpu_seconds_total in /metrics"))
}

#[tokio::main]
async fn main() {
    let o = match options() {
        Ok(o) => o,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("load: {message}");
            }
            eprint!("{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(e) = import_sites(&o).await {
        eprintln!("load: {e}");
        std::process::exit(1);
    }
    let (events, stop) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicBool::new(false)),
    );
    let devices: Vec<_> = (0..o.devices)
        .map(|_| tokio::spawn(device(o.clone(), events.clone(), stop.clone())))
        .collect();
    if o.devices > 0 {
        // Their pictures drawn before the run starts.
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    let pictures = events.load(Ordering::Relaxed);
    let cpu = match &o.metrics {
        Some(token) => cpu_seconds(&o, token).await.ok(),
        None => None,
    };
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(o.seconds);
    let tasks: Vec<_> = (0..o.connections)
        .map(|i| tokio::spawn(connection(o.clone(), i, deadline)))
        .collect();
    let mut all = Tally::default();
    for task in tasks {
        match task.await {
            Ok(Ok(t)) => {
                all.latencies_us.extend(t.latencies_us);
                all.created += t.created;
                all.other.extend(t.other);
            }
            Ok(Err(e)) => eprintln!("load: a connection failed: {e}"),
            Err(e) => eprintln!("load: a connection panicked: {e}"),
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = match (&o.metrics, cpu) {
        (Some(token), Some(before)) => cpu_seconds(&o, token).await.ok().map(|now| now - before),
        _ => None,
    };
    let drawn = events.load(Ordering::Relaxed) - pictures;
    stop.store(true, Ordering::Relaxed);
    for task in devices {
        match task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("load: a device failed: {e}"),
            Err(e) => eprintln!("load: a device panicked: {e}"),
        }
    }
    all.latencies_us.sort_unstable();
    let pct = |p: f64| {
        let l = &all.latencies_us;
        if l.is_empty() {
            0.0
        } else {
            l[((l.len() as f64 * p) as usize).min(l.len() - 1)] as f64 / 1000.0
        }
    };
    println!(
        "{} connections, {:.1} s: {} requests, {} created (201), {:.0} durable submissions/s",
        o.connections,
        elapsed,
        all.latencies_us.len(),
        all.created,
        all.created as f64 / elapsed
    );
    println!(
        "latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0)
    );
    if o.devices > 0 {
        println!(
            "{} CoT devices: {pictures} events drawn before the run (their pictures), {drawn} during it",
            o.devices
        );
    }
    if let Some(cpu) = cpu {
        println!(
            "service CPU: {cpu:.2} s in {elapsed:.1} s ({:.0} % of a core)",
            100.0 * cpu / elapsed
        );
    }
    for (status, body) in all.other.iter().take(5) {
        println!("not created: {status} {body}");
    }
}
