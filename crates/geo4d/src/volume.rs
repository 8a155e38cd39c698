//! Volumes: where and when something is, and the one rule of conflict.

use crate::envelope::Envelopes;
use crate::error::{Field, Invalid, Reason};
use crate::geometry::Geometry;
use crate::shape::{self, Shape, View};

/// The largest buffer, in metres: a thousand kilometres.
pub const MAX_BUFFER_M: f64 = 1_000_000.0;
/// The largest altitude magnitude, in metres above ground.
pub const MAX_ALTITUDE_M: f64 = 100_000.0;

/// A point in time: milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// A half-open time window `[from, to)`; `to == None` never ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    from: Millis,
    to: Option<Millis>,
}

impl Window {
    pub fn new(from: Millis, to: Option<Millis>) -> Result<Window, Invalid> {
        match to {
            Some(to) if to <= from => Err(Invalid::new(Field::WindowEnd, Reason::WindowInverted)),
            _ => Ok(Window { from, to }),
        }
    }

    /// The single instant `t`, as a window of one millisecond.
    pub fn instant(t: Millis) -> Window {
        Window {
            from: t,
            to: Some(t.saturating_add(1)),
        }
    }

    pub fn from(&self) -> Millis {
        self.from
    }

    pub fn to(&self) -> Option<Millis> {
        self.to
    }

    fn end(&self) -> Millis {
        self.to.unwrap_or(Millis::MAX)
    }

    pub fn overlaps(&self, other: &Window) -> bool {
        self.from < other.end() && other.from < self.end()
    }

    /// The shared part of two windows, if any.
    pub fn intersection(&self, other: &Window) -> Option<Window> {
        let from = self.from.max(other.from);
        let to = match (self.to, other.to) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Window::new(from, to).ok()
    }

    pub fn contains(&self, t: Millis) -> bool {
        self.from <= t && t < self.end()
    }
}

/// A closed band of altitude above ground, in metres; touching bands overlap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AltitudeBand {
    lo: f64,
    hi: f64,
}

impl AltitudeBand {
    /// The surface: `[0, 0]`.
    pub const SURFACE: AltitudeBand = AltitudeBand { lo: 0.0, hi: 0.0 };
    /// Every altitude, for questions that do not care about height.
    pub const ALL: AltitudeBand = AltitudeBand {
        lo: -MAX_ALTITUDE_M,
        hi: MAX_ALTITUDE_M,
    };

    pub fn new(lo: f64, hi: f64) -> Result<AltitudeBand, Invalid> {
        for (value, field) in [(lo, Field::AltitudeLow), (hi, Field::AltitudeHigh)] {
            if !value.is_finite() {
                return Err(Invalid::new(field, Reason::NotFinite));
            }
            if value.abs() > MAX_ALTITUDE_M {
                return Err(Invalid::new(
                    field,
                    Reason::TooLarge {
                        value,
                        max: MAX_ALTITUDE_M,
                    },
                ));
            }
        }
        if lo > hi {
            return Err(Invalid::new(
                Field::AltitudeLow,
                Reason::AltitudeInverted { lo, hi },
            ));
        }
        Ok(AltitudeBand { lo, hi })
    }

    pub fn lo(&self) -> f64 {
        self.lo
    }

    pub fn hi(&self) -> f64 {
        self.hi
    }

    pub fn overlaps(&self, other: &AltitudeBand) -> bool {
        self.lo <= other.hi && other.lo <= self.hi
    }
}

impl Default for AltitudeBand {
    fn default() -> Self {
        AltitudeBand::SURFACE
    }
}

/// A validated 4-D volume: a geometry grown by a buffer, an altitude band
/// and a time window.
///
/// Laid out in this order (`repr(C)`) so that the geometry (a point is held
/// in place), the buffer and the band come first: the index keeps them, with
/// the id, in one cache line per stored volume.
#[derive(Debug, Clone)]
#[repr(C)]
pub struct Volume {
    geometry: Geometry,
    buffer_m: f64,
    altitude: AltitudeBand,
    window: Window,
    shape: Shape,
}

/// How many bytes from its start a volume holds its geometry, buffer and
/// band in: what a point's decision reads.
pub(crate) const HOT_BYTES: usize =
    std::mem::offset_of!(Volume, altitude) + std::mem::size_of::<AltitudeBand>();

impl Volume {
    pub fn new(
        geometry: Geometry,
        buffer_m: f64,
        altitude: AltitudeBand,
        window: Window,
    ) -> Result<Volume, Invalid> {
        check_buffer(buffer_m)?;
        let shape = Shape::new(&geometry);
        Ok(Volume {
            geometry,
            shape,
            buffer_m,
            altitude,
            window,
        })
    }

