//! An entry's public form: its leaf and the payloads behind its commitments.

use crate::payload::Payload;
use deconflict_ledger::{Hash, commit, leaf_hash};
#[cfg(doc)]
use deconflict_model::Entry;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// The format of a leaf, written into each as `"leaf": 1`.
pub const LEAF_VERSION: u32 = 1;

/// Where an entry's sensitive fields are, as JSON Pointers in which `*`
/// stands for any one token (a command's name, an array index). A leaf holds
/// the value at each only as a commitment. A new sensitive field must be
/// named here; the tests check that no label, kind, coordinate, reason or
/// other party reaches a leaf.
pub const SENSITIVE: &[&str] = &[
    // What and where: an object's kind, volume and label; a decision's reason.
    "/command/*/kind",
    "/command/*/volume",
    "/command/*/label",
    "/command/*/reason",
    "/command/*/spec/kind",
    "/command/*/spec/volume",
    "/command/*/spec/label",
    // A conflict: where and when the two meet, and with whom. Under
    // coordinator-only disclosure not even the parties involved learn that.
    "/outcome/opened/*/area",
    "/outcome/opened/*/from_ms",
    "/outcome/opened/*/to_ms",
    "/outcome/opened/*/activity",
    "/outcome/opened/*/other",
    "/outcome/opened/*/parties",
    // Who was told what, and other parties' activities put back on hold.
    "/outcome/notices",
    "/outcome/held",
];

fn is_sensitive(tokens: &[&str]) -> bool {
    SENSITIVE.iter().any(|pattern| {
        let mut parts = pattern.split('/').skip(1);
        tokens
            .iter()
            .all(|t| parts.next().is_some_and(|p| p == "*" || p == *t))
            && parts.next().is_none()
    })
}

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

/// An entry that cannot be published: not what [`Entry::encode`] writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an encoded log entry: {0}")]
pub struct NotAnEntry(String);

/// The public form of an entry, from its bytes as the log stores them
/// ([`Entry::encode`]): the leaf is rebuilt from exactly what was written.
pub fn publish(encoded: &[u8], secret: &SaltSecret) -> Result<Published, NotAnEntry> {
    let mut value =
        serde_json::from_slice::<Value>(encoded).map_err(|e| NotAnEntry(e.to_string()))?;
    let Value::Object(fields) = &mut value else {
        return Err(NotAnEntry("not a JSON object".into()));
    };
    let seq = fields
        .get("seq")
        .and_then(Value::as_u64)
        .ok_or_else(|| NotAnEntry("no sequence number".into()))?;
    fields
        .remove("v")
        .ok_or_else(|| NotAnEntry("no format version".into()))?;
    fields.insert("leaf".into(), json!(LEAF_VERSION));
    let mut payloads = Vec::new();
    redact(&mut value, &mut Vec::new(), seq, secret, &mut payloads);
    Ok(Published {
        leaf: serde_json::to_vec(&value).expect("JSON values serialise"),
        payloads,
    })
}

/// Replaces, depth first, the value of every sensitive field under `value`
/// by its commitment, collecting the payloads. `path` is where `value` is.
fn redact(
    value: &mut Value,
    path: &mut Vec<String>,
    seq: u64,
    secret: &SaltSecret,
    payloads: &mut Vec<Payload>,
) {
    let children: Vec<(String, &mut Value)> = match value {
        Value::Object(fields) => fields.iter_mut().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items
            .iter_mut()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => return,
    };
    for (token, child) in children {
        path.push(token);
        let tokens: Vec<&str> = path.iter().map(String::as_str).collect();
        if is_sensitive(&tokens) {
            payloads.push(seal(child, &pointer(path), seq, secret));
        } else {
            redact(child, path, seq, secret, payloads);
        }
        path.pop();
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

/// A path as a JSON Pointer, its tokens escaped as RFC 6901 §3 asks.
fn pointer(path: &[String]) -> String {
    path.iter()
        .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
        .collect()
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
