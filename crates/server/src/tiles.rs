//! The deployment's own ground under the console's shapes: raster tiles
//! from an MBTiles file the service serves itself (`GET /v1/tiles/...`), or
//! the URL template of a tile server the console loads from directly.
//!
//! The source is the operator's, checked once at start-up, and the same for
//! every party: nothing here depends on who asks, so what it answers tells
//! no party anything of another. Reading a tile waits on the disk, so it
//! runs on the blocking pool, on one of a few read-only connections: a
//! semaphore holds the tile reads in flight to their number, so that no
//! caller, however many requests it sends, can take more of the blocking
//! pool than that from the command path and the other parties.

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::Semaphore;

/// The deepest zoom level a tile is addressed at: 2^30 tiles a side.
pub(crate) const MAX_ZOOM: u8 = 30;
/// Read-only connections to an MBTiles file, and so tile reads at once.
const READERS: usize = 4;
/// The zoom levels an external tile server is asked for.
const EXTERNAL_ZOOMS: (u8, u8) = (0, 19);
/// The longest URL template and attribution taken.
const MAX_TEMPLATE: usize = 2048;
const MAX_ATTRIBUTION: usize = 500;

/// Where the console's ground comes from; cheap to clone.
#[derive(Clone)]
pub struct TileSource(Arc<Inner>);

struct Inner {
    origin: Origin,
    format: Option<Format>,
    min_zoom: u8,
    max_zoom: u8,
    /// `[west, south, east, north]` in degrees.
    bounds: Option<[f64; 4]>,
    attribution: Option<String>,
}

enum Origin {
    File(Arc<MbTiles>),
    /// The browser loads from `template`; `origin` is what the console's
    /// Content-Security-Policy lets it load images from.
    External {
        template: String,
        origin: String,
    },
}

impl std::fmt::Debug for TileSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.0.origin {
            Origin::File(_) => "mbtiles",
            Origin::External { .. } => "external",
        };
        f.debug_struct("TileSource")
            .field("kind", &kind)
            .finish_non_exhaustive()
    }
}

/// Why a tile source was refused at start-up.
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    #[error("cannot open it read-only: {0}")]
    Open(rusqlite::Error),
    #[error(
        "not an MBTiles file (a `tiles` table of zoom_level, tile_column, tile_row and tile_data, and a `metadata` table of name and value): {0}"
    )]
    NotMbTiles(rusqlite::Error),
    #[error(
        "its tiles are vector tiles (format `pbf`); only raster tiles (png, jpg or webp) can be shown"
    )]
    Vector,
    #[error("its metadata names format `{0}`; only png, jpg and webp tiles can be shown")]
    Format(String),
    #[error("its metadata names no format (png, jpg or webp)")]
    NoFormat,
    #[error("its metadata's {0} is not what MBTiles says it is")]
    Metadata(&'static str),
    #[error("it holds no tiles")]
    Empty,
    #[error("{0}")]
    Template(&'static str),
}

/// The image format of a source's tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Png,
    Jpg,
    Webp,
}

impl Format {
    fn parse(text: &str) -> Result<Format, TileError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "png" => Ok(Format::Png),
            "jpg" | "jpeg" => Ok(Format::Jpg),
            "webp" => Ok(Format::Webp),
            "pbf" | "mvt" => Err(TileError::Vector),
            _ => Err(TileError::Format(text.chars().take(32).collect())),
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpg => "jpg",
            Format::Webp => "webp",
        }
    }

    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpg => "image/jpeg",
            Format::Webp => "image/webp",
        }
    }
}

/// One tile's bytes and the strong validator of them.
#[derive(Debug)]
pub(crate) struct Tile {
    pub(crate) bytes: Vec<u8>,
    pub(crate) etag: String,
}

