//! Object ids: opaque, random-looking, and derived from caller-given entropy.
//!
//! An id is a prefix (`dec_`, `act_`, `con_`) and 12 hex digits taken from
//! SHA-256 of the command's [`Entropy`] and a counter. A keyed hash rather
//! than a counter or a fast mixer, so that an id says nothing about how many
//! objects exist, in which order they came, or which other ids the same
//! command created (a party shown a conflict id must not be able to work
//! back to the other party's activity id). The ids a command creates are
//! written into its entry, so replay never needs the entropy again.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// How many hex digits follow an id's prefix.
const DIGITS: usize = 12;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        ///
        /// Held as the 48-bit number its digits spell, so that the state's
        /// maps of millions of objects compare integers, not strings; the
        /// order is the same as the order of the written ids.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u64);

        impl $name {
            /// What every id of this type starts with.
            pub const PREFIX: &'static str = $prefix;

            /// The id written as `text`, or `None` if `text` is not one:
            /// exactly the prefix and 12 lowercase hex digits. An id that
            /// parses but names nothing is simply not found.
            pub fn parse(text: &str) -> Option<Self> {
                parse_digits(text.strip_prefix(Self::PREFIX)?).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{:012x}", Self::PREFIX, self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        write!(f, "`{}` and 12 lowercase hex digits", $prefix)
                    }
                    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<$name, E> {
                        $name::parse(text).ok_or_else(|| {
                            E::invalid_value(serde::de::Unexpected::Str(text), &self)
                        })
                    }
                }
                d.deserialize_str(Visitor)
            }
        }
    };
}

fn parse_digits(digits: &str) -> Option<u64> {
    let lowercase_hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
    if digits.len() != DIGITS || !digits.as_bytes().iter().all(lowercase_hex) {
        return None;
    }
    u64::from_str_radix(digits, 16).ok()
}

id_type!(
    /// The id of a declaration, `dec_` and 12 hex digits.
    DeclarationId,
    "dec_"
);
id_type!(
    /// The id of an activity, `act_` and 12 hex digits.
    ActivityId,
    "act_"
);
id_type!(
    /// The id of a conflict, `con_` and 12 hex digits.
    ConflictId,
    "con_"
);
id_type!(
    /// The id of an incident, `inc_` and 12 hex digits.
    IncidentId,
    "inc_"
);

id_type!(
    /// The id of a challenge of a declaration, `chl_` and 12 hex digits.
    ChallengeId,
    "chl_"
);
id_type!(
    /// The id of a check fire, `stp_` and 12 hex digits.
    StopId,
    "stp_"
);

/// A reference to any object of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectRef {
    Declaration(DeclarationId),
    Activity(ActivityId),
    Conflict(ConflictId),
    Incident(IncidentId),
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectRef::Declaration(id) => id.fmt(f),
            ObjectRef::Activity(id) => id.fmt(f),
            ObjectRef::Conflict(id) => id.fmt(f),
            ObjectRef::Incident(id) => id.fmt(f),
        }
    }
}

/// Randomness for the ids one command creates: 32 bytes from the operating
/// system in the server, anything in tests. Used only by
/// [`State::execute`](crate::State::execute); never stored.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Entropy([u8; 32]);

impl Entropy {
    pub fn new(bytes: [u8; 32]) -> Entropy {
        Entropy(bytes)
    }
}

impl From<[u8; 32]> for Entropy {
    fn from(bytes: [u8; 32]) -> Entropy {
        Entropy(bytes)
    }
}

impl fmt::Debug for Entropy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Entropy(..)")
    }
}

/// Hands out the ids of one command, never one already taken.
#[derive(Debug)]
pub(crate) struct Ids {
    entropy: Entropy,
    counter: u64,
    issued: Vec<(&'static str, u64)>,
}

impl Ids {
    pub(crate) fn new(entropy: Entropy) -> Ids {
        Ids {
            entropy,
            counter: 0,
            issued: Vec::new(),
        }
    }

