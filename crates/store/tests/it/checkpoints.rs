//! The log's keys, checkpoints and cosignatures: made once, never rewritten.

use deconflict_store::{
    Checkpoints, Cosignature, Directory, Location, LogKeys, StoreError, StoredCheckpoint,
};

on_both_backends!(
    the_keys_are_made_once_and_kept_across_opens,
    checkpoints_are_found_by_size_and_never_rewritten,
    a_witness_key_belongs_to_the_first_party_that_uses_it,
    a_party_uses_a_few_witness_keys_at_most,
    the_same_checkpoint_signed_twice_is_stored_once,
);

fn keys(origin: &str) -> LogKeys {
    LogKeys {
        origin: origin.into(),
        signer_key: format!("PRIVATE+KEY+{origin}+00000000+AA"),
        salt_secret: [9; 32],
    }
}

fn checkpoint(size: u64) -> StoredCheckpoint {
    StoredCheckpoint {
        size,
        time_ms: 1_000 + size as i64,
        note: format!("origin\n{size}\nroot\n\n— origin sig\n"),
    }
}

fn the_keys_are_made_once_and_kept_across_opens(at: &Location) {
    let mut store = Checkpoints::open_at(at).unwrap();
    assert_eq!(store.keys().unwrap(), None);
    let first = store.keys_or_insert(|| keys("deconflict/a"), 1).unwrap();
    let again = store.keys_or_insert(|| panic!("made twice"), 2).unwrap();
    assert_eq!(first, again);
    drop(store);
    let reopened = Checkpoints::open_at(at).unwrap();
    assert_eq!(reopened.keys().unwrap(), Some(keys("deconflict/a")));
}

fn checkpoints_are_found_by_size_and_never_rewritten(at: &Location) {
    let mut store = Checkpoints::open_at(at).unwrap();
    assert_eq!(store.latest().unwrap(), None);
    for size in [0, 3, 10] {
        store.add_checkpoint(&checkpoint(size)).unwrap();
    }
    assert_eq!(store.latest().unwrap(), Some(checkpoint(10)));
    assert_eq!(store.checkpoint(3).unwrap(), Some(checkpoint(3)));
    assert_eq!(store.checkpoint(4).unwrap(), None);
    let other = StoredCheckpoint {
        note: "forged".into(),
        ..checkpoint(3)
    };
    assert!(store.add_checkpoint(&other).is_err());
    assert_eq!(store.checkpoint(3).unwrap(), Some(checkpoint(3)));
}

fn a_witness_key_belongs_to_the_first_party_that_uses_it(at: &Location) {
    let mut directory = Directory::open_at(at).unwrap();
    directory.add_party("pmf", false).unwrap();
    directory.add_party("isf", false).unwrap();
    let mut store = Checkpoints::open_at(at).unwrap();
    store.add_checkpoint(&checkpoint(5)).unwrap();
    let by = |party: &str, signature: &str| Cosignature {
        witness: "pmf-witness+01020304+BA".into(),
        party: party.into(),
        signature: signature.into(),
        time_ms: 7,
    };
    assert_eq!(store.latest_cosigned().unwrap(), None);
    store.add_cosignature(5, &by("pmf", "— pmf one")).unwrap();
    assert_eq!(store.latest_cosigned().unwrap(), Some(5));
    store.add_cosignature(5, &by("pmf", "— pmf two")).unwrap();
    assert!(matches!(
        store.add_cosignature(5, &by("isf", "— isf")),
        Err(StoreError::WitnessOfOtherParty(_))
    ));
    assert_eq!(store.cosignatures(5).unwrap(), vec![by("pmf", "— pmf two")]);
    assert_eq!(store.cosignatures(6).unwrap(), vec![]);
    let stranger = Cosignature {
        witness: "stranger+01020305+BA".into(),
        ..by("nobody", "— x")
    };
    assert!(matches!(
        store.add_cosignature(5, &stranger),
        Err(StoreError::NoSuchParty(_))
    ));
    assert!(store.add_cosignature(6, &by("pmf", "— early")).is_err());
}

fn a_party_uses_a_few_witness_keys_at_most(at: &Location) {
    Directory::open_at(at)
        .unwrap()
        .add_party("pmf", false)
        .unwrap();
    let mut store = Checkpoints::open_at(at).unwrap();
    store.add_checkpoint(&checkpoint(5)).unwrap();
    let key = |n: i64| Cosignature {
        witness: format!("pmf-{n}+0102030{n}+BA"),
        party: "pmf".into(),
        signature: format!("— pmf-{n} sig"),
        time_ms: 7,
    };
    for n in 0..deconflict_store::WITNESSES_PER_PARTY {
        store.add_cosignature(5, &key(n)).unwrap();
    }
    let beyond = store.add_cosignature(5, &key(deconflict_store::WITNESSES_PER_PARTY));
    assert!(
        matches!(beyond, Err(StoreError::TooManyWitnesses { .. })),
        "{beyond:?}"
    );
    // A key already in use still cosigns.
    store.add_cosignature(5, &key(0)).unwrap();
    assert_eq!(
        store.cosignatures(5).unwrap().len() as i64,
        deconflict_store::WITNESSES_PER_PARTY
    );
}

/// Two nodes sign the same deterministic checkpoint: the second store is a no-op that succeeds
/// (whatever its time), while another note at that size is still refused.
fn the_same_checkpoint_signed_twice_is_stored_once(at: &Location) {
    let mut first = Checkpoints::open_at(at).unwrap();
    let mut second = Checkpoints::open_at(at).unwrap();
    first.add_checkpoint(&checkpoint(5)).unwrap();
    let again = StoredCheckpoint {
        time_ms: 99_999,
        ..checkpoint(5)
    };
    second.add_checkpoint(&again).unwrap();
    first.add_checkpoint(&checkpoint(5)).unwrap();
    assert_eq!(first.checkpoint(5).unwrap(), Some(checkpoint(5)));
    let other = StoredCheckpoint {
        note: format!("{}x", checkpoint(5).note),
        ..checkpoint(5)
    };
    let err = second.add_checkpoint(&other).unwrap_err();
    assert!(
        matches!(err, StoreError::Sqlite { .. } | StoreError::Postgres { .. }),
        "{err}"
    );
    assert_eq!(second.checkpoint(5).unwrap(), Some(checkpoint(5)));
    // Still usable after the refusal.
    second.add_checkpoint(&checkpoint(6)).unwrap();
    assert_eq!(first.latest().unwrap(), Some(checkpoint(6)));
}
