//! Durable appends per second through group commit, and the cost of reading the log back at
//! start-up. Run with `cargo bench -p deconflict-store --bench append`.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use deconflict_store::{Entry, Log, LogBackend, SqliteLog};

/// About the size of an encoded declaration with its commitments.
const BODY_LEN: usize = 500;

fn entry(seq: u64) -> Entry {
    Entry {
        seq,
        time_ms: 1_750_000_000_000,
        body: vec![0xab; BODY_LEN],
        leaf: Some([0xcd; 32]),
    }
}

/// N threads append as the server would (seq assigned and entry queued under one lock, the wait
/// for the fsync outside it); one criterion iteration is one durable append.
fn group_commit(c: &mut Criterion) {
    let mut group = c.benchmark_group("durable_append");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for submitters in [1_u64, 16, 64, 256] {
        let dir = tempfile::tempdir().unwrap();
        let log = Log::open(dir.path()).unwrap();
        let next_seq = Mutex::new(1_u64);
        group.bench_with_input(
            BenchmarkId::new("submitters", submitters),
            &submitters,
            |b, &submitters| {
                b.iter_custom(|iters| {
                    let remaining = AtomicU64::new(iters);
                    let start = Instant::now();
                    std::thread::scope(|scope| {
                        for _ in 0..submitters {
                            scope.spawn(|| {
                                while remaining
                                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                                        left.checked_sub(1)
                                    })
                                    .is_ok()
                                {
                                    let ticket = {
                                        let mut next = next_seq.lock().unwrap();
                                        let ticket = log.submit(entry(*next));
                                        *next += 1;
                                        ticket
                                    };
                                    ticket.wait().unwrap();
                                }
                            });
                        }
                    });
                    start.elapsed()
                });
            },
        );
        let stats = log.stats();
        eprintln!(
            "  {submitters} submitters: {} entries in {} commits ({:.1} per commit, largest {})",
            stats.entries,
            stats.commits,
            stats.entries as f64 / stats.commits.max(1) as f64,
            stats.largest_batch
        );
    }
    group.finish();
}

/// Reading every entry back in pages, as start-up replay does. The full million only under
/// `cargo bench`; `cargo test --benches` runs a small log to check the code still works.
fn read_back(c: &mut Criterion) {
    let full_size = std::env::args().any(|arg| arg == "--bench");
    let total: u64 = if full_size { 1_000_000 } else { 10_000 };
    let dir = tempfile::tempdir().unwrap();
    populate(dir.path(), total);
    let log = Log::open(dir.path()).unwrap();

    let mut group = c.benchmark_group("read_back");
    group.throughput(Throughput::Elements(total));
    group.sample_size(10);
    group.bench_function(BenchmarkId::new("entries", total), |b| {
        b.iter(|| {
            let mut from = 1;
            let mut bytes = 0;
            loop {
                let page = log.read(from, 10_000).unwrap();
                let Some(last) = page.last() else { break };
                from = last.seq + 1;
                bytes += page.iter().map(|e| e.body.len()).sum::<usize>();
            }
            assert_eq!(from, total + 1);
            bytes
        });
    });
    group.finish();
}

fn populate(dir: &Path, total: u64) {
    let started = Instant::now();
    let mut writer = SqliteLog::open(dir).unwrap();
    let mut seq = 1;
    while seq <= total {
        let batch: Vec<_> = (seq..=total.min(seq + 9_999)).map(entry).collect();
        writer.append_batch(&batch).unwrap();
        seq += batch.len() as u64;
    }
    eprintln!(
        "  populated {total} entries of {BODY_LEN} bytes in {:.1?}",
        started.elapsed()
    );
}

criterion_group!(benches, group_commit, read_back);
criterion_main!(benches);
