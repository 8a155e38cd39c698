//! The routes with places in GIS formats: GeoJSON, KML and CSV show what
//! the JSON shows, no more, page as it pages, and a bad format is refused
//! by name; the outline is the buffered area.

use crate::{Harness, Reply};
use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::{Value, json};

const PLACES: [&str; 5] = [
    "/v1/declarations",
    "/v1/activities",
    "/v1/conflicts",
    "/v1/incidents",
    "/v1/stops",
];

async fn get_accepting(h: &Harness, path: &str, who: &str, accept: &str) -> Reply {
    let request = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header("authorization", format!("Bearer {}", h.token(who)))
        .header("accept", accept)
        .body(Body::empty())
        .unwrap();
    h.send(request).await
}

/// An item as its feature should carry it: everything but the geometry.
fn without(mut item: Value, pointer: &str) -> (Value, Value) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let holder = if parent.is_empty() {
        &mut item
    } else {
        item.pointer_mut(parent).unwrap()
    };
    let geometry = holder
        .as_object_mut()
        .and_then(|o| o.remove(last))
        .unwrap_or(Value::Null);
    (item, geometry)
}

fn geometry_of(path: &str) -> &'static str {
    match path {
        "/v1/conflicts" => "/overlap/area/geometry",
        "/v1/incidents" => "/place",
        "/v1/stops" => "/detail/geometry",
        _ => "/geometry",
    }
}

#[tokio::test]
async fn every_format_shows_each_item_as_the_json_does() {
    let h = Harness::demo().await;
    for who in ["pmf/viewer", "joc/viewer"] {
        for path in PLACES {
            let json = h.get(path, who).await.expect(200).json();
            let items = json["items"].as_array().unwrap();
            assert!(!items.is_empty(), "{who} {path}");

            let reply = h.get(&format!("{path}?f=geojson"), who).await.expect(200);
            assert_eq!(reply.headers["content-type"], "application/geo+json");
            let collection = reply.json();
            assert_eq!(collection["type"], "FeatureCollection");
            let features = collection["features"].as_array().unwrap();
            assert_eq!(features.len(), items.len(), "{who} {path}");
            for (item, feature) in items.iter().zip(features) {
                let (properties, geometry) = without(item.clone(), geometry_of(path));
                assert_eq!(feature["id"], item["id"]);
                assert_eq!(feature["properties"], properties, "{who} {path}");
                assert_eq!(feature["geometry"], geometry, "{who} {path}");
            }

            let kml = h.get(&format!("{path}?f=kml"), who).await.expect(200);
            assert_eq!(
                kml.headers["content-type"],
                "application/vnd.google-earth.kml+xml"
            );
            assert_eq!(kml.text().matches("<Placemark>").count(), items.len());

            let csv = h.get(&format!("{path}?f=csv"), who).await.expect(200);
            assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
            let rows = csv::Reader::from_reader(csv.body.as_slice())
                .records()
                .map(Result::unwrap)
                .collect::<Vec<_>>();
            assert_eq!(rows.len(), items.len(), "{who} {path}");
            for (row, item) in rows.iter().zip(items) {
                assert_eq!(Some(row.get(0).unwrap()), item["id"].as_str());
            }
        }
    }
}

#[tokio::test]
async fn a_coarse_conflict_is_its_box_in_every_format() {
    let h = Harness::demo().await;
    let conflicts = h
        .get("/v1/conflicts?f=geojson&outline=true", "pmf/viewer")
        .await
        .expect(200)
        .json();
    for feature in conflicts["features"].as_array().unwrap() {
        let ring = feature["geometry"]["coordinates"][0].as_array().unwrap();
        assert_eq!(ring.len(), 5, "a box: {feature}");
        let bbox = &feature["properties"]["overlap"]["area"]["bbox"];
        for corner in ring {
            let [lon, lat] = [corner[0].as_f64().unwrap(), corner[1].as_f64().unwrap()];
            assert!(lon == bbox[0] || lon == bbox[2], "{feature}");
            assert!(lat == bbox[1] || lat == bbox[3], "{feature}");
        }
    }
}

