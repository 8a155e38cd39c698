//! Nothing acknowledged is lost: clients submit activities while the server
//! is killed with SIGKILL; after a restart every activity that was answered
//! 201 is there, and the log is whole (no torn, reordered or duplicated
//! entry).

use crate::{Server, data_dir, http, in_hours};
use deconflict_model::{Command, Entry, ObjectRef};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CLIENTS: usize = 8;

#[test]
fn every_acknowledged_submission_survives_sigkill() {
    let (dir, tokens) = data_dir(&["coalition/operator", "pmf/operator"]);
    let server = Server::serve(dir.path(), &[]);
    let addr = server.addr.clone();
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let start = in_hours(1.0);
    let end = in_hours(3.0);
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (addr, acknowledged, count, stop) =
                (addr.clone(), acknowledged.clone(), count.clone(), stop.clone());
            // Two parties, overlapping areas: submissions open conflicts too.
            let token = tokens[c % 2].clone();
            let (start, end) = (start.clone(), end.clone());
            std::thread::spawn(move || {
                let mut i = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let lon = 44.0 + f64::from((c as u32 * 7919 + i * 104_729) % 1000) / 2000.0;
                    let body = format!(
                        r#"{{"kind":"patrol","label":"client {c} #{i}","geometry":{{"type":"Point","coordinates":[{lon},33.3]}},"buffer_m":300,"start":"{start}","end":"{end}"}}"#
                    );
                    match http(&addr, "POST", "/v1/activities", Some(&token), Some(&body)) {
                        Ok((201, body)) => {
                            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                            let id = v["id"].as_str().unwrap().to_owned();
                            acknowledged.lock().unwrap().push(id);
                            count.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok((status, body)) => panic!("{status}: {body}"),
                        // The server is gone: whatever was not answered may or may not be there.
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(120);
    while count.load(Ordering::Relaxed) < 300 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    // Mid-stream: clients are still submitting.
    let mut server = server;
    server.kill9();
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }
    drop(server);
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 300, "{}", acknowledged.len());
    eprintln!(
        "{} submissions answered 201 before SIGKILL",
        acknowledged.len()
    );

    // The log on disk: contiguous, decodable, no id twice, every answered id in it.
    let log = deconflict_store::Log::open(dir.path()).unwrap();
    let head = log.head().unwrap();
    let stored = log.read(1, usize::MAX).unwrap();
    assert_eq!(stored.len() as u64, head);
    let mut created = BTreeSet::new();
    for (i, s) in stored.iter().enumerate() {
        assert_eq!(s.seq, i as u64 + 1, "contiguous");
        let entry = Entry::decode(&s.body).unwrap();
        assert_eq!(entry.seq, s.seq);
        if let (Command::SubmitActivity(_), Some(ObjectRef::Activity(id))) =
            (&entry.command, &entry.outcome.created)
        {
            assert!(created.insert(id.to_string()), "{id} twice");
        }
    }
    for id in &acknowledged {
        assert!(
            created.contains(id),
            "{id} was answered 201 but is not in the log"
        );
    }
    drop(log);

    // A restart replays it all and serves every answered id.
    let metrics = "m".repeat(32);
    let server = Server::serve(dir.path(), &["--metrics-token", &metrics]);
    assert_eq!(crate::demo::log_entries(&server, &metrics), head);
    eprintln!("log: {head} entries, {} activities", created.len());
    for (n, id) in acknowledged.iter().enumerate() {
        let token = &tokens[0];
        let (status, body) = server.call("GET", &format!("/v1/activities/{id}"), Some(token), None);
        if status == 404 {
            // Submitted by the other party's client.
            let (status, body) = server.call(
                "GET",
                &format!("/v1/activities/{id}"),
                Some(&tokens[1]),
                None,
            );
            assert_eq!(status, 200, "#{n} {id}: {body}");
        } else {
            assert_eq!(status, 200, "#{n} {id}: {body}");
        }
    }
}
