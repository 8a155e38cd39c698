//! Ledger throughput and proof latency at the target scale (10,000,000 leaves in memory).
//!
//! Run with `cargo bench -p deconflict-ledger`; criterion writes median estimates to
//! `target/criterion/<group>/<name>/new/estimates.json`.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use deconflict_ledger::{
    Checkpoint, KeyType, MemoryStore, SignedCheckpoint, SignerKey, Tree, leaf_hash,
    verify_consistency, verify_inclusion,
};

const LEAVES: u64 = 10_000_000;

/// A typical public log entry: commitments and metadata, a few hundred bytes.
const ENTRY_BYTES: usize = 256;

/// Deterministic pseudo-random indices, so runs are comparable.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn entry(i: u64) -> [u8; ENTRY_BYTES] {
    let mut e = [0x42; ENTRY_BYTES];
    e[..8].copy_from_slice(&i.to_be_bytes());
    e
}

fn hashing(c: &mut Criterion) {
    let mut g = c.benchmark_group("hashing");
    g.throughput(Throughput::Elements(1));
    let data = entry(7);
    g.bench_function("leaf_hash_256B", |b| b.iter(|| leaf_hash(black_box(&data))));
    let mut tree = Tree::new();
    let mut i = 0u64;
    g.bench_function("hash_and_append_256B", |b| {
        b.iter(|| {
            i += 1;
            tree.append(leaf_hash(&entry(i))).unwrap()
        })
    });
    g.finish();
}

fn at_scale(c: &mut Criterion) {
    let started = Instant::now();
    let mut tree = Tree::open(MemoryStore::with_capacity(LEAVES), 0);
    for i in 0..LEAVES {
        tree.append(leaf_hash(&entry(i))).unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "built a {LEAVES}-leaf tree in {secs:.2} s ({:.0} leaves/s hashed and appended)",
        LEAVES as f64 / secs
    );
    let root = tree.root().unwrap();

    let mut g = c.benchmark_group("proofs_10M");
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    g.bench_function("inclusion_proof", |b| {
        b.iter(|| tree.inclusion_proof(rng.below(LEAVES), LEAVES).unwrap())
    });
    g.bench_function("inclusion_proof_past_size", |b| {
        b.iter(|| {
            let size = 1 + rng.below(LEAVES);
            tree.inclusion_proof(rng.below(size), size).unwrap()
        })
    });
    g.bench_function("consistency_proof", |b| {
        b.iter(|| {
            tree.consistency_proof(1 + rng.below(LEAVES - 1), LEAVES)
                .unwrap()
        })
    });
    g.bench_function("root_past_size", |b| {
        b.iter(|| tree.root_at(1 + rng.below(LEAVES)).unwrap())
    });

    let index = 1_234_567;
    let proof = tree.inclusion_proof(index, LEAVES).unwrap();
    let leaf = tree.leaf(index).unwrap();
    g.bench_function("verify_inclusion", |b| {
        b.iter(|| verify_inclusion(&leaf, index, LEAVES, black_box(&proof), &root).unwrap())
    });
    let old = 7_654_321;
    let old_root = tree.root_at(old).unwrap();
    let cproof = tree.consistency_proof(old, LEAVES).unwrap();
    g.bench_function("verify_consistency", |b| {
        b.iter(|| verify_consistency(old, LEAVES, black_box(&cproof), &old_root, &root).unwrap())
    });
    g.finish();

    let log = SignerKey::from_seed(KeyType::Ed25519, "deconflict.example/log", [1; 32]).unwrap();
    let witness = SignerKey::from_seed(KeyType::CosignatureV1, "w.example", [2; 32]).unwrap();
    let checkpoint = Checkpoint::new("deconflict.example/log", LEAVES, root).unwrap();
    let mut g = c.benchmark_group("checkpoint");
    g.bench_function("sign", |b| {
        b.iter(|| SignedCheckpoint::sign(black_box(checkpoint.clone()), &log).unwrap())
    });
    let mut signed = SignedCheckpoint::sign(checkpoint.clone(), &log).unwrap();
    signed.cosign(&witness, 1_750_000_000).unwrap();
    let text = signed.to_string();
    let (log_vkey, witness_vkey) = (log.verifier(), [witness.verifier()]);
    g.bench_function("open_and_verify_cosignature", |b| {
        b.iter(|| {
            let opened =
                SignedCheckpoint::open(black_box(&text), "deconflict.example/log", &log_vkey)
                    .unwrap();
            opened.verify_cosignatures(&witness_vkey).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, hashing, at_scale);
criterion_main!(benches);
