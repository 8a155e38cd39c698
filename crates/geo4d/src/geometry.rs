//! Validated geometries.
//!
//! A [`Geometry`] can only be built through validation, so every geometry the
//! engine holds is well formed: finite coordinates in range, closed simple
//! rings, holes inside their shell, at most [`MAX_VERTICES`] positions.

use crate::LonLat;
use crate::error::{Invalid, Reason};
use crate::planar::{self, Side};

/// The most positions one geometry may have.
pub const MAX_VERTICES: usize = 100_000;

/// The raw shape of a geometry: GeoJSON's types with `[lon, lat]` positions.
#[derive(Debug, Clone, PartialEq)]
pub enum GeometryKind {
    Point(LonLat),
    MultiPoint(Vec<LonLat>),
    LineString(Vec<LonLat>),
    MultiLineString(Vec<Vec<LonLat>>),
    /// Rings: the outer ring first, then holes. Each ring is closed.
    Polygon(Vec<Vec<LonLat>>),
    MultiPolygon(Vec<Vec<Vec<LonLat>>>),
}

/// A geometry that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Geometry(GeometryKind);

impl Geometry {
    /// Validates a geometry; nothing is repaired.
    pub fn new(kind: GeometryKind) -> Result<Geometry, Invalid> {
        validate(&kind)?;
        Ok(Geometry(kind))
    }

    /// A single position, as a moving unit reports it.
    pub fn point(lon: f64, lat: f64) -> Result<Geometry, Invalid> {
        Geometry::new(GeometryKind::Point([lon, lat]))
    }

    /// Reads and validates a GeoJSON geometry object.
    pub fn from_geojson(geometry: &geojson::Geometry) -> Result<Geometry, Invalid> {
        Geometry::new(crate::geojson_io::kind_from_geojson(geometry)?)
    }

    /// Writes the geometry back as GeoJSON, horizontal positions unchanged.
    pub fn to_geojson(&self) -> geojson::Geometry {
        crate::geojson_io::kind_to_geojson(&self.0)
    }

    pub fn kind(&self) -> &GeometryKind {
        &self.0
    }

    /// The first position, for reading ahead: every geometry has one.
    pub(crate) fn first_position(&self) -> LonLat {
        match &self.0 {
            GeometryKind::Point(p) => *p,
            GeometryKind::MultiPoint(p) | GeometryKind::LineString(p) => p[0],
            GeometryKind::MultiLineString(l) | GeometryKind::Polygon(l) => l[0][0],
            GeometryKind::MultiPolygon(p) => p[0][0][0],
        }
    }

    /// The number of positions, closing positions of rings included.
    pub fn vertex_count(&self) -> usize {
        vertex_count(&self.0)
    }
}

fn vertex_count(kind: &GeometryKind) -> usize {
    match kind {
        GeometryKind::Point(_) => 1,
        GeometryKind::MultiPoint(p) | GeometryKind::LineString(p) => p.len(),
        GeometryKind::MultiLineString(l) | GeometryKind::Polygon(l) => l.iter().map(Vec::len).sum(),
        GeometryKind::MultiPolygon(polys) => polys.iter().flatten().map(Vec::len).sum(),
    }
}

fn validate(kind: &GeometryKind) -> Result<(), Invalid> {
    let found = vertex_count(kind);
    if found > MAX_VERTICES {
        return Err(Invalid::at(
            "coordinates",
            Reason::TooManyVertices {
                max: MAX_VERTICES,
                found,
            },
        ));
    }
    match kind {
        GeometryKind::Point(p) => check_position(*p, "coordinates"),
        GeometryKind::MultiPoint(points) => {
            non_empty(points.len(), "coordinates")?;
            check_positions(points, "coordinates")
        }
        GeometryKind::LineString(line) => check_line(line, "coordinates"),
        GeometryKind::MultiLineString(lines) => {
            non_empty(lines.len(), "coordinates")?;
            for (i, line) in lines.iter().enumerate() {
                check_line(line, &format!("coordinates[{i}]"))?;
            }
            Ok(())
        }
        GeometryKind::Polygon(rings) => check_polygon(rings, "coordinates"),
        GeometryKind::MultiPolygon(polygons) => {
            non_empty(polygons.len(), "coordinates")?;
            for (i, rings) in polygons.iter().enumerate() {
                check_polygon(rings, &format!("coordinates[{i}]"))?;
            }
            Ok(())
        }
    }?;
    check_span(kind)
}

