//! Properties over random histories: random parties, objects and commands
//! (refused ones included), then for every viewer everything it can obtain
//! is scanned for what it must not see; the conflicts are checked against a
//! brute-force oracle; and the log replays to the same views.

use super::*;
use crate::object::ConflictState;
use crate::sight::{Sight, sight};
use crate::{ActivityState, CoarseArea};
use deconflict_geo4d::{GeometryKind, Volume, geodesic_m};
use proptest::prelude::*;
use std::collections::BTreeSet;

const PARTIES: [&str; 4] = ["alpha", "bravo", "charlie", "joc"];
/// Every reader: the parties, and one that owns nothing.
const VIEWERS: [&str; 5] = ["alpha", "bravo", "charlie", "joc", "delta"];
const KINDS: [&str; 4] = ["survey", "air_strike", "patrol", "flight"];
const VERBS: [&str; 6] = ["clear", "hold", "deny", "start", "complete", "cancel"];

/// A coordinate in a 0.2° square by Balad, with nine decimals ending in 7,
/// so that its printed form is long and cannot turn up by chance.
fn coord(base: f64, n: u32) -> f64 {
    base + f64::from(n / 10 * 10 + 7) * 1e-9
}

#[derive(Debug, Clone)]
struct Place {
    at: [u32; 2],
    /// A second point, for a line: an offset of up to about 0.03°.
    to: Option<[u32; 2]>,
}

impl Place {
    fn geometry(&self) -> geojson::Geometry {
        let start = [coord(44.0, self.at[0]), coord(34.0, self.at[1])];
        match self.to {
            None => point(start[0], start[1]),
            Some(d) => line(&[start, [coord(start[0], d[0]), coord(start[1], d[1])]]),
        }
    }
}

fn place() -> impl Strategy<Value = Place> {
    (
        [0u32..200_000_000, 0u32..200_000_000],
        proptest::option::weighted(0.3, [0u32..30_000_000, 0u32..30_000_000]),
    )
        .prop_map(|(at, to)| Place { at, to })
}

