//! An entry's public form: its leaf, the field commitments the leaf seals,
//! and the payloads that open them.

use crate::payload::Payload;
use deconflict_ledger::{Hash, commit, leaf_hash};
#[cfg(doc)]
use deconflict_model::Entry;
use serde::Deserialize;
use serde::de::{Deserializer, Error as _, MapAccess, Visitor};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// The format of a leaf, written into each as `"leaf": 2`.
pub const LEAF_VERSION: u32 = 2;

/// The formats of the entries this build publishes: the `v` of
/// [`Entry::encode`], and the older ones the model still reads. Any other
/// is refused rather than guessed at.
const ENTRY_FORMATS: std::ops::RangeInclusive<u64> =
    deconflict_model::OLDEST_ENTRY_VERSION as u64..=deconflict_model::ENTRY_VERSION as u64;

/// The fewest commitments an entry's fields list holds: a list is padded
/// to a power of two, and to no fewer than this, so that its length says
/// no more than a bucket.
pub const MIN_FIELDS: usize = 64;

/// Where a disclosure unit is a whole value rather than each of its
/// scalars: paths of object keys in which `*` stands for any one token (a
/// command's name, an array index). These are values that mean something
/// only together (a volume, a track report, a conflict's area, a notice)
/// and that a reader is given or refused as one. Everywhere else every
/// scalar is a unit of its own, so nothing of an entry is ever left out of
/// a commitment.
pub const WHOLE: &[&[&str]] = &[
    // Where and when an object is, and how its unit reports.
    &["command", "*", "volume"],
    &["command", "*", "spec", "volume"],
    &["command", "*", "tracking"],
    &["command", "*", "spec", "tracking"],
    // An incident report: what, where, when, who says so, against whom.
    &["command", "report_incident"],
    // One tracked unit's position at one time.
    &["command", "track", "reports", "*"],
    // Where and when each site of an import is.
    &["command", "import", "declarations", "*", "volume"],
    // What the command created.
    &["outcome", "created"],
    // A conflict's other side, where the two meet, and whose they are.
    &["outcome", "opened", "*", "other"],
    &["outcome", "opened", "*", "area"],
    &["outcome", "opened", "*", "parties"],
    // Who was told what, and again, louder.
    &["outcome", "notices", "*"],
    &["outcome", "escalations", "*"],
    // What an alert was about; a unit gone silent.
    &["outcome", "alerts", "*", "subject"],
    &["outcome", "stale", "*"],
    // A rule of the theatre: what it says, an area rule's volume with it.
    &["command", "set_rule", "spec", "rule"],
    // Where and until when a check fire holds.
    &["command", "raise_stop", "spec"],
    // A stop told again to one party; a rule that held an activity; an
    // object a clearance was decided against, with its version.
    &["outcome", "reminders", "*"],
    &["outcome", "ruled", "*"],
    &["outcome", "known", "*"],
    // A site asked to re-confirm, by when.
    &["outcome", "asked", "*"],
    // The sites an incident struck that its accused had been told of.
    &["outcome", "notified_site"],
];

/// A set of [`WHOLE`] paths, by position.
type Paths = u32;
const ALL_PATHS: Paths = (1 << WHOLE.len()) - 1;
const _: () = assert!(WHOLE.len() <= 32, "one bit a path");

/// The log's secret behind every salt and pad: 32 random bytes, kept with
/// its signing key and never published.
#[derive(Clone, PartialEq, Eq)]
pub struct SaltSecret([u8; 32]);

impl SaltSecret {
    pub fn new(bytes: [u8; 32]) -> SaltSecret {
        SaltSecret(bytes)
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The salt of the unit at `pointer` of entry `seq`.
    pub fn salt(&self, seq: u64, pointer: &str) -> [u8; 32] {
        Sha256::new()
            .chain_update(b"deconflict/salt/v2\0")
            .chain_update(self.0)
            .chain_update(seq.to_be_bytes())
            .chain_update(pointer.as_bytes())
            .finalize()
            .into()
    }

    /// Padding `i` of entry `seq`'s fields list: indistinguishable from a
    /// commitment to anyone without the secret.
    pub fn pad(&self, seq: u64, i: u64) -> Hash {
        Sha256::new()
            .chain_update(b"deconflict/pad/v2\0")
            .chain_update(self.0)
            .chain_update(seq.to_be_bytes())
            .chain_update(i.to_be_bytes())
            .finalize()
            .into()
    }
}

impl std::fmt::Debug for SaltSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SaltSecret(..)")
    }
}

/// An entry as the public log holds it, and what opens it.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    /// The leaf's bytes: `{"leaf":2,"seq":N,"sealed":"<hex>"}`.
    pub leaf: Vec<u8>,
    /// The entry's fields list: one commitment per unit, padded, sorted;
    /// `sealed` is its hash ([`sealed`]).
    pub fields: Vec<Hash>,
    /// One payload per unit, in the order the entry's text holds them.
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
/// ([`Entry::encode`]): every unit committed, with the payload that opens
/// it. The values committed to are the stored text itself.
pub fn publish(encoded: &[u8], secret: &SaltSecret) -> Result<Published, NotAnEntry> {
    let (seq, mut sealer) = walk(encoded, |seq| Sealer {
        seq,
        secret,
        fields: Vec::new(),
        payloads: Some(Vec::new()),
    })?;
    let sealed = seal(&mut sealer.fields, seq, secret);
    Ok(Published {
        leaf: leaf(seq, &sealed),
        fields: sealer.fields,
        payloads: sealer.payloads.unwrap_or_default(),
    })
}

