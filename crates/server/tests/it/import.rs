//! Importing a list of sites: one command, all or none, every refused
//! feature named by its index, a retry under the same key creating nothing
//! twice; GeoJSON and OCHA's no-strike-list columns in CSV.

use crate::{Harness, Reply, activity};
use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::{Value, json};

async fn import(
    h: &Harness,
    who: &str,
    key: Option<&str>,
    media: &str,
    body: String,
    query: &str,
) -> Reply {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(format!("/v1/declarations/import{query}"))
        .header("authorization", format!("Bearer {}", h.token(who)))
        .header("content-type", media);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    h.send(request.body(Body::from(body)).unwrap()).await
}

fn site(kind: &str, label: &str, lon: f64, lat: f64) -> Value {
    json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"kind": kind, "label": label, "buffer_m": 150}})
}

fn collection(features: Vec<Value>) -> String {
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

async fn ocha_sites(h: &Harness) -> usize {
    h.get("/v1/declarations", "ocha/viewer").await.json()["items"]
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_list_of_sites_is_one_command_and_a_retry_creates_nothing() {
    let h = Harness::new();
    h.post(
        "/v1/activities",
        "coalition/operator",
        activity(
            "air_strike",
            "Strike west of Mosul",
            43.05,
            36.35,
            500.0,
            1.0,
            2.0,
        ),
    )
    .await
    .expect(201);
    let sites = collection(vec![
        site("camp", "Camp west of Mosul", 43.05, 36.352),
        site("clinic", "Clinic, Hammam al-Alil", 43.25, 36.15),
        site("warehouse", "WFP warehouse, Erbil", 44.0, 36.2),
    ]);
    let first = import(
        &h,
        "ocha/operator",
        Some("ocha-nsl-2020-01"),
        "application/geo+json",
        sites.clone(),
        "",
    )
    .await
    .expect(201)
    .json();
    let ids = first["ids"].as_array().unwrap().clone();
    assert_eq!(ids.len(), 3);
    assert_eq!(
        first["conflicts"].as_array().unwrap().len(),
        1,
        "the camp meets the strike: {first}"
    );
    let camp = h
        .get(
            &format!("/v1/declarations/{}", ids[0].as_str().unwrap()),
            "ocha/viewer",
        )
        .await
        .expect(200)
        .json();
    assert_eq!(camp["label"], "Camp west of Mosul");
    assert_eq!(camp["buffer_m"], 150.0);
    // The coalition is told of its conflict as with any declaration.
    let told = h.get("/v1/conflicts", "coalition/viewer").await.json();
    assert_eq!(told["items"].as_array().unwrap().len(), 1);

    let again = import(
        &h,
        "ocha/operator",
        Some("ocha-nsl-2020-01"),
        "application/geo+json",
        sites,
        "",
    )
    .await
    .expect(200)
    .json();
    assert_eq!(again["ids"], json!(ids));
    assert_eq!(ocha_sites(&h).await, 3);
    // The same key is another party's own.
    import(
        &h,
        "pmf/operator",
        Some("ocha-nsl-2020-01"),
        "application/geo+json",
        collection(vec![site("clinic", "PMF clinic", 43.7, 34.6)]),
        "",
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn ochas_no_strike_list_columns_read_from_csv() {
    let h = Harness::new();
    let csv = "Name,Type,Latitude,Longitude,Admin1\n\
               Mosul General Hospital,Health facility,36.3489,43.1189,Ninewa\n\
               \"School, Hammam al-Alil\",School,36.1581,43.2603,Ninewa\n";
    let imported = import(
        &h,
        "ocha/operator",
        Some("nsl-v7"),
        "text/csv",
        csv.into(),
        "?visibility=public&buffer_m=100",
    )
    .await
    .expect(201)
    .json();
    assert_eq!(imported["ids"].as_array().unwrap().len(), 2);
    let seen = h.get("/v1/declarations", "pmf/viewer").await.json();
    let kinds: Vec<&str> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 2, "public, so every party sees them");
    assert!(
        kinds.contains(&"health_facility") && kinds.contains(&"school"),
        "{kinds:?}"
    );
    let labels = seen.to_string();
    assert!(labels.contains("School, Hammam al-Alil"), "{labels}");
    assert!(
        !labels.contains("Ninewa"),
        "a column that is no field is left out"
    );
}

#[tokio::test]
async fn one_bad_feature_refuses_the_import_and_every_one_is_named() {
    let h = Harness::new();
    let mut no_kind = site("clinic", "No kind", 43.1, 36.1);
    no_kind["properties"]
        .as_object_mut()
        .unwrap()
        .remove("kind");
    let mut no_place = site("camp", "Nowhere", 0.0, 0.0);
    no_place["geometry"] = Value::Null;
    let list = collection(vec![
        site("camp", "Good camp", 43.0, 36.0),
        site("camp", "North of the pole", 43.0, 96.0),
        no_kind,
        no_place,
        site(&"very long kind ".repeat(8), "Kind too long", 43.2, 36.2),
    ]);
    let problem = import(
        &h,
        "ocha/operator",
        Some("bad"),
        "application/geo+json",
        list,
        "",
    )
    .await
    .problem(422, "import_refused");
    let indices: Vec<u64> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["index"].as_u64().unwrap())
        .collect();
    assert_eq!(indices, [1, 2, 3, 4], "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap_or(""))
        .collect();
    assert!(fields[0].starts_with("geometry"), "{fields:?}");
    assert_eq!(fields[1], "kind");
    assert_eq!(fields[2], "geometry");
    assert_eq!(ocha_sites(&h).await, 0, "nothing half-imported");

    let good = || collection(vec![site("camp", "Camp", 43.0, 36.0)]);
    import(
        &h,
        "ocha/operator",
        None,
        "application/geo+json",
        good(),
        "",
    )
    .await
    .problem(422, "invalid_field");
    import(
        &h,
        "ocha/operator",
        Some("x"),
        "application/xml",
        good(),
        "",
    )
    .await
    .problem(422, "malformed_body");
    import(
        &h,
        "ocha/operator",
        Some("x"),
        "application/geo+json",
        "{\"type\": \"Point\"}".into(),
        "",
    )
    .await
    .problem(422, "malformed_body");
    import(
        &h,
        "ocha/operator",
        Some("x"),
        "text/csv",
        "name,type\nA,camp\n".into(),
        "",
    )
    .await
    .problem(422, "malformed_body");
    import(
        &h,
        "ocha/viewer",
        Some("x"),
        "application/geo+json",
        good(),
        "",
    )
    .await
    .expect(403);
    import(
        &h,
        "ocha/operator",
        Some("x"),
        "application/geo+json",
        good(),
        "?colour=red",
    )
    .await
    .problem(422, "invalid_query");
    assert_eq!(ocha_sites(&h).await, 0);
}

#[tokio::test]
async fn placemarks_of_kml_import_with_their_extended_data() {
    let h = Harness::new();
    let kml = r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
  <Placemark><name>Camp &amp; clinic, Debaga</name>
    <ExtendedData><Data name="kind"><value>camp</value></Data><Data name="buffer_m"><value>300</value></Data></ExtendedData>
    <Polygon><outerBoundaryIs><LinearRing><coordinates>43.60,35.99 43.62,35.99 43.62,36.01 43.60,35.99</coordinates></LinearRing></outerBoundaryIs></Polygon>
  </Placemark>
  <Placemark><name>Water point</name>
    <ExtendedData><Data name="kind"><value>water_point</value></Data></ExtendedData>
    <Point><coordinates>43.65,36.02,0</coordinates></Point>
  </Placemark>
</Document></kml>"#;
    let imported = import(
        &h,
        "ocha/operator",
        Some("debaga.kml"),
        "application/vnd.google-earth.kml+xml",
        kml.into(),
        "",
    )
    .await
    .expect(201)
    .json();
    let ids = imported["ids"].as_array().unwrap();
    assert_eq!(ids.len(), 2);
    let camp = h
        .get(
            &format!("/v1/declarations/{}", ids[0].as_str().unwrap()),
            "ocha/viewer",
        )
        .await
        .expect(200)
        .json();
    assert_eq!(camp["label"], "Camp & clinic, Debaga");
    assert_eq!(camp["geometry"]["type"], "Polygon");
    assert_eq!(camp["buffer_m"], 300.0);
    import(
        &h,
        "ocha/operator",
        Some("bad.kml"),
        "application/vnd.google-earth.kml+xml",
        "<kml><Placemark>".into(),
        "",
    )
    .await
    .problem(422, "malformed_body");
}
