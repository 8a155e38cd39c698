//! Checking an evidence bundle offline.
//!
//! Nothing in a bundle is taken on trust but what the checker's own keys
//! vouch for: the checkpoint must carry a valid signature by the log's key,
//! every entry must be in the tree that checkpoint signs, its fields list
//! must be the one its leaf seals, and every revealed unit must open a
//! commitment of that list. One failure rejects the whole bundle, so a
//! [`Verified`] never mixes what was proven with what was not.

use crate::bundle::{BUNDLE_FORMAT, Bundle, BundleEntry};
use crate::payload::{Payload, PayloadError};
use crate::public::{LEAF_VERSION, Leaf, LeafProblem, fields_from_hex, sealed};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use deconflict_ledger::{
    Checkpoint, Error as LedgerError, Hash, KeyType, Note, SignedCheckpoint, VerifierKey,
    hash_from_slice, leaf_hash, verify_inclusion,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

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
/// with the units the bundle revealed.
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
    /// How many entries the bundle says it withheld: shown, never checked.
    pub withheld: u64,
    /// Each entry, in log order, rebuilt from what the bundle revealed:
    /// `{"seq": N}` with every opened unit's value at its pointer. What
    /// was not revealed is simply absent.
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
        let checked = check_entries(&self.entries, checkpoint)?;
        let entries = self.reveal(&checked)?;
        Ok(Verified {
            origin: checkpoint.origin().to_owned(),
            size: checkpoint.size(),
            root: *checkpoint.root(),
            cosigned,
            absent,
            subject: self.subject.clone(),
            withheld: self.withheld,
            entries,
        })
    }

    /// Opens every payload against its entry's fields list, and rebuilds
    /// each entry from the values opened.
    fn reveal(&self, checked: &[Checked]) -> Result<Vec<Value>, BundleError> {
        let mut entries: Vec<Value> = checked.iter().map(|c| json!({"seq": c.seq})).collect();
        for payload in &self.payloads {
            let fail = |reason: &str| BundleError::Payload {
                seq: payload.seq,
                pointer: payload.pointer.clone(),
                reason: reason.to_owned(),
            };
            let at = checked
                .iter()
                .position(|c| c.seq == payload.seq)
                .ok_or_else(|| fail("the bundle holds no such entry"))?;
            let fields = &checked[at].fields;
            if fields.is_empty() {
                return Err(fail("the bundle gives no fields list for its entry"));
            }
            let value = payload
                .among(fields)
                .and_then(|()| payload.json())
                .map_err(|e| fail(payload_problem(&e)))?;
            insert(&mut entries[at], &payload.pointer, value, fields.len()).map_err(fail)?;
        }
        Ok(entries)
    }
}

/// Entry `seq` rebuilt from payloads that open its fields (which the
/// caller checked, e.g. with [`Payload::opens`]): `{"seq": seq}` with each
/// value at its pointer. `fields` is the length of the entry's fields list.
pub fn rebuild(seq: u64, payloads: &[Payload], fields: usize) -> Result<Value, String> {
    let mut entry = json!({ "seq": seq });
    for payload in payloads {
        let value = payload.json().map_err(|e| e.to_string())?;
        insert(&mut entry, &payload.pointer, value, fields)
            .map_err(|e| format!("{}: {e}", payload.pointer))?;
    }
    Ok(entry)
}

/// Puts `value` at `pointer` in `entry`, making objects on the way, and
/// arrays where a token is an index (below `bound`, the entry's number of
/// fields: every item of an array holds at least one unit), gaps null.
fn insert(
    entry: &mut Value,
    pointer: &str,
    value: Value,
    bound: usize,
) -> Result<(), &'static str> {
    const NOT_A_POINTER: &str = "its pointer is not a JSON Pointer into the entry";
    let tokens = pointer
        .strip_prefix('/')
        .ok_or(NOT_A_POINTER)?
        .split('/')
        .map(unescape)
        .collect::<Option<Vec<String>>>()
        .ok_or(NOT_A_POINTER)?;
    put(entry, &tokens, value, bound)
}

