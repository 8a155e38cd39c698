//! The spatial-temporal index: which stored volumes conflict with this one?
//!
//! A hierarchical grid (module `grid`) of conservative 2-D lon/lat boxes
//! finds candidates; the time window and the altitude band (copied into
//! each box) are checked as plain comparisons in the same scan, and only the
//! survivors get the exact distance decision.
//!
//! A volume at most 0.05° across has one box (two across the
//! antimeridian). A wider one has a box per chunk of its edges, so that a
//! long route does not put one huge box in every query's way, and a query
//! checks only the chunks near it; a wide polygon has, besides, one box over
//! its whole area that answers only "is the query inside?".
//!
//! Entries that move (replaced with a new geometry) are stored with a
//! margin around their box, so that the small moves of a tracked unit only
//! update the stored volume and leave the grid alone.

use crate::envelope::{Envelopes, Rect};
use crate::flat::Near;
use crate::geometry::{Geometry, GeometryKind};
use crate::grid::{self, Grid};
use crate::round::{f32_down, f32_up};
use crate::shape::{self, View};
use crate::volume::{AltitudeBand, Millis, Volume, Window, decide_given_boxes_meet, within_reach};
use std::collections::HashMap;

/// The key callers give each stored volume.
pub type Id = u64;

/// Degrees of slack around the box of a volume that has moved once, so
/// that following moves of a few hundred metres need no re-indexing.
const MOVING_MARGIN_DEG: f64 = 0.005;

type Entry = grid::Entry<Item>;

/// What the grid holds beside each box.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Item {
    slot: u32,
    /// What this box stands for: [`WHOLE`], [`AREA`] or a chunk number; the
    /// top bit marks a volume with more than one box, which a query may meet
    /// more than once.
    tag: u32,
    /// The end of the volume's window (its start is the entry's `from`),
    /// copied here so that the time filter needs no visit to the slot.
    to: Millis,
    /// The altitude band rounded outwards to `f32`, a filter as exact as
    /// needed to spare most visits; the slot's band decides.
    lo: f32,
    hi: f32,
}

/// How far past a point query's buffer a stored point's buffer may reach
/// and still be decided by the query's precomputed bounds (`flat::Near`);
/// pairs farther apart than that are decided as any other pair. Wider
/// reaches loosen the bounds (they span a wider band of latitude).
const NEAR_REACH_M: f64 = 5_000.0;

/// How many filtered boxes are gathered before their exact decisions.
const BATCH: usize = 64;

#[derive(Debug)]
struct Batch {
    items: [Item; BATCH],
    len: usize,
}

impl Default for Batch {
    fn default() -> Self {
        let none = Item {
            slot: 0,
            tag: 0,
            to: 0,
            lo: 0.0,
            hi: 0.0,
        };
        Batch {
            items: [none; BATCH],
            len: 0,
        }
    }
}

/// The whole volume.
const WHOLE: u32 = 0x7fff_ffff;
/// The area of a wide polygon, for containment only.
const AREA: u32 = 0x7fff_fffe;
const MANY: u32 = 0x8000_0000;

impl Item {
    fn part(&self) -> u32 {
        self.tag & !MANY
    }

    fn many(&self) -> bool {
        self.tag & MANY != 0
    }
}

/// Laid out so that what a point's decision reads (the id, the geometry,
/// the buffer and the band, in that order in `Volume`) is the first cache
/// line of a slot, and a slot starts on a line.
#[derive(Debug)]
#[repr(C, align(64))]
struct Slot {
    id: Id,
    volume: Volume,
    /// For a volume that has moved: the boxes it has in the grid, grown by
    /// [`MOVING_MARGIN_DEG`] around where it was when they were set, and
    /// kept while it moves within them. Otherwise its boxes follow from its
    /// volume alone.
    grown: Option<Box<Envelopes>>,
}

// The id and a point's decision data share a slot's first cache line.
const _: () = assert!(std::mem::offset_of!(Slot, volume) + crate::volume::HOT_BYTES <= 64);

/// Volumes keyed by [`Id`], answering conflict and area queries.
#[derive(Debug, Default)]
pub struct Index {
    grid: Grid<Item>,
    slots: Vec<Option<Slot>>,
    free: Vec<u32>,
    by_id: HashMap<Id, u32>,
}

