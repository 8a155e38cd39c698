//! Signer and verifier keys in the text encodings of c2sp.org/signed-note and Go's
//! `golang.org/x/mod/sumdb/note`.

use std::fmt;
use std::str::FromStr;

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

use crate::Error;
use crate::hash::{b64_decode, b64_encode, sha256};
use crate::note::NoteSignature;

/// The signature types this crate implements (c2sp.org/signed-note "Signature types").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// `0x01`: Ed25519 over the note text. A log signs its checkpoints with this type.
    Ed25519,
    /// `0x04`: timestamped Ed25519 `cosignature/v1` (c2sp.org/tlog-cosignature). Witnesses
    /// cosign checkpoints with this type.
    CosignatureV1,
}

impl KeyType {
    /// The signature type byte, which also enters the key ID.
    pub fn byte(self) -> u8 {
        match self {
            KeyType::Ed25519 => 0x01,
            KeyType::CosignatureV1 => 0x04,
        }
    }

    fn from_byte(byte: u8) -> Result<Self, Error> {
        match byte {
            0x01 => Ok(KeyType::Ed25519),
            0x04 => Ok(KeyType::CosignatureV1),
            other => Err(Error::UnsupportedKeyType(other)),
        }
    }
}

/// Key ID = first four bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ type ‖ public key).
pub fn key_id(name: &str, key_type: KeyType, public_key: &[u8; 32]) -> u32 {
    let digest = sha256(&[name.as_bytes(), b"\n", &[key_type.byte()], public_key]);
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Key names (and signature-line names) must be non-empty, without Unicode spaces or `+`.
pub(crate) fn check_key_name(name: &str) -> Result<(), Error> {
    // `char::is_whitespace` is the Unicode White_Space property, the same set as Go's
    // `unicode.IsSpace`, which the reference implementation uses.
    if name.is_empty() || name.contains('+') || name.chars().any(char::is_whitespace) {
        return Err(Error::KeyName {
            name: name.to_owned(),
        });
    }
    Ok(())
}

/// The message a `cosignature/v1` signs: two header lines, then the checkpoint body.
pub(crate) fn cosignature_message(timestamp: u64, body: &str) -> Vec<u8> {
    format!("cosignature/v1\ntime {timestamp}\n{body}").into_bytes()
}

/// The largest cosignature timestamp the spec allows (2^63 − 1).
const MAX_TIMESTAMP: u64 = i64::MAX as u64;

/// Splits `name+hex(id)+base64(type‖key)` into its checked parts.
fn split_key(text: &str, kind: &'static str) -> Result<(String, u32, KeyType, [u8; 32]), Error> {
    let malformed = |reason| Error::MalformedKey { kind, reason };
    // base64 may itself contain '+', so only the first two separators count.
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(hex), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(malformed("expected <name>+<key ID>+<key>"));
    };
    check_key_name(name)?;
    if hex.len() != 8 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(malformed("key ID must be 8 lowercase hex digits"));
    }
    let id = u32::from_str_radix(hex, 16).map_err(|_| malformed("key ID is not hex"))?;
    let bytes = b64_decode(b64, "key material")?;
    let Some((&type_byte, material)) = bytes.split_first() else {
        return Err(malformed("key material is empty"));
    };
    let key_type = KeyType::from_byte(type_byte)?;
    let material: [u8; 32] = material
        .try_into()
        .map_err(|_| malformed("Ed25519 key material must be 32 bytes"))?;
    Ok((name.to_owned(), id, key_type, material))
}

fn encode_key(name: &str, id: u32, key_type: KeyType, material: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(33);
    bytes.push(key_type.byte());
    bytes.extend_from_slice(material);
    format!("{name}+{id:08x}+{}", b64_encode(&bytes))
}

/// A private signing key with its name: `PRIVATE+KEY+<name>+<hex id>+base64(type ‖ seed)`.
///
/// The text form is Go's `note` signer key; for type `0x04` this crate uses the same layout
/// with the type byte changed (no standard exists for cosigner private keys).
#[derive(Clone)]
pub struct SignerKey {
    key_type: KeyType,
    name: String,
    key_id: u32,
    signing: SigningKey,
}

impl fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the seed.
        f.debug_struct("SignerKey")
            .field("key_type", &self.key_type)
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

impl SignerKey {
    /// Derives a key from a 32-byte Ed25519 seed supplied by the caller; the crate itself
    /// draws no randomness.
    pub fn from_seed(key_type: KeyType, name: &str, seed: [u8; 32]) -> Result<Self, Error> {
        check_key_name(name)?;
        let signing = SigningKey::from_bytes(&seed);
        let key_id = key_id(name, key_type, signing.verifying_key().as_bytes());
        Ok(Self {
            key_type,
            name: name.to_owned(),
            key_id,
            signing,
        })
    }