#[tokio::test]
async fn accept_chooses_the_format_and_f_overrides_it() {
    let h = Harness::demo().await;
    let reply = get_accepting(
        &h,
        "/v1/declarations",
        "ocha/viewer",
        "application/geo+json, application/json;q=0.5",
    )
    .await
    .expect(200);
    assert_eq!(reply.headers["content-type"], "application/geo+json");
    assert_eq!(reply.headers["vary"], "accept");
    let plain = get_accepting(
        &h,
        "/v1/declarations?f=json",
        "ocha/viewer",
        "application/geo+json",
    )
    .await
    .expect(200);
    assert!(plain.json()["items"].is_array());
    let browser = get_accepting(
        &h,
        "/v1/declarations",
        "ocha/viewer",
        "text/html,application/xhtml+xml,*/*;q=0.8",
    )
    .await
    .expect(200);
    assert!(browser.json()["items"].is_array());
}

#[tokio::test]
async fn a_bad_format_is_refused_by_name_and_a_refusal_stays_a_problem() {
    let h = Harness::demo().await;
    let cases = [
        ("/v1/declarations?f=shp", "f"),
        ("/v1/declarations?f=geojson&outline=yes", "outline"),
        ("/v1/activities?outline=true", "outline"),
    ];
    for (path, field) in cases {
        let problem = h
            .get(path, "pmf/viewer")
            .await
            .problem(422, "invalid_query");
        assert_eq!(problem["field"], field, "{path}");
    }
    // The handler's own refusals come through untouched.
    h.get("/v1/declarations?f=geojson&bbox=1,2", "pmf/viewer")
        .await
        .problem(422, "invalid_query");
    let missing = h
        .get("/v1/declarations/dec_000000000000?f=kml", "pmf/viewer")
        .await
        .expect(404);
    assert_eq!(missing.headers["content-type"], "application/problem+json");
    // Without a token, that comes first, whatever the format asked.
    for path in [
        "/v1/declarations?f=geojson",
        "/v1/declarations?f=shp",
        "/v1/conflicts?outline=true",
    ] {
        h.get(path, "").await.problem(401, "unauthenticated");
    }
}

#[tokio::test]
async fn pages_of_features_follow_their_cursor() {
    let h = Harness::demo().await;
    let all = h.get("/v1/declarations", "joc/viewer").await.json()["items"]
        .as_array()
        .unwrap()
        .len();
    let mut seen = 0;
    let mut path = "/v1/declarations?f=geojson&limit=4".to_owned();
    loop {
        let page = h.get(&path, "joc/viewer").await.expect(200).json();
        seen += page["features"].as_array().unwrap().len();
        match page["next_after"].as_str() {
            Some(next) => path = format!("/v1/declarations?f=geojson&limit=4&after={next}"),
            None => break,
        }
    }
    assert_eq!(seen, all);
}

#[tokio::test]
async fn an_outline_is_the_area_the_buffer_covers() {
    let h = Harness::new();
    let camp = h
        .post(
            "/v1/declarations",
            "ocha/operator",
            crate::declaration("camp", "Hammam al-Alil camp", 43.25, 36.15, 1000.0),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let feature = h
        .get(
            &format!("/v1/declarations/{camp}?f=geojson&outline=true"),
            "ocha/viewer",
        )
        .await
        .expect(200)
        .json();
    assert_eq!(feature["type"], "Feature");
    assert_eq!(feature["geometry"]["type"], "Polygon");
    let ring = feature["geometry"]["coordinates"][0].as_array().unwrap();
    assert!(ring.len() > 32, "{feature}");
    for vertex in ring {
        let at = [vertex[0].as_f64().unwrap(), vertex[1].as_f64().unwrap()];
        let metres = deconflict_geo4d::geodesic_m([43.25, 36.15], at);
        assert!((1000.0..1002.0).contains(&metres), "{at:?} at {metres} m");
    }
    assert_eq!(feature["properties"]["buffer_m"], json!(1000.0));
}