#[derive(Debug, Clone)]
enum Op {
    Declare {
        party: usize,
        place: Place,
        buffer: f64,
        from: i64,
        open: bool,
        public: bool,
        hush: bool,
        tracked: bool,
    },
    Amend {
        pick: usize,
        by: Option<usize>,
        place: Place,
        buffer: f64,
        public: bool,
    },
    Withdraw {
        pick: usize,
        by: Option<usize>,
    },
    /// Several sites at once; with `spoil`, the last one refused, so none
    /// goes in.
    Import {
        party: usize,
        sites: Vec<(Place, f64)>,
        spoil: bool,
    },
    Submit {
        party: usize,
        kind: usize,
        place: Place,
        buffer: f64,
        from: i64,
        hours: i64,
        hush: bool,
    },
    Move {
        pick: usize,
        verb: usize,
        by: Option<usize>,
    },
    Ack {
        pick: usize,
        party: usize,
    },
    Override {
        pick: usize,
    },
    Deliver {
        pick: usize,
        party: usize,
    },
    /// A position report for a declaration (refused unless it is a tracked
    /// unit of the reporting party).
    Track {
        pick: usize,
        by: Option<usize>,
        at: [u32; 2],
        ce: f64,
        late: bool,
    },
    /// The service's sweep after `minutes` of silence.
    Sweep {
        minutes: i64,
    },
    /// Check fire by a party over a place, for `hours`.
    Stop {
        party: usize,
        place: Place,
        buffer: f64,
        hours: i64,
    },
    /// A stop lifted, by its raiser or another party.
    Lift {
        pick: usize,
        by: Option<usize>,
    },
    /// A rule of the theatre, binding one party or all: it may refuse or
    /// hold what comes after, never make a conflict disappear.
    Rule {
        which: usize,
        party: Option<usize>,
        kind: usize,
        place: Place,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let party = 0..PARTIES.len();
    // `None`: the owner acts; `Some(p)`: party `p` tries.
    let by = proptest::option::weighted(0.25, 0..PARTIES.len());
    let buffer = 100.0..6000.0f64;
    prop_oneof![
        3 => (party.clone(), place(), buffer.clone(), -5i64..8, any::<bool>(), proptest::bool::weighted(0.2), proptest::bool::weighted(0.2), proptest::bool::weighted(0.4))
            .prop_map(|(party, place, buffer, from, open, public, hush, tracked)| Op::Declare { party, place, buffer, from, open, public, hush, tracked }),
        1 => (any::<usize>(), by.clone(), place(), buffer.clone(), proptest::bool::weighted(0.2))
            .prop_map(|(pick, by, place, buffer, public)| Op::Amend { pick, by, place, buffer, public }),
        1 => (any::<usize>(), by.clone()).prop_map(|(pick, by)| Op::Withdraw { pick, by }),
        1 => (party.clone(), proptest::collection::vec((place(), buffer.clone()), 1..5), proptest::bool::weighted(0.3))
            .prop_map(|(party, sites, spoil)| Op::Import { party, sites, spoil }),
        4 => (party, 0..KINDS.len(), place(), buffer, 0i64..10, 1i64..6, proptest::bool::weighted(0.2))
            .prop_map(|(party, kind, place, buffer, from, hours, hush)| Op::Submit { party, kind, place, buffer, from, hours, hush }),
        3 => (any::<usize>(), 0..VERBS.len(), by).prop_map(|(pick, verb, by)| Op::Move { pick, verb, by }),
        2 => (any::<usize>(), 0..PARTIES.len()).prop_map(|(pick, party)| Op::Ack { pick, party }),
        1 => any::<usize>().prop_map(|pick| Op::Override { pick }),
        1 => (any::<usize>(), 0..PARTIES.len()).prop_map(|(pick, party)| Op::Deliver { pick, party }),
        3 => (any::<usize>(), proptest::option::weighted(0.1, 0..PARTIES.len()), [0u32..200_000_000, 0u32..200_000_000], 0.0..500.0f64, proptest::bool::weighted(0.1))
            .prop_map(|(pick, by, at, ce, late)| Op::Track { pick, by, at, ce, late }),
        1 => (1i64..40).prop_map(|minutes| Op::Sweep { minutes }),
        1 => (0..PARTIES.len(), place(), 100.0..6000.0f64, 1i64..30)
            .prop_map(|(party, place, buffer, hours)| Op::Stop { party, place, buffer, hours }),
        1 => (any::<usize>(), proptest::option::weighted(0.25, 0..PARTIES.len()))
            .prop_map(|(pick, by)| Op::Lift { pick, by }),
        1 => (0..6usize, proptest::option::of(0..PARTIES.len()), 0..KINDS.len(), place())
            .prop_map(|(which, party, kind, place)| Op::Rule { which, party, kind, place }),
    ]
}

fn label(party: &str, n: usize) -> String {
    format!("<secret {party} {n}>")
}

/// Plays the ops; refusals are part of the history and are skipped. The
/// policy sets no limits on volumes: they are random, and what is checked
/// here holds whatever the limits (they are tested in `limits.rs`).
fn play(ops: &[Op]) -> World {
    // Units are lost 3 km out, so that lost units come up.
    let policy = Policy {
        stale_reach_cap_m: 3_000.0,
        ..Policy::unlimited()
    };
    let mut w = World::with_policy(policy);
    for (n, op) in ops.iter().enumerate() {
        let decls: Vec<_> = w
            .state
            .declarations
            .iter()
            .map(|(id, d)| (*id, d.owner.clone()))
            .collect();
        let acts: Vec<_> = w
            .state
            .activities
            .iter()
            .map(|(id, a)| (*id, a.owner.clone()))
            .collect();
        let cons: Vec<_> = w.state.conflicts.keys().cloned().collect();
        let operator = |by: &Option<usize>, owner: &str| match by {
            Some(p) => format!("{}/operator", PARTIES[*p]),
            None => format!("{owner}/operator"),
        };
        let (who, command) = match op {
            Op::Declare {
                party,
                place,
                buffer,
                from,
                open,
                public: p,
                hush,
                tracked,
            } => {
                let party = PARTIES[*party];
                let to = (!open).then_some(from + 12);
                let mut command = declare(
                    "unit_position",
                    &label(party, n),
                    vol(place.geometry(), *buffer, *from, to),
                );
                if let (Command::Declare(spec), true) = (&mut command, tracked) {
                    spec.tracking = Some(crate::TrackingSpec {
                        report_interval_s: 60,
                        max_speed_mps: Some(5.0),
                        cot_uid: None,
                    });
                }
                if *p {
                    command = super::public(command);
                }
                if *hush {
                    command = coordinator_only(command);
                }
                (format!("{party}/operator"), command)
            }
            Op::Import {
                party,
                sites,
                spoil,
            } => {
                let party = PARTIES[*party];
                let mut declarations: Vec<crate::DeclarationSpec> = sites
                    .iter()
                    .map(|(place, buffer)| crate::DeclarationSpec {
                        kind: "site".into(),
                        label: label(party, n),
                        volume: vol(place.geometry(), *buffer, -5, None),
                        visibility: crate::Visibility::Private,
                        disclosure: crate::Disclosure::Coarse,
                        tracking: None,
                    })
                    .collect();
                if *spoil && let Some(last) = declarations.last_mut() {
                    last.volume.buffer_m = -1.0;
                }
                let key = format!("import-{n}");
                (
                    format!("{party}/operator"),
                    Command::Import { key, declarations },
                )
            }
            Op::Amend {
                pick,
                by,
                place,
                buffer,
                public,
            } => {
                let Some((id, owner)) = decls.get(pick % decls.len().max(1)) else {
                    continue;
                };
                let spec = crate::DeclarationSpec {
                    kind: "position".into(),
                    label: label(owner, n),
                    volume: vol(place.geometry(), *buffer, -5, None),
                    visibility: if *public {
                        crate::Visibility::Public
                    } else {
                        crate::Visibility::Private
                    },
                    disclosure: crate::Disclosure::Coarse,
                    tracking: None,
                };
                (
                    operator(by, owner),
                    Command::Amend {
                        id: *id,
                        version: None,
                        spec,
                    },
                )
            }
            Op::Withdraw { pick, by } => {
                let Some((id, owner)) = decls.get(pick % decls.len().max(1)) else {
                    continue;
                };
                (operator(by, owner), Command::Withdraw { id: *id })
            }
            Op::Submit {
                party,
                kind,
                place,
                buffer,
                from,
                hours,
                hush,
            } => {
                let party = PARTIES[*party];
                let mut command = submit(
                    KINDS[*kind],
                    &label(party, n),
                    vol(place.geometry(), *buffer, *from, Some(from + hours)),
                );
                if *hush {
                    command = coordinator_only(command);
                }
                (format!("{party}/operator"), command)
            }
            Op::Move { pick, verb, by } => {
                let Some((id, owner)) = acts.get(pick % acts.len().max(1)) else {
                    continue;
                };
                let (id, reason) = (*id, Some("as planned".to_owned()));
                match VERBS[*verb] {
                    "clear" => ("joc/approver".into(), Command::Clear { id, reason }),
                    "hold" => ("joc/approver".into(), Command::Hold { id, reason }),
                    "deny" => ("joc/approver".into(), Command::Deny { id, reason }),
                    "start" => (operator(by, owner), Command::Start { id }),
                    "complete" => (operator(by, owner), Command::Complete { id }),
                    _ => (operator(by, owner), Command::Cancel { id }),
                }
            }
            Op::Ack { pick, party } => {
                let Some(id) = cons.get(pick % cons.len().max(1)) else {
                    continue;
                };
                (format!("{}/operator", PARTIES[*party]), ack(id))
            }
            Op::Override { pick } => {
                let Some(id) = cons.get(pick % cons.len().max(1)) else {
                    continue;
                };
                (
                    "joc/approver".into(),
                    Command::Override {
                        conflict: *id,
                        reason: Some("accepted".into()),
                    },
                )
            }
            Op::Deliver { pick, party } => {
                let Some(id) = cons.get(pick % cons.len().max(1)) else {
                    continue;
                };
                (
                    format!("{}/viewer", PARTIES[*party]),
                    Command::MarkDelivered { conflict: *id },
                )
            }
            Op::Track {
                pick,
                by,
                at,
                ce,
                late,
            } => {
                let Some((id, owner)) = decls.get(pick % decls.len().max(1)) else {
                    continue;
                };
                let position = crate::Position {
                    lat: coord(34.0, at[1]),
                    lon: coord(44.0, at[0]),
                    hae: None,
                    ce_m: Some(*ce),
                    speed_mps: None,
                    course_deg: None,
                };
                let time_ms = w.now() - if *late { 3_600_000 } else { 0 };
                let reports = vec![crate::TrackReport {
                    declaration: *id,
                    time_ms,
                    position,
                }];
                (operator(by, owner), Command::Track { reports })
            }
            Op::Sweep { minutes } => {
                let t = w.now() + minutes * 60_000;
                w.set_clock(t);
                ("service".to_owned(), Command::Sweep)
            }
            Op::Stop {
                party,
                place,
                buffer,
                hours,
            } => {
                // A stop stands into the hours the activities are planned.
                w.set_clock(w.now().max(T0 - 6 * HOUR));
                let spec = crate::StopSpec {
                    cause: crate::StopCause::TroopsInContact,
                    geometry: place.geometry(),
                    buffer_m: *buffer,
                    altitude_m: None,
                    until_ms: w.now() + 60_000 + hours * HOUR,
                };
                let reason = Some(label(PARTIES[*party], n));
                let who = format!("{}/operator", PARTIES[*party]);
                (who, Command::RaiseStop { spec, reason })
            }
            Op::Rule {
                which,
                party,
                kind,
                place,
            } => {
                let kind = KINDS[*kind].to_owned();
                let rule = match which {
                    0 => crate::Rule::Forbid { kinds: vec![kind] },
                    1 => crate::Rule::Clearance { kinds: vec![kind] },
                    2 => crate::Rule::Notice { kind, hours: 12.0 },
                    3 => crate::Rule::Area {
                        label: label("joc", n),
                        volume: vol(place.geometry(), 3_000.0, -10, None),
                        kinds: vec![],
                        effect: if n % 2 == 0 {
                            crate::AreaEffect::Refuse
                        } else {
                            crate::AreaEffect::Clearance
                        },
                    },
                    4 => crate::Rule::Priority {
                        kinds: KINDS.iter().map(|k| (*k).to_owned()).collect(),
                    },
                    _ => crate::Rule::Limits {
                        kind,
                        max_area_km2: Some(50.0),
                        max_window_h: None,
                        max_altitude_m: None,
                        max_speed_mps: None,
                    },
                };
                let spec = crate::RuleSpec {
                    name: format!("rule-{which}"),
                    parties: party.map(|p| PARTIES[p].to_owned()).into_iter().collect(),
                    public: false,
                    rule: Some(rule),
                    from_ms: w.now(),
                };
                let reason = Some("random".to_owned());
                ("joc/approver".to_owned(), Command::SetRule { spec, reason })
            }
            Op::Lift { pick, by } => {
                let stops: Vec<_> = w
                    .state
                    .stops
                    .iter()
                    .map(|(id, s)| (*id, s.raiser.clone()))
                    .collect();
                let Some((id, raiser)) = stops.get(pick % stops.len().max(1)) else {
                    continue;
                };
                (
                    operator(by, raiser),
                    Command::LiftStop {
                        id: *id,
                        reason: None,
                    },
                )
            }
        };
        let _refused_or_applied = w.run(&who, command);
    }
    w
}

/// Every live object: its reference, owner, volume.
fn live(state: &State) -> Vec<(ObjectRef, String, &Volume)> {
    let decls = state
        .declarations
        .iter()
        .filter(|(_, d)| !d.withdrawn)
        .map(|(id, d)| {
            (
                ObjectRef::Declaration(*id),
                d.owner.clone(),
                state.index.get(d.key).expect("live objects are indexed"),
            )
        });
    let acts = state
        .activities
        .iter()
        .filter(|(_, a)| a.state.is_live())
        .map(|(id, a)| {
            (
                ObjectRef::Activity(*id),
                a.owner.clone(),
                state.index.get(a.key).expect("live objects are indexed"),
            )
        });
    decls.chain(acts).collect()
}

/// The standing conflicts are exactly the conflicting pairs of live
/// objects of different parties with at least one activity, each once;
/// but for lost units, which keep the conflicts they had and meet no new
/// activity (see `limits.rs`).
fn check_conflicts_match_the_oracle(state: &State) {
    let objects = live(state);
    let lost = |object: &ObjectRef| matches!(object, ObjectRef::Declaration(d) if state.is_lost(d));
    let mut expected = BTreeSet::new();
    for (i, (a, a_owner, a_volume)) in objects.iter().enumerate() {
        for (b, b_owner, b_volume) in &objects[i + 1..] {
            let one_activity =
                matches!(a, ObjectRef::Activity(_)) || matches!(b, ObjectRef::Activity(_));
            if one_activity && a_owner != b_owner && a_volume.conflicts_with(b_volume) {
                expected.insert(if a < b { (*a, *b) } else { (*b, *a) });
            }
        }
    }
    let mut standing = BTreeSet::new();
    for c in state.conflicts.values().filter(|c| c.state.is_standing()) {
        let (a, b) = (c.sides[0].object, c.sides[1].object);
        assert!(matches!(a, ObjectRef::Activity(_)));
        let pair = if a < b { (a, b) } else { (b, a) };
        assert!(standing.insert(pair), "a pair with two standing conflicts");
    }
    // A lost unit's conflicts still overlap; it need not conflict with all
    // it overlaps.
    let of_lost = |pair: &(ObjectRef, ObjectRef)| lost(&pair.0) || lost(&pair.1);
    let (standing_lost, standing): (BTreeSet<_>, BTreeSet<_>) =
        standing.into_iter().partition(of_lost);
    let (expected_lost, expected): (BTreeSet<_>, BTreeSet<_>) =
        expected.into_iter().partition(of_lost);
    assert!(standing_lost.is_subset(&expected_lost));
    assert_eq!(standing, expected);
    // Each object's list of standing conflicts is its history, filtered.
    let lists = state
        .declarations
        .values()
        .map(|d| &d.conflicts)
        .chain(state.activities.values().map(|a| &a.conflicts));
    for conflicts in lists {
        let mut filtered: Vec<_> = conflicts
            .all
            .iter()
            .filter(|id| state.conflicts[*id].state.is_standing())
            .collect();
        let mut kept: Vec<_> = conflicts.standing.iter().collect();
        filtered.sort();
        kept.sort();
        assert_eq!(kept, filtered);
    }
}

/// No activity is cleared while a party it endangers has not acknowledged
/// one of its open conflicts.
fn check_clearance(state: &State) {
    for a in state
        .activities
        .values()
        .filter(|a| a.state == ActivityState::Cleared)
    {
        for id in &a.conflicts.all {
            let c = &state.conflicts[id];
            assert!(
                c.state != ConflictState::Open || c.acknowledged(),
                "cleared over {id}"
            );
        }
    }
}

/// No cleared or active activity of a party meets a standing stop another
/// party raised, by brute force over every pair; and a stop shows its
/// activities to their owners alone.
fn check_stops(state: &State, now: i64) {
    for (id, stop) in state.stops.iter().filter(|(_, s)| s.standing(now)) {
        for (aid, a) in &state.activities {
            if a.owner == stop.raiser
                || !matches!(a.state, ActivityState::Cleared | ActivityState::Active)
            {
                continue;
            }
            let volume = state.index.get(a.key).expect("a live activity is indexed");
            assert!(
                !stop.volume.conflicts_with(volume),
                "{aid} is {} inside {id}",
                a.state
            );
        }
    }
    for party in VIEWERS {
        for view in state.stops(&viewer(party), now) {
            if party == "joc" {
                continue;
            }
            for aid in &view.held {
                assert_eq!(state.activities[aid].owner, party, "{party} shown {aid}");
            }
            let raiser = state.stops[&view.id].raiser == party;
            assert_eq!(view.detail.is_some(), raiser, "{party}");
        }
    }
}

/// The coarse area holds the true overlap and is at least a cell each way.
fn check_areas(state: &State) {
    let volume = |object: &ObjectRef| {
        let key = match object {
            ObjectRef::Declaration(id) => state.declarations[id].key,
            ObjectRef::Activity(id) => state.activities[id].key,
            ObjectRef::Conflict(_) | ObjectRef::Incident(_) => unreachable!("sides are objects"),
        };
        state
            .index
            .get(key)
            .expect("standing conflicts are between live objects")
    };
    for c in state.conflicts.values().filter(|c| c.state.is_standing()) {
        let (a, b) = (volume(&c.sides[0].object), volume(&c.sides[1].object));
        check_area(c.area, a, b);
    }
}

fn check_area(area: CoarseArea, a: &Volume, b: &Volume) {
    let [west, south, east, north] = area.bbox();
    assert!(east - west >= crate::GRID_DEG - 1e-9 && north - south >= crate::GRID_DEG - 1e-9);
    let (ab, bb) = (a.bounds(), b.bounds());
    let box_ = [
        ab[0].max(bb[0]),
        ab[1].max(bb[1]),
        ab[2].min(bb[2]),
        ab[3].min(bb[3]),
    ];
    let steps = 16;
    for i in 0..=steps {
        for j in 0..=steps {
            let lon = box_[0] + (box_[2] - box_[0]) * f64::from(i) / f64::from(steps);
            let lat = box_[1] + (box_[3] - box_[1]) * f64::from(j) / f64::from(steps);
            let on_edge = i == 0 || j == 0 || i == steps || j == steps;
            if box_[0] <= box_[2] && box_[1] <= box_[3] && on_edge {
                // The intersection of the bounds, which holds the overlap.
                assert!(area.contains(lon, lat), "{area:?} misses {lon} {lat}");
            }
            let near = |v: &Volume| match v.geometry().kind() {
                GeometryKind::Point(p) => Some(geodesic_m(*p, [lon, lat]) <= v.buffer_m()),
                _ => None,
            };
            if let (Some(true), Some(true)) = (near(a), near(b)) {
                assert!(
                    area.contains(lon, lat),
                    "{area:?} misses overlap point {lon} {lat}"
                );
            }
        }
    }
}

/// The printed forms of a geometry's coordinates.
fn coordinates(geometry: &geojson::Geometry) -> Vec<String> {
    let json = serde_json::to_value(geometry).expect("geometry serialises");
    let mut out = Vec::new();
    let mut stack = vec![&json["coordinates"]];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Array(items) => stack.extend(items),
            serde_json::Value::Number(n) => {
                out.push(format!("{:?}", n.as_f64().expect("a number")))
            }
            _ => {}
        }
    }
    out
}

