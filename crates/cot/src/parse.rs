//! Reading one event: a pull parser over the document, a stack of the
//! elements open, and one handler per element this crate understands.

use std::borrow::Cow;
use std::ops::RangeBounds;

use quick_xml::events::{BytesDecl, BytesRef, BytesStart, Event as Xml};
use quick_xml::{Reader, XmlVersion, escape};

use crate::error::{CotError, Reason, cut, shown};

const MAX_DEPTH: usize = 16;
const MAX_ELEMENTS: usize = 1024;
const MAX_UID: usize = 256;
const MAX_TYPE: usize = 64;
const MAX_CALLSIGN: usize = 128;
const MAX_ENDPOINT: usize = 256;
const MAX_GROUP: usize = 128;
const MAX_TOKEN: usize = 512;
const MAX_REMARKS: usize = 4096;
const MAX_NUMBER: usize = 64;

/// What CoT writes for an unknown height or error.
pub(crate) const UNKNOWN: f64 = 9_999_999.0;

/// The type of a TAK keep-alive.
const PING: &str = "t-x-c-t";

/// One CoT event: the parts this crate understands.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `event@uid`: who or what the event is about; a client's position
    /// reports all carry its own uid.
    pub uid: String,
    /// `event@type`, such as `a-f-G-U-C` (a friendly ground unit) or
    /// `t-x-c-t` (a ping).
    pub kind: String,
    /// `event@how`: how the position was obtained, such as `m-g` (GPS).
    pub how: Option<String>,
    /// `event@time`, when the event was generated, in Unix milliseconds.
    pub time_ms: i64,
    /// `event@start`, from when it is valid.
    pub start_ms: i64,
    /// `event@stale`, after when it should be disregarded.
    pub stale_ms: i64,
    /// `<point>`.
    pub point: Point,
    /// `<detail><contact>`.
    pub contact: Option<Contact>,
    /// `<detail><__group>`: the team the sender belongs to.
    pub group: Option<Group>,
    /// `<detail><track>`.
    pub track: Option<Track>,
    /// The text of `<detail><remarks>`.
    pub remarks: Option<String>,
    /// `<detail><__deconflict token="…">`: a credential for this service.
    pub token: Option<String>,
}

impl Event {
    /// Whether this is a TAK keep-alive (`t-x-c-t`), to be answered with
    /// [`pong`](crate::pong).
    pub fn is_ping(&self) -> bool {
        self.kind == PING
    }
}

/// Where the event is, on WGS84.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Latitude in degrees, in [-90, 90].
    pub lat: f64,
    /// Longitude in degrees, in [-180, 180].
    pub lon: f64,
    /// Height above the ellipsoid in metres, if known.
    pub hae: Option<f64>,
    /// Circular error (horizontal radius of uncertainty) in metres, if known.
    pub ce: Option<f64>,
    /// Linear error (vertical uncertainty) in metres, if known.
    pub le: Option<f64>,
}

/// Who sent the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The name shown on the map.
    pub callsign: String,
    /// Where the sender takes direct messages, such as `192.168.1.10:4242:tcp`.
    pub endpoint: Option<String>,
}

/// The TAK team of the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The team's colour, such as `Cyan`.
    pub name: String,
    /// The sender's role in it, such as `Team Member`.
    pub role: String,
}

/// How the sender moves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Track {
    /// Speed over ground in metres per second, at least 0.
    pub speed: f64,
    /// Course over ground in degrees clockwise from true north, in [0, 360).
    pub course: f64,
}

