//! The outline of a buffered geometry against the engine's own rule (which
//! the oracle tests hold to brute force): every vertex of the outline lies
//! at the buffer's distance from the geometry, within the outline's stated
//! slack, and every position of the geometry lies inside it; across the
//! antimeridian too, where the outline comes back cut into parts that meet
//! at ±180°.

use deconflict_geo4d::{AltitudeBand, Geometry, GeometryKind, LonLat, Volume, Window, outline};
use geo::{Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use geojson::GeometryValue;
use proptest::prelude::*;

/// How far outside the true buffer the outline may lie: its arcs' chords
/// (0.1 %) and the projection, with room for rounding.
const WIDE: f64 = 2e-3;

fn volume(geometry: Geometry, buffer_m: f64) -> Volume {
    Volume::new(
        geometry,
        buffer_m,
        AltitudeBand::new(0.0, 0.0).unwrap(),
        Window::instant(0),
    )
    .unwrap()
}

/// Whether `p` is within `limit_m` of `geometry`, by the engine's rule: a
/// pair it reports may be up to max(1 m, 0.05 %) beyond the limit.
fn within(geometry: &Geometry, p: LonLat, limit_m: f64) -> bool {
    volume(geometry.clone(), limit_m)
        .conflicts_with(&volume(Geometry::point(p[0], p[1]).unwrap(), 0.0))
}

fn polygons(value: &GeometryValue) -> MultiPolygon {
    let ring = |r: &Vec<geojson::Position>| {
        LineString::new(r.iter().map(|p| Coord { x: p[0], y: p[1] }).collect())
    };
    let polygon = |rings: &Vec<Vec<geojson::Position>>| {
        Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
    };
    match value {
        GeometryValue::Polygon { coordinates } => MultiPolygon::new(vec![polygon(coordinates)]),
        GeometryValue::MultiPolygon { coordinates } => {
            MultiPolygon::new(coordinates.iter().map(polygon).collect())
        }
        other => panic!("an outline is a polygon: {other:?}"),
    }
}

fn wrap(lon: f64) -> f64 {
    lon - 360.0 * ((lon + 180.0) / 360.0).floor()
}

/// A point, a line or a small square about `at`, up to 0.2° across.
fn geometry() -> impl Strategy<Value = Geometry> {
    let at = (-180.0f64..180.0, -70.0f64..70.0);
    let offsets = prop::collection::vec((-0.1f64..0.1, -0.1f64..0.1), 2..6);
    (at, offsets, 0..3u8).prop_map(|((lon, lat), offsets, shape)| {
        let points: Vec<LonLat> = offsets
            .iter()
            .map(|(dx, dy)| [lon + dx, lat + dy])
            .collect();
        let kind = match shape {
            0 => GeometryKind::Point([lon, lat]),
            1 => GeometryKind::LineString(points),
            _ => {
                let d = offsets[0].0.abs().max(0.01);
                let ring = vec![
                    [lon - d, lat - d],
                    [lon + d, lat - d],
                    [lon + d, lat + d],
                    [lon - d, lat + d],
                    [lon - d, lat - d],
                ];
                GeometryKind::Polygon(vec![ring])
            }
        };
        Geometry::new(kind).unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_outline_lies_at_the_buffer_and_holds_the_geometry(
        geometry in geometry(),
        buffer_m in 50.0f64..20_000.0,
    ) {
        let drawn = outline(&geometry, buffer_m);
        let area = polygons(&drawn.value);
        let mut vertices = 0;
        for polygon in &area.0 {
            for c in polygon.exterior().0.iter().chain(polygon.interiors().iter().flat_map(|r| r.0.iter())) {
                prop_assert!((-180.0..=180.0).contains(&c.x), "{c:?}");
                vertices += 1;
                let p = [c.x, c.y];
                // The antimeridian's cut runs along ±180°: those vertices
                // are where the cut meets the outline, or on the cut itself.
                if c.x.abs() == 180.0 {
                    continue;
                }
                prop_assert!(within(&geometry, p, buffer_m * (1.0 + WIDE) + 1.0), "{p:?} beyond {buffer_m} m");
                let short = (buffer_m * (1.0 - WIDE) - 1.0) / 1.0005 - 1.0;
                prop_assert!(!within(&geometry, p, short), "{p:?} inside {short} m");
            }
        }
        prop_assert!(vertices > 8);
        let positions: Vec<LonLat> = match geometry.kind() {
            GeometryKind::Point(p) => vec![*p],
            GeometryKind::LineString(l) => l.clone(),
            GeometryKind::Polygon(r) => r[0].clone(),
            other => unreachable!("{other:?}"),
        };
        for p in positions {
            let p = Point::new(wrap(p[0]), p[1]);
            prop_assert!(area.0.iter().any(|part| part.contains(&p)), "{p:?} outside the outline");
        }
    }
}

#[test]
fn a_site_on_the_antimeridian_comes_back_in_two_parts_that_meet_there() {
    let site = Geometry::point(179.99, -17.0).unwrap();
    let drawn = outline(&site, 5_000.0);
    let area = polygons(&drawn.value);
    assert_eq!(area.0.len(), 2, "{drawn:?}");
    let mut sides: Vec<f64> = area
        .0
        .iter()
        .map(|p| p.exterior().0.iter().map(|c| c.x).sum::<f64>() / p.exterior().0.len() as f64)
        .collect();
    sides.sort_by(f64::total_cmp);
    assert!(sides[0] < -179.0 && sides[1] > 179.0, "{sides:?}");
}

#[test]
fn without_a_buffer_a_polygon_is_its_own_outline_and_a_point_stays_a_point() {
    let ring = vec![
        [44.0, 33.0],
        [44.1, 33.0],
        [44.1, 33.1],
        [44.0, 33.1],
        [44.0, 33.0],
    ];
    let field = Geometry::new(GeometryKind::Polygon(vec![ring])).unwrap();
    assert_eq!(outline(&field, 0.0), field.to_geojson());
    let post = Geometry::point(44.0, 33.0).unwrap();
    assert!(matches!(
        outline(&post, 0.0).value,
        GeometryValue::Point { .. }
    ));
}

#[test]
fn a_courtyard_wider_than_twice_the_buffer_stays_open() {
    let square = |d: f64| {
        vec![
            [44.0 - d, 33.0 - d],
            [44.0 + d, 33.0 - d],
            [44.0 + d, 33.0 + d],
            [44.0 - d, 33.0 + d],
            [44.0 - d, 33.0 - d],
        ]
    };
    let mut hole = square(0.03);
    hole.reverse();
    let compound = Geometry::new(GeometryKind::Polygon(vec![square(0.05), hole])).unwrap();
    let area = polygons(&outline(&compound, 500.0).value);
    assert_eq!(area.0.len(), 1);
    assert_eq!(
        area.0[0].interiors().len(),
        1,
        "the courtyard's middle is 3 km from any wall"
    );
    assert!(!area.0[0].contains(&Point::new(44.0, 33.0)));
    assert!(area.0[0].contains(&Point::new(44.0, 33.04)));
}
