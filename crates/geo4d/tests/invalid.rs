//! Every kind of invalid input, each with the precise error it must get.
//! One line per case: the GeoJSON (or volume parts), the field, the reason.

use deconflict_geo4d::{AltitudeBand, Field, Geometry, Invalid, Reason, Volume, Window};

fn geometry(json: &str) -> Result<Geometry, Invalid> {
    let parsed: geojson::Geometry = json.parse().expect("test input is GeoJSON");
    Geometry::from_geojson(&parsed)
}

#[track_caller]
fn refused(json: &str, path: &str, reason: Reason) {
    let err = geometry(json).expect_err("must be refused");
    assert_eq!(
        err,
        Invalid {
            field: Field::Geometry(path.into()),
            reason
        },
        "{json}"
    );
}

fn square(ring: &str) -> String {
    format!(r#"{{"type":"Polygon","coordinates":[{ring}]}}"#)
}

#[test]
fn positions_out_of_range_or_malformed() {
    refused(
        r#"{"type":"Point","coordinates":[44.0,91.0]}"#,
        "coordinates[1]",
        Reason::LatitudeOutOfRange(91.0),
    );
    refused(
        r#"{"type":"Point","coordinates":[44.0,-90.5]}"#,
        "coordinates[1]",
        Reason::LatitudeOutOfRange(-90.5),
    );
    refused(
        r#"{"type":"Point","coordinates":[361.0,10.0]}"#,
        "coordinates[0]",
        Reason::LongitudeOutOfRange(361.0),
    );
    refused(
        r#"{"type":"Point","coordinates":[1,2,3,4]}"#,
        "coordinates",
        Reason::PositionArity(4),
    );
    refused(
        r#"{"type":"LineString","coordinates":[[44,33],[44,95]]}"#,
        "coordinates[1][1]",
        Reason::LatitudeOutOfRange(95.0),
    );
}

#[test]
fn non_finite_numbers_are_refused() {
    // JSON cannot carry NaN or infinity, so build the geometry directly.
    use deconflict_geo4d::GeometryKind;
    let err = Geometry::new(GeometryKind::Point([f64::NAN, 1.0])).unwrap_err();
    assert_eq!(
        err,
        Invalid {
            field: Field::Geometry("coordinates[0]".into()),
            reason: Reason::NotFinite
        }
    );
    let err = Geometry::new(GeometryKind::LineString(vec![
        [0.0, 0.0],
        [1.0, f64::INFINITY],
    ]))
    .unwrap_err();
    assert_eq!(
        err,
        Invalid {
            field: Field::Geometry("coordinates[1][1]".into()),
            reason: Reason::NotFinite
        }
    );
}

#[test]
fn empty_and_short_geometries() {
    refused(
        r#"{"type":"LineString","coordinates":[]}"#,
        "coordinates",
        Reason::Empty,
    );
    refused(
        r#"{"type":"LineString","coordinates":[[1,1]]}"#,
        "coordinates",
        Reason::TooFewPositions { min: 2, found: 1 },
    );
    refused(
        r#"{"type":"Polygon","coordinates":[]}"#,
        "coordinates",
        Reason::Empty,
    );
    refused(
        r#"{"type":"Polygon","coordinates":[[]]}"#,
        "coordinates[0]",
        Reason::Empty,
    );
    refused(
        r#"{"type":"MultiPolygon","coordinates":[]}"#,
        "coordinates",
        Reason::Empty,
    );
    refused(
        r#"{"type":"MultiPoint","coordinates":[]}"#,
        "coordinates",
        Reason::Empty,
    );
    refused(
        r#"{"type":"MultiLineString","coordinates":[]}"#,
        "coordinates",
        Reason::Empty,
    );
    refused(
        &square("[[0,0],[1,0],[0,0]]"),
        "coordinates[0]",
        Reason::TooFewPositions { min: 4, found: 3 },
    );
}

#[test]
fn rings_must_be_closed_simple_and_without_repeats() {
    refused(
        &square("[[0,0],[1,0],[1,1],[0,1]]"),
        "coordinates[0]",
        Reason::RingNotClosed,
    );
    refused(
        &square("[[0,0],[1,0],[1,0],[1,1],[0,0]]"),
        "coordinates[0][2]",
        Reason::RepeatedPosition { index: 2 },
    );
    // A bow tie: edge 0 (0,0)-(1,1) crosses edge 2 (1,0)-(0,1).
    refused(
        &square("[[0,0],[1,1],[1,0],[0,1],[0,0]]"),
        "coordinates[0]",
        Reason::SelfCrossing {
            first: 0,
            second: 2,
        },
    );
    // A spike that folds back along itself.
    refused(
        &square("[[0,0],[2,0],[1,0],[1,1],[0,0]]"),
        "coordinates[0]",
        Reason::SelfCrossing {
            first: 0,
            second: 1,
        },
    );
    // Touching itself at a vertex is refused too.
    refused(
        &square("[[0,0],[2,0],[1,1],[2,2],[0,2],[1,1],[0,0]]"),
        "coordinates[0]",
        Reason::SelfCrossing {
            first: 1,
            second: 4,
        },
    );
}

#[test]
fn holes_must_be_inside_and_apart() {
    let shell = "[[0,0],[10,0],[10,10],[0,10],[0,0]]";
    refused(
        &square(&format!("{shell},[[20,20],[21,20],[21,21],[20,20]]")),
        "coordinates[1]",
        Reason::HoleOutsideShell { hole: 1 },
    );
    refused(
        &square(&format!("{shell},[[5,5],[15,5],[15,6],[5,5]]")),
        "coordinates",
        Reason::RingsCross {
            first: 0,
            second: 1,
        },
    );
    refused(
        &square(&format!(
            "{shell},[[1,1],[9,1],[9,9],[1,9],[1,1]],[[2,2],[3,2],[3,3],[2,2]]"
        )),
        "coordinates[2]",
        Reason::NestedHoles { hole: 2, other: 1 },
    );
    let ok = square(&format!(
        "{shell},[[1,1],[2,1],[2,2],[1,1]],[[5,5],[6,5],[6,6],[5,5]]"
    ));
    geometry(&ok).expect("two separate holes inside the shell are fine");
}

#[test]
fn unsupported_types_too_wide_and_too_big() {
    refused(
        r#"{"type":"GeometryCollection","geometries":[]}"#,
        "type",
        Reason::UnsupportedType("GeometryCollection".into()),
    );
    refused(
        r#"{"type":"LineString","coordinates":[[-180,0],[200,0]]}"#,
        "coordinates",
        Reason::LongitudeSpanTooWide(380.0),
    );
    let line: Vec<String> = (0..100_001)
        .map(|i| format!("[{},{}]", (i % 1000) as f64 * 0.001, i / 1000))
        .collect();
    refused(
        &format!(
            r#"{{"type":"LineString","coordinates":[{}]}}"#,
            line.join(",")
        ),
        "coordinates",
        Reason::TooManyVertices {
            max: 100_000,
            found: 100_001,
        },
    );
}

#[test]
fn buffers_bands_and_windows() {
    let point = || Geometry::point(44.0, 33.0).unwrap();
    let window = Window::new(0, Some(10)).unwrap();
    let vol = |b: f64| {
        Volume::new(point(), b, AltitudeBand::SURFACE, window)
            .map(|_| ())
            .unwrap_err()
    };
    assert_eq!(
        vol(-1.0),
        Invalid {
            field: Field::Buffer,
            reason: Reason::Negative(-1.0)
        }
    );
    assert_eq!(
        vol(f64::NAN),
        Invalid {
            field: Field::Buffer,
            reason: Reason::NotFinite
        }
    );
    assert_eq!(
        vol(1_000_001.0),
        Invalid {
            field: Field::Buffer,
            reason: Reason::TooLarge {
                value: 1_000_001.0,
                max: 1_000_000.0
            }
        }
    );
    assert!(Volume::new(point(), 1_000_000.0, AltitudeBand::SURFACE, window).is_ok());

    assert_eq!(
        AltitudeBand::new(500.0, 100.0).unwrap_err(),
        Invalid {
            field: Field::AltitudeLow,
            reason: Reason::AltitudeInverted {
                lo: 500.0,
                hi: 100.0
            }
        }
    );
    assert_eq!(
        AltitudeBand::new(0.0, 1e7).unwrap_err(),
        Invalid {
            field: Field::AltitudeHigh,
            reason: Reason::TooLarge {
                value: 1e7,
                max: 100_000.0
            }
        }
    );
    assert_eq!(
        AltitudeBand::new(f64::NAN, 1.0).unwrap_err(),
        Invalid {
            field: Field::AltitudeLow,
            reason: Reason::NotFinite
        }
    );
    assert!(AltitudeBand::new(100.0, 100.0).is_ok());

    assert_eq!(
        Window::new(10, Some(10)).unwrap_err(),
        Invalid {
            field: Field::WindowEnd,
            reason: Reason::WindowInverted
        }
    );
    assert_eq!(
        Window::new(10, Some(5)).unwrap_err(),
        Invalid {
            field: Field::WindowEnd,
            reason: Reason::WindowInverted
        }
    );
    assert!(Window::new(10, None).is_ok());
}

#[test]
fn errors_read_as_field_then_reason() {
    let err = geometry(r#"{"type":"Point","coordinates":[44.0,91.0]}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "geometry.coordinates[1]: latitude 91 is outside -90..=90"
    );
}