/// The Merkle hash of an entry's leaf, as [`publish`] makes it, without
/// keeping the payloads: what a restart needs of every entry.
pub fn leaf_hash_of(encoded: &[u8], secret: &SaltSecret) -> Result<Hash, NotAnEntry> {
    let (seq, mut sealer) = walk(encoded, |seq| Sealer {
        seq,
        secret,
        fields: Vec::new(),
        payloads: None,
    })?;
    let sealed = seal(&mut sealer.fields, seq, secret);
    Ok(leaf_hash(&leaf(seq, &sealed)))
}

/// The pointers of an entry's units, in the order its text holds them.
pub fn units(encoded: &[u8]) -> Result<Vec<String>, NotAnEntry> {
    let (_, Pointers(pointers)) = walk(encoded, |_| Pointers(Vec::new()))?;
    Ok(pointers)
}

/// The hash a leaf seals of its entry's fields list.
pub fn sealed(fields: &[Hash]) -> Hash {
    let mut hash = Sha256::new().chain_update(b"deconflict/sealed/v2\0");
    for field in fields {
        hash.update(field);
    }
    hash.finalize().into()
}

/// A fields list as JSON carries it: lowercase hex, one string a hash.
pub fn fields_hex(fields: &[Hash]) -> Vec<String> {
    fields.iter().map(hex::encode).collect()
}

/// A fields list from [`fields_hex`]: the position of the first string
/// that is not 64 lowercase hex digits, if any.
pub fn fields_from_hex(fields: &[String]) -> Result<Vec<Hash>, usize> {
    fields
        .iter()
        .enumerate()
        .map(|(i, text)| unhex(text).ok_or(i))
        .collect()
}

/// Pads `fields` to its bucket, sorts it and returns its hash.
fn seal(fields: &mut Vec<Hash>, seq: u64, secret: &SaltSecret) -> Hash {
    let units = fields.len();
    let bucket = units.next_power_of_two().max(MIN_FIELDS);
    fields.reserve_exact(bucket - units);
    fields.extend((0..(bucket - units) as u64).map(|i| secret.pad(seq, i)));
    fields.sort_unstable();
    sealed(fields)
}

/// The leaf of entry `seq` whose fields list hashes to `sealed`.
fn leaf(seq: u64, sealed: &Hash) -> Vec<u8> {
    format!(
        "{{\"leaf\":{LEAF_VERSION},\"seq\":{seq},\"sealed\":\"{}\"}}",
        hex::encode(sealed)
    )
    .into_bytes()
}

/// What a leaf says, once read as exactly the leaf of its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Leaf {
    pub(crate) seq: u64,
    pub(crate) sealed: Hash,
}

/// Why a text is not a leaf of [`LEAF_VERSION`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LeafProblem {
    NotJson,
    NoFormat,
    /// A leaf of another format, as it says.
    Format(u64),
    /// It says it is of this format but is not written as one.
    Malformed,
}

impl Leaf {
    /// Reads a leaf, refusing any text but the exact bytes the log writes.
    pub(crate) fn parse(text: &[u8]) -> Result<Leaf, LeafProblem> {
        let leaf: serde_json::Value =
            serde_json::from_slice(text).map_err(|_| LeafProblem::NotJson)?;
        match leaf.get("leaf").map(serde_json::Value::as_u64) {
            None => return Err(LeafProblem::NoFormat),
            Some(Some(v)) if v == u64::from(LEAF_VERSION) => {}
            Some(Some(v)) => return Err(LeafProblem::Format(v)),
            Some(None) => return Err(LeafProblem::Malformed),
        }
        let seq = leaf["seq"].as_u64().ok_or(LeafProblem::Malformed)?;
        let sealed = leaf["sealed"]
            .as_str()
            .and_then(unhex)
            .ok_or(LeafProblem::Malformed)?;
        // Nothing else, in no other form.
        if self::leaf(seq, &sealed) != text {
            return Err(LeafProblem::Malformed);
        }
        Ok(Leaf { seq, sealed })
    }
}

