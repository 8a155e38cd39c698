//! Design check: the engine's 2-D R-tree with time as a filter, against the
//! alternatives, on the same data and queries (all single-threaded, all
//! deciding survivors with the same exact `Volume::conflicts_with`):
//!
//! - `engine`: `Index::conflicting_into` itself;
//! - `2d`: an `rstar` tree of lon/lat boxes, `(box, slot)` entries, window
//!   and band checked on the stored volume (the engine's layout);
//! - `2d+window`: the same tree with the window copied into each entry, so
//!   most candidates are refused without touching the volume;
//! - `3d`: an `rstar` tree of (lon, lat, time) boxes, open-ended windows
//!   running to a horizon past every query;
//! - `2d-seg+window`: as `2d+window`, but a route gets one box per segment
//!   (buffered) instead of one box for the whole line, so 100 km routes stop
//!   inflating the tree's nodes; a route met twice is decided once.
//!
//! ```text
//! cargo run --release -p deconflict-geo4d --example tree_layouts -- \
//!     [--n 1000000] [--queries 100000]
//! ```
//!
//! The boxes here are this example's own (a plain conservative lon/lat
//! expansion, fine away from poles and antimeridian), the same for every
//! layout; every layout's answer is checked against the engine's.

#[path = "../benches/support/generate.rs"]
mod generate;

use deconflict_geo4d::{GeometryKind, Id, Index, Millis, Volume};
use generate::{
    DAY_MS, DEFAULT_N, Decl, SPAN_MS, T0, arg, declarations, percentile_us, positions, queries,
};
use rstar::{AABB, RTree, RTreeObject};
use std::time::Instant;

/// A conservative radius of curvature floor and the semi-major axis.
const R_MIN: f64 = 6_335_439.0;
const A: f64 = 6_378_137.0;
/// Open-ended windows end here in the 3-D tree: past every query.
const HORIZON: Millis = T0 + SPAN_MS + 60 * DAY_MS;

fn lonlat_box(d: &Decl) -> ([f64; 2], [f64; 2]) {
    let ps = positions(&d.kind);
    let fold =
        |i: usize, f: fn(f64, f64) -> f64, init: f64| ps.iter().fold(init, |m, p| f(m, p[i]));
    let (lon_lo, lon_hi) = (
        fold(0, f64::min, f64::INFINITY),
        fold(0, f64::max, f64::NEG_INFINITY),
    );
    let (lat_lo, lat_hi) = (
        fold(1, f64::min, f64::INFINITY),
        fold(1, f64::max, f64::NEG_INFINITY),
    );
    let dlat = (d.buffer_m / R_MIN).to_degrees() * 1.000_001 + 1e-9;
    let polar = (lat_lo - dlat).abs().max((lat_hi + dlat).abs());
    let dlon = (d.buffer_m / (A * polar.to_radians().cos())).to_degrees() * 1.000_001 + 1e-9;
    (
        [lon_lo - dlon, lat_lo - dlat],
        [lon_hi + dlon, lat_hi + dlat],
    )
}

/// One buffered box per segment of a line; one box for anything else.
fn piece_boxes(d: &Decl) -> Vec<([f64; 2], [f64; 2])> {
    match &d.kind {
        GeometryKind::LineString(line) => line
            .windows(2)
            .map(|w| {
                lonlat_box(&Decl {
                    kind: GeometryKind::LineString(w.to_vec()),
                    ..d.clone()
                })
            })
            .collect(),
        _ => vec![lonlat_box(d)],
    }
}

fn hours(t: Millis) -> f64 {
    (t - T0) as f64 / 3_600_000.0
}

#[derive(Debug, Clone, Copy)]
struct E2 {
    rect: AABB<[f64; 2]>,
    slot: u32,
}
impl RTreeObject for E2 {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.rect
    }
}

#[derive(Debug, Clone, Copy)]
struct E2w {
    rect: AABB<[f64; 2]>,
    slot: u32,
    from: Millis,
    to: Millis,
}
impl RTreeObject for E2w {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.rect
    }
}