    /// Parses `PRIVATE+KEY+<name>+<hex id>+<base64>`, checking the key ID against the
    /// public key derived from the seed.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let rest = text
            .strip_prefix("PRIVATE+KEY+")
            .ok_or(Error::MalformedKey {
                kind: "signer",
                reason: "must start with PRIVATE+KEY+",
            })?;
        let (name, stated, key_type, seed) = split_key(rest, "signer")?;
        let key = Self::from_seed(key_type, &name, seed)?;
        if key.key_id != stated {
            return Err(Error::KeyIdMismatch {
                stated,
                computed: key.key_id,
            });
        }
        Ok(key)
    }

    /// The secret text form, for storing the key; it is a credential.
    pub fn to_key_string(&self) -> String {
        format!(
            "PRIVATE+KEY+{}",
            encode_key(
                &self.name,
                self.key_id,
                self.key_type,
                self.signing.as_bytes()
            )
        )
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The signature type.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The matching public key.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            key_type: self.key_type,
            name: self.name.clone(),
            key_id: self.key_id,
            verifying: self.signing.verifying_key(),
        }
    }

    /// Signs a note text with an `0x01` key.
    pub(crate) fn sign_text(&self, text: &str) -> Result<NoteSignature, Error> {
        self.require(KeyType::Ed25519)?;
        let sig = self.signing.sign(text.as_bytes());
        Ok(self.signature(sig.to_bytes().to_vec()))
    }

    /// Cosigns a checkpoint body at `timestamp` with an `0x04` key: the signature bytes are
    /// the timestamp (u64 big-endian) followed by the Ed25519 signature.
    pub(crate) fn cosign_body(&self, body: &str, timestamp: u64) -> Result<NoteSignature, Error> {
        self.require(KeyType::CosignatureV1)?;
        if timestamp > MAX_TIMESTAMP {
            return Err(Error::TimestampRange(timestamp));
        }
        let sig = self.signing.sign(&cosignature_message(timestamp, body));
        let mut bytes = Vec::with_capacity(72);
        bytes.extend_from_slice(&timestamp.to_be_bytes());
        bytes.extend_from_slice(&sig.to_bytes());
        Ok(self.signature(bytes))
    }

    fn require(&self, expected: KeyType) -> Result<(), Error> {
        if self.key_type == expected {
            Ok(())
        } else {
            Err(Error::WrongKeyType {
                name: self.name.clone(),
                expected: expected.byte(),
                actual: self.key_type.byte(),
            })
        }
    }

    fn signature(&self, signature: Vec<u8>) -> NoteSignature {
        NoteSignature {
            name: self.name.clone(),
            key_id: self.key_id,
            signature,
        }
    }
}

impl FromStr for SignerKey {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

/// A public key with its name: the vkey `<name>+<hex id>+base64(type ‖ public key)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    key_type: KeyType,
    name: String,
    key_id: u32,
    verifying: VerifyingKey,
}

impl VerifierKey {
    /// A verifier for an Ed25519 public key; fails if the bytes are not a curve point or
    /// are a small-order point (for which forged signatures exist that lax verifiers accept).
    pub fn new(key_type: KeyType, name: &str, public_key: [u8; 32]) -> Result<Self, Error> {
        check_key_name(name)?;
        let malformed = |reason| Error::MalformedKey {
            kind: "verifier",
            reason,
        };
        let verifying = VerifyingKey::from_bytes(&public_key)
            .map_err(|_| malformed("not a valid Ed25519 public key"))?;
        if verifying.is_weak() {
            return Err(malformed("small-order Ed25519 public key"));
        }
        Ok(Self {
            key_type,
            name: name.to_owned(),
            key_id: key_id(name, key_type, &public_key),
            verifying,
        })
    }

    /// Parses a vkey, checking that its key ID matches its name, type and public key.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let (name, stated, key_type, public_key) = split_key(text, "verifier")?;
        let key = Self::new(key_type, &name, public_key)?;
        if key.key_id != stated {
            return Err(Error::KeyIdMismatch {
                stated,
                computed: key.key_id,
            });
        }
        Ok(key)
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The signature type.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The raw Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.verifying.to_bytes()
    }

    /// Checks one signature over a note text; returns the cosignature timestamp for `0x04`.
    ///
    /// The caller has matched the signature's name and key ID to this key. Verification is
    /// `verify_strict`: non-canonical encodings and small-order keys or `R` points are
    /// rejected, so every verifier agrees on which signatures are valid.
    pub(crate) fn verify_text(
        &self,
        text: &str,
        sig: &NoteSignature,
    ) -> Result<Option<u64>, Error> {
        let invalid = || Error::InvalidSignature {
            name: self.name.clone(),
            key_id: self.key_id,
        };
        let (timestamp, raw, message) = match self.key_type {
            KeyType::Ed25519 => (None, sig.signature.as_slice(), text.as_bytes().to_vec()),
            KeyType::CosignatureV1 => {
                let (time, raw) = sig.signature.split_first_chunk::<8>().ok_or_else(invalid)?;
                let time = u64::from_be_bytes(*time);
                if time > MAX_TIMESTAMP {
                    return Err(Error::TimestampRange(time));
                }
                (Some(time), raw, cosignature_message(time, text))
            }
        };
        let raw = Signature::from_slice(raw).map_err(|_| invalid())?;
        self.verifying
            .verify_strict(&message, &raw)
            .map_err(|_| invalid())?;
        Ok(timestamp)
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&encode_key(
            &self.name,
            self.key_id,
            self.key_type,
            self.verifying.as_bytes(),
        ))
    }
}

impl FromStr for VerifierKey {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}
