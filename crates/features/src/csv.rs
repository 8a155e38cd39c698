//! A table of features: `id`, `wkt`, then each property (by name, in the
//! order first met); nested values as JSON text.

use crate::wkt::wkt;
use geojson::Feature;
use serde_json::Value;

pub(crate) fn table(features: &[Feature]) -> String {
    let mut columns: Vec<&str> = Vec::new();
    for feature in features {
        for key in feature.properties.iter().flat_map(|p| p.keys()) {
            if key != "id" && key != "wkt" && !columns.contains(&key.as_str()) {
                columns.push(key);
            }
        }
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = ["id", "wkt"].into_iter().chain(columns.iter().copied());
    out.write_record(header).expect("writing to memory");
    for feature in features {
        let property = |key: &str| {
            feature
                .properties
                .as_ref()
                .and_then(|p| p.get(key))
                .map_or_else(String::new, cell)
        };
        let row = [
            property("id"),
            feature.geometry.as_ref().map(wkt).unwrap_or_default(),
        ]
        .into_iter()
        .chain(columns.iter().map(|key| property(key)));
        out.write_record(row).expect("writing to memory");
    }
    String::from_utf8(out.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use crate::{Features, Layout};
    use serde_json::json;

    #[test]
    fn a_row_per_feature_with_its_geometry_as_wkt_and_nested_fields_as_json() {
        let page = json!({"items": [
            {"id": "dec_1", "label": "Camp, \"west\"", "geometry": {"type": "Point", "coordinates": [44.0, 33.0]}, "altitude_m": [0.0, 0.0]},
            {"id": "dec_2", "kind": "clinic", "geometry": null},
        ]});
        let layout = Layout {
            name: "declarations",
            geometry: "/geometry",
            buffer: None,
        };
        let text = Features::of(page, &layout, false).csv();
        assert_eq!(
            text,
            "id,wkt,altitude_m,label,kind\n\
             dec_1,POINT (44 33),\"[0.0,0.0]\",\"Camp, \"\"west\"\"\",\n\
             dec_2,,,,clinic\n"
        );
    }
}
