//! Kills a process that is appending, at a random moment, and checks that everything it had
//! acknowledged is on disk. This tests the order "commit, then resolve the ticket" and SQLite's
//! recovery of a WAL left mid-transaction; surviving a power cut also rests on the fsync
//! (`synchronous = FULL`), which only pulling the plug can test.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use deconflict_store::{Log, LogBackend, SqliteLog};

use crate::{assert_contiguous_and_intact, entry};

/// Set in the child process to the data directory it appends to.
const CHILD_ENV: &str = "DECONFLICT_STORE_CRASH_CHILD";
const TEST_NAME: &str = "crash::acknowledged_entries_survive_sigkill";
const ROUNDS: usize = 5;

#[test]
fn acknowledged_entries_survive_sigkill() {
    if let Some(dir) = std::env::var_os(CHILD_ENV) {
        append_until_killed(Path::new(&dir));
        return;
    }

    let dir = tempfile::tempdir().unwrap();
    let mut all_acked = BTreeSet::new();
    for round in 1..=ROUNDS {
        let acked = run_and_kill_child(dir.path());
        assert!(
            !acked.is_empty(),
            "round {round}: the child acknowledged nothing"
        );

        let log = SqliteLog::open(dir.path()).unwrap();
        let head = log.head().unwrap();
        let entries = log.read(1, usize::MAX).unwrap();
        assert_eq!(entries.len(), usize::try_from(head).unwrap());
        assert_contiguous_and_intact(&entries);
        eprintln!(
            "round {round}: {} acknowledged, log head {head}",
            acked.len()
        );
        for &seq in &acked {
            assert!(
                all_acked.insert(seq),
                "round {round}: seq {seq} was acknowledged twice"
            );
            assert!(
                seq <= head,
                "round {round}: seq {seq} was acknowledged but the log ends at {head}"
            );
        }
    }
}

/// Starts this test binary as the child, waits for its first acknowledgement, lets it run for a
/// random while, SIGKILLs it, and returns every seq it acknowledged.
fn run_and_kill_child(dir: &Path) -> Vec<u64> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (acks, acked) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(seq) = line.strip_prefix("acked ") {
                let _ = acks.send(seq.parse::<u64>().unwrap());
            }
        }
    });

    let mut seqs = vec![
        acked
            .recv_timeout(Duration::from_secs(60))
            .expect("the child acknowledged nothing within a minute"),
    ];
    std::thread::sleep(Duration::from_millis(10 + random_below(400)));
    // SIGKILL on Unix: no destructor, no flush, no clean close of the database.
    child.kill().unwrap();
    child.wait().unwrap();
    reader.join().unwrap();
    // Lines already in the pipe were printed after their tickets resolved: they count.
    seqs.extend(acked.try_iter());
    seqs
}

/// The child: several threads append as the server would, each printing a seq only after its
/// ticket says it is durable. Bounded, so an orphaned child cannot run forever.
fn append_until_killed(dir: &Path) {
    let log = Log::open(dir).unwrap();
    let next_seq = Arc::new(Mutex::new(log.head().unwrap() + 1));
    let deadline = Instant::now() + Duration::from_secs(60);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let log = log.clone();
            let next_seq = Arc::clone(&next_seq);
            std::thread::spawn(move || {
                while Instant::now() < deadline {
                    let ticket = {
                        let mut next = next_seq.lock().unwrap();
                        let ticket = log.submit(entry(*next));
                        *next += 1;
                        ticket
                    };
                    let seq = ticket.seq();
                    ticket.wait().unwrap();
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "acked {seq}").unwrap();
                    out.flush().unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}

fn random_below(bound: u64) -> u64 {
    let mut bytes = [0; 8];
    getrandom::fill(&mut bytes).unwrap();
    u64::from_le_bytes(bytes) % bound
}