/// Reads one event: an `<event>` element, optionally preceded by a BOM, an
/// XML declaration, comments and processing instructions. See the crate
/// documentation for what is understood and what is refused.
pub fn parse(bytes: &[u8]) -> Result<Event, CotError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = Reader::from_reader(bytes);
    let config = reader.config_mut();
    // The stack below checks nesting and names the element at fault.
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.check_comments = true;
    let mut doc = Document::default();
    loop {
        let xml = reader.read_event().map_err(|e| {
            let at = match reader.error_position() {
                0 => reader.buffer_position(),
                at => at,
            };
            let message = cut(&e.to_string(), 200);
            doc.error(Reason::Syntax(format!("{message} (near byte {at})")))
        })?;
        match xml {
            Xml::Start(start) => doc.open(&start)?,
            Xml::Empty(start) => {
                doc.open(&start)?;
                doc.close(None)?;
            }
            Xml::End(end) => doc.close(Some(end.name().into_inner()))?,
            Xml::Text(text) => doc.text(&text.xml10_content(), true)?,
            Xml::CData(data) => doc.text(&data.xml10_content(), false)?,
            Xml::GeneralRef(reference) => {
                let resolved = resolve(&reference).map_err(|reason| doc.error(reason))?;
                doc.text(&resolved, false)?;
            }
            Xml::Decl(decl) => doc.declaration(&decl)?,
            Xml::DocType(_) => return Err(CotError::new("document", Reason::Doctype)),
            Xml::PI(_) | Xml::Comment(_) => {}
            Xml::Eof => return doc.finish(),
        }
    }
}

/// The elements whose meaning is known, by where they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    Event,
    Point,
    Detail,
    Contact,
    Group,
    Track,
    Remarks,
    Token,
    Other,
}

impl Known {
    fn of(parent: Option<Known>, name: &str) -> Known {
        match (parent, name) {
            (None, _) => Known::Event,
            (Some(Known::Event), "point") => Known::Point,
            (Some(Known::Event), "detail") => Known::Detail,
            (Some(Known::Detail), "contact") => Known::Contact,
            (Some(Known::Detail), "__group") => Known::Group,
            (Some(Known::Detail), "track") => Known::Track,
            (Some(Known::Detail), "remarks") => Known::Remarks,
            (Some(Known::Detail), "__deconflict") => Known::Token,
            _ => Known::Other,
        }
    }
}

#[derive(Debug, Default)]
struct Document {
    /// The open elements, the root first.
    open: Vec<(String, Known)>,
    elements: usize,
    root_closed: bool,
    uid: Option<String>,
    kind: Option<String>,
    how: Option<String>,
    times: Option<(i64, i64, i64)>,
    point: Option<Point>,
    detail: bool,
    contact: Option<Contact>,
    group: Option<Group>,
    track: Option<Track>,
    remarks: Option<String>,
    token: Option<String>,
}

impl Document {
    /// The path of the innermost open element.
    fn path(&self) -> String {
        match self.open.as_slice() {
            [] => "document".into(),
            [_] => "event".into(),
            [_, below @ ..] => {
                let names: Vec<&str> = below.iter().map(|(name, _)| name.as_str()).collect();
                names.join("/")
            }
        }
    }

    fn error(&self, reason: Reason) -> CotError {
        CotError::new(self.path(), reason)
    }

    fn declaration(&self, decl: &BytesDecl) -> Result<(), CotError> {
        if self.elements > 0 {
            return Err(CotError::new(
                "document",
                Reason::Syntax("XML declaration after the start".into()),
            ));
        }
        match decl.encoding() {
            Some(Ok(name)) if !name.eq_ignore_ascii_case("utf-8") => {
                Err(CotError::new("document", Reason::Encoding(shown(&name))))
            }
            Some(Err(e)) => Err(CotError::new("document", Reason::Syntax(e.to_string()))),
            _ => Ok(()),
        }
    }

