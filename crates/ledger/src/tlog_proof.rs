//! c2sp.org/tlog-proof@v1: an offline-verifiable proof that one entry is in the log.

use std::fmt;
use std::str::FromStr;

use crate::Error;
use crate::checkpoint::{SignedCheckpoint, parse_decimal};
use crate::hash::{Hash, b64_decode, b64_encode, b64_hash};
use crate::keys::VerifierKey;
use crate::note::Note;
use crate::proof::verify_inclusion;

const HEADER: &str = "c2sp.org/tlog-proof@v1";

/// The longest inclusion proof a tree of at most 2^64 − 1 leaves can need.
const MAX_PROOF_HASHES: usize = 64;

/// An entry proof:
///
/// ```text
/// c2sp.org/tlog-proof@v1
/// extra <base64>            (only if there is extra data)
/// index <decimal>
/// <base64 hash>             (zero or more: the inclusion proof, leaf side first)
///
/// <signed checkpoint, verbatim>
/// ```
///
/// `extra` is opaque and unauthenticated; the checkpoint is kept as an unverified [`Note`]
/// until [`TlogProof::verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    /// Application data, not authenticated by the proof (empty means absent).
    pub extra: Vec<u8>,
    /// Zero-based index of the entry in the log.
    pub index: u64,
    /// Inclusion proof of the entry in the checkpoint's tree.
    pub inclusion: Vec<Hash>,
    /// The signed checkpoint the proof leads to.
    pub checkpoint: Note,
}

fn malformed(reason: &'static str) -> Error {
    Error::MalformedTlogProof { reason }
}

impl TlogProof {
    /// A proof of entry `index` against a signed (and possibly cosigned) checkpoint.
    pub fn new(index: u64, inclusion: Vec<Hash>, checkpoint: &SignedCheckpoint) -> Self {
        Self {
            extra: Vec::new(),
            index,
            inclusion,
            checkpoint: checkpoint.note().clone(),
        }
    }

    /// Parses the text form strictly; the checkpoint's signatures are not verified here.
    pub fn parse(text: &str) -> Result<Self, Error> {
        // Header and hash lines are never empty, so the first blank line ends them.
        let (head, checkpoint) = text
            .split_once("\n\n")
            .ok_or_else(|| malformed("no blank line before the checkpoint"))?;
        let mut lines = head.split('\n').peekable();
        if lines.next() != Some(HEADER) {
            return Err(malformed("first line is not c2sp.org/tlog-proof@v1"));
        }
        let mut extra = Vec::new();
        if let Some(b64) = lines.next_if(|l| l.starts_with("extra ")) {
            extra = b64_decode(&b64["extra ".len()..], "tlog-proof extra data")?;
            if extra.is_empty() {
                return Err(malformed("extra line is empty (omit it instead)"));
            }
        }
        let index = lines
            .next()
            .and_then(|l| l.strip_prefix("index "))
            .ok_or_else(|| malformed("missing index line"))?;
        let index = parse_decimal(index)
            .ok_or_else(|| malformed("index is not a decimal without leading zeros"))?;
        let inclusion = lines
            .map(|line| b64_hash(line, "tlog-proof inclusion hash"))
            .collect::<Result<Vec<_>, _>>()?;
        if inclusion.len() > MAX_PROOF_HASHES {
            return Err(malformed("inclusion proof has more than 64 hashes"));
        }
        Ok(Self {
            extra,
            index,
            inclusion,
            checkpoint: Note::parse(checkpoint)?,
        })
    }

    /// Verifies the proof for an entry whose leaf hash the caller computed from the entry
    /// itself: the checkpoint must have origin `origin` and be signed by `log` (see
    /// [`SignedCheckpoint::open`]), and the inclusion proof must lead from `leaf_hash` at
    /// `index` to its root.
    ///
    /// Returns the verified checkpoint, whose witness cosignatures the caller then checks
    /// against its policy with [`SignedCheckpoint::verify_cosignatures`].
    pub fn verify(
        &self,
        leaf_hash: &Hash,
        origin: &str,
        log: &VerifierKey,
    ) -> Result<SignedCheckpoint, Error> {
        let signed = SignedCheckpoint::from_note(self.checkpoint.clone(), origin, log)?;
        let checkpoint = signed.checkpoint();
        verify_inclusion(
            leaf_hash,
            self.index,
            checkpoint.size(),
            &self.inclusion,
            checkpoint.root(),
        )?;
        Ok(signed)
    }
}

impl fmt::Display for TlogProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{HEADER}")?;
        if !self.extra.is_empty() {
            writeln!(f, "extra {}", b64_encode(&self.extra))?;
        }
        writeln!(f, "index {}", self.index)?;
        for hash in &self.inclusion {
            writeln!(f, "{}", b64_encode(hash))?;
        }
        writeln!(f)?;
        self.checkpoint.fmt(f)
    }
}

impl FromStr for TlogProof {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}
