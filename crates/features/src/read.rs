//! Features in: a GeoJSON FeatureCollection, CSV with a `wkt` column or
//! `longitude` and `latitude` (`lon`, `lat`) columns, or KML placemarks
//! (their `name`, `ExtendedData` and `Point`, `LineString`, `Polygon` or
//! `MultiGeometry`), as rows of properties and a geometry each, for an
//! import to map onto declarations.
//! A body that cannot be read at all is refused whole; a row whose place
//! cannot be read keeps its error, to be named with its index.

use serde_json::{Map, Value, json};

/// One feature read: its properties (a CSV row's cells, as text) and its
/// geometry as GeoJSON, or why it has none.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub properties: Map<String, Value>,
    pub geometry: Result<Value, String>,
}

/// The features of a GeoJSON FeatureCollection (or one Feature).
pub fn geojson(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let features = match value["type"].as_str() {
        Some("FeatureCollection") => value["features"]
            .as_array()
            .cloned()
            .ok_or("a FeatureCollection needs `features`")?,
        Some("Feature") => vec![value],
        _ => return Err("a GeoJSON FeatureCollection or Feature".into()),
    };
    Ok(features
        .into_iter()
        .map(|feature| {
            let properties = match &feature["properties"] {
                Value::Object(p) => p.clone(),
                _ => Map::new(),
            };
            let geometry = match &feature["geometry"] {
                Value::Object(_) => Ok(feature["geometry"].clone()),
                _ => Err("a feature needs a geometry".to_owned()),
            };
            Row {
                properties,
                geometry,
            }
        })
        .collect())
}

/// The rows of a CSV table with a header.
pub fn csv(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let column = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let wkt = column(&["wkt", "geometry"]);
    let lon = column(&["longitude", "lon", "long", "x"]);
    let lat = column(&["latitude", "lat", "y"]);
    if wkt.is_none() && (lon.is_none() || lat.is_none()) {
        return Err("a `wkt` column, or `longitude` and `latitude` columns".into());
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or_default();
        let geometry = match wkt.filter(|&i| !cell(Some(i)).is_empty()) {
            Some(i) => parse_wkt(cell(Some(i))),
            None => point(cell(lon), cell(lat)),
        };
        let properties = header
            .iter()
            .zip(record.iter())
            .filter(|(_, v)| !v.is_empty())
            .map(|(h, v)| (h.clone(), Value::String(v.to_owned())))
            .collect();
        rows.push(Row {
            properties,
            geometry,
        });
    }
    Ok(rows)
}

/// The placemarks of a KML document: `name` as a property, each `Data`'s
/// value under its name, and the shape.
pub fn kml(bytes: &[u8]) -> Result<Vec<Row>, String> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut rows = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut content = String::new();
    let mut data_name: Option<String> = None;
    let mut placemark: Option<(Map<String, Value>, Vec<Value>)> = None;
    let mut rings: Vec<Vec<Value>> = Vec::new();
    loop {
        match reader.read_event().map_err(|e| format!("kml: {e}"))? {
            Event::DocType(_) => return Err("kml: a document type declaration is not read".into()),
            Event::Start(e) => {
                let name = e.local_name().into_inner().to_owned();
                match name.as_str() {
                    "Placemark" => placemark = Some((Map::new(), Vec::new())),
                    "Data" => {
                        data_name = e
                            .attributes()
                            .flatten()
                            .find(|a| a.key.local_name().into_inner() == "name")
                            .and_then(|a| {
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok()
                            })
                            .map(|v| v.into_owned());
                    }
                    "Polygon" => rings.clear(),
                    _ => {}
                }
                path.push(name);
                content.clear();
            }
            Event::Text(t) => content.push_str(&t.xml10_content()),
            Event::CData(t) => content.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().map_err(|e| format!("kml: {e}"))? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_xml_entity(&r)
                        .ok_or("kml: an unknown entity")?
                        .to_owned(),
                };
                content.push_str(&c);
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                let parent = path.last().map(String::as_str).unwrap_or_default();
                if let Some((properties, shapes)) = placemark.as_mut() {
                    let text = content.trim().to_owned();
                    match (name.as_str(), parent) {
                        ("name", "Placemark") => {
                            properties.insert("name".into(), Value::String(text));
                        }
                        ("value", "Data") => {
                            if let Some(key) = data_name.take() {
                                properties.insert(key, Value::String(text));
                            }
                        }
                        ("coordinates", "Point") => shapes.push(json!({"type": "Point", "coordinates": kml_positions(&text)?.first().cloned().ok_or("kml: a Point without coordinates")?})),
                        ("coordinates", "LineString") => shapes.push(json!({"type": "LineString", "coordinates": kml_positions(&text)?})),
                        ("coordinates", "LinearRing") => rings.push(kml_positions(&text)?),
                        ("Polygon", _) => shapes.push(json!({"type": "Polygon", "coordinates": std::mem::take(&mut rings)})),
                        _ => {}
                    }
                }
                if name == "Placemark" {
                    let (properties, shapes) = placemark.take().unwrap_or_default();
                    rows.push(Row {
                        properties,
                        geometry: one_shape(shapes),
                    });
                }
                content.clear();
            }
            Event::Eof if path.is_empty() => return Ok(rows),
            Event::Eof => {
                return Err(format!(
                    "kml: the document ends inside <{}>",
                    path.join("><")
                ));
            }
            _ => {}
        }
    }
}

