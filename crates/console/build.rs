//! Builds the web console (`web/`) with npm and embeds what it makes,
//! writing nothing outside `OUT_DIR`:
//!
//! 1. copies `web/`'s sources and package files to `$OUT_DIR/web-src`, and
//!    runs `npm ci` there unless its `node_modules` was installed from the
//!    same lock file (npm's cache makes a fresh install quick);
//! 2. `node build.mjs --outdir $OUT_DIR/web`: bundle, hash names;
//! 3. `$OUT_DIR/assets.rs`: one table row per file built, with its bytes
//!    (`include_bytes!`), its content type and whether it may be cached
//!    for good (names under `assets/` carry a hash of their content).
//!
//! Without Node.js and npm, or when `npm ci` fails (no registry and nothing
//! in npm's cache), the crate still builds, so `cargo check` and clippy need
//! neither Node nor the network: cargo prints a warning saying what is
//! missing, and the console is one page that says it was not built and how
//! to build it. A failing `build.mjs` is a fault in `web/` and stops the
//! build.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What `build.mjs` reads, relative to `web/`.
const INPUTS: [&str; 6] = [
    "src",
    "data",
    "package.json",
    "package-lock.json",
    "build.mjs",
    "tsconfig.json",
];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let web = manifest.join("../../web");
    for input in INPUTS {
        println!("cargo:rerun-if-changed={}", web.join(input).display());
    }
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let out = out_dir.join("web");
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).expect("creating OUT_DIR/web");
    let built = match build(&web, &out_dir, &out) {
        Ok(()) => true,
        Err(missing) => {
            println!(
                "cargo:warning=the web console is not built: {missing}. The server serves a page \
                 saying so at /. Once fixed, `cargo clean -p deconflict-console` and build again."
            );
            // Node.js put on PATH later is then noticed without a clean.
            println!("cargo:rerun-if-env-changed=PATH");
            fs::write(out.join("index.html"), NOT_BUILT).expect("writing the placeholder page");
            false
        }
    };
    let table = table(&out);
    fs::write(out_dir.join("assets.rs"), table).expect("writing assets.rs");
    fs::write(out_dir.join("built.rs"), built.to_string()).expect("writing built.rs");
}

/// Builds the console into `out` from a copy of `web/` under `out_dir`; the
/// error says what is missing when Node.js, npm or the packages are.
fn build(web: &Path, out_dir: &Path, out: &Path) -> Result<(), String> {
    if !node_present() {
        return Err(
            "Node.js (20 or later) and npm were not found on PATH; install them \
             (Debian/Ubuntu: apt-get install nodejs npm)"
                .into(),
        );
    }
    let source = out_dir.join("web-src");
    for input in INPUTS {
        copy(&web.join(input), &source.join(input));
    }
    if needs_install(&source) {
        // What npm's cache holds is taken without asking the registry, so a
        // rebuild (a new OUT_DIR) works offline once the packages were fetched.
        let status = Command::new(npm())
            .args(["ci", "--prefer-offline", "--no-audit", "--no-fund"])
            .current_dir(&source)
            .status()
            .map_err(|e| format!("npm could not be run: {e}"))?;
        if !status.success() {
            return Err(format!(
                "`npm ci` failed ({status}) installing the packages of web/package-lock.json; \
                 npm needs its registry (or its cache holding them): see the build script's \
                 output (cargo build -vv)"
            ));
        }
        fs::copy(
            source.join("package-lock.json"),
            source.join(INSTALLED_FROM),
        )
        .expect("recording the installed lock file");
    }
    run(
        Command::new("node")
            .arg("build.mjs")
            .arg("--outdir")
            .arg(out)
            .current_dir(&source),
        "node build.mjs (building the console)",
    );
    Ok(())
}

/// The console's one page when it could not be built.
const NOT_BUILT: &str = "<!doctype html>\n<html lang=\"en\"><meta charset=\"utf-8\">\
<title>deconflict</title>\n<h1>The console was not built</h1>\n<p>This server was compiled \
without the web console: Node.js and npm, which build it, were missing, or npm could not \
install its packages (see the warning of <code>cargo build</code>). Install Node.js 20 or \
later and npm, then <code>cargo clean -p deconflict-console</code> and build the server \
again. The API under <code>/v1/</code> works without it.</p>\n</html>\n";

fn npm() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

/// Whether Node.js and npm can be run.
fn node_present() -> bool {
    let works = |program: &str| {
        Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    works("node") && works(npm())
}

/// Copies a file, or a directory's tree, replacing what was there.
fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        let _ = fs::remove_dir_all(to);
        fs::create_dir_all(to).expect("creating a copy of web/");
        for entry in fs::read_dir(from).expect("reading web/") {
            let entry = entry.expect("reading web/");
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        fs::create_dir_all(to.parent().expect("a parent")).expect("creating a copy of web/");
        fs::copy(from, to).unwrap_or_else(|e| panic!("copying {}: {e}", from.display()));
    }
}

/// Whether `node_modules` beside the copy was installed from another lock
/// file than the one copied now (or not at all).
fn needs_install(source: &Path) -> bool {
    let installed = fs::read(source.join(INSTALLED_FROM)).ok();
    installed != fs::read(source.join("package-lock.json")).ok()
}

/// The lock file `node_modules` was last installed from, kept beside it.
const INSTALLED_FROM: &str = "node_modules/.installed-from-package-lock.json";

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
