//! The API's answers as GIS features, for the tools the parties already
//! use: RFC 7946 GeoJSON for QGIS, ArcGIS and `ogr2ogr`, KML for Google
//! Earth, CSV with a WKT column for spreadsheets.
//!
//! Every format is written from the very JSON the API answers the caller
//! with, never from the model: a feature holds nothing its caller was not
//! already shown. An item becomes one feature: its geometry (found where
//! the route's [`Layout`] says; a coarse conflict's is the box of its
//! area, nothing finer), its `id`, and every other field as a property.
//! With `outline`, the geometry is the buffered area itself
//! ([`deconflict_geo4d::outline`]) rather than the shape and its buffer.

mod csv;
mod format;
mod kml;
pub mod read;
mod wkt;

pub use format::{Format, UnknownFormat};

use deconflict_geo4d::Geometry;
use geojson::{Feature, FeatureCollection, JsonObject};
use serde_json::{Map, Value};

/// Where a route's items keep their geometry and its buffer, as JSON
/// Pointers into one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// What the features are, for a KML document's name.
    pub name: &'static str,
    pub geometry: &'static str,
    pub buffer: Option<&'static str>,
}

/// One answer of the API as features: one, or a page of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    name: &'static str,
    shape: Shape,
}

#[derive(Debug, Clone, PartialEq)]
enum Shape {
    One(Box<Feature>),
    Page {
        features: Vec<Feature>,
        /// The next page's cursor, kept as a foreign member.
        next_after: Option<Value>,
    },
}

impl Features {
    /// The features of an answer: a page (`{"items": [...]}`, with its
    /// `next_after`) or one object.
    pub fn of(answer: Value, layout: &Layout, outline: bool) -> Features {
        let shape = match answer {
            Value::Object(mut page) if page.get("items").is_some_and(Value::is_array) => {
                let Some(Value::Array(items)) = page.remove("items") else {
                    unreachable!("checked above");
                };
                Shape::Page {
                    features: items
                        .into_iter()
                        .map(|item| feature(item, layout, outline))
                        .collect(),
                    next_after: page.remove("next_after").filter(|v| !v.is_null()),
                }
            }
            item => Shape::One(Box::new(feature(item, layout, outline))),
        };
        Features {
            name: layout.name,
            shape,
        }
    }

    /// The features themselves, for a caller that writes its own
    /// collection around them (OGC API – Features adds links).
    pub fn into_features(self) -> Vec<Feature> {
        match self.shape {
            Shape::One(one) => vec![*one],
            Shape::Page { features, .. } => features,
        }
    }

    fn features(&self) -> &[Feature] {
        match &self.shape {
            Shape::One(one) => std::slice::from_ref(one),
            Shape::Page { features, .. } => features,
        }
    }

    /// A Feature, or a FeatureCollection with `next_after` when there is a
    /// next page.
    pub fn geojson(&self) -> String {
        match &self.shape {
            Shape::One(feature) => feature.to_string(),
            Shape::Page {
                features,
                next_after,
            } => {
                let foreign_members = next_after.as_ref().map(|next| {
                    let mut members = JsonObject::new();
                    members.insert("next_after".into(), next.clone());
                    members
                });
                FeatureCollection {
                    bbox: None,
                    features: features.clone(),
                    foreign_members,
                }
                .to_string()
            }
        }
    }

    /// A KML document of placemarks.
    pub fn kml(&self) -> String {
        kml::document(self.name, self.features())
    }

    /// CSV: `id`, `wkt`, then every property, nested ones as JSON.
    pub fn csv(&self) -> String {
        csv::table(self.features())
    }

    /// The answer in `format`; `None` for JSON, which is the API's own.
    pub fn write(&self, format: Format) -> Option<String> {
        match format {
            Format::Json => None,
            Format::GeoJson => Some(self.geojson()),
            Format::Kml => Some(self.kml()),
            Format::Csv => Some(self.csv()),
        }
    }
}

/// One item as a feature: the geometry taken out of its properties.
fn feature(item: Value, layout: &Layout, outline: bool) -> Feature {
    let mut item = match item {
        Value::Object(map) => map,
        other => {
            let mut map = Map::new();
            map.insert("value".into(), other);
            map
        }
    };
    let buffer_m = layout
        .buffer
        .and_then(|pointer| lookup(&item, pointer))
        .and_then(Value::as_f64);
    let geometry = take(&mut item, layout.geometry)
        .and_then(|g| serde_json::from_value::<geojson::Geometry>(g).ok())
        .map(|g| match (outline, buffer_m) {
            (true, Some(buffer_m)) => outlined(g, buffer_m),
            _ => g,
        });
    let id = match item.get("id") {
        Some(Value::String(id)) => Some(geojson::feature::Id::String(id.clone())),
        _ => None,
    };
    Feature {
        bbox: None,
        geometry,
        id,
        properties: Some(item),
        foreign_members: None,
    }
}

