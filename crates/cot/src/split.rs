//! Cutting a byte stream into events.
//!
//! The splitter is a byte-at-a-time state machine: what it yields depends
//! only on the bytes pushed, never on how they were chunked. It keeps the
//! bytes of the event it is inside (at most the limit, plus one) and a few
//! counters; everything else is decided and dropped as it arrives.

use std::collections::VecDeque;

/// The default largest event, in bytes: a position report is well under
/// 2 KiB, and the biggest events TAK clients send routinely (routes, shapes)
/// stay below this.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 64 * 1024;

/// What the splitter skipped instead of yielding an event. None of these
/// stops the stream: the next `<event` is read as usual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Skipped {
    /// Bytes between events that are not whitespace, a byte order mark, an
    /// XML declaration or processing instruction, or a comment. Reported when
    /// the next event begins, when the stream is finished, and after every
    /// limit's worth of bytes skipped without an event.
    #[error("{bytes} bytes of garbage between events")]
    Garbage {
        /// How many bytes were garbage.
        bytes: usize,
    },
    /// An event grew past the limit. Reported as soon as it does; the rest of
    /// it is skipped, as the splitter looks for the next `<event`, and not
    /// counted as garbage.
    #[error("event longer than {limit} bytes")]
    Oversized {
        /// The limit it passed.
        limit: usize,
    },
    /// An event was cut off: another `<event` began, or the stream was
    /// finished, before its `</event>`.
    #[error("event of {bytes} bytes cut off before its </event>")]
    Unterminated {
        /// How many bytes of it had arrived.
        bytes: usize,
    },
}

/// Cuts a stream of back-to-back CoT events into one byte string per event,
/// from `<event` through `</event>` (or a self-closing `<event .../>`).
///
/// [`push`](Self::push) the bytes as they are read, then take the items with
/// [`Iterator::next`] until it gives `None`; it gives more after the next
/// push. [`finish`](Self::finish) says the stream has ended, so that a cut-off
/// event or trailing garbage is reported too.
///
/// Outside an event the splitter looks only for `<event` followed by
/// whitespace, `>` or `/`. Inside one it follows the markup: `</event>` inside
/// a comment, a CDATA section or a processing instruction does not end the
/// event, and a `<` anywhere else begins a tag (it is not allowed in attribute
/// values), so an `<event` start tag inside an event cuts the first one off
/// and begins the next. A comment, CDATA section or instruction left open
/// inside an event hides what follows only until the event passes the
/// limit. It does not check that the event is well-formed;
/// [`parse`](crate::parse) does.
#[derive(Debug, Clone)]
pub struct Splitter {
    max: usize,
    out: VecDeque<Result<Vec<u8>, Skipped>>,
    state: State,
}

#[derive(Debug, Clone)]
enum State {
    Outside(Outside),
    Inside(Inside),
}

impl Default for Splitter {
    fn default() -> Self {
        Self::new()
    }
}

impl Splitter {
    /// A splitter whose largest event is [`DEFAULT_MAX_EVENT_BYTES`].
    pub fn new() -> Self {
        Self::with_max_event_bytes(DEFAULT_MAX_EVENT_BYTES)
    }

    /// A splitter whose largest event is `max` bytes.
    pub fn with_max_event_bytes(max: usize) -> Self {
        Self {
            max,
            out: VecDeque::new(),
            state: State::Outside(Outside::default()),
        }
    }

