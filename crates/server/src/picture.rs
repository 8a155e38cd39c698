//! What a party's TAK devices are sent to draw when they connect: the
//! party's own declared units and sites, the public declarations of others
//! (the no-strike list everyone sees), and its own cleared and active
//! activities, each as the API shows it to the party: never another party's
//! private object.
//!
//! Afterwards the party's own activities are drawn again as they change
//! ([`activity_change`]).
//!
//! A unit is a MIL-STD-2525 symbol at its last reported position (or where
//! it was declared); a site declared as a point is a symbol whose circle is
//! its buffer; any other shape, and every activity, is drawn as the outline
//! of the area its buffer covers.

use deconflict_cot::{FREEFORM_TYPE, Shape, Symbol};
use deconflict_model::{
    ActivityState, ActivityView, Actor, DeclarationView, StateView, Visibility,
};

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

/// Every drawing of the party's picture, as of `view`.
pub(crate) fn picture(viewer: &Actor, view: &StateView, now_ms: i64) -> Vec<String> {
    let mut out = Vec::new();
    for d in view.declarations.iter().filter(|d| !d.withdrawn) {
        let own = d.owner == viewer.party;
        if own || d.visibility == Visibility::Public {
            out.extend(declaration(d, own, now_ms));
        }
    }
    for a in view.activities.iter().filter(|a| a.owner == viewer.party) {
        if matches!(a.state, ActivityState::Cleared | ActivityState::Active) {
            out.extend(activity(a, now_ms));
        }
    }
    out
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
    use super::cot_type;

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
