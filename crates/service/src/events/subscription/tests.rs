//! The audiences' shared events: every subscription of a party gets all of
//! its party's events and nothing else, whether it reads them from what its
//! audience's task keeps or, further behind, builds its own; and one task
//! an audience, not one a subscription, ending with its last subscriber.

use super::*;
use crate::Config;
use crate::events::What;
use deconflict_model::{
    ActivitySpec, DeclarationSpec, Disclosure, RevealStep, Role, Visibility, VolumeSpec,
};
use std::time::Duration;

const HOUR_MS: i64 = 3_600_000;

fn actor(party: &str, n: usize) -> Actor {
    Actor::new(party, Role::Operator, format!("{party}-{n}"), false)
}

fn volume(lon: f64, lat: f64, from_ms: i64, to_ms: Option<i64>) -> VolumeSpec {
    VolumeSpec {
        geometry: geojson::Geometry::new_point([lon, lat]),
        buffer_m: 500.0,
        altitude_m: [0.0, 500.0],
        from_ms,
        to_ms,
    }
}

async fn declare(service: &Service, party: &str, lon: f64, lat: f64) {
    let spec = DeclarationSpec {
        kind: "unit_position".into(),
        label: format!("{party} post"),
        volume: volume(lon, lat, crate::now_ms(), None),
        visibility: Visibility::Private,
        disclosure: Disclosure::Coarse,
        tracking: None,
    };
    service
        .execute(&actor(party, 0), Command::Declare(spec), |_, _| ())
        .await
        .unwrap();
}

/// Submits an activity of `party`'s and returns its entry's number.
async fn submit(service: &Service, party: &str, lon: f64, lat: f64) -> u64 {
    let now = crate::now_ms();
    let spec = ActivitySpec {
        kind: "patrol".into(),
        label: format!("{party} patrol"),
        volume: volume(lon, lat, now + HOUR_MS, Some(now + 2 * HOUR_MS)),
        disclosure: Disclosure::Coarse,
        late_notice: None,
    };
    service
        .execute(&actor(party, 0), Command::SubmitActivity(spec), |_, e| {
            e.seq
        })
        .await
        .unwrap()
}

/// Events of `subscription` until one of entry `last` or later has come.
async fn until(subscription: &mut Subscription, last: u64) -> Vec<Event> {
    let mut events = Vec::new();
    while events.last().is_none_or(|e: &Event| e.seq < last) {
        let batch = tokio::time::timeout(Duration::from_secs(10), subscription.next_batch())
            .await
            .expect("the events came")
            .expect("the subscription goes on");
        events.extend(batch);
    }
    events
}

/// Each event's entry and type: what two readers compare.
fn told(events: &[Event]) -> Vec<(u64, &'static str)> {
    events.iter().map(|e| (e.seq, e.kind())).collect()
}

/// Lets a subscription join its audience without waiting for an event.
async fn join(subscription: &mut Subscription) {
    let _ = tokio::time::timeout(Duration::from_millis(20), subscription.next_batch()).await;
}

fn running(service: &Service) -> Vec<Audience> {
    let all = service.audiences().0.lock().unwrap();
    all.iter()
        .filter(|(_, shared)| shared.strong_count() > 0)
        .map(|(audience, _)| audience.clone())
        .collect()
}

#[tokio::test]
async fn a_partys_subscriptions_share_one_task_and_each_gets_all_its_events_and_no_others() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::open(dir.path(), Config::default()).unwrap();
    declare(&service, "pmf", 44.0, 34.0).await;
    let mut pmf: Vec<Subscription> = (0..8)
        .map(|n| Subscription::from_now(service.clone(), actor("pmf", n)))
        .collect();
    let mut coalition = Subscription::from_now(service.clone(), actor("coalition", 1));
    for subscription in pmf.iter_mut().chain([&mut coalition]) {
        join(subscription).await;
    }
    assert_eq!(
        running(&service),
        [
            Audience::Party("pmf".into()),
            Audience::Party("coalition".into())
        ],
        "one task a party, however many subscriptions it has"
    );

    // The coalition's business far from the PMF, then one activity that
    // meets the PMF's post.
    let mut submitted = Vec::new();
    for i in 0..20 {
        submitted.push(submit(&service, "coalition", 40.0 + 0.05 * f64::from(i), 31.0).await);
    }
    let meets = submit(&service, "coalition", 44.0, 34.0).await;
    submitted.push(meets);

    let first = until(&mut pmf[0], meets).await;
    assert!(!first.is_empty());
    assert!(
        first.iter().all(|e| e.seq == meets),
        "the PMF is told of the conflict alone: {:?}",
        told(&first)
    );
    assert!(first.iter().any(|e| e.kind() == "conflict"));
    for other in &mut pmf[1..] {
        assert_eq!(told(&until(other, meets).await), told(&first));
    }

    let own = until(&mut coalition, meets).await;
    let activities: Vec<u64> = own
        .iter()
        .filter(|e| e.kind() == "activity")
        .map(|e| e.seq)
        .collect();
    assert_eq!(
        activities, submitted,
        "each of its activities, once, in order"
    );
    assert!(own.windows(2).all(|w| w[0].seq <= w[1].seq));

    drop(pmf);
    drop(coalition);
    assert_eq!(
        running(&service),
        [],
        "the audiences end with their last subscription"
    );
}