fn non_empty(len: usize, path: &str) -> Result<(), Invalid> {
    if len == 0 {
        Err(Invalid::at(path, Reason::Empty))
    } else {
        Ok(())
    }
}

fn check_position(p: LonLat, path: &str) -> Result<(), Invalid> {
    let [lon, lat] = p;
    if !lon.is_finite() {
        return Err(Invalid::at(format!("{path}[0]"), Reason::NotFinite));
    }
    if !lat.is_finite() {
        return Err(Invalid::at(format!("{path}[1]"), Reason::NotFinite));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(Invalid::at(
            format!("{path}[1]"),
            Reason::LatitudeOutOfRange(lat),
        ));
    }
    if !(-360.0..=360.0).contains(&lon) {
        return Err(Invalid::at(
            format!("{path}[0]"),
            Reason::LongitudeOutOfRange(lon),
        ));
    }
    Ok(())
}

fn check_positions(points: &[LonLat], path: &str) -> Result<(), Invalid> {
    // Most input is valid: find the culprit first, name it only then.
    match points.iter().position(|p| check_position(*p, "").is_err()) {
        Some(i) => check_position(points[i], &format!("{path}[{i}]")),
        None => Ok(()),
    }
}

fn check_line(line: &[LonLat], path: &str) -> Result<(), Invalid> {
    if line.is_empty() {
        return Err(Invalid::at(path, Reason::Empty));
    }
    if line.len() < 2 {
        return Err(Invalid::at(
            path,
            Reason::TooFewPositions {
                min: 2,
                found: line.len(),
            },
        ));
    }
    check_positions(line, path)
}

fn check_polygon(rings: &[Vec<LonLat>], path: &str) -> Result<(), Invalid> {
    non_empty(rings.len(), path)?;
    for (r, ring) in rings.iter().enumerate() {
        check_ring(ring, &format!("{path}[{r}]"))?;
    }
    check_crossings(rings, path)?;
    check_holes(rings, path)
}

fn check_ring(ring: &[LonLat], path: &str) -> Result<(), Invalid> {
    if ring.is_empty() {
        return Err(Invalid::at(path, Reason::Empty));
    }
    if ring.len() < 4 {
        return Err(Invalid::at(
            path,
            Reason::TooFewPositions {
                min: 4,
                found: ring.len(),
            },
        ));
    }
    check_positions(ring, path)?;
    if ring.first() != ring.last() {
        return Err(Invalid::at(path, Reason::RingNotClosed));
    }
    if let Some(index) = ring.windows(2).position(|w| w[0] == w[1]) {
        return Err(Invalid::at(
            format!("{path}[{}]", index + 1),
            Reason::RepeatedPosition { index: index + 1 },
        ));
    }
    Ok(())
}

/// An edge of a polygon: ring number, edge number within the ring, ends.
#[derive(Clone, Copy)]
struct Edge {
    ring: usize,
    index: usize,
    a: LonLat,
    b: LonLat,
}

impl rstar::RTreeObject for Edge {
    type Envelope = rstar::AABB<LonLat>;
    fn envelope(&self) -> Self::Envelope {
        rstar::AABB::from_corners(self.a, self.b)
    }
}

