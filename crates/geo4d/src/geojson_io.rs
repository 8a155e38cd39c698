//! GeoJSON in and out. Positions may carry a third number (elevation), which
//! the engine ignores: height is the volume's altitude band, not the geometry's.

use crate::LonLat;
use crate::error::{Invalid, Reason};
use crate::geometry::GeometryKind;
use geojson::{GeometryValue, Position};

pub(crate) fn kind_from_geojson(geometry: &geojson::Geometry) -> Result<GeometryKind, Invalid> {
    let c = "coordinates";
    Ok(match &geometry.value {
        GeometryValue::Point { coordinates } => GeometryKind::Point(position(coordinates, c)?),
        GeometryValue::MultiPoint { coordinates } => {
            GeometryKind::MultiPoint(line(coordinates, c)?)
        }
        GeometryValue::LineString { coordinates } => {
            GeometryKind::LineString(line(coordinates, c)?)
        }
        GeometryValue::MultiLineString { coordinates } => {
            GeometryKind::MultiLineString(lines(coordinates, c)?)
        }
        GeometryValue::Polygon { coordinates } => GeometryKind::Polygon(lines(coordinates, c)?),
        GeometryValue::MultiPolygon { coordinates } => GeometryKind::MultiPolygon(
            coordinates
                .iter()
                .enumerate()
                .map(|(i, p)| lines(p, &format!("{c}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        GeometryValue::GeometryCollection { .. } => {
            return Err(Invalid::at(
                "type",
                Reason::UnsupportedType("GeometryCollection".into()),
            ));
        }
    })
}

fn position(p: &Position, path: &str) -> Result<LonLat, Invalid> {
    match p.as_slice() {
        [lon, lat] | [lon, lat, _] => Ok([*lon, *lat]),
        other => Err(Invalid::at(path, Reason::PositionArity(other.len()))),
    }
}

fn line(positions: &[Position], path: &str) -> Result<Vec<LonLat>, Invalid> {
    positions
        .iter()
        .enumerate()
        .map(|(i, p)| position(p, &format!("{path}[{i}]")))
        .collect()
}

fn lines(lines: &[Vec<Position>], path: &str) -> Result<Vec<Vec<LonLat>>, Invalid> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| line(l, &format!("{path}[{i}]")))
        .collect()
}

pub(crate) fn kind_to_geojson(kind: &GeometryKind) -> geojson::Geometry {
    let pos = |p: &LonLat| Position::from(*p);
    let line = |l: &Vec<LonLat>| l.iter().map(pos).collect::<Vec<_>>();
    let value = match kind {
        GeometryKind::Point(p) => GeometryValue::Point {
            coordinates: pos(p),
        },
        GeometryKind::MultiPoint(p) => GeometryValue::MultiPoint {
            coordinates: line(p),
        },
        GeometryKind::LineString(p) => GeometryValue::LineString {
            coordinates: line(p),
        },
        GeometryKind::MultiLineString(l) => GeometryValue::MultiLineString {
            coordinates: l.iter().map(line).collect(),
        },
        GeometryKind::Polygon(l) => GeometryValue::Polygon {
            coordinates: l.iter().map(line).collect(),
        },
        GeometryKind::MultiPolygon(polys) => GeometryValue::MultiPolygon {
            coordinates: polys.iter().map(|p| p.iter().map(line).collect()).collect(),
        },
    };
    geojson::Geometry::new(value)
}
