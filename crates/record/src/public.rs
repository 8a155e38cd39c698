//! An entry's public form: its leaf and the payloads behind its commitments.

use crate::payload::Payload;
use deconflict_ledger::{Hash, commit, leaf_hash};
#[cfg(doc)]
use deconflict_model::Entry;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The format of a leaf, written into each as `"leaf": 1`.
pub const LEAF_VERSION: u32 = 1;

/// Where an entry's sensitive fields are: paths of object keys in which
/// `*` stands for any one token (a command's name, an array index). A leaf
/// holds the value at each only as a commitment. A new sensitive field must
/// be named here; the tests check that no label, kind, coordinate, reason or
/// other party reaches a leaf.
pub const SENSITIVE: &[&[&str]] = &[
    // What and where: an object's kind, volume and label; a decision's reason.
    &["command", "*", "kind"],
    &["command", "*", "volume"],
    &["command", "*", "label"],
    &["command", "*", "reason"],
    &["command", "*", "spec", "kind"],
    &["command", "*", "spec", "volume"],
    &["command", "*", "spec", "label"],
    // An incident report: what, where, when, who says so and against whom.
    &["command", "report_incident"],
    // A conflict: where and when the two meet, and with whom. Under
    // coordinator-only disclosure not even the parties involved learn that.
    &["outcome", "opened", "*", "area"],
    &["outcome", "opened", "*", "from_ms"],
    &["outcome", "opened", "*", "to_ms"],
    &["outcome", "opened", "*", "activity"],
    &["outcome", "opened", "*", "other"],
    &["outcome", "opened", "*", "parties"],
    // Who was told what, and other parties' activities put back on hold.
    &["outcome", "notices"],
    &["outcome", "held"],
    // Where a tracked unit was, one commitment a report so that an
    // investigator can be shown one unit's reports and no other's; how it
    // reports (its device's uid).
    &["command", "track", "reports", "*", "position"],
    &["command", "*", "tracking"],
    &["command", "*", "spec", "tracking"],
    // Who was alerted, how far a silent unit may have gone, who was told
    // again.
    &["outcome", "alerts"],
    &["outcome", "stale", "*", "buffer_m"],
    &["outcome", "escalations"],
];

/// A set of [`SENSITIVE`] paths, by position.
type Paths = u32;
const ALL_PATHS: Paths = (1 << SENSITIVE.len()) - 1;
const _: () = assert!(SENSITIVE.len() <= 32, "one bit a path");

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
///
/// Only the objects on a path to a sensitive field are parsed (into raw
/// spans of the stored text); everything else, and every sensitive value
/// committed to, is the stored text itself.
pub fn publish(encoded: &[u8], secret: &SaltSecret) -> Result<Published, NotAnEntry> {
    let walk = walk(encoded, secret, true)?;
    Ok(Published {
        leaf: walk.leaf.into_bytes(),
        payloads: walk.payloads,
    })
}

/// The Merkle hash of an entry's leaf, as [`publish`] makes it, without
/// keeping the payloads: what a restart needs of every entry.
pub fn leaf_hash_of(encoded: &[u8], secret: &SaltSecret) -> Result<Hash, NotAnEntry> {
    Ok(leaf_hash(walk(encoded, secret, false)?.leaf.as_bytes()))
}

fn walk<'a>(encoded: &[u8], secret: &'a SaltSecret, keep: bool) -> Result<Walk<'a>, NotAnEntry> {
    let text = std::str::from_utf8(encoded).map_err(|e| NotAnEntry(e.to_string()))?;
    let mut fields = fields(text)?;
    let seq = fields
        .iter()
        .find(|(key, _)| *key == "seq")
        .and_then(|(_, raw)| raw.get().parse::<u64>().ok())
        .ok_or_else(|| NotAnEntry("no sequence number".into()))?;
    let before = fields.len();
    fields.retain(|(key, _)| *key != "v");
    if fields.len() == before {
        return Err(NotAnEntry("no format version".into()));
    }
    let version = RawValue::from_string(LEAF_VERSION.to_string()).expect("a number is JSON");
    fields.push(("leaf", &version));
    fields.sort_unstable_by_key(|(key, _)| *key);
    let mut walk = Walk {
        pointer: String::new(),
        seq,
        secret,
        keep,
        payloads: Vec::new(),
        leaf: String::with_capacity(text.len()),
    };
    walk.object(&fields, 0, ALL_PATHS)?;
    Ok(walk)
}

