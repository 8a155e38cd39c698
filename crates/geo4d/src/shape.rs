//! Geometries prepared for distance queries, and the decision "are these two
//! geometries within `limit` metres of each other?".
//!
//! A geometry is cut into pieces (its points and its straight lon/lat edges)
//! held in a ball tree: each node has a centre on the geometry and a radius in
//! metres that no piece below it reaches beyond. Two trees are compared by
//! branch and bound: the geodesic between two centres, less both radii, is a
//! lower bound on the distance of everything below them, and the geodesic
//! itself is an upper bound. Pairs whose lower bound exceeds the limit are
//! dropped, a pair whose upper bound is within it decides, and otherwise the
//! larger ball is split (edges are halved once their node is a leaf). A pair
//! is accepted once two of its real points are within the limit plus the
//! tolerance, which is how a reported pair may exceed the limit by at most
//! that much and never more; the balls shrink with every split, so the
//! search ends, and no pair within the limit is ever missed.
//!
//! Interiors are decided in the plane: a polygon covers whatever its region
//! holds in lon/lat, where RFC 7946 draws its edges.
//!
//! A geometry wider than [`CHUNK_DEG`] is also cut into chunks — tree nodes
//! or stretches of long edges, each within that size — so that the index can
//! hold a small box per chunk instead of one box over a whole 100 km route,
//! and check only the chunks near a query.

use crate::LonLat;
use crate::earth::{R_MAX, R_MIN, central_angle, geodesic_m, segment_length_bound};
use crate::geometry::{Geometry, GeometryKind};
use crate::planar;
use crate::round::f32_up;
use std::cmp::Ordering;

/// How far past the limit a reported pair may be: max(1 m, 0.05 %), kept a
/// hair inside so rounding cannot push a report over the promise.
pub fn tolerance_m(limit_m: f64) -> f64 {
    0.999 * (0.0005 * limit_m).max(1.0)
}

#[derive(Debug, Clone)]
pub(crate) enum Shape {
    Point(LonLat),
    Complex(Box<Complex>),
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
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chunk {
    part: Part,
    pub(crate) extent: [f64; 4],
}

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

/// A part of a shape under comparison: a tree node, or a stretch `[s0, s1]`
/// of a piece's edge.
#[derive(Debug, Clone, Copy)]
enum Part {
    Node(u32),
    Stretch { piece: u32, s0: f64, s1: f64 },
}

impl Shape {
    pub(crate) fn new(geometry: &Geometry) -> Shape {
        if let GeometryKind::Point(p) = geometry.kind() {
            return Shape::Point(*p);
        }
        Shape::Complex(Box::new(Complex::new(geometry.kind())))
    }

    fn center_radius(&self, part: Part) -> (LonLat, f64) {
        match (self, part) {
            (Shape::Point(p), _) => (*p, 0.0),
            (Shape::Complex(c), Part::Node(n)) => {
                let node = &c.nodes[n as usize];
                let [a, b] = c.pieces[node.center as usize];
                let center = if node.left == LEAF {
                    lerp(a, b, 0.5)
                } else {
                    a
                };
                (center, f64::from(node.radius))
            }
            (Shape::Complex(c), Part::Stretch { piece, s0, s1 }) => {
                let [a, b] = c.pieces[piece as usize];
                let (p0, p1) = (lerp(a, b, s0), lerp(a, b, s1));
                (
                    lerp(a, b, 0.5 * (s0 + s1)),
                    0.5 * segment_length_bound(p0, p1),
                )
            }
        }
    }

    fn split(&self, part: Part) -> [Part; 2] {
        let Shape::Complex(c) = self else {
            unreachable!("a point has no radius to split")
        };
        match part {
            Part::Node(n) => {
                let node = &c.nodes[n as usize];
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
            Part::Stretch { piece, s0, s1 } => {
                let mid = 0.5 * (s0 + s1);
                [
                    Part::Stretch { piece, s0, s1: mid },
                    Part::Stretch { piece, s0: mid, s1 },
                ]
            }
        }
    }

    /// The chunks of a geometry wider than [`CHUNK_DEG`]; empty otherwise.
    pub(crate) fn chunks(&self) -> &[Chunk] {
        match self {
            Shape::Point(_) => &[],
            Shape::Complex(c) => &c.chunks,
        }
    }

    pub(crate) fn has_area(&self) -> bool {
        matches!(self, Shape::Complex(c) if !c.polygons.is_empty())
    }

    fn probes(&self) -> &[LonLat] {
        match self {
            Shape::Point(p) => std::slice::from_ref(p),
            Shape::Complex(c) => &c.probes,
        }
    }

    fn covers_any_of(&self, points: &[LonLat]) -> bool {
        let Shape::Complex(c) = self else {
            return false;
        };
        c.polygons
            .iter()
            .any(|area| points.iter().any(|p| area.covers(&c.pieces, *p)))
    }
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
        });
        return;
    }
    let n = &nodes[node as usize];
    if n.left != LEAF {
        select_chunks(pieces, nodes, extents, n.left, out);
        select_chunks(pieces, nodes, extents, n.right, out);
        return;
    }
    let [a, b] = pieces[n.center as usize];
    let widest = (b[0] - a[0]).abs().max((b[1] - a[1]).abs());
    let count = (widest / CHUNK_DEG).ceil().max(1.0) as usize;
    for i in 0..count {
        let (s0, s1) = (i as f64 / count as f64, (i + 1) as f64 / count as f64);
        out.push(Chunk {
            part: Part::Stretch {
                piece: n.center,
                s0,
                s1,
            },
            extent: span(lerp(a, b, s0), lerp(a, b, s1)),
        });
    }
}

