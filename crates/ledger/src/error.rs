//! The one error type of the crate.

use thiserror::Error;

/// Everything that can go wrong in the ledger: malformed input, proofs that do not verify,
/// signatures that do not check out, and failures of a [`HashStore`](crate::HashStore) backend.
///
/// Messages name the offending field or value so that a caller can show them unchanged.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    // --- hashes and encodings ---
    /// A hash was not exactly 32 bytes long.
    #[error("a SHA-256 hash must be 32 bytes, got {actual}")]
    HashLength {
        /// The length that was given.
        actual: usize,
    },
    /// A field was not canonical standard base64 (RFC 4648 §4, padded, no stray bits).
    #[error("{field} is not canonical standard base64")]
    Base64 {
        /// Which field failed to decode.
        field: &'static str,
    },

    // --- Merkle tree and proofs ---
    /// A leaf index was not below the tree size.
    #[error("leaf index {index} is out of range for a tree of size {size}")]
    IndexOutOfRange {
        /// The requested leaf index.
        index: u64,
        /// The tree size it was checked against.
        size: u64,
    },
    /// A proof or root was requested for a size the tree has not reached.
    #[error("tree size {requested} is beyond the {available} leaves in the tree")]
    SizeBeyondTree {
        /// The requested tree size.
        requested: u64,
        /// The number of leaves the tree holds.
        available: u64,
    },
    /// A consistency proof was asked for from a larger tree to a smaller one.
    #[error("old tree size {old} is larger than new tree size {new}")]
    SizeOrder {
        /// The old (first) tree size.
        old: u64,
        /// The new (second) tree size.
        new: u64,
    },
    /// A proof had the wrong number of hashes for its index and sizes.
    #[error("proof has {actual} hashes, expected {expected}")]
    ProofLength {
        /// The number of hashes the sizes call for.
        expected: usize,
        /// The number of hashes given.
        actual: usize,
    },
    /// An inclusion proof did not lead from the leaf hash to the root hash.
    #[error("inclusion proof does not lead to the expected root hash")]
    InclusionMismatch,
    /// A consistency proof did not reproduce both root hashes.
    #[error("consistency proof does not reproduce the old and new root hashes")]
    ConsistencyMismatch,
    /// The root hash claimed for a tree of size 0 was not SHA-256 of the empty string.
    #[error("root hash for tree size 0 must be the empty-tree hash SHA-256(\"\")")]
    EmptyTreeRoot,
    /// The tree already holds 2^64 − 1 leaves.
    #[error("the tree is full: it cannot hold more than 2^64 - 1 leaves")]
    TreeFull,
    /// The hash store lacks a node the tree size says it must hold.
    #[error("hash store has no node at level {level}, index {index}")]
    MissingNode {
        /// Level of the node (0 = leaves).
        level: u8,
        /// Index of the node within its level.
        index: u64,
    },
    /// The hash store backend failed.
    #[error("hash store failed")]
    Store(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),

    // --- keys and signed notes ---
    /// A key name was empty or contained a Unicode space or `+`.
    #[error("key name {name:?} is invalid: it must be non-empty without spaces or '+'")]
    KeyName {
        /// The rejected name.
        name: String,
    },
    /// A signer or verifier key string was malformed.
    #[error("malformed {kind} key: {reason}")]
    MalformedKey {
        /// `signer` or `verifier`.
        kind: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A key string's key ID does not match its name and public key.
    #[error("key ID {stated:08x} does not match the key (computed {computed:08x})")]
    KeyIdMismatch {
        /// The key ID written in the key string.
        stated: u32,
        /// The key ID computed from name, type and public key.
        computed: u32,
    },
    /// A key used a signature type this crate does not implement.
    #[error("unsupported signature type 0x{0:02x}")]
    UnsupportedKeyType(u8),
    /// A key of one type was used where another is required.
    #[error("key {name} has signature type 0x{actual:02x}, this operation needs 0x{expected:02x}")]
    WrongKeyType {
        /// Name of the key.
        name: String,
        /// The type the operation needs.
        expected: u8,
        /// The type the key has.
        actual: u8,
    },
    /// A signed note's text or layout was malformed.
    #[error("malformed note: {reason}")]
    MalformedNote {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// One signature line of a signed note was malformed.
    #[error("malformed note signature line {line}: {reason}")]
    MalformedSignatureLine {
        /// 1-based position among the signature lines.
        line: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A note carried more signature lines than this crate accepts.
    #[error("note has more than {max} signatures")]
    TooManySignatures {
        /// The limit.
        max: usize,
    },
    /// Two known keys share a name and key ID, so a signature cannot be attributed.
    #[error("ambiguous key {name}+{key_id:08x}: more than one known key has this name and ID")]
    AmbiguousKey {
        /// The shared key name.
        name: String,
        /// The shared key ID.
        key_id: u32,
    },
    /// A signature from a known key did not verify.
    #[error("invalid signature from known key {name}+{key_id:08x}")]
    InvalidSignature {
        /// Name of the key.
        name: String,
        /// Key ID of the key.
        key_id: u32,
    },
    /// No signature on the note came from a known key.
    #[error("note has no signature from a known key")]
    NoKnownSignature,
    /// A cosignature timestamp exceeded 2^63 − 1.
    #[error("cosignature timestamp {0} exceeds 2^63 - 1")]
    TimestampRange(u64),

    // --- checkpoints and proof bundles ---
    /// A checkpoint body was malformed.
    #[error("malformed checkpoint: {reason}")]
    MalformedCheckpoint {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A checkpoint's origin line is not the one the verifier expects.
    #[error("checkpoint origin {actual:?} is not the expected {expected:?}")]
    OriginMismatch {
        /// The origin the caller expects (the log key's name).
        expected: String,
        /// The origin line of the checkpoint.
        actual: String,
    },
    /// A `c2sp.org/tlog-proof@v1` text was malformed.
    #[error("malformed tlog-proof: {reason}")]
    MalformedTlogProof {
        /// What is wrong with it.
        reason: &'static str,
    },

    // --- commitments ---
    /// A revealed salt and value do not open the commitment.
    #[error("salt and value for field {field:?} do not match the commitment")]
    CommitmentMismatch {
        /// The field whose commitment failed.
        field: String,
    },
}
