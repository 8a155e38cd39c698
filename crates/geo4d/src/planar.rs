//! Exact predicates in the longitude/latitude plane, where RFC 7946 draws edges.
//!
//! Validation (self-crossing rings, holes) and polygon interiors are decided
//! here, with robust orientation tests so that nearly-degenerate input is
//! judged the same way on every machine.

use crate::LonLat;
use robust::{Coord, orient2d};

fn orient(a: LonLat, b: LonLat, c: LonLat) -> f64 {
    orient2d(
        Coord { x: a[0], y: a[1] },
        Coord { x: b[0], y: b[1] },
        Coord { x: c[0], y: c[1] },
    )
}

fn on_segment(a: LonLat, b: LonLat, p: LonLat) -> bool {
    p[0] >= a[0].min(b[0])
        && p[0] <= a[0].max(b[0])
        && p[1] >= a[1].min(b[1])
        && p[1] <= a[1].max(b[1])
}

/// Whether closed segments `ab` and `cd` share at least one point.
pub(crate) fn segments_meet(a: LonLat, b: LonLat, c: LonLat, d: LonLat) -> bool {
    let o1 = orient(a, b, c);
    let o2 = orient(a, b, d);
    let o3 = orient(c, d, a);
    let o4 = orient(c, d, b);
    if ((o1 > 0.0 && o2 < 0.0) || (o1 < 0.0 && o2 > 0.0))
        && ((o3 > 0.0 && o4 < 0.0) || (o3 < 0.0 && o4 > 0.0))
    {
        return true;
    }
    (o1 == 0.0 && on_segment(a, b, c))
        || (o2 == 0.0 && on_segment(a, b, d))
        || (o3 == 0.0 && on_segment(c, d, a))
        || (o4 == 0.0 && on_segment(c, d, b))
}

/// Whether two edges that share the vertex `b` (edges `ab` and `bc`) fold
/// back over each other, which makes a ring overlap itself.
pub(crate) fn folds_back(a: LonLat, b: LonLat, c: LonLat) -> bool {
    orient(a, b, c) == 0.0 && (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]) < 0.0
}

/// Where `p` lies relative to a closed ring (first position repeated last).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Inside,
    Boundary,
    Outside,
}

/// Crossing-number test, with points on an edge reported as `Boundary`.
pub(crate) fn ring_side(ring: &[LonLat], p: LonLat) -> Side {
    edges_side(ring.windows(2).map(|w| [w[0], w[1]]), p)
}

/// [`ring_side`] for a ring given as its edges.
pub(crate) fn edges_side(edges: impl IntoIterator<Item = [LonLat; 2]>, p: LonLat) -> Side {
    let mut inside = false;
    for [a, b] in edges {
        if orient(a, b, p) == 0.0 && on_segment(a, b, p) {
            return Side::Boundary;
        }
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let o = orient(a, b, p);
            // The edge crosses the horizontal ray to the right of p exactly
            // when p is on the left of an upward edge or the right of a
            // downward one.
            if (b[1] > a[1] && o > 0.0) || (b[1] < a[1] && o < 0.0) {
                inside = !inside;
            }
        }
    }
    if inside { Side::Inside } else { Side::Outside }
}

/// Whether `p` is in the closed region of a polygon (shell minus holes),
/// its rings given as their edges.
pub(crate) fn polygon_covers<R: IntoIterator<Item = [LonLat; 2]>>(
    mut rings: impl Iterator<Item = R>,
    p: LonLat,
) -> bool {
    let Some(shell) = rings.next() else {
        return false;
    };
    match edges_side(shell, p) {
        Side::Outside => false,
        Side::Boundary => true,
        Side::Inside => rings.all(|h| edges_side(h, p) != Side::Inside),
    }
}