#[derive(Debug, Clone, Copy)]
struct E2s {
    rect: AABB<[f64; 2]>,
    slot: u32,
    split: bool,
    from: Millis,
    to: Millis,
}
impl RTreeObject for E2s {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.rect
    }
}

#[derive(Debug, Clone, Copy)]
struct E3 {
    rect: AABB<[f64; 3]>,
    slot: u32,
}
impl RTreeObject for E3 {
    type Envelope = AABB<[f64; 3]>;
    fn envelope(&self) -> Self::Envelope {
        self.rect
    }
}

/// Answers query `k` into `out`, counting the tree entries it visits.
type Run<'a> = Box<dyn Fn(usize, &mut Vec<Id>, &mut usize) + 'a>;

struct Layout<'a> {
    name: &'static str,
    build_s: f64,
    run: Run<'a>,
}

fn main() {
    let n: usize = arg("--n", DEFAULT_N);
    let q: usize = arg("--queries", 100_000);

    let decls = declarations(n);
    let ids: Vec<Id> = decls.iter().map(|d| d.id).collect();
    let stored: Vec<Volume> = decls.iter().map(Decl::volume).collect();
    let boxes: Vec<_> = decls.iter().map(lonlat_box).collect();
    let pieces: Vec<_> = decls.iter().map(piece_boxes).collect();
    let windows: Vec<(Millis, Millis)> = decls
        .iter()
        .map(|d| (d.from, d.to.unwrap_or(HORIZON)))
        .collect();
    let query_decls = queries(q);
    let probes: Vec<Volume> = query_decls.iter().map(Decl::volume).collect();
    let query_boxes: Vec<_> = query_decls.iter().map(lonlat_box).collect();
    drop(decls);

    let t = Instant::now();
    let engine = Index::bulk_load(ids.iter().copied().zip(stored.iter().cloned()));
    let engine_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let tree2: RTree<E2> = RTree::bulk_load(
        boxes
            .iter()
            .enumerate()
            .map(|(i, &(lo, hi))| E2 {
                rect: AABB::from_corners(lo, hi),
                slot: i as u32,
            })
            .collect(),
    );
    let tree2_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let tree2w: RTree<E2w> = RTree::bulk_load(
        boxes
            .iter()
            .zip(&windows)
            .enumerate()
            .map(|(i, (&(lo, hi), &(from, to)))| E2w {
                rect: AABB::from_corners(lo, hi),
                slot: i as u32,
                from,
                to,
            })
            .collect(),
    );
    let tree2w_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let tree3: RTree<E3> = RTree::bulk_load(
        boxes
            .iter()
            .zip(&windows)
            .enumerate()
            .map(|(i, (&(lo, hi), &(from, to)))| E3 {
                rect: AABB::from_corners([lo[0], lo[1], hours(from)], [hi[0], hi[1], hours(to)]),
                slot: i as u32,
            })
            .collect(),
    );
    let tree3_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let tree2s: RTree<E2s> = RTree::bulk_load(
        pieces
            .iter()
            .zip(&windows)
            .enumerate()
            .flat_map(|(i, (boxes, &(from, to)))| {
                boxes.iter().map(move |&(lo, hi)| E2s {
                    rect: AABB::from_corners(lo, hi),
                    slot: i as u32,
                    split: boxes.len() > 1,
                    from,
                    to,
                })
            })
            .collect(),
    );
    let tree2s_s = t.elapsed().as_secs_f64();
    let entries2s = tree2s.size();
    drop(pieces);
    let slots = std::cell::RefCell::new(Vec::new());

    let window_of = |k: usize| {
        let w = probes[k].window();
        (w.from(), w.to().unwrap_or(HORIZON))
    };
    let layouts = vec![
        Layout {
            name: "engine",
            build_s: engine_s,
            run: Box::new(|k, out, _| engine.conflicting_into(&probes[k], out)),
        },
        Layout {
            name: "2d",
            build_s: tree2_s,
            run: Box::new(|k, out, visited| {
                let (lo, hi) = query_boxes[k];
                for e in tree2.locate_in_envelope_intersecting(AABB::from_corners(lo, hi)) {
                    *visited += 1;
                    if stored[e.slot as usize].conflicts_with(&probes[k]) {
                        out.push(ids[e.slot as usize]);
                    }
                }
            }),
        },
        Layout {
            name: "2d+window",
            build_s: tree2w_s,
            run: Box::new(|k, out, visited| {
                let (lo, hi) = query_boxes[k];
                let (from, to) = window_of(k);
                for e in tree2w.locate_in_envelope_intersecting(AABB::from_corners(lo, hi)) {
                    *visited += 1;
                    if e.from < to
                        && from < e.to
                        && stored[e.slot as usize].conflicts_with(&probes[k])
                    {
                        out.push(ids[e.slot as usize]);
                    }
                }
            }),
        },
        Layout {
            name: "3d",
            build_s: tree3_s,
            run: Box::new(|k, out, visited| {
                let (lo, hi) = query_boxes[k];
                let (from, to) = window_of(k);
                let rect =
                    AABB::from_corners([lo[0], lo[1], hours(from)], [hi[0], hi[1], hours(to)]);
                for e in tree3.locate_in_envelope_intersecting(rect) {
                    *visited += 1;
                    if stored[e.slot as usize].conflicts_with(&probes[k]) {
                        out.push(ids[e.slot as usize]);
                    }
                }
            }),
        },
        Layout {
            name: "2d-seg+window",
            build_s: tree2s_s,
            run: Box::new(|k, out, visited| {
                let (lo, hi) = query_boxes[k];
                let (from, to) = window_of(k);
                let mut slots = slots.borrow_mut();
                slots.clear();
                let mut split = false;
                for e in tree2s.locate_in_envelope_intersecting(AABB::from_corners(lo, hi)) {
                    *visited += 1;
                    if e.from < to && from < e.to {
                        split |= e.split;
                        slots.push(e.slot);
                    }
                }
                if split {
                    slots.sort_unstable();
                    slots.dedup();
                }
                for &slot in slots.iter() {
                    if stored[slot as usize].conflicts_with(&probes[k]) {
                        out.push(ids[slot as usize]);
                    }
                }
            }),
        },
    ];

    // The reference answers, then every layout checked and timed.
    let mut expected = Vec::with_capacity(q);
    let mut out = Vec::new();
    for probe in &probes {
        out.clear();
        engine.conflicting_into(probe, &mut out);
        out.sort_unstable();
        expected.push(out.clone());
    }
    println!("volumes {n}, queries {q}, single thread; the segment tree holds {entries2s} boxes");
    for layout in &layouts {
        let mut visited = 0usize;
        for (k, want) in expected.iter().enumerate() {
            out.clear();
            (layout.run)(k, &mut out, &mut visited);
            out.sort_unstable();
            assert_eq!(&out, want, "{}: query {} differs", layout.name, k + 1);
        }
        let mut ns = Vec::with_capacity(q);
        let mut ignored = 0;
        for k in 0..q {
            out.clear();
            let t = Instant::now();
            (layout.run)(k, &mut out, &mut ignored);
            ns.push(t.elapsed().as_nanos() as u64);
        }
        ns.sort_unstable();
        let visited = if layout.name == "engine" {
            "-".to_string()
        } else {
            format!("{:.1}", visited as f64 / q as f64)
        };
        println!(
            "RESULT layout={:<10} build_s={:.2} median_us={:.2} p99_us={:.2} mean_us={:.2} candidates_per_query={visited}",
            layout.name,
            layout.build_s,
            percentile_us(&ns, 50.0),
            percentile_us(&ns, 99.0),
            ns.iter().sum::<u64>() as f64 / q as f64 / 1e3,
        );
    }
}
