//! The store's integration tests, in one binary (one link, one place for the helpers).

mod checkpoints;
mod crash;
mod directory;
mod log;

use deconflict_store::Entry;

/// A body that encodes its own seq and length, so a reader can tell a torn or misplaced body from
/// the right one. Lengths vary to put entries across SQLite page boundaries.
pub(crate) fn body(seq: u64) -> Vec<u8> {
    let len = 100 + usize::try_from(seq % 700).unwrap();
    let pattern = format!("entry {seq};");
    pattern.bytes().cycle().take(len).collect()
}

pub(crate) fn entry(seq: u64) -> Entry {
    Entry {
        seq,
        time_ms: 1_750_000_000_000 + i64::try_from(seq).unwrap(),
        body: body(seq),
        // Kept and given back with the entry, byte for byte.
        leaf: Some([u8::try_from(seq % 251).unwrap(); 32]),
    }
}

/// Asserts that `entries` are exactly 1..=n with the bodies `entry` makes.
pub(crate) fn assert_contiguous_and_intact(entries: &[Entry]) {
    for (index, found) in entries.iter().enumerate() {
        let seq = u64::try_from(index).unwrap() + 1;
        assert_eq!(
            found.seq, seq,
            "entry at position {index} has the wrong seq"
        );
        assert!(*found == entry(seq), "entry {seq} came back altered");
    }
}