/// The boxes `volume` has in the grid when held in `slot`: deterministic,
/// so that removal can find them again from the volume alone.
fn entries(slot: u32, volume: &Volume, grown: Option<&Envelopes>) -> Vec<Entry> {
    let view = volume.view();
    let mut boxes: Vec<(Rect, u32)> = Vec::new();
    if !view.is_chunked() {
        let whole = grown.copied().unwrap_or_else(|| volume.envelopes());
        boxes.extend(whole.as_slice().iter().map(|r| (*r, WHOLE)));
    } else {
        for chunk in view.chunks() {
            let around = Envelopes::around(chunk.extent, volume.buffer_m());
            assert!(chunk.key < AREA, "fewer than 2³¹ chunks");
            boxes.extend(around.as_slice().iter().map(|r| (*r, chunk.key)));
        }
        if view.has_area() {
            boxes.extend(volume.envelopes().as_slice().iter().map(|r| (*r, AREA)));
        }
    }
    let many = if boxes.len() > 1 { MANY } else { 0 };
    let (window, band) = (volume.window(), volume.altitude());
    boxes
        .into_iter()
        .map(|(rect, part)| Entry {
            rect,
            from: window.from(),
            item: Item {
                slot,
                tag: part | many,
                to: window.to().unwrap_or(Millis::MAX),
                lo: f32_down(band.lo()),
                hi: f32_up(band.hi()),
            },
        })
        .collect()
}

