//! RFC 3339 times on the wire (see [`deconflict_rfc3339`]): the model counts
//! Unix milliseconds; only the edge knows the calendar.

pub use deconflict_rfc3339::{format, parse};
use serde::{Deserialize, Deserializer, Serializer};

/// `#[serde(with = "crate::time::rfc3339")]` for an `i64` of Unix milliseconds.
pub mod rfc3339 {
    use super::*;

    pub fn serialize<S: Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(*ms))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The same for an `Option<i64>` (`null` or absent is `None`).
pub mod rfc3339_opt {
    use super::*;

    pub fn serialize<S: Serializer>(ms: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match ms {
            Some(ms) => s.serialize_str(&format(*ms)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(text) => parse(&text).map(Some).map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}
