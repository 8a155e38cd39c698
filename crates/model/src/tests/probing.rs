//! Chosen questions: a wide survey, a bisection of a base's edge and of a
//! flight's altitude band, and what each attacker is left with. Each test
//! runs against the defence it names, and where it helps, the same script
//! runs once more without it, to show the attack it stops.

use super::*;
use crate::sight::{SideView, Sight, sight};
use crate::{
    ActivityState, Alert, NoticeEvent, Pattern, Position, ProbingPolicy, TrackReport, TrackingSpec,
    Withheld, may_read,
};

/// The defaults, with no wide questions and no budget: how the service
/// answered before.
fn unlimited() -> Policy {
    Policy {
        probing: ProbingPolicy {
            wide_objects: u32::MAX,
            wide_area_km2: u32::MAX,
            disclosed_budget: u32::MAX,
            quick_budget: u32::MAX,
            ..ProbingPolicy::default()
        },
        ..Policy::default()
    }
}

/// A volume from `from_ms` to `to_ms` with an altitude band.
fn exact(
    geometry: geojson::Geometry,
    buffer_m: f64,
    altitude_m: [f64; 2],
    from_ms: i64,
    to_ms: i64,
) -> VolumeSpec {
    VolumeSpec {
        geometry,
        buffer_m,
        altitude_m,
        from_ms,
        to_ms: Some(to_ms),
    }
}

// ---------------------------------------------------------------------------
// A wide question gets a coarse answer.

/// Six objects of four other parties along a road east of Balad, one of
/// them public, one coordinator-only.
fn crowded(policy: Policy) -> World {
    let mut w = World::with_policy(policy);
    let at = |lon: f64| point(lon, 34.0);
    w.ok(
        "coalition/operator",
        "base",
        declare("base", "Coalition base", vol(at(44.10), 500.0, -1, None)),
    );
    w.ok(
        "coalition/operator",
        "cache",
        coordinator_only(declare(
            "cache",
            "Coalition cache",
            vol(at(44.12), 300.0, -1, None),
        )),
    );
    w.ok(
        "coalition/operator",
        "flight",
        submit(
            "flight",
            "Coalition flight",
            vol(line(&[[44.14, 33.98], [44.14, 34.02]]), 300.0, 2, Some(5)),
        ),
    );
    w.ok(
        "isf/operator",
        "company",
        declare(
            "unit_position",
            "ISF company",
            vol(at(44.16), 400.0, -1, None),
        ),
    );
    w.ok(
        "ocha/operator",
        "camp",
        public(declare(
            "camp",
            "OCHA camp",
            vol(at(44.18), 400.0, -1, None),
        )),
    );
    w.ok(
        "peshmerga/operator",
        "patrol",
        submit(
            "patrol",
            "Peshmerga patrol",
            vol(at(44.20), 300.0, 1, Some(6)),
        ),
    );
    w
}

/// The PMF's survey along the road, meeting all six.
fn survey(w: &mut World) -> Entry {
    w.ok(
        "pmf/operator",
        "survey",
        submit(
            "survey",
            "PMF survey",
            vol(line(&[[44.09, 34.0], [44.21, 34.0]]), 200.0, 1, Some(6)),
        ),
    )
}