/// A placemark's shapes as one geometry: one of them, or the multi-form of
/// several of one type.
fn one_shape(mut shapes: Vec<Value>) -> Result<Value, String> {
    match shapes.len() {
        0 => Err("a placemark needs a Point, LineString or Polygon".into()),
        1 => Ok(shapes.remove(0)),
        _ => {
            let kind = shapes[0]["type"].as_str().unwrap_or_default().to_owned();
            if shapes.iter().any(|s| s["type"] != kind.as_str()) {
                return Err("a MultiGeometry of mixed types is not read".into());
            }
            let parts: Vec<Value> = shapes
                .into_iter()
                .map(|s| s["coordinates"].clone())
                .collect();
            Ok(json!({"type": format!("Multi{kind}"), "coordinates": parts}))
        }
    }
}

/// KML's `lon,lat[,alt]` tuples separated by white space.
fn kml_positions(text: &str) -> Result<Vec<Value>, String> {
    text.split_whitespace()
        .map(|tuple| {
            let numbers: Vec<f64> = tuple
                .split(',')
                .map(|n| n.parse::<f64>().ok().filter(|n| n.is_finite()))
                .collect::<Option<_>>()
                .ok_or_else(|| format!("kml: {tuple:?} is not lon,lat"))?;
            match numbers.len() {
                2 | 3 => Ok(json!(numbers)),
                n => Err(format!("kml: a position of {n} numbers")),
            }
        })
        .collect()
}

fn point(lon: &str, lat: &str) -> Result<Value, String> {
    let number = |name: &str, text: &str| {
        text.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .ok_or_else(|| format!("{name}: {text:?} is not a number"))
    };
    Ok(
        json!({"type": "Point", "coordinates": [number("longitude", lon)?, number("latitude", lat)?]}),
    )
}

/// Well-Known Text of the six simple types, as GeoJSON.
pub fn parse_wkt(text: &str) -> Result<Value, String> {
    let mut parser = Wkt { rest: text.trim() };
    let geometry = parser.geometry()?;
    if !parser.rest.trim().is_empty() {
        return Err(format!("wkt: unexpected {:?}", parser.rest.trim()));
    }
    Ok(geometry)
}

struct Wkt<'a> {
    rest: &'a str,
}

impl Wkt<'_> {
    fn geometry(&mut self) -> Result<Value, String> {
        let word = self.word().to_ascii_uppercase();
        let (kind, depth) = match word.as_str() {
            "POINT" => ("Point", 0),
            "LINESTRING" => ("LineString", 1),
            "POLYGON" => ("Polygon", 2),
            "MULTIPOINT" => ("MultiPoint", 1),
            "MULTILINESTRING" => ("MultiLineString", 2),
            "MULTIPOLYGON" => ("MultiPolygon", 3),
            other => return Err(format!("wkt: {other:?} is not a type this import reads")),
        };
        let coordinates = self.nested(depth, kind == "MultiPoint")?;
        Ok(json!({"type": kind, "coordinates": coordinates}))
    }

    fn word(&mut self) -> &str {
        self.rest = self.rest.trim_start();
        let end = self
            .rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(self.rest.len());
        let (word, rest) = self.rest.split_at(end);
        self.rest = rest;
        word
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        self.rest = self.rest.trim_start();
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                Ok(())
            }
            None => Err(format!("wkt: expected {c:?} at {:?}", cut(self.rest))),
        }
    }

    /// `( ... )` holding positions `depth` lists deep; a MultiPoint's
    /// points may be bare or each in parentheses.
    fn nested(&mut self, depth: usize, loose_points: bool) -> Result<Value, String> {
        self.expect('(')?;
        let value = if depth == 0 {
            self.position()?
        } else {
            let mut items = Vec::new();
            loop {
                self.rest = self.rest.trim_start();
                let item = if depth == 1 && !(loose_points && self.rest.starts_with('(')) {
                    self.position()?
                } else if depth == 1 {
                    self.nested(0, false)?
                } else {
                    self.nested(depth - 1, false)?
                };
                items.push(item);
                self.rest = self.rest.trim_start();
                match self.rest.strip_prefix(',') {
                    Some(rest) => self.rest = rest,
                    None => break,
                }
            }
            Value::Array(items)
        };
        self.expect(')')?;
        Ok(value)
    }

    fn position(&mut self) -> Result<Value, String> {
        let mut numbers = Vec::new();
        loop {
            self.rest = self.rest.trim_start();
            let end = self
                .rest
                .find(|c: char| c.is_whitespace() || c == ',' || c == ')')
                .unwrap_or(self.rest.len());
            if end == 0 {
                break;
            }
            let (text, rest) = self.rest.split_at(end);
            let n: f64 = text
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| format!("wkt: {text:?} is not a number"))?;
            numbers.push(n);
            self.rest = rest;
        }
        match numbers.len() {
            2 | 3 => Ok(json!(numbers)),
            n => Err(format!("wkt: a position of {n} numbers")),
        }
    }
}