    fn open(&mut self, start: &BytesStart) -> Result<(), CotError> {
        let name = start.name().into_inner();
        xml_name(name).map_err(|reason| self.error(reason))?;
        let parent = self.open.last().map(|&(_, known)| known);
        if parent.is_none() && self.root_closed {
            return Err(CotError::new("document", Reason::AfterEvent));
        }
        self.elements += 1;
        if self.elements > MAX_ELEMENTS {
            return Err(self.error(Reason::TooManyElements(MAX_ELEMENTS)));
        }
        if self.open.len() == MAX_DEPTH {
            return Err(self.error(Reason::TooDeep(MAX_DEPTH)));
        }
        if parent.is_none() && name != "event" {
            return Err(CotError::new("document", Reason::NotEvent(shown(name))));
        }
        let known = Known::of(parent, name);
        self.open.push((name.to_owned(), known));
        if parent.is_some() && name == "event" {
            return Err(self.error(Reason::NestedEvent));
        }
        let path = self.path();
        let attrs = Attributes::read(start, &path)?;
        match known {
            Known::Event => self.event(&attrs),
            Known::Point => once(&mut self.point, &path, || point(&attrs)),
            Known::Detail if self.detail => Err(CotError::new(path, Reason::Duplicate)),
            Known::Detail => {
                self.detail = true;
                Ok(())
            }
            Known::Contact => once(&mut self.contact, &path, || contact(&attrs)),
            Known::Group => once(&mut self.group, &path, || group(&attrs)),
            Known::Track => once(&mut self.track, &path, || track(&attrs)),
            Known::Remarks => once(&mut self.remarks, &path, || Ok(String::new())),
            Known::Token => once(&mut self.token, &path, || {
                attrs.required("token", MAX_TOKEN)
            }),
            Known::Other => Ok(()),
        }
    }

    fn event(&mut self, attrs: &Attributes) -> Result<(), CotError> {
        self.uid = Some(attrs.required("uid", MAX_UID)?);
        self.kind = Some(attrs.required("type", MAX_TYPE)?);
        self.how = attrs.text("how", MAX_TYPE)?;
        let time = attrs.time("time")?;
        self.times = Some((time, attrs.time("start")?, attrs.time("stale")?));
        Ok(())
    }

    /// Closes the innermost element, checking the end tag's name if given.
    fn close(&mut self, end: Option<&str>) -> Result<(), CotError> {
        if let Some(name) = end {
            xml_name(name).map_err(|reason| self.error(reason))?;
        }
        let Some((open, _)) = self.open.last() else {
            let found = shown(end.unwrap_or_default());
            return Err(CotError::new(
                "document",
                Reason::Syntax(format!("</{found}> closes nothing")),
            ));
        };
        if let Some(found) = end.filter(|&found| found != open) {
            return Err(self.error(Reason::Mismatched {
                open: shown(open),
                found: shown(found),
            }));
        }
        self.open.pop();
        self.root_closed = self.open.is_empty();
        Ok(())
    }

    /// Character data: kept only in `<remarks>`; outside the event only
    /// whitespace text is allowed.
    fn text(&mut self, text: &str, may_be_space: bool) -> Result<(), CotError> {
        match self.open.last() {
            None if may_be_space && text.bytes().all(|b| b" \t\r\n".contains(&b)) => Ok(()),
            None if self.root_closed => Err(CotError::new("document", Reason::AfterEvent)),
            None => Err(CotError::new("document", Reason::BeforeEvent)),
            Some((_, Known::Remarks)) => {
                let remarks = self.remarks.get_or_insert_default();
                if remarks.len() + text.len() > MAX_REMARKS {
                    return Err(self.error(Reason::TooLong(MAX_REMARKS)));
                }
                remarks.push_str(text);
                Ok(())
            }
            Some(_) => Ok(()),
        }
    }

    fn finish(self) -> Result<Event, CotError> {
        if let Some((name, _)) = self.open.last() {
            return Err(self.error(Reason::Unclosed(shown(name))));
        }
        let (Some(uid), Some(kind), Some((time_ms, start_ms, stale_ms))) =
            (self.uid, self.kind, self.times)
        else {
            return Err(CotError::new("document", Reason::NoEvent));
        };
        let point = self
            .point
            .ok_or_else(|| CotError::new("point", Reason::Missing))?;
        Ok(Event {
            uid,
            kind,
            how: self.how,
            time_ms,
            start_ms,
            stale_ms,
            point,
            contact: self.contact,
            group: self.group,
            track: self.track,
            remarks: self.remarks,
            token: self.token,
        })
    }
}

