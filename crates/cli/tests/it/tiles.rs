//! `--tiles` and `--tile-url`: a tile source the console could not show
//! stops the start, naming the flag; one it can is served by `serve` and
//! `demo` alike.

use crate::demo::{demo, token};
use crate::{Server, bin, data_dir};
use std::path::{Path, PathBuf};

/// An MBTiles file of one tile at 0/0/0, its metadata's format `format`;
/// the tile is text, as the tests' HTTP client reads answers.
fn mbtiles(dir: &Path, format: &str) -> PathBuf {
    let path = dir.join(format!("{format}.mbtiles"));
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,
                             tile_data BLOB);
         INSERT INTO tiles VALUES (0, 0, 0, CAST('tile 0/0/0' AS BLOB));
         INSERT INTO metadata VALUES ('name', 'Ground'), ('minzoom', '0'), ('maxzoom', '0');",
    )
    .unwrap();
    db.execute("INSERT INTO metadata VALUES ('format', ?1)", [format])
        .unwrap();
    path
}

/// `deconflict serve` with `args`, which must refuse to start; its error.
fn refused(args: &[&str]) -> String {
    let data = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["serve", "--data", data.path().to_str().unwrap()])
        .args(["--listen", "127.0.0.1:0", "--cot-listen", "off"])
        .args(args)
        .output()
        .unwrap();
    assert!(!out.status.success(), "{args:?} was accepted");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_source_the_console_cannot_show_stops_the_start_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let vector = mbtiles(dir.path(), "pbf");
    let err = refused(&["--tiles", vector.to_str().unwrap()]);
    assert!(
        err.contains("--tiles") && err.contains("vector tiles"),
        "{err}"
    );
    let missing = dir.path().join("missing.mbtiles");
    let err = refused(&["--tiles", missing.to_str().unwrap()]);
    assert!(
        err.contains("--tiles") && err.contains("read-only"),
        "{err}"
    );
    assert!(!missing.exists(), "the start created {}", missing.display());
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "imagery, to follow\n".repeat(300)).unwrap();
    let err = refused(&["--tiles", text.to_str().unwrap()]);
    assert!(
        err.contains("--tiles") && err.contains("not an MBTiles"),
        "{err}"
    );
    for template in [
        "ftp://tiles.example.org/{z}/{x}/{y}.png",
        "https://tiles.example.org/{z}/{x}.png",
        "https://{s}.tiles.example.org/{z}/{x}/{y}.png",
    ] {
        let err = refused(&["--tile-url", template]);
        assert!(err.contains("--tile-url"), "{template}: {err}");
    }
    let png = mbtiles(dir.path(), "png");
    let url = "https://tiles.example.org/{z}/{x}/{y}.png";
    let err = refused(&["--tiles", png.to_str().unwrap(), "--tile-url", url]);
    assert!(
        err.contains("--tiles") && err.contains("--tile-url"),
        "{err}"
    );
    // Both from the config file: the same refusal.
    let file = dir.path().join("deconflict.toml");
    std::fs::write(
        &file,
        format!("tiles = {:?}\ntile_url = {url:?}\n", png.to_str().unwrap()),
    )
    .unwrap();
    let err = refused(&["--config", file.to_str().unwrap()]);
    assert!(err.contains("not both"), "{err}");
}

#[test]
fn serve_and_demo_draw_the_configured_ground() {
    let dir = tempfile::tempdir().unwrap();
    let png = mbtiles(dir.path(), "png");
    let png = png.to_str().unwrap();
    let (data, tokens) = data_dir(&["pmf/viewer"]);
    let served = Server::serve(data.path(), &["--tiles", png]);
    let (status, map) = served.call("GET", "/v1/map", Some(&tokens[0]), None);
    assert_eq!(status, 200, "{map}");
    assert!(map.contains(r#""url":"/v1/tiles/{z}/{x}/{y}""#), "{map}");
    assert!(map.contains(r#""attribution":"Ground""#), "{map}");
    let (status, tile) = served.call("GET", "/v1/tiles/0/0/0", Some(&tokens[0]), None);
    assert_eq!(status, 200);
    assert_eq!(tile, "tile 0/0/0");
    let (status, _) = served.call("GET", "/v1/tiles/0/0/0", None, None);
    assert_eq!(status, 401);
    drop(served);

    let url = "https://tiles.example.org/{z}/{x}/{y}.png";
    let shown = demo(&["--tile-url", url, "--tile-attribution", "© Example"]);
    let pmf = token(&shown.banner, "pmf", "viewer");
    let (status, map) = shown.call("GET", "/v1/map", Some(&pmf), None);
    assert_eq!(status, 200, "{map}");
    assert!(map.contains(url) && map.contains("© Example"), "{map}");
}
