//! Where a query's time goes: the engine's 2-D layout re-done by hand (an
//! `rstar` tree of lon/lat boxes, window and band checked on the stored
//! volume, then `Volume::conflicts_with`), with the tree walk, the filters
//! and the exact decisions timed apart and split by the kind of the stored
//! geometry.
//!
//! Also: the tree walk alone on the whole tree and on one tree per kind of
//! geometry, and the slowest single exact decisions (declaration and query
//! ids, to reproduce them). The timings per step carry `Instant` overhead.
//!
//! ```text
//! cargo run --release -p deconflict-geo4d --example query_breakdown -- \
//!     [--n 1000000] [--queries 20000]
//! ```

#[path = "../benches/support/generate.rs"]
mod generate;

use deconflict_geo4d::{GeometryKind, Volume};
use generate::{DEFAULT_N, Decl, RunDelay, arg, declarations, percentile_us, positions, queries};
use rstar::{AABB, RTree, RTreeObject};
use std::time::Instant;

const R_MIN: f64 = 6_335_439.0;
const A: f64 = 6_378_137.0;

fn lonlat_box(d: &Decl) -> AABB<[f64; 2]> {
    let ps = positions(&d.kind);
    let fold =
        |i: usize, f: fn(f64, f64) -> f64, init: f64| ps.iter().fold(init, |m, p| f(m, p[i]));
    let (lon_lo, lon_hi) = (
        fold(0, f64::min, f64::INFINITY),
        fold(0, f64::max, f64::NEG_INFINITY),
    );
    let (lat_lo, lat_hi) = (
        fold(1, f64::min, f64::INFINITY),
        fold(1, f64::max, f64::NEG_INFINITY),
    );
    let dlat = (d.buffer_m / R_MIN).to_degrees() * 1.000_001 + 1e-9;
    let polar = (lat_lo - dlat).abs().max((lat_hi + dlat).abs());
    let dlon = (d.buffer_m / (A * polar.to_radians().cos())).to_degrees() * 1.000_001 + 1e-9;
    AABB::from_corners(
        [lon_lo - dlon, lat_lo - dlat],
        [lon_hi + dlon, lat_hi + dlat],
    )
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    rect: AABB<[f64; 2]>,
    slot: u32,
}
impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.rect
    }
}

#[derive(Debug, Default, Clone)]
struct Tally {
    candidates: u64,
    decided: u64,
    hits: u64,
    exact_ns: u64,
    exact: Vec<u64>,
}