#[test]
fn a_wide_survey_shows_the_asker_only_that_the_coordinator_will_contact_it() {
    let mut w = crowded(Policy::default());
    let entry = survey(&mut w);
    assert_eq!(entry.outcome.opened.len(), 6, "{:?}", entry.outcome);
    let pmf = viewer("pmf");
    for (i, opened) in entry.outcome.opened.iter().enumerate() {
        assert_eq!(opened.withheld, Some(Withheld::Wide));
        assert!(!opened.via_coordinator, "the asker is told it exists");
        let seen = w.state.conflict(&pmf, &opened.id).unwrap();
        assert!(matches!(&seen.sides[0], SideView::Full { party, .. } if party == "pmf"));
        assert_eq!(seen.sides[1], SideView::CoordinatorWillContact);
        assert_eq!(seen.overlap, None);
        assert_eq!((seen.withheld, seen.via_coordinator), (None, false));
        // Nothing of the other side in the log either, even the public camp.
        for field in ["area", "from_ms", "to_ms", "other", "parties"] {
            let pointer = format!("/outcome/opened/{i}/{field}");
            assert!(!may_read(&w.state, &pmf, &entry, &pointer), "{pointer}");
        }
        assert!(may_read(
            &w.state,
            &pmf,
            &entry,
            &format!("/outcome/opened/{i}/id")
        ));
    }
    // The survey did not let the PMF see any of them through a conflict.
    for name in ["base", "cache", "company"] {
        let object = ObjectRef::Declaration(w.decl(name));
        assert_eq!(sight(&w.state, &pmf, &object), Sight::Hidden, "{name}");
    }
    for name in ["flight", "patrol"] {
        let object = ObjectRef::Activity(w.act(name));
        assert_eq!(sight(&w.state, &pmf, &object), Sight::Hidden, "{name}");
    }
    let seen = w.seen_by("pmf");
    for kind in ["\"base\"", "\"cache\"", "\"flight\"", "\"patrol\""] {
        assert!(!seen.contains(kind), "the PMF learns {kind}");
    }

    // The other parties are told of the survey as always: its kind, the
    // overlap.
    for (party, name) in [("coalition", "base"), ("isf", "company"), ("ocha", "camp")] {
        let object = ObjectRef::Declaration(w.decl(name));
        let i = entry
            .outcome
            .opened
            .iter()
            .position(|o| o.other == object)
            .unwrap();
        let seen = w
            .state
            .conflict(&viewer(party), &entry.outcome.opened[i].id)
            .unwrap();
        assert!(
            matches!(&seen.sides[1], SideView::Coarse { kind, .. } if kind == "survey"),
            "{party}: {seen:?}"
        );
        assert!(seen.overlap.is_some(), "{party}");
        let area = format!("/outcome/opened/{i}/area");
        assert!(may_read(&w.state, &viewer(party), &entry, &area), "{party}");
    }
    // The coordinator sees everything, and why the PMF was told less.
    for opened in &entry.outcome.opened {
        let seen = w.state.conflict(&viewer("joc"), &opened.id).unwrap();
        assert!(
            seen.sides
                .iter()
                .all(|s| matches!(s, SideView::Full { .. }))
        );
        assert!(seen.overlap.is_some());
        assert_eq!(seen.withheld, Some(Withheld::Wide));
    }
}

#[test]
fn a_wide_survey_holds_and_notifies_exactly_as_before() {
    let mut defended = crowded(Policy::default());
    let mut before = crowded(unlimited());
    let (wide, plain) = (survey(&mut defended), survey(&mut before));
    let mut shown = wide.outcome.clone();
    for opened in &mut shown.opened {
        assert_eq!(opened.withheld.take(), Some(Withheld::Wide));
    }
    assert_eq!(shown, plain.outcome);
    assert_eq!(wide.outcome.activity_state, Some(ActivityState::Held));
    // The Peshmerga's patrol, cleared when submitted, is held again.
    assert_eq!(wide.outcome.held, vec![defended.act("patrol")]);
    let parties: Vec<&str> = wide
        .outcome
        .notices
        .iter()
        .map(|n| n.party.as_str())
        .collect();
    for party in ["coalition", "isf", "ocha", "peshmerga", "pmf"] {
        assert!(parties.contains(&party), "{party}: {parties:?}");
    }
    // Without the defence the PMF would have learned every kind.
    let seen = before.seen_by("pmf");
    for kind in ["\"base\"", "\"flight\"", "\"patrol\""] {
        assert!(seen.contains(kind), "{kind}");
    }
}

