//! A hierarchical grid of lon/lat boxes: the index's search structure.
//!
//! Level `ℓ` cuts the plane into square cells `BASE_DEG · 2^ℓ` degrees wide.
//! A box lives at the lowest level whose cells are at least as wide as the
//! box, in the cell holding its lower corner; so a box in cell `c` reaches
//! at most into cell `c + 1`, and a query looks at the cells from one before
//! its own lower corner's to its upper corner's, on every level that holds
//! anything. Each cell is one flat array sorted by the start of each box's
//! time window, scanned front to back until the boxes start too late.
//!
//! Why not a tree: the data are dense and the boxes small, so most of an
//! R-tree walk was spent chasing child pointers through nodes that barely
//! filter; a cell is one hash lookup and one contiguous scan, an insertion
//! one push and a removal one swap, and nothing needs rebalancing.

use crate::envelope::Rect;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The width of a cell on the lowest level, in degrees: a power of two, so
/// that cell numbers are exact. Each cell a query looks at costs a cache
/// miss or two, and each box it scans a few nanoseconds: 1/16° (twice a
/// point's box with a 1.5 km buffer) was measured against 1/8°, 1/32° and
/// 1/64° (BENCHMARKS.md).
const BASE_DEG: f64 = 1.0 / 16.0;
/// Enough levels for a box 360° wide.
const LEVELS: usize = 15;

/// What the index stores per box: searched by `rect` and `from` (the start
/// of its time window), the rest is payload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Entry<T> {
    pub(crate) rect: Rect,
    pub(crate) from: i64,
    pub(crate) item: T,
}

#[derive(Debug)]
pub(crate) struct Grid<T> {
    cells: HashMap<u64, Cell<T>, BuildHasherDefault<CellHasher>>,
    /// How many entries each level holds, so that empty levels cost nothing.
    counts: [usize; LEVELS],
}

/// A cell's boxes, sorted by `from`, and how far up and east any of them
/// reaches (never lowered on removal: still a bound). It sits in the hash
/// table beside the key, so a query can pass over a cell that cannot reach
/// it without touching the boxes.
#[derive(Debug)]
struct Cell<T> {
    reach: [f32; 2],
    entries: Vec<Entry<T>>,
}

impl<T> Cell<T> {
    fn new() -> Cell<T> {
        Cell {
            reach: [f32::NEG_INFINITY; 2],
            entries: Vec::new(),
        }
    }

    fn grow(&mut self, rect: &Rect) {
        self.reach = [self.reach[0].max(rect.hi[0]), self.reach[1].max(rect.hi[1])];
    }
}

impl<T> Default for Grid<T> {
    fn default() -> Self {
        Grid {
            cells: HashMap::default(),
            counts: [0; LEVELS],
        }
    }
}

fn cell_deg(level: usize) -> f64 {
    BASE_DEG * (1u32 << level) as f64
}

fn level_of(rect: &Rect) -> usize {
    let width = f64::from(rect.hi[0]) - f64::from(rect.lo[0]);
    let height = f64::from(rect.hi[1]) - f64::from(rect.lo[1]);
    let size = width.max(height);
    (0..LEVELS)
        .find(|&level| size <= cell_deg(level))
        .unwrap_or(LEVELS - 1)
}

/// The cell number of a coordinate on a level (exact: a power-of-two scale).
fn cell(x: f32, level: usize) -> i64 {
    (f64::from(x) / cell_deg(level)).floor() as i64
}

/// One key per cell: level, column and row packed into 64 bits (columns
/// and rows fit 24 bits on every level).
fn key(level: usize, column: i64, row: i64) -> u64 {
    const MASK: i64 = (1 << 24) - 1;
    ((level as u64) << 48) | (((column & MASK) as u64) << 24) | ((row & MASK) as u64)
}

fn home(rect: &Rect) -> (usize, u64) {
    let level = level_of(rect);
    (
        level,
        key(level, cell(rect.lo[0], level), cell(rect.lo[1], level)),
    )
}

impl<T: Copy + PartialEq> Grid<T> {
    /// Builds a grid from many entries at once, each cell allocated once at
    /// its exact size.
    pub(crate) fn bulk_load(entries: Vec<Entry<T>>) -> Grid<T> {
        let mut keyed: Vec<(u64, Entry<T>)> =
            entries.into_iter().map(|e| (home(&e.rect).1, e)).collect();
        keyed.sort_unstable_by_key(|(k, e)| (*k, e.from));
        let mut grid = Grid::default();
        let runs = keyed.chunk_by(|a, b| a.0 == b.0);
        grid.cells.reserve(runs.clone().count());
        for run in runs {
            let level = level_of(&run[0].1.rect);
            grid.counts[level] += run.len();
            let mut cell = Cell {
                entries: run.iter().map(|(_, e)| *e).collect(),
                ..Cell::new()
            };
            run.iter().for_each(|(_, e)| cell.grow(&e.rect));
            grid.cells.insert(run[0].0, cell);
        }
        grid
    }

