//! Criterion benches of the engine on the synthetic Iraq workload
//! (`support/generate.rs`): bulk build, one query, the brute-force scan,
//! and track updates (small moves and teleports).
//!
//! ```text
//! cargo bench -p deconflict-geo4d --bench index
//! GEO4D_BENCH_N=100000 cargo bench -p deconflict-geo4d --bench index   # smaller
//! ```
//!
//! Criterion reports means; the medians and p99 of one query come from
//! `examples/query_latency.rs`.

#[path = "support/generate.rs"]
mod generate;

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use deconflict_geo4d::{Geometry, GeometryKind, Id, Index, LonLat, Volume, conflicting_by_scan};
use generate::{DEFAULT_N, MOVE_SEED, Rng, offset, random_position};
use std::hint::black_box;

fn bench_n() -> usize {
    std::env::var("GEO4D_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_N)
}

fn move_to(index: &mut Index, id: Id, [lon, lat]: LonLat) {
    let point = Geometry::point(lon, lat).expect("moves stay on the Earth");
    let moved = index.get(id).expect("moved ids exist").moved_to(point);
    index.insert(id, moved);
}

fn benches(c: &mut Criterion) {
    let n = bench_n();
    let decls = generate::declarations(n);
    let volumes = generate::volumes(&decls);
    let probes: Vec<Volume> = generate::queries(10_000)
        .iter()
        .map(generate::Decl::volume)
        .collect();
    let points: Vec<(Id, LonLat)> = decls
        .iter()
        .filter_map(|d| match d.kind {
            GeometryKind::Point(p) => Some((d.id, p)),
            _ => None,
        })
        .collect();
    drop(decls);

    let mut build = c.benchmark_group("build");
    build.sample_size(10).sampling_mode(SamplingMode::Flat);
    build.bench_function(format!("bulk_load/{n}"), |b| {
        b.iter_batched(|| volumes.clone(), Index::bulk_load, BatchSize::LargeInput)
    });
    build.finish();

    let mut index = Index::bulk_load(volumes.clone());

    let mut query = c.benchmark_group("query");
    let mut out = Vec::new();
    let mut k = 0;
    query.bench_function(format!("conflicting_into/{n}"), |b| {
        b.iter(|| {
            out.clear();
            index.conflicting_into(&probes[k % probes.len()], &mut out);
            k += 1;
            black_box(out.len())
        })
    });
    query.sample_size(10).sampling_mode(SamplingMode::Flat);
    let mut k = 0;
    query.bench_function(format!("conflicting_by_scan/{n}"), |b| {
        b.iter(|| {
            let hits = conflicting_by_scan(
                volumes.iter().map(|(id, v)| (*id, v)),
                &probes[k % probes.len()],
            );
            k += 1;
            black_box(hits.len())
        })
    });
    query.finish();

    let mut rng = Rng::new(MOVE_SEED);
    let mut moves = c.benchmark_group("move");
    // A fleet of 10,000 units driving on, 0–100 m per update.
    let mut fleet: Vec<(Id, LonLat, f64)> = (0..10_000)
        .map(|_| {
            let (id, p) = points[rng.below(points.len())];
            (id, p, rng.range(0.0, std::f64::consts::TAU))
        })
        .collect();
    let mut k = 0;
    moves.bench_function(format!("small/{n}"), |b| {
        b.iter_batched(
            || {
                let unit = &mut fleet[k % 10_000];
                k += 1;
                unit.2 += rng.range(-0.26, 0.26);
                unit.1 = offset(unit.1, rng.range(0.0, 100.0), unit.2);
                (unit.0, unit.1)
            },
            |(id, p)| move_to(&mut index, id, p),
            BatchSize::SmallInput,
        )
    });
    moves.bench_function(format!("teleport/{n}"), |b| {
        b.iter_batched(
            || (points[rng.below(points.len())].0, random_position(&mut rng)),
            |(id, p)| move_to(&mut index, id, p),
            BatchSize::SmallInput,
        )
    });
    moves.finish();
}

criterion_group!(geo4d, benches);
criterion_main!(geo4d);
