//! c2sp.org/tlog-proof@v1 entry proofs, end to end: log, checkpoint, witnesses, offline check.

use deconflict_ledger::{
    Checkpoint, Error, KeyType, SignedCheckpoint, SignerKey, TlogProof, Tree, leaf_hash,
};

const ORIGIN: &str = "deconflict.example/log";

struct Fixture {
    log: SignerKey,
    witness: SignerKey,
    tree: Tree,
    signed: SignedCheckpoint,
}

fn fixture(n: u64) -> Fixture {
    let log = SignerKey::from_seed(KeyType::Ed25519, ORIGIN, [1; 32]).unwrap();
    let witness = SignerKey::from_seed(KeyType::CosignatureV1, "w.example", [2; 32]).unwrap();
    let mut tree = Tree::new();
    for i in 0..n {
        tree.append(leaf_hash(format!("entry {i}").as_bytes()))
            .unwrap();
    }
    let cp = Checkpoint::new(ORIGIN, n, tree.root().unwrap()).unwrap();
    let mut signed = SignedCheckpoint::sign(cp, &log).unwrap();
    signed.cosign(&witness, 1_750_000_000).unwrap();
    Fixture {
        log,
        witness,
        tree,
        signed,
    }
}

#[test]
fn a_proof_round_trips_and_verifies_offline() {
    let f = fixture(10);
    let mut proof = TlogProof::new(7, f.tree.inclusion_proof(7, 10).unwrap(), &f.signed);
    proof.extra = b"revealed payload ref".to_vec();
    let text = proof.to_string();
    assert!(
        text.starts_with("c2sp.org/tlog-proof@v1\nextra cmV2ZWFsZWQgcGF5bG9hZCByZWY=\nindex 7\n")
    );
    assert!(text.ends_with(&f.signed.to_string()));

    let parsed = TlogProof::parse(&text).unwrap();
    assert_eq!(parsed, proof);
    assert_eq!(parsed.to_string(), text);

    let leaf = leaf_hash(b"entry 7");
    let checkpoint = parsed.verify(&leaf, ORIGIN, &f.log.verifier()).unwrap();
    assert_eq!(checkpoint.checkpoint().size(), 10);
    let cosigs = checkpoint
        .verify_cosignatures(&[f.witness.verifier()])
        .unwrap();
    assert_eq!(cosigs[0].timestamp, Some(1_750_000_000));

    assert!(matches!(
        parsed.verify(&leaf_hash(b"entry 6"), ORIGIN, &f.log.verifier()),
        Err(Error::InclusionMismatch)
    ));
    assert!(matches!(
        parsed.verify(&leaf, "elsewhere", &f.log.verifier()),
        Err(Error::OriginMismatch { .. })
    ));
}

#[test]
fn a_one_entry_log_has_an_empty_inclusion_proof() {
    let f = fixture(1);
    let proof = TlogProof::new(0, f.tree.inclusion_proof(0, 1).unwrap(), &f.signed);
    let text = proof.to_string();
    assert!(text.starts_with("c2sp.org/tlog-proof@v1\nindex 0\n\n"));
    let parsed = TlogProof::parse(&text).unwrap();
    assert!(parsed.inclusion.is_empty() && parsed.extra.is_empty());
    parsed
        .verify(&leaf_hash(b"entry 0"), ORIGIN, &f.log.verifier())
        .unwrap();
}

#[test]
fn malformed_proofs_are_rejected() {
    let f = fixture(4);
    let good = TlogProof::new(2, f.tree.inclusion_proof(2, 4).unwrap(), &f.signed).to_string();
    let checkpoint = f.signed.to_string();
    let hash = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
    let cases = [
        (
            good.replacen("tlog-proof@v1", "tlog-proof@v2", 1),
            "first line",
        ),
        (
            format!("c2sp.org/tlog-proof@v1\nextra \nindex 2\n\n{checkpoint}"),
            "extra line is empty",
        ),
        (
            format!("c2sp.org/tlog-proof@v1\nextra !!\nindex 2\n\n{checkpoint}"),
            "base64",
        ),
        (
            format!("c2sp.org/tlog-proof@v1\n{hash}\n\n{checkpoint}"),
            "missing index",
        ),
        (
            format!("c2sp.org/tlog-proof@v1\nindex 02\n\n{checkpoint}"),
            "index",
        ),
        (
            format!("c2sp.org/tlog-proof@v1\nindex +2\n\n{checkpoint}"),
            "index",
        ),
        (
            format!("c2sp.org/tlog-proof@v1\nindex 2\n{hash}x\n\n{checkpoint}"),
            "base64",
        ),
        (
            format!("c2sp.org/tlog-proof@v1\nindex 2\nAAAA\n\n{checkpoint}"),
            "32 bytes",
        ),
        (
            format!(
                "c2sp.org/tlog-proof@v1\nindex 2\n{}\n{checkpoint}",
                format!("{hash}\n").repeat(65)
            ),
            "more than 64",
        ),
        (
            format!("c2sp.org/tlog-proof@v1\nindex 2\n{checkpoint}"),
            "base64",
        ),
        (
            "c2sp.org/tlog-proof@v1\nindex 2\n".to_owned(),
            "no blank line",
        ),
        (
            format!(
                "c2sp.org/tlog-proof@v1\nindex 2\n\n{}",
                checkpoint.trim_end()
            ),
            "malformed note",
        ),
    ];
    for (text, expected) in &cases {
        let err = TlogProof::parse(text).expect_err(text);
        assert!(
            err.to_string().contains(expected),
            "{text:?}: got {err}, expected {expected:?}"
        );
    }
}
