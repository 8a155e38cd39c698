//! Alert names, against a brute-force oracle: over random entries of random
//! alerts, each party's alerts are named by the entry and their place among
//! that entry's alerts to the party (all of them, for the coordinator), and
//! each name leads back to the alert it names and to no other party's.

use super::{World, viewer};
use crate::{Alert, AlertRef, ObjectRef};
use proptest::prelude::*;

const PARTIES: [&str; 4] = ["alpha", "bravo", "charlie", "delta"];

/// Entries, each a list of alerts, each to a subset of the parties.
fn entries() -> impl Strategy<Value = Vec<Vec<Vec<bool>>>> {
    prop::collection::vec(
        prop::collection::vec(prop::collection::vec(any::<bool>(), PARTIES.len()), 0..5),
        1..8,
    )
}

fn subject(seq: u64, i: usize) -> ObjectRef {
    ObjectRef::Conflict(
        crate::ConflictId::parse(&format!("con_{:012x}", seq * 100 + i as u64)).unwrap(),
    )
}

proptest! {
    #[test]
    fn an_alert_is_named_among_its_partys_own_and_the_name_finds_it(entries in entries()) {
        let mut w = World::new();
        // The oracle: every alert, flat, with its entry and place in it.
        let mut all: Vec<(u64, usize, Vec<&str>)> = Vec::new();
        for (e, alerts) in entries.iter().enumerate() {
            let seq = e as u64 + 1;
            let kept: Vec<Alert> = alerts
                .iter()
                .enumerate()
                .map(|(i, told)| {
                    let parties: Vec<&str> = PARTIES.iter().zip(told).filter(|(_, t)| **t).map(|(p, _)| *p).collect();
                    all.push((seq, i, parties.clone()));
                    Alert { subject: subject(seq, i), parties: parties.iter().map(|p| p.to_string()).collect() }
                })
                .collect();
            w.state.keep_alerts(seq, 1000 + seq as i64, &kept, None);
        }
        for party in PARTIES.iter().copied().chain(["joc"]) {
            let reader = viewer(party);
            let expected: Vec<(AlertRef, ObjectRef)> = {
                let mut out = Vec::new();
                let mut last: Option<(u64, u32)> = None;
                for (seq, i, parties) in &all {
                    if !(reader.coordinator || parties.contains(&party)) {
                        continue;
                    }
                    let index = match last { Some((s, k)) if s == *seq => k + 1, _ => 0 };
                    last = Some((*seq, index));
                    out.push((AlertRef { entry: *seq, index }, subject(*seq, *i)));
                }
                out
            };
            let named: Vec<(AlertRef, ObjectRef)> = w.state.alerts_of(&reader, 0).into_iter().map(|a| (a.id, a.subject)).collect();
            prop_assert_eq!(&named, &expected, "{}", party);
            for (id, subject_of) in &expected {
                let key = w.state.alert_for(&reader, *id).expect("the name finds an alert");
                prop_assert_eq!(&w.state.alerts[&key].alert.subject, subject_of);
            }
            // A name past the party's own alerts of an entry finds nothing.
            for seq in 1..=entries.len() as u64 {
                let own = expected.iter().filter(|(id, _)| id.entry == seq).count() as u32;
                let past = AlertRef { entry: seq, index: own };
                prop_assert!(w.state.alert_for(&reader, past).is_none(), "{} {}", party, past);
            }
        }
    }
}
