//! Cursor-on-Target (CoT), the XML that TAK clients (ATAK, WinTAK, iTAK,
//! pytak) exchange: reading the events they stream and writing the ones this
//! service sends back.
//!
//! Bytes in, values out: the crate does no I/O and reads no clock. A TCP
//! listener feeds what it reads to a [`Splitter`], which cuts the stream
//! into events; [`parse`] reads each; [`pong`], [`marker`] and
//! [`emergency`] write the answers.
//!
//! ```
//! let mut splitter = deconflict_cot::Splitter::new();
//! splitter.push(br#"<?xml version="1.0"?><event version="2.0" uid="A-1" type="t-x-c-t"
//!     time="2020-01-03T10:02:00Z" start="2020-01-03T10:02:00Z" stale="2020-01-03T10:02:20Z">
//!     <point lat="0" lon="0" hae="0" ce="9999999" le="9999999"/><detail/></event>"#);
//! for item in &mut splitter {
//!     let event = deconflict_cot::parse(&item.unwrap()).unwrap();
//!     assert!(event.is_ping());
//!     let answer = deconflict_cot::pong("deconflict", event.time_ms);
//!     # assert!(deconflict_cot::parse(answer.as_bytes()).is_ok());
//! }
//! ```
//!
//! # The stream
//!
//! A TAK client writes `<event>` documents back to back on one TCP
//! connection, each often preceded by its own `<?xml …?>` declaration, with
//! any whitespace between, and TCP splits them anywhere. [`Splitter`] yields
//! each event's bytes, from `<event` through `</event>`, and gives the same
//! items however the stream is chunked. A bad client never stops the
//! stream: garbage between events ([`Skipped::Garbage`]), an event larger
//! than the limit ([`Skipped::Oversized`]) or one cut off by the next
//! `<event` ([`Skipped::Unterminated`]) is reported and skipped, and the
//! next event is read as usual. The splitter keeps at most one event's
//! bytes, so the limit ([`DEFAULT_MAX_EVENT_BYTES`], 64 KiB) bounds its
//! memory; a position report is under 2 KiB.
//!
//! # What is read
//!
//! [`parse`] understands `event@uid`, `@type`, `@how`, `@time`, `@start` and
//! `@stale` (RFC 3339, any offset, any number of fractional digits, read
//! as Unix milliseconds); `<point lat lon hae ce le>`, where CoT's
//! `9999999` means unknown; and in `<detail>`: `<contact callsign
//! endpoint>`, `<__group name role>`, `<track speed course>`, the text of
//! `<remarks>`, and `<__deconflict token>`. Everything else, and TAK sends a
//! lot (`<takv>`, `<status>`, `<precisionlocation>`, `<uid>`, `<link>`,
//! `<_flow-tags_>`), is checked for well-formedness and otherwise ignored.
//!
//! Required: `uid` and `type` (not empty), the three times, and `<point>`
//! with `lat` in [-90, 90] and `lon` in [-180, 180]. Numbers are decimals as
//! CoT writes them; `NaN`, `inf`, `1e999`, `12,5` and empty are refused, as
//! are a negative `ce`, `le` or speed and a course outside [0, 360). Each of
//! `<point>`, `<detail>` and the understood children of `<detail>` may
//! appear once. Every refusal is a [`CotError`] naming the part at fault
//! (`point@lat`, `detail/remarks`) and what is wrong with it.
//!
//! # Limits, and why
//!
//! A CoT event comes from any device on the network, so the parser trusts
//! nothing in it and its work is bounded by the size of its input:
//!
//! - No DTD: a `<!DOCTYPE>` is refused, and so is any entity reference but
//!   the five predefined ones (`&lt;` `&gt;` `&amp;` `&quot;` `&apos;`) and
//!   character references. Entity expansion ("billion laughs") and external
//!   entities (`SYSTEM "file:///etc/passwd"`) cannot happen: no entity is
//!   ever declared.
//! - At most 16 levels of nesting and 1024 elements.
//! - At most 256 bytes of uid, 64 of type and how, 128 of callsign, group
//!   name and role, 256 of endpoint, 512 of token, 4096 of remarks, and 64
//!   of any number or time.
//! - UTF-8 only, as every TAK client writes it.
//!
//! # Authentication
//!
//! A TAK client can carry a credential for this service in its events'
//! detail, as `<__deconflict token="…"/>`; it is read into
//! [`Event::token`]. A connection may authenticate with the first event
//! carrying one: that event is the client saying who it is, and the events
//! after it on the same connection are taken as that party's. A plugin can
//! add the element to an ATAK or WinTAK client's position reports; pytak and
//! scripts write it directly. The token is a secret:
//! log that an event carried one, never its value.
//!
//! # Writing
//!
//! [`pong`] answers a ping ([`Event::is_ping`], type `t-x-c-t`) with the
//! `t-x-c-t-r` event TAK servers send. [`marker`] writes a red spot map
//! marker ([`MARKER_TYPE`]) with a callsign and remarks, to show an alert
//! where it applies. Both escape everything they are given, and [`parse`]
//! reads back what they write.

mod error;
mod parse;
mod split;
mod write;

pub use error::{CotError, Reason};
pub use parse::{Contact, Event, Group, Point, Track, parse};
pub use split::{DEFAULT_MAX_EVENT_BYTES, Skipped, Splitter};
pub use write::{
    DELETE_TYPE, EMERGENCY_CANCEL_TYPE, EMERGENCY_TYPE, Emergency, FREEFORM_TYPE, MARKER_TYPE,
    Marker, RECTANGLE_TYPE, Shape, Symbol, delete, emergency, marker, pong, shape, symbol,
};