/// Walks an entry's units, giving each to the sink `make(seq)` builds.
fn walk<U: Units>(encoded: &[u8], make: impl FnOnce(u64) -> U) -> Result<(u64, U), NotAnEntry> {
    let text = std::str::from_utf8(encoded).map_err(|e| NotAnEntry(e.to_string()))?;
    let Fields(fields) = parse(text)?;
    let raw = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v.get());
    match raw("v") {
        None => return Err(NotAnEntry("no format version".into())),
        Some(v) if v.parse::<u64>().is_ok_and(|v| ENTRY_FORMATS.contains(&v)) => {}
        Some(v) => {
            return Err(NotAnEntry(format!(
                "entry format {v} is not supported (this build publishes formats {} to {})",
                ENTRY_FORMATS.start(),
                ENTRY_FORMATS.end()
            )));
        }
    }
    let seq = raw("seq")
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| NotAnEntry("no sequence number".into()))?;
    let mut sink = make(seq);
    let mut walker = Walker {
        pointer: String::new(),
        sink: &mut sink,
    };
    for (key, value) in &fields {
        if !matches!(*key, "v" | "seq") {
            walker.visit(value, key, 0, ALL_PATHS)?;
        }
    }
    Ok((seq, sink))
}

/// Where the units of an entry go as the walk meets them.
trait Units {
    /// The unit at `pointer`, `value` its stored text.
    fn unit(&mut self, pointer: &str, value: &str);
}

/// Only the units' pointers.
struct Pointers(Vec<String>);

impl Units for Pointers {
    fn unit(&mut self, pointer: &str, _: &str) {
        self.0.push(pointer.to_owned());
    }
}

/// Each unit's commitment, and its payload if asked for.
struct Sealer<'a> {
    seq: u64,
    secret: &'a SaltSecret,
    fields: Vec<Hash>,
    payloads: Option<Vec<Payload>>,
}

impl Units for Sealer<'_> {
    fn unit(&mut self, pointer: &str, value: &str) {
        let salt = self.secret.salt(self.seq, pointer);
        self.fields.push(commit(salt, pointer, value.as_bytes()));
        if let Some(payloads) = &mut self.payloads {
            payloads.push(Payload {
                seq: self.seq,
                pointer: pointer.to_owned(),
                salt,
                value: value.to_owned(),
            });
        }
    }
}

/// Where the walk is, and where its units go.
struct Walker<'s, U> {
    pointer: String,
    sink: &'s mut U,
}

impl<U: Units> Walker<'_, U> {
    /// The value at `token` below the current place: one unit, or walked
    /// into. `live` are the [`WHOLE`] paths that lead here, `depth` the
    /// token's place on them.
    fn visit(
        &mut self,
        value: &RawValue,
        token: &str,
        depth: usize,
        live: Paths,
    ) -> Result<(), NotAnEntry> {
        let (mut deeper, mut here) = (0, false);
        let mut paths = live;
        while paths != 0 {
            let i = paths.trailing_zeros() as usize;
            paths &= paths - 1;
            let path = WHOLE[i];
            if path[depth] == "*" || path[depth] == token {
                if path.len() == depth + 1 {
                    here = true;
                } else {
                    deeper |= 1 << i;
                }
            }
        }
        let at = self.pointer.len();
        push_token(&mut self.pointer, token);
        let text = value.get();
        let result = if here {
            self.sink.unit(&self.pointer, text);
            Ok(())
        } else if text.starts_with('{') {
            self.object(text, depth + 1, deeper)
        } else if text.starts_with('[') {
            self.array(text, depth + 1, deeper)
        } else {
            self.sink.unit(&self.pointer, text);
            Ok(())
        };
        self.pointer.truncate(at);
        result
    }

    /// An object's fields, each visited; an empty one is a unit.
    fn object(&mut self, text: &str, depth: usize, live: Paths) -> Result<(), NotAnEntry> {
        let Fields(fields) = parse(text)?;
        if fields.is_empty() {
            self.sink.unit(&self.pointer, text);
        }
        for (key, item) in fields {
            self.visit(item, key, depth, live)?;
        }
        Ok(())
    }

    /// An array's items, each visited; an empty one is a unit.
    fn array(&mut self, text: &str, depth: usize, live: Paths) -> Result<(), NotAnEntry> {
        let items: Vec<&RawValue> = parse(text)?;
        if items.is_empty() {
            self.sink.unit(&self.pointer, text);
        }
        let mut index = String::new();
        for (i, item) in items.into_iter().enumerate() {
            index.clear();
            write!(index, "{i}").expect("a String takes any text");
            self.visit(item, &index, depth, live)?;
        }
        Ok(())
    }
}

/// An object's fields as spans of its text, in the order written, each key
/// once.
struct Fields<'a>(Vec<(&'a str, &'a RawValue)>);

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Fields<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut fields: Vec<(&'de str, &'de RawValue)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<&'de str, &'de RawValue>()? {
                    if fields.iter().any(|(k, _)| *k == key) {
                        return Err(A::Error::custom(format!("the key {key:?} is there twice")));
                    }
                    fields.push((key, value));
                }
                Ok(Fields(fields))
            }
        }
        d.deserialize_map(Object)
    }
}

fn parse<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, NotAnEntry> {
    serde_json::from_str(text).map_err(|e| NotAnEntry(e.to_string()))
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

/// 32 bytes from 64 lowercase hex digits, and from nothing else: one value
/// has one spelling, as the leaves and bundles write it.
pub(crate) fn unhex(text: &str) -> Option<[u8; 32]> {
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}
