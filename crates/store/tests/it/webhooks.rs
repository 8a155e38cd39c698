//! The webhooks table, on both backends.

use deconflict_store::{Directory, Location, Role, StoreError, WEBHOOKS_PER_PARTY, Webhooks};

on_both_backends!(
    webhooks_are_listed_by_party_and_survive_a_reopen,
    deliveries_and_failures_are_recorded,
    a_removed_webhook_frees_its_place_and_one_stops_with_its_credential,
);

/// Parties `a` and `b` (the coordinator) and a credential of each.
fn setup(at: &Location) -> (Webhooks, String, String) {
    let mut directory = Directory::open_at(at).unwrap();
    directory.add_party("a", false).unwrap();
    directory.add_party("b", true).unwrap();
    let a = directory.issue_token("a", Role::Operator).unwrap();
    let b = directory.issue_token("b", Role::Approver).unwrap();
    (
        Webhooks::open_at(at).unwrap(),
        a.credential.id,
        b.credential.id,
    )
}

fn webhooks_are_listed_by_party_and_survive_a_reopen(at: &Location) {
    let (mut webhooks, a, b) = setup(at);
    let first = webhooks
        .register(&a, "https://a.example/hook", 7, 1000)
        .unwrap();
    assert!(first.id.starts_with("whk_") && first.id.len() == 4 + 16);
    assert_eq!((first.party.as_str(), first.cursor), ("a", 7));
    let second = webhooks.register(&a, "http://10.0.0.1/x", 9, 2000).unwrap();
    assert_ne!(first.secret, second.secret);
    let theirs = webhooks
        .register(&b, "https://b.example/", 0, 3000)
        .unwrap();

    let reopened = Webhooks::open_at(at).unwrap();
    let mut expected = vec![first.clone(), second];
    expected.sort_by(|x, y| x.id.cmp(&y.id));
    assert_eq!(reopened.list("a").unwrap(), expected);
    assert_eq!(reopened.list("b").unwrap(), vec![theirs]);
    assert_eq!(reopened.get(&first.id).unwrap(), Some(first));
    assert_eq!(reopened.get("whk_0000000000000000").unwrap(), None);
    assert_eq!(reopened.live().unwrap().len(), 3);
}

fn deliveries_and_failures_are_recorded(at: &Location) {
    let (mut webhooks, a, _) = setup(at);
    let hook = webhooks.register(&a, "https://a.example/", 3, 0).unwrap();
    webhooks
        .record_failure(&hook.id, Some(500), "answered 500", 2000, 1000)
        .unwrap();
    webhooks
        .record_failure(&hook.id, None, "connection refused", 4000, 2000)
        .unwrap();
    let failing = webhooks.get(&hook.id).unwrap().unwrap();
    assert_eq!(failing.attempts, 2);
    assert_eq!(failing.last_status, None);
    assert_eq!(failing.last_error.as_deref(), Some("connection refused"));
    assert_eq!(
        (failing.last_attempt_ms, failing.next_attempt_ms),
        (Some(2000), Some(4000))
    );
    assert_eq!(failing.cursor, 3);

    webhooks.record_success(&hook.id, 5, 2, 204, 5000).unwrap();
    webhooks.record_success(&hook.id, 6, 1, 200, 6000).unwrap();
    let delivered = webhooks.get(&hook.id).unwrap().unwrap();
    assert_eq!(
        (delivered.cursor, delivered.delivered, delivered.attempts),
        (6, 3, 0)
    );
    assert_eq!(delivered.last_status, Some(200));
    assert_eq!(delivered.last_error, None);
    assert_eq!(delivered.next_attempt_ms, None);
}

fn a_removed_webhook_frees_its_place_and_one_stops_with_its_credential(at: &Location) {
    let (mut webhooks, a, b) = setup(at);
    let mut hooks = Vec::new();
    for i in 0..WEBHOOKS_PER_PARTY {
        hooks.push(webhooks.register(&a, "https://a.example/", 0, i).unwrap());
    }
    let err = webhooks
        .register(&a, "https://a.example/", 0, 99)
        .unwrap_err();
    assert!(matches!(err, StoreError::TooManyWebhooks { .. }), "{err}");
    assert!(webhooks.remove(&hooks[0].id, 100).unwrap());
    assert!(!webhooks.remove(&hooks[0].id, 101).unwrap(), "removed once");
    assert_eq!(webhooks.get(&hooks[0].id).unwrap(), None);
    assert_eq!(webhooks.credential(&hooks[0].id).unwrap(), None);
    webhooks.register(&a, "https://a.example/", 0, 102).unwrap();

    let coordinators = webhooks.register(&b, "https://b.example/", 0, 0).unwrap();
    let credential = webhooks.credential(&hooks[1].id).unwrap().unwrap();
    assert_eq!(
        (
            credential.id.as_str(),
            credential.role,
            credential.coordinator
        ),
        (a.as_str(), Role::Operator, false)
    );
    assert!(
        webhooks
            .credential(&coordinators.id)
            .unwrap()
            .unwrap()
            .coordinator
    );
    Directory::open_at(at).unwrap().revoke(&a).unwrap();
    assert_eq!(webhooks.credential(&hooks[1].id).unwrap(), None);
    let live: Vec<String> = webhooks.live().unwrap().into_iter().map(|h| h.id).collect();
    assert_eq!(live, vec![coordinators.id]);
    assert!(matches!(
        webhooks.register(&a, "https://a.example/", 0, 0),
        Err(StoreError::AlreadyRevoked(_))
    ));
    assert!(matches!(
        webhooks.register("cred_00000000", "https://a.example/", 0, 0),
        Err(StoreError::NoSuchCredential(_))
    ));
}
