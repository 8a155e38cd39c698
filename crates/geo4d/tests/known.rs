//! Known answers from real places. Coordinates are from the sources named
//! beside each (Wikipedia infoboxes, GeoNames); distances were checked
//! against Karney's geodesic.

use deconflict_geo4d::{AltitudeBand, Geometry, Volume, Window, geodesic_m};

const AL_ASAD: [f64; 2] = [42.4412, 33.7856]; // Al Asad Air Base, Wikipedia infobox
const BIAP: [f64; 2] = [44.2344, 33.2625]; // Baghdad International Airport, Wikipedia infobox
const BALAD: [f64; 2] = [44.1453, 34.0164]; // Balad town, Wikipedia infobox
const TAQADDUM: [f64; 2] = [43.5900, 33.3394]; // Al Taqaddum Air Base, Wikipedia infobox
const QAIM_CROSSING: [f64; 2] = [40.9770, 34.3975]; // Al-Qa'im border crossing, de.wikipedia

const DAY: i64 = 86_400_000;

fn always() -> Window {
    Window::new(0, None).unwrap()
}

fn circle(at: [f64; 2], buffer_m: f64, window: Window) -> Volume {
    Volume::new(
        Geometry::point(at[0], at[1]).unwrap(),
        buffer_m,
        AltitudeBand::SURFACE,
        window,
    )
    .unwrap()
}

#[test]
fn al_asad_and_baghdad_airport_are_about_175_km_apart() {
    let d = geodesic_m(AL_ASAD, BIAP);
    assert!((170_000.0..180_000.0).contains(&d), "{d}");
}

#[test]
fn a_5_km_circle_at_al_asad_does_not_reach_baghdad_airport() {
    let base = circle(AL_ASAD, 5_000.0, always());
    let airport = circle(BIAP, 0.0, always());
    assert!(!base.conflicts_with(&airport));
    assert!(!airport.conflicts_with(&base));
}

#[test]
fn a_200_km_buffer_does() {
    let base = circle(AL_ASAD, 200_000.0, always());
    let airport = circle(BIAP, 0.0, always());
    assert!(base.conflicts_with(&airport));
}

#[test]
fn the_threshold_is_the_geodesic_distance() {
    let d = geodesic_m(AL_ASAD, BIAP);
    let airport = circle(BIAP, 0.0, always());
    assert!(circle(AL_ASAD, d, always()).conflicts_with(&airport));
    assert!(!circle(AL_ASAD, d - 1.5, always()).conflicts_with(&airport));
}

#[test]
fn time_decides_too() {
    // A strike window near Balad and a position declared there the day after.
    let strike = circle(BALAD, 2_000.0, Window::new(0, Some(DAY)).unwrap());
    let next_day = circle(BALAD, 500.0, Window::new(DAY, Some(2 * DAY)).unwrap());
    let same_day = circle(BALAD, 500.0, Window::new(DAY - 1, Some(2 * DAY)).unwrap());
    assert!(
        !strike.conflicts_with(&next_day),
        "half-open windows that touch do not overlap"
    );
    assert!(strike.conflicts_with(&same_day));
}

#[test]
fn altitude_bands_that_touch_conflict() {
    let g = || Geometry::point(TAQADDUM[0], TAQADDUM[1]).unwrap();
    let low = Volume::new(g(), 0.0, AltitudeBand::new(0.0, 3_000.0).unwrap(), always()).unwrap();
    let high = Volume::new(
        g(),
        0.0,
        AltitudeBand::new(3_000.0, 9_000.0).unwrap(),
        always(),
    )
    .unwrap();
    let higher = Volume::new(
        g(),
        0.0,
        AltitudeBand::new(3_000.5, 9_000.0).unwrap(),
        always(),
    )
    .unwrap();
    assert!(low.conflicts_with(&high));
    assert!(!low.conflicts_with(&higher));
}

#[test]
fn a_border_survey_polygon_covers_the_crossing() {
    // A survey box around the al-Qa'im crossing, ~10 km on a side.
    let [lon, lat] = QAIM_CROSSING;
    let ring = vec![
        [lon - 0.05, lat - 0.05],
        [lon + 0.05, lat - 0.05],
        [lon + 0.05, lat + 0.05],
        [lon - 0.05, lat + 0.05],
        [lon - 0.05, lat - 0.05],
    ];
    let survey = Geometry::new(deconflict_geo4d::GeometryKind::Polygon(vec![ring])).unwrap();
    let survey = Volume::new(survey, 0.0, AltitudeBand::SURFACE, always()).unwrap();
    // A post at the crossing itself, with no buffer: inside counts as distance zero.
    assert!(survey.conflicts_with(&circle(QAIM_CROSSING, 0.0, always())));
    // A post 10 km east of the box edge conflicts only with a buffer that reaches.
    let east = [lon + 0.05 + 0.1, lat];
    let gap = geodesic_m([lon + 0.05, lat], east);
    assert!(!survey.conflicts_with(&circle(east, gap - 50.0, always())));
    assert!(survey.conflicts_with(&circle(east, gap + 1.0, always())));
}
