//! The coarse area, as data: two boxes in, whole 0.05° cells out.

use crate::CoarseArea;

fn check(a: [f64; 4], b: [f64; 4], expected: [f64; 4]) {
    for (x, y) in [(a, b), (b, a)] {
        let area = CoarseArea::around_overlap(x, y);
        let got = area.bbox();
        let close = got.iter().zip(expected).all(|(g, e)| (g - e).abs() < 1e-9);
        assert!(close, "{x:?} ∩ {y:?}: got {got:?}, expected {expected:?}");
        assert!(area.is_well_formed(), "{area:?}");
    }
}

#[test]
fn snapped_outward_to_whole_cells() {
    // Overlapping boxes.
    check(
        [44.11, 34.01, 44.21, 34.11],
        [44.16, 34.06, 44.31, 34.21],
        [44.15, 34.05, 44.25, 34.15],
    );
    // Boxes a hair apart (the engine's tolerance): the gap is used.
    check(
        [44.01, 34.01, 44.11, 34.11],
        [44.1100001, 34.03, 44.2, 34.04],
        [44.10, 34.00, 44.15, 34.05],
    );
    // A point with no buffer: one whole cell, never finer.
    check(
        [44.1453, 34.0164, 44.1453, 34.0164],
        [44.1453, 34.0164, 44.1453, 34.0164],
        [44.10, 34.00, 44.15, 34.05],
    );
}

#[test]
fn antimeridian_and_poles() {
    // One box written past 180°, the other not.
    check(
        [179.98, 0.01, 180.02, 0.02],
        [-180.0, 0.01, -179.97, 0.03],
        [-180.0, 0.0, -179.95, 0.05],
    );
    // A box reaching a pole spans every longitude.
    check(
        [-180.0, 89.9, 180.0, 90.0],
        [10.01, 89.91, 10.02, 89.92],
        [10.0, 89.9, 10.05, 89.95],
    );
    check(
        [-180.0, 89.99, 180.0, 90.0],
        [-180.0, 89.99, 180.0, 90.0],
        [-180.0, 89.95, 180.0, 90.0],
    );
    // Wide boxes meeting in two places: the area covers both, whichever
    // way round they are given.
    for (a, b) in [
        ([-170.0, 0.01, 170.0, 0.02], [160.0, 0.01, 200.0, 0.02]),
        ([160.0, 0.01, 200.0, 0.02], [-170.0, 0.01, 170.0, 0.02]),
    ] {
        let area = CoarseArea::around_overlap(a, b);
        assert!(
            area.contains(165.0, 0.015) && area.contains(-165.0, 0.015),
            "{area:?}"
        );
    }
}
