//! c2sp.org/signed-note v1.0.0: text, blank line, signature lines.

use std::fmt;
use std::str::FromStr;

use crate::Error;
use crate::hash::{b64_decode, b64_encode};
use crate::keys::{KeyType, SignerKey, VerifierKey, check_key_name};

/// Signature lines accepted in one note. The spec requires at least 16; 100 is the limit of
/// Go's reference implementation and bounds the work an attacker can cause.
pub const MAX_SIGNATURES: usize = 100;

const SIG_PREFIX: &str = "\u{2014} ";

/// One signature line: `— <name> base64(key ID ‖ signature)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name.
    pub name: String,
    /// The key ID (first four bytes of the encoded signature).
    pub key_id: u32,
    /// The signature bytes after the key ID (for `cosignature/v1`: timestamp ‖ Ed25519).
    pub signature: Vec<u8>,
}

impl fmt::Display for NoteSignature {
    /// The line without its final newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bytes = Vec::with_capacity(4 + self.signature.len());
        bytes.extend_from_slice(&self.key_id.to_be_bytes());
        bytes.extend_from_slice(&self.signature);
        write!(f, "{SIG_PREFIX}{} {}", self.name, b64_encode(&bytes))
    }
}

/// A signature that verified against a known key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// The key name.
    pub name: String,
    /// The key ID.
    pub key_id: u32,
    /// The signature type of the key that verified it.
    pub key_type: KeyType,
    /// For `cosignature/v1`, the signed timestamp (seconds since the Unix epoch).
    pub timestamp: Option<u64>,
}

/// A note: its text and its signatures, in order. Always well formed; once signed, its
/// [`Display`] is the exact wire text and [`Note::parse`] of that text gives the note back
/// (an unsigned note displays as text and blank line, which is not yet a signed note).
///
/// The signatures are *unverified* until [`Note::verify`]; never act on the text before.
///
/// [`Display`]: fmt::Display
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    text: String,
    signatures: Vec<NoteSignature>,
}

/// Signed notes may hold no ASCII control character but newline.
fn check_chars(text: &str) -> Result<(), Error> {
    if text.chars().any(|c| c < ' ' && c != '\n') {
        return Err(Error::MalformedNote {
            reason: "contains a control character other than newline",
        });
    }
    Ok(())
}

impl Note {
    /// An unsigned note. The text must end in a newline and hold no control character but
    /// newline; it may contain blank lines.
    pub fn new(text: impl Into<String>) -> Result<Self, Error> {
        let text = text.into();
        if !text.ends_with('\n') {
            return Err(Error::MalformedNote {
                reason: "text does not end with a newline",
            });
        }
        check_chars(&text)?;
        Ok(Self {
            text,
            signatures: Vec::new(),
        })
    }

    /// Parses a signed note, without verifying any signature.
    ///
    /// The text ends at the *last* blank line; every line after it must be a signature line,
    /// and there must be at least one and at most [`MAX_SIGNATURES`].
    pub fn parse(signed: &str) -> Result<Self, Error> {
        check_chars(signed)?;
        let split = signed.rfind("\n\n").ok_or(Error::MalformedNote {
            reason: "no blank line before the signatures",
        })?;
        let (text, block) = (&signed[..=split], &signed[split + 2..]);
        let Some(block) = block.strip_suffix('\n') else {
            return Err(Error::MalformedNote {
                reason: "no signature lines, or the last one lacks its newline",
            });
        };
        let mut signatures = Vec::new();
        for (i, line) in block.split('\n').enumerate() {
            if i == MAX_SIGNATURES {
                return Err(Error::TooManySignatures {
                    max: MAX_SIGNATURES,
                });
            }
            signatures.push(parse_signature_line(line, i + 1)?);
        }
        Ok(Self {
            text: text.to_owned(),
            signatures,
        })
    }

    /// The note text, including its final newline.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The signature lines, in order.
    pub fn signatures(&self) -> &[NoteSignature] {
        &self.signatures
    }