    /// Reads more of the stream. The items it completes are queued for
    /// [`Iterator::next`]; take them before pushing much more, since the
    /// queue holds every item until it is taken.
    pub fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.step(b);
        }
    }

    /// Ends the stream: an event still open is reported as
    /// [`Skipped::Unterminated`], garbage since the last event as
    /// [`Skipped::Garbage`].
    /// The splitter is then ready for a new stream.
    pub fn finish(&mut self) {
        match std::mem::replace(&mut self.state, State::Outside(Outside::default())) {
            State::Outside(outside) => self.report_garbage(outside.garbage()),
            State::Inside(inside) => {
                let bytes = inside.kept.len();
                self.out.push_back(Err(Skipped::Unterminated { bytes }));
            }
        }
    }

    fn step(&mut self, b: u8) {
        match &mut self.state {
            State::Outside(outside) => {
                if let Some(delimiter) = outside.step(b) {
                    let garbage = outside.garbage();
                    self.report_garbage(garbage);
                    self.state = State::Inside(Inside::begin(delimiter));
                } else if outside.skipped >= self.max && outside.at_rest() {
                    let garbage = outside.garbage();
                    outside.restart_count();
                    self.report_garbage(garbage);
                }
            }
            State::Inside(inside) => {
                inside.kept.push(b);
                match inside.lexer.step(b) {
                    Step::Continue if inside.kept.len() > self.max => {
                        self.out
                            .push_back(Err(Skipped::Oversized { limit: self.max }));
                        self.state = State::Outside(Outside::after_oversized());
                    }
                    Step::Continue => {}
                    Step::End => {
                        let event = std::mem::take(&mut inside.kept);
                        self.out.push_back(if event.len() > self.max {
                            Err(Skipped::Oversized { limit: self.max })
                        } else {
                            Ok(event)
                        });
                        self.state = State::Outside(Outside::default());
                    }
                    Step::NextEvent(delimiter) => {
                        let bytes = inside.kept.len() - EVENT_START.len() - 1;
                        self.out.push_back(Err(Skipped::Unterminated { bytes }));
                        *inside = Inside::begin(delimiter);
                    }
                }
            }
        }
    }

    fn report_garbage(&mut self, bytes: usize) {
        if bytes > 0 {
            self.out.push_back(Err(Skipped::Garbage { bytes }));
        }
    }
}

/// The items in stream order: an event's bytes, or what was skipped. Not
/// fused: `None` means "push more".
impl Iterator for Splitter {
    type Item = Result<Vec<u8>, Skipped>;

    fn next(&mut self) -> Option<Self::Item> {
        self.out.pop_front()
    }
}

const EVENT_START: &[u8] = b"<event";
const BOM: &[u8] = b"\xEF\xBB\xBF";

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn ends_name(b: u8) -> bool {
    is_space(b) || b == b'>' || b == b'/'
}

/// Between events: a matcher for `<event` and, beside it, a tally of the
/// skipped bytes that are harmless (whitespace, BOMs, closed processing
/// instructions and comments). Whatever is skipped and not harmless is
/// garbage.
#[derive(Debug, Clone, Default)]
struct Outside {
    /// How many bytes of `<event` the latest bytes match.
    matched: usize,
    skipped: usize,
    harmless: usize,
    prologue: Prologue,
    /// Skipping the rest of an oversized event, which is not garbage.
    quiet: bool,
}

/// Where a byte between events falls, for the tally.
#[derive(Debug, Clone, Copy, Default)]
enum Prologue {
    #[default]
    Text,
    /// So many bytes of a BOM.
    Bom(usize),
    Lt,
    /// `<!` and, if true, a `-`.
    Bang(bool),
    /// Inside `<?`…`?>`: its length so far, and whether the last byte was `?`.
    Pi(usize, bool),
    /// Inside `<!--`…`-->`: its length so far, and how many `-` ended it.
    Comment(usize, usize),
}

impl Outside {
    fn after_oversized() -> Self {
        Self {
            quiet: true,
            ..Self::default()
        }
    }

    /// Takes one byte; gives the delimiter after `<event` when one begins.
    fn step(&mut self, b: u8) -> Option<u8> {
        if self.matched == EVENT_START.len() && ends_name(b) {
            // The `<event` bytes were counted as skipped; they are not.
            self.skipped -= EVENT_START.len();
            return Some(b);
        }
        self.matched = if EVENT_START.get(self.matched) == Some(&b) {
            self.matched + 1
        } else {
            usize::from(b == b'<')
        };
        self.skipped += 1;
        self.tally(b);
        None
    }

