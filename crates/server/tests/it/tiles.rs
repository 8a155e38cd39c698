//! The deployment's own ground: `GET /v1/map` and the tiles of an MBTiles
//! file, the same for every party, behind a token, refused without echoing
//! the address asked for; and an external tile server let into the
//! console's Content-Security-Policy alone.

use crate::{Harness, PARTIES, config};
use axum::body::Body;
use axum::http::{Method, Request};
use deconflict_server::{RateLimit, TileSource, app};
use http_body_util::BodyExt;
use serde_json::json;
use std::path::{Path, PathBuf};
use tower::ServiceExt;

/// A 1×1 PNG, red.
pub(crate) const RED: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x38, 0xa1, 0xa1, 0x01,
    0x00, 0x02, 0xd4, 0x01, 0x19, 0x3b, 0xad, 0x5c, 0x08, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A 1×1 PNG, blue.
const BLUE: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xd0, 0xd0, 0x38, 0x01,
    0x00, 0x01, 0x94, 0x01, 0x19, 0xc2, 0xc6, 0xff, 0x34, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// An MBTiles file in `dir` with `metadata` and tiles at `(z, x, tms_row)`.
pub(crate) fn mbtiles(
    dir: &Path,
    metadata: &[(&str, &str)],
    tiles: &[(u8, u32, u32, &[u8])],
) -> PathBuf {
    let path = dir.join("ground.mbtiles");
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
         CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);",
    )
    .unwrap();
    for (name, value) in metadata {
        db.execute("INSERT INTO metadata VALUES (?1, ?2)", (name, value))
            .unwrap();
    }
    for (z, x, row, data) in tiles {
        db.execute(
            "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
            (z, x, row, data),
        )
        .unwrap();
    }
    path
}

/// A PNG source of zoom levels 0 and 1 over Iraq: red at 1/0/0 (TMS row
/// 1, the northern row), blue at 1/1/1, no other tile at zoom 1.
fn ground(dir: &Path) -> PathBuf {
    mbtiles(
        dir,
        &[
            ("name", "Theatre imagery"),
            ("format", "png"),
            ("minzoom", "0"),
            ("maxzoom", "1"),
            ("bounds", "38.8,29.0,48.6,37.4"),
            (
                "attribution",
                "<a href=\"https://example.org\">&copy; Survey</a>",
            ),
        ],
        &[(0, 0, 0, BLUE), (1, 0, 1, RED), (1, 1, 0, BLUE)],
    )
}

/// A harness serving `source` under the console's shapes.
fn serving(source: TileSource) -> Harness {
    let mut h = Harness::new();
    h.state = h.state.clone().with_tiles(source);
    h.app = app(h.state.clone());
    h
}

fn with_file() -> (Harness, tempfile::TempDir) {
    let files = tempfile::tempdir().unwrap();
    let source = TileSource::mbtiles(&ground(files.path()), None).unwrap();
    (serving(source), files)
}

async fn get(h: &Harness, path: &str, who: &str) -> crate::Reply {
    h.call(Method::GET, path, who, None).await
}

#[tokio::test]
async fn without_a_source_the_map_names_none_and_no_tile_is_served() {
    let h = Harness::new();
    let map = get(&h, "/v1/map", "pmf/viewer").await.expect(200).json();
    assert_eq!(map, json!({"tiles": null}));
    get(&h, "/v1/tiles/0/0/0", "pmf/viewer")
        .await
        .problem(404, "not_found");
}

#[tokio::test]
async fn an_mbtiles_file_is_served_tile_by_tile_rows_from_the_north() {
    let (h, _files) = with_file();
    let map = get(&h, "/v1/map", "coalition/operator")
        .await
        .expect(200)
        .json();
    assert_eq!(
        map,
        json!({"tiles": {"url": "/v1/tiles/{z}/{x}/{y}", "format": "png", "min_zoom": 0,
            "max_zoom": 1, "bounds": [38.8, 29.0, 48.6, 37.4], "attribution": "© Survey"}})
    );
    // XYZ row 0 is the northern one, TMS row 1.
    let red = get(&h, "/v1/tiles/1/0/0", "coalition/operator")
        .await
        .expect(200);
    assert_eq!(red.body, RED);
    assert_eq!(red.headers["content-type"], "image/png");
    assert_eq!(red.headers["cache-control"], "private, max-age=3600");
    let blue = get(&h, "/v1/tiles/1/1/1", "coalition/operator")
        .await
        .expect(200);
    assert_eq!(blue.body, BLUE);
    assert_ne!(red.headers["etag"], blue.headers["etag"]);
    // A tile the browser holds is not sent again.
    let request = Request::get("/v1/tiles/1/0/0")
        .header(
            "authorization",
            format!("Bearer {}", h.token("coalition/operator")),
        )
        .header("if-none-match", red.headers["etag"].clone())
        .body(Body::empty())
        .unwrap();
    let held = h.send(request).await.expect(304);
    assert!(held.body.is_empty());
    assert_eq!(held.headers["etag"], red.headers["etag"]);
    // Not in the file, and a zoom level the file does not hold.
    for missing in ["/v1/tiles/1/1/0", "/v1/tiles/2/0/0", "/v1/tiles/30/5/5"] {
        get(&h, missing, "coalition/operator")
            .await
            .problem(404, "not_found");
    }
}

#[tokio::test]
async fn the_map_and_its_tiles_need_a_token() {
    let (h, _files) = with_file();
    for path in ["/v1/map", "/v1/tiles/1/0/0", "/v1/tiles/99/0/0"] {
        let refused = get(&h, path, "").await;
        assert!(!refused.body.windows(RED.len()).any(|w| w == RED));
        refused.problem(401, "unauthenticated");
        let stranger = h.get_as(path, "dcf_0123456789abcdef0123456789abcdef").await;
        stranger.problem(401, "unauthenticated");
    }
}

