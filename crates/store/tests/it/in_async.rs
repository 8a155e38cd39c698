//! Every handle's methods called from async code, on a current-thread and on a multi-thread
//! runtime. The PostgreSQL driver blocks on a runtime of its own, which tokio refuses to start
//! inside another: without each session's own thread, every PostgreSQL call here would panic.

use std::time::Duration;

use deconflict_store::{
    Checkpoints, Cosignature, Directory, Lease, Location, Log, LogKeys, Role, StoredCheckpoint,
    Webhooks, WriteTurn,
};

use crate::{Store, entry};

#[tokio::test]
async fn postgres_on_a_current_thread_runtime() {
    let store = Store::postgres();
    every_handle(&store.location).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_on_a_multi_thread_runtime() {
    let store = Store::postgres();
    // Several tasks at once, each on handles of its own, across the workers.
    let tasks: Vec<_> = (0..3)
        .map(|_| {
            let at = Store::postgres().location;
            tokio::spawn(async move { every_handle(&at).await })
        })
        .collect();
    every_handle(&store.location).await;
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test]
async fn sqlite_on_a_current_thread_runtime() {
    let store = Store::sqlite();
    every_handle(&store.location).await;
}

/// Opens, uses and drops every handle at `at`, all on the runtime's own threads.
async fn every_handle(at: &Location) {
    let mut directory = Directory::open_at(at).unwrap();
    directory.add_party("unocha", true).unwrap();
    directory.add_party("ngo-1", false).unwrap();
    assert_eq!(directory.parties().unwrap().len(), 2);
    let issued = directory.issue_token("ngo-1", Role::Operator).unwrap();
    let credential = directory.authenticate(&issued.token).unwrap().unwrap();
    assert_eq!(credential.party, "ngo-1");
    assert_eq!(directory.credentials().unwrap().len(), 1);
    assert_eq!(
        directory.credential_states().unwrap(),
        vec![(issued.credential.id.clone(), true)]
    );
    let version = directory.version().unwrap();

    let mut webhooks = Webhooks::open_at(at).unwrap();
    let hook = webhooks
        .register(&issued.credential.id, "https://ngo.example/hook", 0, 1_000)
        .unwrap();
    assert_eq!(webhooks.list("ngo-1").unwrap(), vec![hook.clone()]);
    assert_eq!(webhooks.live().unwrap().len(), 1);
    webhooks.record_success(&hook.id, 2, 2, 200, 2_000).unwrap();
    webhooks
        .record_failure(&hook.id, Some(503), "busy", 4_000, 3_000)
        .unwrap();
    let got = webhooks.get(&hook.id).unwrap().unwrap();
    assert_eq!((got.cursor, got.attempts), (2, 1));
    assert_eq!(webhooks.credential(&hook.id).unwrap(), Some(credential));
    assert!(webhooks.remove(&hook.id, 5_000).unwrap());
    assert!(webhooks.get(&hook.id).unwrap().is_none());

    directory.revoke(&issued.credential.id).unwrap();
    assert!(directory.authenticate(&issued.token).unwrap().is_none());
    assert_ne!(directory.version().unwrap(), version);

    let mut checkpoints = Checkpoints::open_at(at).unwrap();
    let keys = LogKeys {
        origin: "deconflict/async".into(),
        signer_key: "PRIVATE+KEY+deconflict/async+00000000+AA".into(),
        salt_secret: [7; 32],
    };
    let made = checkpoints.keys_or_insert(|| keys.clone(), 1).unwrap();
    assert_eq!(made, keys);
    assert_eq!(checkpoints.keys().unwrap(), Some(keys));
    let signed = StoredCheckpoint {
        size: 2,
        time_ms: 10,
        note: "deconflict/async\n2\nroot\n\n— sig\n".into(),
    };
    checkpoints.add_checkpoint(&signed).unwrap();
    checkpoints.add_checkpoint(&signed).unwrap();
    assert_eq!(checkpoints.latest().unwrap(), Some(signed.clone()));
    assert_eq!(checkpoints.checkpoint(2).unwrap(), Some(signed));
    let cosignature = Cosignature {
        witness: "witness+key".into(),
        party: "unocha".into(),
        signature: "— witness sig".into(),
        time_ms: 11,
    };
    checkpoints.add_cosignature(2, &cosignature).unwrap();
    assert_eq!(checkpoints.latest_cosigned().unwrap(), Some(2));
    assert_eq!(checkpoints.cosignatures(2).unwrap(), vec![cosignature]);

    let log = Log::open_at(at).unwrap();
    log.caught_up(log.head().unwrap());
    log.submit(entry(1)).await.unwrap();
    let tickets = [log.submit(entry(2)), log.submit(entry(3))];
    for ticket in tickets {
        ticket.await.unwrap();
    }
    assert_eq!(log.head().unwrap(), 3);
    assert_eq!(log.read(2, 10).unwrap(), vec![entry(2), entry(3)]);
    assert_eq!(log.wait_for_append(1, Duration::ZERO).unwrap(), 3);
    // Nothing comes: waits (on PostgreSQL, on the listening session) and times out.
    assert_eq!(
        log.wait_for_append(3, Duration::from_millis(20)).unwrap(),
        3
    );
    assert_eq!(log.stats().durable_seq, 3);
    let clone = log.clone();
    drop(log);
    assert_eq!(clone.head().unwrap(), 3);
    drop(clone);

    let lease = Lease::try_acquire(at).unwrap().expect("a free lease");
    assert!(lease.is_held());
    if let Location::Postgres(_) = at {
        assert!(Lease::try_acquire(at).unwrap().is_none());
    }
    drop(lease);
    // The server ends the closed session a moment later.
    let again = loop {
        if let Some(lease) = Lease::try_acquire(at).unwrap() {
            break lease;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(again.is_held());

    let turn = WriteTurn::open(at).unwrap();
    assert!(!turn.is_held());
    turn.acquire().unwrap();
    assert!(turn.is_held());
    turn.release().unwrap();
    assert!(!turn.is_held());
    turn.acquire().unwrap();
    // Dropped while held: the session closes and the lock goes with it.
    drop(turn);
    let other = WriteTurn::open(at).unwrap();
    other.acquire().unwrap();
    assert!(other.is_held());
}
