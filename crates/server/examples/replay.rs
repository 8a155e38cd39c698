//! How long a restart takes: builds a log of N entries (activities of three
//! parties at random over Iraq, 38.8–48.6 E 29.1–37.4 N, over a week, through the model's execute
//! → seal → apply → append path, in group commits) unless the data directory
//! already has one, then times `AppState::open`, which replays the whole log.
//!
//! ```sh
//! cargo run --release -p deconflict-server --example replay -- --entries 100000
//! cargo run --release -p deconflict-server --example replay -- --data DIR   # an existing log
//! ```

use deconflict_model::{
    ActivitySpec, Actor, Command, Disclosure, Entropy, Policy, Role, State, VolumeSpec,
};
use deconflict_record::{SaltSecret, leaf_hash_of};
use deconflict_server::{AppState, Config};
use deconflict_store::{Checkpoints, Log};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut entries = 100_000u64;
    let mut data: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--entries" => entries = args.next().ok_or("--entries N")?.parse()?,
            "--data" => data = Some(args.next().ok_or("--data DIR")?.into()),
            _ => {
                return Err(
                    format!("usage: replay [--entries N] [--data DIR] (not {flag})").into(),
                );
            }
        }
    }
    let temp = tempfile::tempdir()?;
    let dir = data.unwrap_or_else(|| temp.path().to_owned());
    std::fs::create_dir_all(&dir)?;
    let head = Log::open(&dir)?.head()?;
    if head == 0 {
        let started = Instant::now();
        build(&dir, entries)?;
        let took = started.elapsed().as_secs_f64();
        println!(
            "built {entries} entries in {took:.1} s ({:.0} entries/s, group commits)",
            entries as f64 / took
        );
    }
    let size = std::fs::metadata(deconflict_store::db_path(&dir))?.len();
    let started = Instant::now();
    let state = AppState::open(&dir, Config::default())?;
    let took = started.elapsed().as_secs_f64();
    let head = Log::open(&dir)?.head()?;
    println!(
        "replayed {head} entries ({:.0} MB on disk) in {took:.2} s: {:.0} entries/s; peak memory {}",
        size as f64 / 1e6,
        head as f64 / took,
        peak_memory()
    );
    drop(state);
    Ok(())
}

fn build(dir: &std::path::Path, n: u64) -> Result<(), Box<dyn std::error::Error>> {
    // The service makes the log's keys on first open; each entry is stored
    // with its leaf hash, as the service stores it.
    drop(AppState::open(dir, Config::default())?);
    let keys = Checkpoints::open(dir)?.keys()?.ok_or("no log keys")?;
    let secret = SaltSecret::new(keys.salt_secret);
    let log = Log::open(dir)?;
    let mut state = State::new(Policy::default());
    let actors: Vec<Actor> = ["coalition", "isf", "pmf"]
        .iter()
        .map(|p| Actor::new(*p, Role::Operator, format!("cred_{p}"), false))
        .collect();
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        rng ^= rng >> 12;
        rng ^= rng << 25;
        rng ^= rng >> 27;
        (rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    };
    let now = 1_767_225_600_000i64; // 2026-01-01
    let mut pending = Vec::new();
    for seq in 1..=n {
        let lon = 38.8 + 9.8 * next();
        let lat = 29.1 + 8.3 * next();
        let start = now + (next() * 168.0 * 3_600_000.0) as i64;
        let spec = ActivitySpec {
            kind: "patrol".into(),
            label: format!("replay #{seq}"),
            volume: VolumeSpec {
                geometry: geojson::Geometry::new(geojson::GeometryValue::Point {
                    coordinates: [(lon * 1e5).round() / 1e5, (lat * 1e5).round() / 1e5].into(),
                }),
                buffer_m: 2000.0,
                altitude_m: [0.0, 0.0],
                from_ms: start,
                to_ms: Some(start + 3_600_000 + (next() * 3.0 * 3_600_000.0) as i64),
            },
            disclosure: Disclosure::Coarse,
            late_notice: None,
        };
        let mut entropy = [0u8; 32];
        entropy[..8].copy_from_slice(&seq.to_le_bytes());
        let actor = &actors[(seq % 3) as usize];
        let draft = state.execute(
            actor,
            Command::SubmitActivity(spec),
            now + seq as i64,
            Entropy::new(entropy),
        )?;
        let entry = draft.seal(seq);
        state.apply(&entry)?;
        let body = entry.encode();
        pending.push(log.submit(deconflict_store::Entry {
            seq,
            time_ms: entry.time_ms,
            leaf: Some(leaf_hash_of(&body, &secret)?),
            body,
        }));
        if pending.len() == 4096 {
            for ticket in pending.drain(..) {
                ticket.wait()?;
            }
        }
    }
    for ticket in pending {
        ticket.wait()?;
    }
    Ok(())
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}
