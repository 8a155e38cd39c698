//! The OpenAPI 3.1 description served at `/v1/openapi.json`: the shared
//! parts in `openapi.json` beside this file, merged with each resource
//! module's fragment (its `paths`, and the schemas and security schemes
//! only it uses), and with the schemas of the wire types, derived from the
//! types themselves ([`derived`]) so that what is described is what is sent.
//! Tests check that every served route is described and every description
//! served.

use deconflict_wire::{
    ActivityIn, ActivityOut, ConflictOut, DeclarationIn, DeclarationOut, EmptyIn, IncidentIn,
    IncidentOut, IncidentStatusIn, Page, ReasonIn, StateOut, TracksIn,
};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value};
use std::sync::OnceLock;

const BASE: &str = include_str!("openapi.json");

/// The whole document, as JSON text, as `GET /v1/openapi.json` serves it.
pub fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        serde_json::to_string_pretty(&merged()).expect("the OpenAPI document serialises")
    })
}

/// The named schemas of the request bodies the server reads and of the
/// answers it writes. A type read and written (a declaration's tracking)
/// must come out the same both ways.
fn derived() -> Map<String, Value> {
    fn generator(settings: SchemaSettings) -> SchemaGenerator {
        settings
            .with(|s| s.definitions_path = "/components/schemas".into())
            .into_generator()
    }
    fn root<T: JsonSchema>(generator: &mut SchemaGenerator) {
        generator.subschema_for::<T>();
    }
    let mut read = generator(SchemaSettings::draft2020_12().for_deserialize());
    root::<DeclarationIn>(&mut read);
    root::<ActivityIn>(&mut read);
    root::<TracksIn>(&mut read);
    root::<IncidentIn>(&mut read);
    root::<IncidentStatusIn>(&mut read);
    root::<ReasonIn>(&mut read);
    root::<EmptyIn>(&mut read);
    let mut written = generator(SchemaSettings::draft2020_12().for_serialize());
    root::<StateOut>(&mut written);
    root::<Page<DeclarationOut>>(&mut written);
    root::<Page<ActivityOut>>(&mut written);
    root::<Page<ConflictOut>>(&mut written);
    root::<IncidentOut>(&mut written);
    root::<crate::events::EventOut>(&mut written);
    let mut schemas = read.take_definitions(true);
    for (name, schema) in written.take_definitions(true) {
        if let Some(read) = schemas.get(&name) {
            assert_eq!(read, &schema, "{name} is read and written differently");
        }
        schemas.insert(name, schema);
    }
    schemas
}

fn merged() -> Value {
    let mut doc: Value = serde_json::from_str(BASE).expect("openapi.json is JSON");
    let schemas = doc["components"]["schemas"]
        .as_object_mut()
        .expect("openapi.json has component schemas");
    for (name, schema) in derived() {
        let previous = schemas.insert(name.clone(), schema);
        assert!(
            previous.is_none(),
            "{name} is derived and also written by hand"
        );
    }
    for fragment in crate::routes::OPENAPI_FRAGMENTS {
        let fragment: Value = serde_json::from_str(fragment).expect("a fragment is JSON");
        let parts = [
            ("paths", None),
            ("webhooks", None),
            ("components", Some("schemas")),
            ("components", Some("securitySchemes")),
        ];
        for (section, key) in parts {
            let Some(from) = fragment.get(section) else {
                continue;
            };
            let from = match key {
                Some(key) => from.get(key),
                None => Some(from),
            };
            let Some(Value::Object(from)) = from else {
                continue;
            };
            let into = match key {
                Some(key) => &mut doc[section][key],
                None => &mut doc[section],
            };
            if !into.is_object() {
                *into = Value::Object(Map::new());
            }
            let into = into.as_object_mut().expect("an object");
            for (name, value) in from {
                let previous = into.insert(name.clone(), value.clone());
                assert!(previous.is_none(), "{name} is described twice");
            }
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn refs(value: &Value, found: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    if k == "$ref" {
                        found.insert(v.as_str().unwrap_or_default().to_owned());
                    }
                    refs(v, found);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }

    #[test]
    fn every_route_is_described_and_every_description_served() {
        let doc: Value = serde_json::from_str(document()).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        let mut served = BTreeSet::new();
        for route in crate::routes::all() {
            let method = route.method.as_str().to_lowercase();
            let op = &doc["paths"][route.path][&method];
            assert!(op.is_object(), "{method} {} is not described", route.path);
            assert!(op["operationId"].is_string(), "{method} {}", route.path);
            assert!(op["responses"].is_object(), "{method} {}", route.path);
            served.insert((route.path.to_owned(), method));
        }
        let methods = ["get", "put", "post", "delete", "patch"];
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, _) in item.as_object().unwrap() {
                if methods.contains(&method.as_str()) {
                    assert!(
                        served.contains(&(path.clone(), method.clone())),
                        "{method} {path} is described but not served"
                    );
                }
            }
        }
    }

    #[test]
    fn every_security_requirement_names_a_scheme() {
        let doc: Value = serde_json::from_str(document()).unwrap();
        let schemes = &doc["components"]["securitySchemes"];
        let mut requirements = vec![&doc["security"]];
        for item in doc["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                requirements.extend(op.get("security"));
            }
        }
        for requirement in requirements {
            for alternative in requirement.as_array().unwrap() {
                for name in alternative.as_object().unwrap().keys() {
                    assert!(schemes[name].is_object(), "no security scheme {name}");
                }
            }
        }
        assert!(doc["paths"]["/metrics"]["get"]["security"][0]["metricsToken"].is_array());
    }

    #[test]
    fn every_reference_resolves() {
        let doc: Value = serde_json::from_str(document()).unwrap();
        let mut found = BTreeSet::new();
        refs(&doc, &mut found);
        assert!(!found.is_empty());
        for r in found {
            let pointer = r.strip_prefix('#').expect("local references only");
            assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }
}