impl TileSource {
    /// The raster MBTiles file at `path`, opened read-only and checked;
    /// `attribution` replaces the one its metadata names.
    pub fn mbtiles(path: &Path, attribution: Option<&str>) -> Result<TileSource, TileError> {
        let connections = (0..READERS)
            .map(|_| open(path))
            .collect::<Result<Vec<_>, _>>()?;
        let first = &connections[0];
        first.prepare(TILE_QUERY).map_err(TileError::NotMbTiles)?;
        let meta = |name| metadata(first, name);
        let format = Format::parse(&meta("format")?.ok_or(TileError::NoFormat)?)?;
        let (min_zoom, max_zoom) = zooms(first, meta("minzoom")?, meta("maxzoom")?)?;
        let bounds = meta("bounds")?.map(|b| parse_bounds(&b)).transpose()?;
        let attribution = match attribution {
            Some(text) => Some(text.to_owned()),
            None => meta("attribution")?.or(meta("name")?),
        };
        Ok(TileSource(Arc::new(Inner {
            origin: Origin::File(Arc::new(MbTiles {
                connections: Mutex::new(connections),
                permits: Arc::new(Semaphore::new(READERS)),
            })),
            format: Some(format),
            min_zoom,
            max_zoom,
            bounds,
            attribution: attribution.as_deref().and_then(plain_text),
        })))
    }

    /// A tile server's `http(s)://host/{z}/{x}/{y}.png` template, loaded
    /// from by the browser, with the attribution its terms ask for.
    pub fn external(template: &str, attribution: Option<&str>) -> Result<TileSource, TileError> {
        let origin = template_origin(template)?;
        let path = template.split(['?', '#']).next().unwrap_or_default();
        let format = path
            .rsplit_once('.')
            .and_then(|(_, ext)| Format::parse(ext).ok());
        Ok(TileSource(Arc::new(Inner {
            origin: Origin::External {
                template: template.to_owned(),
                origin,
            },
            format,
            min_zoom: EXTERNAL_ZOOMS.0,
            max_zoom: EXTERNAL_ZOOMS.1,
            bounds: None,
            attribution: attribution.and_then(plain_text),
        })))
    }

    /// What a client loads tiles from: the service's own route, or the
    /// external template.
    pub(crate) fn url(&self) -> &str {
        match &self.0.origin {
            Origin::File(_) => "/v1/tiles/{z}/{x}/{y}",
            Origin::External { template, .. } => template,
        }
    }

    pub(crate) fn format(&self) -> Option<Format> {
        self.0.format
    }

    pub(crate) fn zooms(&self) -> (u8, u8) {
        (self.0.min_zoom, self.0.max_zoom)
    }

    pub(crate) fn bounds(&self) -> Option<[f64; 4]> {
        self.0.bounds
    }

    pub(crate) fn attribution(&self) -> Option<&str> {
        self.0.attribution.as_deref()
    }

    /// The origin the console's pages must be let load images from: an
    /// external server's, `None` for the service's own tiles.
    pub(crate) fn image_origin(&self) -> Option<&str> {
        match &self.0.origin {
            Origin::File(_) => None,
            Origin::External { origin, .. } => Some(origin),
        }
    }

    /// The tile at `z/x/y` (XYZ, as web maps count rows: from the north),
    /// or `None` where the file has none or holds no such zoom level.
    pub(crate) async fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Tile>, TileError> {
        let Origin::File(file) = &self.0.origin else {
            return Ok(None);
        };
        if !(self.0.min_zoom..=self.0.max_zoom).contains(&z) {
            return Ok(None);
        }
        // Held by the blocking task itself: a request that times out and is
        // dropped does not free its reader while the read goes on.
        let permit = file
            .permits
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let file = Arc::clone(file);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            file.read(z, x, y)
        })
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
    }
}

/// An MBTiles file's read-only connections, one per tile read in flight.
struct MbTiles {
    connections: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

/// MBTiles rows count from the south (TMS); `?3` is that row.
const TILE_QUERY: &str =
    "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3";

impl MbTiles {
    /// Reads on a connection of its own; the caller holds a permit, so one
    /// is free.
    fn read(&self, z: u8, x: u32, y: u32) -> Result<Option<Tile>, TileError> {
        let lock = || {
            self.connections
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
        };
        let connection = lock().pop().expect("a permit per connection");
        let row = (1u32 << z) - 1 - y;
        let found = connection
            .prepare_cached(TILE_QUERY)
            .and_then(|mut q| {
                q.query_row((z, x, row), |r| r.get::<_, Vec<u8>>(0))
                    .optional()
            })
            .map_err(TileError::NotMbTiles);
        lock().push(connection);
        Ok(found?.map(|bytes| {
            let digest = Sha256::digest(&bytes);
            let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
            Tile {
                bytes,
                etag: format!("\"{hex}\""),
            }
        }))
    }
}

fn open(path: &Path) -> Result<Connection, TileError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Connection::open_with_flags(path, flags).map_err(TileError::Open)
}

