//! Property tests of the conflict rule against a brute-force oracle.
//!
//! The oracle knows nothing of the engine's bounds or trees: it samples every
//! edge densely (straight in lon/lat, as RFC 7946 draws it), takes the
//! smallest geodesic distance over all pairs of samples, and checks interiors
//! with its own crossing-number test. The sampled minimum `hi` is a real
//! distance between two points of the geometries, so the true distance is at
//! most `hi`; every point of an edge is within half a sample step of a sample,
//! so the true distance is at least `hi - step_a/2 - step_b/2`. The engine must
//! report every pair with `hi <= limit` and no pair with `lo > limit + tol`.
//!
//! Cases are drawn near the decision threshold, across the antimeridian and
//! near the poles.

use deconflict_geo4d::{
    AltitudeBand, Geometry, GeometryKind, Id, Index, LonLat, Volume, Window, conflicting_by_scan,
    geodesic_m, tolerance_m,
};
use proptest::prelude::*;

/// Coarse sample spacing along edges, in metres (bounded by path length).
const STEP_M: f64 = 60.0;
/// Fine spacing used around the coarse candidates.
const FINE_M: f64 = 1.0;
/// Past this many candidate pairs the oracle keeps its coarse bounds.
const MAX_REFINED: usize = 64;

fn path_len_bound(a: LonLat, b: LonLat) -> f64 {
    // Generous: 6,400 km per radian in both directions, no cos shrink.
    6_400_000.0 * ((b[1] - a[1]).to_radians().hypot((b[0] - a[0]).to_radians()))
}

fn lerp(a: LonLat, b: LonLat, s: f64) -> LonLat {
    [a[0] + (b[0] - a[0]) * s, a[1] + (b[1] - a[1]) * s]
}

/// A sample: where it is, the edge it lies on, and the stretch of that edge
/// (in edge parameter) it stands for, whose path length is `half` either way.
#[derive(Clone, Copy)]
struct Sample {
    at: LonLat,
    edge: (LonLat, LonLat),
    s: f64,
    ds: f64,
    half: f64,
}

fn edges(kind: &GeometryKind) -> Vec<(LonLat, LonLat)> {
    let line = |l: &Vec<LonLat>| l.windows(2).map(|w| (w[0], w[1])).collect::<Vec<_>>();
    match kind {
        GeometryKind::Point(p) => vec![(*p, *p)],
        GeometryKind::MultiPoint(ps) => ps.iter().map(|p| (*p, *p)).collect(),
        GeometryKind::LineString(l) => line(l),
        GeometryKind::MultiLineString(ls) | GeometryKind::Polygon(ls) => {
            ls.iter().flat_map(line).collect()
        }
        GeometryKind::MultiPolygon(ps) => ps.iter().flatten().flat_map(line).collect(),
    }
}

fn sample_edges(edges: &[(LonLat, LonLat)], step: f64) -> Vec<Sample> {
    let mut out = Vec::new();
    for &(a, b) in edges {
        let len = path_len_bound(a, b);
        let n = (len / step).ceil().max(1.0) as usize;
        for i in 0..=n {
            let s = i as f64 / n as f64;
            out.push(Sample {
                at: lerp(a, b, s),
                edge: (a, b),
                s,
                ds: 0.5 / n as f64,
                half: len / n as f64 / 2.0,
            });
        }
    }
    out
}

/// Fine samples of the stretch a coarse sample stands for.
fn refine(sample: &Sample) -> Vec<LonLat> {
    let (a, b) = sample.edge;
    let (lo, hi) = (
        (sample.s - sample.ds).max(0.0),
        (sample.s + sample.ds).min(1.0),
    );
    let n = (2.0 * sample.half / FINE_M).ceil().max(1.0) as usize;
    (0..=n)
        .map(|i| lerp(a, b, lo + (hi - lo) * i as f64 / n as f64))
        .collect()
}

fn in_ring(ring: &[LonLat], p: LonLat) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
            if p[0] < x {
                inside = !inside;
            }
        }
    }
    inside
}

fn polygons(kind: &GeometryKind) -> Vec<&Vec<Vec<LonLat>>> {
    match kind {
        GeometryKind::Polygon(rings) => vec![rings],
        GeometryKind::MultiPolygon(ps) => ps.iter().collect(),
        _ => vec![],
    }
}

