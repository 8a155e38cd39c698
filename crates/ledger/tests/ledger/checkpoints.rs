//! Checkpoints and cosignatures: exact text, strict parsing, signing and witnessing.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use deconflict_ledger::{
    Checkpoint, Error, KeyType, Note, SignedCheckpoint, SignerKey, VerifierKey, key_id,
};
use ed25519_dalek::{Signature, VerifyingKey};

/// c2sp.org/tlog-checkpoint and tlog-cosignature examples (CC BY 4.0).
const SOFA_BODY: &str =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
const SOFA_SIGS: &str = "\u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n\
\u{2014} witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";

/// transparency-dev/formats `log/note_test.go` (Apache-2.0): a real sum.golang.org checkpoint,
/// whose origin differs from its key name, and three more keys' signatures of the same body.
const SUMDB_VKEY: &str = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
const SUMDB_NOTE: &str = "go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n\
\u{2014} sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n";
const SUMDB_OTHERS: [(&str, &str); 3] = [
    (
        "monkeys+db4d9f7e+AULaJMvTtDLHPUcUrjdDad9vDlh/PTfC2VV60JUtCfWT",
        "\u{2014} monkeys 202ffh9ve46Mqbhuyb4wnC2Pwdan5EsXQym/tF1ggXJqhjGosU4T5intH4iKMRgDLxrnXuIjRaU2NbvAnaepM6Y+8ww=\n",
    ),
    (
        "bananas+cf639f13+AaPjhFnPCQnid/Ql32KWhmh+uk72FVRfK+2DLmO3BI3M",
        "\u{2014} bananas z2OfE+2bbsBZ7NLgfuslc0v7NFW2QyexJ7fhePpoL2N/P7N/COd5S+JNHbQEAlYzz2C5sg0E+x/MggS1mDR6t3/9rQw=\n",
    ),
    (
        "witness+f13a86db+AdYV1Ztajd9BvyjP2HgpwrqYL6TjOwIjGMOq8Bu42xbN",
        "\u{2014} witness 8TqG25yWGFLdT7WPf/WoyeG3LwqtkXP+8S3yykOVm6EMh4hPgCke6eSVPU4BdtXNMPJBXKF+UpDbGgCdcpR8SVSoqAU=\n",
    ),
];

const ORIGIN: &str = "deconflict.example/log";

fn log_key() -> SignerKey {
    SignerKey::from_seed(KeyType::Ed25519, ORIGIN, [1; 32]).unwrap()
}

fn witness(n: u8) -> SignerKey {
    SignerKey::from_seed(
        KeyType::CosignatureV1,
        &format!("witness{n}.example"),
        [10 + n; 32],
    )
    .unwrap()
}

#[test]
fn c2sp_example_body_round_trips() {
    let cp = Checkpoint::parse(SOFA_BODY).unwrap();
    assert_eq!(
        (cp.origin(), cp.size()),
        ("example.com/behind-the-sofa", 20852163)
    );
    assert_eq!(cp.to_string(), SOFA_BODY);
    assert!(cp.extensions().is_empty());
    let with_ext = format!("{SOFA_BODY}ext one\nsecond extension\n");
    let cp = Checkpoint::parse(&with_ext).unwrap();
    assert_eq!(cp.extensions(), ["ext one", "second extension"]);
    assert_eq!(cp.to_string(), with_ext);
}

#[test]
fn c2sp_cosignature_example_is_framed_as_key_id_time_signature() {
    let note = Note::parse(&format!("{SOFA_BODY}\n{SOFA_SIGS}")).unwrap();
    let cosig = &note.signatures()[1];
    assert_eq!(cosig.name, "witness.example.com/w1");
    assert_eq!(cosig.signature.len(), 8 + 64);
    let time = u64::from_be_bytes(cosig.signature[..8].try_into().unwrap());
    assert_eq!(time, 1679315147);
}

#[test]
fn sumdb_checkpoint_opens_with_its_origin_and_key() {
    let key = VerifierKey::parse(SUMDB_VKEY).unwrap();
    let signed = SignedCheckpoint::open(SUMDB_NOTE, "go.sum database tree", &key).unwrap();
    assert_eq!(signed.checkpoint().size(), 6476701);
    assert_eq!(signed.to_string(), SUMDB_NOTE);
    assert!(matches!(
        SignedCheckpoint::open(SUMDB_NOTE, "sum.golang.org", &key),
        Err(Error::OriginMismatch { .. })
    ));

    let all = format!(
        "{SUMDB_NOTE}{}",
        SUMDB_OTHERS.map(|(_, line)| line).concat()
    );
    let others: Vec<VerifierKey> = SUMDB_OTHERS
        .iter()
        .map(|(k, _)| k.parse().unwrap())
        .collect();
    let note = Note::parse(&all).unwrap();
    assert_eq!(note.verify(&others).unwrap().len(), 3);
    // The log's own check ignores the other signatures.
    SignedCheckpoint::open(&all, "go.sum database tree", &key).unwrap();
}