/// Finds the first pair of edges that meet where they must not: any two edges
/// of different rings, or two edges of one ring that are not neighbours (or
/// neighbours folding back over each other).
fn check_crossings(rings: &[Vec<LonLat>], path: &str) -> Result<(), Invalid> {
    let edges: Vec<Edge> = rings
        .iter()
        .enumerate()
        .flat_map(|(ring, positions)| {
            positions
                .windows(2)
                .enumerate()
                .map(move |(index, w)| Edge {
                    ring,
                    index,
                    a: w[0],
                    b: w[1],
                })
        })
        .collect();
    let edge_counts: Vec<usize> = rings.iter().map(|r| r.len() - 1).collect();
    let clash = |e: &Edge, f: &Edge| -> bool {
        if e.ring == f.ring {
            let n = edge_counts[e.ring];
            let (lo, hi) = if e.index < f.index { (e, f) } else { (f, e) };
            if hi.index == lo.index + 1 {
                return planar::folds_back(lo.a, lo.b, hi.b);
            }
            if lo.index == 0 && hi.index == n - 1 {
                return planar::folds_back(hi.a, hi.b, lo.b);
            }
        }
        planar::segments_meet(e.a, e.b, f.a, f.b)
    };
    let report = |e: &Edge, f: &Edge| {
        let (e, f) = if (e.ring, e.index) < (f.ring, f.index) {
            (e, f)
        } else {
            (f, e)
        };
        if e.ring == f.ring {
            Invalid::at(
                format!("{path}[{}]", e.ring),
                Reason::SelfCrossing {
                    first: e.index,
                    second: f.index,
                },
            )
        } else {
            Invalid::at(
                path,
                Reason::RingsCross {
                    first: e.ring,
                    second: f.ring,
                },
            )
        }
    };
    // Small rings are cheaper to check pairwise than to index.
    if edges.len() <= 64 {
        for (k, e) in edges.iter().enumerate() {
            if let Some(f) = edges[k + 1..].iter().find(|f| clash(e, f)) {
                return Err(report(e, f));
            }
        }
        return Ok(());
    }
    let tree = rstar::RTree::bulk_load(edges.clone());
    let mut first: Option<(Edge, Edge)> = None;
    for e in &edges {
        for f in tree.locate_in_envelope_intersecting(&rstar::RTreeObject::envelope(e)) {
            if (f.ring, f.index) > (e.ring, e.index) && clash(e, f) {
                let better = first.is_none_or(|(x, y)| {
                    ((e.ring, e.index), (f.ring, f.index)) < ((x.ring, x.index), (y.ring, y.index))
                });
                if better {
                    first = Some((*e, *f));
                }
            }
        }
        if first.is_some() {
            break;
        }
    }
    match first {
        Some((e, f)) => Err(report(&e, &f)),
        None => Ok(()),
    }
}

/// With no rings meeting, a hole is inside the shell exactly when one of its
/// positions is, and nested in another hole exactly when one of its positions
/// is inside that hole.
fn check_holes(rings: &[Vec<LonLat>], path: &str) -> Result<(), Invalid> {
    let Some((shell, holes)) = rings.split_first() else {
        return Ok(());
    };
    for (h, hole) in holes.iter().enumerate() {
        let hole_number = h + 1;
        if planar::ring_side(shell, hole[0]) != Side::Inside {
            return Err(Invalid::at(
                format!("{path}[{hole_number}]"),
                Reason::HoleOutsideShell { hole: hole_number },
            ));
        }
        for (o, other) in holes.iter().enumerate() {
            if o != h && planar::ring_side(other, hole[0]) == Side::Inside {
                return Err(Invalid::at(
                    format!("{path}[{hole_number}]"),
                    Reason::NestedHoles {
                        hole: hole_number,
                        other: o + 1,
                    },
                ));
            }
        }
    }
    Ok(())
}

/// Longitudes may run past ±180 so that a geometry can cross the antimeridian
/// as one piece, but one geometry may not wrap around the Earth more than once.
fn check_span(kind: &GeometryKind) -> Result<(), Invalid> {
    let [lo, _, hi, _] = extent(kind);
    let span = hi - lo;
    if span > 360.0 {
        return Err(Invalid::at(
            "coordinates",
            Reason::LongitudeSpanTooWide(span),
        ));
    }
    Ok(())
}

/// `[lon_lo, lat_lo, lon_hi, lat_hi]` over every position, longitudes as
/// written (possibly past ±180).
pub(crate) fn extent(kind: &GeometryKind) -> [f64; 4] {
    let grow = |[x0, y0, x1, y1]: [f64; 4], [x, y]: &LonLat| {
        [x0.min(*x), y0.min(*y), x1.max(*x), y1.max(*y)]
    };
    let empty = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    // No boxed iterator: this runs for every query and every candidate's box.
    match kind {
        GeometryKind::Point([x, y]) => [*x, *y, *x, *y],
        GeometryKind::MultiPoint(p) | GeometryKind::LineString(p) => p.iter().fold(empty, grow),
        GeometryKind::MultiLineString(l) | GeometryKind::Polygon(l) => {
            l.iter().flatten().fold(empty, grow)
        }
        GeometryKind::MultiPolygon(polys) => polys.iter().flatten().flatten().fold(empty, grow),
    }
}
