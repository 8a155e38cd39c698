//! RFC 9162 §2.1 hashing and the base64 used by every text format.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::Error;

/// A SHA-256 output: leaf hashes, node hashes and root hashes.
pub type Hash = [u8; 32];

/// MTH({}) = SHA-256(""): the root hash of the empty tree.
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// Leaf hash: SHA-256(0x00 ‖ data). The 0x00 prefix keeps a leaf from posing as a node.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    h.finalize().into()
}

/// Interior node hash: SHA-256(0x01 ‖ left ‖ right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Converts bytes that should be a hash, refusing any length but 32.
///
/// Proof and root APIs take [`type@Hash`], so a wrong length is caught once, here, at the edge.
pub fn hash_from_slice(bytes: &[u8]) -> Result<Hash, Error> {
    bytes.try_into().map_err(|_| Error::HashLength {
        actual: bytes.len(),
    })
}

/// Decodes canonical standard base64 (RFC 4648 §4 with padding); `field` names it in errors.
pub(crate) fn b64_decode(text: &str, field: &'static str) -> Result<Vec<u8>, Error> {
    // The STANDARD engine requires canonical padding and rejects non-zero trailing bits, so
    // every byte string has exactly one accepted text form and parse → format round-trips.
    STANDARD.decode(text).map_err(|_| Error::Base64 { field })
}

/// Decodes a base64 hash, refusing anything but 32 bytes.
pub(crate) fn b64_hash(text: &str, field: &'static str) -> Result<Hash, Error> {
    hash_from_slice(&b64_decode(text, field)?)
}

pub(crate) fn b64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

pub(crate) fn sha256(parts: &[&[u8]]) -> Hash {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part);
    }
    h.finalize().into()
}