/// Whether any sample of `points` lies strictly inside a polygon of `kind`,
/// trying each sample at its three longitudes (−360, 0, +360).
fn oracle_inside(kind: &GeometryKind, points: &[LonLat]) -> bool {
    polygons(kind).iter().any(|rings| {
        points.iter().any(|p| {
            [-360.0, 0.0, 360.0].iter().any(|shift| {
                let q = [p[0] + shift, p[1]];
                in_ring(&rings[0], q) && !rings[1..].iter().any(|h| in_ring(h, q))
            })
        })
    })
}

/// `(hi, lo)`: the true distance lies in `[lo, hi]`.
///
/// The true closest pair lies within the stretches of some coarse pair whose
/// sample distance is at most `hi` plus both half-stretches; when there are
/// few such pairs, their stretches are sampled again at [`FINE_M`].
fn oracle_distance(a: &GeometryKind, b: &GeometryKind) -> (f64, f64) {
    let sa = sample_edges(&edges(a), STEP_M);
    let sb = sample_edges(&edges(b), STEP_M);
    let (pa, pb): (Vec<LonLat>, Vec<LonLat>) = (
        sa.iter().map(|s| s.at).collect(),
        sb.iter().map(|s| s.at).collect(),
    );
    if oracle_inside(a, &pb) || oracle_inside(b, &pa) {
        return (0.0, 0.0);
    }
    let mut dist = Vec::with_capacity(sa.len() * sb.len());
    let mut hi = f64::INFINITY;
    for x in &sa {
        for y in &sb {
            let d = geodesic_m(x.at, y.at);
            hi = hi.min(d);
            dist.push(d);
        }
    }
    let candidates: Vec<(usize, usize)> = (0..sa.len())
        .flat_map(|i| (0..sb.len()).map(move |j| (i, j)))
        .filter(|&(i, j)| dist[i * sb.len() + j] <= hi + sa[i].half + sb[j].half)
        .collect();
    let coarse_lo = candidates
        .iter()
        .map(|&(i, j)| dist[i * sb.len() + j] - sa[i].half - sb[j].half)
        .fold(f64::INFINITY, f64::min)
        .max(0.0);
    if candidates.len() > MAX_REFINED {
        return (hi, coarse_lo);
    }
    let mut fine_hi = hi;
    let mut fine_lo = f64::INFINITY;
    for (i, j) in candidates {
        let (fa, fb) = (refine(&sa[i]), refine(&sb[j]));
        let mut best = f64::INFINITY;
        for x in &fa {
            for y in &fb {
                best = best.min(geodesic_m(*x, *y));
            }
        }
        fine_hi = fine_hi.min(best);
        fine_lo = fine_lo.min(best - FINE_M);
    }
    (fine_hi, fine_lo.max(0.0))
}

/// Where test geometries are centred.
fn center() -> impl Strategy<Value = LonLat> {
    prop_oneof![
        // Iraq.
        (38.7..48.6f64, 29.0..37.5f64).prop_map(|(x, y)| [x, y]),
        // Astride the antimeridian, written in [-180, 180].
        (
            prop_oneof![179.7..180.0f64, -180.0..-179.7f64],
            -60.0..60.0f64
        )
            .prop_map(|(x, y)| [x, y]),
        // Near the poles.
        (
            -180.0..180.0f64,
            prop_oneof![88.5..89.6f64, -89.6..-88.5f64]
        )
            .prop_map(|(x, y)| [x, y]),
    ]
}

