//! Geometries prepared for distance queries, and the decision "are these two
//! geometries within `limit` metres of each other?".
//!
//! A geometry is cut into pieces: its points and its straight lon/lat
//! edges. Two geometries are compared by branch and bound over parts of
//! them — runs of consecutive pieces, stretches of one edge, and, for large
//! geometries, nodes of a ball tree — with a proven lower bound to drop a
//! pair of parts and a distance between two real points to accept one:
//!
//! - two stretches (or points) are bounded by their distance in the locally
//!   scaled plane of module `flat`, which also names the pair of their
//!   points to measure: the length of the straight lon/lat path between
//!   them accepts, and when it cannot, Karney's geodesic between them does;
//! - the whole of what is searched is bounded first by the two boxes in
//!   that plane, which drops a pair whose buffered boxes in the index met
//!   only corner to corner;
//! - two runs are bounded by their lon/lat boxes in the same plane; a run
//!   facing a single stretch is replaced by its pieces;
//! - a ball-tree node has a centre on the geometry and a radius in metres no
//!   piece below it reaches beyond, and is bounded through its centre.
//!
//! Otherwise the larger part is split (an edge in halves). A pair is
//! accepted once two of its real points are within the limit plus the
//! tolerance, which is how a reported pair may exceed the limit by at most
//! that much and never more; parts shrink with every split, so the search
//! ends, and no pair within the limit is ever dropped.
//!
//! A geometry of at most [`SMALL`] pieces keeps nothing beside itself: its
//! pieces are read from it, into a buffer on the stack, when a decision
//! needs them. A larger one keeps a copy of its pieces and a ball tree over
//! them, so that a decision visits only the few pieces near the other
//! geometry.
//!
//! Two points are decided by one geodesic, or, for a point query in the
//! index, first by the bounds of `flat::Near`, made once per query: no
//! trigonometry per pair, and the same answer.
//!
//! Interiors are decided in the plane: a polygon covers whatever its region
//! holds in lon/lat, where RFC 7946 draws its edges.
//!
//! A geometry wider than [`CHUNK_DEG`] is also cut into chunks — runs of
//! pieces, tree nodes or stretches of long edges, each within that size —
//! so that the index can hold a small box per chunk instead of one box over
//! a whole 100 km route, and check only the chunks near a query.

use crate::LonLat;
use crate::earth::{R_MAX, R_MIN, central_angle, geodesic_m, segment_length_bound};
use crate::flat::{Near, Plane, lerp, path_length};
use crate::geometry::{Geometry, GeometryKind};
use crate::planar;
use crate::round::f32_up;
use std::cell::OnceCell;
use std::cmp::Ordering;

/// How far past the limit a reported pair may be: max(1 m, 0.05 %), kept a
/// hair inside so rounding cannot push a report over the promise.
pub fn tolerance_m(limit_m: f64) -> f64 {
    0.999 * (0.0005 * limit_m).max(1.0)
}

/// The most pieces a geometry may have and still be read straight from its
/// positions. Up to here, looking at every piece costs less than a tree
/// would, in time and far more in memory.
pub(crate) const SMALL: usize = 64;

/// What a volume keeps beside its geometry for distance decisions.
#[derive(Debug, Clone)]
pub(crate) enum Shape {
    /// Nothing: at most [`SMALL`] pieces, read from the geometry.
    Small,
    Large(Box<Complex>),
}

#[derive(Debug, Clone)]
pub(crate) struct Complex {
    pieces: Vec<[LonLat; 2]>,
    nodes: Vec<Node>,
    /// One position of every part (each point, line and outer ring): when
    /// no edges come close, one geometry is inside a polygon of the other
    /// exactly when these are.
    probes: Vec<LonLat>,
    polygons: Vec<PolygonArea>,
    /// Empty when the whole geometry fits in one chunk.
    chunks: Vec<Chunk>,
}

/// The largest extent, in degrees of latitude or longitude, of a geometry
/// the index holds as one box; wider ones are held chunk by chunk.
pub(crate) const CHUNK_DEG: f64 = 0.05;

/// A part of a geometry at most [`CHUNK_DEG`] across, and its extent
/// `[lon_lo, lat_lo, lon_hi, lat_hi]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Chunk {
    part: Part,
    pub(crate) extent: [f64; 4],
    /// What [`View::chunk`] finds it by, without walking the chunks before
    /// it: for a large geometry its place in the stored list; for a small
    /// one its first piece, or past [`SMALL`] its edge and its place along
    /// that edge.
    pub(crate) key: u32,
}

/// Keys of stretches of one edge: room for the most stretches an edge can
/// be cut into (360° in 0.05° steps).
const STRETCH_KEYS: u32 = 8192;