fn cut(text: &str) -> String {
    text.chars().take(20).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Features, Layout};

    #[test]
    fn wkt_as_this_crate_writes_it_reads_back() {
        let layout = Layout {
            name: "x",
            geometry: "/geometry",
            buffer: None,
        };
        for geometry in [
            json!({"type": "Point", "coordinates": [44.5, 33.25]}),
            json!({"type": "LineString", "coordinates": [[44.0, 33.0], [44.1, 33.2]]}),
            json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]], [[0.2, 0.1], [0.8, 0.1], [0.8, 0.7], [0.2, 0.1]]]}),
            json!({"type": "MultiPoint", "coordinates": [[1.0, 2.0], [3.0, 4.0]]}),
            json!({"type": "MultiLineString", "coordinates": [[[1.0, 2.0], [3.0, 4.0]]]}),
            json!({"type": "MultiPolygon", "coordinates": [[[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]], [[[5.0, 5.0], [6.0, 5.0], [6.0, 6.0], [5.0, 5.0]]]]}),
        ] {
            let page = json!({"items": [{"id": "a", "geometry": geometry}]});
            let table = Features::of(page, &layout, false).csv();
            let rows = csv(table.as_bytes()).unwrap();
            assert_eq!(rows[0].geometry.as_ref().unwrap(), &geometry);
        }
        assert_eq!(
            parse_wkt("multipoint (1 2, 3 4)").unwrap(),
            json!({"type": "MultiPoint", "coordinates": [[1.0, 2.0], [3.0, 4.0]]})
        );
    }

    #[test]
    fn bad_wkt_and_coordinates_are_named() {
        for (text, says) in [
            ("CIRCLE (1 2)", "not a type"),
            ("POINT (1)", "position of 1"),
            ("POINT (1 x)", "not a number"),
            ("POINT 1 2", "expected '('"),
            ("POINT (1 2) POINT (3 4)", "unexpected"),
        ] {
            let e = parse_wkt(text).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
        let rows = csv(b"name,latitude,longitude\nA,34.1,north\n").unwrap();
        assert!(rows[0].geometry.as_ref().unwrap_err().contains("longitude"));
        assert!(csv(b"name,type\nA,clinic\n").is_err());
    }

    #[test]
    fn a_spreadsheet_of_sites_reads_by_latitude_and_longitude() {
        let rows = csv(
            "\u{feff}Name,Type,Latitude,Longitude,Notes\nAl-Shifa,Hospital,33.31,44.36,\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].properties["name"], "Al-Shifa");
        assert_eq!(rows[0].properties["type"], "Hospital");
        assert!(rows[0].properties.get("notes").is_none());
        assert_eq!(
            rows[0].geometry,
            Ok(json!({"type": "Point", "coordinates": [44.36, 33.31]}))
        );
    }

    #[test]
    fn kml_as_this_crate_writes_it_reads_back() {
        let layout = Layout {
            name: "sites",
            geometry: "/geometry",
            buffer: None,
        };
        let page = json!({"items": [
            {"id": "a", "label": "Camp <north> & \"south\"", "kind": "camp",
                "geometry": {"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]}},
            {"id": "b", "label": "Clinic", "kind": "clinic",
                "geometry": {"type": "MultiPoint", "coordinates": [[1.0, 2.0], [3.0, 4.0]]}},
        ]});
        let written = Features::of(page, &layout, false).kml();
        let rows = kml(written.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].properties["name"], "Camp <north> & \"south\"");
        assert_eq!(rows[0].properties["kind"], "camp");
        assert_eq!(
            rows[0].geometry,
            Ok(
                json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]})
            )
        );
        assert_eq!(
            rows[1].geometry,
            Ok(json!({"type": "MultiPoint", "coordinates": [[1.0, 2.0], [3.0, 4.0]]}))
        );
        assert!(super::kml(b"<!DOCTYPE kml [<!ENTITY x \"y\">]><kml/>").is_err());
        let empty =
            super::kml(b"<kml><Document><Placemark><name>x</name></Placemark></Document></kml>")
                .unwrap();
        assert!(empty[0].geometry.is_err());
    }

    #[test]
    fn a_feature_collection_gives_each_feature() {
        let body = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"kind": "camp"}, "geometry": {"type": "Point", "coordinates": [1.0, 2.0]}},
            {"type": "Feature", "properties": null, "geometry": null},
        ]});
        let rows = geojson(body.to_string().as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].properties["kind"], "camp");
        assert!(rows[1].geometry.is_err());
        assert!(geojson(b"{\"type\": \"Point\"}").is_err());
        assert!(geojson(b"not json").is_err());
    }
}