/// Everything `party` can obtain: its state view, every lookup by every
/// id in the state, and the refusals of commands naming those ids.
fn everything_seen_by(state: &State, party: &str) -> String {
    let (reader, operator) = (viewer(party), actor(&format!("{party}/operator")));
    let mut seen = format!("{:?}", state.view(&reader));
    let entropy = Entropy::new([7; 32]);
    let refusal = |command: Command| match state.execute(&operator, command, T0, entropy) {
        Ok(_) => String::new(),
        Err(e) => format!("{e} {e:?}"),
    };
    for id in state.declarations.keys() {
        seen += &format!("{:?}", state.declaration(&reader, id));
        seen += &refusal(Command::Withdraw { id: *id });
    }
    for id in state.activities.keys() {
        seen += &format!("{:?}", state.activity(&reader, id));
        seen += &refusal(Command::Cancel { id: *id });
    }
    for id in state.conflicts.keys() {
        seen += &format!("{:?}", state.conflict(&reader, id));
        seen += &refusal(ack(id));
    }
    seen += &format!("{:?}", state.stops(&reader, T0));
    for id in state.stops.keys() {
        seen += &refusal(Command::LiftStop {
            id: *id,
            reason: None,
        });
        seen += &refusal(Command::AcknowledgeStop { id: *id });
    }
    seen
}