#[derive(Debug, Clone)]
struct PolygonArea {
    /// Each ring as a range of `pieces` (its edges), the outer ring first.
    rings: Vec<std::ops::Range<u32>>,
    lon_lo: f64,
    lon_hi: f64,
    lat_lo: f64,
    lat_hi: f64,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    /// In metres, rounded up to an `f32`: a looser ball is still a bound,
    /// and half the bytes keep a polygon's tree small.
    radius: f32,
    /// The centre: the start of piece `center` for an inner node, the
    /// middle of it for a leaf (whose piece it is).
    center: u32,
    /// `LEAF` for a leaf.
    left: u32,
    right: u32,
}

const LEAF: u32 = u32::MAX;

/// A part of a geometry under comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    /// A node of a large geometry's ball tree.
    Node(u32),
    /// Pieces `lo..hi`, at least two.
    Run { lo: u32, hi: u32 },
    /// The stretch `[s0, s1]` of a piece's edge (all of it for `[0, 1]`).
    Stretch { piece: u32, s0: f64, s1: f64 },
}

/// Pieces `lo..hi` as a part.
fn run(lo: u32, hi: u32) -> Part {
    if hi - lo == 1 {
        Part::Stretch {
            piece: lo,
            s0: 0.0,
            s1: 1.0,
        }
    } else {
        Part::Run { lo, hi }
    }
}

impl Shape {
    pub(crate) fn new(geometry: &Geometry) -> Shape {
        if piece_count(geometry.kind()) <= SMALL {
            Shape::Small
        } else {
            Shape::Large(Box::new(Complex::new(geometry.kind())))
        }
    }
}

/// The pieces of a geometry: one per point, one per edge.
fn piece_count(kind: &GeometryKind) -> usize {
    let edges = |line: &Vec<LonLat>| line.len() - 1;
    match kind {
        GeometryKind::Point(_) => 1,
        GeometryKind::MultiPoint(points) => points.len(),
        GeometryKind::LineString(line) => edges(line),
        GeometryKind::MultiLineString(lines) | GeometryKind::Polygon(lines) => {
            lines.iter().map(edges).sum()
        }
        GeometryKind::MultiPolygon(polygons) => polygons.iter().flatten().map(edges).sum(),
    }
}

/// Calls `f` with every piece, in the order [`Complex::new`] stores them.
fn for_each_piece(kind: &GeometryKind, mut f: impl FnMut([LonLat; 2])) {
    let mut line = |l: &Vec<LonLat>| l.windows(2).for_each(|w| f([w[0], w[1]]));
    match kind {
        GeometryKind::Point(p) => f([*p, *p]),
        GeometryKind::MultiPoint(points) => points.iter().for_each(|p| f([*p, *p])),
        GeometryKind::LineString(l) => line(l),
        GeometryKind::MultiLineString(lines) | GeometryKind::Polygon(lines) => {
            lines.iter().for_each(line)
        }
        GeometryKind::MultiPolygon(polygons) => polygons.iter().flatten().for_each(line),
    }
}

/// One position of every part: see [`Complex::probes`].
fn any_probe(kind: &GeometryKind, mut f: impl FnMut(LonLat) -> bool) -> bool {
    match kind {
        GeometryKind::Point(p) => f(*p),
        GeometryKind::MultiPoint(points) => points.iter().any(|p| f(*p)),
        GeometryKind::LineString(line) => f(line[0]),
        GeometryKind::MultiLineString(lines) => lines.iter().any(|l| f(l[0])),
        GeometryKind::Polygon(rings) => f(rings[0][0]),
        GeometryKind::MultiPolygon(polygons) => polygons.iter().any(|rings| f(rings[0][0])),
    }
}

/// The pieces a decision reads: borrowed from a large geometry or read in
/// place from a line or a ring; only a small geometry of several parts is
/// copied (a rare shape, and one allocation).
#[derive(Debug)]
enum Pieces<'a> {
    One([LonLat; 2]),
    /// Piece `i` is positions `i` and `i + 1`.
    Line(&'a [LonLat]),
    Copied(Vec<[LonLat; 2]>),
    Stored(&'a [[LonLat; 2]]),
}

/// A geometry ready for a decision.
#[derive(Debug)]
pub(crate) struct View<'a> {
    kind: &'a GeometryKind,
    large: Option<&'a Complex>,
    pieces: Pieces<'a>,
    /// Whether the geometry is wider than one chunk: found when first
    /// asked (it takes a pass over the positions), unless told.
    chunked: OnceCell<bool>,
}

