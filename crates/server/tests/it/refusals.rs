//! Bad input, wrong roles, missing and revoked tokens, limits: each refused
//! with problem+json naming the field at fault.

use crate::{Harness, activity, config, declaration};
use axum::body::Body;
use axum::http::{Method, Request};
use deconflict_server::{Config, RateLimit};
use serde_json::json;

#[tokio::test]
async fn a_bad_geometry_is_refused_naming_the_coordinate() {
    let h = Harness::new();
    let mut body = declaration("base", "nowhere", 44.0, 33.0, 100.0);
    body["geometry"] = json!({"type": "LineString", "coordinates": [[44.0, 33.0], [44.1, 91.0]]});
    let p = h
        .post("/v1/declarations", "isf/operator", body)
        .await
        .problem(422, "invalid_field");
    assert_eq!(p["field"], "geometry.coordinates[1][1]");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .starts_with("geometry.coordinates[1][1]: "),
        "{p}"
    );

    let mut body = declaration("base", "open ring", 44.0, 33.0, 100.0);
    body["geometry"] = json!({"type": "Polygon", "coordinates": [[[44.0, 33.0], [44.1, 33.0], [44.1, 33.1], [44.0, 33.1]]]});
    let p = h
        .post("/v1/declarations", "isf/operator", body)
        .await
        .problem(422, "invalid_field");
    assert!(
        p["field"]
            .as_str()
            .unwrap()
            .starts_with("geometry.coordinates[0]"),
        "{p}"
    );

    let mut body = activity("patrol", "backwards", 44.0, 33.0, 100.0, 3.0, 1.0);
    let p = h
        .post("/v1/activities", "isf/operator", body.clone())
        .await
        .problem(422, "invalid_field");
    assert_eq!(p["field"], "end", "{p}");
    body["buffer_m"] = json!(-5.0);
    body["end"] = json!(crate::in_hours(4.0));
    let p = h
        .post("/v1/activities", "isf/operator", body.clone())
        .await
        .problem(422, "invalid_field");
    assert_eq!(p["field"], "buffer_m", "{p}");
    body["buffer_m"] = json!(5.0);
    body["kind"] = json!("Air Strike");
    let p = h
        .post("/v1/activities", "isf/operator", body)
        .await
        .problem(422, "invalid_field");
    assert_eq!(p["field"], "kind", "{p}");
    let mut body = activity("patrol", "no end", 44.0, 33.0, 100.0, 1.0, 2.0);
    body.as_object_mut().unwrap().remove("end");
    let p = h
        .post("/v1/activities", "isf/operator", body)
        .await
        .problem(422, "invalid_field");
    assert_eq!(p["field"], "end", "{p}");
}

#[tokio::test]
async fn malformed_bodies_name_the_field_and_unknown_fields_are_refused() {
    let h = Harness::new();
    let mut body = declaration("base", "x", 44.0, 33.0, 100.0);
    body["colour"] = json!("red");
    let p = h
        .post("/v1/declarations", "isf/operator", body)
        .await
        .problem(422, "malformed_body");
    assert_eq!(p["field"], "colour", "{p}");

    let mut body = declaration("base", "x", 44.0, 33.0, 100.0);
    body["buffer_m"] = json!("wide");
    let p = h
        .post("/v1/declarations", "isf/operator", body)
        .await
        .problem(422, "malformed_body");
    assert_eq!(p["field"], "buffer_m", "{p}");

    let mut body = declaration("base", "x", 44.0, 33.0, 100.0);
    body.as_object_mut().unwrap().remove("label");
    let p = h
        .post("/v1/declarations", "isf/operator", body)
        .await
        .problem(422, "malformed_body");
    assert_eq!(p["field"], "label", "{p}");

    let mut body = declaration("base", "x", 44.0, 33.0, 100.0);
    body["valid_from"] = json!("yesterday");
    let p = h
        .post("/v1/declarations", "isf/operator", body)
        .await
        .problem(422, "malformed_body");
    assert_eq!(p["field"], "valid_from", "{p}");

    let mut body = declaration("base", "x", 44.0, 33.0, 100.0);
    body["visibility"] = json!("secret");
    let p = h
        .post("/v1/declarations", "isf/operator", body)
        .await
        .problem(422, "malformed_body");
    assert_eq!(p["field"], "visibility", "{p}");

    // Cut short: the field being read when the body ended.
    let p = h
        .raw(
            Method::POST,
            "/v1/declarations",
            "isf/operator",
            Some(b"{\"kind\": ".to_vec()),
        )
        .await
        .problem(422, "malformed_body");
    assert_eq!(p["field"], "kind", "{p}");
    let p = h
        .raw(
            Method::POST,
            "/v1/declarations",
            "isf/operator",
            Some(b"nonsense".to_vec()),
        )
        .await
        .problem(422, "malformed_body");
    assert!(p.get("field").is_none(), "{p}");
    h.raw(Method::POST, "/v1/declarations", "isf/operator", None)
        .await
        .problem(422, "malformed_body");

    let mut body = declaration("base", "x", 44.0, 33.0, 100.0);
    body["version"] = json!(1);
    let p = h
        .post("/v1/declarations", "isf/operator", body)
        .await
        .problem(422, "invalid_field");
    assert_eq!(p["field"], "version");

    let p = h
        .post(
            "/v1/activities/act_000000000000/start",
            "isf/operator",
            json!({"reason": "x"}),
        )
        .await
        .problem(422, "malformed_body");
    assert_eq!(p["field"], "reason", "start takes no fields");
}