fn check_need_to_know(state: &State) {
    for party in VIEWERS {
        let reader = viewer(party);
        let seen = everything_seen_by(state, party);
        // The role never matters for reading.
        assert_eq!(
            state.view(&reader),
            state.view(&actor(&format!("{party}/auditor")))
        );
        let mut secrets: Vec<(ObjectRef, Vec<String>)> = Vec::new();
        for (id, d) in &state.declarations {
            let object = ObjectRef::Declaration(*id);
            let mut words = coordinates(&d.spec.volume.geometry);
            words.extend([d.spec.label.clone(), id.to_string()]);
            if let Some(track) = &d.track {
                let p = track.last.position;
                words.extend([format!("{:?}", p.lat), format!("{:?}", p.lon)]);
            }
            secrets.push((object, words));
        }
        for (id, a) in &state.activities {
            let object = ObjectRef::Activity(*id);
            let mut words = coordinates(&a.spec.volume.geometry);
            words.extend([a.spec.label.clone(), id.to_string()]);
            secrets.push((object, words));
        }
        for id in state.conflicts.keys() {
            secrets.push((ObjectRef::Conflict(*id), vec![id.to_string()]));
        }
        // Two objects may share a coordinate: a word the party sees in an
        // object open to it is no evidence of a leak from another.
        let open: BTreeSet<&str> = secrets
            .iter()
            .filter(|(object, _)| sight(state, &reader, object) == Sight::Full)
            .flat_map(|(_, words)| words.iter().map(String::as_str))
            .collect();
        for (object, words) in &secrets {
            let sight = sight(state, &reader, object);
            assert_eq!(sight, rule(state, party, object), "{party} {object}");
            let obtainable = match object {
                ObjectRef::Declaration(id) => state.declaration(&reader, id).is_ok(),
                ObjectRef::Activity(id) => state.activity(&reader, id).is_ok(),
                ObjectRef::Conflict(id) => state.conflict(&reader, id).is_ok(),
                ObjectRef::Incident(id) => state.incident(&reader, id).is_ok(),
            };
            assert_eq!(obtainable, sight == Sight::Full, "{party} {object}");
            if sight == Sight::Full {
                continue;
            }
            for word in words.iter().filter(|w| !open.contains(w.as_str())) {
                assert!(
                    !seen.contains(word.as_str()),
                    "{party} ({sight:?}) learns {word:?} of {object}"
                );
            }
        }
        // Where and why a stop was raised is its raiser's and the
        // coordinator's, whatever it held.
        for (id, stop) in &state.stops {
            if party == "joc" || stop.raiser == party {
                continue;
            }
            let mut words = coordinates(&stop.spec.geometry);
            words.push(stop.reason.clone());
            for word in words.iter().filter(|w| !open.contains(w.as_str())) {
                assert!(
                    !seen.contains(word.as_str()),
                    "{party} learns {word:?} of {id}"
                );
            }
        }
        check_not_found_is_uniform(state, party);
    }
}