/// The buffered area of a geometry the API already validated; as it is,
/// should it not read back.
fn outlined(geometry: geojson::Geometry, buffer_m: f64) -> geojson::Geometry {
    match Geometry::from_geojson(&geometry) {
        Ok(valid) => deconflict_geo4d::outline(&valid, buffer_m),
        Err(_) => geometry,
    }
}

fn lookup<'a>(item: &'a Map<String, Value>, pointer: &str) -> Option<&'a Value> {
    let (first, rest) = split(pointer)?;
    let value = item.get(first)?;
    match rest {
        "" => Some(value),
        rest => value.pointer(rest),
    }
}

/// Removes the value at `pointer` from `item`, leaving its parents.
fn take(item: &mut Map<String, Value>, pointer: &str) -> Option<Value> {
    let (parent, last) = pointer.rsplit_once('/')?;
    let parent = match parent {
        "" => item,
        parent => {
            let (first, rest) = split(parent)?;
            let value = item.get_mut(first)?;
            let value = if rest.is_empty() {
                value
            } else {
                value.pointer_mut(rest)?
            };
            value.as_object_mut()?
        }
    };
    parent.remove(last).filter(|v| !v.is_null())
}

/// `/a/b/c` as `a` and `/b/c`.
fn split(pointer: &str) -> Option<(&str, &str)> {
    let rest = pointer.strip_prefix('/')?;
    Some(match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, ""),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DECLARATIONS: Layout = Layout {
        name: "declarations",
        geometry: "/geometry",
        buffer: Some("/buffer_m"),
    };
    const CONFLICTS: Layout = Layout {
        name: "conflicts",
        geometry: "/overlap/area/geometry",
        buffer: None,
    };

    #[test]
    fn a_page_becomes_a_collection_with_its_cursor_and_every_other_field() {
        let page = json!({"items": [{"id": "dec_1", "label": "Camp", "buffer_m": 300.0,
            "geometry": {"type": "Point", "coordinates": [44.0, 33.0]}}], "next_after": "dec_1"});
        let text = Features::of(page, &DECLARATIONS, false).geojson();
        let collection: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(collection["type"], "FeatureCollection");
        assert_eq!(collection["next_after"], "dec_1");
        let feature = &collection["features"][0];
        assert_eq!(feature["id"], "dec_1");
        assert_eq!(feature["geometry"]["coordinates"], json!([44.0, 33.0]));
        assert_eq!(
            feature["properties"],
            json!({"id": "dec_1", "label": "Camp", "buffer_m": 300.0})
        );
    }

    #[test]
    fn a_nested_geometry_is_taken_from_its_place_and_the_rest_kept() {
        let conflict = json!({"id": "con_1", "overlap": {"from": "t", "area": {"bbox": [44.0, 33.0, 44.05, 33.05],
            "geometry": {"type": "Polygon", "coordinates": [[[44.0, 33.0], [44.05, 33.0], [44.05, 33.05], [44.0, 33.05], [44.0, 33.0]]]}}}});
        let text = Features::of(conflict, &CONFLICTS, true).geojson();
        let feature: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(feature["type"], "Feature");
        assert_eq!(feature["geometry"]["type"], "Polygon");
        assert_eq!(
            feature["properties"]["overlap"],
            json!({"from": "t", "area": {"bbox": [44.0, 33.0, 44.05, 33.05]}})
        );
    }

    #[test]
    fn an_item_without_a_geometry_is_a_feature_without_one() {
        let stop = json!({"items": [{"id": "stp_1", "cause": "troops_in_contact"}]});
        let layout = Layout {
            name: "stops",
            geometry: "/detail/geometry",
            buffer: Some("/detail/buffer_m"),
        };
        let text = Features::of(stop, &layout, true).geojson();
        let collection: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(collection["features"][0]["geometry"], Value::Null);
        assert!(collection.get("next_after").is_none());
    }

    #[test]
    fn with_outline_a_buffered_point_becomes_the_area_it_covers() {
        let one = json!({"id": "dec_1", "buffer_m": 1000.0, "geometry": {"type": "Point", "coordinates": [44.0, 33.0]}});
        let text = Features::of(one, &DECLARATIONS, true).geojson();
        let feature: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(feature["geometry"]["type"], "Polygon");
        assert_eq!(feature["properties"]["buffer_m"], 1000.0);
    }
}
