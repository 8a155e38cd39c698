//! The coarse area a party is shown of another party's object in conflict.

use serde::{Deserialize, Serialize};

/// The grid the coarse area is snapped to, in degrees: 0.05° is about 5.5 km
/// of latitude and 4.5 km of longitude over Iraq.
pub const GRID_DEG: f64 = 0.05;
const CELLS_PER_DEG: f64 = 20.0;
const CELLS_90: i32 = 1800;
const CELLS_360: i32 = 7200;

/// A box of whole 0.05° grid cells that contains the overlap of two volumes:
/// the intersection of their [`bounds`](deconflict_geo4d::Volume::bounds),
/// snapped outward, at least one cell on a side.
///
/// Kept as cell numbers, so that it is exact in the log and cannot be made
/// finer by rounding: degrees are `cell / 20`. `west` lies in
/// `[-180, 180)`; `east` may pass 180° when the box crosses the antimeridian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CoarseArea {
    west: i32,
    south: i32,
    east: i32,
    north: i32,
}

impl CoarseArea {
    /// The coarse area around the overlap of two boxes `[west, south, east,
    /// north]` with unwrapped longitudes, as `Volume::bounds` gives them.
    ///
    /// If the boxes do not meet (the engine may report a pair up to
    /// max(1 m, 0.05 %) farther apart than the limit), the gap between them
    /// is used instead: that is where such an overlap lies.
    pub fn around_overlap(a: [f64; 4], b: [f64; 4]) -> CoarseArea {
        let (south, north) = interval(a[1], a[3], b[1], b[3]);
        let (mut west, mut east) = longitudes((a[0], a[2]), (b[0], b[2]));
        let shift = ((west + 180.0) / 360.0).floor() * 360.0;
        west -= shift;
        east -= shift;
        let west = floor_cell(west);
        let east = ceil_cell(east).clamp(west + 1, west + CELLS_360);
        let south = floor_cell(south).clamp(-CELLS_90, CELLS_90 - 1);
        let north = ceil_cell(north).clamp(south + 1, CELLS_90);
        CoarseArea {
            west,
            south,
            east,
            north,
        }
    }

    /// `[west, south, east, north]` in degrees, each a multiple of 0.05°.
    pub fn bbox(&self) -> [f64; 4] {
        [self.west, self.south, self.east, self.north].map(|c| f64::from(c) / CELLS_PER_DEG)
    }

    /// Whether the area holds `[lon, lat]` (any longitude convention).
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        let [west, south, east, north] = self.bbox();
        (south..=north).contains(&lat)
            && [-360.0, 0.0, 360.0]
                .iter()
                .any(|k| (west..=east).contains(&(lon + k)))
    }

    /// Whether the cells are in order and on the Earth, as a log entry must
    /// have them.
    pub(crate) fn is_well_formed(&self) -> bool {
        (-CELLS_90..CELLS_90).contains(&self.south)
            && self.south < self.north
            && self.north <= CELLS_90
            && (-CELLS_360 / 2..CELLS_360 / 2).contains(&self.west)
            && self.west < self.east
            && self.east <= self.west + CELLS_360
    }
}

fn floor_cell(deg: f64) -> i32 {
    (deg * CELLS_PER_DEG).floor() as i32
}

fn ceil_cell(deg: f64) -> i32 {
    (deg * CELLS_PER_DEG).ceil() as i32
}

/// The overlap of `[a0, a1]` and `[b0, b1]`, or the gap between them.
fn interval(a0: f64, a1: f64, b0: f64, b1: f64) -> (f64, f64) {
    let lo = a0.max(b0);
    let hi = a1.min(b1);
    if lo <= hi { (lo, hi) } else { (hi, lo) }
}

/// The overlap of two longitude ranges, each unwrapped and possibly a full
/// turn. Ranges may meet one turn apart (one written past 180°, one not),
/// or in two places when together they span more than a turn: the result
/// then covers every place they meet.
fn longitudes(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let full = |r: (f64, f64)| r.1 - r.0 >= 360.0;
    match (full(a), full(b)) {
        (true, true) => return (-180.0, 180.0),
        (true, false) => return b,
        (false, true) => return a,
        (false, false) => {}
    }
    let spans = [-360.0, 0.0, 360.0].map(|k| (a.0.max(b.0 + k), a.1.min(b.1 + k)));
    let hull = spans.iter().filter(|(lo, hi)| lo <= hi).fold(
        None,
        |hull: Option<(f64, f64)>, &(lo, hi)| {
            Some(hull.map_or((lo, hi), |(l, h)| (l.min(lo), h.max(hi))))
        },
    );
    hull.unwrap_or_else(|| {
        let (lo, hi) = spans
            .into_iter()
            .max_by(|x, y| (x.1 - x.0).total_cmp(&(y.1 - y.0)))
            .expect("three spans");
        (hi, lo)
    })
}
