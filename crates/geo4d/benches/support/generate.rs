//! The deterministic synthetic workload shared by the benches, the examples
//! and `bench/postgis/run.sh`: declarations and activity-circle queries over
//! Iraq's bounding box (lat 29–37.5 N, lon 38.7–48.6 E).
//!
//! Included with `#[path = "../benches/support/generate.rs"] mod generate;`.
//! The same `(n, seed)` always gives the same data: the generator is a
//! hand-written SplitMix64 (no dependency), and the only floating-point
//! functions used (`sin`, `cos`, `ln`, `exp`) come from the platform's libm,
//! so it is bit-identical on every machine with the same libm. The data that
//! `bench/postgis/run.sh` loads into PostGIS is written by one run of
//! `export_dataset`, and the Rust side of that run regenerates it in the same
//! binary build, so both sides always see the same numbers.
//!
//! Declarations: 80 % points (buffer 50–2,000 m); 15 % star-shaped simple
//! polygons of 4–50 vertices, at most 5 km across (buffer 0–1,000 m); 5 %
//! routes (LineStrings of 2–20 segments, 1–100 km long, buffer 50–1,000 m).
//! Windows start uniformly over 30 days; a fifth never end, the rest last
//! 1 h – 7 days (log-uniform). 60 % are at the SURFACE, the rest in a band.
//!
//! Queries: a point with a 1–5 km buffer, a 2-hour window starting uniformly
//! over the same 30 days, half at the SURFACE and half in a band from the
//! ground up to 100–3,000 m.

#![allow(dead_code)]

use deconflict_geo4d::{AltitudeBand, Geometry, GeometryKind, Id, LonLat, Millis, Volume, Window};
use std::f64::consts::TAU;

/// Iraq's bounding box.
pub(crate) const LON_MIN: f64 = 38.7;
pub(crate) const LON_MAX: f64 = 48.6;
pub(crate) const LAT_MIN: f64 = 29.0;
pub(crate) const LAT_MAX: f64 = 37.5;

/// 2026-01-01T00:00:00Z.
pub(crate) const T0: Millis = 1_767_225_600_000;
pub(crate) const HOUR_MS: Millis = 3_600_000;
pub(crate) const DAY_MS: Millis = 24 * HOUR_MS;
pub(crate) const SPAN_MS: Millis = 30 * DAY_MS;

pub(crate) const DEFAULT_N: usize = 1_000_000;
pub(crate) const DECL_SEED: u64 = 0x0DEC_0F11_C700_0001;
pub(crate) const QUERY_SEED: u64 = 0x0DEC_0F11_C700_0002;
pub(crate) const MOVE_SEED: u64 = 0x0DEC_0F11_C700_0003;

/// Metres per degree of latitude (mean Earth radius); only used to shape
/// the synthetic data, never to decide anything.
const M_PER_DEG: f64 = 111_195.0;

/// SplitMix64: tiny, fast, and good enough for synthetic data.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[lo, hi)`.
    pub(crate) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `[lo, hi]`.
    pub(crate) fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// Uniform index below `n`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// One declaration (or query) in plain numbers, so it can be turned into a
/// [`Volume`] or written out as CSV/EWKT for PostGIS.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Decl {
    pub(crate) id: Id,
    pub(crate) kind: GeometryKind,
    pub(crate) buffer_m: f64,
    pub(crate) alt_lo: f64,
    pub(crate) alt_hi: f64,
    pub(crate) from: Millis,
    pub(crate) to: Option<Millis>,
}

impl Decl {
    pub(crate) fn volume(&self) -> Volume {
        let geometry = Geometry::new(self.kind.clone()).expect("generated geometries are valid");
        let band = AltitudeBand::new(self.alt_lo, self.alt_hi).expect("generated bands are valid");
        let window = Window::new(self.from, self.to).expect("generated windows are valid");
        Volume::new(geometry, self.buffer_m, band, window).expect("generated buffers are valid")
    }

    /// Positions in the geometry (closing positions of rings included).
    pub(crate) fn positions(&self) -> usize {
        positions(&self.kind).len()
    }

    /// `SRID=4326;<WKT>`, coordinates written so they parse back to the
    /// same doubles.
    pub(crate) fn ewkt(&self) -> String {
        format!("SRID=4326;{}", wkt(&self.kind))
    }
}

/// A random uniform position in the box.
pub(crate) fn random_position(rng: &mut Rng) -> LonLat {
    [rng.range(LON_MIN, LON_MAX), rng.range(LAT_MIN, LAT_MAX)]
}