#[tokio::test]
async fn bad_query_parameters_are_named() {
    let h = Harness::new();
    let p = h
        .get("/v1/declarations?bbox=1,2,3", "isf/viewer")
        .await
        .problem(422, "invalid_query");
    assert_eq!(p["field"], "bbox");
    let p = h
        .get("/v1/declarations?from=soon", "isf/viewer")
        .await
        .problem(422, "invalid_query");
    assert_eq!(p["field"], "from");
    let p = h
        .get("/v1/declarations?limit=many", "isf/viewer")
        .await
        .problem(422, "invalid_query");
    assert_eq!(p["field"], "limit");
    let p = h
        .get("/v1/declarations?colour=red", "isf/viewer")
        .await
        .problem(422, "invalid_query");
    assert_eq!(p["field"], "colour");
    let p = h
        .get("/v1/activities?state=done", "isf/viewer")
        .await
        .problem(422, "invalid_query");
    assert_eq!(p["field"], "state");
    let p = h
        .get("/v1/conflicts?state=closed", "isf/viewer")
        .await
        .problem(422, "invalid_query");
    assert_eq!(p["field"], "state");
    let p = h
        .get("/v1/state?as_of=99", "isf/viewer")
        .await
        .problem(422, "invalid_query");
    assert_eq!(p["field"], "as_of");
    let p = h
        .get("/v1/state?as_of=last+week", "isf/viewer")
        .await
        .problem(422, "invalid_query");
    assert_eq!(p["field"], "as_of");
}

#[tokio::test]
async fn a_missing_reason_is_refused_naming_it() {
    let h = Harness::new();
    let strike = activity("air_strike", "Strike", 43.0, 35.0, 500.0, 1.0, 2.0);
    let id = h
        .post("/v1/activities", "isf/operator", strike)
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for body in [None, Some(json!({})), Some(json!({"reason": "   "}))] {
        let bytes = body.map(|b| serde_json::to_vec(&b).unwrap());
        let p = h
            .raw(
                Method::POST,
                &format!("/v1/activities/{id}/clear"),
                "joc/approver",
                bytes,
            )
            .await
            .problem(422, "reason_required");
        assert_eq!(p["field"], "reason");
    }
    let p = h
        .post(
            &format!("/v1/activities/{id}/deny"),
            "joc/approver",
            json!({}),
        )
        .await
        .problem(422, "reason_required");
    assert_eq!(p["field"], "reason");
}