    fn tally(&mut self, b: u8) {
        use Prologue::*;
        self.prologue = match (self.prologue, b) {
            (Text, b'<') => Lt,
            (Text, _) if is_space(b) => {
                self.harmless += 1;
                Text
            }
            (Text, 0xEF) => Bom(1),
            (Bom(n), _) if BOM[n] == b => {
                if n + 1 == BOM.len() {
                    self.harmless += BOM.len();
                    Text
                } else {
                    Bom(n + 1)
                }
            }
            (Lt, b'?') => Pi(2, false),
            (Lt, b'!') => Bang(false),
            (Bang(false), b'-') => Bang(true),
            (Bang(true), b'-') => Comment(4, 0),
            (Pi(n, true), b'>') => {
                self.harmless += n + 1;
                Text
            }
            (Pi(n, _), _) => Pi(n + 1, b == b'?'),
            (Comment(n, dashes), b'>') if dashes >= 2 => {
                self.harmless += n + 1;
                Text
            }
            (Comment(n, dashes), _) => Comment(n + 1, if b == b'-' { dashes + 1 } else { 0 }),
            // A false start: its bytes are garbage, and this byte starts afresh.
            (Bom(_) | Lt | Bang(_), _) => {
                self.prologue = Text;
                return self.tally(b);
            }
            (Text, _) => Text,
        };
    }

    /// Whether no `<event` or prologue construct has just begun, so that the
    /// count can start afresh.
    fn at_rest(&self) -> bool {
        self.matched == 0
            && matches!(
                self.prologue,
                Prologue::Text | Prologue::Pi(..) | Prologue::Comment(..)
            )
    }

    fn garbage(&self) -> usize {
        if self.quiet {
            0
        } else {
            self.skipped - self.harmless
        }
    }

    /// Starts a new run of skipped bytes; an open comment or instruction
    /// counts from here.
    fn restart_count(&mut self) {
        self.skipped = 0;
        self.harmless = 0;
        self.prologue = match self.prologue {
            Prologue::Pi(_, question) => Prologue::Pi(0, question),
            Prologue::Comment(_, dashes) => Prologue::Comment(0, dashes),
            other => other,
        };
    }
}

/// Inside an event: its bytes so far, and where the lexer is in its markup.
#[derive(Debug, Clone)]
struct Inside {
    kept: Vec<u8>,
    lexer: Lexer,
}

impl Inside {
    fn begin(delimiter: u8) -> Self {
        let mut kept = EVENT_START.to_vec();
        kept.push(delimiter);
        let lexer = match delimiter {
            b'>' => Lexer::Content,
            _ => Lexer::Tag(InTag {
                root: true,
                quote: None,
                slash: delimiter == b'/',
            }),
        };
        Self { kept, lexer }
    }
}

/// What one byte inside an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Continue,
    /// It ended the event.
    End,
    /// It completed an `<event` start tag's name: a new event begins, and
    /// this delimiter follows its name.
    NextEvent(u8),
}

/// The markup of an event, just enough to find its end.
#[derive(Debug, Clone, Copy)]
enum Lexer {
    Content,
    Tag(InTag),
    /// Just after `<`.
    Lt,
    StartName(Name),
    /// An end tag's name, and whether whitespace has followed it.
    EndName(Name, bool),
    /// `<!`.
    Bang,
    /// `<!-`.
    BangDash,
    /// `<![` and so many bytes of `CDATA[`.
    BangCData(usize),
    /// Any other `<!`, up to `>`.
    Declaration,
    /// How many `-` ended it so far.
    Comment(usize),
    /// How many `]` ended it so far.
    CData(usize),
    /// Whether the last byte was `?`.
    Pi(bool),
}

/// Inside a start tag: whether it is the event's own, the quote of the
/// attribute value we are in, and whether the last byte was `/`.
#[derive(Debug, Clone, Copy)]
struct InTag {
    root: bool,
    quote: Option<u8>,
    slash: bool,
}

impl InTag {
    fn after(self, b: u8) -> Self {
        let quote = match self.quote {
            Some(q) => (b != q).then_some(q),
            None => matches!(b, b'"' | b'\'').then_some(b),
        };
        let slash = self.quote.is_none() && b == b'/';
        Self {
            quote,
            slash,
            ..self
        }
    }
}

