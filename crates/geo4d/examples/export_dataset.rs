//! Writes the benchmark's declarations and queries as CSV with EWKT
//! geometry, for `bench/postgis/run.sh`.
//!
//! ```text
//! cargo run --release -p deconflict-geo4d --example export_dataset -- DIR \
//!     [--n 1000000] [--queries 10000]
//! ```
//!
//! `DIR/declarations.csv` and `DIR/queries.csv`, no header, columns
//! `id,ewkt,buffer_m,alt_lo,alt_hi,t_from_ms,t_to_ms` (`t_to_ms` empty when
//! the window never ends). Coordinates are written in Rust's shortest
//! round-trip form, so PostGIS parses back exactly the doubles the engine
//! indexes.

#[path = "../benches/support/generate.rs"]
mod generate;

use generate::{DECL_SEED, DEFAULT_N, Decl, arg, declarations_iter, queries};
use std::io::{BufWriter, Write};
use std::path::Path;

fn write_csv(path: &Path, rows: impl Iterator<Item = Decl>) -> usize {
    let mut w = BufWriter::new(std::fs::File::create(path).expect("create CSV"));
    let mut count = 0;
    for d in rows {
        let to = d.to.map(|t| t.to_string()).unwrap_or_default();
        writeln!(
            w,
            "{},\"{}\",{},{},{},{},{to}",
            d.id,
            d.ewkt(),
            d.buffer_m,
            d.alt_lo,
            d.alt_hi,
            d.from
        )
        .expect("write CSV");
        count += 1;
    }
    w.flush().expect("flush CSV");
    count
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .filter(|a| !a.starts_with("--"))
        .expect("usage: export_dataset DIR [--n N] [--queries Q]");
    let n: usize = arg("--n", DEFAULT_N);
    let q: usize = arg("--queries", 10_000);
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).expect("create DIR");
    let decls = write_csv(
        &dir.join("declarations.csv"),
        declarations_iter(n, DECL_SEED),
    );
    let queries = write_csv(&dir.join("queries.csv"), queries(q).into_iter());
    println!(
        "wrote {decls} declarations and {queries} queries to {}",
        dir.display()
    );
}
