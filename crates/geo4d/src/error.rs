//! Why a volume was refused: the field at fault and the reason, never a repair.

use std::fmt;

/// The part of a volume an error is about.
///
/// The engine does not know the wire names of its callers' fields (a
/// declaration's window is `valid_from`/`valid_to`, an activity's is
/// `start`/`end`), so it names the part and lets the edge translate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// A place inside the geometry, as a GeoJSON path such as
    /// `coordinates[0][3][1]`, or `type` for the geometry as a whole.
    Geometry(String),
    /// The buffer around the geometry, in metres.
    Buffer,
    /// The lower bound of the altitude band.
    AltitudeLow,
    /// The upper bound of the altitude band.
    AltitudeHigh,
    /// The start of the time window.
    WindowStart,
    /// The end of the time window.
    WindowEnd,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Geometry(path) => write!(f, "geometry.{path}"),
            Field::Buffer => f.write_str("buffer_m"),
            Field::AltitudeLow => f.write_str("altitude_m[0]"),
            Field::AltitudeHigh => f.write_str("altitude_m[1]"),
            Field::WindowStart => f.write_str("window.from"),
            Field::WindowEnd => f.write_str("window.to"),
        }
    }
}

/// What is wrong with the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Reason {
    #[error(
        "geometry type {0} is not supported (use Point, MultiPoint, LineString, MultiLineString, Polygon or MultiPolygon)"
    )]
    UnsupportedType(String),
    #[error("the geometry is empty")]
    Empty,
    #[error("a position needs 2 or 3 numbers, found {0}")]
    PositionArity(usize),
    #[error("not a finite number")]
    NotFinite,
    #[error("latitude {0} is outside -90..=90")]
    LatitudeOutOfRange(f64),
    #[error("longitude {0} is outside -360..=360")]
    LongitudeOutOfRange(f64),
    #[error("the geometry spans {0} degrees of longitude; at most 360 are allowed")]
    LongitudeSpanTooWide(f64),
    #[error("needs at least {min} positions, found {found}")]
    TooFewPositions { min: usize, found: usize },
    #[error("the ring is not closed: its last position differs from its first")]
    RingNotClosed,
    #[error("the ring repeats position {index} immediately")]
    RepeatedPosition { index: usize },
    #[error("the ring crosses itself: edges {first} and {second} meet")]
    SelfCrossing { first: usize, second: usize },
    #[error("rings {first} and {second} of the polygon cross or touch")]
    RingsCross { first: usize, second: usize },
    #[error("hole {hole} is not inside the polygon's outer ring")]
    HoleOutsideShell { hole: usize },
    #[error("hole {hole} lies inside hole {other}")]
    NestedHoles { hole: usize, other: usize },
    #[error("the geometry has {found} positions; at most {max} are allowed")]
    TooManyVertices { max: usize, found: usize },
    #[error("{0} is negative")]
    Negative(f64),
    #[error("{value} exceeds the maximum of {max}")]
    TooLarge { value: f64, max: f64 },
    #[error("the altitude band is inverted: low {lo} is above high {hi}")]
    AltitudeInverted { lo: f64, hi: f64 },
    #[error("the window ends at or before it starts")]
    WindowInverted,
}

/// A refused volume: which field and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct Invalid {
    pub field: Field,
    pub reason: Reason,
}

impl Invalid {
    pub(crate) fn new(field: Field, reason: Reason) -> Invalid {
        Invalid { field, reason }
    }

    pub(crate) fn at(path: impl Into<String>, reason: Reason) -> Invalid {
        Invalid::new(Field::Geometry(path.into()), reason)
    }
}
