//! Validation of a command's fields, naming each field as the API writes it.

use crate::command::{ActivitySpec, DeclarationSpec, VolumeSpec};
use crate::error::ModelError;
use deconflict_geo4d::{AltitudeBand, Field, Geometry, Invalid, Volume, Window};

const MAX_KIND: usize = 64;
const MAX_LABEL: usize = 200;
const MAX_REASON: usize = 2000;

/// The wire names of a window's ends: a declaration's or an activity's.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WindowNames {
    from: &'static str,
    to: &'static str,
}

pub(crate) const DECLARATION_WINDOW: WindowNames = WindowNames {
    from: "valid_from",
    to: "valid_to",
};
pub(crate) const ACTIVITY_WINDOW: WindowNames = WindowNames {
    from: "start",
    to: "end",
};

/// Checks a declaration and returns its volume.
pub(crate) fn declaration(spec: &DeclarationSpec) -> Result<Volume, ModelError> {
    kind(&spec.kind)?;
    label(&spec.label)?;
    volume(&spec.volume, DECLARATION_WINDOW)
}

/// Checks an activity and returns its volume. An activity must end.
pub(crate) fn activity(spec: &ActivitySpec) -> Result<Volume, ModelError> {
    kind(&spec.kind)?;
    label(&spec.label)?;
    if spec.volume.to_ms.is_none() {
        return Err(ModelError::invalid(
            ACTIVITY_WINDOW.to,
            "required: an activity's hazard window must end",
        ));
    }
    volume(&spec.volume, ACTIVITY_WINDOW)
}

/// Builds the engine's volume from a spec, translating the engine's field
/// names into the API's.
pub(crate) fn volume(spec: &VolumeSpec, names: WindowNames) -> Result<Volume, ModelError> {
    let refused = |e: Invalid| {
        let field = match &e.field {
            Field::WindowStart => names.from.to_owned(),
            Field::WindowEnd => names.to.to_owned(),
            other => other.to_string(),
        };
        ModelError::invalid(field, e.reason.to_string())
    };
    let geometry = Geometry::from_geojson(&spec.geometry).map_err(refused)?;
    let [lo, hi] = spec.altitude_m;
    let altitude = AltitudeBand::new(lo, hi).map_err(refused)?;
    let window = Window::new(spec.from_ms, spec.to_ms).map_err(refused)?;
    Volume::new(geometry, spec.buffer_m, altitude, window).map_err(refused)
}

fn kind(kind: &str) -> Result<(), ModelError> {
    let ok = (1..=MAX_KIND).contains(&kind.len())
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ModelError::invalid(
            "kind",
            format!("must be 1 to {MAX_KIND} characters of a-z, 0-9 and _"),
        ))
    }
}

fn label(label: &str) -> Result<(), ModelError> {
    text("label", label, MAX_LABEL)
}

/// A reason the command must carry: present and not blank.
pub(crate) fn required_reason(
    reason: Option<&str>,
    doing: &'static str,
) -> Result<String, ModelError> {
    match reason.map(str::trim) {
        None | Some("") => Err(ModelError::ReasonRequired { doing }),
        Some(reason) => {
            text("reason", reason, MAX_REASON)?;
            Ok(reason.to_owned())
        }
    }
}

/// A reason the command may carry.
pub(crate) fn optional_reason(reason: Option<&str>) -> Result<Option<String>, ModelError> {
    match reason.map(str::trim) {
        None | Some("") => Ok(None),
        Some(reason) => {
            text("reason", reason, MAX_REASON)?;
            Ok(Some(reason.to_owned()))
        }
    }
}

pub(crate) fn text(field: &str, value: &str, max: usize) -> Result<(), ModelError> {
    let count = value.chars().count();
    if value.trim().is_empty() {
        return Err(ModelError::invalid(field, "must not be blank"));
    }
    if count > max {
        return Err(ModelError::invalid(
            field,
            format!("{count} characters; at most {max} are allowed"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ModelError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    if let Some(c) = value.chars().find(|c| is_bidi_control(*c)) {
        return Err(ModelError::invalid(
            field,
            format!(
                "must not contain bidirectional controls (U+{:04X}), which can make a text read as another",
                u32::from(c)
            ),
        ));
    }
    Ok(())
}

/// The Unicode bidirectional formatting characters (UAX #9): embeddings,
/// overrides, isolates and marks. Right-to-left text needs none of them
/// to display; they only serve to make a label show what it does not say.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
