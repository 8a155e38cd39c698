//! PostgreSQL with a synchronous standby: the primary is killed under load and the standby
//! promoted, and the log goes on through a URL that names both servers.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use deconflict_pgtest::StandbyPair;
use deconflict_store::{Entry, Location, Log};

use crate::postgres_only::wait_for_head;

/// How long the standby waits to be promoted after the primary is killed: writes meanwhile have
/// nowhere to go and must not be acknowledged.
const NO_PRIMARY_FOR: Duration = Duration::from_millis(1500);

/// An entry acknowledged to one appender, and when.
struct Acked {
    entry: Entry,
    at: Instant,
}

/// What one appender was told: each entry acknowledged to it, and when.
type Acks = Arc<Mutex<Vec<Acked>>>;

/// Appends, in bursts of up to three entries, until told to stop; after a refusal the store
/// says to recover from (another appender got there first, the database out of reach) it reads
/// the head and starts again from there. Every attempt has a body of its own, so an entry
/// written twice would show in the log as the same body at two seqs.
fn appender(node: u8, log: Log, acks: Acks, stop: Arc<AtomicBool>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut attempts = 0_u64;
        while !stop.load(Ordering::Relaxed) {
            let Ok(head) = log.head() else {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            };
            log.caught_up(head);
            let tickets: Vec<_> = (head + 1..=head + 3)
                .map(|seq| {
                    attempts += 1;
                    let entry = Entry {
                        seq,
                        time_ms: i64::try_from(attempts).unwrap(),
                        body: format!("node {node} attempt {attempts}").into_bytes(),
                        leaf: Some([node; 32]),
                    };
                    (entry.clone(), log.submit(entry))
                })
                .collect();
            for (entry, ticket) in tickets {
                match ticket.wait() {
                    Ok(()) => acks.lock().unwrap().push(Acked {
                        entry,
                        at: Instant::now(),
                    }),
                    Err(e) if e.needs_catch_up() => break,
                    Err(e) => panic!("node {node}: {e}"),
                }
            }
        }
    })
}

/// Two nodes append to one log at once; the primary is killed (SIGKILL, every process of it),
/// the standby promoted a moment later. Every entry acknowledged before, during and after is in
/// the log once, at its seq, the log has no gap, nothing was acknowledged while there was no
/// primary, and both nodes go on appending on the new one.
#[test]
fn no_acknowledged_entry_is_lost_or_doubled_when_the_primary_dies_and_its_standby_takes_over() {
    let servers = StandbyPair::start();
    let at = Location::parse(&servers.fresh_database()).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let acks: Vec<Acks> = (0..2).map(|_| Acks::default()).collect();
    let nodes: Vec<_> = acks
        .iter()
        .zip(0..)
        .map(|(acks, node)| {
            let log = Log::open_at(&at).unwrap();
            appender(node, log, Arc::clone(acks), Arc::clone(&stop))
        })
        .collect();
    let observer = Log::open_at(&at).unwrap();

    wait_for_head(&observer, 60);
    servers.primary.kill();
    let killed = Instant::now();
    std::thread::sleep(NO_PRIMARY_FOR);
    let promoting = Instant::now();
    servers.standby.promote();
    let promoted = Instant::now();
    let deadline = promoted + Duration::from_secs(60);
    while acks.iter().any(|acks| {
        let acks = acks.lock().unwrap();
        acks.iter().filter(|a| a.at > promoted).count() < 30
    }) {
        assert!(Instant::now() < deadline, "a node stopped appending");
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::Relaxed);
    for node in nodes {
        node.join().unwrap();
    }

    let stored = observer.read(1, usize::MAX).unwrap();
    for (position, found) in stored.iter().enumerate() {
        assert_eq!(found.seq, position as u64 + 1, "a gap before {}", found.seq);
    }
    let bodies: BTreeSet<&[u8]> = stored.iter().map(|e| e.body.as_slice()).collect();
    assert_eq!(bodies.len(), stored.len(), "an entry was written twice");
    let by_seq: BTreeMap<u64, &Entry> = stored.iter().map(|e| (e.seq, e)).collect();
    for (node, acks) in acks.iter().enumerate() {
        let acks = acks.lock().unwrap();
        for Acked { entry, .. } in acks.iter() {
            assert_eq!(
                by_seq.get(&entry.seq),
                Some(&entry),
                "node {node}'s acknowledged entry {} is not in the log as written",
                entry.seq
            );
        }
        // The kill takes a moment to be done with; an answer that was on its way then may be
        // counted a little after.
        let in_the_gap = acks
            .iter()
            .filter(|a| a.at > killed + Duration::from_millis(200) && a.at < promoting)
            .count();
        assert_eq!(in_the_gap, 0, "node {node} was answered with no primary");
    }
}

/// The readers a [`Log`] opens are read-only sessions; through a URL that asks for a server
/// accepting writes, they must still find the primary.
#[test]
fn a_log_opens_and_reads_through_a_url_naming_a_primary_and_its_standby() {
    let servers = StandbyPair::start();
    let at = Location::parse(&servers.fresh_database()).unwrap();
    let log = Log::open_at(&at).unwrap();
    log.submit(crate::entry(1)).wait().unwrap();
    assert_eq!(log.read(1, 10).unwrap(), vec![crate::entry(1)]);
}
