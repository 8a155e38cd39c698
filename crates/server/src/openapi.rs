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
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, SchemaGenerator};
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
/// answers it writes.
fn derived() -> Map<String, Value> {
    fn generator(settings: SchemaSettings) -> SchemaGenerator {
        settings
            .with(|s| s.definitions_path = "/components/schemas".into())
            .with_transform(RecursiveTransform(fixed_length_as_tuple))
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
    root::<deconflict_wire::ResponseIn>(&mut read);
    root::<ReasonIn>(&mut read);
    root::<EmptyIn>(&mut read);
    root::<crate::routes::webhooks::WebhookIn>(&mut read);
    root::<deconflict_wire::theatre::RuleIn>(&mut read);
    root::<deconflict_wire::theatre::StopIn>(&mut read);
    root::<deconflict_wire::theatre::ChallengeIn>(&mut read);
    root::<deconflict_wire::theatre::AnswerIn>(&mut read);
    root::<deconflict_wire::theatre::RulingIn>(&mut read);
    let mut written = generator(
        SchemaSettings::draft2020_12()
            .for_serialize()
            .with_transform(RecursiveTransform(absent_not_null)),
    );
    root::<StateOut>(&mut written);
    root::<Page<DeclarationOut>>(&mut written);
    root::<Page<ActivityOut>>(&mut written);
    root::<Page<ConflictOut>>(&mut written);
    root::<IncidentOut>(&mut written);
    root::<crate::events::EventOut>(&mut written);
    root::<crate::routes::me::MeOut>(&mut written);
    root::<crate::routes::tracks::TracksOut>(&mut written);
    root::<crate::routes::declarations::Change>(&mut written);
    root::<crate::routes::import::ImportedOut>(&mut written);
    root::<crate::routes::activities::Submitted>(&mut written);
    root::<crate::routes::webhooks::RegisteredOut>(&mut written);
    root::<crate::routes::webhooks::WebhookOut>(&mut written);
    root::<crate::routes::log::ProofOut>(&mut written);
    root::<crate::routes::holds::SuspensionOut>(&mut written);
    root::<crate::routes::rules::RulesOut>(&mut written);
    root::<deconflict_wire::theatre::RuleOut>(&mut written);
    root::<crate::routes::stops::StopsOut>(&mut written);
    root::<crate::routes::alerts::StandingOut>(&mut written);
    root::<crate::routes::alerts::StandingAlertOut>(&mut written);
    root::<deconflict_wire::theatre::StopOut>(&mut written);
    root::<crate::routes::sites::ChallengesOut>(&mut written);
    root::<deconflict_wire::theatre::ChallengeOut>(&mut written);
    // A type both read and written (a declaration's tracking) is described
    // as read: it accepts `null` for a field an answer would leave out.
    let mut schemas = written.take_definitions(true);
    schemas.extend(read.take_definitions(true));
    schemas
}

/// An array of a fixed length (`[f64; 4]`, a conflict's two sides) as a
/// tuple (`prefixItems`), which clients' type generators read as one.
fn fixed_length_as_tuple(schema: &mut Schema) {
    if schema.get("prefixItems").is_some() {
        return;
    }
    let (Some(min), Some(max)) = (schema.get("minItems"), schema.get("maxItems")) else {
        return;
    };
    let (Some(length), true) = (min.as_u64(), min == max) else {
        return;
    };
    let Some(item) = schema.get("items").cloned() else {
        return;
    };
    let items = vec![item; usize::try_from(length).expect("a short array")];
    schema.insert("prefixItems".into(), Value::Array(items));
    schema.insert("items".into(), Value::Bool(false));
}

/// A field an answer may leave out is left out when it has no value
/// (`skip_serializing_if`), never sent as `null`: its schema says so, for
/// clients whose types tell an absent field from a null one.
fn absent_not_null(schema: &mut Schema) {
    let required: Vec<Value> = match schema.get("required") {
        Some(Value::Array(names)) => names.clone(),
        _ => Vec::new(),
    };
    let Some(Value::Object(properties)) = schema.get_mut("properties") else {
        return;
    };
    for (name, property) in properties {
        if required.contains(&Value::String(name.clone())) {
            continue;
        }
        let Value::Object(property) = property else {
            continue;
        };
        if let Some(Value::Array(types)) = property.get("type") {
            let types: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
            let single = types.len() == 1;
            property.insert(
                "type".into(),
                if single {
                    types[0].clone()
                } else {
                    Value::Array(types)
                },
            );
        }
        if let Some(Value::Array(alternatives)) = property.remove("anyOf") {
            let mut rest: Vec<Value> = alternatives
                .into_iter()
                .filter(|a| a.get("type").is_none_or(|t| t != "null"))
                .collect();
            if rest.len() == 1 {
                if let Value::Object(only) = rest.remove(0) {
                    property.extend(only);
                }
            } else {
                property.insert("anyOf".into(), Value::Array(rest));
            }
        }
    }
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
    for route in crate::routes::all() {
        if route.features.is_some() {
            let method = route.method.as_str().to_lowercase();
            gis_formats(&mut doc["paths"][route.path][method], route.path);
        }
    }
    doc
}

/// A route that also answers in GIS formats: `f` and `outline`, the three
/// other media types, and the 422 a bad `f` gets.
fn gis_formats(operation: &mut Value, path: &str) {
    let reference = |to: &str| serde_json::json!({ "$ref": to });
    let parameters = operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let parameters = parameters
        .into_iter()
        .chain(["Format", "Outline"].map(|p| reference(&format!("#/components/parameters/{p}"))))
        .collect();
    operation["parameters"] = Value::Array(parameters);
    let feature = match path.ends_with('}') {
        true => "#/components/schemas/Feature",
        false => "#/components/schemas/FeatureCollection",
    };
    let content = &mut operation["responses"]["200"]["content"];
    content["application/geo+json"] = serde_json::json!({ "schema": reference(feature) });
    for text in ["application/vnd.google-earth.kml+xml", "text/csv"] {
        content[text] = serde_json::json!({ "schema": { "type": "string" } });
    }
    let refused = &mut operation["responses"]["422"];
    if refused.is_null() {
        *refused = reference("#/components/responses/Unprocessable");
    }
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
