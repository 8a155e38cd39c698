//! Why an event was refused.

/// An event refused by [`parse`](crate::parse): where, and what is wrong
/// there. Displays as `point@lat: \`12,5\` is not a number`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct CotError {
    /// Where: `document` for the document as a whole, `event` for the root
    /// element, otherwise the path below it, `point`, `detail/remarks`, with
    /// `@name` for an attribute: `event@uid`, `detail/contact@callsign`.
    pub path: String,
    /// What is wrong there.
    pub reason: Reason,
}

/// What is wrong with a part of an event. Quoted values and names are cut
/// to 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Reason {
    /// Not well-formed XML, as the XML reader says.
    #[error("malformed XML: {0}")]
    Syntax(String),
    /// A `<!DOCTYPE>`: its entity declarations could expand without bound
    /// or read files, so none is accepted.
    #[error("DOCTYPE is not allowed (no DTD, no entity declarations)")]
    Doctype,
    /// A reference to an entity other than the five XML predefines.
    #[error(
        "entity `&{0};` is not allowed (only &lt; &gt; &amp; &quot; &apos; and character references)"
    )]
    Entity(String),
    /// An XML declaration naming an encoding other than UTF-8.
    #[error("encoding `{0}` is not supported: CoT is UTF-8")]
    Encoding(String),
    /// The root element is not `<event>`.
    #[error("root element is <{0}>, not <event>")]
    NotEvent(String),
    /// The document has no element.
    #[error("no <event>")]
    NoEvent,
    /// An `<event>` inside the event.
    #[error("<event> inside <event>")]
    NestedEvent,
    /// Text or an element after `</event>`.
    #[error("content after </event>")]
    AfterEvent,
    /// Text before `<event>`.
    #[error("text before <event>")]
    BeforeEvent,
    /// The document ends inside this element.
    #[error("<{0}> is not closed")]
    Unclosed(String),
    /// An end tag that does not close the element it is in.
    #[error("</{found}> does not close <{open}>")]
    Mismatched {
        /// The element open here.
        open: String,
        /// The end tag found.
        found: String,
    },
    /// More elements than an event may have.
    #[error("more than {0} elements")]
    TooManyElements(usize),
    /// Elements nested deeper than an event may nest them.
    #[error("nested deeper than {0} elements")]
    TooDeep(usize),
    /// A value longer than this part may be, in bytes.
    #[error("longer than {0} bytes")]
    TooLong(usize),
    /// A required attribute or element is absent.
    #[error("missing")]
    Missing,
    /// A required value is empty.
    #[error("empty")]
    Empty,
    /// An element that may appear once appears again.
    #[error("appears more than once")]
    Duplicate,
    /// Not a decimal number.
    #[error("`{0}` is not a number")]
    NotANumber(String),
    /// A number too large to represent, such as `1e999`.
    #[error("`{0}` is not a finite number")]
    NotFinite(String),
    /// A number outside the range this value must lie in.
    #[error("`{value}` is outside {range}")]
    OutOfRange {
        /// The number as written.
        value: String,
        /// The range it must lie in.
        range: &'static str,
    },
    /// Not an RFC 3339 date-time.
    #[error("`{0}` is not an RFC 3339 time such as 2020-01-03T10:02:00Z")]
    NotATime(String),
}

impl CotError {
    pub(crate) fn new(path: impl Into<String>, reason: Reason) -> Self {
        Self {
            path: path.into(),
            reason,
        }
    }
}

/// Text from the input, cut short enough to quote in a message.
pub(crate) fn shown(text: &str) -> String {
    cut(text, 64)
}

/// Text cut to at most `max` characters.
pub(crate) fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}