/// Fills a part that may appear only once.
fn once<T>(
    slot: &mut Option<T>,
    path: &str,
    read: impl FnOnce() -> Result<T, CotError>,
) -> Result<(), CotError> {
    if slot.is_some() {
        return Err(CotError::new(path, Reason::Duplicate));
    }
    *slot = Some(read()?);
    Ok(())
}

fn point(attrs: &Attributes) -> Result<Point, CotError> {
    Ok(Point {
        lat: attrs.required_number("lat", -90.0..=90.0, "[-90, 90]")?,
        lon: attrs.required_number("lon", -180.0..=180.0, "[-180, 180]")?,
        hae: attrs.measure("hae", .., "")?,
        ce: attrs.measure("ce", 0.0.., "[0, ∞)")?,
        le: attrs.measure("le", 0.0.., "[0, ∞)")?,
    })
}

fn contact(attrs: &Attributes) -> Result<Contact, CotError> {
    Ok(Contact {
        callsign: attrs.present("callsign", MAX_CALLSIGN)?,
        endpoint: attrs.text("endpoint", MAX_ENDPOINT)?,
    })
}

fn group(attrs: &Attributes) -> Result<Group, CotError> {
    Ok(Group {
        name: attrs.present("name", MAX_GROUP)?,
        role: attrs.present("role", MAX_GROUP)?,
    })
}

fn track(attrs: &Attributes) -> Result<Track, CotError> {
    Ok(Track {
        speed: attrs.required_number("speed", 0.0.., "[0, ∞)")?,
        course: attrs.required_number("course", 0.0..360.0, "[0, 360)")?,
    })
}

/// A decimal number as CoT writes it: digits, an optional sign, point and
/// exponent; no `NaN`, `inf`, hex or comma, and nothing too large for an
/// `f64`.
fn number(text: &str) -> Result<f64, Reason> {
    let decimal = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    match text.parse::<f64>() {
        Ok(value) if decimal && value.is_finite() => Ok(value),
        Ok(_) if decimal => Err(Reason::NotFinite(shown(text))),
        _ => Err(Reason::NotANumber(shown(text))),
    }
}

/// An element's attributes, well-formed and unescaped, and its path for
/// messages.
struct Attributes<'a> {
    path: &'a str,
    list: Vec<(&'a str, Cow<'a, str>)>,
}

impl<'a> Attributes<'a> {
    /// Reads them all, whether understood or not, so that an event is
    /// refused for any malformed attribute.
    fn read(start: &'a BytesStart<'a>, path: &'a str) -> Result<Self, CotError> {
        let mut list = Vec::new();
        for attr in start.attributes() {
            let attr = attr.map_err(|e| CotError::new(path, Reason::Syntax(e.to_string())))?;
            let name = attr.key.into_inner();
            xml_name(name).map_err(|reason| CotError::new(path, reason))?;
            let at = || format!("{path}@{}", shown(name));
            if attr.value.contains('<') {
                return Err(CotError::new(
                    at(),
                    Reason::Syntax("`<` in an attribute value".into()),
                ));
            }
            let value = attr
                .normalized_value_with(XmlVersion::Implicit1_0, 1, escape::resolve_xml_entity)
                .map_err(|e| CotError::new(at(), escape_error(e)))?;
            list.push((name, value));
        }
        Ok(Self { path, list })
    }

