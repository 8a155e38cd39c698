//! How fast check fire holds what it must: a stop over an area with 1,000
//! cleared activities of four parties, raised by a fifth. Times, per round,
//! from the moment the stop is raised to its answer (the hold durable in
//! the log), and to its `held` event on each owner's event subscription
//! (the path the event stream, webhooks and Cursor-on-Target read from).
//! Each round plans 1,000 new activities over a new place, so that every
//! stop holds exactly 1,000.
//!
//! ```sh
//! cargo run --release -p deconflict-server --example stops -- --rounds 20
//! ```

use deconflict_model::{
    ActivitySpec, Actor, Command, Disclosure, Role, StopCause, StopSpec, VolumeSpec,
};
use deconflict_server::{AppState, Config};
use deconflict_service::Subscription;
use deconflict_service::events::What;
use std::time::{Duration, Instant};

const OWNERS: [&str; 4] = ["coalition", "isf", "peshmerga", "ocha"];
const PER_ROUND: usize = 1_000;
const HOUR_MS: i64 = 3_600_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rounds = 20usize;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--rounds" => rounds = args.next().ok_or("--rounds N")?.parse()?,
            _ => return Err(format!("usage: stops [--rounds N] (not {flag})").into()),
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(rounds))
}

fn actor(party: &str) -> Actor {
    Actor::new(party, Role::Operator, format!("cred-{party}"), false)
}

async fn run(rounds: usize) -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let app = AppState::open(dir.path(), Config::default())?;
    let service = app.service().clone();
    let (mut durable, mut streamed) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        // A new place each round, 0.3 degrees apart along 34 N.
        let (lon, lat) = (40.0 + 0.3 * round as f64, 34.0);
        plan(&service, lon, lat).await?;
        let mut owners: Vec<Subscription> = OWNERS
            .iter()
            .map(|p| Subscription::from_now(service.clone(), actor(p)))
            .collect();
        let now = deconflict_service::now_ms();
        let raise = Command::RaiseStop {
            spec: StopSpec {
                cause: StopCause::TroopsInContact,
                geometry: geojson::Geometry::new_point([lon, lat]),
                buffer_m: 8_000.0,
                altitude_m: None,
                until_ms: now + HOUR_MS,
            },
            reason: Some("bench".into()),
        };
        let started = Instant::now();
        let held = service
            .execute(&actor("pmf"), raise, |_, entry| entry.outcome.stopped.len())
            .await?;
        durable.push(started.elapsed());
        assert_eq!(held, PER_ROUND, "round {round}: the stop held {held}");
        for owner in &mut owners {
            loop {
                let events = tokio::time::timeout(Duration::from_secs(10), owner.next_batch())
                    .await?
                    .ok_or("the subscription ended")?;
                if events.iter().any(|e| matches!(e.what, What::Stop { .. })) {
                    streamed.push(started.elapsed());
                    break;
                }
            }
        }
    }
    report("raise → held, durable (the answer)", &mut durable);
    report(
        "raise → the stop event on each owner's subscription",
        &mut streamed,
    );
    Ok(())
}

/// 1,000 cleared patrols of the four owners within 5 km of a place.
async fn plan(
    service: &deconflict_service::Service,
    lon: f64,
    lat: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let now = deconflict_service::now_ms();
    for i in 0..PER_ROUND {
        let party = OWNERS[i % OWNERS.len()];
        let angle = i as f64 * 2.399_963; // the golden angle: spread evenly
        let r = 0.04 * ((i as f64 + 0.5) / PER_ROUND as f64).sqrt();
        let at = [lon + r * angle.cos(), lat + r * angle.sin()];
        let spec = ActivitySpec {
            kind: "patrol".into(),
            label: format!("Patrol {i}"),
            volume: VolumeSpec {
                geometry: geojson::Geometry::new_point(at),
                buffer_m: 50.0,
                altitude_m: [0.0, 0.0],
                from_ms: now + HOUR_MS,
                to_ms: Some(now + 2 * HOUR_MS),
            },
            disclosure: Disclosure::Coarse,
            late_notice: None,
        };
        service
            .execute(&actor(party), Command::SubmitActivity(spec), |_, _| ())
            .await?;
    }
    Ok(())
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "{what}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} samples)",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        times.last().map_or(0.0, |t| t.as_secs_f64() * 1e3),
        times.len()
    );
}