fn main() {
    let n: usize = arg("--n", DEFAULT_N);
    let q: usize = arg("--queries", 20_000);

    let decls = declarations(n);
    let kind: Vec<usize> = decls
        .iter()
        .map(|d| match d.kind {
            GeometryKind::Point(_) => 0,
            GeometryKind::Polygon(_) => 1,
            _ => 2,
        })
        .collect();
    let stored: Vec<Volume> = decls.iter().map(Decl::volume).collect();
    let tree: RTree<Entry> = RTree::bulk_load(
        decls
            .iter()
            .enumerate()
            .map(|(i, d)| Entry {
                rect: lonlat_box(d),
                slot: i as u32,
            })
            .collect(),
    );
    let query_decls = queries(q);
    let probes: Vec<Volume> = query_decls.iter().map(Decl::volume).collect();
    let query_boxes: Vec<_> = query_decls.iter().map(lonlat_box).collect();

    // The tree walk alone, on the whole tree and on trees of one kind each:
    // do the long routes' boxes slow the walk for everyone?
    let walk = |name: &str, tree: &RTree<Entry>| {
        let started = Instant::now();
        let met: usize = query_boxes
            .iter()
            .map(|b| tree.locate_in_envelope_intersecting(*b).count())
            .sum();
        let us = started.elapsed().as_secs_f64() / q as f64 * 1e6;
        println!(
            "walk only, {name:<22}: {:>8} boxes, {us:6.1} us/query, {:6.1} boxes met/query",
            tree.size(),
            met as f64 / q as f64
        );
    };
    walk("whole tree", &tree);
    for (k, name) in ["points only", "polygons only", "routes only"]
        .iter()
        .enumerate()
    {
        let part: RTree<Entry> = RTree::bulk_load(
            decls
                .iter()
                .enumerate()
                .filter(|(i, _)| kind[*i] == k)
                .map(|(i, d)| Entry {
                    rect: lonlat_box(d),
                    slot: i as u32,
                })
                .collect(),
        );
        walk(name, &part);
    }
    drop(decls);

    let mut tallies = vec![Tally::default(); 3];
    let (mut walk_ns, mut filter_ns) = (0u64, 0u64);
    let mut per_query = Vec::with_capacity(q);
    let mut found = Vec::new();
    let mut slowest: Vec<(u64, usize, u32, bool)> = Vec::new();
    let delay = RunDelay::open();
    for (qi, (d, probe)) in query_decls.iter().zip(&probes).enumerate() {
        let started = Instant::now();
        let t = Instant::now();
        found.clear();
        found.extend(
            tree.locate_in_envelope_intersecting(lonlat_box(d))
                .map(|e| e.slot),
        );
        walk_ns += t.elapsed().as_nanos() as u64;
        let t = Instant::now();
        let (window, band) = (probe.window(), probe.altitude());
        found.retain(|&slot| {
            let v = &stored[slot as usize];
            tallies[kind[slot as usize]].candidates += 1;
            v.window().overlaps(&window) && v.altitude().overlaps(&band)
        });
        filter_ns += t.elapsed().as_nanos() as u64;
        for &slot in &found {
            let tally = &mut tallies[kind[slot as usize]];
            let waited = delay.ns();
            let t = Instant::now();
            let hit = stored[slot as usize].conflicts_with(probe);
            let ns = t.elapsed().as_nanos() as u64;
            let interrupted = delay.ns() != waited;
            tally.decided += 1;
            tally.hits += hit as u64;
            tally.exact_ns += ns;
            tally.exact.push(ns);
            if !interrupted {
                slowest.push((ns, qi, slot, hit));
            }
        }
        if slowest.len() > 10_000 {
            slowest.sort_unstable_by(|a, b| b.cmp(a));
            slowest.truncate(10);
        }
        per_query.push(started.elapsed().as_nanos() as u64);
    }
    slowest.sort_unstable_by(|a, b| b.cmp(a));
    slowest.truncate(10);
    println!("slowest single decisions not interrupted by other processes (declaration vs query):");
    for &(ns, qi, slot, hit) in &slowest {
        let v = &stored[slot as usize];
        let probe = &probes[qi];
        let GeometryKind::Point(centre) = probe.geometry().kind() else {
            unreachable!("queries are points")
        };
        let nearest_vertex = positions(v.geometry().kind())
            .iter()
            .map(|p| deconflict_geo4d::geodesic_m(*p, *centre))
            .fold(f64::INFINITY, f64::min);
        println!(
            "  {:8.1} us: declaration {} ({} positions, buffer {} m) vs query {} (buffer {} m): limit {:.0} m, nearest vertex {:.0} m, conflict {hit}",
            ns as f64 / 1e3,
            slot + 1,
            v.geometry().vertex_count(),
            v.buffer_m(),
            qi + 1,
            probe.buffer_m(),
            v.buffer_m() + probe.buffer_m(),
            nearest_vertex
        );
    }
    per_query.sort_unstable();
    // Shares are of the timed steps together, without the probes' overhead.
    let total: u64 = walk_ns + filter_ns + tallies.iter().map(|t| t.exact_ns).sum::<u64>();
    println!(
        "volumes {n}, queries {q}: median {:.1} us, p99 {:.1} us per query (instrumented, probes included); the steps below add up to {:.1} us/query",
        percentile_us(&per_query, 50.0),
        percentile_us(&per_query, 99.0),
        total as f64 / q as f64 / 1e3
    );
    println!(
        "tree walk     {:6.1} us/query ({:4.1} %)",
        walk_ns as f64 / q as f64 / 1e3,
        100.0 * walk_ns as f64 / total as f64
    );
    println!(
        "window+band   {:6.1} us/query ({:4.1} %)",
        filter_ns as f64 / q as f64 / 1e3,
        100.0 * filter_ns as f64 / total as f64
    );
    for (name, t) in ["point", "polygon", "route"].iter().zip(&mut tallies) {
        t.exact.sort_unstable();
        let (median, p99, max) = if t.exact.is_empty() {
            (0.0, 0.0, 0.0)
        } else {
            (
                percentile_us(&t.exact, 50.0),
                percentile_us(&t.exact, 99.0),
                *t.exact.last().expect("non-empty") as f64 / 1e3,
            )
        };
        println!(
            "exact {name:<8}{:6.1} us/query ({:4.1} %): {:.1} candidates, {:.2} past the filters, {:.2} hits per query; one decision median {median:.2} us, p99 {p99:.1} us, max {max:.0} us",
            t.exact_ns as f64 / q as f64 / 1e3,
            100.0 * t.exact_ns as f64 / total as f64,
            t.candidates as f64 / q as f64,
            t.decided as f64 / q as f64,
            t.hits as f64 / q as f64,
        );
    }
}