#[tokio::test]
async fn every_party_is_answered_the_same_bytes() {
    let (h, _files) = with_file();
    let paths = [
        "/v1/map",
        "/v1/tiles/1/0/0",
        "/v1/tiles/1/1/0",
        "/v1/tiles/31/0/0",
    ];
    for path in paths {
        let answers = as_everyone(&h, path).await;
        let (first, rest) = answers.split_first().unwrap();
        for (who, other) in rest {
            assert_eq!(other.status, first.1.status, "{path}: {who}");
            assert_eq!(other.body, first.1.body, "{path}: {who} and {}", first.0);
            assert_eq!(
                other.headers.get("etag"),
                first.1.headers.get("etag"),
                "{path}: {who}"
            );
        }
    }
}

/// `path` as each party's viewer and the coordinator's approver.
async fn as_everyone(h: &Harness, path: &str) -> Vec<(String, crate::Reply)> {
    let mut who: Vec<String> = PARTIES.iter().map(|p| format!("{p}/viewer")).collect();
    who.push("joc/approver".to_owned());
    let mut answers = Vec::new();
    for w in who {
        let reply = get(h, path, &w).await;
        answers.push((w, reply));
    }
    answers
}

#[tokio::test]
async fn an_address_out_of_range_is_refused_naming_its_part_and_never_repeating_it() {
    let (h, _files) = with_file();
    for (path, field, sent) in [
        ("/v1/tiles/31/0/0", "z", "31"),
        (
            "/v1/tiles/184467440737095516150/0/0",
            "z",
            "184467440737095516150",
        ),
        ("/v1/tiles/-1/0/0", "z", "-1"),
        ("/v1/tiles/zz9/0/0", "z", "zz9"),
        ("/v1/tiles/2/7/0", "x", "7"),
        ("/v1/tiles/1/0/77777", "y", "77777"),
        ("/v1/tiles/30/1073741824/0", "x", "1073741824"),
        ("/v1/tiles/1/0/0.png", "y", "0.png"),
        ("/v1/tiles/1/%3Cscript%3E/0", "x", "script"),
    ] {
        let body = get(&h, path, "pmf/operator")
            .await
            .problem(422, "invalid_field");
        assert_eq!(body["field"], field, "{path}: {body}");
        let text = body.to_string();
        assert!(!text.contains(sent), "{path} echoed: {text}");
    }
    // A missing tile's answer is the same whatever was asked for.
    let one = get(&h, "/v1/tiles/1/1/0", "pmf/operator").await.expect(404);
    let other = get(&h, "/v1/tiles/7/99/12", "pmf/operator")
        .await
        .expect(404);
    assert_eq!(one.body, other.body);
    assert!(!one.text().contains("/1/1/0"));
}

#[tokio::test]
async fn tiles_count_against_the_callers_rate_limit_and_no_other() {
    let files = tempfile::tempdir().unwrap();
    let source = TileSource::mbtiles(&ground(files.path()), None).unwrap();
    let mut h = Harness::with_config(deconflict_server::Config {
        rate_limit: Some(RateLimit {
            per_second: 0.01,
            burst: 3.0,
        }),
        ..config()
    });
    h.state = h.state.clone().with_tiles(source);
    h.app = app(h.state.clone());
    for _ in 0..3 {
        get(&h, "/v1/tiles/1/0/0", "coalition/viewer")
            .await
            .expect(200);
    }
    get(&h, "/v1/tiles/1/0/0", "coalition/viewer")
        .await
        .problem(429, "rate_limited");
    // Another party's tiles come as before.
    get(&h, "/v1/tiles/1/0/0", "pmf/viewer").await.expect(200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_reads_at_once_are_all_answered() {
    let (h, _files) = with_file();
    let mut reads = tokio::task::JoinSet::new();
    for i in 0..64 {
        let (path, want) = if i % 2 == 0 {
            ("/v1/tiles/1/0/0", RED)
        } else {
            ("/v1/tiles/1/1/1", BLUE)
        };
        let token = h.token(&format!("{}/viewer", PARTIES[i % PARTIES.len()]));
        let app = h.app.clone();
        reads.spawn(async move {
            let request = Request::get(path)
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            let response = app.oneshot(request).await.unwrap();
            assert_eq!(response.status(), 200);
            let body = response.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(body, want);
        });
    }
    while let Some(read) = reads.join_next().await {
        read.unwrap();
    }
}

#[tokio::test]
async fn an_external_server_is_named_and_let_into_the_policy_alone() {
    let template = "https://tiles.example.org/imagery/{z}/{x}/{y}.jpg";
    let source = TileSource::external(template, Some("Imagery © Example")).unwrap();
    let h = serving(source);
    let map = get(&h, "/v1/map", "ocha/viewer").await.expect(200).json();
    assert_eq!(
        map,
        json!({"tiles": {"url": template, "format": "jpg", "min_zoom": 0, "max_zoom": 19,
            "bounds": null, "attribution": "Imagery © Example"}})
    );
    // The service serves no tile of its own for it.
    get(&h, "/v1/tiles/1/0/0", "ocha/viewer")
        .await
        .problem(404, "not_found");
    let page = Request::get("/").body(Body::empty()).unwrap();
    let response = h.app.clone().oneshot(page).await.unwrap();
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(
        policy.contains("img-src 'self' data: blob: https://tiles.example.org;"),
        "{policy}"
    );
    assert!(policy.contains("connect-src 'self';"), "{policy}");
}
