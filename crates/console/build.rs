//! Builds the web console (`web/`) with npm and embeds what it makes.
//!
//! 1. `npm ci` in `web/` when `web/node_modules` is missing or older than
//!    `web/package-lock.json` (npm records the tree it installed in
//!    `node_modules/.package-lock.json`);
//! 2. `node build.mjs --outdir $OUT_DIR/web`: bundle, hash names;
//! 3. `$OUT_DIR/assets.rs`: one table row per file built, with its bytes
//!    (`include_bytes!`), its content type and whether it may be cached
//!    for good (names under `assets/` carry a hash of their content).
//!
//! Without Node.js and npm the build stops and says what to install.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let web = manifest.join("../../web");
    for input in [
        "src",
        "package.json",
        "package-lock.json",
        "build.mjs",
        "tsconfig.json",
    ] {
        println!("cargo:rerun-if-changed={}", web.join(input).display());
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo")).join("web");

    require_node();
    if needs_install(&web) {
        run(
            Command::new(npm())
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&web),
            "npm ci (installing the console's packages from web/package-lock.json)",
        );
    }
    run(
        Command::new("node")
            .arg("build.mjs")
            .arg("--outdir")
            .arg(&out)
            .current_dir(&web),
        "node build.mjs (building the console)",
    );
    let table = table(&out);
    let target = out.parent().expect("OUT_DIR/web").join("assets.rs");
    fs::write(&target, table).expect("writing assets.rs");
}

fn npm() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

/// Stops the build with what to install when Node.js or npm is missing.
fn require_node() {
    let works = |program: &str| {
        Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !works("node") || !works(npm()) {
        panic!(
            "\n\nThe web console (web/) is built with Node.js (20 or later) and npm, and they \
             were not found on PATH.\nInstall them (Debian/Ubuntu: `apt-get install nodejs npm`; \
             or from https://nodejs.org) and build again.\n\n"
        );
    }
}

/// Whether `web/node_modules` is missing or older than the lock file.
fn needs_install(web: &Path) -> bool {
    let modified =
        |path: PathBuf| -> Option<SystemTime> { fs::metadata(path).ok()?.modified().ok() };
    match (
        modified(web.join("node_modules/.package-lock.json")),
        modified(web.join("package-lock.json")),
    ) {
        (Some(installed), Some(locked)) => installed < locked,
        _ => true,
    }
}

fn run(command: &mut Command, what: &str) {
    let status = command
        .status()
        .unwrap_or_else(|e| panic!("could not run {what}: {e}"));
    assert!(status.success(), "{what} failed with {status}");
}

/// The Rust source of the asset table: `(path, bytes, content type, immutable)`.
fn table(out: &Path) -> String {
    let mut files = Vec::new();
    collect(out, out, &mut files);
    files.sort();
    let mut source = String::from("&[\n");
    for relative in files {
        let absolute = out.join(&relative);
        writeln!(
            source,
            "    ({relative:?}, include_bytes!({absolute:?}), {:?}, {}),",
            content_type(&relative),
            relative.starts_with("assets/"),
            absolute = absolute.display().to_string(),
        )
        .expect("writing to a String");
    }
    source.push(']');
    source
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    for entry in fs::read_dir(dir).expect("reading the console build") {
        let path = entry.expect("reading the console build").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).expect("under the root");
            files.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}
