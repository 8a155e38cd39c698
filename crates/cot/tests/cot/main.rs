//! The CoT reader and writer against what TAK clients send: real-world
//! samples, a catalogue of malformed input, and properties.

mod malformed;
mod properties;
mod refused;
mod samples;

use std::path::Path;

/// A file under `tests/`.
fn data(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// Every item of a stream pushed in one go.
fn split_all(max: usize, stream: &[u8]) -> Vec<Result<Vec<u8>, deconflict_cot::Skipped>> {
    let mut splitter = deconflict_cot::Splitter::with_max_event_bytes(max);
    splitter.push(stream);
    splitter.finish();
    splitter.collect()
}
