//! c2sp.org/tlog-checkpoint v1.0.0 bodies, signed by the log and cosigned by witnesses
//! (c2sp.org/tlog-cosignature `cosignature/v1`).

use std::fmt;
use std::str::FromStr;

use crate::Error;
use crate::hash::{Hash, b64_encode, b64_hash};
use crate::keys::{KeyType, SignerKey, VerifierKey};
use crate::note::{Note, VerifiedSignature};

/// A checkpoint body: origin, tree size, root hash and optional extension lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    extensions: Vec<String>,
}

fn malformed(reason: &'static str) -> Error {
    Error::MalformedCheckpoint { reason }
}

/// A body line must be non-empty and hold no control character (which includes newline).
fn check_line(line: &str, empty: &'static str) -> Result<(), Error> {
    if line.is_empty() {
        return Err(malformed(empty));
    }
    if line.chars().any(|c| c < ' ') {
        return Err(malformed("a line contains a control character"));
    }
    Ok(())
}

/// ASCII decimal with no sign and no leading zero (except `0` itself), fitting a u64.
pub(crate) fn parse_decimal(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    // `u64::from_str` alone would accept "+5" and "007".
    canonical.then(|| text.parse().ok()).flatten()
}

impl Checkpoint {
    /// A checkpoint without extension lines. The origin must be a non-empty line without
    /// control characters; this crate's logs use the log key's name as the origin.
    pub fn new(origin: impl Into<String>, size: u64, root: Hash) -> Result<Self, Error> {
        let origin = origin.into();
        check_line(&origin, "origin is empty")?;
        Ok(Self {
            origin,
            size,
            root,
            extensions: Vec::new(),
        })
    }

    /// Adds an extension line (non-empty, no control characters). The spec calls extension
    /// lines NOT RECOMMENDED because monitors cannot audit them.
    pub fn with_extension(mut self, line: impl Into<String>) -> Result<Self, Error> {
        let line = line.into();
        check_line(&line, "extension line is empty")?;
        self.extensions.push(line);
        Ok(self)
    }

    /// Parses a checkpoint body (the note text) strictly: at least three newline-terminated
    /// non-empty lines, a canonical decimal size, a canonical base64 32-byte root.
    pub fn parse(body: &str) -> Result<Self, Error> {
        let body = body
            .strip_suffix('\n')
            .ok_or_else(|| malformed("body does not end with a newline"))?;
        let mut lines = body.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(malformed("fewer than three lines"));
        };
        check_line(origin, "origin is empty")?;
        let size = parse_decimal(size)
            .ok_or_else(|| malformed("tree size is not a decimal without leading zeros"))?;
        let root = b64_hash(root, "checkpoint root hash")?;
        let extensions = lines
            .map(|line| {
                check_line(line, "extension line is empty")?;
                Ok(line.to_owned())
            })
            .collect::<Result<_, Error>>()?;
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }

    /// The origin line.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The tree size.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root hash.
    pub fn root(&self) -> &Hash {
        &self.root
    }

    /// The extension lines.
    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }
}

impl fmt::Display for Checkpoint {
    /// The exact body text, every line newline-terminated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.origin)?;
        writeln!(f, "{}", self.size)?;
        writeln!(f, "{}", b64_encode(&self.root))?;
        for line in &self.extensions {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

impl FromStr for Checkpoint {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

/// A checkpoint whose log signature has been made or verified, with its note (which may
/// also carry witness cosignatures). Its [`Display`](fmt::Display) is the published text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    checkpoint: Checkpoint,
    note: Note,
}

impl SignedCheckpoint {
    /// Signs a checkpoint with the log's Ed25519 key, whose name must be the origin: the
    /// spec's SHOULD, kept by every deconflict log so that a key names the log it signs for.
    pub fn sign(checkpoint: Checkpoint, log: &SignerKey) -> Result<Self, Error> {
        check_origin(&checkpoint, log.name())?;
        let mut note = Note::new(checkpoint.to_string())?;
        note.sign(log)?;
        Ok(Self { checkpoint, note })
    }

    /// Parses a signed checkpoint and verifies the log's signature.
    ///
    /// The origin line must be `origin` and there must be a valid signature by `log`, an
    /// Ed25519 key configured for that origin (its name need not be the origin: sum.golang.org
    /// signs `go.sum database tree`). Other signatures are ignored here and left for
    /// [`SignedCheckpoint::verify_cosignatures`].
    pub fn open(signed: &str, origin: &str, log: &VerifierKey) -> Result<Self, Error> {
        Self::from_note(Note::parse(signed)?, origin, log)
    }

    /// As [`SignedCheckpoint::open`], from a parsed note.
    pub fn from_note(note: Note, origin: &str, log: &VerifierKey) -> Result<Self, Error> {
        if log.key_type() != KeyType::Ed25519 {
            return Err(Error::WrongKeyType {
                name: log.name().to_owned(),
                expected: KeyType::Ed25519.byte(),
                actual: log.key_type().byte(),
            });
        }
        let checkpoint = Checkpoint::parse(note.text())?;
        check_origin(&checkpoint, origin)?;
        note.verify(std::slice::from_ref(log))?;
        Ok(Self { checkpoint, note })
    }

    /// The checkpoint.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The note, with all its signature lines.
    pub fn note(&self) -> &Note {
        &self.note
    }

    /// Adds this witness's `cosignature/v1` at `timestamp` (Unix seconds, ≤ 2^63 − 1),
    /// replacing an earlier one by the same key.
    ///
    /// The message signed is `cosignature/v1\ntime <timestamp>\n` followed by the body. A
    /// witness calls this only after checking the checkpoint is consistent with the last one
    /// it cosigned for this origin.
    pub fn cosign(&mut self, witness: &SignerKey, timestamp: u64) -> Result<(), Error> {
        let sig = witness.cosign_body(self.note.text(), timestamp)?;
        self.note.add_signature(sig)
    }

    /// Verifies the cosignatures of the `witnesses` (keys of type `0x04`) present on the note
    /// and returns them with their timestamps. Fails if a known witness's cosignature is
    /// invalid; how many are required is the caller's policy (e.g. k of n).
    pub fn verify_cosignatures(
        &self,
        witnesses: &[VerifierKey],
    ) -> Result<Vec<VerifiedSignature>, Error> {
        if let Some(key) = witnesses
            .iter()
            .find(|k| k.key_type() != KeyType::CosignatureV1)
        {
            return Err(Error::WrongKeyType {
                name: key.name().to_owned(),
                expected: KeyType::CosignatureV1.byte(),
                actual: key.key_type().byte(),
            });
        }
        self.note.verify_known(witnesses)
    }
}

fn check_origin(checkpoint: &Checkpoint, expected: &str) -> Result<(), Error> {
    if checkpoint.origin != expected {
        return Err(Error::OriginMismatch {
            expected: expected.to_owned(),
            actual: checkpoint.origin.clone(),
        });
    }
    Ok(())
}

impl fmt::Display for SignedCheckpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.note.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_decimal;

    #[test]
    fn decimal_is_canonical() {
        assert_eq!(parse_decimal("0"), Some(0));
        assert_eq!(parse_decimal("10"), Some(10));
        assert_eq!(parse_decimal("18446744073709551615"), Some(u64::MAX));
        for bad in [
            "",
            "00",
            "01",
            "+1",
            "-1",
            " 1",
            "1 ",
            "1_0",
            "18446744073709551616",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
    }
}
