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
//! distance between two real points of the geometries to accept, with Karney's
//! geodesic algorithm (`geographiclib-rs`, accurate to nanometres) where the
//! cheap great-circle bounds (module `earth`) cannot decide. Property tests check
//! both promises against a brute-force oracle that densifies every edge.
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
//! [`Index`] keeps volumes by [`Id`] in an R-tree (`rstar`) of conservative
//! 2-D lon/lat boxes: each box holds every place within the volume's buffer
//! of its geometry, cut in two at the antimeridian and widened to every
//! longitude near a pole. A geometry wider than 0.05° is held as several
//! boxes, one per chunk of its edges (plus one over a polygon's area that
//! only answers "is the query inside?"), so a 100 km route does not lie in
//! every query's way. Each box carries its volume's window, so the time
//! filter runs inside the tree walk; the altitude band is checked next, and
//! only the survivors get the exact decision, on the chunks that met.
//!
//! Why this layout, measured at a million declarations over Iraq with the
//! `tree_layouts` example (BENCHMARKS.md): with one box per route, a 3-D tree
//! over (lon, lat, time) answered faster than a 2-D tree plus a time filter
//! (109 µs against 144 µs median), because long routes swelled every 2-D
//! node; cutting routes into chunks and carrying the window in each entry
//! made the 2-D tree faster than either (58 µs in that harness), and it keeps
//! a moving unit cheap: a unit re-indexes only when it leaves a margin around
//! its last box, and a time dimension would add nothing to that.

mod earth;
mod envelope;
mod error;
mod flat;
mod geojson_io;
mod geometry;
mod grid;
mod index;
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
pub use shape::tolerance_m;
pub use volume::{AltitudeBand, MAX_ALTITUDE_M, MAX_BUFFER_M, Millis, Volume, Window};
