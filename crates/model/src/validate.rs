//! Validation of a command's fields, naming each field as the API writes it.

use crate::command::{ActivitySpec, DeclarationSpec, VolumeSpec};
use crate::error::ModelError;
use crate::policy::{Limits, covered_km2};
use deconflict_geo4d::{AltitudeBand, Field, Geometry, Invalid, Volume, Window};

const MAX_KIND: usize = 64;
const MAX_LABEL: usize = 200;
pub(crate) const MAX_REASON: usize = 2000;

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

/// Checks a volume against its kind's limits (see `State::limits`): the
/// area it covers (`geometry` if the geometry alone covers too much, else
/// `buffer_m`), the top of its altitude band (`altitude_m`) and, for an
/// activity, how long it lasts (its window's end).
pub(crate) fn within_limits(
    kind: &str,
    volume: &Volume,
    limits: Limits,
    activity: Option<WindowNames>,
) -> Result<(), ModelError> {
    let a = article(kind);
    if let Some(max) = limits.max_area_km2 {
        let covered = covered_km2(volume);
        if covered > max {
            let alone = volume.with_buffer(0.0).map_or(covered, |v| covered_km2(&v));
            let field = if alone > max { "geometry" } else { "buffer_m" };
            return Err(ModelError::invalid(
                field,
                format!(
                    "covers about {} km²; {a} {kind} may cover at most {} km²",
                    about(covered),
                    number(max)
                ),
            ));
        }
    }
    let top = volume.altitude().hi();
    if let Some(max) = limits.max_altitude_m
        && top > max
    {
        return Err(ModelError::invalid(
            "altitude_m",
            format!(
                "reaches {} m; {a} {kind} may reach at most {} m",
                number(top),
                number(max)
            ),
        ));
    }
    if let (Some(names), Some(max_h), Some(to)) =
        (activity, limits.max_window_h, volume.window().to())
    {
        let hours = (to - volume.window().from()) as f64 / 3_600_000.0;
        if hours > max_h {
            return Err(ModelError::invalid(
                names.to,
                format!(
                    "the window lasts {}; {a} {kind} may last at most {}",
                    duration(hours, true),
                    duration(max_h, false)
                ),
            ));
        }
    }
    Ok(())
}

/// "a" or "an", as a kind is read out ("a unit_position", "an
/// air_strike").
pub(crate) fn article(kind: &str) -> &'static str {
    let you = ["uni", "use", "usu", "uti"]
        .iter()
        .any(|p| kind.starts_with(p));
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) && !you {
        "an"
    } else {
        "a"
    }
}

/// A quantity as a message says it: whole numbers with thousands
/// separators, others to a tenth.
pub(crate) fn number(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let tenths = (x * 10.0).round() as i128;
    let (whole, tenth) = (tenths / 10, (tenths % 10).abs());
    let digits = whole.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if tenths < 0 { "-" } else { "" };
    if tenth == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{tenth}")
    }
}

/// A measure rounded to three significant figures, as "about" says it.
pub(crate) fn about(x: f64) -> String {
    if !(x.is_finite() && x.abs() >= 100.0) {
        return number(x);
    }
    let scale = 10f64.powi(x.abs().log10().floor() as i32 - 2);
    number((x / scale).round() * scale)
}

/// Hours as a message says them: days once it is two days or more.
fn duration(hours: f64, rounded: bool) -> String {
    let (value, unit) = if hours >= 48.0 {
        (hours / 24.0, "days")
    } else {
        (hours, "hours")
    };
    if rounded {
        format!("about {} {unit}", about(value))
    } else {
        format!("{} {unit}", number(value))
    }
}

fn kind(kind: &str) -> Result<(), ModelError> {
    kind_at("kind", kind)
}

/// Checks a kind found at `field`.
pub(crate) fn kind_at(field: &str, kind: &str) -> Result<(), ModelError> {
    let ok = (1..=MAX_KIND).contains(&kind.len())
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ModelError::invalid(
            field,
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