impl<'a> View<'a> {
    pub(crate) fn new(geometry: &'a Geometry, shape: &'a Shape) -> View<'a> {
        let kind = geometry.kind();
        if let Shape::Large(c) = shape {
            return View {
                kind,
                large: Some(c),
                pieces: Pieces::Stored(&c.pieces),
                chunked: OnceCell::from(!c.chunks.is_empty()),
            };
        }
        let pieces = match kind {
            GeometryKind::Point(p) => Pieces::One([*p, *p]),
            GeometryKind::LineString(line) => Pieces::Line(line),
            GeometryKind::Polygon(rings) if rings.len() == 1 => Pieces::Line(&rings[0]),
            _ => {
                let mut copied = Vec::with_capacity(piece_count(kind));
                for_each_piece(kind, |piece| copied.push(piece));
                Pieces::Copied(copied)
            }
        };
        View {
            kind,
            large: None,
            pieces,
            chunked: match kind {
                GeometryKind::Point(_) => OnceCell::from(false),
                _ => OnceCell::new(),
            },
        }
    }

    fn len(&self) -> usize {
        match &self.pieces {
            Pieces::One(_) => 1,
            Pieces::Line(line) => line.len() - 1,
            Pieces::Copied(pieces) => pieces.len(),
            Pieces::Stored(pieces) => pieces.len(),
        }
    }

    fn piece(&self, i: usize) -> [LonLat; 2] {
        match &self.pieces {
            Pieces::One(piece) => *piece,
            Pieces::Line(line) => [line[i], line[i + 1]],
            Pieces::Copied(pieces) => pieces[i],
            Pieces::Stored(pieces) => pieces[i],
        }
    }

    fn root(&self) -> Part {
        match self.large {
            Some(_) => Part::Node(0),
            None => run(0, self.len() as u32),
        }
    }

    /// The chunks of a geometry wider than [`CHUNK_DEG`]; none otherwise.
    pub(crate) fn chunks(&self) -> Chunks<'_> {
        match self.large {
            Some(c) => Chunks::Stored(c.chunks.iter()),
            None if self.is_chunked() => Chunks::Runs {
                view: self,
                next: 0,
                cut: None,
            },
            None => Chunks::Stored([].iter()),
        }
    }

    /// The chunk with this [`Chunk::key`].
    pub(crate) fn chunk(&self, key: u32) -> Chunk {
        if let Some(c) = self.large {
            return c.chunks[key as usize];
        }
        let Some(stretch) = key.checked_sub(SMALL as u32) else {
            return run_chunk(self, key as usize).0;
        };
        let (piece, i) = (
            (stretch / STRETCH_KEYS) as usize,
            (stretch % STRETCH_KEYS) as usize,
        );
        let edge = self.piece(piece);
        stretch_chunk(edge, piece, i, stretch_count(edge))
    }

    pub(crate) fn is_chunked(&self) -> bool {
        *self
            .chunked
            .get_or_init(|| !fits(crate::geometry::extent(self.kind)))
    }

    /// The same view, told whether the geometry is chunked by one who knows
    /// (the index, from how it holds the volume).
    pub(crate) fn chunked(self, chunked: bool) -> View<'a> {
        debug_assert!(self.chunked.get().is_none_or(|c| *c == chunked));
        View {
            chunked: OnceCell::from(chunked),
            ..self
        }
    }

    pub(crate) fn has_area(&self) -> bool {
        matches!(
            self.kind,
            GeometryKind::Polygon(_) | GeometryKind::MultiPolygon(_)
        )
    }

    /// The edge of a part that is one stretch of a piece (a leaf of the
    /// tree is its whole piece).
    fn segment(&self, part: Part) -> Option<[LonLat; 2]> {
        match part {
            Part::Node(n) => {
                let node = self.large.expect("nodes are a large shape's").nodes[n as usize];
                (node.left == LEAF).then(|| self.piece(node.center as usize))
            }
            Part::Stretch { piece, s0, s1 } => {
                let [a, b] = self.piece(piece as usize);
                Some([lerp(a, b, s0), lerp(a, b, s1)])
            }
            Part::Run { .. } => None,
        }
    }

    /// A ball around a node or a stretch: a centre on the geometry and a
    /// radius in metres that nothing of the part reaches beyond.
    fn ball(&self, part: Part) -> (LonLat, f64) {
        match part {
            Part::Node(n) => {
                let node = self.large.expect("nodes are a large shape's").nodes[n as usize];
                let [a, b] = self.piece(node.center as usize);
                let center = if node.left == LEAF {
                    lerp(a, b, 0.5)
                } else {
                    a
                };
                (center, f64::from(node.radius))
            }
            Part::Stretch { .. } => {
                let [p0, p1] = self.segment(part).expect("a stretch is a segment");
                (lerp(p0, p1, 0.5), 0.5 * segment_length_bound(p0, p1))
            }
            Part::Run { .. } => unreachable!("runs are bounded by their boxes"),
        }
    }

    /// The lon/lat extent of everything under `part`: the whole geometry's
    /// for a tree node.
    fn whole_extent(&self, part: Part) -> [f64; 4] {
        match part {
            Part::Node(_) => crate::geometry::extent(self.kind),
            _ => self.extent(part),
        }
    }

    /// The lon/lat extent of a run or a stretch.
    fn extent(&self, part: Part) -> [f64; 4] {
        match part {
            Part::Run { lo, hi } => (lo as usize..hi as usize)
                .map(|i| {
                    let [a, b] = self.piece(i);
                    span(a, b)
                })
                .fold(EMPTY, union),
            _ => {
                let [a, b] = self
                    .segment(part)
                    .expect("only runs and stretches have boxes");
                span(a, b)
            }
        }
    }

    fn split(&self, part: Part) -> [Part; 2] {
        match part {
            Part::Node(n) => {
                let node = self.large.expect("nodes are a large shape's").nodes[n as usize];
                if node.left == LEAF {
                    let piece = node.center;
                    [
                        Part::Stretch {
                            piece,
                            s0: 0.0,
                            s1: 0.5,
                        },
                        Part::Stretch {
                            piece,
                            s0: 0.5,
                            s1: 1.0,
                        },
                    ]
                } else {
                    [Part::Node(node.left), Part::Node(node.right)]
                }
            }
            Part::Run { lo, hi } => {
                let mid = lo + (hi - lo) / 2;
                [run(lo, mid), run(mid, hi)]
            }
            Part::Stretch { piece, s0, s1 } => {
                let mid = 0.5 * (s0 + s1);
                [
                    Part::Stretch { piece, s0, s1: mid },
                    Part::Stretch { piece, s0: mid, s1 },
                ]
            }
        }
    }

    /// Whether a polygon of this geometry holds `p`.
    fn covers_point(&self, p: LonLat) -> bool {
        if let Some(c) = self.large {
            return c.polygons.iter().any(|area| area.covers(&c.pieces, p));
        }
        let edges = |ring: &'a Vec<LonLat>| ring.windows(2).map(|w| [w[0], w[1]]);
        let covers = |rings: &'a Vec<Vec<LonLat>>| {
            let shell = &rings[0];
            let bounds = shell.iter().fold(EMPTY, |e, q| union(e, span(*q, *q)));
            match normalise(p, bounds) {
                Some(q) => planar::polygon_covers(rings.iter().map(edges), q),
                None => false,
            }
        };
        match self.kind {
            GeometryKind::Polygon(rings) => covers(rings),
            GeometryKind::MultiPolygon(polygons) => polygons.iter().any(covers),
            _ => false,
        }
    }

    fn any_probe(&self, f: impl FnMut(LonLat) -> bool) -> bool {
        match self.large {
            Some(c) => c.probes.iter().copied().any(f),
            None => any_probe(self.kind, f),
        }
    }
}