/// The need-to-know rule, written again from the brief, to hold `sight` to.
fn rule(state: &State, party: &str, object: &ObjectRef) -> Sight {
    let coordinator = party == "joc";
    let (owner, public, disclosure) = match object {
        ObjectRef::Declaration(id) => {
            let d = &state.declarations[id];
            (
                &d.owner,
                d.spec.visibility == crate::Visibility::Public,
                d.spec.disclosure,
            )
        }
        ObjectRef::Activity(id) => {
            let a = &state.activities[id];
            (&a.owner, false, a.spec.disclosure)
        }
        ObjectRef::Conflict(id) => {
            let c = &state.conflicts[id];
            let involved = c.sides.iter().any(|s| s.party == party);
            // A question past the party's budget: the coordinator tells it.
            let hidden = c.via_coordinator && c.opened_by == party;
            return if coordinator || (involved && !hidden) {
                Sight::Full
            } else {
                Sight::Hidden
            };
        }
        ObjectRef::Incident(_) => unreachable!("these histories report no incidents"),
    };
    if coordinator || owner == party || public {
        return Sight::Full;
    }
    let met = state.conflicts.values().any(|c| {
        let sides = [&c.sides[0], &c.sides[1]];
        // A wide question, or one past the budget, shows the asking party
        // nothing of the other side.
        let withheld = c.withheld.is_some() && c.opened_by == party;
        !withheld
            && sides.iter().any(|s| s.object == *object)
            && sides
                .iter()
                .any(|s| s.object != *object && s.party == party)
    });
    if met {
        Sight::Conflict(disclosure)
    } else {
        Sight::Hidden
    }
}