    pub fn geometry(&self) -> &Geometry {
        &self.geometry
    }

    pub fn buffer_m(&self) -> f64 {
        self.buffer_m
    }

    pub fn altitude(&self) -> AltitudeBand {
        self.altitude
    }

    pub fn window(&self) -> Window {
        self.window
    }

    /// A lon/lat box `[west, south, east, north]` holding every place within
    /// the buffer of the geometry. Longitudes are unwrapped (`east` may pass
    /// 180°), and a box that reaches a pole spans `[-180, 180]`.
    pub fn bounds(&self) -> [f64; 4] {
        crate::envelope::reach(crate::shape::extent(&self.geometry), self.buffer_m)
    }

    /// The one rule: windows overlap, altitude bands overlap, and the
    /// geometries are no farther apart than the two buffers together.
    pub fn conflicts_with(&self, other: &Volume) -> bool {
        self.window.overlaps(&other.window)
            && self.altitude.overlaps(&other.altitude)
            && self.within_reach(other)
    }

    /// The distance part of the rule, decided the same way whichever volume
    /// asks (see `shape::goes_first`) and whether asked directly or through
    /// the index: within the boxes the index uses, a polygon of either
    /// holding a part of the other, or the edges of the first (chunk by
    /// chunk, where its chunks' boxes meet the other's) within the limit.
    pub(crate) fn within_reach(&self, other: &Volume) -> bool {
        within_reach(self, &self.view(), other, &other.view())
    }

    /// The geometry ready for a decision.
    pub(crate) fn view(&self) -> View<'_> {
        View::new(&self.geometry, &self.shape)
    }

    /// The index boxes of the whole volume.
    pub(crate) fn envelopes(&self) -> Envelopes {
        Envelopes::around(shape::extent(&self.geometry), self.buffer_m)
    }

    /// The same volume somewhere else, as when a tracked unit moves: the
    /// buffer, band and window are kept.
    pub fn moved_to(&self, geometry: Geometry) -> Volume {
        let shape = Shape::new(&geometry);
        Volume {
            geometry,
            shape,
            ..*self
        }
    }

    /// The same volume with another buffer, as when a position grows
    /// uncertain.
    pub fn with_buffer(&self, buffer_m: f64) -> Result<Volume, Invalid> {
        check_buffer(buffer_m)?;
        Ok(Volume {
            buffer_m,
            ..self.clone()
        })
    }
}

/// [`Volume::within_reach`] with both geometries ready.
pub(crate) fn within_reach(a: &Volume, va: &View<'_>, b: &Volume, vb: &View<'_>) -> bool {
    let limit = a.buffer_m + b.buffer_m;
    if let Some(near) = shape::points_within_limit(va, vb, limit) {
        return near;
    }
    let (first, second) = if shape::goes_first(va, vb) {
        ((a, va), (b, vb))
    } else {
        ((b, vb), (a, va))
    };
    if !first.0.envelopes().meets(&second.0.envelopes()) {
        return false;
    }
    decide_given_boxes_meet(first, second, limit)
}

/// [`within_reach`] once the whole boxes are known to meet, with `first`
/// the volume that goes first.
pub(crate) fn decide_given_boxes_meet(
    (first, fv): (&Volume, &View<'_>),
    (second, sv): (&Volume, &View<'_>),
    limit: f64,
) -> bool {
    // Edges first: a pair within the limit is usually found within a few
    // edges, where containment reads every edge of a ring. The answer is
    // the same either way round.
    let edges = if !fv.is_chunked() {
        shape::edges_within(fv, sv, limit)
    } else {
        let reach = second.envelopes();
        fv.chunks().any(|chunk| {
            Envelopes::around(chunk.extent, first.buffer_m).meets(&reach)
                && shape::chunk_within(fv, &chunk, sv, limit)
        })
    };
    edges || shape::covers(fv, sv) || shape::covers(sv, fv)
}

fn check_buffer(buffer_m: f64) -> Result<(), Invalid> {
    if !buffer_m.is_finite() {
        return Err(Invalid::new(Field::Buffer, Reason::NotFinite));
    }
    if buffer_m < 0.0 {
        return Err(Invalid::new(Field::Buffer, Reason::Negative(buffer_m)));
    }
    if buffer_m > MAX_BUFFER_M {
        return Err(Invalid::new(
            Field::Buffer,
            Reason::TooLarge {
                value: buffer_m,
                max: MAX_BUFFER_M,
            },
        ));
    }
    Ok(())
}
