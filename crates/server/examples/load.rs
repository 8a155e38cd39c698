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
//! ```sh
//! cargo build --release -p deconflict -p deconflict-server --example load
//! target/release/deconflict demo --rate-limit-per-s 0 --log warn   # note three operator tokens
//! target/release/examples/load --url http://127.0.0.1:8080 \
//!     --token "$COALITION_OPERATOR,$ISF_OPERATOR,$PMF_OPERATOR" --connections 32 --seconds 20
//! ```

mod support;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use support::{Client, Rng, rfc3339};

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
    for (status, body) in all.other.iter().take(5) {
        println!("not created: {status} {body}");
    }
}
