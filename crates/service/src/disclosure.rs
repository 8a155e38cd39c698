//! What a party may open of the public log: the payloads of one entry that
//! [`may_read`] allows it, with the entry's list of field commitments that
//! lets it check them against the leaf. Every route that serves entries,
//! payloads or evidence goes through [`opened`].

use deconflict_model::{Actor, Entry, State, may_read};
use deconflict_record::{Payload, Published, fields_hex};
use serde::Serialize;

/// The part of one entry a reader may open.
#[derive(Debug, Clone, Serialize)]
pub struct Opened {
    /// The entry's field commitments, hex, as its leaf seals them.
    pub fields: Vec<String>,
    /// The fields the reader may read, each opening one commitment.
    pub payloads: Vec<Payload>,
}

/// What `reader` may open of `entry`, or `None` if nothing: then it gets
/// the leaf alone, which shows no more than the entry's sequence number.
pub fn opened(
    state: &State,
    reader: &Actor,
    entry: &Entry,
    published: &Published,
) -> Option<Opened> {
    let payloads: Vec<Payload> = published
        .payloads
        .iter()
        .filter(|p| may_read(state, reader, entry, &p.pointer))
        .cloned()
        .collect();
    (!payloads.is_empty()).then(|| Opened {
        fields: fields_hex(&published.fields),
        payloads,
    })
}