    /// Signs the text with an Ed25519 (`0x01`) key, replacing an earlier signature by the
    /// same key (name and key ID).
    pub fn sign(&mut self, key: &SignerKey) -> Result<(), Error> {
        let sig = key.sign_text(&self.text)?;
        self.add_signature(sig)
    }

    /// Adds a signature line made elsewhere (e.g. a witness cosignature), replacing one by
    /// the same key. The signature is not checked here.
    pub fn add_signature(&mut self, sig: NoteSignature) -> Result<(), Error> {
        check_key_name(&sig.name)?;
        if sig.signature.is_empty() {
            return Err(Error::MalformedNote {
                reason: "a signature line needs at least one signature byte",
            });
        }
        self.signatures
            .retain(|s| (s.name.as_str(), s.key_id) != (sig.name.as_str(), sig.key_id));
        if self.signatures.len() == MAX_SIGNATURES {
            return Err(Error::TooManySignatures {
                max: MAX_SIGNATURES,
            });
        }
        self.signatures.push(sig);
        Ok(())
    }

    /// Verifies every signature from a `known` key and returns them (once per key); ignores
    /// signatures from unknown keys, as the spec requires.
    ///
    /// Fails if a known key's signature does not verify (the spec's SHOULD, taken as MUST:
    /// a forged signature under a trusted name is an attack, not noise), if two known keys
    /// share a name and ID, or if no known key signed at all.
    pub fn verify(&self, known: &[VerifierKey]) -> Result<Vec<VerifiedSignature>, Error> {
        let verified = self.verify_known(known)?;
        if verified.is_empty() {
            return Err(Error::NoKnownSignature);
        }
        Ok(verified)
    }

    /// As [`Note::verify`], but succeeds with an empty list when no known key signed: for
    /// witness cosignatures, whose required number is the caller's policy.
    pub fn verify_known(&self, known: &[VerifierKey]) -> Result<Vec<VerifiedSignature>, Error> {
        let mut verified: Vec<VerifiedSignature> = Vec::new();
        for sig in &self.signatures {
            let mut matching = known
                .iter()
                .filter(|k| k.name() == sig.name && k.key_id() == sig.key_id);
            let Some(key) = matching.next() else {
                continue;
            };
            if matching.next().is_some() {
                return Err(Error::AmbiguousKey {
                    name: sig.name.clone(),
                    key_id: sig.key_id,
                });
            }
            let timestamp = key.verify_text(&self.text, sig)?;
            if !verified
                .iter()
                .any(|v| v.name == sig.name && v.key_id == sig.key_id)
            {
                verified.push(VerifiedSignature {
                    name: sig.name.clone(),
                    key_id: sig.key_id,
                    key_type: key.key_type(),
                    timestamp,
                });
            }
        }
        Ok(verified)
    }
}

fn parse_signature_line(line: &str, number: usize) -> Result<NoteSignature, Error> {
    let malformed = |reason| Error::MalformedSignatureLine {
        line: number,
        reason,
    };
    let rest = line
        .strip_prefix(SIG_PREFIX)
        .ok_or_else(|| malformed("does not start with an em dash and a space"))?;
    let (name, b64) = rest
        .split_once(' ')
        .ok_or_else(|| malformed("no space between key name and signature"))?;
    check_key_name(name).map_err(|_| malformed("invalid key name"))?;
    let bytes = b64_decode(b64, "signature").map_err(|_| malformed("signature is not base64"))?;
    if bytes.len() < 5 {
        return Err(malformed("signature is shorter than a key ID and one byte"));
    }
    let (id, signature) = bytes.split_at(4);
    Ok(NoteSignature {
        name: name.to_owned(),
        key_id: u32::from_be_bytes([id[0], id[1], id[2], id[3]]),
        signature: signature.to_vec(),
    })
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)?;
        f.write_str("\n")?;
        for sig in &self.signatures {
            writeln!(f, "{sig}")?;
        }
        Ok(())
    }
}

impl FromStr for Note {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}