fn metadata(connection: &Connection, name: &str) -> Result<Option<String>, TileError> {
    connection
        .query_row("SELECT value FROM metadata WHERE name = ?1", [name], |r| {
            r.get::<_, Option<String>>(0)
        })
        .optional()
        .map(Option::flatten)
        .map_err(TileError::NotMbTiles)
}

/// The zoom levels of the metadata, else of the tiles themselves.
fn zooms(
    connection: &Connection,
    min: Option<String>,
    max: Option<String>,
) -> Result<(u8, u8), TileError> {
    let level = |text: Option<String>, name| {
        text.map(|t| {
            t.trim()
                .parse::<u8>()
                .ok()
                .filter(|z| *z <= MAX_ZOOM)
                .ok_or(TileError::Metadata(name))
        })
        .transpose()
    };
    let (min, max) = (level(min, "minzoom")?, level(max, "maxzoom")?);
    let (min, max) = match (min, max) {
        (Some(min), Some(max)) => (min, max),
        _ => {
            let (low, high): (Option<u8>, Option<u8>) = connection
                .query_row(
                    "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(TileError::NotMbTiles)?;
            let (Some(low), Some(high)) = (min.or(low), max.or(high)) else {
                return Err(TileError::Empty);
            };
            (low, high)
        }
    };
    if min > max || max > MAX_ZOOM {
        return Err(TileError::Metadata("minzoom/maxzoom"));
    }
    Ok((min, max))
}

/// `west,south,east,north` in degrees, as MBTiles writes bounds.
fn parse_bounds(text: &str) -> Result<[f64; 4], TileError> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|n| n.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| TileError::Metadata("bounds"))?;
    match numbers[..] {
        [w, s, e, n]
            if (-180.0..=180.0).contains(&w)
                && (-180.0..=180.0).contains(&e)
                && (-90.0..=90.0).contains(&s)
                && (-90.0..=90.0).contains(&n)
                && s <= n =>
        {
            Ok([w, s, e, n])
        }
        _ => Err(TileError::Metadata("bounds")),
    }
}

