//! Which format an answer is wanted in: `?f=` first, then `Accept`.

/// The formats a route with features answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The API's own JSON.
    Json,
    GeoJson,
    Kml,
    Csv,
}

/// A `?f=` value that names no format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format {0:?}: one of json, geojson, kml, csv")]
pub struct UnknownFormat(pub String);

const ALL: [Format; 4] = [Format::Json, Format::GeoJson, Format::Kml, Format::Csv];

impl Format {
    /// Its name in `?f=`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::GeoJson => "geojson",
            Format::Kml => "kml",
            Format::Csv => "csv",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::GeoJson => "application/geo+json",
            Format::Kml => "application/vnd.google-earth.kml+xml",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    /// The format `?f=` names.
    pub fn named(name: &str) -> Result<Format, UnknownFormat> {
        ALL.into_iter()
            .find(|f| f.name() == name)
            .ok_or_else(|| UnknownFormat(name.to_owned()))
    }

    /// The format an `Accept` header prefers most among those served; JSON
    /// when it names none of them (a browser's `*/*`, say).
    pub fn accepted(accept: &str) -> Format {
        let mut best = (Format::Json, 0.0f32);
        for range in accept.split(',') {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or_default().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let format = ALL
                .into_iter()
                .find(|f| f.media_type().split(';').next() == Some(media.as_str()));
            if let Some(format) = format
                && q > best.1
            {
                best = (format, q);
            }
        }
        best.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_headers_as_gis_tools_and_browsers_send_them() {
        let cases = [
            ("application/geo+json", Format::GeoJson),
            (
                "application/geo+json, application/json;q=0.9",
                Format::GeoJson,
            ),
            ("application/json, application/geo+json;q=0.5", Format::Json),
            ("application/vnd.google-earth.kml+xml", Format::Kml),
            ("text/csv", Format::Csv),
            ("TEXT/CSV;q=0.8, text/html", Format::Csv),
            ("text/html,application/xhtml+xml,*/*;q=0.8", Format::Json),
            ("application/geo+json;q=0", Format::Json),
            ("", Format::Json),
        ];
        for (accept, format) in cases {
            assert_eq!(Format::accepted(accept), format, "{accept}");
        }
    }

    #[test]
    fn f_names_a_format_or_is_refused() {
        for format in ALL {
            assert_eq!(Format::named(format.name()), Ok(format));
        }
        assert_eq!(Format::named("shp"), Err(UnknownFormat("shp".into())));
    }
}
