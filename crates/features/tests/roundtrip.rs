//! Every format read back gives what went in: random items, with labels
//! full of characters XML and CSV must escape, through GeoJSON (serde),
//! CSV (the csv crate's reader) and KML (quick-xml's reader), against the
//! items themselves.

use deconflict_features::{Features, Layout};
use proptest::prelude::*;
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion, escape};
use serde_json::{Map, Value, json};

const LAYOUT: Layout = Layout {
    name: "declarations",
    geometry: "/geometry",
    buffer: Some("/buffer_m"),
};

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 <>&\"',;\\n\\r\\tٱ-ۿ]{0,24}"
}

fn item() -> impl Strategy<Value = Value> {
    (
        "[a-z0-9]{12}",
        text(),
        text(),
        -180.0f64..180.0,
        -90.0f64..90.0,
        prop::option::of(0.0f64..5000.0),
    )
        .prop_map(|(id, label, note, lon, lat, buffer)| {
            let mut item = Map::new();
            item.insert("id".into(), json!(format!("dec_{id}")));
            item.insert("label".into(), json!(label));
            item.insert("note".into(), json!(note));
            item.insert("altitude_m".into(), json!([0.0, 120.5]));
            item.insert(
                "geometry".into(),
                json!({"type": "Point", "coordinates": [lon, lat]}),
            );
            if let Some(b) = buffer {
                item.insert("buffer_m".into(), json!(b));
            }
            Value::Object(item)
        })
}

/// A cell as the table writes it: text as it is, anything else as JSON.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Each placemark's name and its data, as a KML reader unescapes them.
fn placemarks(kml: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut reader = Reader::from_str(kml);
    let mut found: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event().expect("well-formed KML") {
            Event::Start(e) => {
                let name = e.name().into_inner().to_owned();
                if name == "Placemark" {
                    found.push((String::new(), Vec::new()));
                }
                if name == "Data" {
                    let attr = e
                        .attributes()
                        .map(Result::unwrap)
                        .find(|a| a.key.into_inner() == "name")
                        .expect("a Data has a name");
                    let key = attr
                        .normalized_value_with(
                            XmlVersion::Implicit1_0,
                            1,
                            escape::resolve_xml_entity,
                        )
                        .unwrap()
                        .into_owned();
                    found.last_mut().unwrap().1.push((key, String::new()));
                }
                path.push(name);
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => escape::resolve_xml_entity(&r).unwrap().to_owned(),
                };
                text.push_str(&c);
            }
            Event::End(_) => {
                let inside: Vec<&str> = path.iter().map(String::as_str).collect();
                match (inside.as_slice(), found.last_mut()) {
                    ([.., "Placemark", "name"], Some(p)) => p.0 = text.clone(),
                    ([.., "Data", "value"], Some(p)) => p.1.last_mut().unwrap().1 = text.clone(),
                    _ => {}
                }
                path.pop();
                text.clear();
            }
            Event::Eof => return found,
            _ => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn each_format_reads_back_as_the_items(items in prop::collection::vec(item(), 0..8)) {
        let page = json!({"items": items.clone(), "next_after": null});

        let collection: Value = serde_json::from_str(&Features::of(page.clone(), &LAYOUT, false).geojson()).unwrap();
        let features = collection["features"].as_array().unwrap();
        prop_assert_eq!(features.len(), items.len());
        for (feature, item) in features.iter().zip(&items) {
            let mut properties = item.clone();
            let geometry = properties.as_object_mut().unwrap().remove("geometry").unwrap();
            prop_assert_eq!(&feature["geometry"], &geometry);
            prop_assert_eq!(&feature["properties"], &properties);
        }

        let csv = Features::of(page.clone(), &LAYOUT, false).csv();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        prop_assert_eq!(&header[..2], &["id".to_owned(), "wkt".to_owned()][..]);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        prop_assert_eq!(rows.len(), items.len());
        for (row, item) in rows.iter().zip(&items) {
            for (column, value) in header.iter().zip(row.iter()) {
                if column == "wkt" {
                    let c = &item["geometry"]["coordinates"];
                    prop_assert_eq!(value, format!("POINT ({} {})", c[0].as_f64().unwrap(), c[1].as_f64().unwrap()));
                } else {
                    prop_assert_eq!(value, cell(item.get(column)));
                }
            }
        }

        let kml = Features::of(page, &LAYOUT, false).kml();
        let marks = placemarks(&kml);
        prop_assert_eq!(marks.len(), items.len());
        for ((name, data), item) in marks.iter().zip(&items) {
            let label = item["label"].as_str().unwrap();
            let title = if label.is_empty() { item["id"].as_str().unwrap() } else { label };
            prop_assert_eq!(name, title);
            for (key, value) in data {
                prop_assert_eq!(value, &cell(item.get(key)), "{}", key);
            }
            prop_assert!(data.iter().any(|(k, _)| k == "note"));
        }
    }
}