/// A hidden object's id is refused exactly like an id that never existed.
fn check_not_found_is_uniform(state: &State, party: &str) {
    let operator = actor(&format!("{party}/operator"));
    let reader = viewer(party);
    let entropy = Entropy::new([3; 32]);
    let refuse = |command: Command| state.execute(&operator, command, T0, entropy).err();
    let nowhere = (
        DeclarationId::parse("dec_ffffffffffff").unwrap(),
        ActivityId::parse("act_ffffffffffff").unwrap(),
        ConflictId::parse("con_ffffffffffff").unwrap(),
    );
    for id in state.declarations.keys() {
        if sight(state, &reader, &ObjectRef::Declaration(*id)) != Sight::Full {
            assert_eq!(
                refuse(Command::Withdraw { id: *id }),
                refuse(Command::Withdraw { id: nowhere.0 })
            );
            assert_eq!(
                state.declaration(&reader, id),
                state.declaration(&reader, &nowhere.0)
            );
        }
    }
    for id in state.activities.keys() {
        if sight(state, &reader, &ObjectRef::Activity(*id)) != Sight::Full {
            assert_eq!(
                refuse(Command::Start { id: *id }),
                refuse(Command::Start { id: nowhere.1 })
            );
            assert_eq!(
                state.activity(&reader, id),
                state.activity(&reader, &nowhere.1)
            );
        }
    }
    for id in state.conflicts.keys() {
        if sight(state, &reader, &ObjectRef::Conflict(*id)) != Sight::Full {
            assert_eq!(refuse(ack(id)), refuse(ack(&nowhere.2)));
            assert_eq!(
                state.conflict(&reader, id),
                state.conflict(&reader, &nowhere.2)
            );
        }
    }
}

