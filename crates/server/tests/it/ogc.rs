//! OGC API – Features at `/ogc`: the landing page, conformance and
//! collections a GIS client walks, items that are the API's lists as
//! features (no more for one party than its JSON shows), `bbox`,
//! `datetime`, and paging by `next` links.

use crate::Harness;
use serde_json::Value;

fn ids(features: &Value) -> Vec<String> {
    features["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Every feature of a collection, following `next` links.
async fn walk(h: &Harness, who: &str, first: &str) -> Vec<String> {
    let mut all = Vec::new();
    let mut next = Some(first.to_owned());
    while let Some(url) = next {
        let path = url
            .strip_prefix("http://localhost")
            .unwrap_or(&url)
            .to_owned();
        let page = h.get(&path, who).await.expect(200);
        assert_eq!(page.headers["content-type"], "application/geo+json");
        let page = page.json();
        assert_eq!(
            page["numberReturned"],
            page["features"].as_array().unwrap().len()
        );
        all.extend(ids(&page));
        next = page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
            .map(|l| l["href"].as_str().unwrap().to_owned());
    }
    all
}

#[tokio::test]
async fn a_client_walks_from_the_landing_page_to_each_collection() {
    let h = Harness::demo().await;
    let landing = h.get("/ogc", "pmf/viewer").await.expect(200).json();
    let rel = |rel: &str| {
        landing["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == rel)
            .unwrap_or_else(|| panic!("no {rel} link: {landing}"))["href"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(rel("data"), "http://localhost/ogc/collections");
    assert_eq!(rel("service-desc"), "http://localhost/v1/openapi.json");
    let conformance = h
        .get("/ogc/conformance", "pmf/viewer")
        .await
        .expect(200)
        .json();
    assert!(
        conformance["conformsTo"]
            .as_array()
            .unwrap()
            .contains(&"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson".into())
    );
    let collections = h
        .get("/ogc/collections", "pmf/viewer")
        .await
        .expect(200)
        .json();
    let names: Vec<&str> = collections["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "declarations",
            "tracks",
            "activities",
            "conflicts",
            "incidents",
            "stops"
        ]
    );
    h.get("/ogc/collections/units", "pmf/viewer")
        .await
        .expect(404);
    h.get("/ogc", "").await.expect(401);
}

#[tokio::test]
async fn each_collection_holds_what_the_api_lists_for_the_caller() {
    let h = Harness::demo().await;
    for who in ["pmf/viewer", "coalition/viewer", "joc/viewer"] {
        for (collection, list) in [
            ("declarations", "/v1/declarations"),
            ("activities", "/v1/activities"),
            ("conflicts", "/v1/conflicts"),
            ("incidents", "/v1/incidents"),
            ("stops", "/v1/stops"),
        ] {
            let expected: Vec<String> = h.get(list, who).await.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned())
                .collect();
            let first = format!("/ogc/collections/{collection}/items?limit=3");
            assert_eq!(walk(&h, who, &first).await, expected, "{who} {collection}");
        }
    }
}

#[tokio::test]
async fn one_feature_is_found_only_by_those_who_see_it() {
    let h = Harness::demo().await;
    let base = h.id("coalition_al_asad");
    let feature = h
        .get(
            &format!("/ogc/collections/declarations/items/{base}"),
            "coalition/viewer",
        )
        .await
        .expect(200)
        .json();
    assert_eq!(feature["type"], "Feature");
    assert_eq!(feature["id"], base.as_str());
    let theirs = h
        .get(
            &format!("/ogc/collections/declarations/items/{base}"),
            "pmf/viewer",
        )
        .await
        .expect(404);
    let nobodys = h
        .get(
            "/ogc/collections/declarations/items/dec_0123456789ab",
            "pmf/viewer",
        )
        .await
        .expect(404);
    assert_eq!(theirs.body, nobodys.body);
    // A site that reports no positions is not in the tracks collection.
    h.get(
        &format!("/ogc/collections/tracks/items/{base}"),
        "coalition/viewer",
    )
    .await
    .expect(404);
}

#[tokio::test]
async fn bbox_and_datetime_narrow_a_page() {
    let h = Harness::demo().await;
    let all = walk(
        &h,
        "joc/viewer",
        "/ogc/collections/declarations/items?limit=100",
    )
    .await;
    // Around Al Asad only.
    let near = walk(
        &h,
        "joc/viewer",
        "/ogc/collections/declarations/items?limit=100&bbox=42.3,33.7,42.6,33.9",
    )
    .await;
    assert_eq!(near, [h.id("coalition_al_asad")]);
    assert!(all.len() > near.len());
    // Nothing was declared to stand forty years ago.
    let past = walk(
        &h,
        "joc/viewer",
        "/ogc/collections/declarations/items?datetime=1980-01-01T00:00:00Z/1980-02-01T00:00:00Z",
    )
    .await;
    assert!(past.is_empty(), "{past:?}");
    let now = walk(
        &h,
        "joc/viewer",
        &format!(
            "/ogc/collections/declarations/items?limit=100&datetime={}/..",
            crate::in_hours(0.0)
        ),
    )
    .await;
    assert_eq!(now.len(), all.len());
    for bad in ["bbox=1,2", "datetime=yesterday", "colour=red"] {
        h.get(
            &format!("/ogc/collections/declarations/items?{bad}"),
            "joc/viewer",
        )
        .await
        .problem(422, "invalid_query");
    }
}
