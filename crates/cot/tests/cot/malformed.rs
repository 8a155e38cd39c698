//! The catalogue in `tests/malformed/`: each file is one way a client can
//! get it wrong, its first line a comment saying what the splitter gives
//! for it in a stream and how the parser refuses it as a whole document:
//!
//! `<!-- stream: ITEM ; ITEM … | whole: MESSAGE -->`
//!
//! where an item is `event` (an event that reads), `refused MESSAGE` (an
//! event the parser refuses with a message beginning so), `garbage`,
//! `oversized` or `unterminated`. `&lt;` stands for `<`, so that the line
//! does not hold an `<event` the splitter would take for an event. In the
//! stream each file lies between two good events, which must come out
//! whatever is between them.

use deconflict_cot::{Skipped, Splitter, parse};

use crate::{data, split_all};

/// The catalogue's streams use a smaller limit, to keep its files small.
const MAX: usize = 8 * 1024;

fn good(uid: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><event version="2.0" uid="{uid}" type="a-f-G-U-C" time="2024-05-14T09:30:12Z" start="2024-05-14T09:30:12Z" stale="2024-05-14T09:35:12Z"><point lat="33.3" lon="44.4" hae="9999999.0" ce="9999999.0" le="9999999.0"/><detail/></event>"#
    )
}

/// The expectations of a file's first line, and the rest of the file.
fn expectations(file: &[u8]) -> (Vec<String>, String, &[u8]) {
    let end = file.iter().position(|&b| b == b'\n').expect("a first line");
    let line = std::str::from_utf8(&file[..end])
        .expect("a UTF-8 first line")
        .replace("&lt;", "<");
    let spec = line
        .strip_prefix("<!-- stream: ")
        .and_then(|s| s.strip_suffix(" -->"))
        .expect("<!-- stream: … | whole: … -->");
    let (stream, whole) = spec.split_once(" | whole: ").expect("a whole: part");
    let items = stream.split(" ; ").map(str::to_owned).collect();
    (items, whole.to_owned(), &file[end + 1..])
}

#[track_caller]
fn check_item(name: &str, item: &Result<Vec<u8>, Skipped>, expected: &str) {
    let ok = match (expected, item) {
        ("event", Ok(bytes)) => parse(bytes).map_err(|e| panic!("{name}: {e}")).is_ok(),
        ("garbage", Err(Skipped::Garbage { .. }))
        | ("oversized", Err(Skipped::Oversized { .. }))
        | ("unterminated", Err(Skipped::Unterminated { .. })) => true,
        (refused, Ok(bytes)) if refused.starts_with("refused ") => {
            let message = &refused["refused ".len()..];
            let err = parse(bytes).expect_err(name).to_string();
            assert!(
                err.contains(message),
                "{name}: refused with `{err}`, wanted `{message}`"
            );
            true
        }
        _ => false,
    };
    assert!(ok, "{name}: got {item:?}, wanted {expected}");
}

#[test]
fn every_malformed_input_is_reported_and_the_stream_goes_on() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/malformed")
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".xml"))
        .collect();
    names.sort();
    assert!(names.len() >= 20, "the catalogue is all there");
    for name in names {
        let file = data(&format!("malformed/{name}"));
        let (items, whole, body) = expectations(&file);

        let err = parse(body).expect_err(&name).to_string();
        assert!(
            err.contains(&whole),
            "{name}: whole document refused with `{err}`, wanted `{whole}`"
        );

        let (before, after) = (good("before"), good("after"));
        let stream = [before.as_bytes(), b"\n", &file, b"\n", after.as_bytes()].concat();
        let got = split_all(MAX, &stream);
        assert_eq!(got.len(), items.len() + 2, "{name}: {got:?}");
        let first = parse(got[0].as_ref().expect("the event before")).expect("reads");
        let last = parse(got[got.len() - 1].as_ref().expect("the event after")).expect("reads");
        assert_eq!(
            (first.uid.as_str(), last.uid.as_str()),
            ("before", "after"),
            "{name}"
        );
        for (item, expected) in got[1..got.len() - 1].iter().zip(&items) {
            check_item(&name, item, expected);
        }

        // Byte by byte, the same.
        let mut splitter = Splitter::with_max_event_bytes(MAX);
        let mut trickled = Vec::new();
        for byte in &stream {
            splitter.push(std::slice::from_ref(byte));
            trickled.extend(&mut splitter);
        }
        splitter.finish();
        trickled.extend(splitter);
        assert_eq!(trickled, got, "{name}");
    }
}
