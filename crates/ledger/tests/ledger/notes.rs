//! Signed notes and keys: published vectors and strict rejections.

use deconflict_ledger::{
    Error, KeyType, MAX_SIGNATURES, Note, NoteSignature, SignerKey, VerifierKey, key_id,
};
use ed25519_dalek::{Signature, Verifier as _, VerifyingKey};

/// golang.org/x/mod `sumdb/note` package documentation (BSD-3-Clause).
const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                          then you don't know what your problem is.\n";
const PETER_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

/// c2sp.org/signed-note v1.0.0 "Verifier keys" example (CC BY 4.0).
const FOO_VKEY: &str = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
const FOO_NOTE: &str = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

/// transparency-dev/formats `log/note_test.go` (Apache-2.0): signer and verifier key pairs.
const FORMATS_KEYS: [(&str, &str); 4] = [
    (
        "PRIVATE+KEY+Log+2271c621+AdEIq9FLRQni54Wg68T96VJO+iayOaulswav2DUMKgvQ",
        "Log+2271c621+AemuH5ooBpEPcr+W8onrjA1NfuzBVHdezakU81Ekarvs",
    ),
    (
        "PRIVATE+KEY+Known+451c786d+AQPRoE2+Z+Ed1HaHBA9F/FfracvcZ2rDU39kCecMEoci",
        "Known+451c786d+AXAQ0T7lbwuY4ABJ9/MYY9bWV3hmSyOGVt2x42NkmdUH",
    ),
    (
        "PRIVATE+KEY+KnownAgain+4893b26c+ARhZda/l25zjGZswYLDZsLNRzNpmv5wYTN9IoTr1OJ2+",
        "KnownAgain+4893b26c+AQ+LR7BFF/F/dkpIBjBpSvT0crkteizuUkavAoGeaYMj",
    ),
    (
        "PRIVATE+KEY+Unknown+fdbb2e08+Aav2knTC6orbhXX8pMWuNiWgO+Wwk2DB+h1eU2Q1W1nU",
        "Unknown+fdbb2e08+AWgRIYZ+8x1Vl+1Q+sR8zciNHiYI1SdlBjNw+RV0rots",
    ),
];

#[test]
fn peter_neumann_signer_derives_its_verifier_and_reproduces_the_signature() {
    let signer = SignerKey::parse(PETER_SKEY).unwrap();
    let verifier = VerifierKey::parse(PETER_VKEY).unwrap();
    assert_eq!(signer.verifier(), verifier);
    assert_eq!(signer.verifier().to_string(), PETER_VKEY);
    assert_eq!(signer.to_key_string(), PETER_SKEY);
    assert_eq!(
        (signer.name(), signer.key_id(), signer.key_type()),
        ("PeterNeumann", 0xc74f20a3, KeyType::Ed25519)
    );

    let mut note = Note::new(PETER_TEXT).unwrap();
    note.sign(&signer).unwrap();
    let signed = note.to_string();
    assert_eq!(
        signed,
        format!("{PETER_TEXT}\n{PETER_SIG}"),
        "Ed25519 is deterministic"
    );

    let verified = Note::parse(&signed).unwrap().verify(&[verifier]).unwrap();
    assert_eq!(verified.len(), 1);
    assert_eq!(
        (
            verified[0].name.as_str(),
            verified[0].key_id,
            verified[0].timestamp
        ),
        ("PeterNeumann", 0xc74f20a3, None)
    );
}

#[test]
fn unknown_signers_are_ignored() {
    let doubly = format!("{PETER_TEXT}\n{PETER_SIG}{ENOCH_SIG}");
    let note = Note::parse(&doubly).unwrap();
    assert_eq!(note.to_string(), doubly, "parse and format round-trip");
    assert_eq!(note.signatures()[1].key_id, 0xaf0cfe78);
    let verified = note
        .verify(&[VerifierKey::parse(PETER_VKEY).unwrap()])
        .unwrap();
    assert_eq!(verified.len(), 1);
    // The same name with another key ID is another key: ignored, not an error.
    let other = SignerKey::from_seed(KeyType::Ed25519, "EnochRoot", [9; 32])
        .unwrap()
        .verifier();
    assert!(matches!(
        note.verify(&[other]),
        Err(Error::NoKnownSignature)
    ));
}

