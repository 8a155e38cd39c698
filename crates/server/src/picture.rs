//! What a party's TAK devices are sent to draw when they connect: the
//! party's own declared units and sites, the public declarations of others
//! (the no-strike list everyone sees), and its own cleared and active
//! activities, each as the API shows it to the party: never another party's
//! private object.
//!
//! Afterwards the party's own activities are drawn again as they change
//! ([`activity_change`]), and its sites and units, and others' public
//! sites, whenever what the API shows of them changes ([`Sites`]): moved,
//! redeclared, newly declared or made public (drawn again), withdrawn or no
//! longer public (taken off). A change to what the party cannot see changes
//! none of its drawings, so its devices hear nothing of it. The sites are
//! computed once for all the devices shown the same, per position of the
//! log and at most once a second ([`SharedSites`]), not once per device.
//!
//! A unit is a MIL-STD-2525 symbol at its last reported position (or where
//! it was declared); a site declared as a point is a symbol whose circle is
//! its buffer; any other shape, and every activity, is drawn as the outline
//! of the area its buffer covers.

use deconflict_cot::{FREEFORM_TYPE, Shape, Symbol};
use deconflict_model::{ActivityState, ActivityView, Actor, DeclarationView, State, Visibility};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long a drawing stands on a device that hears nothing more of it.
const LIFE_MS: i64 = 24 * 60 * 60 * 1000;
/// The most vertices an outline is sent with.
const MAX_VERTICES: usize = 120;
/// Blue for the party's own activities.
const ACTIVITY_STROKE: i32 = 0xFF1E_90FF_u32 as i32;
const ACTIVITY_FILL: i32 = 0x301E_90FF;
/// Green for sites.
const SITE_STROKE: i32 = 0xFF2E_8B57_u32 as i32;
const SITE_FILL: i32 = 0x302E_8B57;

/// Every drawing of the party's picture: its `sites` and, of the
/// `activities` it sees, its own cleared and active ones.
pub(crate) fn picture(
    viewer: &Actor,
    sites: &Sites,
    activities: &[ActivityView],
    now_ms: i64,
) -> Vec<String> {
    let mut out = sites.drawings(now_ms);
    for a in activities.iter().filter(|a| a.owner == viewer.party) {
        if matches!(a.state, ActivityState::Cleared | ActivityState::Active) {
            out.extend(activity(a, now_ms));
        }
    }
    out
}

/// The declarations a party's devices draw, by uid: its own, and others'
/// public ones, as the API shows them to it, and whether each is its own.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Sites(BTreeMap<String, (DeclarationView, bool)>);

/// Those shown the same sites. [`State::declarations`] reads of its viewer
/// the party and whether it is the coordinator, nothing else (a party's
/// roles see the same, see `deconflict_model::sight`), so both make the key
/// and the sites of one are never handed to another.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Audience {
    party: String,
    coordinator: bool,
}

impl Audience {
    fn of(viewer: &Actor) -> Audience {
        Audience {
            party: viewer.party.clone(),
            coordinator: viewer.coordinator,
        }
    }
}

/// Each audience's sites, computed once for all its devices, which each
/// poll them: the views of every declaration are built under the command
/// lock, so building them per device would hold every write up as devices
/// are added. They are kept for the position of the log they are of, and
/// for [`FRESH`] whatever the log does meanwhile: devices poll at moments of
/// their own, and on a busy log each would otherwise find it moved and
/// build them again. Computed again and found unchanged, they stay the very
/// `Arc` the devices drew, so none of them compares its sites with the
/// state's. One entry an audience.
#[derive(Debug, Default)]
pub(crate) struct SharedSites(Mutex<Known>);

/// How long sites are shared after they were computed, however far the log
/// moved: a change reaches devices at most this much later than their poll.
const FRESH: Duration = Duration::from_secs(1);

/// Each audience's sites: the position of the log they are of, when they
/// were computed, and the sites.
type Known = HashMap<Audience, (Option<u64>, Instant, Arc<Sites>)>;