#[tokio::test]
async fn roles_and_parties_are_enforced_with_403() {
    let h = Harness::new();
    let body = declaration("base", "x", 44.0, 33.0, 100.0);
    h.post("/v1/declarations", "isf/viewer", body.clone())
        .await
        .problem(403, "role_forbidden");
    h.post("/v1/declarations", "isf/auditor", body.clone())
        .await
        .problem(403, "role_forbidden");
    let strike = activity("air_strike", "Strike", 43.0, 35.0, 500.0, 1.0, 2.0);
    let id = h
        .post("/v1/activities", "isf/operator", strike)
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reason = json!({"reason": "self-cleared"});
    h.post(
        &format!("/v1/activities/{id}/clear"),
        "isf/operator",
        reason.clone(),
    )
    .await
    .problem(403, "role_forbidden");
    h.post(
        &format!("/v1/activities/{id}/clear"),
        "joc/operator",
        reason.clone(),
    )
    .await
    .problem(403, "role_forbidden");
    // The coordinator sees the activity but does not own it.
    h.post(
        &format!("/v1/activities/{id}/cancel"),
        "joc/operator",
        json!({}),
    )
    .await
    .problem(403, "not_owner");
    // Another party does not even see it.
    h.post(
        &format!("/v1/activities/{id}/cancel"),
        "pmf/operator",
        json!({}),
    )
    .await
    .problem(404, "not_found");
    h.post(
        &format!("/v1/activities/{id}/start"),
        "isf/operator",
        json!({}),
    )
    .await
    .problem(409, "wrong_state");
}

#[tokio::test]
async fn no_token_or_a_bad_one_is_401_and_counted() {
    let h = Harness::new();
    let p = h.get("/v1/state", "").await.problem(401, "unauthenticated");
    assert_eq!(p["detail"], "missing or invalid bearer token");
    for header in ["Bearer dcf_0000", "Basic abc", "Bearer ", "dcf_1234"] {
        let request = Request::get("/v1/state")
            .header("authorization", header)
            .body(Body::empty())
            .unwrap();
        let reply = h.send(request).await;
        assert_eq!(reply.headers["www-authenticate"], "Bearer");
        reply.problem(401, "unauthenticated");
    }
    assert_eq!(h.metric("deconflict_auth_failures_total").await, 5);
}

#[tokio::test]
async fn a_revoked_token_is_refused_at_once() {
    let h = Harness::new();
    h.get("/v1/state", "pmf/viewer").await.expect(200);
    // Revoked by another handle on the directory, as the CLI would.
    h.directory().revoke(&h.credential("pmf/viewer")).unwrap();
    h.get("/v1/state", "pmf/viewer")
        .await
        .problem(401, "unauthenticated");
    h.get("/v1/state", "pmf/operator").await.expect(200);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let h = Harness::with_config(Config {
        body_limit: 4096,
        ..config()
    });
    let mut body = declaration("base", "x", 44.0, 33.0, 100.0);
    let ring: Vec<_> = (0..400)
        .map(|i| {
            let a = f64::from(i) / 400.0 * std::f64::consts::TAU;
            json!([44.0 + 0.1 * a.cos(), 33.0 + 0.1 * a.sin()])
        })
        .collect();
    body["geometry"] = json!({"type": "LineString", "coordinates": ring});
    let p = h
        .post("/v1/declarations", "isf/operator", body)
        .await
        .problem(413, "too_large");
    assert_eq!(p["detail"], "request body exceeds 4096 bytes");
    // Small bodies still pass.
    let body = declaration("base", "x", 44.0, 33.0, 100.0);
    h.post("/v1/declarations", "isf/operator", body)
        .await
        .expect(201);
}

