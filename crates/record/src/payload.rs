//! A revealed field: what opens one commitment of one leaf.

use crate::public::{commitment_value, hex};
use deconflict_ledger::commit;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// The value of one sensitive field of one entry, with the salt that opens
/// its commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// The entry's sequence number.
    pub seq: u64,
    /// Where the field is in the leaf (a JSON Pointer), also the field name
    /// the commitment binds.
    pub pointer: String,
    #[serde(serialize_with = "hex_out", deserialize_with = "hex_in")]
    pub salt: [u8; 32],
    /// The value as canonical JSON text, exactly the bytes committed to.
    pub value: String,
}

/// Why a payload does not open a leaf.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("the leaf is not JSON with a sequence number")]
    NotALeaf,
    #[error("the payload is for entry {payload}, the leaf is entry {leaf}")]
    OtherEntry { payload: u64, leaf: u64 },
    #[error("the leaf holds no commitment at {0}")]
    NoCommitment(String),
    #[error("the value given for {0} does not match the leaf's commitment")]
    Mismatch(String),
    #[error("the value given for {0} is not JSON")]
    NotJson(String),
}

impl Payload {
    /// Checks that this payload opens a commitment of `leaf`.
    pub fn opens(&self, leaf: &[u8]) -> Result<(), PayloadError> {
        let leaf: Value = serde_json::from_slice(leaf).map_err(|_| PayloadError::NotALeaf)?;
        let seq = leaf["seq"].as_u64().ok_or(PayloadError::NotALeaf)?;
        if seq != self.seq {
            return Err(PayloadError::OtherEntry {
                payload: self.seq,
                leaf: seq,
            });
        }
        let committed = leaf
            .pointer(&self.pointer)
            .filter(|v| v.get("commitment").is_some())
            .ok_or_else(|| PayloadError::NoCommitment(self.pointer.clone()))?;
        let expected = commitment_value(&commit(self.salt, &self.pointer, self.value.as_bytes()));
        if *committed != expected {
            return Err(PayloadError::Mismatch(self.pointer.clone()));
        }
        Ok(())
    }

    /// The revealed value, parsed.
    pub fn json(&self) -> Result<Value, PayloadError> {
        serde_json::from_str(&self.value).map_err(|_| PayloadError::NotJson(self.pointer.clone()))
    }
}

fn hex_out<S: Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex(bytes))
}

fn hex_in<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
    let text = String::deserialize(d)?;
    let bad = || serde::de::Error::custom("a salt is 64 lowercase hex digits");
    let lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if text.len() != 64 || !text.bytes().all(lower_hex) {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(text.as_bytes().chunks(2)) {
        let digits = std::str::from_utf8(pair).map_err(|_| bad())?;
        *byte = u8::from_str_radix(digits, 16).map_err(|_| bad())?;
    }
    Ok(out)
}