#[test]
fn more_than_three_objects_or_a_large_area_make_a_question_wide() {
    // Three objects of others: not wide.
    let mut w = crowded(Policy::default());
    let entry = w.ok(
        "pmf/operator",
        "short",
        submit(
            "survey",
            "Short survey",
            vol(line(&[[44.09, 34.0], [44.145, 34.0]]), 200.0, 1, Some(6)),
        ),
    );
    assert_eq!(entry.outcome.opened.len(), 3);
    assert!(entry.outcome.opened.iter().all(|o| o.withheld.is_none()));
    let base = ObjectRef::Declaration(w.decl("base"));
    let opened = entry.outcome.opened.iter().find(|o| o.other == base);
    let seen = w.state.conflict(&viewer("pmf"), &opened.unwrap().id);
    assert!(matches!(&seen.unwrap().sides[1], SideView::Coarse { kind, .. } if kind == "base"));

    // One object, but a square of 0.6°: about 3,700 km².
    let mut w = World::new();
    w.ok(
        "coalition/operator",
        "base",
        declare(
            "base",
            "Al Asad",
            vol(point(42.44, 33.79), 3000.0, -1, None),
        ),
    );
    let entry = w.ok(
        "pmf/operator",
        "sweep",
        submit(
            "survey",
            "Desert sweep",
            vol(square(42.5, 33.7, 0.3), 0.0, 1, Some(6)),
        ),
    );
    let [opened] = entry.outcome.opened.as_slice() else {
        panic!("{:?}", entry.outcome);
    };
    assert_eq!(opened.withheld, Some(Withheld::Wide));
    let seen = w.state.conflict(&viewer("pmf"), &opened.id).unwrap();
    assert_eq!(seen.sides[1], SideView::CoordinatorWillContact);

    // A declaration amended into a large area is a wide question too.
    let mut w = World::new();
    w.ok(
        "coalition/operator",
        "flight",
        submit(
            "survey",
            "Coalition survey",
            vol(point(42.44, 33.79), 1000.0, 1, Some(6)),
        ),
    );
    let post = w.ok(
        "pmf/operator",
        "post",
        declare(
            "patrol",
            "Patrol area",
            vol(point(41.0, 34.4), 300.0, -1, None),
        ),
    );
    assert!(post.outcome.opened.is_empty());
    let spec = DeclarationSpec {
        kind: "patrol".into(),
        label: "Patrol area".into(),
        volume: vol(square(42.5, 33.7, 0.3), 0.0, -1, None),
        visibility: Visibility::Private,
        disclosure: Disclosure::Coarse,
        tracking: None,
    };
    let id = w.decl("post");
    let amended = w.ok(
        "pmf/operator",
        "amended",
        Command::Amend {
            id,
            version: None,
            spec,
        },
    );
    let [opened] = amended.outcome.opened.as_slice() else {
        panic!("{:?}", amended.outcome);
    };
    assert_eq!(opened.withheld, Some(Withheld::Wide));
    let seen = w.state.conflict(&viewer("pmf"), &opened.id).unwrap();
    assert_eq!(seen.overlap, None);
    let seen = w.state.conflict(&viewer("coalition"), &opened.id).unwrap();
    assert!(matches!(&seen.sides[1], SideView::Coarse { kind, .. } if kind == "patrol"));
}

// ---------------------------------------------------------------------------
// Windows are whole hours; altitude is never told.

#[test]
fn a_conflicts_window_is_whole_hours_and_holds_the_exact_overlap() {
    let mut w = World::new();
    let minute = 60_000;
    // The coalition's site, from 01:05 to 03:20, between 1,234.5 and
    // 4,321.5 m; the PMF's flight from 02:13 to 05:47.
    let site = exact(
        point(44.0, 34.0),
        500.0,
        [1234.5, 4321.5],
        T0 + 65 * minute,
        T0 + 200 * minute,
    );
    w.ok("coalition/operator", "site", declare("site", "Site", site));
    let flight = exact(
        point(44.001, 34.0),
        500.0,
        [0.0, 5000.0],
        T0 + 133 * minute,
        T0 + 347 * minute,
    );
    let entry = w.ok("pmf/operator", "flight", submit("survey", "Flight", flight));
    let [opened] = entry.outcome.opened.as_slice() else {
        panic!("{:?}", entry.outcome);
    };
    // The log stores the rounded window.
    assert_eq!(
        (opened.from_ms, opened.to_ms),
        (T0 + 2 * HOUR, Some(T0 + 4 * HOUR))
    );
    let (exact_from, exact_to) = (T0 + 133 * minute, T0 + 200 * minute);
    for party in ["pmf", "coalition", "joc"] {
        let seen = w.state.conflict(&viewer(party), &opened.id).unwrap();
        let window = seen.overlap.expect("coarse disclosure shows it").window;
        let to = window.to().unwrap();
        assert_eq!(window.from() % HOUR, 0, "{party}");
        assert_eq!(to % HOUR, 0, "{party}");
        assert!(window.from() <= exact_from && to >= exact_to, "{party}");
        assert!(to - window.from() < exact_to - exact_from + 2 * HOUR);
    }
    // Neither the edges nor the altitude reach the PMF.
    let seen = w.seen_by("pmf");
    for secret in [
        "1234.5",
        "4321.5",
        &(T0 + 65 * minute).to_string(),
        &(T0 + 200 * minute).to_string(),
    ] {
        assert!(!seen.contains(secret), "the PMF learns {secret}");
    }
}

