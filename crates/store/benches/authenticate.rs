//! The cost of the per-request token lookup, which reads the database every time so that a
//! revocation applies at once. Run with `cargo bench -p deconflict-store --bench authenticate`.

use criterion::{Criterion, criterion_group, criterion_main};
use deconflict_store::{Directory, Role};

fn authenticate(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut directory = Directory::open(dir.path()).unwrap();
    directory.add_party("unocha", true).unwrap();
    directory.add_party("ngo-1", false).unwrap();
    // A realistic table: a few hundred credentials, the one looked up among them.
    for _ in 0..300 {
        directory.issue_token("ngo-1", Role::Viewer).unwrap();
    }
    let token = directory
        .issue_token("ngo-1", Role::Operator)
        .unwrap()
        .token;
    let unknown = format!("dcf_{}", "0".repeat(64));

    let mut group = c.benchmark_group("authenticate");
    group.bench_function("valid", |b| {
        b.iter(|| directory.authenticate(&token).unwrap().unwrap());
    });
    group.bench_function("unknown", |b| {
        b.iter(|| assert!(directory.authenticate(&unknown).unwrap().is_none()));
    });
    group.finish();
}

criterion_group!(benches, authenticate);
criterion_main!(benches);
