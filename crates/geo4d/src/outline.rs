//! The outline of a buffered geometry: the area a volume covers on the
//! ground, as a polygon a GIS or a map can draw without re-buffering.
//!
//! The geometry is mapped to an azimuthal equidistant plane about its
//! centre (distances and bearings from the centre are exact; elsewhere
//! they are off by about `(d/R)²/6`, 0.01 % at 150 km), buffered there with
//! round caps and joins (`geo`'s [`Buffer`], whose arcs are drawn outside
//! the true circle, so the outline never falls short of the buffer), and
//! mapped back by Karney's direct geodesic. Edges are cut into pieces of at
//! most [`STEP_DEG`] first, so an edge straight in longitude and latitude
//! (RFC 7946) stays straight in the outline too.
//!
//! The result is written as RFC 7946 asks: longitudes in [-180, 180], an
//! outline that crosses the antimeridian cut into parts that meet there.
//! An outline that would hold a pole is not representable as a lon/lat
//! polygon; the buffer of anything within its reach of a pole is given as
//! the band of latitudes it covers.

use crate::LonLat;
use crate::geometry::{Geometry, GeometryKind};
use geo::algorithm::buffer::{Buffer, BufferStyle, LineCap, LineJoin};
use geo::{
    BooleanOps, Coord, Distance, Euclidean, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon, Rect,
};
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
use geojson::{GeometryValue, Position};
use std::sync::LazyLock;

/// The longest piece of an edge, in degrees, before it is mapped.
pub const STEP_DEG: f64 = 0.01;

/// How far an arc's chords may stand outside the true circle, as a part of
/// the buffer: the outline is at most this much (plus the projection's
/// error) too wide.
const ARC_SLACK: f64 = 1e-3;

static WGS84: LazyLock<Geodesic> = LazyLock::new(Geodesic::wgs84);

/// Every place within `buffer_m` of `geometry`, as a GeoJSON Polygon or
/// MultiPolygon; with no buffer, a polygon's own area, and a point or a
/// line as it is (it covers no area).
pub fn outline(geometry: &Geometry, buffer_m: f64) -> geojson::Geometry {
    let kind = geometry.kind();
    if buffer_m <= 0.0 {
        return geometry.to_geojson();
    }
    let centre = centre(kind);
    if let Some(band) = polar_band(kind, buffer_m) {
        return polygons_to_geojson(&MultiPolygon::new(vec![band]));
    }
    let plane = Plane { centre };
    let mapped = plane.map(kind);
    let buffered = without_slivers(mapped.buffer_with_style(style(buffer_m)), &mapped, buffer_m);
    let unwrapped = plane.unmap(&buffered);
    polygons_to_geojson(&cut_at_antimeridian(unwrapped))
}

/// Round caps and joins, with arcs whose chords never cut inside the
/// circle: each chord's middle is at least `buffer_m` out, its ends a
/// little beyond.
fn style(buffer_m: f64) -> BufferStyle<f64> {
    let angle = 2.0 * (1.0 - ARC_SLACK).acos();
    // The stroker may draw a join's arc in steps of up to twice the angle
    // it is given (it rounds the number of steps down): give it half.
    BufferStyle::new(buffer_m / (angle / 2.0).cos())
        .line_cap(LineCap::Round(angle / 2.0))
        .line_join(LineJoin::Round(angle / 2.0))
}

/// The buffer without the holes the union of its pieces leaves by mistake
/// where a line turns sharply: a true hole lies at least the buffer's
/// distance from the geometry all round (its arcs are drawn outside the
/// circle), a sliver comes closer. Dropping a hole only widens the area.
fn without_slivers(
    buffered: MultiPolygon,
    geometry: &geo::Geometry,
    buffer_m: f64,
) -> MultiPolygon {
    let far = |ring: &LineString| {
        ring.0
            .iter()
            .all(|c| Euclidean.distance(&Point(*c), geometry) >= buffer_m - 0.01)
    };
    MultiPolygon::new(
        buffered
            .0
            .into_iter()
            .map(|p| {
                let (shell, holes) = p.into_inner();
                Polygon::new(shell, holes.into_iter().filter(far).collect())
            })
            .collect(),
    )
}