/// The chunks of a geometry, stored (large) or found as they go (small):
/// the longest runs of consecutive pieces that fit, and the pieces too long
/// to fit cut into equal stretches that do.
#[derive(Debug)]
pub(crate) enum Chunks<'v> {
    Stored(std::slice::Iter<'v, Chunk>),
    Runs {
        view: &'v View<'v>,
        next: usize,
        /// The long piece being cut: its number, the next stretch, how many.
        cut: Option<(usize, usize, usize)>,
    },
}

impl Iterator for Chunks<'_> {
    type Item = Chunk;

    fn next(&mut self) -> Option<Chunk> {
        let (view, next, cut) = match self {
            Chunks::Stored(chunks) => return chunks.next().copied(),
            Chunks::Runs { view, next, cut } => (*view, next, cut),
        };
        if let Some((piece, i, count)) = *cut {
            *cut = (i + 1 < count).then_some((piece, i + 1, count));
            return Some(stretch_chunk(view.piece(piece), piece, i, count));
        }
        if *next >= view.len() {
            return None;
        }
        let lo = *next;
        let first = view.piece(lo);
        if !fits(span(first[0], first[1])) {
            *next += 1;
            let count = stretch_count(first);
            *cut = (count > 1).then_some((lo, 1, count));
            return Some(stretch_chunk(first, lo, 0, count));
        }
        let (chunk, hi) = run_chunk(view, lo);
        *next = hi;
        Some(chunk)
    }
}

/// The longest run of pieces from `lo` that fits in a chunk (piece `lo`
/// fits by itself), and where it ends.
fn run_chunk(view: &View<'_>, lo: usize) -> (Chunk, usize) {
    let first = view.piece(lo);
    let mut extent = span(first[0], first[1]);
    let mut hi = lo + 1;
    while hi < view.len() {
        let [a, b] = view.piece(hi);
        let grown = union(extent, span(a, b));
        if !fits(grown) {
            break;
        }
        extent = grown;
        hi += 1;
    }
    let chunk = Chunk {
        part: run(lo as u32, hi as u32),
        extent,
        key: lo as u32,
    };
    (chunk, hi)
}

