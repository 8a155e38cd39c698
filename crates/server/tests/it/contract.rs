//! The contract, checked on every answer the tests receive: its status must
//! be one the OpenAPI document describes for the operation, and a JSON body
//! must match the schema described for that status. A route or a field that
//! drifts from the document fails whichever test first meets it.

use axum::http::Method;
use jsonschema::Validator;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(deconflict_server::openapi_document()).expect("the document is JSON")
});

/// Compiled schemas by operation, status and media type; `None` where the
/// body is not JSON.
type Cache = HashMap<(String, String, u16, String), Option<Arc<Validator>>>;
static VALIDATORS: LazyLock<Mutex<Cache>> = LazyLock::new(Mutex::default);

/// Panics unless `body`, answered with `status` to `method path`, is what
/// the document promises.
pub(crate) fn check(method: &Method, path: &str, status: u16, content_type: &str, body: &[u8]) {
    let path = path.split('?').next().unwrap_or_default();
    let Some(template) = template(path) else {
        // Unrouted paths answer the described 404 problem; nothing to match.
        assert_eq!(status, 404, "{method} {path} is not in the document");
        return;
    };
    // A HEAD is answered as its GET, without the body.
    if method == Method::HEAD {
        assert!(body.is_empty(), "HEAD {path} answered with a body");
        return;
    }
    let method = method.as_str().to_lowercase();
    if DOCUMENT["paths"][&template][&method].is_null() {
        // `/metrics` answers other methods as it answers no route.
        assert!(
            matches!(status, 404 | 405),
            "{method} {path} is not in the document, yet answered {status}"
        );
        return;
    }
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let key = (template.clone(), method.clone(), status, media.clone());
    // Built outside the lock: a failing test must not poison it for the others.
    let cached = VALIDATORS.lock().unwrap().get(&key).cloned();
    let validator = cached.unwrap_or_else(|| {
        let built = validator(&template, &method, status, &media);
        VALIDATORS.lock().unwrap().insert(key, built.clone());
        built
    });
    let Some(validator) = validator else { return };
    let instance: Value = serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!("{method} {path} answered {status} with a body that is not JSON: {e}")
    });
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} answered {status} with a body the document does not describe:\n{}\n{instance:#}",
        errors.join("\n")
    );
}

/// Panics unless `data`, an event of the stream (named `kind`) or a
/// webhook delivery, is what the document's `Event` schema describes.
pub(crate) fn check_event(kind: &str, data: &Value) {
    static EVENT: LazyLock<Validator> = LazyLock::new(|| {
        let mut root = Map::new();
        root.insert("$ref".into(), json!("#/components/schemas/Event"));
        root.insert("components".into(), DOCUMENT["components"].clone());
        options()
            .build(&Value::Object(root))
            .expect("the Event schema compiles")
    });
    assert_eq!(data["type"], kind, "the event's name is its type: {data:#}");
    let errors: Vec<String> = EVENT
        .iter_errors(data)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "an event the document does not describe:\n{}\n{data:#}",
        errors.join("\n")
    );
}

/// Panics unless a webhook delivery carries every header the document's
/// `webhooks.event` names, each matching its schema, and an `Event` body.
pub(crate) fn check_delivery(header: impl Fn(&str) -> Option<String>, body: &Value) {
    let operation = &DOCUMENT["webhooks"]["event"]["post"];
    for parameter in operation["parameters"].as_array().expect("parameters") {
        let name = parameter["name"].as_str().expect("a name");
        let value = header(name).unwrap_or_else(|| panic!("a delivery without {name}"));
        let schema = options()
            .build(&parameter["schema"])
            .expect("a header schema");
        assert!(
            schema.is_valid(&json!(value)),
            "{name}: {value} is not what the document describes"
        );
    }
    let kind = body["type"].as_str().unwrap_or_default().to_owned();
    check_event(&kind, body);
}