fn lerp(a: LonLat, b: LonLat, s: f64) -> LonLat {
    [a[0] + (b[0] - a[0]) * s, a[1] + (b[1] - a[1]) * s]
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
        if p[1] < self.lat_lo || p[1] > self.lat_hi {
            return false;
        }
        let lon = p[0] + 360.0 * ((self.lon_lo - p[0]) / 360.0).ceil();
        let rings = self
            .rings
            .iter()
            .map(|r| &pieces[r.start as usize..r.end as usize]);
        lon <= self.lon_hi && planar::polygon_covers(rings, [lon, p[1]])
    }
}

/// Whether two points are within `limit_m`, exactly (no tolerance needed:
/// one geodesic decides).
pub(crate) fn points_within_limit(a: &Shape, b: &Shape, limit_m: f64) -> Option<bool> {
    match (a, b) {
        (Shape::Point(p), Shape::Point(q)) => Some(points_within(*p, *q, limit_m)),
        _ => None,
    }
}

/// Whether `a` comes first when a pair is decided. Pairs within the
/// tolerance past the limit may be decided either way, and which way can
/// depend on where the search starts; deciding every pair from the same end
/// makes the answer a property of the pair alone, the same both ways round
/// and through the index. Chunked shapes come first so that the index can
/// decide them chunk by chunk.
pub(crate) fn goes_first(a: &Shape, b: &Shape) -> bool {
    let key = |s: &Shape| match s {
        Shape::Point(_) => (false, 1),
        Shape::Complex(c) => (!c.chunks.is_empty(), c.pieces.len()),
    };
    match key(a).cmp(&key(b)) {
        Ordering::Greater => true,
        Ordering::Less => false,
        Ordering::Equal => match (a, b) {
            // Equal keys: order by the edges themselves, bit for bit.
            (Shape::Complex(x), Shape::Complex(y)) => {
                let bits = |e: &[LonLat; 2]| e.map(|p| p.map(f64::to_bits));
                x.pieces.iter().map(bits).cmp(y.pieces.iter().map(bits)) != Ordering::Less
            }
            // Two points are decided exactly, whichever way round.
            _ => true,
        },
    }
}

/// Whether the edges and points of `a`, from its root, come within
/// `limit_m` of `b` (interiors are [`covers`]' business).
pub(crate) fn edges_within(a: &Shape, b: &Shape, limit_m: f64) -> bool {
    search(a, Part::Node(0), b, limit_m)
}

/// Whether a polygon of `a` holds a part of `b`: with no edges within the
/// limit, that is the only other way to be within it.
pub(crate) fn covers(a: &Shape, b: &Shape) -> bool {
    a.covers_any_of(b.probes())
}

/// Whether chunk `chunk` of `a` comes within `limit_m` of `b`'s edges and
/// points (interiors are [`covers`]' business).
pub(crate) fn chunk_within(a: &Shape, chunk: usize, b: &Shape, limit_m: f64) -> bool {
    let Shape::Complex(c) = a else {
        unreachable!("only complex shapes have chunks")
    };
    search(a, c.chunks[chunk].part, b, limit_m)
}

/// Branch and bound from `start` of `a` against the whole of `b`.
fn search(a: &Shape, start: Part, b: &Shape, limit_m: f64) -> bool {
    let tolerance = tolerance_m(limit_m);
    let mut stack = vec![(start, Part::Node(0))];
    while let Some((pa, pb)) = stack.pop() {
        let (ca, ra) = a.center_radius(pa);
        let (cb, rb) = b.center_radius(pb);
        // The latitude difference alone bounds the angle from below, and
        // costs no trigonometry.
        if (ca[1] - cb[1]).abs().to_radians() * R_MIN - ra - rb > limit_m {
            continue;
        }
        let angle = central_angle(ca, cb);
        if angle * R_MIN - ra - rb > limit_m {
            continue;
        }
        // Real points within the limit plus the tolerance may be reported.
        if angle * R_MAX <= limit_m + tolerance {
            return true;
        }
        let g = geodesic_m(ca, cb);
        if g <= limit_m + tolerance {
            return true;
        }
        if g - ra - rb > limit_m {
            continue;
        }
        if ra >= rb {
            let [x, y] = a.split(pa);
            stack.push((x, pb));
            stack.push((y, pb));
        } else {
            let [x, y] = b.split(pb);
            stack.push((pa, x));
            stack.push((pa, y));
        }
    }
    false
}

fn points_within(p: LonLat, q: LonLat, limit_m: f64) -> bool {
    if (p[1] - q[1]).abs().to_radians() * R_MIN > limit_m {
        return false;
    }
    let angle = central_angle(p, q);
    if angle * R_MIN > limit_m {
        return false;
    }
    angle * R_MAX <= limit_m || geodesic_m(p, q) <= limit_m
}

/// The extent of a geometry in unwrapped longitude and latitude.
pub(crate) fn extent(geometry: &Geometry) -> [f64; 4] {
    crate::geometry::extent(geometry.kind())
}
