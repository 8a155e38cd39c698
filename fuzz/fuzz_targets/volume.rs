//! Arbitrary text as a GeoJSON geometry: parsing and validation must never
//! panic, and a valid volume must give the same answer whichever way round
//! the rule is asked and whether asked directly or through the index.
#![no_main]

use deconflict_geo4d::{AltitudeBand, Geometry, Index, Volume, Window};
use libfuzzer_sys::fuzz_target;

fn fixed() -> Vec<Volume> {
    let always = Window::new(0, None).unwrap();
    let at = |lon: f64, lat: f64, buffer: f64| {
        Volume::new(Geometry::point(lon, lat).unwrap(), buffer, AltitudeBand::SURFACE, always).unwrap()
    };
    vec![at(44.0, 33.0, 5_000.0), at(179.99, 0.0, 50_000.0), at(0.0, 90.0, 100_000.0), at(-45.0, -60.0, 0.0)]
}

fuzz_target!(|data: &[u8]| {
    let (buffer, text) = match data.split_first() {
        Some((b, rest)) => (f64::from(*b) * 3_900.0, rest),
        None => return,
    };
    let Ok(text) = std::str::from_utf8(text) else { return };
    let Ok(parsed) = text.parse::<geojson::Geometry>() else { return };
    let Ok(geometry) = Geometry::from_geojson(&parsed) else { return };
    let back = Geometry::from_geojson(&geometry.to_geojson()).expect("a valid geometry stays valid");
    assert_eq!(back, geometry);
    let volume = Volume::new(geometry, buffer, AltitudeBand::SURFACE, Window::new(0, None).unwrap()).unwrap();
    let others = fixed();
    let index = Index::bulk_load(others.iter().cloned().enumerate().map(|(i, v)| (i as u64, v)));
    let mut hits = index.conflicting(&volume);
    hits.sort_unstable();
    let expected: Vec<u64> = (0..others.len() as u64).filter(|&i| others[i as usize].conflicts_with(&volume)).collect();
    assert_eq!(hits, expected);
    for other in &others {
        assert_eq!(other.conflicts_with(&volume), volume.conflicts_with(other));
    }
});
