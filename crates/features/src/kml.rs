//! A KML 2.2 document of placemarks, as Google Earth opens it: each
//! feature's label (or id) as its name, every property as `ExtendedData`.

use geojson::{Feature, GeometryValue, Position};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde_json::Value;
use std::io;

pub(crate) fn document(name: &str, features: &[Feature]) -> String {
    let mut out = Writer::new(Vec::new());
    write(&mut out, name, features).expect("writing to memory");
    String::from_utf8(out.into_inner()).expect("UTF-8 in, UTF-8 out")
}

type Out = Writer<Vec<u8>>;

fn write(out: &mut Out, name: &str, features: &[Feature]) -> io::Result<()> {
    out.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    out.create_element("kml")
        .with_attribute(("xmlns", "http://www.opengis.net/kml/2.2"))
        .write_inner_content(|out| {
            out.create_element("Document").write_inner_content(|out| {
                text(out, "name", name)?;
                features.iter().try_for_each(|f| placemark(out, f))
            })?;
            Ok(())
        })?;
    Ok(())
}

fn text(out: &mut Out, element: &str, content: &str) -> io::Result<()> {
    out.create_element(element)
        .write_text_content(BytesText::new(content))?;
    Ok(())
}

fn placemark(out: &mut Out, feature: &Feature) -> io::Result<()> {
    let properties = feature.properties.clone().unwrap_or_default();
    let title = ["label", "id", "kind"]
        .iter()
        .find_map(|key| {
            properties
                .get(*key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_default()
        .to_owned();
    out.create_element("Placemark").write_inner_content(|out| {
        text(out, "name", &title)?;
        out.create_element("ExtendedData")
            .write_inner_content(|out| {
                for (key, value) in &properties {
                    let value = match value {
                        Value::Null => continue,
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    out.create_element("Data")
                        .with_attribute(("name", key.as_str()))
                        .write_inner_content(|out| text(out, "value", &value))?;
                }
                Ok(())
            })?;
        if let Some(geometry) = &feature.geometry {
            shape(out, &geometry.value)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn shape(out: &mut Out, value: &GeometryValue) -> io::Result<()> {
    match value {
        GeometryValue::Point { coordinates } => point(out, coordinates),
        GeometryValue::LineString { coordinates } => line(out, coordinates),
        GeometryValue::Polygon { coordinates } => polygon(out, coordinates),
        GeometryValue::MultiPoint { coordinates } => many(out, coordinates, point),
        GeometryValue::MultiLineString { coordinates } => many(out, coordinates, |o, l| line(o, l)),
        GeometryValue::MultiPolygon { coordinates } => many(out, coordinates, |o, p| polygon(o, p)),
        GeometryValue::GeometryCollection { geometries } => {
            many(out, geometries, |o, g| shape(o, &g.value))
        }
    }
}

fn many<T>(
    out: &mut Out,
    items: &[T],
    mut each: impl FnMut(&mut Out, &T) -> io::Result<()>,
) -> io::Result<()> {
    out.create_element("MultiGeometry")
        .write_inner_content(|out| items.iter().try_for_each(|item| each(out, item)))?;
    Ok(())
}

fn point(out: &mut Out, p: &Position) -> io::Result<()> {
    out.create_element("Point").write_inner_content(|out| {
        text(out, "coordinates", &coordinates(std::slice::from_ref(p)))
    })?;
    Ok(())
}

fn line(out: &mut Out, positions: &[Position]) -> io::Result<()> {
    out.create_element("LineString")
        .write_inner_content(|out| text(out, "coordinates", &coordinates(positions)))?;
    Ok(())
}

fn polygon(out: &mut Out, rings: &[Vec<Position>]) -> io::Result<()> {
    out.create_element("Polygon").write_inner_content(|out| {
        for (i, ring) in rings.iter().enumerate() {
            let boundary = if i == 0 {
                "outerBoundaryIs"
            } else {
                "innerBoundaryIs"
            };
            out.create_element(boundary).write_inner_content(|out| {
                out.create_element("LinearRing")
                    .write_inner_content(|out| text(out, "coordinates", &coordinates(ring)))?;
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(())
}

/// `lon,lat` tuples separated by spaces, as KML writes them.
fn coordinates(positions: &[Position]) -> String {
    positions
        .iter()
        .map(|p| format!("{},{}", p[0], p[1]))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use crate::{Features, Layout};
    use serde_json::json;

    #[test]
    fn placemarks_carry_the_label_the_properties_and_the_shape_escaped() {
        let page = json!({"items": [{"id": "dec_1", "label": "Camp <west> & \"north\"", "buffer_m": 300.0,
            "geometry": {"type": "Polygon", "coordinates": [[[44, 33], [44.1, 33], [44.1, 33.1], [44, 33]]]}}]});
        let layout = Layout {
            name: "declarations",
            geometry: "/geometry",
            buffer: None,
        };
        let kml = Features::of(page, &layout, false).kml();
        assert!(kml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>declarations</name>"), "{kml}");
        assert!(
            kml.contains("<Placemark><name>Camp &lt;west&gt; &amp; &quot;north&quot;</name>"),
            "{kml}"
        );
        assert!(
            kml.contains("<Data name=\"buffer_m\"><value>300.0</value></Data>"),
            "{kml}"
        );
        assert!(kml.contains("<Polygon><outerBoundaryIs><LinearRing><coordinates>44,33 44.1,33 44.1,33.1 44,33</coordinates>"), "{kml}");
    }
}