    pub(crate) fn insert(&mut self, entry: Entry<T>) {
        let (level, key) = home(&entry.rect);
        self.counts[level] += 1;
        let cell = self.cells.entry(key).or_insert_with(Cell::new);
        cell.grow(&entry.rect);
        let at = cell.entries.partition_point(|e| e.from <= entry.from);
        cell.entries.insert(at, entry);
    }

    /// Removes one entry equal to `entry`; whether there was one.
    pub(crate) fn remove(&mut self, entry: &Entry<T>) -> bool {
        let (level, key) = home(&entry.rect);
        let Some(cell) = self.cells.get_mut(&key) else {
            return false;
        };
        let Some(at) = cell.entries.iter().position(|e| e == entry) else {
            return false;
        };
        cell.entries.remove(at);
        if cell.entries.is_empty() {
            self.cells.remove(&key);
        }
        self.counts[level] -= 1;
        true
    }

    /// Calls `visit` with every entry whose box meets `rect` and that
    /// starts before `until`.
    pub(crate) fn for_each_meeting(
        &self,
        rect: &Rect,
        until: i64,
        mut visit: impl FnMut(&Entry<T>),
    ) {
        // All lookups first, then all scans: the lookups do not depend on
        // one another, so their cache misses overlap instead of queueing
        // behind each scan's branches.
        let mut found: [&[Entry<T>]; BATCH] = [&[]; BATCH];
        let mut len = 0;
        for level in (0..LEVELS).filter(|&l| self.counts[l] > 0) {
            let columns = cell(rect.lo[0], level) - 1..=cell(rect.hi[0], level);
            let rows = cell(rect.lo[1], level) - 1..=cell(rect.hi[1], level);
            for column in columns {
                for row in rows.clone() {
                    let Some(cell) = self.cells.get(&key(level, column, row)) else {
                        continue;
                    };
                    if cell.reach[0] >= rect.lo[0] && cell.reach[1] >= rect.lo[1] {
                        let entries = &cell.entries[..];
                        // Reading the first box now starts its cache miss
                        // alongside the other lookups' instead of in the scan.
                        std::hint::black_box(entries[0].rect.lo[0]);
                        if len == BATCH {
                            scan(&found, rect, until, &mut visit);
                            len = 0;
                        }
                        found[len] = entries;
                        len += 1;
                    }
                }
            }
        }
        scan(&found[..len], rect, until, &mut visit);
    }
}

/// How many cells are looked up before they are scanned.
const BATCH: usize = 64;

fn scan<T>(cells: &[&[Entry<T>]], rect: &Rect, until: i64, visit: &mut impl FnMut(&Entry<T>)) {
    for cell in cells {
        for entry in cell.iter().take_while(|e| e.from < until) {
            if entry.rect.intersects(rect) {
                visit(entry);
            }
        }
    }
}

/// A fast mix of a cell key (one 64×64→128-bit multiply, its halves
/// folded): keys are not chosen by an adversary, but neighbouring cells
/// must not collide, and every bit of the key reaches both the high bits
/// and the low bits the table reads. One multiply instead of SplitMix64's
/// two, on the twenty or so lookups of a query.
#[derive(Debug, Default)]
pub(crate) struct CellHasher(u64);

impl Hasher for CellHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u64(&mut self, x: u64) {
        let p = u128::from(self.0 ^ x) * u128::from(0x9E37_79B9_7F4A_7C15_u64);
        self.0 = (p as u64) ^ ((p >> 64) as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Rect {
        Rect {
            lo: [x0, y0],
            hi: [x1, y1],
        }
    }

    #[test]
    fn finds_exactly_the_boxes_that_meet_at_every_size() {
        // Boxes from a hundredth of a degree to the whole Earth, on both
        // sides of every cell border the queries straddle.
        let mut boxes = Vec::new();
        let mut x = 0.37_f32;
        for i in 0..2_000 {
            x = (x * 7.31 + 0.113).fract();
            let size = [0.004, 0.03, 0.06, 0.2, 3.0, 90.0, 360.0][i % 7] * x;
            let lon = -180.0 + 359.0 * ((x * 3.7).fract());
            let lat = -89.0 + 170.0 * ((x * 5.3).fract());
            boxes.push(rect(
                lon,
                lat,
                (lon + size).min(180.0),
                (lat + size / 2.0).min(90.0),
            ));
        }
        let mut grid = Grid::bulk_load(
            boxes
                .iter()
                .enumerate()
                .map(|(i, r)| Entry {
                    rect: *r,
                    from: (i % 5) as i64,
                    item: i,
                })
                .collect(),
        );
        for (i, r) in boxes.iter().enumerate().step_by(3) {
            let entry = Entry {
                rect: *r,
                from: (i % 5) as i64,
                item: i,
            };
            assert!(grid.remove(&entry));
            grid.insert(entry);
        }
        for (k, q) in boxes.iter().step_by(7).enumerate() {
            let until = (k % 6) as i64;
            let mut got = Vec::new();
            grid.for_each_meeting(q, until, |e| got.push(e.item));
            got.sort_unstable();
            let want: Vec<usize> = (0..boxes.len())
                .filter(|&i| boxes[i].intersects(q) && ((i % 5) as i64) < until)
                .collect();
            assert_eq!(got, want);
        }
    }
}
