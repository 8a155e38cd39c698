//! Build time of `Index::bulk_load` and resident memory per stored volume.
//!
//! ```text
//! cargo run --release -p deconflict-geo4d --example memory -- [--n 1000000] [--reps 3]
//!     [--only point|polygon|route] [--plain-vec]
//! ```
//!
//! Memory: VmRSS before and after `bulk_load` is fed straight from the
//! generator (so nothing but the index stays allocated), divided by the
//! number of volumes; "beyond the geometry" subtracts 16 B per position.
//! `--only KIND` keeps only the declarations of that kind among the first
//! `n` (to see where the memory goes); `--plain-vec` measures a plain
//! `Vec<(Id, Volume)>` instead of the index, then exits. Build time: the
//! volumes are generated first, then only `bulk_load` is timed, `reps` times.

#[path = "../benches/support/generate.rs"]
mod generate;

use deconflict_geo4d::{GeometryKind, Index, Volume};
use generate::{
    DECL_SEED, DEFAULT_N, arg, cpu_share, declarations_iter, sched_seconds, vm_rss_bytes,
};
use std::time::Instant;

fn main() {
    let n: usize = arg("--n", DEFAULT_N);
    let reps: usize = arg("--reps", 3);
    let only: String = arg("--only", String::new());
    let plain_vec = std::env::args().any(|a| a == "--plain-vec");
    let keep = |d: &generate::Decl| {
        only.is_empty()
            || only
                == match d.kind {
                    GeometryKind::Point(_) => "point",
                    GeometryKind::Polygon(_) => "polygon",
                    _ => "route",
                }
    };

    let (mut positions, mut points, mut polygons, mut lines) = (0usize, 0usize, 0usize, 0usize);
    let rss_before = vm_rss_bytes();
    let started = Instant::now();
    let stream = declarations_iter(n, DECL_SEED).filter(keep).map(|d| {
        positions += d.positions();
        match d.kind {
            GeometryKind::Point(_) => points += 1,
            GeometryKind::Polygon(_) => polygons += 1,
            _ => lines += 1,
        }
        (d.id, d.volume())
    });
    if plain_vec {
        let volumes: Vec<_> = stream.collect();
        let bytes = vm_rss_bytes().saturating_sub(rss_before) as f64;
        println!(
            "plain Vec<(Id, Volume)> of {} volumes: RESULT bytes_per_object={:.1} bytes_beyond_geometry={:.1}",
            volumes.len(),
            bytes / volumes.len() as f64,
            (bytes - 16.0 * positions as f64) / volumes.len() as f64
        );
        return;
    }
    let index = Index::bulk_load(stream);
    let generate_and_build = started.elapsed();
    let rss_after = vm_rss_bytes();
    let n = index.len();
    let total = rss_after.saturating_sub(rss_before) as f64;
    let geometry = 16.0 * positions as f64;
    println!("volumes: {n} ({points} points, {polygons} polygons, {lines} routes)");
    println!(
        "positions: {positions} ({:.2} per volume), geometry estimate 16 B/position = {:.1} B/volume",
        positions as f64 / n as f64,
        geometry / n as f64
    );
    println!(
        "VmRSS: {:.1} MiB before, {:.1} MiB after generating+building ({:.2?})",
        rss_before as f64 / 1048576.0,
        rss_after as f64 / 1048576.0,
        generate_and_build
    );
    println!(
        "RESULT bytes_per_object={:.1} bytes_beyond_geometry={:.1}",
        total / n as f64,
        (total - geometry) / n as f64
    );
    println!(
        "size_of::<Volume>() = {} B (inline part, before heap data)",
        std::mem::size_of::<Volume>()
    );
    drop(index);

    let volumes: Vec<_> = declarations_iter(arg("--n", DEFAULT_N), DECL_SEED)
        .filter(keep)
        .map(|d| (d.id, d.volume()))
        .collect();
    let mut times = Vec::new();
    for rep in 0..reps {
        let input = volumes.clone();
        let sched = sched_seconds();
        let started = Instant::now();
        let index = Index::bulk_load(input);
        let elapsed = started.elapsed();
        let share = cpu_share(sched, sched_seconds());
        assert_eq!(index.len(), n);
        println!(
            "bulk_load rep {rep}: {elapsed:.3?} (had the CPU {:.0} % of it)",
            100.0 * share
        );
        times.push(elapsed.as_secs_f64());
        drop(index);
    }
    if times.is_empty() {
        return;
    }
    times.sort_by(f64::total_cmp);
    println!(
        "RESULT build_s_min={:.3} build_s_median={:.3}",
        times[0],
        times[times.len() / 2]
    );
}
