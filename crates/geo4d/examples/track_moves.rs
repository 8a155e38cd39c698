//! Track updates: `Index::insert` of an existing id with its point moved
//! (`Volume::moved_to`), in updates per second, single-threaded.
//!
//! ```text
//! cargo run --release -p deconflict-geo4d --example track_moves -- \
//!     [--n 1000000] [--fleet 10000] [--updates 1000000] [--teleports 200000]
//! ```
//!
//! Small moves: a fleet of point declarations each drives on, 0–100 m per
//! update on a heading that turns at most 15° per update, updates going
//! round the fleet. Teleports: a random point declaration jumps to a
//! random place in the box. Each timed update is the whole track path:
//! `Geometry::point`, `Index::get`, `Volume::moved_to`, `Index::insert`.

#[path = "../benches/support/generate.rs"]
mod generate;

use deconflict_geo4d::{Geometry, GeometryKind, Id, Index, LonLat};
use generate::{
    DEFAULT_N, MOVE_SEED, Rng, arg, cpu_share, declarations, offset, random_position,
    sched_seconds, volumes,
};
use std::f64::consts::TAU;
use std::time::Instant;

fn apply(index: &mut Index, moves: &[(Id, LonLat)]) -> f64 {
    let sched = sched_seconds();
    let started = Instant::now();
    for &(id, [lon, lat]) in moves {
        let point = Geometry::point(lon, lat).expect("moves stay on the Earth");
        let moved = index.get(id).expect("moved ids exist").moved_to(point);
        index.insert(id, moved);
    }
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "{} updates: {elapsed:.2} s, had the CPU {:.0} % of it",
        moves.len(),
        100.0 * cpu_share(sched, sched_seconds())
    );
    elapsed
}

fn main() {
    let n: usize = arg("--n", DEFAULT_N);
    let fleet_size: usize = arg("--fleet", 10_000);
    let updates: usize = arg("--updates", 1_000_000);
    let teleports: usize = arg("--teleports", 200_000);

    let decls = declarations(n);
    let points: Vec<(Id, LonLat)> = decls
        .iter()
        .filter_map(|d| match d.kind {
            GeometryKind::Point(p) => Some((d.id, p)),
            _ => None,
        })
        .collect();
    let mut index = Index::bulk_load(volumes(&decls));
    drop(decls);
    let mut rng = Rng::new(MOVE_SEED);

    // Small moves, pre-generated so the timing holds only the engine.
    let mut fleet: Vec<(Id, LonLat, f64, LonLat)> = (0..fleet_size)
        .map(|_| {
            let (id, p) = points[rng.below(points.len())];
            (id, p, rng.range(0.0, TAU), p)
        })
        .collect();
    fleet.sort_by_key(|u| u.0);
    fleet.dedup_by_key(|u| u.0);
    let mut moves = Vec::with_capacity(updates);
    // Estimate of re-indexing: the engine keeps a 0.005° margin around the
    // box of a moved point, so a unit re-indexes when it strays farther
    // than that from where it last did (its first move always re-indexes).
    let mut reindex_estimate = fleet.len();
    let units = fleet.len();
    for k in 0..updates {
        let unit = &mut fleet[k % units];
        unit.2 += rng.range(-TAU / 24.0, TAU / 24.0);
        unit.1 = offset(unit.1, rng.range(0.0, 100.0), unit.2);
        if (unit.1[0] - unit.3[0]).abs() > 0.005 || (unit.1[1] - unit.3[1]).abs() > 0.005 {
            reindex_estimate += 1;
            unit.3 = unit.1;
        }
        moves.push((unit.0, unit.1));
    }
    let small_s = apply(&mut index, &moves);

    let jumps: Vec<(Id, LonLat)> = (0..teleports)
        .map(|_| (points[rng.below(points.len())].0, random_position(&mut rng)))
        .collect();
    let teleport_s = apply(&mut index, &jumps);
    assert_eq!(index.len(), n);

    println!(
        "volumes {n}; small moves: {} updates over a fleet of {} (about {:.1} % re-index the tree, estimated); teleports: {teleports}",
        moves.len(),
        fleet.len(),
        100.0 * reindex_estimate as f64 / moves.len() as f64
    );
    println!(
        "RESULT small_moves_per_s={:.0} small_move_us={:.3} teleports_per_s={:.0} teleport_us={:.3}",
        moves.len() as f64 / small_s,
        small_s / moves.len() as f64 * 1e6,
        teleports as f64 / teleport_s,
        teleport_s / teleports as f64 * 1e6
    );
}