impl SharedSites {
    /// What `viewer`'s devices draw as of `state`, the service's own (its
    /// position names its content), or as of a position at most [`FRESH`]
    /// ago: the very `Arc` every device of its audience gets meanwhile.
    pub(crate) fn of(&self, state: &State, viewer: &Actor) -> Arc<Sites> {
        self.at(viewer, state.seq(), Instant::now(), || {
            Sites::of(viewer, state.declarations(viewer))
        })
    }

    /// `viewer`'s sites as of log position `seq` at `now`, `compute`d
    /// unless known for that position or computed less than [`FRESH`] ago;
    /// the audience's previous ones if they are the same. Two computing at
    /// once both compute, and the later is kept: each is right for its
    /// position.
    fn at(
        &self,
        viewer: &Actor,
        seq: Option<u64>,
        now: Instant,
        compute: impl FnOnce() -> Sites,
    ) -> Arc<Sites> {
        let audience = Audience::of(viewer);
        let previous = self.lock().get(&audience).cloned();
        let sites = match previous {
            Some((at, computed, sites))
                if at == seq || now.saturating_duration_since(computed) < FRESH =>
            {
                return sites;
            }
            Some((_, _, sites)) => {
                let computed = compute();
                if *sites == computed {
                    sites
                } else {
                    Arc::new(computed)
                }
            }
            None => Arc::new(compute()),
        };
        self.lock().insert(audience, (seq, now, sites.clone()));
        sites
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Known> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Sites {
    /// Of `declarations`, what the viewer's devices draw.
    pub(crate) fn of(viewer: &Actor, declarations: Vec<DeclarationView>) -> Sites {
        Sites(
            declarations
                .into_iter()
                .filter(|d| !d.withdrawn)
                .filter_map(|d| {
                    let own = d.owner == viewer.party;
                    (own || d.visibility == Visibility::Public)
                        .then(|| (format!("deconflict-{}", d.id), (d, own)))
                })
                .collect(),
        )
    }

    /// Every drawing, as of `now_ms`.
    fn drawings(&self, now_ms: i64) -> Vec<String> {
        self.0
            .values()
            .filter_map(|(d, own)| declaration(d, *own, now_ms))
            .collect()
    }

    /// What brings devices that draw `self` to draw `next`: the
    /// declarations that changed or came, drawn, and those gone, taken off.
    pub(crate) fn changes(&self, next: &Sites, now_ms: i64) -> Vec<String> {
        let drawn = next
            .0
            .iter()
            .filter(|(uid, seen)| self.0.get(*uid) != Some(*seen))
            .filter_map(|(_, (d, own))| declaration(d, *own, now_ms));
        let gone = self
            .0
            .iter()
            .filter(|(uid, _)| !next.0.contains_key(*uid))
            .map(|(uid, (d, own))| deconflict_cot::delete(uid, &drawn_type(d, *own), now_ms));
        drawn.chain(gone).collect()
    }
}

/// The CoT type a declaration is drawn with: a symbol where it is a point
/// or has a track, else a freeform outline.
fn drawn_type(d: &DeclarationView, own: bool) -> String {
    match (&d.track, &d.volume.geometry.value) {
        (Some(_), _) | (None, geojson::GeometryValue::Point { .. }) => cot_type(own, &d.kind),
        _ => FREEFORM_TYPE.to_owned(),
    }
}

/// The CoT type of a declaration: friendly if it is the party's own,
/// neutral if another party's public one; a unit, a medical facility or an
/// installation by its kind.
pub(crate) fn cot_type(own: bool, kind: &str) -> String {
    let affiliation = if own { 'f' } else { 'n' };
    let function = match kind {
        k if k.contains("unit") || k.contains("company") || k.contains("patrol") => "U-C",
        k if ["hospital", "clinic", "health", "medical"]
            .iter()
            .any(|m| k.contains(m)) =>
        {
            "I-X-H"
        }
        _ => "I",
    };
    format!("a-{affiliation}-G-{function}")
}

fn declaration(d: &DeclarationView, own: bool, now_ms: i64) -> Option<String> {
    let uid = format!("deconflict-{}", d.id);
    let stale_ms = d
        .volume
        .to_ms
        .unwrap_or(now_ms + LIFE_MS)
        .max(now_ms + 60_000);
    let remarks = format!(
        "{} {} ({}), declared to deconflict",
        d.owner,
        d.kind.replace('_', " "),
        d.id
    );
    let at = match (&d.track, &d.volume.geometry.value) {
        (Some(track), _) => Some([track.position.lon, track.position.lat]),
        (None, geojson::GeometryValue::Point { coordinates }) => Some([
            *coordinates.as_slice().first()?,
            *coordinates.as_slice().get(1)?,
        ]),
        _ => None,
    };
    match at {
        Some([lon, lat]) => Some(deconflict_cot::symbol(&Symbol {
            uid: &uid,
            kind: &cot_type(own, &d.kind),
            callsign: &d.label,
            remarks: &remarks,
            lat,
            lon,
            ce: (d.volume.buffer_m > 0.0).then_some(d.volume.buffer_m),
            time_ms: now_ms,
            stale_ms,
        })),
        None => outline(
            &uid,
            &d.label,
            &remarks,
            &d.volume,
            (SITE_STROKE, SITE_FILL),
            now_ms,
            stale_ms,
        ),
    }
}

/// A change of one of the party's own activities as its devices draw it:
/// drawn while it is cleared or active, taken off the map otherwise.
pub(crate) fn activity_change(viewer: &Actor, a: &ActivityView, now_ms: i64) -> Option<String> {
    if a.owner != viewer.party {
        return None;
    }
    match a.state {
        ActivityState::Cleared | ActivityState::Active => activity(a, now_ms),
        _ => Some(deconflict_cot::delete(
            &format!("deconflict-{}", a.id),
            FREEFORM_TYPE,
            now_ms,
        )),
    }
}

fn activity(a: &ActivityView, now_ms: i64) -> Option<String> {
    let uid = format!("deconflict-{}", a.id);
    let stale_ms = a
        .volume
        .to_ms
        .unwrap_or(now_ms + LIFE_MS)
        .max(now_ms + 60_000);
    let remarks = format!(
        "{}: {} ({}, {})",
        a.kind.replace('_', " "),
        a.label,
        a.state.as_str(),
        a.id
    );
    outline(
        &uid,
        &a.label,
        &remarks,
        &a.volume,
        (ACTIVITY_STROKE, ACTIVITY_FILL),
        now_ms,
        stale_ms,
    )
}

/// The area a volume's buffer covers, as a closed outline of at most
/// [`MAX_VERTICES`] (the first part of it, if it is in several).
fn outline(
    uid: &str,
    callsign: &str,
    remarks: &str,
    volume: &deconflict_model::VolumeSpec,
    (stroke, fill): (i32, i32),
    now_ms: i64,
    stale_ms: i64,
) -> Option<String> {
    let geometry = deconflict_geo4d::Geometry::from_geojson(&volume.geometry).ok()?;
    let drawn = deconflict_geo4d::outline(&geometry, volume.buffer_m);
    let ring: Vec<[f64; 2]> = match &drawn.value {
        geojson::GeometryValue::Polygon { coordinates } => coordinates.first()?.iter(),
        geojson::GeometryValue::MultiPolygon { coordinates } => {
            coordinates.first()?.first()?.iter()
        }
        geojson::GeometryValue::LineString { coordinates } => coordinates.iter(),
        _ => return None,
    }
    .filter_map(|p| Some([*p.as_slice().first()?, *p.as_slice().get(1)?]))
    .collect();
    let step = ring.len().div_ceil(MAX_VERTICES).max(1);
    let mut vertices: Vec<[f64; 2]> = ring.iter().step_by(step).copied().collect();
    if let (Some(first), Some(last)) = (ring.first(), ring.last())
        && first == last
        && vertices.last() != Some(first)
    {
        vertices.push(*first);
    }
    Some(deconflict_cot::shape(&Shape {
        uid,
        kind: FREEFORM_TYPE,
        callsign,
        remarks,
        vertices: &vertices,
        stroke,
        fill,
        time_ms: now_ms,
        stale_ms,
    }))
}

#[cfg(test)]
mod tests {
    use super::{FRESH, SharedSites, Sites, cot_type};
    use deconflict_model::{Actor, Role};
    use std::cell::Cell;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    /// `cache.at(viewer, seq, now)`, counting in `computed` whether it computed.
    fn at(
        cache: &SharedSites,
        viewer: &Actor,
        seq: u64,
        now: Instant,
        computed: &Cell<u32>,
    ) -> Arc<Sites> {
        cache.at(viewer, Some(seq), now, || {
            computed.set(computed.get() + 1);
            Sites::default()
        })
    }

    #[test]
    fn shared_sites_are_computed_once_per_audience_and_position() {
        let cache = SharedSites::default();
        let computed = Cell::new(0);
        let now = Instant::now();
        let ngo = Actor::new("ngo", Role::Operator, "c1", false);
        let first = at(&cache, &ngo, 7, now, &computed);
        // Another device of the party, of another role: the same sites.
        let viewer = Actor::new("ngo", Role::Viewer, "c2", false);
        assert!(Arc::ptr_eq(&first, &at(&cache, &viewer, 7, now, &computed)));
        assert_eq!(computed.get(), 1);

        let pmf = Actor::new("pmf", Role::Operator, "c3", false);
        let theirs = at(&cache, &pmf, 7, now, &computed);
        assert!(!Arc::ptr_eq(&first, &theirs));
        assert_eq!(computed.get(), 2);
        // The coordinator is shown more of the same declarations.
        let coordinator = Actor::new("ngo", Role::Approver, "c4", true);
        assert!(!Arc::ptr_eq(
            &first,
            &at(&cache, &coordinator, 7, now, &computed)
        ));
        assert_eq!(computed.get(), 3);

        // Long after, at the same position: still the same.
        let later = now + 10 * FRESH;
        assert!(Arc::ptr_eq(&first, &at(&cache, &ngo, 7, later, &computed)));
        assert_eq!(computed.get(), 3);
        // The log moved on: computed again, found the same, the very sites
        // the party's devices drew.
        let moved = at(&cache, &ngo, 8, later, &computed);
        assert_eq!(computed.get(), 4);
        assert!(Arc::ptr_eq(&first, &moved));
        assert!(Arc::ptr_eq(
            &moved,
            &at(&cache, &viewer, 8, later, &computed)
        ));
        assert_eq!(computed.get(), 4);
        // Another audience's are kept meanwhile.
        assert!(Arc::ptr_eq(&theirs, &at(&cache, &pmf, 7, later, &computed)));
        assert_eq!(computed.get(), 4);
    }

    #[test]
    fn shared_sites_are_computed_at_most_once_a_fresh_while_the_log_moves() {
        let cache = SharedSites::default();
        let computed = Cell::new(0);
        let ngo = Actor::new("ngo", Role::Operator, "c1", false);
        let start = Instant::now();
        let first = at(&cache, &ngo, 1, start, &computed);
        // Devices poll at their own moments, the log a little further each time.
        for (seq, after) in [(2, 0), (3, 300), (4, 999)] {
            let polled = at(
                &cache,
                &ngo,
                seq,
                start + Duration::from_millis(after),
                &computed,
            );
            assert!(Arc::ptr_eq(&first, &polled));
        }
        assert_eq!(computed.get(), 1);
        at(&cache, &ngo, 5, start + FRESH, &computed);
        assert_eq!(computed.get(), 2, "computed again once it is a FRESH old");
        // Not shared with another audience however fresh.
        at(
            &cache,
            &Actor::new("pmf", Role::Operator, "c3", false),
            5,
            start + FRESH,
            &computed,
        );
        assert_eq!(computed.get(), 3);
    }

    #[test]
    fn symbols_by_whose_and_what() {
        let cases = [
            (true, "unit_position", "a-f-G-U-C"),
            (true, "base", "a-f-G-I"),
            (false, "hospital", "a-n-G-I-X-H"),
            (false, "health_facility", "a-n-G-I-X-H"),
            (false, "camp", "a-n-G-I"),
        ];
        for (own, kind, expected) in cases {
            assert_eq!(cot_type(own, kind), expected, "{kind}");
        }
    }
}
