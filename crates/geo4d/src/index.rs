//! The spatial-temporal index: which stored volumes conflict with this one?
//!
//! An R-tree ([`rstar`]) over conservative 2-D lon/lat boxes finds candidates;
//! the time window and altitude band are then checked as plain comparisons,
//! and only the survivors get the exact distance decision. Time and altitude
//! are filters rather than index dimensions because a 4-D tree answered the
//! same queries several times slower (see the crate docs and BENCHMARKS.md).
//!
//! Entries that move (replaced with a new geometry) are stored with a
//! margin around their box, so that the small moves of a tracked unit only
//! update the stored volume and leave the tree alone.

use crate::envelope::{Envelopes, Rect};
use crate::geometry::Geometry;
use crate::shape::extent;
use crate::volume::{AltitudeBand, Millis, Volume, Window};
use rstar::{RTree, RTreeObject};
use std::collections::HashMap;

/// The key callers give each stored volume.
pub type Id = u64;

/// Degrees of slack around the box of a volume that has moved once, so
/// that following moves of a few hundred metres need no re-indexing.
const MOVING_MARGIN_DEG: f64 = 0.005;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    rect: Rect,
    slot: u32,
    /// Whether this volume has more than one box, so a query may meet it twice.
    split: bool,
}

impl RTreeObject for Entry {
    type Envelope = Rect;
    fn envelope(&self) -> Rect {
        self.rect
    }
}

#[derive(Debug)]
struct Slot {
    id: Id,
    volume: Volume,
    /// The boxes this slot has in the tree (possibly grown by a margin).
    indexed: Envelopes,
}

/// Volumes keyed by [`Id`], answering conflict and area queries.
#[derive(Debug, Default)]
pub struct Index {
    tree: RTree<Entry>,
    slots: Vec<Option<Slot>>,
    free: Vec<u32>,
    by_id: HashMap<Id, u32>,
}

fn envelopes(volume: &Volume) -> Envelopes {
    Envelopes::around(extent(volume.geometry()), volume.buffer_m())
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
            let indexed = envelopes(&volume);
            let slot = Slot {
                id,
                volume,
                indexed,
            };
            match index.by_id.get(&id) {
                Some(&existing) => index.slots[existing as usize] = Some(slot),
                None => {
                    index.allocate(slot);
                }
            }
        }
        let entries: Vec<Entry> = index
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, slot)| {
                Some(Self::entries(i as u32, &slot.as_ref()?.indexed).collect::<Vec<_>>())
            })
            .flatten()
            .collect();
        index.tree = RTree::bulk_load(entries);
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

    /// Stores `volume` under `id`, replacing what was there. A replacement
    /// whose boxes fit those already indexed (a unit moving a little) does
    /// not touch the tree.
    pub fn insert(&mut self, id: Id, volume: Volume) {
        let exact = envelopes(&volume);
        let Some(&slot_index) = self.by_id.get(&id) else {
            let slot = self.allocate(Slot {
                id,
                volume,
                indexed: exact,
            });
            for entry in Self::entries(slot, &exact) {
                self.tree.insert(entry);
            }
            return;
        };
        let slot = self.slots[slot_index as usize]
            .as_mut()
            .expect("indexed ids have slots");
        slot.volume = volume;
        if slot.indexed.holds(&exact) {
            return;
        }
        let old = std::mem::replace(&mut slot.indexed, exact.grown(MOVING_MARGIN_DEG));
        let new = slot.indexed;
        for entry in Self::entries(slot_index, &old) {
            self.tree.remove(&entry);
        }
        for entry in Self::entries(slot_index, &new) {
            self.tree.insert(entry);
        }
    }

    /// Removes and returns the volume stored under `id`.
    pub fn remove(&mut self, id: Id) -> Option<Volume> {
        let slot_index = self.by_id.remove(&id)?;
        let slot = self.slots[slot_index as usize]
            .take()
            .expect("indexed ids have slots");
        for entry in Self::entries(slot_index, &slot.indexed) {
            self.tree.remove(&entry);
        }
        self.free.push(slot_index);
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
        let query = envelopes(volume);
        let mut maybe_twice = query.as_slice().len() > 1;
        for rect in query.as_slice() {
            for entry in self.tree.locate_in_envelope_intersecting(*rect) {
                let slot = self.slots[entry.slot as usize]
                    .as_ref()
                    .expect("tree entries have slots");
                if slot.volume.conflicts_with(volume) {
                    maybe_twice |= entry.split;
                    out.push(slot.id);
                }
            }
        }
        if maybe_twice {
            out[start..].sort_unstable();
            let mut kept = start;
            for i in start..out.len() {
                if i == start || out[i] != out[kept - 1] {
                    out[kept] = out[i];
                    kept += 1;
                }
            }
            out.truncate(kept);
        }
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

    fn entries(slot: u32, envelopes: &Envelopes) -> impl Iterator<Item = Entry> + '_ {
        let split = envelopes.as_slice().len() > 1;
        envelopes
            .as_slice()
            .iter()
            .map(move |&rect| Entry { rect, slot, split })
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
