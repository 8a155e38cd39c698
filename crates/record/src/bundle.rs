//! An evidence bundle: the entries of the log that bear on an incident,
//! each with its leaf, an inclusion proof and its fields list, the payloads
//! its reader may see, how many entries were withheld from it, and a
//! checkpoint signed by the log (and cosigned by witnesses) that every
//! proof leads to. Everything needed to check it offline is inside, except
//! the keys, which the checker must already trust.

use crate::payload::Payload;
use serde::{Deserialize, Serialize};

/// What every bundle says it is, so that a checker refuses anything else.
pub const BUNDLE_FORMAT: &str = "deconflict-evidence/v2";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// [`BUNDLE_FORMAT`].
    pub format: String,
    /// What the bundle is about, as its reader was shown it (e.g. the
    /// incident); not checked, only shown.
    pub subject: serde_json::Value,
    /// Entries that bear on the subject through objects or conflicts the
    /// reader already knows of but may not read: how many the bundle
    /// leaves out. Not checked, only shown, like `subject`.
    pub withheld: u64,
    /// The signed checkpoint, with the cosignatures the log held, as text.
    pub checkpoint: String,
    /// The entries, in log order.
    pub entries: Vec<BundleEntry>,
    /// The units of those entries revealed to the bundle's reader.
    pub payloads: Vec<Payload>,
}

/// One entry of the log: its leaf, the proof that the checkpoint's tree
/// holds it, and the fields list its leaf seals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleEntry {
    /// The leaf's index in the tree: the entry's sequence number minus one.
    pub index: u64,
    /// The leaf's exact text.
    pub leaf: String,
    /// RFC 9162 inclusion proof to the checkpoint's size, base64 hashes.
    pub proof: Vec<String>,
    /// The entry's fields list, lowercase hex
    /// ([`fields_hex`](crate::fields_hex)); empty when the bundle opens
    /// nothing of the entry, which then proves only that it is in the log.
    pub fields: Vec<String>,
}
