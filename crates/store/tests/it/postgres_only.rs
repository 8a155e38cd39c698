//! What only PostgreSQL has: several nodes on one log, the schema's backstops in the server,
//! the leadership lease, and surviving the database's crash and the loss of a commit's answer.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use deconflict_pgtest::TempPostgres;
use deconflict_store::{Entry, Lease, Location, Log, SCHEMA_VERSION, StoreError};

use crate::{Store, assert_contiguous_and_intact, entry};

fn admin(at: &Location) -> postgres::Client {
    let Location::Postgres(url) = at else {
        panic!("a PostgreSQL test got {at}")
    };
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}

#[test]
fn the_log_table_refuses_gaps_updates_deletes_and_truncation_even_from_raw_sql() {
    let store = Store::postgres();
    drop(Log::open_at(&store.location).unwrap());
    let mut sql = admin(&store.location);
    let insert = "INSERT INTO log (seq, time_ms, body) VALUES";
    sql.batch_execute(&format!("{insert} (1, 0, '\\x00')"))
        .unwrap();
    for (statement, refusal) in [
        (format!("{insert} (3, 0, '\\x00')"), "log sequence gap"),
        (format!("{insert} (1, 0, '\\x00')"), "log sequence gap"),
        ("UPDATE log SET body = '\\x01'".into(), "append-only"),
        ("DELETE FROM log".into(), "append-only"),
        ("TRUNCATE log".into(), "append-only"),
    ] {
        let err = sql.batch_execute(&statement).unwrap_err();
        let message = err.as_db_error().unwrap().message();
        assert!(message.contains(refusal), "{statement}: {message}");
    }
}

#[test]
fn a_newer_schema_is_refused_and_an_open_does_not_migrate_again() {
    let store = Store::postgres();
    drop(Log::open_at(&store.location).unwrap());
    deconflict_store::Directory::open_at(&store.location).unwrap();
    let mut sql = admin(&store.location);
    let version: i64 = sql
        .query_one("SELECT version FROM deconflict_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, SCHEMA_VERSION);
    sql.batch_execute("UPDATE deconflict_schema SET version = 99")
        .unwrap();
    let err = Log::open_at(&store.location).unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew { found: 99, supported } if supported == SCHEMA_VERSION),
        "{err}"
    );
}

/// Two nodes append as fast as they can, each catching up whenever it loses a race: every
/// acknowledged entry is in the log exactly once, at its seq, and there is no gap.
#[test]
fn two_nodes_appending_at_once_leave_no_gap_and_lose_no_acknowledged_entry() {
    const PER_NODE: usize = 150;
    let store = Store::postgres();
    let nodes: Vec<_> = (0..2_u8)
        .map(|node| {
            let log = Log::open_at(&store.location).unwrap();
            std::thread::spawn(move || {
                let mut acked = Vec::new();
                let mut lost = 0;
                while acked.len() < PER_NODE {
                    let head = log.head().unwrap();
                    log.caught_up(head);
                    let mine = node_entry(node, head + 1, acked.len());
                    match log.submit(mine.clone()).wait() {
                        Ok(()) => acked.push(mine),
                        Err(StoreError::Behind { .. }) => lost += 1,
                        Err(e) => panic!("node {node}: {e}"),
                    }
                }
                (acked, lost)
            })
        })
        .collect();
    let mut acked = BTreeMap::new();
    let mut races = 0;
    for node in nodes {
        let (entries, lost) = node.join().unwrap();
        races += lost;
        for entry in entries {
            assert!(
                acked.insert(entry.seq, entry).is_none(),
                "a seq acked twice"
            );
        }
    }
    eprintln!("races lost: {races}");
    let log = Log::open_at(&store.location).unwrap();
    let stored = log.read(1, usize::MAX).unwrap();
    assert_eq!(stored.len(), 2 * PER_NODE);
    for (position, found) in stored.iter().enumerate() {
        assert_eq!(found.seq, position as u64 + 1);
        assert_eq!(Some(found), acked.get(&found.seq), "seq {}", found.seq);
    }
}

fn node_entry(node: u8, seq: u64, nth: usize) -> Entry {
    Entry {
        seq,
        time_ms: 0,
        body: format!("node {node} entry {nth}").into_bytes(),
        leaf: Some([node; 32]),
    }
}

#[test]
fn the_lease_is_exclusive_and_passes_on_when_dropped_or_its_session_is_killed() {
    let store = Store::postgres();
    let at = &store.location;
    let first = Lease::try_acquire(at).unwrap().expect("a free lease");
    assert!(first.is_held());
    assert!(Lease::try_acquire(at).unwrap().is_none());

    drop(first);
    let second = acquire_within(at, Duration::from_secs(1));
    assert!(second.is_held());
    assert!(Lease::try_acquire(at).unwrap().is_none());

    let killed: i64 = admin(at)
        .query(
            "SELECT pg_terminate_backend(pid)::int FROM pg_locks
             WHERE locktype = 'advisory' AND objid = 2 AND objsubid = 2 AND granted
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            &[],
        )
        .unwrap()
        .len() as i64;
    assert_eq!(killed, 1);
    let third = acquire_within(at, Duration::from_secs(1));
    assert!(third.is_held());
    assert!(
        !second.is_held(),
        "the killed session's holder must learn it"
    );
}