fn check_replay(w: &World) {
    let decoded: Vec<Entry> = w
        .entries
        .iter()
        .map(|e| Entry::decode(&e.encode()).expect("decodes"))
        .collect();
    assert_eq!(decoded, w.entries);
    let replayed = State::replay(Policy::default(), decoded).expect("replays");
    // The replay bulk-loads its index: it must hold the same volumes under
    // the same keys and answer every query the same.
    assert_eq!(replayed.index.len(), w.state.index.len());
    for (_, _, volume) in live(&w.state) {
        let mut then = replayed.index.conflicting(volume);
        let mut now = w.state.index.conflicting(volume);
        then.sort_unstable();
        now.sort_unstable();
        assert_eq!(then, now);
    }
    check_conflicts_match_the_oracle(&replayed);
    for party in VIEWERS {
        assert_eq!(
            replayed.view(&viewer(party)),
            w.state.view(&viewer(party)),
            "{party}"
        );
    }
}

/// A page from just after any object is the whole list past it, for every
/// viewer: pages built lazily from a point in the state skip nothing and
/// show nothing more.
fn check_pages(state: &State) {
    for who in VIEWERS {
        let v = viewer(who);
        check_paging(
            state
                .activities(&v)
                .iter()
                .map(|a| a.id.to_string())
                .collect(),
            state.activities.keys().copied(),
            |after| {
                state
                    .activities_after(&v, Some(after))
                    .map(|a| a.id.to_string())
                    .collect()
            },
        );
        check_paging(
            state
                .conflicts(&v)
                .iter()
                .map(|c| c.id.to_string())
                .collect(),
            state.conflicts.keys().copied(),
            |after| {
                state
                    .conflicts_after(&v, Some(after))
                    .map(|c| c.id.to_string())
                    .collect()
            },
        );
        check_paging(
            state
                .declarations(&v)
                .iter()
                .map(|d| d.id.to_string())
                .collect(),
            state.declarations.keys().copied(),
            |after| {
                state
                    .declarations_after(&v, Some(after))
                    .map(|d| d.id.to_string())
                    .collect()
            },
        );
    }
}

/// That the page after each of `keys` is exactly the ids of `all` past it.
fn check_paging<K: std::fmt::Display>(
    all: Vec<String>,
    keys: impl Iterator<Item = K>,
    page: impl Fn(K) -> Vec<String>,
) {
    for after in keys {
        let past: Vec<String> = all
            .iter()
            .filter(|id| id.as_str() > after.to_string().as_str())
            .cloned()
            .collect();
        let label = after.to_string();
        assert_eq!(page(after), past, "after {label}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_histories_keep_every_promise(ops in proptest::collection::vec(op(), 1..60)) {
        let w = play(&ops);
        check_conflicts_match_the_oracle(&w.state);
        check_clearance(&w.state);
        check_stops(&w.state, w.now());
        check_areas(&w.state);
        check_need_to_know(&w.state);
        check_pages(&w.state);
        check_replay(&w);
    }
}
