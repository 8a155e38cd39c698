//! Writing the events this service sends to TAK clients.

use crate::parse::UNKNOWN;
use deconflict_rfc3339 as time;

/// The type of the answer to a ping.
const PONG: &str = "t-x-c-t-r";

/// How long a pong stays fresh.
const PONG_STALE_MS: i64 = 20_000;

/// The type of the markers [`marker`] writes: a spot map point
/// (`b-m-p-s-m`). Every TAK client shows one as a dot with its callsign as a
/// label and its remarks in its details. It is deliberately not an affiliation
/// (`a-h-…` would paint the other party hostile) nor an emergency alert
/// (`b-a-o-…` would sound an alarm on every device).
pub const MARKER_TYPE: &str = "b-m-p-s-m";

/// What TAK servers put in `how` for events they make up themselves.
const HOW_SERVER: &str = "h-g-i-g-o";

/// The colour of markers, as ATAK writes its own red spot markers
/// (opaque red, ARGB as a signed 32-bit integer).
const RED: &str = "-65536";

/// The answer to a ping ([`Event::is_ping`](crate::Event::is_ping)): a
/// `t-x-c-t-r` event from `uid`, valid from `now_ms` for 20 seconds.
pub fn pong(uid: &str, now_ms: i64) -> String {
    let mut out = open(uid, PONG, now_ms, now_ms + PONG_STALE_MS);
    point(&mut out, 0.0, 0.0, None);
    out.push_str("<detail/></event>");
    out
}

/// A marker for TAK clients, written by [`marker`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marker<'a> {
    /// The marker's uid: a client replaces the marker it shows for a uid
    /// with the latest event of that uid, so reuse it to move or update one.
    pub uid: &'a str,
    /// The label shown on the map.
    pub callsign: &'a str,
    /// The text shown in the marker's details.
    pub remarks: &'a str,
    /// Latitude in degrees, in [-90, 90].
    pub lat: f64,
    /// Longitude in degrees, in [-180, 180].
    pub lon: f64,
    /// Radius of the area marked, in metres (CoT's circular error); `None`
    /// if there is none.
    pub ce: Option<f64>,
    /// When it was made, in Unix milliseconds; also its start.
    pub time_ms: i64,
    /// When clients should drop it, in Unix milliseconds.
    pub stale_ms: i64,
}

/// A red [`MARKER_TYPE`] event for `marker`. Text is escaped; characters
/// XML cannot carry (control characters other than tab, line feed and
/// carriage return, U+FFFE, U+FFFF) are written as U+FFFD. The values are
/// written as given: [`parse`](crate::parse) reads back the same marker as
/// long as they are in range (a latitude in [-90, 90], a finite
/// non-negative `ce`, a year in 0 to 9999) and within its length limits.
pub fn marker(marker: &Marker) -> String {
    let style = format!(
        "<color argb=\"{RED}\"/><usericon iconsetpath=\"COT_MAPPING_SPOTMAP/{MARKER_TYPE}/{RED}\"/>"
    );
    labelled_point(
        &Symbol {
            uid: marker.uid,
            kind: MARKER_TYPE,
            callsign: marker.callsign,
            remarks: marker.remarks,
            lat: marker.lat,
            lon: marker.lon,
            ce: marker.ce,
            time_ms: marker.time_ms,
            stale_ms: marker.stale_ms,
        },
        &style,
    )
}

/// The type of an emergency alert ("911 Alert"): every TAK client sounds it
/// and keeps it on screen until it is cancelled.
pub const EMERGENCY_TYPE: &str = "b-a-o-tbl";

/// The type that cancels an emergency of the same uid.
pub const EMERGENCY_CANCEL_TYPE: &str = "b-a-o-can";

/// An emergency for TAK clients, written by [`emergency`]: the same uid
/// each time it is repeated, so a client shows one alert, not one per
/// repetition; [`EMERGENCY_CANCEL_TYPE`] with that uid ends it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Emergency<'a> {
    pub uid: &'a str,
    /// Who calls it, as the alert names it.
    pub callsign: &'a str,
    /// What the alert says.
    pub text: &'a str,
    pub lat: f64,
    pub lon: f64,
    /// Radius of the area it concerns, metres.
    pub ce: Option<f64>,
    pub time_ms: i64,
    pub stale_ms: i64,
    /// The emergency is over: cancels the alert of this uid.
    pub cancel: bool,
}

/// An emergency alert (`b-a-o-tbl`, or `b-a-o-can` to cancel one) with an
/// `<emergency>` detail, as TAK clients write their own 911 alerts. Text is
/// escaped as in [`marker`].
pub fn emergency(e: &Emergency) -> String {
    let kind = if e.cancel {
        EMERGENCY_CANCEL_TYPE
    } else {
        EMERGENCY_TYPE
    };
    let mut out = open(e.uid, kind, e.time_ms, e.stale_ms);
    point(&mut out, e.lat, e.lon, e.ce);
    out.push_str("<detail><contact callsign=\"");
    escape(&mut out, e.callsign, true);
    out.push_str("\"/>");
    if e.cancel {
        out.push_str("<emergency cancel=\"true\">");
    } else {
        out.push_str("<emergency type=\"911 Alert\">");
    }
    escape(&mut out, e.callsign, false);
    out.push_str("</emergency><remarks>");
    escape(&mut out, e.text, false);
    out.push_str("</remarks></detail></event>");
    out
}

