//! The conflict engine of deconflict: 4-D volumes, their validation, the one
//! rule of conflict, and an index that answers "which stored volumes conflict
//! with this one?" exactly and fast.
//!
//! # The rule
//!
//! A [`Volume`] is a [`Geometry`] (WGS84 `[lon, lat]`; points, lines,
//! polygons with holes, and their multi-forms) grown by `buffer_m` metres, a
//! closed [`AltitudeBand`] in metres above ground, and a half-open [`Window`]
//! `[from, to)` in Unix milliseconds, possibly open-ended. Two volumes
//! conflict when their windows overlap, their bands overlap (touching counts),
//! and the shortest geodesic distance on the WGS84 ellipsoid between the two
//! geometries is at most the sum of their buffers. A polygon's interior
//! counts: a point inside it is at distance zero. Edges are straight lines in
//! longitude/latitude, as RFC 7946 §3.1.1 says, not geodesics.
//!
//! # The error bound
//!
//! The engine never misses a conflict, and a pair it reports is never
//! farther apart than the limit plus max(1 m, 0.05 % of the limit)
//! ([`tolerance_m`]). Both follow from how distance is decided (module
//! `shape`): every comparison uses a proven lower bound to discard and a
//! distance between two real points of the geometries to accept. The bounds
//! come from the ellipsoid's own metric in a locally scaled lon/lat plane
//! (module `flat`: within a few kilometres its lower and upper bounds differ
//! by a few parts in 10⁴; for a point query, the metric of a band of
//! latitude around it is found once and bounds every nearby point in a few
//! multiplications), from great-circle balls for the trees of large
//! geometries (module `earth`), and, for the few pairs these leave within a
//! hair of the limit, from Karney's geodesic algorithm (`geographiclib-rs`,
//! accurate to nanometres). Property tests check both promises, and each
//! bound, against brute force: an oracle that densifies every edge.
//!
//! # Antimeridian and poles
//!
//! Both RFC 7946 conventions work. A geometry may be cut at the antimeridian
//! into parts that meet at ±180° (RFC 7946 §3.1.9); distances are geodesic,
//! so the parts are as close as they really are. Or it may be written as one
//! piece whose longitudes run past ±180° (up to ±360°) so that every edge is
//! the short way round, e.g. a ring through 179° and 181°; a geometry may
//! span at most 360° of longitude. Latitudes must lie in [-90, 90]; a ring
//! may run along a pole (an edge at latitude 90° is a single point on the
//! Earth, and measures as one).
//!
//! # Validation
//!
//! [`Geometry::new`] and [`Geometry::from_geojson`] refuse, naming the field
//! and the reason ([`Invalid`]): non-finite numbers, latitudes beyond ±90°,
//! longitudes beyond ±360° or spans beyond 360°, positions of other than 2 or
//! 3 numbers (a third is elevation and is ignored: height is the band's
//! business), empty geometries, lines of fewer than 2 positions, rings of
//! fewer than 4 or not closed, rings that repeat a position immediately,
//! rings that cross or touch themselves or each other, holes outside their
//! shell or inside another hole, and more than [`MAX_VERTICES`] positions.
//! [`Volume::new`] refuses negative, non-finite or absurd buffers
//! (above [`MAX_BUFFER_M`]); [`AltitudeBand::new`] inverted or absurd bands;
//! [`Window::new`] windows that end at or before they start. Nothing is
//! repaired.
//!
//! # The index
//!
//! [`Index`] keeps volumes by [`Id`] in a hierarchical grid of conservative
//! 2-D lon/lat boxes (module `grid`): each box holds every place within the
//! volume's buffer of its geometry, rounded outwards to `f32`, cut in two at
//! the antimeridian and widened to every longitude near a pole. A box lives
//! in one cell, on the lowest level whose cells (1/16° and up, doubling) are
//! as wide as it is, so a query looks at a handful of cells per level, and
//! passes over those whose boxes cannot reach it (each cell keeps how far
//! they reach beside its key). A geometry wider than 0.05° is held as
//! several boxes, one per chunk of its edges (plus one over a polygon's area
//! that only answers "is the query inside?"), so a 100 km route does not lie
//! in every query's way. Each box carries its volume's window and altitude
//! band; a cell is sorted by window start, so its scan stops at the first
//! box that starts after the query ends, and the window end and the band are
//! checked in the same pass. Only the survivors get the exact decision, on
//! the chunks that met.
//!
//! Why this layout, measured at a million declarations over Iraq with the
//! `query_latency` example (BENCHMARKS.md): a 2-D R-tree (`rstar`) with the
//! same chunks and filters answered in 31–34 µs median, half of it chasing
//! child pointers through nodes that barely filter; the grid replaced it,
//! with every cell of a query looked up before any is scanned and every
//! survivor's slot touched before any is decided, so that the cache misses
//! overlap. The layout also keeps a moving unit cheap: a unit re-indexes
//! only when it leaves a margin around its last box, and then it is one
//! removal and one insertion in a flat cell.
//!
//! # Memory
//!
//! A geometry of at most 64 edges (all points, most polygons and routes)
//! keeps nothing beside its positions: decisions read its edges from it. A
//! larger one keeps a copy of its edges and a ball tree over them, so that a
//! decision visits only the few edges near the other geometry. A stored
//! volume's slot in the index (128 bytes) starts on a cache line that holds
//! its id, a point's position, its buffer and its band: a point candidate
//! costs the query one line.

mod earth;
mod envelope;
mod error;
mod flat;
mod geojson_io;
mod geometry;
mod grid;
mod index;
mod outline;
mod planar;
mod round;
mod shape;
mod volume;

/// A position: longitude then latitude, in degrees, as GeoJSON writes it.
pub type LonLat = [f64; 2];

pub use earth::geodesic_m;
pub use error::{Field, Invalid, Reason};
pub use geometry::{Geometry, GeometryKind, MAX_VERTICES};
pub use index::{Id, Index, conflicting_by_scan};
pub use outline::{STEP_DEG, outline};
pub use shape::tolerance_m;
pub use volume::{AltitudeBand, MAX_ALTITUDE_M, MAX_BUFFER_M, Millis, Volume, Window};
