//! The store's integration tests, in one binary (one link, one place for the helpers).
//!
//! Most tests run on both backends: each is a function of a [`Location`], and
//! [`on_both_backends!`] makes a `sqlite` and a `postgres` test of it. The PostgreSQL ones share
//! one throw-away server per run (`deconflict-pgtest`), a fresh database each.

/// For each function named, a module of that name with a test per backend.
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {$(
        mod $test {
            #[test]
            fn sqlite() {
                let store = crate::Store::sqlite();
                super::$test(&store.location);
            }

            #[test]
            fn postgres() {
                let store = crate::Store::postgres();
                super::$test(&store.location);
            }
        }
    )*};
}

mod checkpoints;
mod crash;
mod devices;
mod directory;
mod failover;
mod in_async;
mod log;
mod postgres_only;
mod tls;
mod turns;
mod webhooks;

use deconflict_pgtest::TempPostgres;
use deconflict_store::{Entry, Location, LogBackend, PgLog, SqliteLog};

/// A store for one test, and what keeps it alive (the SQLite data directory).
pub(crate) struct Store {
    pub(crate) location: Location,
    _dir: Option<tempfile::TempDir>,
}

impl Store {
    pub(crate) fn sqlite() -> Store {
        let dir = tempfile::tempdir().unwrap();
        Store {
            location: Location::Sqlite(dir.path().to_owned()),
            _dir: Some(dir),
        }
    }

    pub(crate) fn postgres() -> Store {
        Store {
            location: Location::parse(&TempPostgres::shared().fresh_database()).unwrap(),
            _dir: None,
        }
    }
}

/// A bare log backend (one connection, no writer thread) at `location`.
pub(crate) fn backend(location: &Location) -> Box<dyn LogBackend> {
    match location {
        Location::Sqlite(dir) => Box::new(SqliteLog::open(dir).unwrap()),
        Location::Postgres(url) => Box::new(PgLog::open(url).unwrap()),
    }
}

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
