//! Taking turns at writing: the [`WriteTurn`] across handles (nodes), and what the log lets a
//! caller do while one of its batches is in flight.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use deconflict_store::{Location, Log, WriteTurn};

use crate::{Store, entry};

/// The class of the store's advisory locks (its SQLite `application_id`).
const LOCK_CLASS: i32 = 0x4443_4e46;
/// The keys of the append lock and of the write turn.
const APPEND_LOCK: i32 = 1;
const WRITE_TURN_LOCK: i32 = 4;

fn admin(at: &Location) -> postgres::Client {
    let Location::Postgres(url) = at else {
        panic!("a PostgreSQL test got {at}")
    };
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}

/// Blocks until `waiting` sessions wait for the store's advisory lock `key` in this database:
/// how a test knows a thread is blocked in the database, without guessing at timing.
fn wait_for_waiters(at: &Location, key: i32, waiting: i64) {
    let mut sql = admin(at);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now: i64 = sql
            .query_one(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                   AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2
                   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                &[&LOCK_CLASS, &key],
            )
            .unwrap()
            .get(0);
        if now >= waiting {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no one came to wait for lock {key}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Acquires a turn of its own on another thread; reports what `stage` said once it had it.
fn acquire_in_background(
    at: &Location,
    stage: &Arc<AtomicU32>,
) -> std::thread::JoinHandle<(WriteTurn, u32)> {
    let at = at.clone();
    let stage = Arc::clone(stage);
    std::thread::spawn(move || {
        let turn = WriteTurn::open(&at).unwrap();
        turn.acquire().unwrap();
        (turn, stage.load(Ordering::SeqCst))
    })
}

#[test]
fn the_second_turn_waits_until_the_first_is_released() {
    let store = Store::postgres();
    let at = &store.location;
    let first = WriteTurn::open(at).unwrap();
    first.acquire().unwrap();
    assert!(first.is_held());
    // Taking it again through the same handle is at once, and one release lets it go.
    first.acquire().unwrap();

    let stage = Arc::new(AtomicU32::new(0));
    let second = acquire_in_background(at, &stage);
    wait_for_waiters(at, WRITE_TURN_LOCK, 1);
    stage.store(1, Ordering::SeqCst);
    first.release().unwrap();
    assert!(!first.is_held());
    let (second, seen) = second.join().unwrap();
    assert_eq!(
        seen, 1,
        "the second handle got the turn while the first held it"
    );
    assert!(second.is_held());

    // And back: the first waits for the second now.
    let back = acquire_in_background(at, &stage);
    wait_for_waiters(at, WRITE_TURN_LOCK, 1);
    stage.store(2, Ordering::SeqCst);
    second.release().unwrap();
    let (back, seen) = back.join().unwrap();
    assert_eq!(seen, 2);
    back.release().unwrap();
    // Releasing what is not held is harmless.
    back.release().unwrap();
}

#[test]
fn many_handles_never_hold_the_turn_at_once() {
    const HANDLES: usize = 4;
    const ROUNDS: usize = 25;
    let store = Store::postgres();
    let inside = Arc::new(AtomicUsize::new(0));
    let turns_taken = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..HANDLES)
        .map(|_| {
            let at = store.location.clone();
            let inside = Arc::clone(&inside);
            let turns_taken = Arc::clone(&turns_taken);
            std::thread::spawn(move || {
                let turn = WriteTurn::open(&at).unwrap();
                for _ in 0..ROUNDS {
                    turn.acquire().unwrap();
                    assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two inside");
                    std::thread::yield_now();
                    turns_taken.fetch_add(1, Ordering::SeqCst);
                    assert_eq!(inside.fetch_sub(1, Ordering::SeqCst), 1, "two inside");
                    turn.release().unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(turns_taken.load(Ordering::SeqCst), HANDLES * ROUNDS);
}

#[test]
fn a_killed_session_frees_the_turn_for_the_other() {
    let store = Store::postgres();
    let at = &store.location;
    let first = WriteTurn::open(at).unwrap();
    first.acquire().unwrap();
    let stage = Arc::new(AtomicU32::new(0));
    let second = acquire_in_background(at, &stage);
    wait_for_waiters(at, WRITE_TURN_LOCK, 1);
    stage.store(1, Ordering::SeqCst);
    let killed = admin(at)
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_locks
             WHERE locktype = 'advisory' AND granted
               AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            &[&LOCK_CLASS, &WRITE_TURN_LOCK],
        )
        .unwrap()
        .len();
    assert_eq!(killed, 1);
    let (second, seen) = second.join().unwrap();
    assert_eq!(seen, 1);
    assert!(second.is_held());
    assert!(
        !first.is_held(),
        "the killed session's holder must learn it"
    );
    // Its release finds nothing to let go; its next acquire opens a new session and waits.
    first.release().unwrap();
    let handle = std::thread::spawn(move || {
        first.acquire().unwrap();
        first
    });
    wait_for_waiters(at, WRITE_TURN_LOCK, 1);
    second.release().unwrap();
    assert!(handle.join().unwrap().is_held());
}

#[test]
fn on_sqlite_the_turn_is_granted_at_once() {
    let store = Store::sqlite();
    let first = WriteTurn::open(&store.location).unwrap();
    let second = WriteTurn::open(&store.location).unwrap();
    assert!(!first.is_held());
    first.acquire().unwrap();
    second.acquire().unwrap();
    assert!(first.is_held() && second.is_held());
    first.release().unwrap();
    assert!(!first.is_held());
}

/// While the writer's batch waits in the database (another session holds the append lock), the
/// head and reads answer, and `caught_up` returns at once, all from the state before the batch.
#[test]
fn reads_and_caught_up_do_not_wait_for_a_batch_in_flight() {
    let store = Store::postgres();
    let at = &store.location;
    let log = Log::open_at(at).unwrap();
    log.submit(entry(1)).wait().unwrap();

    let mut blocker = admin(at);
    let mut held = blocker.transaction().unwrap();
    held.execute(
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&LOCK_CLASS, &APPEND_LOCK],
    )
    .unwrap();
    let ticket = log.submit(entry(2));
    wait_for_waiters(at, APPEND_LOCK, 1);

    let reader = log.clone();
    let read = std::thread::spawn(move || (reader.head().unwrap(), reader.read(1, 10).unwrap()));
    let (head, entries) = read.join().unwrap();
    assert_eq!(head, 1);
    assert_eq!(entries, vec![entry(1)]);
    assert_eq!(log.head().unwrap(), 1);
    // The head this node's own pending batch will make: handled after it.
    log.caught_up(2);
    assert_eq!(log.stats().durable_seq, 1);

    held.rollback().unwrap();
    ticket.wait().unwrap();
    log.submit(entry(3)).wait().unwrap();
    assert_eq!(log.head().unwrap(), 3);
    assert_eq!(log.read(1, 10).unwrap(), vec![entry(1), entry(2), entry(3)]);
}

/// The handles meant to be shared between threads and tasks stay so.
#[test]
fn shared_handles_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<WriteTurn>();
    send_sync::<deconflict_store::Lease>();
    send_sync::<Log>();
    fn send<T: Send>() {}
    send::<deconflict_store::Directory>();
    send::<deconflict_store::Checkpoints>();
    send::<deconflict_store::Webhooks>();
    send::<deconflict_store::PgLog>();
}