/// How the document's schemas are read: JSON Schema 2020-12, as OpenAPI 3.1
/// says (the schemas name no `$schema` of their own), formats checked.
fn options() -> jsonschema::ValidationOptions<'static> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
}

/// The document's path template that `path` fills in.
fn template(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let paths = DOCUMENT["paths"].as_object().expect("paths");
    // A literal segment beats a parameter (`/v1/log/checkpoint` over `/v1/log/{x}`).
    paths
        .keys()
        .filter(|t| {
            let parts: Vec<&str> = t.split('/').collect();
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(p, s)| p.starts_with('{') || p == s)
        })
        .min_by_key(|t| t.matches('{').count())
        .cloned()
}

/// The schema of the body of `status` to `method template` in `media`, or
/// `None` when the document describes a body that is not JSON (or none);
/// panics when it describes bodies, but none in `media`.
fn validator(template: &str, method: &str, status: u16, media: &str) -> Option<Arc<Validator>> {
    let operation = &DOCUMENT["paths"][template][method];
    assert!(
        operation.is_object(),
        "{method} {template} is not in the document"
    );
    let responses = &operation["responses"];
    let class = format!("{}XX", status / 100);
    let response = [status.to_string(), class, "default".to_owned()]
        .iter()
        .find_map(|k| responses.get(k))
        .unwrap_or_else(|| {
            panic!("{method} {template} answered {status}, which the document does not describe")
        });
    let response = resolve(response);
    let content = response["content"].as_object()?;
    let described = content.get(media).unwrap_or_else(|| {
        panic!(
            "{method} {template} answered {status} with {media}, which the document does not describe: {:?}",
            content.keys().collect::<Vec<_>>()
        )
    });
    let schema = described["schema"].clone();
    if schema.is_null() || !media.contains("json") {
        return None;
    }
    // The schema's `$ref`s point into the document's components.
    let mut root = match schema {
        Value::Object(map) => map,
        other => Map::from_iter([("allOf".to_owned(), json!([other]))]),
    };
    root.insert("components".into(), DOCUMENT["components"].clone());
    let validator = options().build(&Value::Object(root)).unwrap_or_else(|e| {
        panic!("{method} {template} {status}: the schema does not compile: {e}")
    });
    Some(Arc::new(validator))
}

/// A response object, following a `$ref` into `#/components/responses`.
fn resolve(response: &Value) -> &Value {
    match response["$ref"].as_str() {
        Some(r) => DOCUMENT
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{r} does not resolve")),
        None => response,
    }
}

#[test]
fn a_described_answer_passes() {
    let problem = json!({"type": "urn:deconflict:problem:not_found", "title": "Not Found",
        "status": 404, "detail": "no such declaration", "code": "not_found"});
    let body = serde_json::to_vec(&problem).unwrap();
    check(
        &Method::GET,
        "/v1/declarations/dec_000000000000",
        404,
        "application/problem+json",
        &body,
    );
}

#[test]
#[should_panic(expected = "does not describe")]
fn a_declaration_missing_a_field_fails() {
    let page = json!({"items": [{"id": "dec_000000000000"}], "next_after": null});
    let body = serde_json::to_vec(&page).unwrap();
    check(
        &Method::GET,
        "/v1/declarations?limit=1",
        200,
        "application/json",
        &body,
    );
}

#[test]
#[should_panic(expected = "does not describe")]
fn an_undescribed_problem_code_fails() {
    let problem = json!({"type": "urn:deconflict:problem:nope", "title": "Nope",
        "status": 404, "detail": "", "code": "nope"});
    let body = serde_json::to_vec(&problem).unwrap();
    check(
        &Method::GET,
        "/v1/declarations/dec_000000000000",
        404,
        "application/problem+json",
        &body,
    );
}

#[test]
#[should_panic(expected = "which the document does not describe")]
fn an_undescribed_status_fails() {
    check(&Method::GET, "/healthz", 418, "application/json", b"{}");
}
