//! The same queries answered by brute force (`conflicting_by_scan` over
//! every stored volume) and by the index: the ratio, and a cross-check that
//! both return the same ids for every query of the sample.
//!
//! ```text
//! cargo run --release -p deconflict-geo4d --example scan_vs_index -- \
//!     [--n 1000000] [--queries 1000]
//! ```

#[path = "../benches/support/generate.rs"]
mod generate;

use deconflict_geo4d::{Index, Volume, conflicting_by_scan};
use generate::{DEFAULT_N, arg, declarations, queries, volumes};
use std::time::Instant;

fn main() {
    let n: usize = arg("--n", DEFAULT_N);
    let q: usize = arg("--queries", 1_000);

    let stored = volumes(&declarations(n));
    let index = Index::bulk_load(stored.clone());
    let probes: Vec<Volume> = queries(q).iter().map(|d| d.volume()).collect();

    let mut by_index = Vec::with_capacity(q);
    let mut out = Vec::new();
    let started = Instant::now();
    for probe in &probes {
        out.clear();
        index.conflicting_into(probe, &mut out);
        by_index.push(out.clone());
    }
    let index_s = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let by_scan: Vec<Vec<u64>> = probes
        .iter()
        .map(|probe| conflicting_by_scan(stored.iter().map(|(id, v)| (*id, v)), probe))
        .collect();
    let scan_s = started.elapsed().as_secs_f64();

    let mut hits = 0;
    for (k, (mut a, mut b)) in by_index.into_iter().zip(by_scan).enumerate() {
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b, "query {} differs between index and scan", k + 1);
        hits += a.len();
    }
    println!("volumes {n}, queries {q}: index and scan agree on every query ({hits} hits)");
    println!(
        "RESULT index_us={:.2} scan_us={:.1} scan_over_index={:.0}",
        index_s / q as f64 * 1e6,
        scan_s / q as f64 * 1e6,
        scan_s / index_s
    );
}