#[test]
fn c2sp_example_verifies() {
    let key = VerifierKey::parse(FOO_VKEY).unwrap();
    assert_eq!(key.key_id(), 0x530d903a);
    assert_eq!(
        key.key_id(),
        key_id("example.com/foo", KeyType::Ed25519, &key.public_key())
    );
    let note = Note::parse(FOO_NOTE).unwrap();
    assert_eq!(note.text(), "This is an example message.\n");
    assert_eq!(
        note.verify(std::slice::from_ref(&key)).unwrap()[0].name,
        "example.com/foo"
    );
    assert_eq!(note.to_string(), FOO_NOTE);

    let forged = FOO_NOTE.replace("example message", "exemplary message");
    assert!(matches!(
        Note::parse(&forged).unwrap().verify(&[key]),
        Err(Error::InvalidSignature {
            key_id: 0x530d903a,
            ..
        })
    ));
}

#[test]
fn formats_key_pairs_agree() {
    for (skey, vkey) in FORMATS_KEYS {
        let signer: SignerKey = skey.parse().unwrap();
        assert_eq!(signer.verifier().to_string(), vkey);
        assert_eq!(signer.to_key_string(), skey);
        assert_eq!(vkey.parse::<VerifierKey>().unwrap(), signer.verifier());
    }
}

#[test]
fn keys_from_seeds_round_trip_for_both_types() {
    for key_type in [KeyType::Ed25519, KeyType::CosignatureV1] {
        let signer = SignerKey::from_seed(key_type, "deconflict.example/log", [42; 32]).unwrap();
        let again = SignerKey::parse(&signer.to_key_string()).unwrap();
        assert_eq!(again.verifier(), signer.verifier());
        let vkey = signer.verifier().to_string();
        assert_eq!(VerifierKey::parse(&vkey).unwrap(), signer.verifier());
        assert_eq!(
            signer.key_id(),
            key_id(
                "deconflict.example/log",
                key_type,
                &signer.verifier().public_key()
            )
        );
    }
    // One seed, two types: two key IDs (the type byte is hashed in).
    let a = SignerKey::from_seed(KeyType::Ed25519, "w", [1; 32]).unwrap();
    let b = SignerKey::from_seed(KeyType::CosignatureV1, "w", [1; 32]).unwrap();
    assert_ne!(a.key_id(), b.key_id());
    // Debug output never carries the seed.
    let debug = format!("{a:?}");
    let secret = a.to_key_string();
    let seed_b64 = &secret["PRIVATE+KEY+w+00000000+".len()..];
    assert!(
        debug.contains("SignerKey") && !debug.contains(seed_b64),
        "{debug}"
    );
}

fn key_error(text: &str) -> Error {
    VerifierKey::parse(text).expect_err(text)
}

