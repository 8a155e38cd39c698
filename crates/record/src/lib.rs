//! The public form of deconflict's log.
//!
//! Every party may download the whole log, so the log it downloads must tell
//! who did what and when, and nothing about where or why. Each entry of the
//! private log ([`deconflict_model::Entry`]) is published as one Merkle leaf
//! ([`publish`], [`Published::leaf`]): the entry as JSON, with the value of every
//! sensitive field replaced by a salted commitment
//! (`{"commitment": "<hex SHA-256>"}`, see [`deconflict_ledger::commit`]).
//!
//! # What a leaf shows and hides
//!
//! Shown: sequence number, server time, the acting party, its role and
//! credential id, the command's type, the id (and version) of the object the
//! command created or acted on, the state it led to, and the ids of the
//! conflicts it opened or resolved. Hidden behind commitments
//! ([`SENSITIVE`]): an object's kind, volume (geometry, buffer, altitude band
//! and window) and label; free-text reasons; each conflict's coarse area,
//! overlapping window, two sides and parties; the notices sent; other
//! activities put back on hold. So a party reading the whole log learns who
//! acted and when, but not where, on what, or against whom: not even the
//! party on the other side of a coordinator-only conflict.
//!
//! # Salts and payloads
//!
//! The salt of a field is `SHA-256("deconflict/salt/v1\0" ‖ secret ‖
//! u64be(seq) ‖ pointer)`, where `secret` is 32 random bytes the log keeps
//! with its signing key and `pointer` is the field's JSON Pointer (RFC 6901)
//! in the leaf, such as `/command/declare/label`. Salts are therefore
//! unpredictable to anyone without the secret, distinct per field and entry,
//! and can be recomputed from the private log, which stays the one place the
//! payloads are stored. A [`Payload`] reveals one field: its pointer, salt
//! and canonical value; [`Payload::opens`] checks it against a leaf.
//!
//! # Canonical form
//!
//! A leaf is built from the entry's bytes as the log stores them (compact
//! JSON): the objects on a path to a sensitive field are written again with
//! their keys sorted, `"v"` gives way to `"leaf": `[`LEAF_VERSION`], and
//! everything else is the stored text byte for byte. A commitment binds the
//! stored text of its value, which is what a [`Payload`] carries. A leaf is
//! rebuilt at every start and must come out the same, or the log no longer
//! matches its signed checkpoints: it never depends on how the model would
//! encode the entry today, only on what was written.
//!
//! # Evidence bundles
//!
//! A [`Bundle`] carries some entries' leaves with inclusion proofs, the
//! payloads its reader may see and a signed checkpoint. [`Bundle::verify`]
//! checks it offline against keys the reader already trusts and, only if
//! every part holds, gives a [`Verified`]: the entries with their revealed
//! fields put back, told in plain words by [`Verified::story`].

mod bundle;
mod payload;
mod public;
mod story;
mod verify;

pub use bundle::{BUNDLE_FORMAT, Bundle, BundleEntry};
pub use payload::{Payload, PayloadError};
pub use public::{
    LEAF_VERSION, NotAnEntry, Published, SENSITIVE, SaltSecret, leaf_hash_of, publish,
};
pub use verify::{BundleError, Cosigner, Verified};