/// How many equal stretches of a long edge fit in a chunk each.
fn stretch_count([a, b]: [LonLat; 2]) -> usize {
    let widest = (b[0] - a[0]).abs().max((b[1] - a[1]).abs());
    (widest / CHUNK_DEG).ceil().max(1.0) as usize
}

fn stretch_chunk([a, b]: [LonLat; 2], piece: usize, i: usize, count: usize) -> Chunk {
    let (s0, s1) = (i as f64 / count as f64, (i + 1) as f64 / count as f64);
    Chunk {
        part: Part::Stretch {
            piece: piece as u32,
            s0,
            s1,
        },
        extent: span(lerp(a, b, s0), lerp(a, b, s1)),
        key: SMALL as u32 + piece as u32 * STRETCH_KEYS + i as u32,
    }
}

const EMPTY: [f64; 4] = [
    f64::INFINITY,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NEG_INFINITY,
];

fn union(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

/// `p` at whichever of its longitudes (±360°) falls in the longitude range
/// of `bounds`, if it falls in `bounds` at all.
fn normalise(p: LonLat, bounds: [f64; 4]) -> Option<LonLat> {
    if p[1] < bounds[1] || p[1] > bounds[3] {
        return None;
    }
    let lon = p[0] + 360.0 * ((bounds[0] - p[0]) / 360.0).ceil();
    (lon <= bounds[2]).then_some([lon, p[1]])
}

impl Complex {
    fn new(kind: &GeometryKind) -> Complex {
        let mut pieces = Vec::new();
        let mut probes = Vec::new();
        let mut polygons = Vec::new();
        let add_line = |pieces: &mut Vec<[LonLat; 2]>, line: &[LonLat]| {
            pieces.extend(line.windows(2).map(|w| [w[0], w[1]]));
        };
        match kind {
            GeometryKind::Point(p) => {
                pieces.push([*p, *p]);
                probes.push(*p);
            }
            GeometryKind::MultiPoint(points) => {
                pieces.extend(points.iter().map(|p| [*p, *p]));
                probes.extend(points);
            }
            GeometryKind::LineString(line) => {
                add_line(&mut pieces, line);
                probes.push(line[0]);
            }
            GeometryKind::MultiLineString(lines) => {
                for line in lines {
                    add_line(&mut pieces, line);
                    probes.push(line[0]);
                }
            }
            GeometryKind::Polygon(rings) => {
                polygons.push(PolygonArea::new(rings, &mut pieces));
                probes.push(rings[0][0]);
            }
            GeometryKind::MultiPolygon(polys) => {
                for rings in polys {
                    polygons.push(PolygonArea::new(rings, &mut pieces));
                    probes.push(rings[0][0]);
                }
            }
        }
        let mut nodes = Vec::with_capacity(2 * pieces.len());
        let mut extents = Vec::with_capacity(2 * pieces.len());
        build(&pieces, 0, pieces.len(), &mut nodes, &mut extents);
        let mut chunks = Vec::new();
        if !fits(extents[0]) {
            select_chunks(&pieces, &nodes, &extents, 0, &mut chunks);
        }
        for (i, chunk) in chunks.iter_mut().enumerate() {
            chunk.key = u32::try_from(i).expect("fewer than 2³² chunks");
        }
        Complex {
            pieces,
            nodes,
            probes,
            polygons,
            chunks,
        }
    }
}

fn piece_ball(piece: [LonLat; 2]) -> (LonLat, f64) {
    (
        lerp(piece[0], piece[1], 0.5),
        0.5 * segment_length_bound(piece[0], piece[1]),
    )
}

/// Builds the subtree over `pieces[lo..hi]` and returns its index; the root
/// of the whole tree is node 0 because it is the first one pushed.
/// `extents[i]` receives node `i`'s lon/lat extent.
fn build(
    pieces: &[[LonLat; 2]],
    lo: usize,
    hi: usize,
    nodes: &mut Vec<Node>,
    extents: &mut Vec<[f64; 4]>,
) -> u32 {
    let index = nodes.len();
    if hi - lo == 1 {
        let (_, radius) = piece_ball(pieces[lo]);
        nodes.push(Node {
            radius: f32_up(radius),
            center: lo as u32,
            left: LEAF,
            right: LEAF,
        });
        let [a, b] = pieces[lo];
        extents.push(span(a, b));
        return index as u32;
    }
    let mid = lo + (hi - lo) / 2;
    let center = pieces[mid][0];
    let radius = pieces[lo..hi]
        .iter()
        .map(|&p| {
            let (c, r) = piece_ball(p);
            central_angle(center, c) * R_MAX + r
        })
        .fold(0.0, f64::max);
    nodes.push(Node {
        radius: f32_up(radius),
        center: mid as u32,
        left: 0,
        right: 0,
    });
    extents.push([0.0; 4]);
    let left = build(pieces, lo, mid, nodes, extents);
    let right = build(pieces, mid, hi, nodes, extents);
    nodes[index].left = left;
    nodes[index].right = right;
    let (l, r) = (extents[left as usize], extents[right as usize]);
    extents[index] = [
        l[0].min(r[0]),
        l[1].min(r[1]),
        l[2].max(r[2]),
        l[3].max(r[3]),
    ];
    index as u32
}

fn span(a: LonLat, b: LonLat) -> [f64; 4] {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[0].max(b[0]),
        a[1].max(b[1]),
    ]
}

