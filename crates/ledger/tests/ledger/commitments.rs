//! Salted field commitments.

use deconflict_ledger::{COMMIT_DOMAIN, Error, commit, verify_commitment};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// The documented encoding, spelled out byte by byte.
fn by_hand(salt: [u8; 32], field: &str, value: &[u8]) -> [u8; 32] {
    let mut bytes = b"deconflict/commit/v1\x00".to_vec();
    bytes.extend_from_slice(&salt);
    bytes.extend_from_slice(&(field.len() as u64).to_be_bytes());
    bytes.extend_from_slice(field.as_bytes());
    bytes.extend_from_slice(&(value.len() as u64).to_be_bytes());
    bytes.extend_from_slice(value);
    Sha256::digest(&bytes).into()
}

#[test]
fn commitment_is_the_documented_encoding() {
    assert_eq!(COMMIT_DOMAIN, b"deconflict/commit/v1\0");
    let salt = [0x5a; 32];
    let value = br#"{"type":"Point","coordinates":[44.36,33.31]}"#;
    let c = commit(salt, "geometry", value);
    assert_eq!(c, by_hand(salt, "geometry", value));
    verify_commitment(&c, salt, "geometry", value).unwrap();
    assert!(matches!(
        verify_commitment(&c, salt, "label", value),
        Err(Error::CommitmentMismatch { field }) if field == "label"
    ));
    assert!(verify_commitment(&c, [0x5b; 32], "geometry", value).is_err());
    assert!(verify_commitment(&c, salt, "geometry", b"{}").is_err());
}

proptest! {
    /// Moving bytes between field and value changes the commitment: the lengths are bound.
    #[test]
    fn field_value_boundary_is_unambiguous(salt in any::<[u8; 32]>(), text in "[a-z]{2,12}", cut in 1usize..11) {
        let cut = cut.min(text.len() - 1);
        let (field, value) = text.split_at(cut);
        let (field2, value2) = text.split_at(cut - 1);
        prop_assert_ne!(commit(salt, field, value.as_bytes()), commit(salt, field2, value2.as_bytes()));
        prop_assert_eq!(commit(salt, field, value.as_bytes()), by_hand(salt, field, value.as_bytes()));
    }
}