#[tokio::test]
async fn a_subscription_from_further_back_than_its_audience_builds_its_own_then_shares() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::open(dir.path(), Config::default()).unwrap();
    let start = service.feed().durable();
    let mut submitted = Vec::new();
    for i in 0..10 {
        submitted.push(submit(&service, "coalition", 40.0 + 0.05 * f64::from(i), 31.0).await);
    }
    // A live subscription starts the audience's task at the log's end.
    let mut live = Subscription::from_now(service.clone(), actor("coalition", 1));
    join(&mut live).await;
    // Another resumes from before the first of them, as after a reconnection.
    let mut resumed = Subscription::new(service.clone(), actor("coalition", 2), start);
    for i in 0..5 {
        submitted.push(submit(&service, "coalition", 42.0 + 0.05 * f64::from(i), 31.0).await);
    }
    let last = *submitted.last().unwrap();
    let events = until(&mut resumed, last).await;
    let activities: Vec<u64> = events
        .iter()
        .filter(|e| e.kind() == "activity")
        .map(|e| e.seq)
        .collect();
    assert_eq!(
        activities, submitted,
        "those from the log, then the shared ones, once each"
    );
    let shared: Vec<u64> = until(&mut live, last).await.iter().map(|e| e.seq).collect();
    assert_eq!(
        shared,
        submitted[10..],
        "the live one, only what came after it"
    );
}

#[tokio::test]
async fn a_subscription_whose_audiences_task_ended_joins_a_new_one_and_misses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::open(dir.path(), Config::default()).unwrap();
    let mut subscription = Subscription::from_now(service.clone(), actor("coalition", 1));
    let first = submit(&service, "coalition", 40.0, 31.0).await;
    assert_eq!(
        told(&until(&mut subscription, first).await),
        [(first, "activity")]
    );
    // The task ends as a panic would end it: marked ended on its way out.
    let running: Vec<Arc<Shared>> = {
        let all = service.audiences().0.lock().unwrap();
        all.iter()
            .filter_map(|(_, shared)| shared.upgrade())
            .collect()
    };
    assert_eq!(running.len(), 1);
    running[0].end();
    let second = submit(&service, "coalition", 40.5, 31.0).await;
    let third = submit(&service, "coalition", 41.0, 31.0).await;
    let events = until(&mut subscription, third).await;
    assert_eq!(told(&events), [(second, "activity"), (third, "activity")]);
}

#[tokio::test]
async fn a_subscription_ends_once_the_service_stops_trusting_its_state() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::open(dir.path(), Config::default()).unwrap();
    let start = service.feed().durable();
    submit(&service, "coalition", 40.0, 31.0).await;
    let mut subscription = Subscription::new(service.clone(), actor("coalition", 1), start);
    service.fail(&"a replayed entry differs from the log");
    let next = tokio::time::timeout(Duration::from_secs(10), subscription.next_batch()).await;
    assert!(
        next.expect("it ends at once").is_none(),
        "nothing more is told"
    );
}

fn event(seq: u64) -> Event {
    Event {
        seq,
        time_ms: 0,
        what: What::Reveal {
            entry: seq,
            pointer: "/label".into(),
            step: RevealStep::Requested,
            by: "joc".into(),
        },
        delivers: None,
    }
}

fn kept(seqs: &[u64]) -> Vec<(u64, Arc<[Event]>)> {
    seqs.iter()
        .map(|&seq| (seq, vec![event(seq)].into()))
        .collect()
}

fn seqs(events: &[Event]) -> Vec<u64> {
    events.iter().map(|e| e.seq).collect()
}

#[test]
fn the_ring_says_where_it_stops_covering_once_it_drops_its_oldest() {
    let shared = Shared::new(0, 3);
    shared.keep(5, kept(&[1, 2, 4, 5]));
    // Entry 1's events are gone: a reader from before it must build its own.
    assert_eq!(shared.after(0).map(|(e, r)| (seqs(&e), r)), Err(1));
    assert_eq!(
        shared.after(1).map(|(e, r)| (seqs(&e), r)),
        Ok((vec![2, 4, 5], 5))
    );
    assert_eq!(
        shared.after(3).map(|(e, r)| (seqs(&e), r)),
        Ok((vec![4, 5], 5))
    );
    // Entries without events still move a reader on.
    shared.keep(9, Vec::new());
    assert_eq!(shared.after(5).map(|(e, r)| (seqs(&e), r)), Ok((vec![], 9)));
    // A reader ahead of the task is not moved back.
    assert_eq!(
        shared.after(12).map(|(e, r)| (seqs(&e), r)),
        Ok((vec![], 12))
    );
}