/// The mean of the positions as unit vectors, back as `[lon, lat]`: a
/// centre that does not care where longitudes wrap.
fn centre(kind: &GeometryKind) -> LonLat {
    let mut sum = [0.0f64; 3];
    let add = |p: &LonLat| {
        let (lon, lat) = (p[0].to_radians(), p[1].to_radians());
        sum[0] += lat.cos() * lon.cos();
        sum[1] += lat.cos() * lon.sin();
        sum[2] += lat.sin();
    };
    positions(kind).for_each(add);
    let [x, y, z] = sum;
    if x.hypot(y) < 1e-12 {
        // Balanced about the axis: any meridian will do.
        return [0.0, if z >= 0.0 { 90.0 } else { -90.0 }];
    }
    [y.atan2(x).to_degrees(), z.atan2(x.hypot(y)).to_degrees()]
}

fn positions(kind: &GeometryKind) -> Box<dyn Iterator<Item = &LonLat> + '_> {
    match kind {
        GeometryKind::Point(p) => Box::new(std::iter::once(p)),
        GeometryKind::MultiPoint(p) | GeometryKind::LineString(p) => Box::new(p.iter()),
        GeometryKind::MultiLineString(l) | GeometryKind::Polygon(l) => Box::new(l.iter().flatten()),
        GeometryKind::MultiPolygon(p) => Box::new(p.iter().flatten().flatten()),
    }
}

/// When the buffer reaches a pole from any position, the band of
/// latitudes from the lowest position's reach to that pole.
fn polar_band(kind: &GeometryKind, buffer_m: f64) -> Option<Polygon> {
    // A degree of latitude is at least 110.5 km anywhere.
    let reach = buffer_m / 110_500.0;
    let north = positions(kind).any(|p| p[1] + reach >= 90.0);
    let south = positions(kind).any(|p| p[1] - reach <= -90.0);
    if !north && !south {
        return None;
    }
    let lats = positions(kind).map(|p| p[1]);
    let (lo, hi) = if north {
        ((lats.fold(90.0, f64::min) - reach).max(-90.0), 90.0)
    } else {
        (-90.0, (lats.fold(-90.0, f64::max) + reach).min(90.0))
    };
    Some(Rect::new(Coord { x: -180.0, y: lo }, Coord { x: 180.0, y: hi }).to_polygon())
}

/// The azimuthal equidistant plane about `centre`: x east, y north, metres.
struct Plane {
    centre: LonLat,
}

impl Plane {
    fn point(&self, p: LonLat) -> Coord {
        let (s12, azi1, _azi2, _a12): (f64, f64, f64, f64) =
            WGS84.inverse(self.centre[1], self.centre[0], p[1], p[0]);
        let azi = azi1.to_radians();
        Coord {
            x: s12 * azi.sin(),
            y: s12 * azi.cos(),
        }
    }

    /// A line's positions, each edge cut into pieces of at most
    /// [`STEP_DEG`] in longitude and latitude.
    fn line(&self, line: &[LonLat]) -> LineString {
        let mut coords = Vec::with_capacity(line.len());
        for pair in line.windows(2) {
            let [a, b] = [pair[0], pair[1]];
            let pieces = ((b[0] - a[0]).abs().max((b[1] - a[1]).abs()) / STEP_DEG)
                .ceil()
                .max(1.0) as usize;
            for i in 0..pieces {
                let t = i as f64 / pieces as f64;
                coords.push(self.point([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]));
            }
        }
        coords.extend(line.last().map(|p| self.point(*p)));
        LineString::new(coords)
    }

    fn polygon(&self, rings: &[Vec<LonLat>]) -> Polygon {
        let mut rings = rings.iter().map(|r| self.line(r));
        let shell = rings.next().unwrap_or_else(|| LineString::new(Vec::new()));
        Polygon::new(shell, rings.collect())
    }