#[test]
fn an_amendment_within_the_same_hours_tells_nothing_new() {
    let mut w = World::new();
    let minute = 60_000;
    w.ok(
        "coalition/operator",
        "patrol",
        submit(
            "patrol",
            "Patrol",
            exact(
                point(44.0, 34.0),
                500.0,
                [0.0, 0.0],
                T0 + 60 * minute,
                T0 + 300 * minute,
            ),
        ),
    );
    let post = |to_min: i64| DeclarationSpec {
        kind: "post".into(),
        label: "Post".into(),
        volume: exact(
            point(44.001, 34.0),
            100.0,
            [0.0, 0.0],
            T0,
            T0 + to_min * minute,
        ),
        visibility: Visibility::Private,
        disclosure: Disclosure::Coarse,
        tracking: None,
    };
    let first = w.ok("pmf/operator", "post", Command::Declare(post(130)));
    assert_eq!(first.outcome.opened.len(), 1);
    // 02:10 → 02:50: the same hours; the conflict is kept, nobody is told.
    let id = w.decl("post");
    let amended = w.ok(
        "pmf/operator",
        "later",
        Command::Amend {
            id,
            version: None,
            spec: post(170),
        },
    );
    assert!(amended.outcome.opened.is_empty(), "{:?}", amended.outcome);
    assert!(amended.outcome.resolved.is_empty());
}

// ---------------------------------------------------------------------------
// The bisection of a base.

/// Al Asad: the coalition's compound, 3 km around its reference point.
const AL_ASAD: [f64; 2] = [42.4412, 33.7856];
const BASE_RADIUS_M: f64 = 3000.0;
/// A point the PMF knows is inside (the runway, public knowledge), about a
/// kilometre from the centre.
const INSIDE: [f64; 2] = [42.45, 33.79];
/// How far from the inside point the PMF assumes the edge may be.
const REACH_M: f64 = 20_000.0;

/// Metres a degree of longitude and of latitude span at `lat` (WGS84).
fn metres_per_degree(lat: f64) -> (f64, f64) {
    let (a, e2) = (6_378_137.0f64, 0.006_694_379_990_14f64);
    let s = lat.to_radians().sin();
    let w = (1.0 - e2 * s * s).sqrt();
    let east = a / w * lat.to_radians().cos();
    let north = a * (1.0 - e2) / (w * w * w);
    (east.to_radians(), north.to_radians())
}

/// One probe as the PMF makes it: a volume of buffer 0, submitted
/// coordinator-only (so the coalition learns nothing of it) and cancelled
/// at once. The answer as the PMF can read it: a conflict it is shown
/// (yes), cleared without one (no), or held and shown nothing (it cannot
/// tell).
fn probe(w: &mut World, geometry: geojson::Geometry, altitude_m: [f64; 2]) -> Option<bool> {
    let n = w.entries.len();
    let name = format!("probe {n}");
    let volume = exact(geometry, 0.0, altitude_m, T0 + 2 * HOUR, T0 + 3 * HOUR);
    w.ok(
        "pmf/operator",
        &name,
        coordinator_only(submit("survey", &name, volume)),
    );
    let id = w.act(&name);
    let seen = w.state.activity(&viewer("pmf"), &id).unwrap();
    let answer = if !seen.conflicts.is_empty() {
        Some(true)
    } else if seen.state == ActivityState::Cleared {
        Some(false)
    } else {
        None
    };
    w.ok("pmf/operator", "cancelled", Command::Cancel { id });
    answer
}

