//! Checking an evidence bundle offline.
//!
//! Nothing in a bundle is taken on trust but what the checker's own keys
//! vouch for: the checkpoint must carry a valid signature by the log's key,
//! every entry must be in the tree that checkpoint signs, and every revealed
//! field must open a commitment of its entry. One failure rejects the whole
//! bundle, so a [`Verified`] never mixes what was proven with what was not.

use crate::bundle::{BUNDLE_FORMAT, Bundle, BundleEntry};
use crate::payload::PayloadError;
use crate::public::LEAF_VERSION;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use deconflict_ledger::{
    Checkpoint, Error as LedgerError, Hash, KeyType, Note, SignedCheckpoint, VerifierKey,
    hash_from_slice, leaf_hash, verify_inclusion,
};
use serde::Deserialize;
use serde_json::Value;

/// Why a bundle proves nothing, in words its reader can act on. An entry
/// is named by its sequence number, its index in the tree plus one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("not an evidence bundle: {0}")]
    Malformed(String),
    #[error("the bundle's format is {0:?}; this checker reads {BUNDLE_FORMAT:?}")]
    Format(String),
    #[error("no log key named {0:?} was given, so the checkpoint's signature cannot be checked")]
    NoLogKey(String),
    #[error("the checkpoint: {0}")]
    Checkpoint(String),
    #[error("entry {seq}: {reason}")]
    Entry { seq: u64, reason: String },
    #[error("entry {seq}, {pointer}: {reason}")]
    Payload {
        seq: u64,
        pointer: String,
        reason: String,
    },
}

/// What a bundle proves: the log signed a tree of `size` entries with this
/// root, the witnesses in `cosigned` saw it, and these entries are in it,
/// with the fields the bundle revealed put back.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The log, as the checkpoint's origin line and the key's name say.
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// The witnesses among the keys given whose cosignature is on the checkpoint.
    pub cosigned: Vec<Cosigner>,
    /// The witnesses among the keys given whose cosignature is not.
    pub absent: Vec<String>,
    /// What the bundle says it is about: shown, never checked.
    pub subject: Value,
    /// Each entry's leaf, in log order, with every revealed field's value
    /// in place of its commitment.
    pub entries: Vec<Value>,
}

/// A witness whose cosignature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosigner {
    pub name: String,
    /// When it cosigned, as it signed it: Unix seconds.
    pub time_s: u64,
}

impl Bundle {
    /// Reads a bundle's JSON text. The format is read first, on its own,
    /// so that a bundle of another format is named as such rather than as
    /// a field this checker does not know.
    pub fn parse(text: &str) -> Result<Bundle, BundleError> {
        #[derive(Deserialize)]
        struct Format {
            format: String,
        }
        let malformed = |e: serde_json::Error| BundleError::Malformed(e.to_string());
        let Format { format } = serde_json::from_str(text).map_err(malformed)?;
        check_format(&format)?;
        serde_json::from_str(text).map_err(malformed)
    }

    /// Checks everything the bundle claims against `keys`: the log's
    /// (Ed25519, named as the checkpoint's origin) and any witnesses'
    /// (`cosignature/v1`). Either all of it holds or nothing is returned.
    pub fn verify(&self, keys: &[VerifierKey]) -> Result<Verified, BundleError> {
        check_format(&self.format)?;
        let signed = open_checkpoint(&self.checkpoint, keys)?;
        let (cosigned, absent) = cosigners(&signed, keys)?;
        let checkpoint = signed.checkpoint();
        let mut entries = check_entries(&self.entries, checkpoint)?;
        self.reveal(&mut entries)?;
        Ok(Verified {
            origin: checkpoint.origin().to_owned(),
            size: checkpoint.size(),
            root: *checkpoint.root(),
            cosigned,
            absent,
            subject: self.subject.clone(),
            entries,
        })
    }

    /// Opens every payload against its entry's leaf as the log published
    /// it, and puts its value back into that entry.
    fn reveal(&self, entries: &mut [Value]) -> Result<(), BundleError> {
        for payload in &self.payloads {
            let fail = |reason: &str| BundleError::Payload {
                seq: payload.seq,
                pointer: payload.pointer.clone(),
                reason: reason.to_owned(),
            };
            let at = self
                .entries
                .iter()
                .position(|e| e.index.checked_add(1) == Some(payload.seq))
                .ok_or_else(|| fail("the bundle holds no such entry"))?;
            let value = payload
                .opens(self.entries[at].leaf.as_bytes())
                .and_then(|()| payload.json())
                .map_err(|e| fail(payload_problem(&e)))?;
            // Commitments never nest, so the place a payload opened in the
            // published leaf is still there after others were put back.
            *entries[at]
                .pointer_mut(&payload.pointer)
                .expect("an opened commitment is in its leaf") = value;
        }
        Ok(())
    }
}

fn check_format(format: &str) -> Result<(), BundleError> {
    if format == BUNDLE_FORMAT {
        Ok(())
    } else {
        Err(BundleError::Format(format.to_owned()))
    }
}

/// The checkpoint, if one of the log keys given (named as its origin)
/// signed it.
fn open_checkpoint(text: &str, keys: &[VerifierKey]) -> Result<SignedCheckpoint, BundleError> {
    let malformed =
        |e: LedgerError| BundleError::Checkpoint(format!("not a signed checkpoint: {e}"));
    let note = Note::parse(text).map_err(malformed)?;
    let origin = Checkpoint::parse(note.text())
        .map_err(malformed)?
        .origin()
        .to_owned();
    let mut failure = None;
    // A log may have more than one key (a rotation): any of them will do.
    for key in keys
        .iter()
        .filter(|k| k.key_type() == KeyType::Ed25519 && k.name() == origin)
    {
        match SignedCheckpoint::from_note(note.clone(), &origin, key) {
            Ok(signed) => return Ok(signed),
            Err(e) => {
                failure.get_or_insert_with(|| BundleError::Checkpoint(signature_problem(&e, key)));
            }
        }
    }
    Err(failure.unwrap_or(BundleError::NoLogKey(origin)))
}