fn put(
    place: &mut Value,
    tokens: &[String],
    value: Value,
    bound: usize,
) -> Result<(), &'static str> {
    const CLASH: &str = "it does not fit the entry the other payloads rebuild";
    let Some((token, rest)) = tokens.split_first() else {
        return if place.is_null() || *place == value {
            *place = value;
            Ok(())
        } else {
            Err(CLASH)
        };
    };
    let index = array_index(token).filter(|&i| i < bound);
    if place.is_null() {
        *place = match index {
            Some(_) => Value::Array(Vec::new()),
            None => Value::Object(Map::new()),
        };
    }
    let slot = match place {
        Value::Object(fields) => fields.entry(token.as_str()).or_insert(Value::Null),
        Value::Array(items) => {
            let i = index.ok_or(CLASH)?;
            if items.len() <= i {
                items.resize(i + 1, Value::Null);
            }
            &mut items[i]
        }
        _ => return Err(CLASH),
    };
    put(slot, rest, value, bound)
}

/// A token as RFC 6901 §4 reads it: `~1` is `/`, `~0` is `~`, and no
/// other `~` may appear.
fn unescape(token: &str) -> Option<String> {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '~' => match chars.next()? {
                '0' => '~',
                '1' => '/',
                _ => return None,
            },
            c => c,
        });
    }
    Some(out)
}

/// An array index as RFC 6901 §4 writes it: `0`, or digits without a
/// leading zero.
fn array_index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    (digits && (token == "0" || !token.starts_with('0')))
        .then(|| token.parse().ok())
        .flatten()
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

/// An entry whose place, proof and fields list hold.
struct Checked {
    seq: u64,
    /// Its fields list, checked against its leaf; empty if none was given.
    fields: Vec<Hash>,
}

/// Each entry, once its place, its proof and its fields list are checked.
fn check_entries(
    entries: &[BundleEntry],
    checkpoint: &Checkpoint,
) -> Result<Vec<Checked>, BundleError> {
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

fn check_entry(entry: &BundleEntry, checkpoint: &Checkpoint) -> Result<Checked, String> {
    let size = checkpoint.size();
    if entry.index >= size {
        return Err(format!(
            "it lies beyond the checkpoint, which signs {size} entries"
        ));
    }
    let seq = entry.index + 1;
    let leaf = Leaf::parse(entry.leaf.as_bytes()).map_err(|problem| match problem {
        LeafProblem::NotJson => "its leaf is not JSON".to_owned(),
        LeafProblem::NoFormat => "its leaf says no format".to_owned(),
        LeafProblem::Format(v) => {
            format!("its leaf is of format {v}; this checker reads format {LEAF_VERSION}")
        }
        LeafProblem::Malformed => {
            format!("its leaf is not written as a leaf of format {LEAF_VERSION}")
        }
    })?;
    if leaf.seq != seq {
        return Err(format!("its leaf says it is entry {}", leaf.seq));
    }
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
    let fields = fields_from_hex(&entry.fields).map_err(|i| {
        format!(
            "hash {} of its fields list is not a SHA-256 hash in lowercase hex",
            i + 1
        )
    })?;
    if !fields.is_empty() && sealed(&fields) != leaf.sealed {
        return Err("its fields list is not the one its leaf seals".to_owned());
    }
    Ok(Checked { seq, fields })
}

fn proof_hash(text: &str) -> Option<Hash> {
    hash_from_slice(&BASE64.decode(text).ok()?).ok()
}

fn payload_problem(e: &PayloadError) -> &'static str {
    match e {
        PayloadError::NoCommitment(_) => {
            "the revealed value does not match any of its entry's commitments"
        }
        PayloadError::NotJson(_) => "the revealed value is not JSON",
        // The entry was found by its sequence number, its leaf and its
        // fields list checked.
        PayloadError::NotALeaf
        | PayloadError::LeafFormat(_)
        | PayloadError::OtherEntry { .. }
        | PayloadError::FieldsMismatch => "it is not for this entry",
    }
}