/// Bisects between a value where the answer is yes and one where it is no,
/// `n` probes; returns the bracket the answers leave, (yes, no).
fn bisect(
    w: &mut World,
    n: usize,
    (mut yes, mut no): (f64, f64),
    mut ask: impl FnMut(&mut World, f64) -> Option<bool>,
) -> (f64, f64) {
    for _ in 0..n {
        let mid = (yes + no) / 2.0;
        match ask(w, mid) {
            Some(true) => yes = mid,
            Some(false) => no = mid,
            None => {}
        }
    }
    (yes, no)
}

/// What the bisection of the base leaves the PMF: the radius it estimates,
/// and how far that estimate could be off given its brackets, metres.
struct Estimate {
    radius_m: f64,
    uncertainty_m: f64,
}

/// The attack: 19 probes for the east edge along the inside point's
/// latitude, 19 for the west edge, then 19 for the north edge along the
/// chord's middle: a chord half-length `h` and a height `d` above it give
/// the radius (d² + h²) / 2d. 57 probes in all.
fn bisect_the_base(w: &mut World) -> Estimate {
    let (m_east, m_north) = metres_per_degree(INSIDE[1]);
    let reach_lon = REACH_M / m_east;
    let reach_lat = REACH_M / m_north;
    let along_row = |w: &mut World, lon: f64| probe(w, point(lon, INSIDE[1]), [0.0, 0.0]);
    let east = bisect(w, 19, (INSIDE[0], INSIDE[0] + reach_lon), along_row);
    let west = bisect(w, 19, (INSIDE[0], INSIDE[0] - reach_lon), along_row);
    let middle = (east.0 + east.1 + west.0 + west.1) / 4.0;
    let along_column = |w: &mut World, lat: f64| probe(w, point(middle, lat), [0.0, 0.0]);
    let north = bisect(w, 19, (INSIDE[1], INSIDE[1] + reach_lat), along_column);
    // In metres from the inside point, each edge as the interval the
    // answers leave.
    let x = |lon: f64| (lon - INSIDE[0]) * m_east;
    let y = |lat: f64| (lat - INSIDE[1]) * m_north;
    let interval = |(a, b): (f64, f64)| (a.min(b), a.max(b));
    let e = interval((x(east.0), x(east.1)));
    let wst = interval((x(west.0), x(west.1)));
    let n = interval((y(north.0), y(north.1)));
    let radius = |e: f64, wst: f64, d: f64| {
        let h = (e - wst) / 2.0;
        (d * d + h * h) / (2.0 * d.max(1e-3))
    };
    let points = |(lo, hi): (f64, f64)| (0..=8).map(move |i| lo + (hi - lo) * f64::from(i) / 8.0);
    let mut range = (f64::INFINITY, f64::NEG_INFINITY);
    for e in points(e) {
        for wst in points(wst) {
            for d in points(n) {
                let r = radius(e, wst, d);
                range = (range.0.min(r), range.1.max(r));
            }
        }
    }
    let mid = |(lo, hi): (f64, f64)| (lo + hi) / 2.0;
    Estimate {
        radius_m: radius(mid(e), mid(wst), mid(n)),
        uncertainty_m: range.1 - range.0,
    }
}

fn al_asad(policy: Policy) -> World {
    let mut w = World::with_policy(policy);
    w.ok(
        "coalition/operator",
        "al_asad",
        declare(
            "base",
            "Al Asad Air Base, coalition compound",
            vol(point(AL_ASAD[0], AL_ASAD[1]), BASE_RADIUS_M, -720, None),
        ),
    );
    w
}

#[test]
fn without_a_budget_57_probes_find_the_bases_radius_to_a_metre() {
    let mut w = al_asad(unlimited());
    let estimate = bisect_the_base(&mut w);
    assert!(estimate.uncertainty_m < 1.0, "{}", estimate.uncertainty_m);
    assert!(
        (estimate.radius_m - BASE_RADIUS_M).abs() < 5.0,
        "{}",
        estimate.radius_m
    );
    assert!(w.entries.iter().all(|e| e.outcome.probing.is_none()));
}

