//! Arbitrary bytes as a CoT stream, pushed in arbitrary chunks: the splitter
//! and the parser must never panic, the splitter must give the same items
//! however the stream is chunked and never an event over its limit, and
//! every event the parser accepts must be in range.
#![no_main]

use deconflict_cot::{Skipped, Splitter, parse};
use libfuzzer_sys::fuzz_target;

/// A small limit, so that oversized events are within the fuzzer's reach.
const MAX: usize = 512;

fn items<'a>(chunks: impl Iterator<Item = &'a [u8]>) -> Vec<Result<Vec<u8>, Skipped>> {
    let mut splitter = Splitter::with_max_event_bytes(MAX);
    let mut items = Vec::new();
    for chunk in chunks {
        splitter.push(chunk);
        items.extend(&mut splitter);
    }
    splitter.finish();
    items.extend(splitter);
    items
}

fuzz_target!(|data: &[u8]| {
    // The first byte sets the chunk sizes; the rest is the stream.
    let Some((&seed, stream)) = data.split_first() else {
        return;
    };
    let sizes = [1, 2, 3, 7, 16, 64, 1000];
    let mut rest = stream;
    let mut i = usize::from(seed);
    let chunked = items(std::iter::from_fn(|| {
        if rest.is_empty() {
            return None;
        }
        let size = sizes[i % sizes.len()].min(rest.len());
        i = i / sizes.len() + usize::from(rest[0]);
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        Some(chunk)
    }));
    assert_eq!(chunked, items(std::iter::once(stream)));
    for event in chunked.into_iter().flatten() {
        assert!(event.len() <= MAX && event.starts_with(b"<event"));
        if let Ok(event) = parse(&event) {
            let p = event.point;
            assert!((-90.0..=90.0).contains(&p.lat) && (-180.0..=180.0).contains(&p.lon));
            assert!(p.ce.is_none_or(|ce| ce >= 0.0) && p.le.is_none_or(|le| le >= 0.0));
            assert!(!event.uid.is_empty() && event.uid.len() <= 256);
        }
    }
    // The parser alone, on the whole input as one document.
    let _ = parse(stream);
});
