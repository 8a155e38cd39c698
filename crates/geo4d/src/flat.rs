//! Tight, cheap bounds on the geodesic distance between nearby points and
//! straight lon/lat segments, from the metric of the ellipsoid itself.
//!
//! In geodetic coordinates a path has length element
//! `ds² = M(φ)² dφ² + P(φ)² dλ²`, with the meridional radius `M` growing and
//! the radius of the parallel `P = N cos φ` shrinking away from the equator
//! (`dP/dφ = -M sin φ`).
//!
//! *Lower bound.* A path no longer than `reach` between two points keeps
//! within `reach / 2` of one of its ends, so within `reach / (2 R_MIN)` of
//! their latitudes. On that band `M ≥ m` and `P ≥ p`, and by Minkowski's
//! inequality the path is at least as long as the straight line between its
//! ends' images under `(λ, φ) ↦ (p λ, m φ)`, longitude taken the short way
//! round. So the planar distance between the images of two sets, where
//! their latitudes grown by `reach / (2 R_MIN)` give `m` and `p`, is a lower
//! bound on their geodesic distance whenever that distance is at most
//! `reach`; a bound above `reach` proves them farther apart than `reach`.
//!
//! *Upper bound.* The straight lon/lat path between two points is a real
//! path, and its length is at most the planar distance with `M` and `P` at
//! their largest over its latitudes.
//!
//! Within a few kilometres the two bounds differ by a few parts in 10⁴
//! (`P` varies by `tan φ` per radian of latitude), where the great-circle
//! bounds of module `earth` differ by 1 %: most pairs are decided here
//! without Karney's algorithm.

use crate::LonLat;
use crate::earth::{A, E2, R_MIN};

/// Relative and absolute slack that keeps rounding on the safe side.
const SLACK_REL: f64 = 1e-9;
const SLACK_M: f64 = 1e-6;

/// `M(φ)`, latitude in degrees.
fn meridional(lat: f64) -> f64 {
    let s = lat.to_radians().sin();
    let w = 1.0 - E2 * s * s;
    A * (1.0 - E2) / (w * w.sqrt())
}

/// `P(φ) = N(φ) cos φ`, latitude in degrees; zero at a pole.
fn parallel(lat: f64) -> f64 {
    if lat.abs() >= 90.0 {
        return 0.0;
    }
    let (s, c) = lat.to_radians().sin_cos();
    A * c / (1.0 - E2 * s * s).sqrt()
}

/// The latitude of `[lo, hi]` nearest the equator and the one farthest.
fn nearest_farthest(lo: f64, hi: f64) -> (f64, f64) {
    let nearest = if lo <= 0.0 && hi >= 0.0 {
        0.0
    } else {
        lo.abs().min(hi.abs())
    };
    (nearest, lo.abs().max(hi.abs()))
}

/// An upper bound on the geodesic distance between two points: the length
/// of the straight lon/lat path between them, the short way round.
pub(crate) fn path_length(x: LonLat, y: LonLat) -> f64 {
    let dlon = (y[0] - x[0]).rem_euclid(360.0);
    let dlon = dlon.min(360.0 - dlon).to_radians();
    let dlat = (y[1] - x[1]).to_radians();
    let (nearest, farthest) = nearest_farthest(x[1].min(y[1]), x[1].max(y[1]));
    let (m, p) = (meridional(farthest), parallel(nearest));
    norm(m * dlat, p * dlon) * (1.0 + SLACK_REL) + SLACK_M
}

