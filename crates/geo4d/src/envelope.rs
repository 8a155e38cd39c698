//! Conservative lon/lat boxes around buffered geometries, for the index.
//!
//! A box must hold every place within the buffer of the geometry. Moving a
//! geodesic distance `d` changes latitude by at most `d / R_MIN` radians (no
//! radius of curvature is smaller) and longitude by at most `d / (a cos φ)`,
//! where `φ` is the latitude nearest a pole the path can reach. Boxes that
//! reach a pole span every longitude; boxes that cross the antimeridian are
//! cut in two so that every box lies in `[-180, 180] × [-90, 90]`.
//!
//! Boxes are kept as `f32` rounded outwards: still conservative, half the
//! bytes in the index, and the rule and the index test the very same boxes,
//! so they agree bit for bit on which pairs get the exact decision.

use crate::earth::{A, R_MIN};
use crate::round::{f32_down, f32_up};

/// Expansion is padded by this many degrees so rounding never shrinks a box.
const PAD_DEG: f64 = 1e-9;

/// A closed lon/lat box, `lo` and `hi` as `[lon, lat]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub(crate) lo: [f32; 2],
    pub(crate) hi: [f32; 2],
}

impl Rect {
    /// The smallest `f32` box holding `[lon_lo, lon_hi] × [lat_lo, lat_hi]`.
    pub(crate) fn outward(lon_lo: f64, lat_lo: f64, lon_hi: f64, lat_hi: f64) -> Rect {
        Rect {
            lo: [f32_down(lon_lo), f32_down(lat_lo)],
            hi: [f32_up(lon_hi), f32_up(lat_hi)],
        }
    }

    /// Whether the boxes share a point (touching counts).
    pub(crate) fn intersects(&self, other: &Rect) -> bool {
        self.lo[0] <= other.hi[0]
            && other.lo[0] <= self.hi[0]
            && self.lo[1] <= other.hi[1]
            && other.lo[1] <= self.hi[1]
    }

    fn holds(&self, inner: &Rect) -> bool {
        self.lo[0] <= inner.lo[0]
            && self.lo[1] <= inner.lo[1]
            && self.hi[0] >= inner.hi[0]
            && self.hi[1] >= inner.hi[1]
    }
}

/// The extent `[lon_lo, lat_lo, lon_hi, lat_hi]` grown to hold everything
/// within `buffer_m` of it, longitudes unwrapped; `[-180, 180]` near a pole.
pub(crate) fn reach(extent: [f64; 4], buffer_m: f64) -> [f64; 4] {
    let [lon_lo, lat_lo, lon_hi, lat_hi] = extent;
    let dlat = (buffer_m / R_MIN).to_degrees() + PAD_DEG;
    let (lat_lo, lat_hi) = ((lat_lo - dlat).max(-90.0), (lat_hi + dlat).min(90.0));
    let polar = lat_lo.abs().max(lat_hi.abs());
    let cos = polar.to_radians().cos();
    if polar >= 90.0 || cos <= 0.0 {
        return [-180.0, lat_lo, 180.0, lat_hi];
    }
    let dlon = (buffer_m / (A * cos)).to_degrees() * (1.0 + 1e-12) + PAD_DEG;
    if lon_hi - lon_lo + 2.0 * dlon >= 360.0 {
        return [-180.0, lat_lo, 180.0, lat_hi];
    }
    [lon_lo - dlon, lat_lo, lon_hi + dlon, lat_hi]
}

/// One or two boxes: two when the area crosses the antimeridian.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Envelopes {
    boxes: [Rect; 2],
    len: u8,
}

impl Envelopes {
    /// The boxes around everything within `buffer_m` of the extent
    /// `[lon_lo, lat_lo, lon_hi, lat_hi]` (longitudes may be unwrapped).
    pub(crate) fn around(extent: [f64; 4], buffer_m: f64) -> Envelopes {
        let [lon_lo, lat_lo, lon_hi, lat_hi] = reach(extent, buffer_m);
        Envelopes::wrapped(lon_lo, lon_hi, lat_lo, lat_hi)
    }

    /// The same boxes grown by `margin` degrees each way, for entries that
    /// move often and should not need re-indexing on every small move.
    pub(crate) fn grown(&self, margin: f64) -> Envelopes {
        let mut out = *self;
        for b in &mut out.boxes[..self.len as usize] {
            let (lo, hi) = (b.lo.map(f64::from), b.hi.map(f64::from));
            *b = Rect::outward(
                (lo[0] - margin).max(-180.0),
                (lo[1] - margin).max(-90.0),
                (hi[0] + margin).min(180.0),
                (hi[1] + margin).min(90.0),
            );
        }
        out
    }

    fn wrapped(lon_lo: f64, lon_hi: f64, lat_lo: f64, lat_hi: f64) -> Envelopes {
        let rect = |lo: f64, hi: f64| Rect::outward(lo, lat_lo, hi, lat_hi);
        let width = lon_hi - lon_lo;
        if width >= 360.0 || !width.is_finite() {
            return Envelopes {
                boxes: [rect(-180.0, 180.0); 2],
                len: 1,
            };
        }
        let lo = lon_lo - 360.0 * ((lon_lo + 180.0) / 360.0).floor();
        let hi = lo + width;
        if hi <= 180.0 {
            Envelopes {
                boxes: [rect(lo, hi); 2],
                len: 1,
            }
        } else {
            Envelopes {
                boxes: [rect(lo, 180.0), rect(-180.0, hi - 360.0)],
                len: 2,
            }
        }
    }

    pub(crate) fn as_slice(&self) -> &[Rect] {
        &self.boxes[..self.len as usize]
    }

    /// Whether any box of `self` meets any box of `other` (touching counts),
    /// as the index judges it.
    pub(crate) fn meets(&self, other: &Envelopes) -> bool {
        self.as_slice()
            .iter()
            .any(|a| other.as_slice().iter().any(|b| a.intersects(b)))
    }

    /// Whether every box of `inner` lies within the matching box of `self`.
    pub(crate) fn holds(&self, inner: &Envelopes) -> bool {
        self.len == inner.len
            && self
                .as_slice()
                .iter()
                .zip(inner.as_slice())
                .all(|(outer, inner)| outer.holds(inner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_the_antimeridian_cuts_the_box_in_two() {
        let e = Envelopes::around([179.0, 10.0, 181.0, 11.0], 0.0);
        assert_eq!(e.as_slice().len(), 2);
        assert!((e.as_slice()[0].lo[0] - 179.0).abs() < 1e-4);
        assert!((e.as_slice()[1].hi[0] - -179.0).abs() < 1e-4);
    }

    #[test]
    fn reaching_a_pole_spans_every_longitude() {
        let e = Envelopes::around([10.0, 89.99, 10.0, 89.99], 5_000.0);
        assert_eq!(
            e.as_slice(),
            &[Rect {
                lo: [-180.0, e.as_slice()[0].lo[1]],
                hi: [180.0, 90.0]
            }]
        );
    }
}