/// An object's fields as spans of its text, in the order written.
fn fields(text: &str) -> Result<Vec<(&str, &RawValue)>, NotAnEntry> {
    let map: BTreeMap<&str, &RawValue> = parse(text)?;
    Ok(map.into_iter().collect())
}

fn parse<'a, T: serde::Deserialize<'a>>(text: &'a str) -> Result<T, NotAnEntry> {
    serde_json::from_str(text).map_err(|e| NotAnEntry(e.to_string()))
}

/// Where the walk is, what it has written of the leaf and what it sealed.
struct Walk<'a> {
    pointer: String,
    seq: u64,
    secret: &'a SaltSecret,
    /// Whether to keep the payloads, or only write the leaf.
    keep: bool,
    payloads: Vec<Payload>,
    leaf: String,
}

impl Walk<'_> {
    /// Writes an object, keys sorted, its values visited.
    fn object(
        &mut self,
        fields: &[(&str, &RawValue)],
        depth: usize,
        live: Paths,
    ) -> Result<(), NotAnEntry> {
        self.leaf.push('{');
        for (i, (key, value)) in fields.iter().enumerate() {
            if i > 0 {
                self.leaf.push(',');
            }
            // A borrowed key holds no escape, so it is written as read.
            self.leaf.push('"');
            self.leaf.push_str(key);
            self.leaf.push_str("\":");
            self.visit(value, key, depth, live)?;
        }
        self.leaf.push('}');
        Ok(())
    }

    /// Writes the value at `token` below the current place: as stored,
    /// sealed, or walked into if a sensitive path leads there.
    fn visit(
        &mut self,
        value: &RawValue,
        token: &str,
        depth: usize,
        live: Paths,
    ) -> Result<(), NotAnEntry> {
        let (mut deeper, mut here) = (0, false);
        for (i, path) in SENSITIVE.iter().enumerate() {
            if live & (1 << i) != 0 && (path[depth] == "*" || path[depth] == token) {
                if path.len() == depth + 1 {
                    here = true;
                } else {
                    deeper |= 1 << i;
                }
            }
        }
        let text = value.get();
        if !here && deeper == 0 {
            self.leaf.push_str(text);
            return Ok(());
        }
        let at = self.pointer.len();
        push_token(&mut self.pointer, token);
        if here {
            self.seal(text);
        } else if text.starts_with('{') {
            self.object(&fields(text)?, depth + 1, deeper)?;
        } else if text.starts_with('[') {
            let items: Vec<&RawValue> = parse(text)?;
            self.leaf.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.leaf.push(',');
                }
                self.visit(item, &i.to_string(), depth + 1, deeper)?;
            }
            self.leaf.push(']');
        } else {
            self.leaf.push_str(text);
        }
        self.pointer.truncate(at);
        Ok(())
    }

    /// Writes the commitment to `value` (its stored text) and keeps the
    /// payload that opens it.
    fn seal(&mut self, value: &str) {
        let salt = self.secret.salt(self.seq, &self.pointer);
        let commitment = commit(salt, &self.pointer, value.as_bytes());
        self.leaf.push_str("{\"commitment\":\"");
        self.leaf.push_str(&hex(&commitment));
        self.leaf.push_str("\"}");
        if self.keep {
            self.payloads.push(Payload {
                seq: self.seq,
                pointer: self.pointer.clone(),
                salt,
                value: value.to_owned(),
            });
        }
    }
}

pub(crate) fn commitment_value(commitment: &Hash) -> Value {
    let mut fields = Map::new();
    fields.insert("commitment".into(), Value::String(hex(commitment)));
    Value::Object(fields)
}

/// Appends `/token` to a JSON Pointer, escaped as RFC 6901 §3 asks.
fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}