/// Bounds on the distance from one point to many nearby points, with the
/// metric of a latitude band around the first found once: a decision for
/// each pair then costs a few multiplications and two square roots, no
/// trigonometry.
///
/// *Band.* `Near::new(q, reach)` takes the band of latitudes within
/// `1.5 reach / R_MIN` radians of `q`'s, and on it `M` and `P` at their
/// smallest (`m_lo`, `p_lo`) and largest (`m_hi`, `p_hi`): `M` grows and `P`
/// shrinks away from the equator, so these are `M` and `P` at the band's
/// latitudes nearest and farthest from it.
///
/// *Lower bound.* Let `x` be a point with `|Δφ| ≤ limit / R_MIN` and `|Δλ|
/// ≤ 180°`, with `limit ≤ reach`. If the geodesic `g` from `q` to `x` is at
/// most `limit`, it keeps (as for [`Plane`]) within `g / (2 R_MIN)` of one of
/// its ends, so within `1.5 reach / R_MIN` of `q`'s latitude: inside the
/// band. There `M ≥ m_lo` and `P ≥ p_lo`, and by Minkowski's inequality
/// `g ≥ √((p_lo Δλ)² + (m_lo Δφ)²)`, longitude the short way round (which
/// `|Δλ| ≤ 180°` is). So a bound above `limit` proves `g > limit`.
///
/// *Upper bound.* The straight lon/lat path from `q` to `x` is a real path;
/// its latitudes lie between the two ends', inside the band, where
/// `M ≤ m_hi` and `P ≤ p_hi`, so its length, and `g`, is at most
/// `√((p_hi Δλ)² + (m_hi Δφ)²)`.
///
/// Both bounds carry the same slack as [`Plane`] and [`path_length`] (a part
/// in 10⁹, scaled inwards or outwards, and a micrometre), far above the
/// rounding of a few operations. For a reach of 10 km the band is 0.3° of
/// latitude and the bounds differ by about 0.3 % at 33° N: only pairs that
/// close to the limit are left to the exact decision.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Near {
    q: LonLat,
    reach: f64,
    /// Metres per degree of longitude and of latitude, at their smallest
    /// and largest on the band, slack included.
    lo: [f64; 2],
    hi: [f64; 2],
}

impl Near {
    pub(crate) fn new(q: LonLat, reach: f64) -> Near {
        let dlat = (1.5 * reach / R_MIN).to_degrees();
        let (nearest, farthest) =
            nearest_farthest((q[1] - dlat).max(-90.0), (q[1] + dlat).min(90.0));
        let down = (1.0 - SLACK_REL).to_radians();
        let up = (1.0 + SLACK_REL).to_radians();
        Near {
            q,
            reach,
            lo: [parallel(farthest) * down, meridional(nearest) * down],
            hi: [parallel(nearest) * up, meridional(farthest) * up],
        }
    }

    pub(crate) fn point(&self) -> LonLat {
        self.q
    }

    /// Whether the geodesic from the point to `x` is at most `limit`, when
    /// the bounds tell; `None` when they do not (too close to the limit, a
    /// limit beyond the reach, or longitudes more than 180° apart).
    pub(crate) fn within(&self, x: LonLat, limit: f64) -> Option<bool> {
        let dlat = (x[1] - self.q[1]).abs();
        if dlat.to_radians() * R_MIN > limit {
            return Some(false);
        }
        let dlon = (x[0] - self.q[0]).abs();
        if limit > self.reach || dlon > 180.0 {
            return None;
        }
        if norm(self.lo[0] * dlon, self.lo[1] * dlat) - SLACK_M > limit {
            return Some(false);
        }
        if norm(self.hi[0] * dlon, self.hi[1] * dlat) + SLACK_M <= limit {
            return Some(true);
        }
        None
    }
}

/// The scaled plane around two sets with lon/lat extents `a` and `b`
/// (`[lon_lo, lat_lo, lon_hi, lat_hi]`), for lower bounds up to `reach`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plane {
    origin: LonLat,
    /// Degrees added to the second set's longitudes to bring it next to
    /// the first.
    shift: f64,
    /// Metres per degree of longitude and of latitude, at their smallest.
    px: f64,
    py: f64,
}

