//! The cost of a leaf: what every start-up pays per entry, and the command
//! path pays per new entry under its lock.
//!
//! Run with `cargo bench -p deconflict-record`; criterion writes median
//! estimates to `target/criterion/leaf/<name>/new/estimates.json`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use deconflict_record::{SaltSecret, leaf_hash_of, publish};
use std::hint::black_box;

/// A submitted activity that opened one conflict: the common entry.
fn activity() -> Vec<u8> {
    br#"{"v":2,"seq":12,"time_ms":1578182400000,"actor":{"party":"coalition","role":"operator","credential_id":"cred_0123456789ab","coordinator":false},"command":{"submit_activity":{"kind":"air_strike","label":"Strike on a reported weapons cache north-east of Balad","volume":{"geometry":{"type":"Polygon","coordinates":[[[44.15,34.01],[44.17,34.01],[44.17,34.03],[44.15,34.03],[44.15,34.01]]]},"buffer_m":500.0,"altitude_m":[0.0,9000.0],"from_ms":1578189600000,"to_ms":1578193200000},"disclosure":"coarse"}},"outcome":{"created":{"activity":"act_7100b5251536"},"activity_state":"held","opened":[{"id":"con_c48470901ba3","activity":"act_7100b5251536","other":{"declaration":"decl_5a1b2c3d4e5f"},"parties":["coalition","pmf"],"from_ms":1578189600000,"to_ms":1578193200000,"area":{"west":44.1,"south":34.0,"east":44.2,"north":34.05}}],"notices":[{"party":"coalition","conflict":"con_c48470901ba3","event":"opened"},{"party":"pmf","conflict":"con_c48470901ba3","event":"opened"}]}}"#.to_vec()
}

/// A track batch of `n` reports.
fn track(n: usize) -> Vec<u8> {
    let reports: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"declaration":"decl_{:012x}","time_ms":{},"position":{{"lat":34.{:04},"lon":43.{:04},"ce_m":15.0,"speed_mps":4.0,"course_deg":10.0}}}}"#,
                i,
                1_578_182_400_000u64 + i as u64,
                i % 10_000,
                (i * 7) % 10_000
            )
        })
        .collect();
    format!(
        r#"{{"v":2,"seq":99,"time_ms":1578182400000,"actor":{{"party":"pmf","role":"operator","credential_id":"cred_0123456789ab","coordinator":false}},"command":{{"track":{{"reports":[{}]}}}},"outcome":{{}}}}"#,
        reports.join(",")
    )
    .into_bytes()
}

fn leaves(c: &mut Criterion) {
    let secret = SaltSecret::new([7; 32]);
    let mut group = c.benchmark_group("leaf");
    for (name, entry) in [
        ("activity_one_conflict", activity()),
        ("track_100", track(100)),
        ("track_10000", track(10_000)),
    ] {
        publish(&entry, &secret).expect("a format-2 entry");
        group.throughput(Throughput::Bytes(entry.len() as u64));
        group.bench_function(format!("hash_of/{name}"), |b| {
            b.iter(|| leaf_hash_of(black_box(&entry), &secret).unwrap())
        });
    }
    let entry = activity();
    group.throughput(Throughput::Bytes(entry.len() as u64));
    group.bench_function("publish/activity_one_conflict", |b| {
        b.iter(|| publish(black_box(&entry), &secret).unwrap())
    });
    group.finish();
}

criterion_group!(benches, leaves);
criterion_main!(benches);