    fn error(&self, name: &str, reason: Reason) -> CotError {
        CotError::new(format!("{}@{name}", self.path), reason)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_ref())
    }

    /// An optional attribute of at most `max` bytes.
    fn text(&self, name: &str, max: usize) -> Result<Option<String>, CotError> {
        match self.get(name) {
            Some(value) if value.len() > max => Err(self.error(name, Reason::TooLong(max))),
            value => Ok(value.map(str::to_owned)),
        }
    }

    /// A required attribute, possibly empty.
    fn present(&self, name: &str, max: usize) -> Result<String, CotError> {
        self.text(name, max)?
            .ok_or_else(|| self.error(name, Reason::Missing))
    }

    /// A required attribute, not empty.
    fn required(&self, name: &str, max: usize) -> Result<String, CotError> {
        let value = self.present(name, max)?;
        if value.is_empty() {
            return Err(self.error(name, Reason::Empty));
        }
        Ok(value)
    }

    /// An optional number in `range` (written `shown` in messages).
    fn number(
        &self,
        name: &str,
        range: impl RangeBounds<f64>,
        shown_range: &'static str,
    ) -> Result<Option<f64>, CotError> {
        let Some(text) = self.text(name, MAX_NUMBER)? else {
            return Ok(None);
        };
        let value = number(&text).map_err(|reason| self.error(name, reason))?;
        if !range.contains(&value) {
            let reason = Reason::OutOfRange {
                value: shown(&text),
                range: shown_range,
            };
            return Err(self.error(name, reason));
        }
        Ok(Some(value))
    }

    fn required_number(
        &self,
        name: &str,
        range: impl RangeBounds<f64>,
        shown_range: &'static str,
    ) -> Result<f64, CotError> {
        self.number(name, range, shown_range)?
            .ok_or_else(|| self.error(name, Reason::Missing))
    }

    /// A height or an error, `None` if unknown: absent or CoT's `9999999`.
    fn measure(
        &self,
        name: &str,
        range: impl RangeBounds<f64>,
        shown_range: &'static str,
    ) -> Result<Option<f64>, CotError> {
        let value = self.number(name, range, shown_range)?;
        Ok(value.filter(|&v| v != UNKNOWN))
    }

    fn time(&self, name: &str) -> Result<i64, CotError> {
        let text = self.present(name, MAX_NUMBER)?;
        deconflict_rfc3339::parse(&text)
            .map_err(|_| self.error(name, Reason::NotATime(shown(&text))))
    }
}

/// Checks a name against XML's rules, for the ASCII characters: letters,
/// digits, `_`, `-`, `.` and `:`, not beginning with a digit, `-` or `.`.
/// The XML reader takes whatever lies between `<` and whitespace or `>`.
fn xml_name(name: &str) -> Result<(), Reason> {
    let allowed = |b: u8| !b.is_ascii() || b.is_ascii_alphanumeric() || b"_-.:".contains(&b);
    match name.as_bytes() {
        [first, rest @ ..]
            if allowed(*first)
                && !first.is_ascii_digit()
                && !b"-.".contains(first)
                && rest.iter().all(|&b| allowed(b)) =>
        {
            Ok(())
        }
        _ => Err(Reason::Syntax(format!(
            "`{}` is not an XML name",
            shown(name)
        ))),
    }
}

fn escape_error(e: quick_xml::Error) -> Reason {
    match e {
        quick_xml::Error::Escape(escape::EscapeError::UnrecognizedEntity(_, name)) => {
            Reason::Entity(shown(&name))
        }
        other => Reason::Syntax(other.to_string()),
    }
}

/// The text an entity or character reference stands for: only the five
/// predefined entities and character references are known.
fn resolve(reference: &BytesRef) -> Result<String, Reason> {
    match reference.resolve_char_ref() {
        Ok(Some(c)) => Ok(c.to_string()),
        Ok(None) => escape::resolve_xml_entity(reference)
            .map(str::to_owned)
            .ok_or_else(|| Reason::Entity(shown(reference))),
        Err(e) => Err(Reason::Syntax(e.to_string())),
    }
}