fn signature_problem(e: &LedgerError, key: &VerifierKey) -> String {
    let key = format!("{}+{:08x}", key.name(), key.key_id());
    match e {
        LedgerError::InvalidSignature { .. } => format!(
            "the log's signature does not verify under {key}: the text is not what the log signed"
        ),
        LedgerError::NoKnownSignature => format!("it carries no signature by the log key {key}"),
        other => other.to_string(),
    }
}

/// The witnesses given that cosigned, and those that did not. A witness
/// key whose cosignature is absent proves nothing either way; one whose
/// cosignature is there and false is a forgery, and rejects the bundle.
fn cosigners(
    signed: &SignedCheckpoint,
    keys: &[VerifierKey],
) -> Result<(Vec<Cosigner>, Vec<String>), BundleError> {
    let witnesses: Vec<VerifierKey> = keys
        .iter()
        .filter(|k| k.key_type() == KeyType::CosignatureV1)
        .cloned()
        .collect();
    let verified = signed
        .verify_cosignatures(&witnesses)
        .map_err(|e| match e {
            LedgerError::InvalidSignature { name, key_id } => BundleError::Checkpoint(format!(
                "the cosignature of witness {name}+{key_id:08x} does not verify: \
                 the witness did not cosign this text"
            )),
            other => BundleError::Checkpoint(other.to_string()),
        })?;
    let cosigned = verified
        .iter()
        .filter_map(|v| {
            v.timestamp.map(|time_s| Cosigner {
                name: v.name.clone(),
                time_s,
            })
        })
        .collect();
    let absent = witnesses
        .iter()
        .filter(|k| {
            !verified
                .iter()
                .any(|v| v.name == k.name() && v.key_id == k.key_id())
        })
        .map(|k| k.name().to_owned())
        .collect();
    Ok((cosigned, absent))
}

/// Each entry's leaf, parsed, once its place and its proof are checked.
fn check_entries(
    entries: &[BundleEntry],
    checkpoint: &Checkpoint,
) -> Result<Vec<Value>, BundleError> {
    let mut previous: Option<u64> = None;
    entries
        .iter()
        .map(|entry| {
            let seq = entry.index.saturating_add(1);
            let fail = |reason: String| BundleError::Entry { seq, reason };
            if let Some(before) = previous
                && entry.index <= before
            {
                return Err(fail(format!(
                    "it comes after entry {} in the bundle; entries must be in log order, each once",
                    before + 1
                )));
            }
            previous = Some(entry.index);
            check_entry(entry, checkpoint).map_err(fail)
        })
        .collect()
}

fn check_entry(entry: &BundleEntry, checkpoint: &Checkpoint) -> Result<Value, String> {
    let size = checkpoint.size();
    if entry.index >= size {
        return Err(format!(
            "it lies beyond the checkpoint, which signs {size} entries"
        ));
    }
    let leaf = leaf_json(&entry.leaf, entry.index + 1)?;
    let proof = entry
        .proof
        .iter()
        .enumerate()
        .map(|(i, text)| {
            proof_hash(text).ok_or_else(|| {
                format!(
                    "hash {} of its inclusion proof is not a base64 SHA-256 hash",
                    i + 1
                )
            })
        })
        .collect::<Result<Vec<Hash>, String>>()?;
    verify_inclusion(
        &leaf_hash(entry.leaf.as_bytes()),
        entry.index,
        size,
        &proof,
        checkpoint.root(),
    )
    .map_err(|e| match e {
        LedgerError::ProofLength { expected, actual } => format!(
            "its inclusion proof has {actual} hashes; one for this place in a tree of {size} has {expected}"
        ),
        _ => "its inclusion proof does not lead to the checkpoint's root \
              (the log never published this entry)"
            .to_owned(),
    })?;
    Ok(leaf)
}

/// The leaf as JSON, if it is a leaf of the format this checker reads and
/// says it is entry `seq`.
fn leaf_json(text: &str, seq: u64) -> Result<Value, String> {
    let leaf: Value = serde_json::from_str(text).map_err(|_| "its leaf is not JSON".to_owned())?;
    match leaf.get("leaf").and_then(Value::as_u64) {
        Some(v) if v == u64::from(LEAF_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "its leaf is of format {v}; this checker reads format {LEAF_VERSION}"
            ));
        }
        None => return Err("its leaf says no format".to_owned()),
    }
    match leaf.get("seq").and_then(Value::as_u64) {
        Some(s) if s == seq => Ok(leaf),
        Some(s) => Err(format!("its leaf says it is entry {s}")),
        None => Err("its leaf has no sequence number".to_owned()),
    }
}

fn proof_hash(text: &str) -> Option<Hash> {
    hash_from_slice(&BASE64.decode(text).ok()?).ok()
}

fn payload_problem(e: &PayloadError) -> &'static str {
    match e {
        PayloadError::Mismatch(_) => "the revealed value does not match the commitment",
        PayloadError::NoCommitment(_) => "the leaf holds no commitment there",
        PayloadError::NotJson(_) => "the revealed value is not JSON",
        // The entry was found by its sequence number and its leaf checked.
        PayloadError::NotALeaf | PayloadError::OtherEntry { .. } => "it is not for this entry",
    }
}