#[test]
fn past_the_budget_a_bisection_of_the_base_is_left_kilometres_off() {
    let mut w = al_asad(Policy::default());
    let estimate = bisect_the_base(&mut w);
    assert!(
        estimate.uncertainty_m > 1_000.0,
        "the PMF knows the radius to {} m",
        estimate.uncertainty_m
    );
    let base = ObjectRef::Declaration(w.decl("al_asad"));

    // The twenty-first probe came past the budget: from it on, every entry
    // of a probe carries the suspicion, for the coordinator.
    let probes: Vec<Entry> = w
        .entries
        .iter()
        .filter(|e| matches!(e.command, Command::SubmitActivity(_)))
        .filter(|e| e.actor.party == "pmf")
        .cloned()
        .collect();
    assert_eq!(probes.len(), 57);
    assert!(probes[..20].iter().all(|e| e.outcome.probing.is_none()));
    let first = &probes[20];
    let suspicion = first.outcome.probing.as_ref().expect("a suspicion");
    assert_eq!(suspicion.party, "pmf");
    let [pattern] = suspicion.patterns.as_slice() else {
        panic!("{suspicion:?}");
    };
    assert_eq!(pattern.pattern, Pattern::QuickCycles);
    assert_eq!((pattern.count, pattern.budget), (20, 20));
    let cycled: Vec<ObjectRef> = probes[..20]
        .iter()
        .map(|e| e.outcome.created.unwrap())
        .collect();
    for object in &cycled {
        assert!(pattern.objects.contains(object), "{object}");
    }
    assert!(probes[20..].iter().all(|e| e.outcome.probing.is_some()));
    // Only the coordinator reads it.
    for pointer in [
        "/outcome/probing/party",
        "/outcome/probing/patterns/0/count",
    ] {
        assert!(may_read(&w.state, &viewer("joc"), first, pointer));
        for party in ["pmf", "coalition"] {
            assert!(
                !may_read(&w.state, &viewer(party), first, pointer),
                "{party}"
            );
        }
    }

    // Safety: a probe past the budget that meets the base still opens a
    // conflict, is held, and the coalition and the coordinator are told;
    // the PMF, only that the coordinator will contact it.
    assert_eq!(probe(&mut w, point(INSIDE[0], INSIDE[1]), [0.0, 0.0]), None);
    let hit = w.entries[w.entries.len() - 2].clone();
    let hit = &hit;
    let miss = probes[20..]
        .iter()
        .find(|e| e.outcome.opened.is_empty())
        .expect("a probe past the budget missed it");
    let [opened] = hit.outcome.opened.as_slice() else {
        panic!("{:?}", hit.outcome);
    };
    assert_eq!(opened.other, base);
    assert!(opened.via_coordinator);
    let told: Vec<&str> = hit
        .outcome
        .notices
        .iter()
        .map(|n| n.party.as_str())
        .collect();
    assert_eq!(told, ["coalition"]);
    assert!(
        hit.outcome
            .notices
            .iter()
            .all(|n| n.event == NoticeEvent::Opened)
    );
    let coalition = w.state.conflict(&viewer("coalition"), &opened.id).unwrap();
    assert_eq!(
        coalition.sides[1],
        SideView::CoordinatorWillContact,
        "a hushed probe"
    );
    let joc = w.state.conflict(&viewer("joc"), &opened.id).unwrap();
    assert!(joc.via_coordinator && joc.overlap.is_some());
    assert!(w.state.conflict(&viewer("pmf"), &opened.id).is_err());
    // A hit and a miss read the same to the PMF.
    let answer = |e: &Entry| {
        let Some(ObjectRef::Activity(id)) = e.outcome.created else {
            panic!("a probe");
        };
        let seen = w.state.activity(&viewer("pmf"), &id).unwrap();
        let reasons: Vec<_> = seen
            .history
            .iter()
            .map(|t| (t.state, t.reason.clone()))
            .collect();
        (e.outcome.activity_state, seen.conflicts, reasons)
    };
    assert_eq!(answer(hit), answer(miss));
    assert_eq!(
        answer(hit).2[0].1.as_deref(),
        Some(crate::probing::HELD_FOR_COORDINATOR)
    );
    let pmf = viewer("pmf");
    for field in ["id", "activity", "other", "area", "from_ms", "to_ms"] {
        let pointer = format!("/outcome/opened/0/{field}");
        assert!(!may_read(&w.state, &pmf, hit, &pointer), "{pointer}");
    }
    // Its cancellation resolved the conflict; the PMF was not told that
    // either.
    let cancel = &w.entries[hit.seq as usize];
    assert_eq!(cancel.outcome.resolved, vec![opened.id]);
    assert!(cancel.outcome.notices.iter().all(|n| n.party != "pmf"));

    // The counts are the log's: a replay gives the same suspicion.
    let replayed = State::replay(Policy::default(), &w.entries).unwrap();
    assert_eq!(
        replayed.budget_spent("pmf", w.now()),
        w.state.budget_spent("pmf", w.now())
    );
    assert!(w.state.budget_spent("coalition", w.now()).is_none());

    // The window slides: a day later the PMF's answers are its own again.
    let later = w.now() + 25 * HOUR;
    w.set_clock(later);
    assert_eq!(
        probe(&mut w, point(INSIDE[0], INSIDE[1]), [0.0, 0.0]),
        Some(true)
    );
}