/// Whether a tag's name, read so far, could still be `event`.
#[derive(Debug, Clone, Copy, Default)]
struct Name {
    len: usize,
    other: bool,
}

impl Name {
    const OTHER: Self = Self {
        len: 0,
        other: true,
    };

    fn push(mut self, b: u8) -> Self {
        if !self.other && b"event".get(self.len) == Some(&b) {
            self.len += 1;
        } else {
            self.other = true;
        }
        self
    }

    fn is_event(self) -> bool {
        !self.other && self.len == b"event".len()
    }
}

/// `n` plus one if `b` is `of`, else 0: how many of a byte end the input.
fn run(n: usize, b: u8, of: u8) -> usize {
    if b == of { n + 1 } else { 0 }
}

impl Lexer {
    fn step(&mut self, b: u8) -> Step {
        use Lexer::*;
        let go = |next| (next, Step::Continue);
        let (next, step) = match (*self, b) {
            (Comment(n), b'>') | (CData(n), b'>') if n >= 2 => go(Content),
            (Comment(n), _) => go(Comment(run(n, b, b'-'))),
            (CData(n), _) => go(CData(run(n, b, b']'))),
            (Pi(true), b'>') => go(Content),
            (Pi(_), _) => go(Pi(b == b'?')),
            // Outside comments, CDATA and instructions, `<` always begins markup.
            (_, b'<') => go(Lt),
            (Content, _) => go(Content),
            (Tag(tag), b'>') if tag.quote.is_none() => {
                let end = tag.root && tag.slash;
                (Content, if end { Step::End } else { Step::Continue })
            }
            (Tag(tag), _) => go(Tag(tag.after(b))),
            (Lt, b'/') => go(EndName(Name::default(), false)),
            (Lt, b'!') => go(Bang),
            (Lt, b'?') => go(Pi(false)),
            (Lt, _) => {
                *self = StartName(Name::default());
                return self.step(b);
            }
            (StartName(name), _) if ends_name(b) && name.is_event() => {
                (Content, Step::NextEvent(b))
            }
            (StartName(_), _) if ends_name(b) => {
                *self = Tag(InTag {
                    root: false,
                    quote: None,
                    slash: false,
                });
                return self.step(b);
            }
            (StartName(name), _) => go(StartName(name.push(b))),
            (EndName(name, _), b'>') if name.is_event() => (Content, Step::End),
            (EndName(..), b'>') => go(Content),
            (EndName(name, _), _) if is_space(b) => go(EndName(name, true)),
            (EndName(_, true), _) => go(EndName(Name::OTHER, true)),
            (EndName(name, false), _) => go(EndName(name.push(b), false)),
            (Bang, b'-') => go(BangDash),
            (BangDash, b'-') => go(Comment(0)),
            (Bang, b'[') => go(BangCData(0)),
            (BangCData(n), _) if b"CDATA[".get(n) == Some(&b) => go(if n + 1 == 6 {
                CData(0)
            } else {
                BangCData(n + 1)
            }),
            (Bang | BangDash | BangCData(_) | Declaration, b'>') => go(Content),
            (Bang | BangDash | BangCData(_) | Declaration, _) => go(Declaration),
        };
        *self = next;
        step
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(max: usize, input: &[u8]) -> Vec<Result<String, Skipped>> {
        let mut splitter = Splitter::with_max_event_bytes(max);
        splitter.push(input);
        splitter.finish();
        splitter
            .map(|item| item.map(|bytes| String::from_utf8(bytes).unwrap()))
            .collect()
    }

    #[track_caller]
    fn check(input: &str, expected: &[Result<&str, Skipped>]) {
        let got = split(1024, input.as_bytes());
        let expected: Vec<_> = expected.iter().map(|r| r.map(str::to_owned)).collect();
        assert_eq!(got, expected, "{input:?}");
    }

    use Skipped::*;

    #[test]
    fn events_between_prologues_whitespace_and_boms() {
        check(
            "\u{feff}<?xml version=\"1.0\"?>\n<event a='1'><point/></event>\r\n\
             <!-- keep-alive --><?xml version='1.0'?><event>x</event >\u{feff} <event/>",
            &[
                Ok("<event a='1'><point/></event>"),
                Ok("<event>x</event >"),
                Ok("<event/>"),
            ],
        );
    }

    #[test]
    fn end_tags_in_comments_cdata_and_instructions_do_not_end_an_event() {
        let event =
            "<event><!-- </event> --><r><![CDATA[</event>]]]></r><?pi </event>?><a b='>'/></event>";
        check(&format!("{event}{event}"), &[Ok(event), Ok(event)]);
    }

    #[test]
    fn names_that_only_begin_like_event_are_not_events() {
        check(
            "<events/><eventx></eventx><event><events></events></eventy></event>",
            &[
                Err(Garbage { bytes: 26 }),
                Ok("<event><events></events></eventy></event>"),
            ],
        );
    }

    #[test]
    fn garbage_is_counted_and_reported_before_the_next_event() {
        check(
            "hello<event/>",
            &[Err(Garbage { bytes: 5 }), Ok("<event/>")],
        );
        check("<event/>junk", &[Ok("<event/>"), Err(Garbage { bytes: 4 })]);
        check(
            "<!-- open <event/>",
            &[Err(Garbage { bytes: 10 }), Ok("<event/>")],
        );
        check(
            "<?xml <event/>",
            &[Err(Garbage { bytes: 6 }), Ok("<event/>")],
        );
        check("\u{feff}\u{feff}\n\t <event/>", &[Ok("<event/>")]);
        let half_bom = split(1024, b"\xEF\xBB<event/>");
        assert_eq!(
            half_bom,
            vec![Err(Garbage { bytes: 2 }), Ok("<event/>".into())]
        );
    }

    #[test]
    fn a_new_event_cuts_off_an_unterminated_one() {
        check(
            "<event><detail><event/></event>",
            &[
                Err(Unterminated { bytes: 15 }),
                Ok("<event/>"),
                Err(Garbage { bytes: 8 }),
            ],
        );
        check(
            "<event><a x=\"<event>",
            &[
                Err(Unterminated { bytes: 13 }),
                Err(Unterminated { bytes: 7 }),
            ],
        );
    }

    #[test]
    fn the_end_of_the_stream_cuts_off_an_open_event() {
        check("<event><point/>", &[Err(Unterminated { bytes: 15 })]);
    }

    #[test]
    fn oversized_events_are_skipped_and_the_stream_goes_on() {
        let big = format!("<event>{}</event>", "x".repeat(2000));
        check(
            &format!("{big}<event/>{big}"),
            &[
                Err(Oversized { limit: 1024 }),
                Ok("<event/>"),
                Err(Oversized { limit: 1024 }),
            ],
        );
        // Cut off while oversized: reported once.
        check(
            &format!("{big}{big}").replace("</event>", ""),
            &[
                Err(Oversized { limit: 1024 }),
                Err(Oversized { limit: 1024 }),
            ],
        );
    }

    #[test]
    fn an_unclosed_comment_hides_the_stream_only_up_to_the_limit() {
        let open = format!("<event><!-- {}", "x".repeat(1000));
        check(
            &format!("{open}<event/></event><event/>"),
            &[Err(Oversized { limit: 1024 }), Ok("<event/>")],
        );
    }

    #[test]
    fn an_event_of_exactly_the_limit_passes() {
        let event = format!("<event>{}</event>", "x".repeat(1024 - 15));
        assert_eq!(event.len(), 1024);
        check(&event, &[Ok(event.as_str())]);
        let event = format!("<event>{}</event>", "x".repeat(1024 - 14));
        check(&event, &[Err(Oversized { limit: 1024 })]);
    }

    #[test]
    fn endless_garbage_is_reported_every_limit() {
        let got = split(1024, "z".repeat(3000).as_bytes());
        assert_eq!(
            got,
            vec![
                Err(Garbage { bytes: 1024 }),
                Err(Garbage { bytes: 1024 }),
                Err(Garbage { bytes: 952 })
            ]
        );
    }
}