fn fits(extent: [f64; 4]) -> bool {
    extent[2] - extent[0] <= CHUNK_DEG && extent[3] - extent[1] <= CHUNK_DEG
}

/// Covers the subtree of `node` with chunks: the node itself if it fits,
/// else its children, and a long edge in equal stretches that fit.
fn select_chunks(
    pieces: &[[LonLat; 2]],
    nodes: &[Node],
    extents: &[[f64; 4]],
    node: u32,
    out: &mut Vec<Chunk>,
) {
    let extent = extents[node as usize];
    if fits(extent) {
        out.push(Chunk {
            part: Part::Node(node),
            extent,
            key: 0,
        });
        return;
    }
    let n = &nodes[node as usize];
    if n.left != LEAF {
        select_chunks(pieces, nodes, extents, n.left, out);
        select_chunks(pieces, nodes, extents, n.right, out);
        return;
    }
    let piece = pieces[n.center as usize];
    let count = stretch_count(piece);
    out.extend((0..count).map(|i| stretch_chunk(piece, n.center as usize, i, count)));
}

impl PolygonArea {
    /// Appends the rings' edges to `pieces` and remembers where they are.
    fn new(rings: &[Vec<LonLat>], pieces: &mut Vec<[LonLat; 2]>) -> PolygonArea {
        let shell = &rings[0];
        let fold = |f: fn(f64, f64) -> f64, i: usize, init: f64| {
            shell.iter().fold(init, |m, p| f(m, p[i]))
        };
        let ranges = rings
            .iter()
            .map(|ring| {
                let start = pieces.len() as u32;
                pieces.extend(ring.windows(2).map(|w| [w[0], w[1]]));
                start..pieces.len() as u32
            })
            .collect();
        PolygonArea {
            rings: ranges,
            lon_lo: fold(f64::min, 0, f64::INFINITY),
            lon_hi: fold(f64::max, 0, f64::NEG_INFINITY),
            lat_lo: fold(f64::min, 1, f64::INFINITY),
            lat_hi: fold(f64::max, 1, f64::NEG_INFINITY),
        }
    }

    /// Whether the region holds `p`, taking `p` at whichever of its
    /// longitudes (±360°) falls in the polygon's own longitude range.
    fn covers(&self, pieces: &[[LonLat; 2]], p: LonLat) -> bool {
        let bounds = [self.lon_lo, self.lat_lo, self.lon_hi, self.lat_hi];
        let Some(q) = normalise(p, bounds) else {
            return false;
        };
        let rings = self
            .rings
            .iter()
            .map(|r| pieces[r.start as usize..r.end as usize].iter().copied());
        planar::polygon_covers(rings, q)
    }
}

/// What one step of the search found for a pair of parts.
enum Step {
    Accept,
    Drop,
    SplitFirst,
    SplitSecond,
    /// Replace a run by all its pieces, each a whole stretch.
    ExpandFirst,
    ExpandSecond,
}

/// The pieces of a run, each as a whole stretch.
fn pieces_of(run: Part) -> impl Iterator<Item = Part> {
    let Part::Run { lo, hi } = run else {
        unreachable!("only runs are expanded")
    };
    (lo..hi).map(|piece| Part::Stretch {
        piece,
        s0: 0.0,
        s1: 1.0,
    })
}

/// Whether two points are within `limit_m`, exactly (no tolerance needed:
/// one geodesic decides).
pub(crate) fn points_within_limit(a: &View<'_>, b: &View<'_>, limit_m: f64) -> Option<bool> {
    match (a.kind, b.kind) {
        (GeometryKind::Point(p), GeometryKind::Point(q)) => Some(points_within(*p, *q, limit_m)),
        _ => None,
    }
}

/// [`points_within_limit`] for a point `p` and the point `near` was made
/// for, deciding by its bounds when they tell: the same answer, since both
/// bounds are proven and the rest goes to the same exact decision.
pub(crate) fn point_within_near(p: LonLat, near: &Near, limit_m: f64) -> bool {
    near.within(p, limit_m)
        .unwrap_or_else(|| points_within(p, near.point(), limit_m))
}

