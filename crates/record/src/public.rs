//! An entry's public form: its leaf and the payloads behind its commitments.

use crate::payload::Payload;
use deconflict_ledger::{Hash, commit, leaf_hash};
use deconflict_model::Entry;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// The format of a leaf, written into each as `"leaf": 1`.
pub const LEAF_VERSION: u32 = 1;

/// The object keys whose values a leaf holds only as commitments, wherever
/// they appear in an entry. A new sensitive field must be named here; the
/// tests check that no label, coordinate or reason reaches a leaf.
pub const SENSITIVE: &[&str] = &["volume", "label", "reason", "area", "from_ms", "to_ms"];

/// The log's secret behind every salt: 32 random bytes, kept with its
/// signing key and never published.
#[derive(Clone, PartialEq, Eq)]
pub struct SaltSecret([u8; 32]);

impl SaltSecret {
    pub fn new(bytes: [u8; 32]) -> SaltSecret {
        SaltSecret(bytes)
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The salt of the field at `pointer` in entry `seq`.
    pub fn salt(&self, seq: u64, pointer: &str) -> [u8; 32] {
        Sha256::new()
            .chain_update(b"deconflict/salt/v1\0")
            .chain_update(self.0)
            .chain_update(seq.to_be_bytes())
            .chain_update(pointer.as_bytes())
            .finalize()
            .into()
    }
}

impl std::fmt::Debug for SaltSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SaltSecret(..)")
    }
}

/// An entry as the public log holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    /// The leaf's bytes: canonical JSON, sensitive values committed.
    pub leaf: Vec<u8>,
    /// One payload per commitment in the leaf, in the order they appear.
    pub payloads: Vec<Payload>,
}

impl Published {
    /// The leaf's Merkle hash (RFC 9162: `SHA-256(0x00 ‖ leaf)`).
    pub fn leaf_hash(&self) -> Hash {
        leaf_hash(&self.leaf)
    }
}

/// The public form of `entry`.
pub fn publish(entry: &Entry, secret: &SaltSecret) -> Published {
    let mut value =
        serde_json::from_slice::<Value>(&entry.encode()).expect("an encoded entry is JSON");
    let Value::Object(fields) = &mut value else {
        unreachable!("an encoded entry is a JSON object")
    };
    fields.remove("v");
    fields.insert("leaf".into(), json!(LEAF_VERSION));
    let mut payloads = Vec::new();
    let mut pointer = String::new();
    redact(&mut value, &mut pointer, entry.seq, secret, &mut payloads);
    Published {
        leaf: serde_json::to_vec(&value).expect("JSON values serialise"),
        payloads,
    }
}

/// Replaces, depth first, the value of every sensitive key under `value` by
/// its commitment, collecting the payloads. `pointer` is where `value` is.
fn redact(
    value: &mut Value,
    pointer: &mut String,
    seq: u64,
    secret: &SaltSecret,
    payloads: &mut Vec<Payload>,
) {
    let at = pointer.len();
    match value {
        Value::Object(fields) => {
            for (key, child) in fields.iter_mut() {
                push_token(pointer, key);
                if SENSITIVE.contains(&key.as_str()) {
                    payloads.push(seal(child, pointer, seq, secret));
                } else {
                    redact(child, pointer, seq, secret, payloads);
                }
                pointer.truncate(at);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                pointer.push('/');
                pointer.push_str(&i.to_string());
                redact(child, pointer, seq, secret, payloads);
                pointer.truncate(at);
            }
        }
        _ => {}
    }
}

/// Swaps `value` for its commitment and returns the payload that opens it.
fn seal(value: &mut Value, pointer: &str, seq: u64, secret: &SaltSecret) -> Payload {
    let canonical = serde_json::to_string(value).expect("JSON values serialise");
    let salt = secret.salt(seq, pointer);
    let commitment = commit(salt, pointer, canonical.as_bytes());
    *value = commitment_value(&commitment);
    Payload {
        seq,
        pointer: pointer.to_owned(),
        salt,
        value: canonical,
    }
}

pub(crate) fn commitment_value(commitment: &Hash) -> Value {
    let mut fields = Map::new();
    fields.insert("commitment".into(), Value::String(hex(commitment)));
    Value::Object(fields)
}

/// Appends `/key` to a JSON Pointer, escaped as RFC 6901 §3 asks.
fn push_token(pointer: &mut String, key: &str) {
    pointer.push('/');
    for c in key.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(2 * bytes.len()), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