// ---------------------------------------------------------------------------
// The bisection of a flight's altitude band.

const FLIGHT_BAND: [f64; 2] = [3000.0, 4500.0];
/// The highest a survey may reach.
const CEILING: f64 = 10_000.0;

fn coalition_flight(policy: Policy) -> World {
    let mut w = World::with_policy(policy);
    w.ok(
        "coalition/operator",
        "flight",
        submit(
            "flight",
            "Resupply flight Al Asad - Taji",
            exact(
                line(&[[42.44, 33.79], [44.28, 33.53]]),
                1000.0,
                FLIGHT_BAND,
                T0 + HOUR,
                T0 + 5 * HOUR,
            ),
        ),
    );
    w
}

/// 15 probes for the top of the band (a probe from `h` up meets it while
/// `h` is below the top), then 15 for the bottom (one from the ground to
/// `h` meets it once `h` is above the bottom): each edge's uncertainty.
fn bisect_the_band(w: &mut World) -> (f64, f64) {
    let on_route = point(43.36, 33.66);
    let top = bisect(w, 15, (0.0, CEILING), |w, h| {
        probe(w, on_route.clone(), [h, CEILING])
    });
    let bottom = bisect(w, 15, (CEILING, 0.0), |w, h| {
        probe(w, on_route.clone(), [0.0, h])
    });
    assert!(
        top.0 <= FLIGHT_BAND[1] && FLIGHT_BAND[1] <= top.1,
        "{top:?}"
    );
    assert!(
        bottom.1 <= FLIGHT_BAND[0] && FLIGHT_BAND[0] <= bottom.0,
        "{bottom:?}"
    );
    ((top.1 - top.0).abs(), (bottom.0 - bottom.1).abs())
}

#[test]
fn without_a_budget_30_probes_pin_a_flights_altitude_band() {
    let mut w = coalition_flight(unlimited());
    let (top, bottom) = bisect_the_band(&mut w);
    assert!(top < 1.0 && bottom < 1.0, "{top} {bottom}");
}

#[test]
fn past_the_budget_the_band_cannot_be_pinned() {
    let mut w = coalition_flight(Policy::default());
    let (top, bottom) = bisect_the_band(&mut w);
    // The top took the first 15 answers; the bottom got 5 before the
    // budget was spent, and nothing after.
    assert!(top < 1.0, "{top}");
    assert!(bottom > 300.0, "the PMF knows the bottom to {bottom} m");
    let suspected = w
        .entries
        .iter()
        .filter_map(|e| e.outcome.probing.as_ref())
        .count();
    assert_eq!(suspected, 10);
}

// ---------------------------------------------------------------------------
// The budget of objects shown, and a unit on the move.

