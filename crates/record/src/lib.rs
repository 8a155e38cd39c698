//! The public form of deconflict's log.
//!
//! Every party may download the whole log, and parties do not trust one
//! another, so the log it downloads must tell it nothing it was not meant
//! to read: not even who acted, or when. Each entry of the private log
//! ([`deconflict_model::Entry`]) is published as one Merkle leaf
//! ([`publish`], [`Published::leaf`]) of format 2 ([`LEAF_VERSION`]):
//!
//! ```text
//! {"leaf":2,"seq":N,"sealed":"<hex SHA-256>"}
//! ```
//!
//! # What a leaf shows and hides
//!
//! Shown: the entry's sequence number and the leaf's format. Hidden: all
//! the rest, each piece behind a salted commitment. Not the acting party,
//! its role or credential, the command's type, any id, state, count, label,
//! reason or place, nor the time. The tree, its signed checkpoints and its
//! proofs are built over these leaves, so every party and witness checks
//! the same log while reading none of it.
//!
//! # Units
//!
//! An entry (its compact JSON, less `v` and `seq`) is cut into disclosure
//! units, each named by a JSON Pointer (RFC 6901), such as `/time_ms` or
//! `/outcome/opened/0/id`. At a path listed in [`WHOLE`] the value is one
//! unit as a whole: a volume, a unit's tracking, an incident report, a
//! track report, what the command created, a conflict's other side, area
//! or parties, a notice, an escalation, an alert's subject, a stale unit.
//! Everywhere else the walk goes into objects and arrays and each scalar
//! is a unit; an empty object or array is one unit too, and a command
//! without fields (`"command":"sweep"`) is the unit `/command`. Every byte
//! of the entry but `v` and `seq` is in exactly one unit, so a field the
//! model adds is committed to without a change here: the cut fails closed.
//! [`units`] lists an entry's pointers.
//!
//! # Salts, commitments and the fields list
//!
//! The commitment of a unit is [`deconflict_ledger::commit`]`(salt,
//! pointer, value)`, where `value` is the unit's text as the log stored it,
//! byte for byte, and the salt is `SHA-256("deconflict/salt/v2\0" ‖ secret ‖
//! u64be(seq) ‖ pointer)` ([`SaltSecret::salt`]). `secret` is 32 random
//! bytes the log keeps with its signing key: salts are unpredictable to
//! anyone without it, distinct per unit and entry, and can be recomputed
//! from the private log, which stays the one place the values live.
//!
//! An entry's *fields list* ([`Published::fields`]) is its k commitments,
//! padded to n = max(64, k rounded up to a power of two) with
//! `SHA-256("deconflict/pad/v2\0" ‖ secret ‖ u64be(seq) ‖ u64be(i))` for
//! i in 0..n−k ([`SaltSecret::pad`]), then sorted bytewise. The leaf seals
//! it: `sealed` is `SHA-256("deconflict/sealed/v2\0" ‖ fields[0] ‖ … ‖
//! fields[n−1])` ([`sealed`]). A reader given the list learns its bucket n
//! and nothing else: not which commitment is which unit's, nor how many
//! units there are within the bucket.
//!
//! A [`Payload`] opens one unit: its pointer, salt and value.
//! [`Payload::opens`] checks it against the leaf and the fields list.
//!
//! # Built from what was stored
//!
//! A leaf is built from the entry's bytes as the log stores them
//! ([`deconflict_model::Entry::encode`], entry format 2; any other is
//! refused). It is rebuilt at every start and must come out the same, or
//! the log no longer matches its signed checkpoints: it never depends on
//! how the model would encode the entry today, only on what was written.
//! [`leaf_hash_of`] computes it without keeping the payloads.
//!
//! # Evidence bundles
//!
//! A [`Bundle`] (`deconflict-evidence/v2`) carries some entries' leaves
//! with inclusion proofs and fields lists, the payloads its reader may see,
//! how many entries bearing on its subject were withheld from that reader,
//! and a signed checkpoint. [`Bundle::verify`] checks it offline against
//! keys the reader already trusts and, only if every part holds, gives a
//! [`Verified`]: each entry rebuilt from the units opened, told in plain
//! words by [`Verified::story`], which says what was not revealed.

mod bundle;
mod payload;
mod public;
mod story;
mod verify;

pub use bundle::{BUNDLE_FORMAT, Bundle, BundleEntry};
pub use payload::{Payload, PayloadError};
pub use public::{
    LEAF_VERSION, MIN_FIELDS, NotAnEntry, Published, SaltSecret, WHOLE, fields_from_hex,
    fields_hex, leaf_hash_of, publish, sealed, units,
};
pub use verify::{BundleError, Cosigner, Verified, rebuild};