/// Whether `a` comes first when a pair is decided. Pairs within the
/// tolerance past the limit may be decided either way, and which way can
/// depend on where the search starts; deciding every pair from the same end
/// makes the answer a property of the pair alone, the same both ways round
/// and through the index. Chunked shapes come first so that the index can
/// decide them chunk by chunk.
pub(crate) fn goes_first(a: &View<'_>, b: &View<'_>) -> bool {
    let key = |v: &View<'_>| (v.is_chunked(), v.len());
    match key(a).cmp(&key(b)) {
        Ordering::Greater => true,
        Ordering::Less => false,
        // Equal keys: order by the pieces themselves, bit for bit.
        Ordering::Equal => {
            let bits = |v: &View<'_>, i: usize| v.piece(i).map(|p| p.map(f64::to_bits));
            let (pa, pb) = (
                (0..a.len()).map(|i| bits(a, i)),
                (0..b.len()).map(|i| bits(b, i)),
            );
            pa.cmp(pb) != Ordering::Less
        }
    }
}

/// Whether the edges and points of `a` come within `limit_m` of `b`
/// (interiors are [`covers`]' business).
pub(crate) fn edges_within(a: &View<'_>, b: &View<'_>, limit_m: f64) -> bool {
    search(a, a.root(), b, limit_m)
}

/// Whether a polygon of `a` holds a part of `b`: with no edges within the
/// limit, that is the only other way to be within it.
pub(crate) fn covers(a: &View<'_>, b: &View<'_>) -> bool {
    a.has_area() && b.any_probe(|p| a.covers_point(p))
}

/// Whether `chunk` of `a` comes within `limit_m` of `b`'s edges and points
/// (interiors are [`covers`]' business).
pub(crate) fn chunk_within(a: &View<'_>, chunk: &Chunk, b: &View<'_>, limit_m: f64) -> bool {
    search(a, chunk.part, b, limit_m)
}

/// Branch and bound from `start` of `a` against the whole of `b`.
fn search(a: &View<'_>, start: Part, b: &View<'_>, limit_m: f64) -> bool {
    // One plane for the whole search: its band holds every pair of parts
    // below the two it starts from, so its bounds hold for all of them.
    let (ea, eb) = (a.whole_extent(start), b.whole_extent(b.root()));
    let plane = Plane::new(ea, eb, limit_m);
    // The boxes of everything searched, apart in the plane by more than
    // the limit, leave nothing to search: as for a polygon or a chunk whose
    // buffered box met the query's only corner to corner.
    if plane.box_gap(ea, eb) > limit_m {
        return false;
    }
    // The stack is kept from one search to the next (a decision is a few
    // hundred nanoseconds, an allocation a good part of that).
    let mut stack = STACK.take();
    stack.clear();
    stack.push((start, b.root()));
    let found = branch_and_bound(&plane, a, b, &mut stack, limit_m);
    STACK.set(stack);
    found
}