fn acquire_within(at: &Location, limit: Duration) -> Lease {
    let start = Instant::now();
    loop {
        if let Some(lease) = Lease::try_acquire(at).unwrap() {
            return lease;
        }
        assert!(start.elapsed() < limit, "the lease did not pass on");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn on_sqlite_the_lease_is_always_granted() {
    let store = Store::sqlite();
    let lease = Lease::try_acquire(&store.location).unwrap().unwrap();
    assert!(lease.is_held());
    assert!(Lease::try_acquire(&store.location).unwrap().is_some());
}

/// The server is killed (SIGKILL, a crash) while a node appends, and started again: every entry
/// acknowledged before, during and after is there, and the same `Log` goes on by itself.
#[test]
fn appends_survive_the_database_crashing_and_coming_back() {
    let server = TempPostgres::start();
    let at = Location::parse(&server.fresh_database()).unwrap();
    let log = Log::open_at(&at).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let appender = {
        let log = log.clone();
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut acked = Vec::new();
            let mut next = 1;
            while !stop.load(Ordering::Relaxed) {
                match log.submit(entry(next)).wait() {
                    Ok(()) => {
                        acked.push(next);
                        next += 1;
                    }
                    // Out of reach for longer than the writer tries: catch up once it is back.
                    Err(e) if e.needs_catch_up() => {
                        let Ok(head) = log.head() else { continue };
                        log.caught_up(head);
                        next = head + 1;
                    }
                    Err(e) => panic!("{e}"),
                }
            }
            acked
        })
    };
    let acked_before = wait_for_head(&log, 20);
    server.kill();
    std::thread::sleep(Duration::from_millis(500));
    server.restart();
    wait_for_head(&log, acked_before + 50);
    stop.store(true, Ordering::Relaxed);
    let acked = appender.join().unwrap();

    let stored = log.read(1, usize::MAX).unwrap();
    assert_contiguous_and_intact(&stored);
    let head = stored.len() as u64;
    assert!(acked.iter().all(|&seq| seq <= head));
    assert_eq!(
        acked.len() as u64,
        head,
        "every entry written was acknowledged"
    );
}

pub(crate) fn wait_for_head(log: &Log, at_least: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(head) = log.head()
            && head >= at_least
        {
            return head;
        }
        assert!(
            Instant::now() < deadline,
            "the log stopped at {:?}",
            log.head()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The connection dies while `COMMIT` waits (here for a synchronous standby that does not
/// exist, so the commit is done locally but unanswered): the writer cannot know whether it
/// committed, finds out on a new connection by reading the entry back, and acknowledges it,
/// without writing it twice.
#[test]
fn a_commit_whose_answer_was_lost_is_found_in_the_log_and_acknowledged_once() {
    let server = TempPostgres::start();
    let at = Location::parse(&server.fresh_database()).unwrap();
    let log = Log::open_at(&at).unwrap();
    log.submit(entry(1)).wait().unwrap();
    let mut sql = admin(&at);
    // One statement each: ALTER SYSTEM refuses to run in a transaction, and several statements
    // in one query are one.
    sql.batch_execute("ALTER SYSTEM SET synchronous_standby_names = 'nobody'")
        .unwrap();
    sql.batch_execute("SELECT pg_reload_conf()").unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let ticket = log.submit(entry(2));
    let deadline = Instant::now() + Duration::from_secs(10);
    let writer = loop {
        let waiting = sql
            .query(
                "SELECT pid FROM pg_stat_activity WHERE wait_event = 'SyncRep'",
                &[],
            )
            .unwrap();
        if let Some(row) = waiting.first() {
            break row.get::<_, i32>(0);
        }
        assert!(Instant::now() < deadline, "the commit never waited");
        std::thread::sleep(Duration::from_millis(20));
    };
    sql.execute("SELECT pg_terminate_backend($1)", &[&writer])
        .unwrap();
    ticket.wait().unwrap();
    sql.batch_execute("ALTER SYSTEM RESET synchronous_standby_names")
        .unwrap();
    sql.batch_execute("SELECT pg_reload_conf()").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    log.submit(entry(3)).wait().unwrap();
    let stored = log.read(1, 100).unwrap();
    assert_eq!(stored.len(), 3);
    assert_contiguous_and_intact(&stored);
    assert_eq!(log.stats().commits, 3);
}

#[test]
fn errors_carry_the_servers_words() {
    let store = Store::postgres();
    let mut checkpoints = deconflict_store::Checkpoints::open_at(&store.location).unwrap();
    let checkpoint = deconflict_store::StoredCheckpoint {
        size: 1,
        time_ms: 0,
        note: "n".into(),
    };
    checkpoints.add_checkpoint(&checkpoint).unwrap();
    // The same note again is a no-op; another note at that size is refused.
    checkpoints.add_checkpoint(&checkpoint).unwrap();
    let forged = deconflict_store::StoredCheckpoint {
        note: "m".into(),
        ..checkpoint
    };
    let err = checkpoints.add_checkpoint(&forged).unwrap_err();
    assert!(
        err.to_string()
            .contains("duplicate key value violates unique constraint"),
        "{err}"
    );
}