#[test]
fn a_party_shown_its_budget_of_objects_is_answered_through_the_coordinator() {
    let policy = Policy {
        probing: ProbingPolicy {
            disclosed_budget: 3,
            ..ProbingPolicy::default()
        },
        ..Policy::default()
    };
    let mut w = World::with_policy(policy);
    for i in 0..4 {
        let lon = 44.0 + f64::from(i) * 0.1;
        w.ok(
            "coalition/operator",
            &format!("site {i}"),
            declare("site", "Site", vol(point(lon, 34.0), 300.0, -1, None)),
        );
    }
    let mut shown = Vec::new();
    for i in 0..4 {
        let lon = 44.0 + f64::from(i) * 0.1;
        let entry = w.ok(
            "pmf/operator",
            &format!("look {i}"),
            submit("survey", "Look", vol(point(lon, 34.0), 100.0, 1, Some(2))),
        );
        let [opened] = entry.outcome.opened.as_slice() else {
            panic!("{:?}", entry.outcome);
        };
        let seen = w.state.conflict(&viewer("pmf"), &opened.id).ok();
        shown.push(seen.is_some_and(|c| c.overlap.is_some()));
        if i == 3 {
            let suspicion = entry.outcome.probing.as_ref().expect("a suspicion");
            let [pattern] = suspicion.patterns.as_slice() else {
                panic!("{suspicion:?}");
            };
            assert_eq!(pattern.pattern, Pattern::DisclosedObjects);
            assert_eq!(pattern.count, 3);
            let sites: Vec<ObjectRef> = (0..3)
                .map(|i| ObjectRef::Declaration(w.decl(&format!("site {i}"))))
                .collect();
            let mut objects = pattern.objects.clone();
            objects.sort();
            let mut sites = sites;
            sites.sort();
            assert_eq!(objects, sites);
            // Held, and the coalition told, as always.
            assert_eq!(entry.outcome.activity_state, Some(ActivityState::Held));
            assert!(entry.outcome.notices.iter().any(|n| n.party == "coalition"));
        }
    }
    assert_eq!(shown, [true, true, true, false]);
}

#[test]
fn a_unit_on_the_move_past_the_budget_is_still_told_it_entered_a_hazard() {
    let policy = Policy {
        probing: ProbingPolicy {
            quick_budget: 0,
            ..ProbingPolicy::default()
        },
        ..Policy::default()
    };
    let mut w = World::with_policy(policy);
    let park = (43.4750, 34.9370);
    let mut unit = declare(
        "unit_position",
        "PMF company",
        vol(point(park.0 - 0.018, park.1), 200.0, -48, None),
    );
    if let Command::Declare(spec) = &mut unit {
        spec.tracking = Some(TrackingSpec {
            report_interval_s: 60,
            max_speed_mps: Some(20.0),
            cot_uid: None,
        });
    }
    w.ok("pmf/operator", "company", unit);
    let strike = vol(point(park.0, park.1), 800.0, -1, Some(2));
    w.ok(
        "coalition/operator",
        "strike",
        submit("air_strike", "Strike", strike),
    );
    let strike = w.act("strike");
    w.ok(
        "joc/approver",
        "cleared",
        clear(&strike, "nobody declared there"),
    );
    let (company, now) = (w.decl("company"), w.now());
    let report = TrackReport {
        declaration: company,
        time_ms: now,
        position: Position {
            lat: park.1,
            lon: park.0 - 0.01,
            hae: None,
            ce_m: Some(10.0),
            speed_mps: None,
            course_deg: None,
        },
    };
    let entry = w.ok(
        "pmf/operator",
        "enter",
        Command::Track {
            reports: vec![report],
        },
    );
    let [opened] = entry.outcome.opened.as_slice() else {
        panic!("{:?}", entry.outcome);
    };
    assert_eq!(opened.withheld, Some(Withheld::Budget));
    assert!(!opened.via_coordinator);
    assert!(entry.outcome.probing.is_some());
    assert_eq!(entry.outcome.held, vec![strike]);
    assert_eq!(
        entry.outcome.alerts,
        vec![Alert {
            subject: ObjectRef::Conflict(opened.id),
            parties: vec!["coalition".into(), "pmf".into()],
        }]
    );
    let seen = w.state.conflict(&viewer("pmf"), &opened.id).unwrap();
    assert_eq!(seen.sides[1], SideView::CoordinatorWillContact);
    let seen = w.state.conflict(&viewer("coalition"), &opened.id).unwrap();
    assert!(seen.overlap.is_some());
}