impl Plane {
    pub(crate) fn new(a: [f64; 4], b: [f64; 4], reach: f64) -> Plane {
        let centre = |e: [f64; 4]| 0.5 * (e[0] + e[2]);
        let shift = 360.0 * ((centre(a) - centre(b)) / 360.0).round();
        let dlat = (reach / (2.0 * R_MIN)).to_degrees();
        let lo = (a[1].min(b[1]) - dlat).max(-90.0);
        let hi = (a[3].max(b[3]) + dlat).min(90.0);
        let (nearest, farthest) = nearest_farthest(lo, hi);
        // Longitude counts only if every pair of points is less than half
        // way round apart in these coordinates; otherwise latitude alone
        // bounds the distance.
        let apart = (b[2] + shift - a[0]).max(a[2] - (b[0] + shift));
        let p = if apart <= 180.0 {
            parallel(farthest)
        } else {
            0.0
        };
        let scale = (1.0 - SLACK_REL).to_radians();
        Plane {
            origin: [a[0], a[1]],
            shift,
            px: p * scale,
            py: meridional(nearest) * scale,
        }
    }

    fn first(&self, q: LonLat) -> [f64; 2] {
        [
            (q[0] - self.origin[0]) * self.px,
            (q[1] - self.origin[1]) * self.py,
        ]
    }

    fn second(&self, q: LonLat) -> [f64; 2] {
        self.first([q[0] + self.shift, q[1]])
    }

    /// A lower bound on the distance between any point of box `a` and any
    /// point of box `b` (the boxes the plane was made for).
    pub(crate) fn box_gap(&self, a: [f64; 4], b: [f64; 4]) -> f64 {
        let gap_lon = (b[0] + self.shift - a[2])
            .max(a[0] - (b[2] + self.shift))
            .max(0.0);
        let gap_lat = (b[1] - a[3]).max(a[1] - b[3]).max(0.0);
        norm(gap_lon * self.px, gap_lat * self.py) - SLACK_M
    }

    /// A lower bound on the distance between segments `a` and `b` (either
    /// may be a single point), and the pair of their points, one on each,
    /// that are closest in the plane: a good pair to measure exactly.
    pub(crate) fn segment_gap(&self, a: [LonLat; 2], b: [LonLat; 2]) -> Gap {
        let (a0, a1) = (self.first(a[0]), self.first(a[1]));
        let (b0, b1) = (self.second(b[0]), self.second(b[1]));
        let (distance, s, t) = closest(a0, a1, b0, b1);
        Gap {
            lower: distance - SLACK_M,
            x: lerp(a[0], a[1], s),
            y: lerp(b[0], b[1], t),
        }
    }
}

/// What [`Plane::segment_gap`] finds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Gap {
    pub(crate) lower: f64,
    pub(crate) x: LonLat,
    pub(crate) y: LonLat,
}

/// A point of a segment by its parameter, its ends exactly at 0 and 1.
pub(crate) fn lerp(a: LonLat, b: LonLat, s: f64) -> LonLat {
    if s == 1.0 {
        return b;
    }
    [a[0] + (b[0] - a[0]) * s, a[1] + (b[1] - a[1]) * s]
}

/// `√(x² + y²)`. Lengths here are at most a few times the Earth's radius,
/// so there is no overflow to guard against, and `hypot` costs several
/// times as much.
fn norm(x: f64, y: f64) -> f64 {
    (x * x + y * y).sqrt()
}

fn sub(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [a[0] - b[0], a[1] - b[1]]
}

fn cross(u: [f64; 2], v: [f64; 2]) -> f64 {
    u[0] * v[1] - u[1] * v[0]
}

