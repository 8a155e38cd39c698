//! `deconflict import FILE`: a party's list of sites, however long, sent to
//! a running service in batches through `POST /v1/declarations/import`,
//! with a progress bar and a summary.
//!
//! It goes through the API rather than into the store: on SQLite the
//! running service is the log's only writer, and the API checks each site
//! as it checks any declaration. Each batch is one command, keyed by the
//! file's name and the batch's own bytes, so running the same import
//! again (after a refusal is fixed, or a lost connection) skips the
//! batches already imported and creates nothing twice. A batch refused
//! stops the import, naming each refused site by its line in the file.

use sha2::{Digest, Sha256};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The most sites one request carries (the service takes up to 5,000).
const MAX_BATCH: usize = 5_000;

#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// A GeoJSON FeatureCollection (`.geojson`, `.json`), CSV (`.csv`: a
    /// `wkt` column, or `latitude` and `longitude`; OCHA's no-strike-list
    /// columns `name` and `type` read as label and kind) or KML (`.kml`).
    file: PathBuf,
    /// The service, e.g. `https://deconflict.example:8443`.
    #[arg(long, env = "DECONFLICT_URL")]
    url: String,
    /// An operator token of the party the sites are declared for.
    #[arg(long, env = "DECONFLICT_TOKEN", hide_env_values = true)]
    token: String,
    /// Sites a request (1 to 5,000).
    #[arg(long, default_value_t = 1_000)]
    batch: usize,
    /// The kind of a site that names none.
    #[arg(long)]
    kind: Option<String>,
    /// The buffer, in metres, of a site that gives none.
    #[arg(long)]
    buffer_m: Option<f64>,
    /// `private` or `public`, for a site that does not say.
    #[arg(long)]
    visibility: Option<String>,
    /// A PEM file of the only certificate authorities to trust.
    #[arg(long, value_name = "FILE")]
    ca: Option<PathBuf>,
}

/// One request's worth of sites: its body, media type and how many.
struct Batch {
    body: Vec<u8>,
    media: &'static str,
    sites: usize,
    /// The index in the file of its first site.
    first: usize,
}

pub(crate) fn run(args: ImportArgs) -> Result<(), Box<dyn Error>> {
    if !(1..=MAX_BATCH).contains(&args.batch) {
        return Err(format!("--batch: 1 to {MAX_BATCH} sites a request").into());
    }
    let bytes = std::fs::read(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let batches = split(&args.file, &bytes, args.batch)?;
    let total: usize = batches.iter().map(|b| b.sites).sum();
    let client = crate::witness::agent(args.ca.as_deref())?;
    let query = query(&args);
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let progress = indicatif::ProgressBar::new(total as u64).with_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {pos}/{len} sites [{bar:30}] {per_sec}, {eta} left",
        )?
        .progress_chars("=> "),
    );
    let started = Instant::now();
    let (mut imported, mut skipped, mut conflicts) = (0, 0, 0);
    for batch in &batches {
        let key = format!(
            "{}-{}",
            cut(&name, 60),
            hex(&Sha256::digest(&batch.body)[..12])
        );
        let url = format!(
            "{}/v1/declarations/import{query}",
            args.url.trim_end_matches('/')
        );
        let (status, body) = post(&client, &url, &args.token, &key, batch)?;
        let answer: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        match status {
            201 => {
                imported += batch.sites;
                conflicts += answer["conflicts"].as_array().map_or(0, Vec::len);
            }
            200 => skipped += batch.sites,
            _ => {
                progress.abandon();
                return Err(refused(status, &answer, batch, &body).into());
            }
        }
        progress.inc(batch.sites as u64);
    }
    progress.finish_and_clear();
    println!(
        "{name}: {imported} sites imported, {skipped} imported before, {conflicts} conflicts opened, in {} requests and {:.1} s",
        batches.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn query(args: &ImportArgs) -> String {
    let mut query = String::new();
    let mut add = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            query.push(if query.is_empty() { '?' } else { '&' });
            query.push_str(name);
            query.push('=');
            query.push_str(&value);
        }
    };
    add("kind", args.kind.clone());
    add("buffer_m", args.buffer_m.map(|b| b.to_string()));
    add("visibility", args.visibility.clone());
    query
}

