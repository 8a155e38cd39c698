//! A revealed unit: what opens one commitment of one entry's fields.

use crate::public::{LEAF_VERSION, Leaf, LeafProblem, sealed, unhex};
use deconflict_ledger::{Hash, commit};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// The value of one unit of one entry, with the salt that opens its
/// commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// The entry's sequence number.
    pub seq: u64,
    /// Where the unit is in the entry (a JSON Pointer), also the field
    /// name the commitment binds.
    pub pointer: String,
    #[serde(serialize_with = "hex_out", deserialize_with = "hex_in")]
    pub salt: [u8; 32],
    /// The value as the log stored it, exactly the bytes committed to.
    pub value: String,
}

/// Why a payload does not open an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("the leaf is not a leaf of the public log")]
    NotALeaf,
    #[error("the leaf is of format {0}; this build reads format {LEAF_VERSION}")]
    LeafFormat(u64),
    #[error("the payload is for entry {payload}, the leaf is entry {leaf}")]
    OtherEntry { payload: u64, leaf: u64 },
    #[error("the fields given are not the ones the leaf seals")]
    FieldsMismatch,
    #[error("the value given for {0} matches none of the entry's commitments")]
    NoCommitment(String),
    #[error("the value given for {0} is not JSON")]
    NotJson(String),
}

impl Payload {
    /// Checks that this payload opens entry `leaf`, whose fields list is
    /// `fields`: the leaf is one of this format and of this payload's
    /// entry, `fields` hash to what it seals, and the payload's commitment
    /// is among them.
    pub fn opens(&self, leaf: &[u8], fields: &[Hash]) -> Result<(), PayloadError> {
        let leaf = Leaf::parse(leaf).map_err(|problem| match problem {
            LeafProblem::Format(v) => PayloadError::LeafFormat(v),
            LeafProblem::NotJson | LeafProblem::NoFormat | LeafProblem::Malformed => {
                PayloadError::NotALeaf
            }
        })?;
        if leaf.seq != self.seq {
            return Err(PayloadError::OtherEntry {
                payload: self.seq,
                leaf: leaf.seq,
            });
        }
        if sealed(fields) != leaf.sealed {
            return Err(PayloadError::FieldsMismatch);
        }
        self.among(fields)
    }

    /// Checks that this payload's commitment is in `fields`, a list the
    /// log sealed (and so sorted).
    pub(crate) fn among(&self, fields: &[Hash]) -> Result<(), PayloadError> {
        let commitment = commit(self.salt, &self.pointer, self.value.as_bytes());
        fields
            .binary_search(&commitment)
            .map(drop)
            .map_err(|_| PayloadError::NoCommitment(self.pointer.clone()))
    }

    /// The revealed value, parsed.
    pub fn json(&self) -> Result<Value, PayloadError> {
        serde_json::from_str(&self.value).map_err(|_| PayloadError::NotJson(self.pointer.clone()))
    }
}

fn hex_out<S: Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(bytes))
}

fn hex_in<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
    let text = String::deserialize(d)?;
    unhex(&text).ok_or_else(|| serde::de::Error::custom("a salt is 64 lowercase hex digits"))
}
