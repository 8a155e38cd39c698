//! The ledger's one integration-test binary: conformance vectors, oracles, known answers.

mod checkpoints;
mod commitments;
mod fixtures;
mod merkle;
mod notes;
mod tlog_proofs;

/// Decodes hex written in a test.
pub(crate) fn hex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd-length hex {text:?}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// A 32-byte hash written in hex.
pub(crate) fn hex32(text: &str) -> [u8; 32] {
    hex(text).try_into().expect("32 bytes of hex")
}