#[tokio::test]
async fn a_geometry_over_the_vertex_limit_is_413_naming_it() {
    let h = Harness::with_config(Config {
        max_vertices: 40,
        ..config()
    });
    let line = |n: usize| {
        let coordinates: Vec<_> = (0..n)
            .map(|i| json!([44.0 + 0.001 * i as f64, 33.0]))
            .collect();
        json!({"type": "LineString", "coordinates": coordinates})
    };
    let mut body = declaration("route", "x", 44.0, 33.0, 100.0);
    body["geometry"] = line(41);
    let p = h
        .post("/v1/declarations", "isf/operator", body.clone())
        .await
        .problem(413, "too_large");
    assert_eq!(p["field"], "geometry");
    let mut activity = body.clone();
    for key in ["visibility", "valid_from"] {
        activity.as_object_mut().unwrap().remove(key);
    }
    activity["start"] = json!(crate::in_hours(1.0));
    activity["end"] = json!(crate::in_hours(2.0));
    activity["kind"] = json!("patrol");
    let p = h
        .post("/v1/activities", "isf/operator", activity)
        .await
        .problem(413, "too_large");
    assert_eq!(p["field"], "geometry");
    // A multi-part geometry counts every part.
    body["geometry"] = json!({"type": "MultiLineString",
        "coordinates": [line(20)["coordinates"], line(21)["coordinates"]]});
    h.post("/v1/declarations", "isf/operator", body.clone())
        .await
        .problem(413, "too_large");
    body["geometry"] = line(40);
    h.post("/v1/declarations", "isf/operator", body)
        .await
        .expect(201);
}

#[tokio::test]
async fn a_credential_over_its_rate_is_429_with_retry_after() {
    let h = Harness::with_config(Config {
        rate_limit: Some(RateLimit {
            per_second: 0.2,
            burst: 3.0,
        }),
        ..config()
    });
    for _ in 0..3 {
        h.get("/v1/state", "isf/viewer").await.expect(200);
    }
    let reply = h.get("/v1/state", "isf/viewer").await;
    assert_eq!(reply.headers["retry-after"], "5");
    reply.problem(429, "rate_limited");
    // Other credentials have their own buckets.
    h.get("/v1/state", "isf/operator").await.expect(200);
    assert_eq!(h.metric("deconflict_rate_limited_total").await, 1);
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problems_too() {
    let h = Harness::new();
    h.get("/v1/nothing", "isf/viewer")
        .await
        .problem(404, "no_route");
    h.call(Method::PATCH, "/v1/declarations", "isf/viewer", None)
        .await
        .problem(405, "method_not_allowed");
    h.get("/v1/conflicts/con_000000000000", "isf/viewer")
        .await
        .problem(404, "not_found");
}

/// Text that cannot be an id is not found exactly like an id that names
/// nothing, whatever the route does with it.
#[tokio::test]
async fn a_malformed_id_is_the_same_404_as_a_missing_one() {
    let h = Harness::new();
    let calls = [
        (Method::GET, "/v1/declarations/{}", "dec_", None),
        (Method::DELETE, "/v1/declarations/{}", "dec_", None),
        (Method::GET, "/v1/activities/{}", "act_", None),
        (
            Method::POST,
            "/v1/activities/{}/cancel",
            "act_",
            Some(json!({})),
        ),
        (Method::GET, "/v1/conflicts/{}", "con_", None),
        (
            Method::POST,
            "/v1/conflicts/{}/acknowledge",
            "con_",
            Some(json!({})),
        ),
    ];
    for (method, template, prefix, body) in calls {
        let missing = h
            .call(
                method.clone(),
                &template.replace("{}", &format!("{prefix}00000000abcd")),
                "isf/operator",
                body.clone(),
            )
            .await;
        let expected = (missing.status, missing.body.clone());
        missing.problem(404, "not_found");
        for malformed in ["x", "dec_00000000ABCD", "act_1", "con_00000000abcd0", "%20"] {
            let reply = h
                .call(
                    method.clone(),
                    &template.replace("{}", malformed),
                    "isf/operator",
                    body.clone(),
                )
                .await;
            assert_eq!(
                (reply.status, reply.body),
                expected,
                "{method} {template} with {malformed}"
            );
        }
    }
}

#[tokio::test]
async fn an_empty_page_or_entry_zero_is_refused_naming_the_parameter() {
    let h = Harness::new();
    for list in ["declarations", "activities", "conflicts", "incidents"] {
        let problem = h
            .get(&format!("/v1/{list}?limit=0"), "pmf/viewer")
            .await
            .problem(422, "invalid_query");
        assert_eq!(problem["field"], "limit", "{list}: {problem}");
    }
    let problem = h
        .get("/v1/log/payloads?seq=0", "pmf/auditor")
        .await
        .problem(422, "invalid_query");
    assert_eq!(problem["field"], "seq", "{problem}");
}