/// A symbol for TAK clients, written by [`symbol`]: a point of a
/// MIL-STD-2525 type (`a-f-G-U-C`, a friendly ground combat unit), which
/// each client draws with the type's icon.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Symbol<'a> {
    pub uid: &'a str,
    /// The CoT type: affiliation and the 2525 function, `a-f-G-I` say.
    pub kind: &'a str,
    pub callsign: &'a str,
    pub remarks: &'a str,
    pub lat: f64,
    pub lon: f64,
    /// Radius of the area it stands for, metres.
    pub ce: Option<f64>,
    pub time_ms: i64,
    pub stale_ms: i64,
}

/// A [`Symbol`] with its callsign and remarks. Text is escaped as in
/// [`marker`].
pub fn symbol(symbol: &Symbol) -> String {
    labelled_point(symbol, "")
}

/// A point event with a callsign, `style` (elements written as given),
/// and remarks.
fn labelled_point(symbol: &Symbol, style: &str) -> String {
    let mut out = open(symbol.uid, symbol.kind, symbol.time_ms, symbol.stale_ms);
    point(&mut out, symbol.lat, symbol.lon, symbol.ce);
    out.push_str("<detail><contact callsign=\"");
    escape(&mut out, symbol.callsign, true);
    out.push_str("\"/>");
    out.push_str(style);
    out.push_str("<remarks>");
    escape(&mut out, symbol.remarks, false);
    out.push_str("</remarks></detail></event>");
    out
}

/// The type of a drawn rectangle, which every TAK client draws with its
/// corners as `<link point>`s.
pub const RECTANGLE_TYPE: &str = "u-d-r";

/// The type of a drawn free-form shape: a closed outline when its last
/// vertex is its first.
pub const FREEFORM_TYPE: &str = "u-d-f";

/// The type of an event that deletes the drawing of another uid.
pub const DELETE_TYPE: &str = "t-x-d-d";

/// A drawing for TAK clients, written by [`shape`]: an area drawn on the
/// map with its label, rather than a point with a circle around it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape<'a> {
    /// Reused to move or redraw it; [`delete`] removes it.
    pub uid: &'a str,
    /// [`RECTANGLE_TYPE`] (four corners) or [`FREEFORM_TYPE`].
    pub kind: &'a str,
    /// The label drawn with it.
    pub callsign: &'a str,
    pub remarks: &'a str,
    /// `[lon, lat]`, in order around the shape.
    pub vertices: &'a [[f64; 2]],
    /// ARGB as a signed 32-bit integer, as ATAK writes colours.
    pub stroke: i32,
    pub fill: i32,
    pub time_ms: i64,
    pub stale_ms: i64,
}

/// A drawing (`u-d-r` or `u-d-f`) as TAK clients write their own: the
/// centre of its vertices as the point, each vertex a `<link point>`, its
/// colours, label and remarks. Text is escaped as in [`marker`].
pub fn shape(shape: &Shape) -> String {
    let mut out = open(shape.uid, shape.kind, shape.time_ms, shape.stale_ms);
    let n = shape.vertices.len().max(1) as f64;
    let lon = shape.vertices.iter().map(|v| v[0]).sum::<f64>() / n;
    let lat = shape.vertices.iter().map(|v| v[1]).sum::<f64>() / n;
    point(&mut out, lat, lon, None);
    out.push_str("<detail>");
    for [lon, lat] in shape.vertices {
        out.push_str(&format!("<link point=\"{lat:?},{lon:?}\"/>"));
    }
    out.push_str(&format!(
        "<strokeColor value=\"{}\"/><strokeWeight value=\"3.0\"/><fillColor value=\"{}\"/>",
        shape.stroke, shape.fill
    ));
    out.push_str("<contact callsign=\"");
    escape(&mut out, shape.callsign, true);
    out.push_str("\"/><remarks>");
    escape(&mut out, shape.remarks, false);
    out.push_str("</remarks><labels_on value=\"true\"/></detail></event>");
    out
}

/// Removes the drawing of `uid` (of type `kind`) from TAK clients' maps.
pub fn delete(uid: &str, kind: &str, now_ms: i64) -> String {
    let mut out = open(
        &format!("{uid}-delete"),
        DELETE_TYPE,
        now_ms,
        now_ms + PONG_STALE_MS,
    );
    point(&mut out, 0.0, 0.0, None);
    out.push_str("<detail><link uid=\"");
    escape(&mut out, uid, true);
    out.push_str("\" relation=\"none\" type=\"");
    escape(&mut out, kind, true);
    out.push_str("\"/><__forcedelete/></detail></event>");
    out
}

/// The XML declaration and the `<event>` start tag.
fn open(uid: &str, kind: &str, time_ms: i64, stale_ms: i64) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>");
    out.push_str("<event version=\"2.0\" uid=\"");
    escape(&mut out, uid, true);
    let time = time::format(time_ms);
    let stale = time::format(stale_ms);
    out.push_str(&format!(
        "\" type=\"{kind}\" how=\"{HOW_SERVER}\" time=\"{time}\" start=\"{time}\" stale=\"{stale}\">"
    ));
    out
}

/// `<point>` with an unknown height; `{:?}` writes the shortest decimal that
/// reads back as the same `f64`, switching to an exponent for very small or
/// large numbers.
fn point(out: &mut String, lat: f64, lon: f64, ce: Option<f64>) {
    let ce = ce.unwrap_or(UNKNOWN);
    out.push_str(&format!(
        "<point lat=\"{lat:?}\" lon=\"{lon:?}\" hae=\"{UNKNOWN:?}\" ce=\"{ce:?}\" le=\"{UNKNOWN:?}\"/>"
    ));
}

/// Escapes text for an attribute value in double quotes or for character
/// data. Tab, line feed (in attributes) and carriage return are written as
/// character references, since a reader normalises them when literal.
fn escape(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\t' | '\n' if attribute => out.push_str(&format!("&#{};", u32::from(c))),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

/// Whether XML 1.0 can carry `c` at all.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}