#[test]
fn malformed_keys_are_rejected() {
    assert!(matches!(
        key_error("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Error::KeyIdMismatch {
            stated: 0xc74f20a4,
            computed: 0xc74f20a3
        }
    ));
    assert!(matches!(
        key_error("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Error::MalformedKey { .. }
    ));
    assert!(matches!(
        key_error("PeterNeumann+c74f20a3"),
        Error::MalformedKey { .. }
    ));
    assert!(matches!(
        key_error("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Error::KeyName { .. }
    ));
    assert!(matches!(
        key_error("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Error::KeyName { .. }
    ));
    assert!(matches!(
        key_error("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T"),
        Error::Base64 { .. }
    ));
    assert!(matches!(
        key_error("PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Error::UnsupportedKeyType(0x02)
    ));
    assert!(matches!(
        key_error("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy"),
        Error::MalformedKey { .. }
    ));
    assert!(matches!(
        key_error("PeterNeumann+c74f20a3+"),
        Error::MalformedKey { .. }
    ));
    assert!(matches!(
        SignerKey::parse(PETER_VKEY),
        Err(Error::MalformedKey { kind: "signer", .. })
    ));
    assert!(matches!(
        SignerKey::parse(&PETER_SKEY.replace("c74f20a3", "c74f20a2")),
        Err(Error::KeyIdMismatch { .. })
    ));
    for bad in ["", "a+b", "a b", "a\u{a0}b", "a\u{2028}b"] {
        assert!(
            matches!(
                SignerKey::from_seed(KeyType::Ed25519, bad, [0; 32]),
                Err(Error::KeyName { .. })
            ),
            "{bad:?}"
        );
    }
}

/// The identity point is a small-order key: a lax verifier accepts the signature (R =
/// identity, S = 0) on *every* message. Such keys are refused outright.
#[test]
fn small_order_keys_are_refused() {
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let lax = VerifyingKey::from_bytes(&identity).unwrap();
    let mut forged = [0u8; 64];
    forged[0] = 1;
    assert!(
        lax.verify(b"anything", &Signature::from_bytes(&forged))
            .is_ok()
    );
    assert!(matches!(
        VerifierKey::new(KeyType::Ed25519, "weak", identity),
        Err(Error::MalformedKey { .. })
    ));
}

fn note_error(text: &str) -> Error {
    Note::parse(text).expect_err(text)
}

#[test]
fn malformed_notes_are_rejected() {
    let sig = PETER_SIG;
    let text = PETER_TEXT;
    assert!(
        matches!(
            note_error(&format!("{text}{sig}")),
            Error::MalformedNote { .. }
        ),
        "no blank line"
    );
    assert!(
        matches!(
            note_error(&format!("{text}\n{}", sig.trim_end())),
            Error::MalformedNote { .. }
        ),
        "no final newline"
    );
    assert!(
        matches!(
            note_error(&format!("{text}\n")),
            Error::MalformedNote { .. }
        ),
        "no signatures"
    );
    assert!(
        matches!(
            note_error(&format!("a\rb\n\n{sig}")),
            Error::MalformedNote { .. }
        ),
        "carriage return"
    );
    assert!(
        matches!(
            note_error(&format!("a\tb\n\n{sig}")),
            Error::MalformedNote { .. }
        ),
        "tab"
    );
    assert!(matches!(
        note_error(&format!("{text}\n{}", sig.replace('\u{2014}', "-"))),
        Error::MalformedSignatureLine { line: 1, .. }
    ));
    assert!(
        matches!(
            note_error(&format!("{text}\n{sig}\n")),
            Error::MalformedNote { .. }
        ),
        "a trailing blank line leaves no signature after the last blank line"
    );
    assert!(matches!(
        note_error(&format!("{text}\n\u{2014} Peter+Neumann x08go/ZJ\n")),
        Error::MalformedSignatureLine { .. }
    ));
    assert!(matches!(
        note_error(&format!("{text}\n\u{2014} PeterNeumann x08go/ZJ!\n")),
        Error::MalformedSignatureLine { .. }
    ));
    assert!(
        matches!(
            note_error(&format!("{text}\n\u{2014} PeterNeumann AAAAAA==\n")),
            Error::MalformedSignatureLine { .. }
        ),
        "4 bytes: key ID only"
    );
    assert!(matches!(
        note_error(&format!("{text}\n\u{2014} PeterNeumann\n")),
        Error::MalformedSignatureLine { .. }
    ));

    let many = sig.repeat(MAX_SIGNATURES + 1);
    assert!(matches!(
        note_error(&format!("{text}\n{many}")),
        Error::TooManySignatures { max: 100 }
    ));
    let enough = sig.repeat(MAX_SIGNATURES);
    let note = Note::parse(&format!("{text}\n{enough}")).unwrap();
    assert_eq!(
        note.verify(&[VerifierKey::parse(PETER_VKEY).unwrap()])
            .unwrap()
            .len(),
        1,
        "one key reported once"
    );

    assert!(matches!(
        Note::new("no newline"),
        Err(Error::MalformedNote { .. })
    ));
    assert!(matches!(
        Note::new("bell \u{7}\n"),
        Err(Error::MalformedNote { .. })
    ));
}

#[test]
fn text_may_hold_blank_lines_and_splits_at_the_last() {
    let signer = SignerKey::from_seed(KeyType::Ed25519, "k", [3; 32]).unwrap();
    let mut note = Note::new("one\n\ntwo\n\n").unwrap();
    note.sign(&signer).unwrap();
    let parsed = Note::parse(&note.to_string()).unwrap();
    assert_eq!(parsed.text(), "one\n\ntwo\n\n");
    parsed.verify(&[signer.verifier()]).unwrap();
}

#[test]
fn two_known_keys_with_one_name_and_id_are_ambiguous() {
    let key = VerifierKey::parse(PETER_VKEY).unwrap();
    let note = Note::parse(&format!("{PETER_TEXT}\n{PETER_SIG}")).unwrap();
    assert!(matches!(
        note.verify(&[key.clone(), key]),
        Err(Error::AmbiguousKey {
            key_id: 0xc74f20a3,
            ..
        })
    ));
}

#[test]
fn signing_twice_with_one_key_keeps_one_line() {
    let signer = SignerKey::parse(PETER_SKEY).unwrap();
    let mut note = Note::new(PETER_TEXT).unwrap();
    note.sign(&signer).unwrap();
    note.sign(&signer).unwrap();
    assert_eq!(note.signatures().len(), 1);
    assert!(matches!(
        note.add_signature(NoteSignature {
            name: "x".into(),
            key_id: 1,
            signature: Vec::new()
        }),
        Err(Error::MalformedNote { .. })
    ));
}

#[test]
fn key_types_are_not_interchangeable() {
    let witness = SignerKey::from_seed(KeyType::CosignatureV1, "w", [5; 32]).unwrap();
    let mut note = Note::new("text\n").unwrap();
    assert!(matches!(
        note.sign(&witness),
        Err(Error::WrongKeyType {
            expected: 0x01,
            actual: 0x04,
            ..
        })
    ));
}