/// A star-shaped (hence simple) ring around `c`, radii in degrees.
fn star(c: LonLat, n: usize, radii: &[f64], phase: f64, scale: f64) -> Vec<LonLat> {
    let mut ring: Vec<LonLat> = (0..n)
        .map(|i| {
            let t = phase + i as f64 / n as f64 * std::f64::consts::TAU;
            let r = radii[i % radii.len()] * scale;
            [c[0] + r * t.cos(), (c[1] + r * t.sin()).clamp(-90.0, 90.0)]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

fn geometry_near(c: LonLat) -> impl Strategy<Value = GeometryKind> {
    let offset = || (-0.08..0.08f64, -0.08..0.08f64);
    let shift = move |(dx, dy): (f64, f64)| [c[0] + dx, (c[1] + dy).clamp(-90.0, 90.0)];
    let radii = || proptest::collection::vec(0.01..0.06f64, 4..9);
    prop_oneof![
        2 => offset().prop_map(move |o| GeometryKind::Point(shift(o))),
        2 => proptest::collection::vec(offset(), 2..5)
            .prop_map(move |os| GeometryKind::LineString(os.into_iter().map(shift).collect())),
        2 => (
            4usize..9,
            radii(),
            0.0..1.0f64,
            any::<bool>(),
            offset()
        )
            .prop_map(move |(n, radii, phase, hole, o)| {
                let centre = shift((o.0 * 0.3, o.1 * 0.3));
                let mut rings = vec![star(centre, n, &radii, phase, 1.0)];
                if hole {
                    // Inside the shell: smaller than the smallest radius times cos(67.5°).
                    let min = radii.iter().take(n).fold(f64::INFINITY, |m, r| m.min(*r));
                    rings.push(star(centre, 4, &[min * 0.3], phase, 1.0));
                }
                GeometryKind::Polygon(rings)
            }),
        // More than 64 pieces: these are decided through a ball tree.
        1 => (65usize..90, radii(), 0.0..1.0f64, offset()).prop_map(move |(n, radii, phase, o)| {
            let centre = shift((o.0 * 0.3, o.1 * 0.3));
            GeometryKind::Polygon(vec![star(centre, n, &radii, phase, 1.0)])
        }),
        1 => (
            proptest::collection::vec((-0.003..0.003f64, -0.003..0.003f64), 66..80),
            offset()
        )
            .prop_map(move |(steps, o)| {
                let mut at = shift(o);
                let walk = steps.into_iter().map(|(dx, dy)| {
                    at = [at[0] + dx, (at[1] + dy).clamp(-90.0, 90.0)];
                    at
                });
                GeometryKind::LineString(walk.collect())
            }),
    ]
}

/// Two geometries near the same place.
fn pair() -> impl Strategy<Value = (GeometryKind, GeometryKind)> {
    center().prop_flat_map(|c| (geometry_near(c), geometry_near(c)))
}

fn volume(kind: GeometryKind, buffer: f64) -> Option<Volume> {
    // Generated shapes are valid except when a pole clamp folds a ring;
    // those are skipped rather than repaired.
    let g = Geometry::new(kind).ok()?;
    Some(
        Volume::new(
            g,
            buffer,
            AltitudeBand::SURFACE,
            Window::new(0, None).unwrap(),
        )
        .unwrap(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn never_misses_and_never_overreports((a, b) in pair(), jitter in -1.0..1.0f64, split in 0.0..1.0f64) {
        let (hi, lo) = oracle_distance(&a, &b);
        // A limit close to the true distance: within ±0.2 % or ±20 m.
        let limit = (hi + jitter * (hi * 0.002).max(20.0)).max(0.0);
        let (Some(va), Some(vb)) = (volume(a, limit * split), volume(b, limit * (1.0 - split))) else {
            return Ok(());
        };
        let engine = va.conflicts_with(&vb);
        prop_assert_eq!(engine, vb.conflicts_with(&va), "the rule is symmetric");
        let limit = va.buffer_m() + vb.buffer_m();
        if hi <= limit {
            prop_assert!(engine, "missed: distance <= {} but limit {}", hi, limit);
        }
        if lo > limit + tolerance_m(limit) {
            prop_assert!(!engine, "over-reported: distance >= {} but limit {}", lo, limit);
        }
    }

    #[test]
    fn windows_overlap_exactly_when_they_share_an_instant(
        a in (0i64..20, prop::option::of(1i64..10)),
        b in (0i64..20, prop::option::of(1i64..10)),
    ) {
        let wa = Window::new(a.0, a.1.map(|d| a.0 + d)).unwrap();
        let wb = Window::new(b.0, b.1.map(|d| b.0 + d)).unwrap();
        let shared = (0..40).any(|t| wa.contains(t) && wb.contains(t));
        prop_assert_eq!(wa.overlaps(&wb), shared);
    }

    #[test]
    fn bands_overlap_exactly_when_they_share_a_height(a in (0u8..10, 0u8..10), b in (0u8..10, 0u8..10)) {
        let band = |(x, y): (u8, u8)| AltitudeBand::new(f64::from(x.min(y)) * 100.0, f64::from(x.max(y)) * 100.0).unwrap();
        let (ba, bb) = (band(a), band(b));
        let shared = (0..=900).step_by(100).any(|h| {
            let h = f64::from(h);
            ba.lo() <= h && h <= ba.hi() && bb.lo() <= h && h <= bb.hi()
        });
        prop_assert_eq!(ba.overlaps(&bb), shared);
    }
}

/// A stored volume for index tests: a small geometry, a buffer, a window of
/// a few hours and a band.
fn stored(c: LonLat) -> impl Strategy<Value = Option<Volume>> {
    (
        geometry_near(c),
        0.0..3_000.0f64,
        0i64..10,
        prop::option::of(1i64..5),
        0u8..3,
    )
        .prop_map(|(g, buffer, from, len, band)| {
            let window = Window::new(from, len.map(|l| from + l)).unwrap();
            let band =
                AltitudeBand::new(f64::from(band) * 1000.0, f64::from(band) * 1000.0 + 500.0)
                    .unwrap();
            Some(Volume::new(Geometry::new(g).ok()?, buffer, band, window).unwrap())
        })
}

#[derive(Debug, Clone)]
enum Op {
    Put(Id, Option<Volume>),
    Remove(Id),
    Query(Option<Volume>),
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    center().prop_flat_map(|c| {
        proptest::collection::vec(
            prop_oneof![
                4 => (0u64..30, stored(c)).prop_map(|(id, v)| Op::Put(id, v)),
                1 => (0u64..30).prop_map(Op::Remove),
                3 => stored(c).prop_map(Op::Query),
            ],
            1..60,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// The index answers exactly what a scan of every stored volume answers,
    /// through inserts, moves (replacements) and removals.
    #[test]
    fn index_matches_a_scan(ops in ops(), bulk in any::<bool>()) {
        let mut model: std::collections::BTreeMap<Id, Volume> = Default::default();
        let mut index = Index::new();
        let mut queries = Vec::new();
        for op in ops {
            match op {
                Op::Put(id, Some(v)) => {
                    index.insert(id, v.clone());
                    model.insert(id, v);
                }
                Op::Remove(id) => {
                    prop_assert_eq!(index.remove(id).is_some(), model.remove(&id).is_some());
                }
                Op::Query(Some(q)) => queries.push(q),
                Op::Put(_, None) | Op::Query(None) => {}
            }
        }
        if bulk {
            index = Index::bulk_load(model.iter().map(|(id, v)| (*id, v.clone())));
        }
        prop_assert_eq!(index.len(), model.len());
        for q in &queries {
            let mut got = index.conflicting(q);
            got.sort_unstable();
            let want = conflicting_by_scan(model.iter().map(|(id, v)| (*id, v)), q);
            // Borderline pairs are decided from the same end either way, so
            // the index answers exactly what the scan answers.
            prop_assert_eq!(got, want);
        }
    }
}

#[test]
fn a_ring_written_past_180_meets_its_neighbour_across_the_antimeridian() {
    // One ring through 179.9° and 180.1°, and a point at -179.95° inside it.
    let ring = vec![
        [179.9, -0.1],
        [180.1, -0.1],
        [180.1, 0.1],
        [179.9, 0.1],
        [179.9, -0.1],
    ];
    let square = volume(GeometryKind::Polygon(vec![ring]), 0.0).unwrap();
    let inside = volume(GeometryKind::Point([-179.95, 0.0]), 0.0).unwrap();
    let outside = volume(GeometryKind::Point([-179.0, 0.0]), 0.0).unwrap();
    assert!(square.conflicts_with(&inside));
    assert!(!square.conflicts_with(&outside));
    let mut index = Index::new();
    index.insert(1, square);
    assert_eq!(index.conflicting(&inside), vec![1]);
    assert!(index.conflicting(&outside).is_empty());
}

#[test]
fn rfc7946_split_parts_are_as_close_as_they_really_are() {
    // The same square cut at the antimeridian into two parts.
    let west = vec![
        [179.9, -0.1],
        [180.0, -0.1],
        [180.0, 0.1],
        [179.9, 0.1],
        [179.9, -0.1],
    ];
    let east = vec![
        [-180.0, -0.1],
        [-179.9, -0.1],
        [-179.9, 0.1],
        [-180.0, 0.1],
        [-180.0, -0.1],
    ];
    let square = volume(
        GeometryKind::MultiPolygon(vec![vec![west], vec![east]]),
        0.0,
    )
    .unwrap();
    let inside = volume(GeometryKind::Point([-179.95, 0.0]), 0.0).unwrap();
    let near = volume(GeometryKind::Point([179.85, 0.0]), 5_600.0).unwrap();
    assert!(square.conflicts_with(&inside));
    assert!(
        square.conflicts_with(&near),
        "0.05° of longitude at the equator is about 5.57 km"
    );
}

#[test]
fn a_polar_cap_covers_the_pole_and_everything_on_it() {
    let cap = vec![
        [-180.0, 89.0],
        [180.0, 89.0],
        [180.0, 90.0],
        [-180.0, 90.0],
        [-180.0, 89.0],
    ];
    let cap = volume(GeometryKind::Polygon(vec![cap]), 0.0).unwrap();
    for lon in [-180.0, -90.0, 0.0, 45.0, 179.0] {
        assert!(cap.conflicts_with(&volume(GeometryKind::Point([lon, 89.5]), 0.0).unwrap()));
    }
    let south = volume(GeometryKind::Point([10.0, 88.9]), 0.0).unwrap();
    assert!(!cap.conflicts_with(&south));
    // 0.1° of latitude near the pole is about 11.17 km.
    assert!(cap.conflicts_with(&volume(GeometryKind::Point([10.0, 88.9]), 11_200.0).unwrap()));
    let mut index = Index::new();
    index.insert(7, cap);
    assert_eq!(
        index.active_at(5, &Geometry::point(123.0, 89.99).unwrap()),
        vec![7]
    );
}

#[test]
fn a_long_route_inside_a_wide_polygon_is_found_through_the_index() {
    // A 50 km route held chunk by chunk, wholly inside a 1° square with no
    // edge near it: only the interior says they meet.
    let route = volume(
        GeometryKind::LineString(vec![[44.2, 33.2], [44.7, 33.5]]),
        0.0,
    )
    .unwrap();
    let ring = vec![
        [44.0, 33.0],
        [45.0, 33.0],
        [45.0, 34.0],
        [44.0, 34.0],
        [44.0, 33.0],
    ];
    let square = volume(GeometryKind::Polygon(vec![ring]), 0.0).unwrap();
    let mut index = Index::new();
    index.insert(1, route.clone());
    assert_eq!(index.conflicting(&square), vec![1]);
    let mut index = Index::new();
    index.insert(2, square);
    assert_eq!(index.conflicting(&route), vec![2]);
}

#[test]
fn a_unit_that_creeps_and_jumps_is_indexed_once_where_it_is() {
    // Small moves stay inside the margin the index keeps around a moving
    // unit; creeping on leaves it now and then, and a jump leaves it at
    // once. Every box the unit had must go with it.
    let unit = |lon: f64, lat: f64| volume(GeometryKind::Point([lon, lat]), 50.0).unwrap();
    let probe = |lon: f64, lat: f64| volume(GeometryKind::Point([lon, lat]), 100.0).unwrap();
    let mut index = Index::new();
    let mut at = (44.0, 33.0);
    index.insert(9, unit(at.0, at.1));
    for step in 1..=60 {
        at = (44.0 + f64::from(step) * 0.0004, 33.0);
        index.insert(9, unit(at.0, at.1));
        assert_eq!(
            index.conflicting(&probe(at.0, at.1)),
            vec![9],
            "step {step}"
        );
    }
    index.insert(9, unit(45.0, 34.0));
    assert_eq!(index.conflicting(&probe(45.0, 34.0)), vec![9]);
    assert!(index.conflicting(&probe(at.0, at.1)).is_empty());
    index.remove(9);
    let everywhere = vec![
        [43.0, 32.0],
        [46.0, 32.0],
        [46.0, 35.0],
        [43.0, 35.0],
        [43.0, 32.0],
    ];
    let everywhere = volume(GeometryKind::Polygon(vec![everywhere]), 0.0).unwrap();
    assert!(index.conflicting(&everywhere).is_empty());
}
