//! JSON Schemas of what the wire types hold but their Rust types do not say:
//! an `i64` of milliseconds written as RFC 3339, a GeoJSON geometry, a
//! `&'static str` that is one of a model enum's names. The wire types name
//! these with `#[schemars(with = …)]`, so the OpenAPI document is derived
//! from the types the server answers with, not written beside them.

use deconflict_model::{ActivityState, ConflictState, NotificationState, Pattern, Withheld};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;

/// An instant, as RFC 3339 text.
#[derive(Debug)]
pub struct Time;

impl JsonSchema for Time {
    fn schema_name() -> Cow<'static, str> {
        "Time".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339; answers are UTC with milliseconds.",
            "examples": ["2020-01-05T06:00:00.000Z"]
        })
    }
}

/// A GeoJSON geometry of one of the six kinds the service takes.
#[derive(Debug)]
pub struct Geometry;

impl JsonSchema for Geometry {
    fn schema_name() -> Cow<'static, str> {
        "Geometry".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let position = json_schema!({
            "type": "array",
            "items": {"type": "number"},
            "minItems": 2,
            "maxItems": 3,
            "description": "longitude, latitude and, ignored, a height"
        });
        // Each kind nests positions one level deeper than the last.
        let nested = |depth: usize| {
            let mut schema = position.clone();
            for _ in 0..depth {
                schema = json_schema!({"type": "array", "items": schema});
            }
            schema
        };
        let kind = |name: &str, depth: usize| {
            json_schema!({
                "type": "object",
                "required": ["type", "coordinates"],
                "properties": {
                    "type": {"const": name},
                    "coordinates": nested(depth)
                }
            })
        };
        json_schema!({
            "description": "A GeoJSON geometry (RFC 7946, WGS84 longitude, latitude): Point, \
                MultiPoint, LineString, MultiLineString, Polygon or MultiPolygon. Edges are \
                straight in longitude/latitude. Invalid input (latitude beyond ±90, unclosed \
                or self-crossing rings, empty geometries, too many vertices) is refused naming \
                the coordinate, never repaired.",
            "oneOf": [
                kind("Point", 0),
                kind("MultiPoint", 1),
                kind("LineString", 1),
                kind("MultiLineString", 2),
                kind("Polygon", 2),
                kind("MultiPolygon", 3)
            ]
        })
    }
}

/// `[lo, hi]` metres above ground.
#[derive(Debug)]
pub struct AltitudeBand;

impl JsonSchema for AltitudeBand {
    fn schema_name() -> Cow<'static, str> {
        "AltitudeBand".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "array",
            "prefixItems": [{"type": "number"}, {"type": "number"}],
            "items": false,
            "minItems": 2,
            "maxItems": 2,
            "description": "`[lo, hi]` in metres above ground; `[0, 0]` (the default) is the \
                surface. Bands that touch overlap."
        })
    }
}

/// A schema of a string that is one of a model enum's names, named once
/// (`$ref`) where a type has a name of its own in the document.
macro_rules! names {
    ($(#[$doc:meta])* $schema:ident, $name:literal, $inline:literal, $all:expr) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $schema;

        impl JsonSchema for $schema {
            fn inline_schema() -> bool {
                $inline
            }

            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                let names: Vec<&str> = $all.iter().map(|v| v.as_str()).collect();
                json_schema!({"type": "string", "enum": names})
            }
        }
    };
}

names!(
    /// An activity's state.
    ActivityStateName,
    "ActivityState",
    false,
    ACTIVITY_STATES
);
names!(
    /// A conflict's state.
    ConflictStateName,
    "ConflictState",
    false,
    CONFLICT_STATES
);
names!(
    /// How far a notification has gone.
    NotificationStateName,
    "NotificationState",
    true,
    [
        NotificationState::Pending,
        NotificationState::Delivered,
        NotificationState::Acknowledged
    ]
);
names!(
    /// Why a conflict was withheld from the party that opened it.
    WithheldName,
    "WithheldReason",
    true,
    [Withheld::Wide, Withheld::Budget]
);
names!(
    /// A pattern of questions that spends a party's budget of answers.
    PatternName,
    "ProbingPattern",
    true,
    [Pattern::DisclosedObjects, Pattern::QuickCycles]
);

/// Every activity state, in the order of its life.
pub const ACTIVITY_STATES: [ActivityState; 6] = [
    ActivityState::Held,
    ActivityState::Cleared,
    ActivityState::Denied,
    ActivityState::Active,
    ActivityState::Completed,
    ActivityState::Cancelled,
];

/// Every conflict state.
pub const CONFLICT_STATES: [ConflictState; 3] = [
    ConflictState::Open,
    ConflictState::Resolved,
    ConflictState::Overridden,
];