/// The parameter of the point of segment `ab` nearest `q`, and its distance.
fn nearest_on(q: [f64; 2], a: [f64; 2], b: [f64; 2]) -> (f64, f64) {
    let ab = sub(b, a);
    let aq = sub(q, a);
    let len2 = ab[0] * ab[0] + ab[1] * ab[1];
    let t = if len2 > 0.0 {
        ((aq[0] * ab[0] + aq[1] * ab[1]) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let d = sub(aq, [ab[0] * t, ab[1] * t]);
    (t, norm(d[0], d[1]))
}

/// The planar distance between segments `a0a1` and `b0b1`, with the
/// parameters on each of a pair of points that realises it.
fn closest(a0: [f64; 2], a1: [f64; 2], b0: [f64; 2], b1: [f64; 2]) -> (f64, f64, f64) {
    // A point against a segment (the common case: a point query against
    // a polygon's or a route's edges) is one projection.
    if b0 == b1 {
        let (s, e) = nearest_on(b0, a0, a1);
        return (e, s, 0.0);
    }
    if a0 == a1 {
        let (t, e) = nearest_on(a0, b0, b1);
        return (e, 0.0, t);
    }
    let (da, db) = (sub(a1, a0), sub(b1, b0));
    let (d1, d2) = (cross(db, sub(a0, b0)), cross(db, sub(a1, b0)));
    let (d3, d4) = (cross(da, sub(b0, a0)), cross(da, sub(b1, a0)));
    if d1 * d2 < 0.0 && d3 * d4 < 0.0 {
        return (0.0, d1 / (d1 - d2), d3 / (d3 - d4));
    }
    // Touching or apart: the nearest pair has an end of one segment.
    let (t0, e0) = nearest_on(a0, b0, b1);
    let (t1, e1) = nearest_on(a1, b0, b1);
    let (s0, e2) = nearest_on(b0, a0, a1);
    let (s1, e3) = nearest_on(b1, a0, a1);
    [(e0, 0.0, t0), (e1, 1.0, t1), (e2, s0, 0.0), (e3, s1, 1.0)]
        .into_iter()
        .fold((f64::INFINITY, 0.0, 0.0), |best, c| {
            if c.0 < best.0 { c } else { best }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::earth::geodesic_m;
    use proptest::prelude::*;

    fn extent(s: [LonLat; 2]) -> [f64; 4] {
        [
            s[0][0].min(s[1][0]),
            s[0][1].min(s[1][1]),
            s[0][0].max(s[1][0]),
            s[0][1].max(s[1][1]),
        ]
    }

    /// A segment up to about 0.1° long (or a point) near `c`.
    fn segment_near(c: LonLat) -> impl Strategy<Value = [LonLat; 2]> {
        let end = move |(dx, dy): (f64, f64)| [c[0] + dx, (c[1] + dy).clamp(-90.0, 90.0)];
        (
            (-0.06..0.06f64, -0.06..0.06f64),
            (-0.05..0.05f64, -0.05..0.05f64),
            any::<bool>(),
        )
            .prop_map(move |(o, d, point)| {
                let a = end(o);
                let b = if point {
                    a
                } else {
                    end((o.0 + d.0, o.1 + d.1))
                };
                [a, b]
            })
    }

    fn place() -> impl Strategy<Value = LonLat> {
        prop_oneof![
            (38.7..48.6f64, 29.0..37.5f64).prop_map(|(x, y)| [x, y]),
            (-0.1..0.1f64, -0.1..0.1f64).prop_map(|(x, y)| [x, y]),
            (
                prop_oneof![179.9..180.0f64, -180.0..-179.9f64],
                -70.0..70.0f64
            )
                .prop_map(|(x, y)| [x, y]),
            (
                -180.0..180.0f64,
                prop_oneof![89.0..89.95f64, -89.95..-89.0f64]
            )
                .prop_map(|(x, y)| [x, y]),
        ]
    }

    fn samples(s: [LonLat; 2]) -> Vec<LonLat> {
        (0..=48)
            .map(|i| lerp(s[0], s[1], f64::from(i) / 48.0))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// The lower bounds never exceed a real distance between the sets,
        /// and the upper bound is never below the geodesic.
        #[test]
        fn bounds_hold_against_sampled_geodesics(
            (a, b) in place().prop_flat_map(|c| (segment_near(c), segment_near(c))),
        ) {
            let (sa, sb) = (samples(a), samples(b));
            let nearest = sa
                .iter()
                .flat_map(|x| sb.iter().map(move |y| geodesic_m(*x, *y)))
                .fold(f64::INFINITY, f64::min);
            // Whatever the true distance is, it is at most `nearest`, which
            // is what the band of the plane must allow for.
            let plane = Plane::new(extent(a), extent(b), nearest);
            let gap = plane.segment_gap(a, b);
            prop_assert!(gap.lower <= nearest, "segments: {} > {nearest}", gap.lower);
            let boxes = plane.box_gap(extent(a), extent(b));
            prop_assert!(boxes <= gap.lower + 1e-6, "boxes: {boxes} > {}", gap.lower);
            prop_assert!(geodesic_m(gap.x, gap.y) <= path_length(gap.x, gap.y));
            for (x, y) in sa.iter().zip(sb.iter().rev()) {
                prop_assert!(geodesic_m(*x, *y) <= path_length(*x, *y));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// `Near` answers only what the geodesic answers, for limits on both
        /// sides of it and near it, and reaches above and below the limit.
        #[test]
        fn near_decides_as_the_geodesic(
            q in place(),
            (dx, dy) in (-0.08..0.08f64, -0.08..0.08f64),
            rel in -0.02..0.02f64,
            reach in 0.0..3.0f64,
        ) {
            let x = [q[0] + dx, (q[1] + dy).clamp(-90.0, 90.0)];
            let g = geodesic_m(q, x);
            let near = Near::new(q, g * reach + 10.0);
            let limits = [g * (1.0 + rel), g * (1.0 + rel / 30.0), g * (1.0 - rel), g, g + 1e-3, g - 1e-3];
            for limit in limits {
                if let Some(within) = near.within(x, limit) {
                    prop_assert_eq!(within, g <= limit, "{:?} {:?} limit {} geodesic {}", q, x, limit, g);
                }
            }
        }
    }

    #[test]
    fn near_decides_pairs_not_close_to_the_limit() {
        let q = [44.4, 33.3];
        for x in [[44.42, 33.31], [44.4, 33.33], [44.43, 33.3], [44.4, 33.3]] {
            let g = geodesic_m(q, x);
            let near = Near::new(q, 7_000.0);
            assert_eq!(near.within(x, g * 1.005 + 1e-3), Some(true), "{x:?}");
            if g > 0.0 {
                assert_eq!(near.within(x, g * 0.995), Some(false), "{x:?}");
            }
            // Beyond the reach, or half way round, it leaves the pair alone.
            assert_eq!(near.within(x, 7_001.0), None);
        }
        let far = Near::new([179.99, 10.0], 7_000.0);
        assert_eq!(far.within([-179.99, 10.0], 5_000.0), None);
    }

    #[test]
    fn radii_match_their_extremes() {
        assert!((meridional(0.0) - 6_335_439.327).abs() < 0.01);
        assert!((meridional(90.0) - 6_399_593.626).abs() < 0.01);
        assert!((parallel(0.0) - A).abs() < 1e-6);
        assert_eq!(parallel(90.0), 0.0);
    }

    #[test]
    fn bounds_bracket_the_geodesic_between_points() {
        let cases = [
            ([44.0, 33.0], [44.03, 33.02]),
            ([44.0, 33.0], [44.0, 33.0]),
            ([179.99, 10.0], [-179.99, 10.01]),
            ([10.0, 89.99], [-170.0, 89.99]),
            ([0.0, -0.01], [0.01, 0.01]),
            ([0.0, 0.0], [120.0, 40.0]),
        ];
        for (x, y) in cases {
            let g = geodesic_m(x, y);
            let e = |p: LonLat| [p[0], p[1], p[0], p[1]];
            let gap = Plane::new(e(x), e(y), g).segment_gap([x, x], [y, y]);
            assert!(gap.lower <= g, "{x:?} {y:?}: {} > {g}", gap.lower);
            assert!(g <= path_length(x, y), "{x:?} {y:?}");
        }
    }
}