/// `p` moved `metres` on `bearing` (radians from north), on a local flat
/// approximation: plenty for synthetic data.
pub(crate) fn offset(p: LonLat, metres: f64, bearing: f64) -> LonLat {
    let dlat = metres * bearing.cos() / M_PER_DEG;
    let dlon = metres * bearing.sin() / (M_PER_DEG * p[1].to_radians().cos());
    [p[0] + dlon, p[1] + dlat]
}

/// Rounds metres to centimetres and times to whole seconds, so the exported
/// numbers are short; the data stays exactly what the engine gets.
fn cm(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn window(rng: &mut Rng) -> (Millis, Option<Millis>) {
    let from = T0 + (rng.unit() * SPAN_MS as f64) as Millis / 1000 * 1000;
    if rng.unit() < 0.2 {
        return (from, None);
    }
    let (lo, hi) = ((HOUR_MS as f64).ln(), ((7 * DAY_MS) as f64).ln());
    let duration = rng.range(lo, hi).exp() as Millis / 1000 * 1000;
    (from, Some(from + duration.max(HOUR_MS)))
}

fn band(rng: &mut Rng) -> (f64, f64) {
    if rng.unit() < 0.6 {
        return (0.0, 0.0);
    }
    let lo = [0.0, 0.0, 300.0, 1_500.0, 3_000.0][rng.below(5)];
    let hi = lo + (rng.range(150.0, 9_000.0) / 10.0).round() * 10.0;
    (lo, hi)
}

/// A star-shaped simple ring: vertex angles strictly increase around the
/// centre, so no two edges cross.
fn star_polygon(rng: &mut Rng, centre: LonLat) -> GeometryKind {
    let n = rng.int(4, 50) as usize;
    let radius = rng.range(100.0, 2_500.0);
    let start = rng.range(0.0, TAU);
    let mut ring: Vec<LonLat> = (0..n)
        .map(|k| {
            let angle = start + TAU * (k as f64 + 0.8 * rng.unit()) / n as f64;
            offset(centre, radius * rng.range(0.4, 1.0), angle)
        })
        .collect();
    ring.push(ring[0]);
    GeometryKind::Polygon(vec![ring])
}

/// A route of 2–20 segments, 1–100 km long in all, turning at most 45° at
/// each vertex.
fn route(rng: &mut Rng, start: LonLat) -> GeometryKind {
    let segments = rng.int(2, 20) as usize;
    let length = rng.range(1_000.0, 100_000.0);
    let mut bearing = rng.range(0.0, TAU);
    let mut line = vec![start];
    for _ in 0..segments {
        let last = *line.last().expect("a route has a start");
        line.push(offset(last, length / segments as f64, bearing));
        bearing += rng.range(-TAU / 8.0, TAU / 8.0);
    }
    GeometryKind::LineString(line)
}

/// The `i`-th declaration of the stream seeded with `seed`.
fn declaration(rng: &mut Rng, id: Id) -> Decl {
    let centre = random_position(rng);
    let pick = rng.unit();
    let (kind, buffer_m) = if pick < 0.80 {
        (GeometryKind::Point(centre), cm(rng.range(50.0, 2_000.0)))
    } else if pick < 0.95 {
        (star_polygon(rng, centre), cm(rng.range(0.0, 1_000.0)))
    } else {
        (route(rng, centre), cm(rng.range(50.0, 1_000.0)))
    };
    let (alt_lo, alt_hi) = band(rng);
    let (from, to) = window(rng);
    Decl {
        id,
        kind,
        buffer_m,
        alt_lo,
        alt_hi,
        from,
        to,
    }
}

/// `n` declarations with ids `1..=n`, as a lazy stream (so a memory
/// measurement need not hold them twice).
pub(crate) fn declarations_iter(n: usize, seed: u64) -> impl Iterator<Item = Decl> {
    let mut rng = Rng::new(seed);
    (1..=n as Id).map(move |id| declaration(&mut rng, id))
}

pub(crate) fn declarations(n: usize) -> Vec<Decl> {
    declarations_iter(n, DECL_SEED).collect()
}

/// The engine's input: `(id, volume)` pairs.
pub(crate) fn volumes(decls: &[Decl]) -> Vec<(Id, Volume)> {
    decls.iter().map(|d| (d.id, d.volume())).collect()
}

/// `n` activity-circle queries with ids `1..=n`.
pub(crate) fn queries(n: usize) -> Vec<Decl> {
    let mut rng = Rng::new(QUERY_SEED);
    (1..=n as Id)
        .map(|id| {
            let centre = random_position(&mut rng);
            let buffer_m = cm(rng.range(1_000.0, 5_000.0));
            let from = T0 + (rng.unit() * SPAN_MS as f64) as Millis / 1000 * 1000;
            let (alt_lo, alt_hi) = if rng.unit() < 0.5 {
                (0.0, 0.0)
            } else {
                (0.0, (rng.range(100.0, 3_000.0) / 10.0).round() * 10.0)
            };
            Decl {
                id,
                kind: GeometryKind::Point(centre),
                buffer_m,
                alt_lo,
                alt_hi,
                from,
                to: Some(from + 2 * HOUR_MS),
            }
        })
        .collect()
}

pub(crate) fn positions(kind: &GeometryKind) -> Vec<LonLat> {
    match kind {
        GeometryKind::Point(p) => vec![*p],
        GeometryKind::MultiPoint(p) | GeometryKind::LineString(p) => p.clone(),
        GeometryKind::MultiLineString(l) | GeometryKind::Polygon(l) => l.concat(),
        GeometryKind::MultiPolygon(p) => p.iter().flatten().flatten().copied().collect(),
    }
}

fn wkt_coords(points: &[LonLat]) -> String {
    points
        .iter()
        .map(|p| format!("{} {}", p[0], p[1]))
        .collect::<Vec<_>>()
        .join(",")
}

fn wkt_rings(rings: &[Vec<LonLat>]) -> String {
    rings
        .iter()
        .map(|r| format!("({})", wkt_coords(r)))
        .collect::<Vec<_>>()
        .join(",")
}

/// WKT with Rust's shortest round-trip formatting of every coordinate.
pub(crate) fn wkt(kind: &GeometryKind) -> String {
    match kind {
        GeometryKind::Point(p) => format!("POINT({} {})", p[0], p[1]),
        GeometryKind::MultiPoint(p) => format!("MULTIPOINT({})", wkt_coords(p)),
        GeometryKind::LineString(p) => format!("LINESTRING({})", wkt_coords(p)),
        GeometryKind::MultiLineString(l) => format!("MULTILINESTRING({})", wkt_rings(l)),
        GeometryKind::Polygon(r) => format!("POLYGON({})", wkt_rings(r)),
        GeometryKind::MultiPolygon(p) => format!(
            "MULTIPOLYGON({})",
            p.iter()
                .map(|rings| format!("({})", wkt_rings(rings)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// Reads `--name value` from the command line, or `default`.
pub(crate) fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}: cannot parse {v:?}"))
        })
        .unwrap_or(default)
}

/// Nearest-rank percentile of sorted nanoseconds, in microseconds.
pub(crate) fn percentile_us(sorted_ns: &[u64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted_ns.len() as f64).ceil() as usize;
    sorted_ns[rank.clamp(1, sorted_ns.len()) - 1] as f64 / 1_000.0
}

/// The resident set size of this process, in bytes, from /proc.
pub(crate) fn vm_rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .expect("VmRSS line");
    let kb: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .expect("VmRSS in kB");
    kb * 1024
}

/// This thread's CPU time and time spent waiting for a CPU, in seconds,
/// from /proc/thread-self/schedstat: on a shared machine the wait shows how
/// much of a wall-clock figure was other processes' turn.
pub(crate) fn sched_seconds() -> (f64, f64) {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let mut fields = text
        .split_whitespace()
        .map(|f| f.parse::<u64>().unwrap_or(0));
    let cpu = fields.next().unwrap_or(0);
    let wait = fields.next().unwrap_or(0);
    (cpu as f64 / 1e9, wait as f64 / 1e9)
}

/// "cpu share" of a timed stretch: CPU time over (CPU + waiting) time.
pub(crate) fn cpu_share(before: (f64, f64), after: (f64, f64)) -> f64 {
    let cpu = after.0 - before.0;
    let wait = after.1 - before.1;
    if cpu + wait > 0.0 {
        cpu / (cpu + wait)
    } else {
        1.0
    }
}

/// Reads how long this thread has waited for a CPU so far, to tell which
/// timed operations were interrupted by other processes (on a shared
/// machine a preempted query measures the neighbours, not the engine).
#[derive(Debug)]
pub(crate) struct RunDelay(Option<std::fs::File>);

impl RunDelay {
    pub(crate) fn open() -> RunDelay {
        RunDelay(std::fs::File::open("/proc/thread-self/schedstat").ok())
    }

    /// Nanoseconds spent waiting on a run queue; 0 where unknown.
    pub(crate) fn ns(&self) -> u64 {
        use std::os::unix::fs::FileExt;
        let Some(file) = &self.0 else { return 0 };
        let mut buf = [0u8; 96];
        let len = file.read_at(&mut buf, 0).unwrap_or(0);
        std::str::from_utf8(&buf[..len])
            .ok()
            .and_then(|t| t.split_whitespace().nth(1))
            .and_then(|f| f.parse().ok())
            .unwrap_or(0)
    }
}
