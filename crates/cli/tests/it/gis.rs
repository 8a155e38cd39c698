//! GDAL, as a GIS cell runs it, reading the demo: `ogrinfo` over HTTP with
//! a bearer header, the OGC API – Features layers by GDAL's `OAPIF`
//! driver, `ogr2ogr` into a GeoPackage, and the KML and CSV a
//! spreadsheet or Google Earth would open; each finds the features the
//! JSON lists, and the PMF's layers hold none of the coalition's private
//! labels.

use crate::Server;
use crate::demo::{demo, token};
use std::path::Path;
use std::process::Command;

/// `program args`, with the party's token as GDAL's HTTP header; its
/// standard output.
fn gdal(program: &str, args: &[&str], bearer: &str) -> String {
    let out = Command::new(program)
        .args(args)
        .env(
            "GDAL_HTTP_HEADERS",
            format!("Authorization: Bearer {bearer}"),
        )
        .output()
        .unwrap_or_else(|e| panic!("{program} runs (Debian's gdal-bin): {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// What `ogrinfo -so` says of the one layer: its feature count and
/// geometry type.
fn summary(source: &str, bearer: &str) -> (usize, String) {
    let text = gdal("ogrinfo", &["-ro", "-al", "-so", source], bearer);
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in\n{text}"))
            .trim()
            .to_owned()
    };
    (field("Feature Count:").parse().unwrap(), field("Geometry:"))
}

fn items(server: &Server, path: &str, bearer: &str) -> usize {
    let (status, body) = server.call("GET", path, Some(bearer), None);
    assert_eq!(status, 200, "{body}");
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    page["items"].as_array().unwrap().len()
}

fn download(server: &Server, path: &str, bearer: &str, to: &Path) {
    let (status, body) = server.call("GET", path, Some(bearer), None);
    assert_eq!(status, 200, "{body}");
    std::fs::write(to, body).unwrap();
}

#[test]
fn gdal_reads_each_partys_layers_over_http_and_from_kml_and_csv() {
    let server = demo(&[]);
    let pmf = token(&server.banner, "pmf", "viewer");
    let url = |path: &str| format!("http://{}{path}", server.addr);

    for path in [
        "/v1/declarations",
        "/v1/activities",
        "/v1/conflicts",
        "/v1/incidents",
    ] {
        let expected = items(&server, path, &pmf);
        let (count, _) = summary(&url(&format!("{path}?f=geojson")), &pmf);
        assert_eq!(count, expected, "{path}");
    }

    // As a QGIS user adds the service: OGC API – Features, one layer a list.
    let ogc = format!("OAPIF:{}", url("/ogc"));
    let layers = gdal("ogrinfo", &["-ro", &ogc], &pmf);
    for layer in [
        "declarations",
        "tracks",
        "activities",
        "conflicts",
        "incidents",
        "stops",
    ] {
        assert!(
            layers.contains(&format!(": {layer} (")),
            "{layer} in\n{layers}"
        );
    }
    for layer in ["declarations", "activities", "conflicts", "incidents"] {
        let text = gdal("ogrinfo", &["-ro", "-al", "-so", &ogc, layer], &pmf);
        let count: usize = text
            .lines()
            .find_map(|l| l.strip_prefix("Feature Count:"))
            .unwrap_or_else(|| panic!("{text}"))
            .trim()
            .parse()
            .unwrap();
        assert_eq!(
            count,
            items(&server, &format!("/v1/{layer}"), &pmf),
            "{layer}"
        );
    }

    // The PMF's sites as the areas they protect, into a GeoPackage.
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("pmf.gpkg");
    let source = url("/v1/declarations?f=geojson&outline=true");
    gdal(
        "ogr2ogr",
        &["-f", "GPKG", gpkg.to_str().unwrap(), &source],
        &pmf,
    );
    let (count, geometry) = summary(gpkg.to_str().unwrap(), &pmf);
    assert_eq!(count, items(&server, "/v1/declarations", &pmf));
    assert_eq!(geometry, "Polygon");
    let dump = gdal("ogrinfo", &["-ro", "-al", gpkg.to_str().unwrap()], &pmf);
    assert!(
        dump.contains("Displacement camp west of Mosul"),
        "the public camp"
    );
    for private in ["Al Asad Air Base", "coalition compound", "Camp Taji"] {
        assert!(!dump.contains(private), "the PMF's layer shows {private}");
    }

    let kml = dir.path().join("conflicts.kml");
    download(&server, "/v1/conflicts?f=kml", &pmf, &kml);
    let (count, _) = summary(kml.to_str().unwrap(), &pmf);
    assert_eq!(count, items(&server, "/v1/conflicts", &pmf));

    let csv = dir.path().join("activities.csv");
    download(&server, "/v1/activities?f=csv", &pmf, &csv);
    let (count, geometry) = summary(csv.to_str().unwrap(), &pmf);
    assert_eq!(count, items(&server, "/v1/activities", &pmf));
    assert_ne!(geometry, "None", "the wkt column is read as the geometry");
}
