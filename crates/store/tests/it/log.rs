use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use deconflict_store::{Location, Log, StoreError};

use crate::{assert_contiguous_and_intact, backend, entry};

on_both_backends!(
    appended_entries_read_back_in_order_and_in_pages,
    reopening_keeps_everything_and_continues_from_the_head,
    a_gap_is_refused_and_names_both_numbers,
    two_writers_on_one_log_cannot_both_append_the_same_seq,
    concurrent_submitters_are_group_committed,
    reads_proceed_while_the_writer_is_busy,
    the_loser_of_a_race_is_told_and_not_poisoned,
    waiting_for_an_append_ends_with_it_or_the_timeout,
);

fn appended_entries_read_back_in_order_and_in_pages(at: &Location) {
    let log = Log::open_at(at).unwrap();
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

fn reopening_keeps_everything_and_continues_from_the_head(at: &Location) {
    {
        let log = Log::open_at(at).unwrap();
        for seq in 1..=10 {
            log.submit(entry(seq)).wait().unwrap();
        }
    }
    let log = Log::open_at(at).unwrap();
    assert_eq!(log.head().unwrap(), 10);
    assert_eq!(log.stats().durable_seq, 10);
    log.submit(entry(11)).wait().unwrap();
    drop(log);
    let backend = backend(at);
    assert_eq!(backend.head().unwrap(), 11);
    assert_contiguous_and_intact(&backend.read(1, 100).unwrap());
}

fn a_gap_is_refused_and_names_both_numbers(at: &Location) {
    let mut backend = backend(at);
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

fn two_writers_on_one_log_cannot_both_append_the_same_seq(at: &Location) {
    // The optimistic concurrency that lets several nodes share one log.
    let mut first = backend(at);
    let mut second = backend(at);
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

fn concurrent_submitters_are_group_committed(at: &Location) {
    const THREADS: u64 = 32;
    const PER_THREAD: u64 = 50;
    let log = Log::open_at(at).unwrap();
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

fn reads_proceed_while_the_writer_is_busy(at: &Location) {
    let log = Log::open_at(at).unwrap();
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

/// Two handles on one log, as two nodes would have: the one that loses a race is told (and tells
/// anyone who asks), keeps refusing what it queued on its stale state until it has caught up,
/// and then goes on.
fn the_loser_of_a_race_is_told_and_not_poisoned(at: &Location) {
    let loser = Log::open_at(at).unwrap();
    let winner = Log::open_at(at).unwrap();
    winner.submit(entry(1)).wait().unwrap();
    assert!(loser.refusal().is_none());

    let err = loser.submit(entry(1)).wait().unwrap_err();
    assert!(matches!(err, StoreError::Behind { head: 1 }), "{err}");
    assert!(err.needs_catch_up());
    let refusal = loser.refusal();
    assert!(
        matches!(refusal, Some(StoreError::Behind { head: 1 })),
        "{refusal:?}"
    );
    // Decided on the lost entry: refused the same way, and nothing written.
    let err = loser.submit(entry(2)).wait().unwrap_err();
    assert!(matches!(err, StoreError::Behind { head: 1 }), "{err}");
    assert_eq!(loser.head().unwrap(), 1);

    // Catch up from what the log says, then decide again.
    let missed = loser.read(1, 100).unwrap();
    assert_eq!(missed, vec![entry(1)]);
    loser.caught_up(1);
    assert!(loser.refusal().is_none(), "an entry submitted now is taken");
    loser.submit(entry(2)).wait().unwrap();
    loser.submit(entry(3)).wait().unwrap();
    assert_eq!(loser.stats().durable_seq, 3);
    assert_contiguous_and_intact(&winner.read(1, 100).unwrap());
    assert_eq!(winner.head().unwrap(), 3);

    // A caller bug still poisons: an entry out of order.
    let err = loser.submit(entry(5)).wait().unwrap_err();
    assert!(matches!(err, StoreError::SequenceGap { .. }), "{err}");
    let err = loser.submit(entry(4)).wait().unwrap_err();
    assert!(matches!(err, StoreError::Poisoned(_)), "{err}");
    assert!(matches!(loser.refusal(), Some(StoreError::Poisoned(_))));
}

fn waiting_for_an_append_ends_with_it_or_the_timeout(at: &Location) {
    let log = Log::open_at(at).unwrap();
    let start = Instant::now();
    assert_eq!(
        log.wait_for_append(0, Duration::from_millis(200)).unwrap(),
        0
    );
    assert!(start.elapsed() >= Duration::from_millis(200));

    let writer = Log::open_at(at).unwrap();
    let appender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        writer.submit(entry(1)).wait().unwrap();
    });
    let start = Instant::now();
    assert_eq!(log.wait_for_append(0, Duration::from_secs(30)).unwrap(), 1);
    // Woken by the append, not by a poll a second later.
    let waited = start.elapsed();
    assert!(waited < Duration::from_millis(900), "{waited:?}");
    appender.join().unwrap();
    // Already past: no wait.
    assert_eq!(log.wait_for_append(0, Duration::from_secs(30)).unwrap(), 1);
}
