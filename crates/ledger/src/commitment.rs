//! Salted commitments to sensitive fields, for selective disclosure.

use crate::Error;
use crate::hash::{Hash, sha256};

/// Domain separator of `commit`, NUL-terminated so no field encoding can extend it.
pub const COMMIT_DOMAIN: &[u8] = b"deconflict/commit/v1\0";

/// Commits to one field value:
/// `SHA-256("deconflict/commit/v1\0" ‖ salt ‖ u64be(len field) ‖ field ‖ u64be(len value) ‖ value)`.
///
/// The salt must be 32 fresh random bytes per field per entry, supplied by the caller:
/// positions and labels have little entropy, so without it a commitment could be opened by
/// guessing. The length prefixes make the encoding injective: no other (field, value) pair
/// hashes the same bytes.
pub fn commit(salt: [u8; 32], field: &str, canonical_value: &[u8]) -> Hash {
    let field_len = (field.len() as u64).to_be_bytes();
    let value_len = (canonical_value.len() as u64).to_be_bytes();
    sha256(&[
        COMMIT_DOMAIN,
        &salt,
        &field_len,
        field.as_bytes(),
        &value_len,
        canonical_value,
    ])
}

/// Checks that a revealed salt and value open `commitment` for `field`.
pub fn verify_commitment(
    commitment: &Hash,
    salt: [u8; 32],
    field: &str,
    canonical_value: &[u8],
) -> Result<(), Error> {
    if commit(salt, field, canonical_value) == *commitment {
        Ok(())
    } else {
        Err(Error::CommitmentMismatch {
            field: field.to_owned(),
        })
    }
}