#[test]
fn sign_open_round_trip() {
    let log = log_key();
    let root = [7u8; 32];
    let cp = Checkpoint::new(ORIGIN, 42, root).unwrap();
    let signed = SignedCheckpoint::sign(cp.clone(), &log).unwrap();
    let text = signed.to_string();
    assert!(text.starts_with(&format!(
        "{ORIGIN}\n42\n{}\n\n\u{2014} {ORIGIN} ",
        STANDARD.encode(root)
    )));
    let opened = SignedCheckpoint::open(&text, ORIGIN, &log.verifier()).unwrap();
    assert_eq!(opened, signed);
    assert_eq!(opened.checkpoint(), &cp);

    // Another key of the same name is not the log's key.
    let impostor = SignerKey::from_seed(KeyType::Ed25519, ORIGIN, [2; 32]).unwrap();
    assert!(matches!(
        SignedCheckpoint::open(&text, ORIGIN, &impostor.verifier()),
        Err(Error::NoKnownSignature)
    ));
    // A log key must be named after the origin it signs.
    let other = SignerKey::from_seed(KeyType::Ed25519, "other.example/log", [1; 32]).unwrap();
    assert!(matches!(
        SignedCheckpoint::sign(cp, &other),
        Err(Error::OriginMismatch { .. })
    ));
    // A changed size invalidates the signature.
    let tampered = text.replacen("\n42\n", "\n43\n", 1);
    assert!(matches!(
        SignedCheckpoint::open(&tampered, ORIGIN, &log.verifier()),
        Err(Error::InvalidSignature { .. })
    ));
}

fn check_rejected(body: &str, expected: &str) {
    let err = Checkpoint::parse(body).expect_err(body);
    assert!(
        err.to_string().contains(expected),
        "{body:?}: got {err}, expected {expected:?}"
    );
}

#[test]
fn strict_parsing_rejects_every_deviation() {
    let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
    let cases = [
        (format!("o\n1\n{root}"), "does not end with a newline"),
        ("o\n1\n".to_owned(), "fewer than three lines"),
        ("o\n1\n\n".to_owned(), "must be 32 bytes, got 0"),
        ("o\n".to_owned(), "fewer than three lines"),
        (format!("\n1\n{root}\n"), "origin is empty"),
        (format!("o\n01\n{root}\n"), "tree size"),
        (format!("o\n00\n{root}\n"), "tree size"),
        (format!("o\n+1\n{root}\n"), "tree size"),
        (format!("o\n-1\n{root}\n"), "tree size"),
        (format!("o\n 1\n{root}\n"), "tree size"),
        (format!("o\n1 \n{root}\n"), "tree size"),
        (format!("o\n1e3\n{root}\n"), "tree size"),
        (format!("o\n\n{root}\n"), "tree size"),
        (format!("o\n18446744073709551616\n{root}\n"), "tree size"),
        (
            "o\n1\nnot base64!\n".to_owned(),
            "not canonical standard base64",
        ),
        (
            format!("o\n1\n{}\n", root.trim_end_matches('=')),
            "not canonical standard base64",
        ),
        (
            "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n".to_owned(),
            "not canonical standard base64",
        ),
        (
            "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\n".to_owned(),
            "must be 32 bytes",
        ),
        (format!("o\n1\n{root} \n"), "not canonical standard base64"),
        (format!("o\n1\n{root}\n\n"), "extension line is empty"),
        (format!("o\n1\n{root}\next\n\n"), "extension line is empty"),
        (format!("o\r\n1\n{root}\n"), "control character"),
        (format!("o\n1\n{root}\nex\tt\n"), "control character"),
    ];
    for (body, expected) in &cases {
        check_rejected(body, expected);
    }
    assert!(matches!(
        Checkpoint::new("", 0, [0; 32]),
        Err(Error::MalformedCheckpoint { .. })
    ));
    assert!(matches!(
        Checkpoint::new("a\nb", 0, [0; 32]),
        Err(Error::MalformedCheckpoint { .. })
    ));
    let cp = Checkpoint::new("o", 0, [0; 32]).unwrap();
    assert!(matches!(
        cp.clone().with_extension(""),
        Err(Error::MalformedCheckpoint { .. })
    ));
    assert_eq!(
        cp.with_extension("x").unwrap().to_string(),
        "o\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nx\n"
    );
}