/// Whether the stored `volume`, reached through a box tagged `part`,
/// conflicts with `query` (whose window and band already overlap). This
/// answers exactly as [`Volume::conflicts_with`] does: a stored volume that
/// goes first is decided chunk by chunk through the chunks the grid found,
/// and its area through its area box; otherwise the whole pair is decided.
fn part_conflicts(
    volume: &Volume,
    part: u32,
    exact_box: bool,
    (query, asked): (&Volume, &View<'_>),
) -> bool {
    // Only a chunked volume has boxes other than its whole one.
    let stored = volume.view().chunked(part != WHOLE);
    let limit = volume.buffer_m() + query.buffer_m();
    match part {
        AREA => shape::covers(&stored, asked),
        WHOLE if exact_box => {
            // The grid met the volume's own box, so the box test is done.
            if let Some(near) = shape::points_within_limit(&stored, asked, limit) {
                near
            } else if shape::goes_first(&stored, asked) {
                decide_given_boxes_meet((volume, &stored), (query, asked), limit)
            } else {
                decide_given_boxes_meet((query, asked), (volume, &stored), limit)
            }
        }
        chunk if chunk != WHOLE && shape::goes_first(&stored, asked) => {
            let chunk = stored.chunk(chunk);
            shape::chunk_within(&stored, &chunk, asked, limit) || shape::covers(asked, &stored)
        }
        _ => within_reach(volume, &stored, query, asked),
    }
}

impl Index {
    pub fn new() -> Index {
        Index::default()
    }

    /// Builds an index from many volumes at once, much faster than inserting
    /// them one by one. A repeated id keeps its last volume.
    pub fn bulk_load(volumes: impl IntoIterator<Item = (Id, Volume)>) -> Index {
        let mut index = Index::new();
        for (id, volume) in volumes {
            let slot = Slot {
                id,
                volume,
                grown: None,
            };
            match index.by_id.get(&id) {
                Some(&existing) => index.slots[existing as usize] = Some(slot),
                None => {
                    index.allocate(slot);
                }
            }
        }
        let all: Vec<Entry> = index
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, slot)| Some(entries(i as u32, &slot.as_ref()?.volume, None)))
            .flatten()
            .collect();
        index.grid = Grid::bulk_load(all);
        index
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub fn get(&self, id: Id) -> Option<&Volume> {
        let slot = *self.by_id.get(&id)?;
        self.slots[slot as usize].as_ref().map(|s| &s.volume)
    }

    /// Stores `volume` under `id`, replacing what was there. A small
    /// replacement whose box fits the one already indexed (a unit moving a
    /// little) does not touch the grid.
    pub fn insert(&mut self, id: Id, volume: Volume) {
        let Some(&index) = self.by_id.get(&id) else {
            let slot = self.allocate(Slot {
                id,
                volume,
                grown: None,
            });
            let volume = &self.slots[slot as usize]
                .as_ref()
                .expect("just allocated")
                .volume;
            for entry in entries(slot, volume, None) {
                self.grid.insert(entry);
            }
            return;
        };
        let slot = self.slots[index as usize]
            .as_mut()
            .expect("indexed ids have slots");
        let small = !volume.view().is_chunked();
        // The grid's boxes also carry the window and band, so only a move
        // that keeps them can skip the grid.
        if let Some(boxes) = &slot.grown
            && small
            && slot.volume.window() == volume.window()
            && slot.volume.altitude() == volume.altitude()
            && boxes.holds(&volume.envelopes())
        {
            slot.volume = volume;
            return;
        }
        for entry in entries(index, &slot.volume, slot.grown.as_deref()) {
            self.grid.remove(&entry);
        }
        slot.grown = small.then(|| Box::new(volume.envelopes().grown(MOVING_MARGIN_DEG)));
        slot.volume = volume;
        for entry in entries(index, &slot.volume, slot.grown.as_deref()) {
            self.grid.insert(entry);
        }
    }

    /// Removes and returns the volume stored under `id`.
    pub fn remove(&mut self, id: Id) -> Option<Volume> {
        let index = self.by_id.remove(&id)?;
        let slot = self.slots[index as usize]
            .take()
            .expect("indexed ids have slots");
        for entry in entries(index, &slot.volume, slot.grown.as_deref()) {
            self.grid.remove(&entry);
        }
        self.free.push(index);
        Some(slot.volume)
    }

    /// The ids of every stored volume that conflicts with `volume`, in no
    /// particular order.
    pub fn conflicting(&self, volume: &Volume) -> Vec<Id> {
        let mut out = Vec::new();
        self.conflicting_into(volume, &mut out);
        out
    }

    /// As [`Index::conflicting`], appending to `out` to spare an allocation.
    pub fn conflicting_into(&self, volume: &Volume, out: &mut Vec<Id>) {
        let start = out.len();
        let query = volume.envelopes();
        let band = volume.altitude();
        let (lo, hi) = (f32_down(band.lo()), f32_up(band.hi()));
        let (from, to) = (
            volume.window().from(),
            volume.window().to().unwrap_or(Millis::MAX),
        );
        let twice = query.as_slice().len() > 1;
        let near = match volume.geometry().kind() {
            GeometryKind::Point(q) => Some(Near::new(*q, volume.buffer_m() + NEAR_REACH_M)),
            _ => None,
        };
        let asked = (volume, &volume.view(), near.as_ref());
        let mut batch = Batch::default();
        for rect in query.as_slice() {
            self.grid.for_each_meeting(rect, to, |entry| {
                let item = entry.item;
                if from >= item.to || item.lo > hi || lo > item.hi {
                    return;
                }
                if batch.len == BATCH {
                    self.decide(&batch.items, asked, twice, start, out);
                    batch.len = 0;
                }
                batch.items[batch.len] = item;
                batch.len += 1;
            });
        }
        self.decide(&batch.items[..batch.len], asked, twice, start, out);
    }

    /// The exact decisions on the boxes that passed the filters. Every slot
    /// is touched first, for the same reason the grid looks up all cells
    /// before scanning them: the cache misses overlap.
    fn decide(
        &self,
        items: &[Item],
        asked: (&Volume, &View<'_>, Option<&Near>),
        twice: bool,
        start: usize,
        out: &mut Vec<Id>,
    ) {
        let band = asked.0.altitude();
        let mut near = [false; BATCH];
        for (item, near) in items.iter().zip(&mut near) {
            let volume = &self.slot(item.slot).volume;
            *near = volume.altitude().overlaps(&band);
            // Likewise the geometry's positions, which a decision reads next.
            std::hint::black_box(volume.geometry().first_position());
        }
        for (item, _) in items.iter().zip(near).filter(|(_, near)| *near) {
            let slot = self.slot(item.slot);
            if (twice || item.many()) && out[start..].contains(&slot.id) {
                continue;
            }
            let volume = &slot.volume;
            // A point against a point query: decided from the slot's first
            // cache line (see `Slot`) and the query's precomputed bounds.
            let within = match (asked.2, volume.geometry().kind()) {
                (Some(near), GeometryKind::Point(p)) => {
                    shape::point_within_near(*p, near, volume.buffer_m() + asked.0.buffer_m())
                }
                _ => part_conflicts(
                    volume,
                    item.part(),
                    slot.grown.is_none(),
                    (asked.0, asked.1),
                ),
            };
            if within {
                out.push(slot.id);
            }
        }
    }

    fn slot(&self, slot: u32) -> &Slot {
        self.slots[slot as usize]
            .as_ref()
            .expect("grid entries have slots")
    }

    /// The ids of every stored volume active at `t` (its window holds `t`)
    /// whose buffered geometry reaches `area`, at any altitude.
    pub fn active_at(&self, t: Millis, area: &Geometry) -> Vec<Id> {
        let probe = Volume::new(area.clone(), 0.0, AltitudeBand::ALL, Window::instant(t))
            .expect("a zero buffer is always valid");
        self.conflicting(&probe)
    }

    /// Every stored volume, by id, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (Id, &Volume)> {
        self.slots.iter().flatten().map(|s| (s.id, &s.volume))
    }

    fn allocate(&mut self, slot: Slot) -> u32 {
        let id = slot.id;
        let index = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(slot);
                i
            }
            None => {
                self.slots.push(Some(slot));
                u32::try_from(self.slots.len() - 1).expect("fewer than 2³² volumes")
            }
        };
        self.by_id.insert(id, index);
        index
    }
}

/// The brute-force answer the index must match: every volume checked.
pub fn conflicting_by_scan<'a>(
    volumes: impl IntoIterator<Item = (Id, &'a Volume)>,
    volume: &Volume,
) -> Vec<Id> {
    volumes
        .into_iter()
        .filter(|(_, v)| v.conflicts_with(volume))
        .map(|(id, _)| id)
        .collect()
}