thread_local! {
    static STACK: std::cell::Cell<Vec<(Part, Part)>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The search proper, from the pairs on `stack`.
fn branch_and_bound(
    plane: &Plane,
    a: &View<'_>,
    b: &View<'_>,
    stack: &mut Vec<(Part, Part)>,
    limit_m: f64,
) -> bool {
    let tolerance = tolerance_m(limit_m);
    while let Some((pa, pb)) = stack.pop() {
        let step = match (pa, pb) {
            (Part::Run { .. }, _) | (_, Part::Run { .. }) => run_step(plane, a, pa, b, pb, limit_m),
            _ => match (a.segment(pa), b.segment(pb)) {
                (Some(sa), Some(sb)) => segment_step(plane, sa, sb, limit_m, tolerance),
                _ => ball_step(a, pa, b, pb, limit_m, tolerance),
            },
        };
        match step {
            Step::Accept => return true,
            Step::Drop => {}
            Step::SplitFirst => {
                let [x, y] = a.split(pa);
                stack.push((x, pb));
                stack.push((y, pb));
            }
            Step::SplitSecond => {
                let [x, y] = b.split(pb);
                stack.push((pa, x));
                stack.push((pa, y));
            }
            Step::ExpandFirst => stack.extend(pieces_of(pa).map(|x| (x, pb))),
            Step::ExpandSecond => stack.extend(pieces_of(pb).map(|y| (pa, y))),
        }
    }
    false
}

/// A pair with a run. Facing one stretch, the run is replaced by its
/// pieces: each is then bounded exactly in the plane, for less than the
/// boxes of a run split in halves would cost. Facing another run, it is
/// dropped when the boxes are too far apart, else the longer is split. A
/// tree node has no box, so a run facing one is split until it is a
/// stretch.
fn run_step(plane: &Plane, a: &View<'_>, pa: Part, b: &View<'_>, pb: Part, limit_m: f64) -> Step {
    match (pa, pb) {
        (Part::Run { .. }, Part::Stretch { .. }) => return Step::ExpandFirst,
        (Part::Stretch { .. }, Part::Run { .. }) => return Step::ExpandSecond,
        _ => {}
    }
    let split = match (pa, pb) {
        (Part::Run { lo, hi }, Part::Run { lo: l, hi: h }) if h - l > hi - lo => Step::SplitSecond,
        (Part::Run { .. }, _) => Step::SplitFirst,
        _ => Step::SplitSecond,
    };
    if matches!(pa, Part::Node(_)) || matches!(pb, Part::Node(_)) {
        return split;
    }
    if plane.box_gap(a.extent(pa), b.extent(pb)) > limit_m {
        return Step::Drop;
    }
    split
}

/// Two stretches (or points): the scaled plane drops them or names their
/// closest points, whose straight path or else geodesic may accept them;
/// failing both, the geodesic less how far each stretch reaches from its
/// point is a lower bound, and the longer stretch is split.
fn segment_step(
    plane: &Plane,
    sa: [LonLat; 2],
    sb: [LonLat; 2],
    limit_m: f64,
    tolerance: f64,
) -> Step {
    let gap = plane.segment_gap(sa, sb);
    if gap.lower > limit_m {
        return Step::Drop;
    }
    if path_length(gap.x, gap.y) <= limit_m + tolerance {
        return Step::Accept;
    }
    let g = geodesic_m(gap.x, gap.y);
    if g <= limit_m + tolerance {
        return Step::Accept;
    }
    let reach = |x: LonLat, s: [LonLat; 2]| {
        segment_length_bound(x, s[0]).max(segment_length_bound(x, s[1]))
    };
    let (ra, rb) = (reach(gap.x, sa), reach(gap.y, sb));
    if g - ra - rb > limit_m {
        return Step::Drop;
    }
    if ra >= rb {
        Step::SplitFirst
    } else {
        Step::SplitSecond
    }
}

/// A pair with a tree node, bounded through both parts' balls. A node can
/// always be split; a stretch is split only when its ball is the larger,
/// so it is never split to nothing against a node.
fn ball_step(a: &View<'_>, pa: Part, b: &View<'_>, pb: Part, limit_m: f64, tolerance: f64) -> Step {
    let ((ca, ra), (cb, rb)) = (a.ball(pa), b.ball(pb));
    let reach = limit_m + ra + rb;
    let (ea, eb) = (span(ca, ca), span(cb, cb));
    if Plane::new(ea, eb, reach)
        .segment_gap([ca, ca], [cb, cb])
        .lower
        - ra
        - rb
        > limit_m
    {
        return Step::Drop;
    }
    if path_length(ca, cb) <= limit_m + tolerance {
        return Step::Accept;
    }
    let (node_a, node_b) = (matches!(pa, Part::Node(_)), matches!(pb, Part::Node(_)));
    let first = match (node_a, node_b) {
        (true, false) => ra >= rb,
        (false, true) => ra > rb,
        _ => ra >= rb,
    };
    if first {
        Step::SplitFirst
    } else {
        Step::SplitSecond
    }
}

fn points_within(p: LonLat, q: LonLat, limit_m: f64) -> bool {
    // The latitude difference alone bounds the distance from below, and
    // costs no trigonometry.
    if (p[1] - q[1]).abs().to_radians() * R_MIN > limit_m {
        return false;
    }
    let (ep, eq) = (span(p, p), span(q, q));
    if Plane::new(ep, eq, limit_m)
        .segment_gap([p, p], [q, q])
        .lower
        > limit_m
    {
        return false;
    }
    path_length(p, q) <= limit_m || geodesic_m(p, q) <= limit_m
}

/// The extent of a geometry in unwrapped longitude and latitude.
pub(crate) fn extent(geometry: &Geometry) -> [f64; 4] {
    crate::geometry::extent(geometry.kind())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_is_found_by_its_key() {
        // Short edges grouped in runs, long ones cut in stretches, on a
        // small line and on one large enough for a ball tree.
        let mut line = vec![[44.0, 33.0], [44.01, 33.0], [44.02, 33.01], [44.5, 33.3]];
        let small = Geometry::new(GeometryKind::LineString(line.clone())).unwrap();
        line.extend((1..80).map(|i| [44.5 + 0.004 * f64::from(i), 33.3 + 0.01 * f64::from(i % 3)]));
        let large = Geometry::new(GeometryKind::LineString(line)).unwrap();
        for geometry in [small, large] {
            let shape = Shape::new(&geometry);
            let view = View::new(&geometry, &shape);
            let chunks: Vec<Chunk> = view.chunks().collect();
            assert!(chunks.len() > 3);
            for chunk in chunks {
                assert_eq!(view.chunk(chunk.key), chunk);
            }
        }
    }
}
