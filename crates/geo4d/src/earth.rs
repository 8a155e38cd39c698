//! The WGS84 ellipsoid, and the two distances the engine uses: an exact
//! geodesic (Karney's algorithm) and a cheap great-circle angle with proven
//! bounds that turn it into a lower or an upper bound on the geodesic.
//!
//! Why the bounds hold: in geodetic coordinates a path on the ellipsoid has
//! length element `ds² = M² dφ² + (N cos φ)² dλ²`, with the meridional radius
//! `M` and the prime-vertical radius `N` both between `b²/a = a(1-e²)` and
//! `a²/b = a/√(1-e²)`. Reading `(φ, λ)` as coordinates on a unit sphere, every
//! path's ellipsoidal length lies between [`R_MIN`] and [`R_MAX`] times its
//! spherical length. So the geodesic distance is at least `R_MIN` times the
//! great-circle angle (the shortest spherical path) and at most `R_MAX` times
//! it (the ellipsoidal length of the great-circle path).

use crate::LonLat;
use geographiclib_rs::{Geodesic, InverseGeodesic};
use std::sync::LazyLock;

/// WGS84 semi-major axis, metres.
pub(crate) const A: f64 = 6_378_137.0;
/// WGS84 flattening.
const F: f64 = 1.0 / 298.257_223_563;
/// WGS84 first eccentricity squared.
pub(crate) const E2: f64 = F * (2.0 - F);

/// The smallest radius of curvature on WGS84 (meridional, at the equator),
/// shaved by a part in 10⁹ so rounding cannot make a lower bound too high.
pub(crate) const R_MIN: f64 = 6_335_439.327_083_168 * (1.0 - 1e-9);
/// The largest radius of curvature on WGS84 (at the poles), padded likewise.
pub(crate) const R_MAX: f64 = 6_399_593.625_758_493 * (1.0 + 1e-9);

static WGS84: LazyLock<Geodesic> = LazyLock::new(Geodesic::wgs84);

/// The shortest geodesic distance on WGS84, in metres.
pub fn geodesic_m(p: LonLat, q: LonLat) -> f64 {
    WGS84.inverse(p[1], p[0], q[1], q[0])
}

/// The great-circle angle between two positions read as spherical
/// coordinates, in radians.
pub(crate) fn central_angle(p: LonLat, q: LonLat) -> f64 {
    let (lat1, lat2) = (p[1].to_radians(), q[1].to_radians());
    let dlat = lat2 - lat1;
    let dlon = (q[0] - p[0]).to_radians();
    let h = (dlat * 0.5).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon * 0.5).sin().powi(2);
    2.0 * h.sqrt().min(1.0).asin()
}

/// An upper bound on the length of the straight lon/lat segment from `p` to
/// `q` (and so on the geodesic distance from either end to any point of it).
pub(crate) fn segment_length_bound(p: LonLat, q: LonLat) -> f64 {
    let dlat = (q[1] - p[1]).to_radians();
    let dlon = (q[0] - p[0]).to_radians();
    let (lo, hi) = (p[1].min(q[1]), p[1].max(q[1]));
    // cos φ is largest at the latitude nearest the equator.
    let widest = if lo <= 0.0 && hi >= 0.0 {
        1.0
    } else {
        lo.abs().min(hi.abs()).to_radians().cos()
    };
    R_MAX * (dlat * dlat + (widest * dlon).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radii_are_the_wgs84_extremes() {
        // b²/a and a²/b for WGS84, from the defining constants.
        let b = A * (1.0 - F);
        assert!((R_MIN - b * b / A).abs() < 0.02);
        assert!((R_MAX - A * A / b).abs() < 0.02);
    }

    #[test]
    fn great_circle_brackets_the_geodesic() {
        let cases = [
            ([42.4412, 33.7856], [44.2344, 33.2625]),
            ([0.0, 0.0], [179.5, 0.3]),
            ([10.0, 89.9], [-170.0, 89.9]),
            ([0.0, -90.0], [0.0, 90.0]),
            ([179.9, 10.0], [-179.9, 10.0]),
        ];
        for (p, q) in cases {
            let g = geodesic_m(p, q);
            let c = central_angle(p, q);
            assert!(
                c * R_MIN <= g && g <= c * R_MAX,
                "{p:?} {q:?}: {} <= {g} <= {}",
                c * R_MIN,
                c * R_MAX
            );
        }
    }
}
