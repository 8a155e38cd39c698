//! How long the model takes to decide and apply a batch of track reports
//! with hazards standing: the part of `POST /v1/tracks` spent under the
//! service's command lock before the entry is encoded and logged.
//!
//! ```sh
//! cargo run --release -p deconflict-model --example track_batches -- [HAZARDS] [UNITS] [BATCH]
//! ```

use deconflict_model::{
    ActivitySpec, Actor, Command, DeclarationSpec, Disclosure, Entropy, ObjectRef, Policy,
    Position, Role, State, TrackReport, TrackingSpec, Visibility, VolumeSpec,
};
use std::time::Instant;

const HOUR: i64 = 3_600_000;
const REGION: [f64; 4] = [39.5, 31.0, 42.5, 33.5];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn place(&mut self) -> (f64, f64) {
        let [w, s, e, n] = REGION;
        (w + (e - w) * self.next(), s + (n - s) * self.next())
    }
}

fn volume(at: (f64, f64), buffer_m: f64, from_ms: i64, to_ms: Option<i64>) -> VolumeSpec {
    VolumeSpec {
        geometry: geojson::Geometry::new_point([at.0, at.1]),
        buffer_m,
        altitude_m: [0.0, 0.0],
        from_ms,
        to_ms,
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("numbers"))
        .collect();
    let (hazards, units, batch) = (
        args.first().copied().unwrap_or(10_000),
        args.get(1).copied().unwrap_or(2_000),
        args.get(2).copied().unwrap_or(1_000),
    );
    let coalition = Actor::new("coalition", Role::Operator, "c", false);
    let pmf = Actor::new("pmf", Role::Operator, "p", false);
    let mut state = State::new(Policy::new(Vec::<String>::new()));
    let mut seq = 0u64;
    let mut now = 1_700_000_000_000i64;
    let mut run = |state: &mut State, actor: &Actor, command: Command, now: i64| {
        seq += 1;
        let mut entropy = [0u8; 32];
        entropy[..8].copy_from_slice(&seq.to_le_bytes());
        let entry = state
            .execute(actor, command, now, Entropy::new(entropy))
            .expect("accepted")
            .seal(seq);
        state.apply(&entry).expect("applies");
        entry
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..hazards {
        let spec = ActivitySpec {
            kind: "patrol".into(),
            label: format!("hazard {i}"),
            volume: volume(rng.place(), 500.0, now - HOUR, Some(now + 24 * HOUR)),
            disclosure: Disclosure::Coarse,
            late_notice: None,
        };
        run(&mut state, &coalition, Command::SubmitActivity(spec), now);
    }
    let mut ids = Vec::new();
    for i in 0..units {
        let spec = DeclarationSpec {
            kind: "unit_position".into(),
            label: format!("unit {i}"),
            volume: volume(rng.place(), 50.0, now - HOUR, None),
            visibility: Visibility::Private,
            disclosure: Disclosure::Coarse,
            tracking: Some(TrackingSpec {
                report_interval_s: 3600,
                max_speed_mps: Some(70.0),
                cot_uid: None,
            }),
        };
        let entry = run(&mut state, &pmf, Command::Declare(spec), now);
        if let Some(ObjectRef::Declaration(id)) = entry.outcome.created {
            ids.push(id);
        }
    }
    let rounds = 50;
    let started = Instant::now();
    let (mut opened, mut resolved) = (0, 0);
    for _ in 0..rounds {
        // Two hours between batches: at 70 m/s any place of the region is
        // within a unit's reach, so that no report is refused as a jump.
        now += 2 * HOUR;
        let reports = (0..batch)
            .map(|_| {
                let (lon, lat) = rng.place();
                TrackReport {
                    declaration: ids[(rng.next() * ids.len() as f64) as usize % ids.len()],
                    time_ms: now,
                    position: Position {
                        lat,
                        lon,
                        hae: None,
                        ce_m: Some(10.0),
                        speed_mps: None,
                        course_deg: None,
                    },
                }
            })
            .collect();
        let entry = run(&mut state, &pmf, Command::Track { reports }, now);
        opened += entry.outcome.opened.len();
        resolved += entry.outcome.resolved.len();
    }
    let took = started.elapsed().as_secs_f64();
    println!(
        "{hazards} hazards, {units} units: {rounds} batches of {batch} in {took:.2} s: \
         {:.1} µs a report, {:.0} reports/s ({opened} conflicts opened, {resolved} resolved)",
        took * 1e6 / (rounds * batch) as f64,
        (rounds * batch) as f64 / took
    );
}
