//! Well-Known Text (ISO 13249 / OGC Simple Features) of a GeoJSON geometry,
//! as spreadsheets and `ogr2ogr` read it from a CSV column.

use geojson::{GeometryValue, Position};
use std::fmt::Write;

pub(crate) fn wkt(geometry: &geojson::Geometry) -> String {
    let mut out = String::new();
    value(&geometry.value, &mut out);
    out
}

fn value(v: &GeometryValue, out: &mut String) {
    match v {
        GeometryValue::Point { coordinates } => {
            out.push_str("POINT (");
            position(coordinates, out);
            out.push(')');
        }
        GeometryValue::MultiPoint { coordinates } => {
            out.push_str("MULTIPOINT ");
            list(coordinates, out, |p, out| {
                out.push('(');
                position(p, out);
                out.push(')');
            });
        }
        GeometryValue::LineString { coordinates } => {
            out.push_str("LINESTRING ");
            line(coordinates, out);
        }
        GeometryValue::MultiLineString { coordinates } => {
            out.push_str("MULTILINESTRING ");
            list(coordinates, out, |l, out| line(l, out));
        }
        GeometryValue::Polygon { coordinates } => {
            out.push_str("POLYGON ");
            list(coordinates, out, |r, out| line(r, out));
        }
        GeometryValue::MultiPolygon { coordinates } => {
            out.push_str("MULTIPOLYGON ");
            list(coordinates, out, |p, out| {
                list(p, out, |r, out| line(r, out))
            });
        }
        GeometryValue::GeometryCollection { geometries } => {
            out.push_str("GEOMETRYCOLLECTION ");
            list(geometries, out, |g, out| value(&g.value, out));
        }
    }
}

fn list<T>(items: &[T], out: &mut String, mut each: impl FnMut(&T, &mut String)) {
    if items.is_empty() {
        out.push_str("EMPTY");
        return;
    }
    out.push('(');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        each(item, out);
    }
    out.push(')');
}

fn line(positions: &[Position], out: &mut String) {
    list(positions, out, position);
}

fn position(p: &Position, out: &mut String) {
    for (i, n) in p.as_slice().iter().take(2).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{n}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn of(geometry: serde_json::Value) -> String {
        wkt(&serde_json::from_value(geometry).unwrap())
    }

    #[test]
    fn each_type_in_well_known_text() {
        let cases = [
            (
                json!({"type": "Point", "coordinates": [44.5, 33.25]}),
                "POINT (44.5 33.25)",
            ),
            (
                json!({"type": "LineString", "coordinates": [[44, 33], [44.1, 33.2, 120]]}),
                "LINESTRING (44 33, 44.1 33.2)",
            ),
            (
                json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]], [[0.2, 0.1], [0.8, 0.1], [0.8, 0.7], [0.2, 0.1]]]}),
                "POLYGON ((0 0, 1 0, 1 1, 0 0), (0.2 0.1, 0.8 0.1, 0.8 0.7, 0.2 0.1))",
            ),
            (
                json!({"type": "MultiPoint", "coordinates": [[1, 2], [3, 4]]}),
                "MULTIPOINT ((1 2), (3 4))",
            ),
            (
                json!({"type": "MultiLineString", "coordinates": [[[1, 2], [3, 4]]]}),
                "MULTILINESTRING ((1 2, 3 4))",
            ),
            (
                json!({"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6], [5, 5]]]]}),
                "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))",
            ),
        ];
        for (geometry, text) in cases {
            assert_eq!(of(geometry), text);
        }
    }
}