    fn map(&self, kind: &GeometryKind) -> geo::Geometry {
        match kind {
            GeometryKind::Point(p) => Point(self.point(*p)).into(),
            GeometryKind::MultiPoint(p) => {
                MultiPoint::new(p.iter().map(|p| Point(self.point(*p))).collect()).into()
            }
            GeometryKind::LineString(l) => self.line(l).into(),
            GeometryKind::MultiLineString(l) => {
                MultiLineString::new(l.iter().map(|l| self.line(l)).collect()).into()
            }
            GeometryKind::Polygon(rings) => self.polygon(rings).into(),
            GeometryKind::MultiPolygon(p) => {
                MultiPolygon::new(p.iter().map(|r| self.polygon(r)).collect()).into()
            }
        }
    }

    /// Back to longitude and latitude, longitudes kept continuous with the
    /// centre's (so they may run past ±180°).
    fn unmap(&self, plane: &MultiPolygon) -> MultiPolygon {
        let back = |c: &Coord| {
            let azi = c.x.atan2(c.y).to_degrees();
            let (lat, lon): (f64, f64) =
                WGS84.direct(self.centre[1], self.centre[0], azi, c.x.hypot(c.y));
            let lon = lon + 360.0 * ((self.centre[0] - lon) / 360.0).round();
            Coord { x: lon, y: lat }
        };
        let ring = |r: &LineString| LineString::new(r.0.iter().map(back).collect());
        MultiPolygon::new(
            plane
                .0
                .iter()
                .map(|p| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect()))
                .collect(),
        )
    }
}

/// The parts of an outline on each side of the antimeridian, each moved
/// into [-180, 180].
fn cut_at_antimeridian(outline: MultiPolygon) -> MultiPolygon {
    let (west, east) = outline
        .0
        .iter()
        .flat_map(|p| p.exterior().0.iter())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(w, e), c| {
            (w.min(c.x), e.max(c.x))
        });
    if west >= -180.0 && east <= 180.0 {
        return outline;
    }
    let mut parts = Vec::new();
    for shift in [-360.0, 0.0, 360.0] {
        let window = Rect::new(
            Coord {
                x: -180.0 - shift,
                y: -90.0,
            },
            Coord {
                x: 180.0 - shift,
                y: 90.0,
            },
        )
        .to_polygon();
        let inside = outline.intersection(&MultiPolygon::new(vec![window]));
        parts.extend(inside.0.into_iter().map(|p| {
            let moved = |r: &LineString| {
                LineString::new(
                    r.0.iter()
                        .map(|c| Coord {
                            // The cut is snapped to a grid: back onto ±180° exactly.
                            x: (c.x + shift).clamp(-180.0, 180.0),
                            y: c.y,
                        })
                        .collect(),
                )
            };
            Polygon::new(
                moved(p.exterior()),
                p.interiors().iter().map(moved).collect(),
            )
        }));
    }
    MultiPolygon::new(parts)
}

/// Degrees to seven places, about a centimetre: an outline is drawn, not
/// measured, and fifteen digits a vertex only weigh the answer down.
fn centimetres(degrees: f64) -> f64 {
    (degrees * 1e7).round() / 1e7
}

fn polygons_to_geojson(polygons: &MultiPolygon) -> geojson::Geometry {
    let ring = |r: &LineString| {
        r.0.iter()
            .map(|c| Position::from([centimetres(c.x), centimetres(c.y)]))
            .collect::<Vec<_>>()
    };
    let polygon = |p: &Polygon| {
        std::iter::once(ring(p.exterior()))
            .chain(p.interiors().iter().map(ring))
            .collect::<Vec<_>>()
    };
    let value = match polygons.0.as_slice() {
        [one] => GeometryValue::Polygon {
            coordinates: polygon(one),
        },
        many => GeometryValue::MultiPolygon {
            coordinates: many.iter().map(polygon).collect(),
        },
    };
    geojson::Geometry::new(value)
}