/// POSTs one batch; waits out a 429's `Retry-After` and tries again.
fn post(
    client: &ureq::Agent,
    url: &str,
    token: &str,
    key: &str,
    batch: &Batch,
) -> Result<(u16, String), Box<dyn Error>> {
    loop {
        let mut response = client
            .post(url)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", batch.media)
            .header("idempotency-key", key)
            .send(&batch.body[..])
            .map_err(|e| format!("POST {url}: {e}"))?;
        let status = response.status().as_u16();
        if status == 429 {
            let wait = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(1);
            std::thread::sleep(Duration::from_secs(wait.clamp(1, 60)));
            continue;
        }
        let body = response.body_mut().read_to_string()?;
        return Ok((status, body));
    }
}

/// A refusal, each refused site named by its index in the file.
fn refused(status: u16, problem: &serde_json::Value, batch: &Batch, body: &str) -> String {
    let Some(errors) = problem["errors"].as_array() else {
        let detail = problem["detail"].as_str().unwrap_or(body);
        return format!(
            "the service refused sites {} to {}: {status} {detail}",
            batch.first,
            batch.first + batch.sites - 1
        );
    };
    let mut text = format!(
        "{} sites refused; nothing of this batch (sites {} to {}) was imported, earlier batches were:",
        errors.len(),
        batch.first,
        batch.first + batch.sites - 1
    );
    for e in errors {
        let index = batch.first + e["index"].as_u64().unwrap_or(0) as usize;
        text.push_str(&format!(
            "\n  site {index}: {}",
            e["detail"].as_str().unwrap_or("")
        ));
    }
    text
}

/// The file cut into batches of `size` sites, each a body the service reads.
fn split(path: &Path, bytes: &[u8], size: usize) -> Result<Vec<Batch>, Box<dyn Error>> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "csv" => split_csv(bytes, size),
        "geojson" | "json" => split_geojson(bytes, size),
        "kml" => split_geojson(&kml_as_geojson(bytes)?, size),
        other => Err(format!(
            "{}: .{other} is none of .geojson, .json, .csv and .kml",
            path.display()
        )
        .into()),
    }
}

fn split_geojson(bytes: &[u8], size: usize) -> Result<Vec<Batch>, Box<dyn Error>> {
    let mut collection: serde_json::Value = serde_json::from_slice(bytes)?;
    let features = collection["features"]
        .as_array_mut()
        .map(std::mem::take)
        .ok_or("not a GeoJSON FeatureCollection")?;
    Ok(features
        .chunks(size)
        .enumerate()
        .map(|(i, chunk)| Batch {
            body: serde_json::json!({"type": "FeatureCollection", "features": chunk})
                .to_string()
                .into_bytes(),
            media: "application/geo+json",
            sites: chunk.len(),
            first: i * size,
        })
        .collect())
}

/// KML's placemarks as a FeatureCollection, a placemark without a shape
/// left for the service to name.
fn kml_as_geojson(bytes: &[u8]) -> Result<Vec<u8>, Box<dyn Error>> {
    let features: Vec<serde_json::Value> = deconflict_features::read::kml(bytes)?
        .into_iter()
        .map(|row| {
            serde_json::json!({"type": "Feature", "properties": row.properties,
                "geometry": row.geometry.unwrap_or_default()})
        })
        .collect();
    Ok(
        serde_json::json!({"type": "FeatureCollection", "features": features})
            .to_string()
            .into_bytes(),
    )
}

fn split_csv(bytes: &[u8], size: usize) -> Result<Vec<Batch>, Box<dyn Error>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let header = reader.byte_headers()?.clone();
    let mut batches = Vec::new();
    let mut writer: Option<(csv::Writer<Vec<u8>>, usize)> = None;
    let mut first = 0;
    for (i, record) in reader.byte_records().enumerate() {
        let record = record?;
        let (out, count) = writer.get_or_insert_with(|| {
            let mut out = csv::Writer::from_writer(Vec::new());
            out.write_byte_record(&header).expect("writing to memory");
            first = i;
            (out, 0)
        });
        out.write_byte_record(&record)?;
        *count += 1;
        if *count == size {
            let (out, count) = writer.take().expect("a batch being written");
            batches.push(Batch {
                body: out.into_inner()?,
                media: "text/csv",
                sites: count,
                first,
            });
        }
    }
    if let Some((out, count)) = writer {
        batches.push(Batch {
            body: out.into_inner()?,
            media: "text/csv",
            sites: count,
            first,
        });
    }
    Ok(batches)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn cut(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}
