use std::sync::{Arc, Mutex};

use deconflict_store::{Log, LogBackend, SqliteLog, StoreError};

use crate::{assert_contiguous_and_intact, entry};

#[test]
fn appended_entries_read_back_in_order_and_in_pages() {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(dir.path()).unwrap();
    assert_eq!(log.head().unwrap(), 0);
    for seq in 1..=25 {
        log.submit(entry(seq)).wait().unwrap();
    }
    assert_eq!(log.head().unwrap(), 25);
    assert_contiguous_and_intact(&log.read(1, 1000).unwrap());
    let page = log.read(11, 10).unwrap();
    assert_eq!(page.first().unwrap().seq, 11);
    assert_eq!(page.len(), 10);
    assert!(log.read(26, 10).unwrap().is_empty());
}

#[test]
fn reopening_keeps_everything_and_continues_from_the_head() {
    let dir = tempfile::tempdir().unwrap();
    {
        let log = Log::open(dir.path()).unwrap();
        for seq in 1..=10 {
            log.submit(entry(seq)).wait().unwrap();
        }
    }
    let log = Log::open(dir.path()).unwrap();
    assert_eq!(log.head().unwrap(), 10);
    assert_eq!(log.stats().durable_seq, 10);
    log.submit(entry(11)).wait().unwrap();
    drop(log);
    let backend = SqliteLog::open(dir.path()).unwrap();
    assert_eq!(backend.head().unwrap(), 11);
    assert_contiguous_and_intact(&backend.read(1, 100).unwrap());
}

#[test]
fn a_gap_is_refused_and_names_both_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut backend = SqliteLog::open(dir.path()).unwrap();
    backend.append_batch(&[entry(1)]).unwrap();
    let err = backend.append_batch(&[entry(3)]).unwrap_err();
    assert!(matches!(
        err,
        StoreError::SequenceGap {
            expected: 2,
            got: 3
        }
    ));
    // A replayed entry (a retry after a lost answer) is a gap backwards, refused the same way.
    let err = backend.append_batch(&[entry(1)]).unwrap_err();
    assert_eq!(err.to_string(), "log sequence gap: expected 2, got 1");
    assert_eq!(backend.head().unwrap(), 1);
}

#[test]
fn two_writers_on_one_file_cannot_both_append_the_same_seq() {
    // The optimistic concurrency a future multi-node setup relies on, shown on SQLite.
    let dir = tempfile::tempdir().unwrap();
    let mut first = SqliteLog::open(dir.path()).unwrap();
    let mut second = SqliteLog::open(dir.path()).unwrap();
    first.append_batch(&[entry(1)]).unwrap();
    let err = second.append_batch(&[entry(1)]).unwrap_err();
    assert!(matches!(
        err,
        StoreError::SequenceGap {
            expected: 2,
            got: 1
        }
    ));
    second.append_batch(&[entry(2)]).unwrap();
    assert_eq!(first.head().unwrap(), 2);
}

#[test]
fn concurrent_submitters_are_group_committed() {
    const THREADS: u64 = 32;
    const PER_THREAD: u64 = 50;
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(dir.path()).unwrap();
    // Like the server: the seq is assigned and the entry queued under one lock, the wait for
    // durability happens outside it, concurrently with everyone else's.
    let next_seq = Arc::new(Mutex::new(1_u64));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let log = log.clone();
            let next_seq = Arc::clone(&next_seq);
            std::thread::spawn(move || {
                for _ in 0..PER_THREAD {
                    let ticket = {
                        let mut next = next_seq.lock().unwrap();
                        let ticket = log.submit(entry(*next));
                        *next += 1;
                        ticket
                    };
                    ticket.wait().unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }

    let total = THREADS * PER_THREAD;
    let stats = log.stats();
    eprintln!("{stats:?}");
    assert_eq!(stats.entries, total);
    assert_eq!(stats.durable_seq, total);
    assert!(
        stats.commits * 4 <= total,
        "{} commits for {total} entries: group commit is not batching",
        stats.commits
    );
    assert!(stats.largest_batch > 1);
    let entries = log.read(1, usize::MAX).unwrap();
    assert_eq!(entries.len(), usize::try_from(total).unwrap());
    assert_contiguous_and_intact(&entries);
}

#[test]
fn reads_proceed_while_the_writer_is_busy() {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(dir.path()).unwrap();
    log.submit(entry(1)).wait().unwrap();
    let tickets: Vec<_> = (2..=2000).map(|seq| log.submit(entry(seq))).collect();
    // Whatever the writer has reached, a read sees a contiguous, intact prefix.
    let seen = log.read(1, usize::MAX).unwrap();
    assert!(!seen.is_empty());
    assert_contiguous_and_intact(&seen);
    for ticket in tickets {
        ticket.wait().unwrap();
    }
    assert_eq!(log.head().unwrap(), 2000);
}