/// The scheme and authority of a tile URL template, after checking that it
/// is `http(s)://host[:port]/...` with `{z}`, `{x}` and `{y}` and no other
/// placeholder; the authority may hold nothing a Content-Security-Policy
/// would read as more than one origin.
fn template_origin(template: &str) -> Result<String, TileError> {
    let refuse = |why| Err(TileError::Template(why));
    if template.len() > MAX_TEMPLATE || !template.bytes().all(|b| b.is_ascii_graphic()) {
        return refuse("must be a URL of printable ASCII without spaces, at most 2048 characters");
    }
    let Some((scheme, rest)) = template.split_once("://") else {
        return refuse("must start with https:// (or http://)");
    };
    if scheme != "https" && scheme != "http" {
        return refuse("must start with https:// (or http://)");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let plain_host = authority
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
    if authority.is_empty() || !plain_host {
        return refuse(
            "must name a host (and port) of its own, with no placeholder, user or password in it",
        );
    }
    if ["{z}", "{x}", "{y}"].iter().any(|p| !template.contains(p)) {
        return refuse("must hold {z}, {x} and {y}");
    }
    let bare = template
        .replace("{z}", "")
        .replace("{x}", "")
        .replace("{y}", "");
    if bare.contains(['{', '}']) {
        return refuse("may hold no placeholder but {z}, {x} and {y}");
    }
    Ok(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// An attribution as plain text: an MBTiles file's is often HTML (`<a
/// href=...>&copy; ...</a>`), which the console must not render as markup.
fn plain_text(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            c if c.is_control() || c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
    let out = out.replace("&copy;", "©").replace("&amp;", "&");
    let words: Vec<&str> = out.split(' ').filter(|w| !w.is_empty()).collect();
    let joined: String = words.join(" ").chars().take(MAX_ATTRIBUTION).collect();
    (!joined.is_empty()).then_some(joined)
}

/// A path segment of a tile's address: a whole number in decimal digits
/// only, below `limit`.
pub(crate) fn coordinate(text: &str, limit: u64) -> Option<u32> {
    if text.is_empty() || text.len() > 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = text.parse().ok()?;
    (n < limit).then(|| u32::try_from(n).ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An MBTiles file with `metadata` rows and one tile at 0/0/0.
    fn file(dir: &Path, metadata: &str) -> std::path::PathBuf {
        let path = dir.join("t.mbtiles");
        let db = Connection::open(&path).unwrap();
        db.execute_batch(&format!(
            "CREATE TABLE metadata (name TEXT, value TEXT);
             CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,
                                 tile_data BLOB);
             INSERT INTO tiles VALUES (0, 0, 0, x'89504e47');
             {metadata}"
        ))
        .unwrap();
        path
    }

    #[tokio::test]
    async fn reads_wait_for_a_free_reader() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(dir.path(), "INSERT INTO metadata VALUES ('format', 'png');");
        let source = TileSource::mbtiles(&path, None).unwrap();
        let Origin::File(mbtiles) = &source.0.origin else {
            panic!("a file")
        };
        let all = u32::try_from(READERS).unwrap();
        let held = mbtiles
            .permits
            .clone()
            .acquire_many_owned(all)
            .await
            .unwrap();
        let wait = std::time::Duration::from_millis(100);
        let read = tokio::time::timeout(wait, source.tile(0, 0, 0)).await;
        assert!(read.is_err(), "a read went past the bound on readers");
        drop(held);
        assert!(source.tile(0, 0, 0).await.unwrap().is_some());
    }

    #[test]
    fn only_a_raster_mbtiles_file_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let refused = |metadata: &str| {
            let path = file(dir.path(), metadata);
            let e = TileSource::mbtiles(&path, None).unwrap_err();
            std::fs::remove_file(path).unwrap();
            e
        };
        let vector = "INSERT INTO metadata VALUES ('format', 'pbf');";
        assert!(matches!(refused(vector), TileError::Vector));
        assert!(matches!(refused(""), TileError::NoFormat));
        let tiff = "INSERT INTO metadata VALUES ('format', 'tiff');";
        assert!(matches!(refused(tiff), TileError::Format(_)));
        let bounds = "INSERT INTO metadata VALUES ('format', 'png'), ('bounds', '1,2,3');";
        assert!(matches!(refused(bounds), TileError::Metadata("bounds")));
        let text = dir.path().join("notes.mbtiles");
        std::fs::write(&text, "not a database at all, just words".repeat(200)).unwrap();
        assert!(matches!(
            TileSource::mbtiles(&text, None).unwrap_err(),
            TileError::NotMbTiles(_)
        ));
        let missing = dir.path().join("missing.mbtiles");
        assert!(matches!(
            TileSource::mbtiles(&missing, None).unwrap_err(),
            TileError::Open(_)
        ));
        assert!(!missing.exists(), "opening read-only created the file");
    }

    #[test]
    fn a_template_gives_its_origin_and_nothing_more() {
        let ok = |t| template_origin(t).unwrap();
        assert_eq!(
            ok("https://Tiles.Example.org:8443/a/{z}/{x}/{y}.png?key=1"),
            "https://tiles.example.org:8443"
        );
        assert_eq!(ok("http://10.0.0.5/{z}/{y}/{x}"), "http://10.0.0.5");
        for bad in [
            "ftp://tiles.example.org/{z}/{x}/{y}.png",
            "https://{s}.tile.example.org/{z}/{x}/{y}.png",
            "https://tiles.example.org/{z}/{x}.png",
            "https://tiles.example.org/{z}/{x}/{y}{r}.png",
            "https://user:pw@tiles.example.org/{z}/{x}/{y}.png",
            "https://tiles.example.org; script-src *;/{z}/{x}/{y}",
            "https://a.example.org https://b.example.org/{z}/{x}/{y}",
            "//tiles.example.org/{z}/{x}/{y}.png",
        ] {
            assert!(template_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn attributions_are_plain_text() {
        assert_eq!(
            plain_text("<a href=\"https://osm.org\">&copy; OpenStreetMap</a>\n contributors")
                .as_deref(),
            Some("© OpenStreetMap contributors")
        );
        assert_eq!(plain_text("<b></b> "), None);
    }

    #[test]
    fn coordinates_are_digits_below_their_limit() {
        assert_eq!(coordinate("0", 1), Some(0));
        assert_eq!(coordinate("007", 8), Some(7));
        for bad in ["", "8", "-1", "+1", " 1", "1.0", "99999999999", "0x1"] {
            assert_eq!(coordinate(bad, 8), None, "{bad}");
        }
        assert_eq!(coordinate("1073741823", 1 << 30), Some((1 << 30) - 1));
    }
}