    pub(crate) fn declaration(&mut self, taken: impl Fn(DeclarationId) -> bool) -> DeclarationId {
        DeclarationId(self.next(DeclarationId::PREFIX, |n| taken(DeclarationId(n))))
    }

    pub(crate) fn activity(&mut self, taken: impl Fn(ActivityId) -> bool) -> ActivityId {
        ActivityId(self.next(ActivityId::PREFIX, |n| taken(ActivityId(n))))
    }

    pub(crate) fn conflict(&mut self, taken: impl Fn(ConflictId) -> bool) -> ConflictId {
        ConflictId(self.next(ConflictId::PREFIX, |n| taken(ConflictId(n))))
    }

    pub(crate) fn incident(&mut self, taken: impl Fn(IncidentId) -> bool) -> IncidentId {
        IncidentId(self.next(IncidentId::PREFIX, |n| taken(IncidentId(n))))
    }

    pub(crate) fn challenge(&mut self, taken: impl Fn(ChallengeId) -> bool) -> ChallengeId {
        ChallengeId(self.next(ChallengeId::PREFIX, |n| taken(ChallengeId(n))))
    }

    pub(crate) fn stop(&mut self, taken: impl Fn(StopId) -> bool) -> StopId {
        StopId(self.next(StopId::PREFIX, |n| taken(StopId(n))))
    }

    /// The digits of the next id with `prefix` for which `taken` is false.
    /// With 48 bits a collision is rare but possible among millions of
    /// objects; it costs one more hash.
    fn next(&mut self, prefix: &'static str, taken: impl Fn(u64) -> bool) -> u64 {
        loop {
            let digest = Sha256::new()
                .chain_update(b"deconflict-model/id/v1\0")
                .chain_update(prefix.as_bytes())
                .chain_update(self.entropy.0)
                .chain_update(self.counter.to_le_bytes())
                .finalize();
            self.counter += 1;
            let mut bytes = [0u8; 8];
            bytes[2..].copy_from_slice(&digest[..6]);
            let id = u64::from_be_bytes(bytes);
            if !taken(id) && !self.issued.contains(&(prefix, id)) {
                self.issued.push((prefix, id));
                return id;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_back_as_written() {
        let mut ids = Ids::new(Entropy::new([7; 32]));
        for _ in 0..100 {
            let id = ids.conflict(|_| false);
            let text = id.to_string();
            assert_eq!(text.len(), 16, "{text}");
            assert_eq!(ConflictId::parse(&text), Some(id));
            assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{text}\""));
            assert_eq!(
                serde_json::from_str::<ConflictId>(&format!("\"{text}\"")).unwrap(),
                id
            );
        }
    }

    #[test]
    fn ids_sort_as_their_text() {
        let mut ids = Ids::new(Entropy::new([9; 32]));
        let mut made: Vec<ActivityId> = (0..200).map(|_| ids.activity(|_| false)).collect();
        made.sort();
        let texts: Vec<String> = made.iter().map(ToString::to_string).collect();
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(texts, sorted);
    }

    #[test]
    fn only_well_formed_ids_parse() {
        assert_eq!(
            DeclarationId::parse("dec_00000000000a").map(|d| d.to_string()),
            Some("dec_00000000000a".to_owned())
        );
        for bad in [
            "",
            "dec_",
            "dec_00000000000A",
            "dec_00000000000g",
            "dec_0000000000000",
            "dec_00000000000",
            "act_000000000000",
            "dec_+00000000000",
            "DEC_000000000000",
            " dec_000000000000",
        ] {
            assert_eq!(DeclarationId::parse(bad), None, "{bad:?}");
            assert!(serde_json::from_str::<DeclarationId>(&format!("{bad:?}")).is_err());
        }
    }

    #[test]
    fn the_same_entropy_never_issues_an_id_twice_or_a_taken_one() {
        let mut ids = Ids::new(Entropy::new([1; 32]));
        let first = ids.declaration(|_| false);
        let mut again = Ids::new(Entropy::new([1; 32]));
        let second = again.declaration(|d| d == first);
        assert_ne!(first, second);
        assert_ne!(ids.declaration(|_| false), first);
    }
}