#[test]
fn witnesses_cosign_and_are_verified_with_their_timestamps() {
    let log = log_key();
    let mut signed =
        SignedCheckpoint::sign(Checkpoint::new(ORIGIN, 9, [3; 32]).unwrap(), &log).unwrap();
    let (w1, w2, w3) = (witness(1), witness(2), witness(3));
    signed.cosign(&w1, 1_700_000_000).unwrap();
    signed.cosign(&w2, 1_700_000_005).unwrap();
    signed.cosign(&w2, 1_700_000_009).unwrap(); // replaces w2's earlier cosignature
    assert_eq!(signed.note().signatures().len(), 3);

    let reopened = SignedCheckpoint::open(&signed.to_string(), ORIGIN, &log.verifier()).unwrap();
    let cosigs = reopened
        .verify_cosignatures(&[w1.verifier(), w2.verifier(), w3.verifier()])
        .unwrap();
    let got: Vec<_> = cosigs
        .iter()
        .map(|c| (c.name.as_str(), c.key_type, c.timestamp))
        .collect();
    assert_eq!(
        got,
        [
            (
                "witness1.example",
                KeyType::CosignatureV1,
                Some(1_700_000_000)
            ),
            (
                "witness2.example",
                KeyType::CosignatureV1,
                Some(1_700_000_009)
            ),
        ]
    );
    assert!(
        reopened
            .verify_cosignatures(&[w3.verifier()])
            .unwrap()
            .is_empty()
    );

    // The log key is not a witness key, nor the other way round.
    assert!(matches!(
        reopened.verify_cosignatures(&[log.verifier()]),
        Err(Error::WrongKeyType { .. })
    ));
    assert!(matches!(
        SignedCheckpoint::open(&signed.to_string(), ORIGIN, &w1.verifier()),
        Err(Error::WrongKeyType {
            expected: 0x01,
            actual: 0x04,
            ..
        })
    ));
    let mut copy = signed.clone();
    assert!(matches!(
        copy.cosign(&log, 1),
        Err(Error::WrongKeyType { expected: 0x04, .. })
    ));
    assert!(matches!(
        copy.cosign(&w3, 1 << 63),
        Err(Error::TimestampRange(_))
    ));
}

/// The exact bytes a cosignature/v1 covers, checked with the raw Ed25519 key.
#[test]
fn cosignature_signs_the_specified_message() {
    let log = log_key();
    let w = witness(1);
    let mut signed =
        SignedCheckpoint::sign(Checkpoint::new(ORIGIN, 20852163, [5; 32]).unwrap(), &log).unwrap();
    signed.cosign(&w, 1679315147).unwrap();
    let line = signed.note().signatures().last().unwrap().clone();

    let public = w.verifier().public_key();
    let expected_id = {
        use sha2::Digest as _;
        let mut h = sha2::Sha256::new();
        h.update(b"witness1.example\n\x04");
        h.update(public);
        let d = h.finalize();
        u32::from_be_bytes([d[0], d[1], d[2], d[3]])
    };
    assert_eq!(line.key_id, expected_id);
    assert_eq!(
        w.key_id(),
        key_id("witness1.example", KeyType::CosignatureV1, &public)
    );

    let encoded = line.to_string();
    let b64 = encoded.rsplit(' ').next().unwrap();
    assert_eq!(STANDARD.decode(b64).unwrap().len(), 76);
    assert_eq!(line.signature[..8], 1679315147u64.to_be_bytes());

    let message = format!("cosignature/v1\ntime 1679315147\n{}", signed.checkpoint());
    let raw = Signature::from_slice(&line.signature[8..]).unwrap();
    VerifyingKey::from_bytes(&public)
        .unwrap()
        .verify_strict(message.as_bytes(), &raw)
        .unwrap();

    // Changing the timestamp bytes breaks the cosignature.
    let mut forged = signed.note().clone();
    let mut bad = line.clone();
    bad.signature[7] ^= 1;
    forged.add_signature(bad).unwrap();
    let forged = SignedCheckpoint::open(&forged.to_string(), ORIGIN, &log.verifier()).unwrap();
    assert!(matches!(
        forged.verify_cosignatures(&[w.verifier()]),
        Err(Error::InvalidSignature { .. })
    ));

    // A witness vkey carries type 0x04.
    let vkey = w.verifier().to_string();
    let material = STANDARD
        .decode(vkey.splitn(3, '+').nth(2).unwrap())
        .unwrap();
    assert_eq!(material[0], 0x04);
    assert_eq!(
        VerifierKey::parse(&vkey).unwrap().key_type(),
        KeyType::CosignatureV1
    );
}
