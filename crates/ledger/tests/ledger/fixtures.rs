//! The transparency-dev/merkle conformance vectors (Apache-2.0), vendored in
//! `tests/vectors/` with their licence and provenance.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use deconflict_ledger::{
    EMPTY_ROOT, Error, Hash, hash_from_slice, verify_consistency, verify_inclusion,
};
use serde_json::Value;

/// Vectors whose `wantErr` this crate deliberately does not follow, with the reason.
const DIVERGENT: &[(&str, &str)] = &[(
    "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json",
    "its roots are 12-byte placeholders; this crate refuses any hash that is not 32 bytes",
)];

fn testdata() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/testdata");
    assert!(
        dir.join("inclusion").is_dir() && dir.join("consistency").is_dir(),
        "Merkle conformance vectors not found at {}",
        dir.display()
    );
    dir
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable fixture folder") {
        let path = entry.expect("fixture entry").path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn bytes(v: &Value) -> Vec<u8> {
    STANDARD
        .decode(v.as_str().expect("base64 string"))
        .expect("fixture base64")
}

/// Fixture hashes go through the crate's own edge check, so a wrong length is the crate's error.
fn hash(v: &Value) -> Result<Hash, Error> {
    hash_from_slice(&bytes(v))
}

fn proof(v: &Value) -> Result<Vec<Hash>, Error> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items.iter().map(hash).collect(),
        other => panic!("proof is neither null nor an array: {other}"),
    }
}

fn u64_field(case: &Value, name: &str) -> u64 {
    case[name]
        .as_u64()
        .unwrap_or_else(|| panic!("{name} is not a u64"))
}

fn run_inclusion(case: &Value) -> Result<(), Error> {
    verify_inclusion(
        &hash(&case["leafHash"])?,
        u64_field(case, "leafIdx"),
        u64_field(case, "treeSize"),
        &proof(&case["proof"])?,
        &hash(&case["root"])?,
    )
}

fn run_consistency(case: &Value) -> Result<(), Error> {
    verify_consistency(
        u64_field(case, "size1"),
        u64_field(case, "size2"),
        &proof(&case["proof"])?,
        &hash(&case["root1"])?,
        &hash(&case["root2"])?,
    )
}

fn run(root: &Path, relative: &str) -> (bool, Result<(), Error>) {
    let text = std::fs::read_to_string(root.join(relative)).expect("readable fixture");
    let case: Value = serde_json::from_str(&text).expect("fixture JSON");
    let want_err = case["wantErr"].as_bool().expect("wantErr");
    let result = if relative.starts_with("inclusion/") {
        run_inclusion(&case)
    } else {
        run_consistency(&case)
    };
    (want_err, result)
}

#[test]
fn every_conformance_vector_is_honoured() {
    let root = testdata();
    let mut files = Vec::new();
    json_files(&root, &mut files);
    files.sort();
    // 98 inclusion and 98 consistency vectors at transparency-dev/merkle 417fb0c.
    assert_eq!(
        files.len(),
        196,
        "unexpected number of vectors under {}",
        root.display()
    );

    let mut failures = Vec::new();
    for path in &files {
        let relative = path
            .strip_prefix(&root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        let (want_err, result) = run(&root, &relative);
        let divergent = DIVERGENT.iter().any(|(p, _)| *p == relative);
        if divergent {
            assert!(
                matches!(result, Err(Error::HashLength { .. })),
                "{relative}: expected the documented divergence, got {result:?}"
            );
        } else if want_err != result.is_err() {
            failures.push(format!("{relative}: wantErr {want_err}, got {result:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} vectors disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The README's three vectors that expect an error from an empty old tree, and why each still
/// fails under this crate's rule (any tree extends the empty one, with an empty proof).
#[test]
fn empty_old_tree_vectors_fail_for_the_documented_reasons() {
    let root = testdata();
    let cases = [
        (
            "consistency-check-on-empty-tree-size1-is-zero-is-useless.json",
            "proof",
        ),
        ("size1-is-zero-and-does-not-equal-size2.json", "hash"),
        ("size1-is-zero-and-size2-is-not-zero.json", "hash"),
    ];
    for (file, reason) in cases {
        let relative = format!("consistency/additional/{file}");
        let (want_err, result) = run(&root, &relative);
        assert!(want_err, "{relative} should expect an error");
        match reason {
            "proof" => assert!(
                matches!(
                    result,
                    Err(Error::ProofLength {
                        expected: 0,
                        actual: 1
                    })
                ),
                "{relative}: {result:?}"
            ),
            _ => assert!(
                matches!(result, Err(Error::HashLength { actual: 12 })),
                "{relative}: {result:?}"
            ),
        }
    }
    // With well-formed hashes the empty proof from size 0 is accepted: the C2SP witness rule.
    let any_root = [7u8; 32];
    verify_consistency(0, 1, &[], &EMPTY_ROOT, &any_root).expect("size 0 extends to any tree");
}
