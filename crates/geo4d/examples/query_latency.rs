//! Latency of one conflict query (`Index::conflicting_into` with a reused
//! Vec), each timed with `Instant`: median, p99, mean, throughput, hits.
//!
//! ```text
//! cargo run --release -p deconflict-geo4d --example query_latency -- \
//!     [--n 1000000] [--queries 100000] [--hits-out FILE]
//! ```
//!
//! Also given: the same figures over the queries during which this thread
//! never waited for the CPU (/proc/thread-self/schedstat), because on a
//! shared machine a query preempted by another process measures a scheduler
//! tick (4 ms), not the engine. `--hits-out` writes every hit as `query_id,declaration_id` (used by
//! `bench/postgis/run.sh` to compare with PostGIS). Single-threaded.

#[path = "../benches/support/generate.rs"]
mod generate;

use deconflict_geo4d::{Index, Volume};
use generate::{
    DEFAULT_N, RunDelay, arg, cpu_share, declarations, percentile_us, queries, sched_seconds,
    volumes,
};
use std::io::Write;
use std::time::Instant;

fn main() {
    let n: usize = arg("--n", DEFAULT_N);
    let q: usize = arg("--queries", 100_000);
    let hits_out: String = arg("--hits-out", String::new());

    let started = Instant::now();
    let index = Index::bulk_load(volumes(&declarations(n)));
    let queries = queries(q);
    let probes: Vec<Volume> = queries.iter().map(|d| d.volume()).collect();
    eprintln!(
        "generated and indexed {n} volumes in {:.2?}",
        started.elapsed()
    );

    // One untimed pass: collects the answers and warms the caches.
    let mut out = Vec::new();
    let mut hits = 0usize;
    let mut writer = (!hits_out.is_empty()).then(|| {
        std::io::BufWriter::new(std::fs::File::create(&hits_out).expect("create --hits-out"))
    });
    for (query, probe) in queries.iter().zip(&probes) {
        out.clear();
        index.conflicting_into(probe, &mut out);
        hits += out.len();
        if let Some(w) = writer.as_mut() {
            for id in &out {
                writeln!(w, "{},{id}", query.id).expect("write hits");
            }
        }
    }
    if let Some(mut w) = writer {
        w.flush().expect("flush hits");
    }

    // Timed pass, one Instant pair per query. A query during which this
    // thread waited for the CPU (other processes ran) is also kept apart,
    // so the percentiles can be given without the neighbours' share.
    let delay = RunDelay::open();
    let mut ns = Vec::with_capacity(q);
    let mut quiet = Vec::with_capacity(q);
    let sched = sched_seconds();
    let all = Instant::now();
    for probe in &probes {
        out.clear();
        let waited = delay.ns();
        let t = Instant::now();
        index.conflicting_into(probe, &mut out);
        let took = t.elapsed().as_nanos() as u64;
        ns.push(took);
        if delay.ns() == waited {
            quiet.push(took);
        }
        std::hint::black_box(&out);
    }
    let wall = all.elapsed().as_secs_f64();
    let sched_after = sched_seconds();
    let share = cpu_share(sched, sched_after);
    let cpu_s = sched_after.0 - sched.0;
    ns.sort_unstable();
    quiet.sort_unstable();
    let sum_s = ns.iter().sum::<u64>() as f64 / 1e9;
    println!(
        "volumes {n}, queries {q}, single thread; this thread had the CPU {:.0} % of the timed loop (the rest it waited for other processes)",
        100.0 * share
    );
    println!(
        "RESULT median_us={:.2} p90_us={:.2} p99_us={:.2} p999_us={:.2} max_us={:.2} mean_us={:.2} qps={:.0} qps_per_cpu_s={:.0} avg_hits={:.2}",
        percentile_us(&ns, 50.0),
        percentile_us(&ns, 90.0),
        percentile_us(&ns, 99.0),
        percentile_us(&ns, 99.9),
        *ns.last().expect("queries") as f64 / 1e3,
        sum_s / q as f64 * 1e6,
        q as f64 / wall,
        q as f64 / cpu_s,
        hits as f64 / q as f64
    );
    println!(
        "RESULT uninterrupted_queries={} uninterrupted_median_us={:.2} uninterrupted_p99_us={:.2} uninterrupted_mean_us={:.2}",
        quiet.len(),
        percentile_us(&quiet, 50.0),
        percentile_us(&quiet, 99.0),
        quiet.iter().sum::<u64>() as f64 / quiet.len().max(1) as f64 / 1e3,
    );
}
