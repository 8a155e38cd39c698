//! Project automation: `cargo xtask <task>`.
//!
//! `cargo xtask test` is the one command that checks everything: formatting,
//! lints, the whole test suite (the service's integration tests a second
//! time on PostgreSQL), then the web console in a real browser. It installs
//! what the tests need when it is missing (Chromium, PostgreSQL, promtool
//! and GDAL from Debian's packages, pytak, the console's npm packages), so a
//! fresh clone needs nothing else first.

mod api;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  test     formatting, clippy (-D warnings), cargo deny, every test of the
           workspace, the console's browser tests (web/tests, Chromium), then
           the API against its OpenAPI document (Redocly, Schemathesis)
  api      only the last: the document linted, Schemathesis once per role
           (SCHEMATHESIS_SEED picks another seed than the test command's)
  fuzz     run the fuzz targets for a while (needs cargo-fuzz; installs it)
";

fn main() -> ExitCode {
    let task = std::env::args().nth(1);
    let result = match task.as_deref() {
        Some("test") => test(),
        Some("fuzz") => fuzz(),
        Some("api") => api(),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn test() -> Result<(), String> {
    let root = workspace_root();
    install_pytak()?;
    install_postgres()?;
    install_promtool()?;
    install_gdal()?;
    run(cargo(&root).args(["fmt", "--all", "--check"]))?;
    run(cargo(&root).args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]))?;
    install_cargo_deny(&root)?;
    // Licences, one version of each crate, crates.io only (see deny.toml).
    run(cargo(&root).args(["deny", "--locked", "check", "bans", "licenses", "sources"]))?;
    run(cargo(&root).args(["test", "--workspace", "--locked"]))?;
    // The service's integration tests again, every harness on PostgreSQL.
    run(cargo(&root)
        .args([
            "test",
            "--locked",
            "-p",
            "deconflict-server",
            "--test",
            "it",
        ])
        .env("DECONFLICT_TEST_STORE", "postgres"))?;
    browser_tests(&root)
}

/// Debian's Chromium; the browser tests drive it with playwright-core.
const CHROMIUM: &str = "/usr/bin/chromium";

/// The console against the demo in headless Chromium (`web/tests`): builds
/// the debug binary they start, installs Chromium and the npm packages
/// when missing, runs `npm test`; then the API against its document
/// (Redocly, Schemathesis: see `api.rs`).
fn browser_tests(root: &Path) -> Result<(), String> {
    if !Path::new(CHROMIUM).exists() {
        apt_install(
            "chromium",
            true,
            &format!("the browser tests need Chromium at {CHROMIUM}"),
        )?;
    }
    let web = root.join("web");
    if npm_stale(&web) {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&web))?;
    }
    run(&mut build_binary(root))?;
    run(Command::new("npm").arg("test").current_dir(&web))?;
    api::conformance(root, &debug_binary(root))
}

/// `cargo xtask api`: the debug binary and the npm packages, then the API
/// against its document.
fn api() -> Result<(), String> {
    let root = workspace_root();
    let web = root.join("web");
    if npm_stale(&web) {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&web))?;
    }
    run(&mut build_binary(&root))?;
    api::conformance(&root, &debug_binary(&root))
}

/// The `deconflict` binary in the test profile, as `cargo test` built it for
/// the integration tests (both land in `target/debug`): what the two share
/// is compiled once (the features of one package alone differ from the
/// workspace's, so a few crates are still built again).
fn build_binary(root: &Path) -> Command {
    let mut command = cargo(root);
    command.args(["build", "--locked", "--profile", "test", "-p", "deconflict"]);
    command
}

/// The debug `deconflict`, in the target directory cargo uses.
fn debug_binary(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("debug/deconflict")
}

/// Whether `web/node_modules` is missing or older than the lock file (npm
/// records the tree it installed in `node_modules/.package-lock.json`).
fn npm_stale(web: &Path) -> bool {
    let modified = |path: PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    match (
        modified(web.join("node_modules/.package-lock.json")),
        modified(web.join("package-lock.json")),
    ) {
        (Some(installed), Some(locked)) => installed < locked,
        _ => true,
    }
}

fn fuzz() -> Result<(), String> {
    let root = workspace_root();
    if !Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        run(cargo(&root).args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let seconds = std::env::var("FUZZ_SECONDS").unwrap_or_else(|_| "60".into());
    // cargo-fuzz needs unstable sanitizer flags; the stable toolchain
    // accepts them when told it is bootstrapping itself.
    for target in ["volume", "cot"] {
        run(cargo(&root.join("fuzz"))
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run", target, "--"])
            .arg(format!("-max_total_time={seconds}")))?;
    }
    Ok(())
}

/// Debian's PostgreSQL (15 on Debian 12), when no `initdb` is under
/// /usr/lib/postgresql/*/bin: the store's tests run a throw-away server of
/// it (crates/pgtest).
fn install_postgres() -> Result<(), String> {
    let installed = std::fs::read_dir("/usr/lib/postgresql").is_ok_and(|versions| {
        versions
            .flatten()
            .any(|version| version.path().join("bin/initdb").is_file())
    });
    if installed {
        return Ok(());
    }
    apt_install(
        "postgresql",
        true,
        "the store's tests need PostgreSQL's server binaries",
    )
}

/// pytak, the TAK client library the Cursor-on-Target test drives the
/// service with, from PyPI when it is missing; with the packages its
/// certificate enrolment needs.
fn install_pytak() -> Result<(), String> {
    let present = Command::new("python3")
        .args(["-c", "import pytak, aiohttp, cryptography"])
        .output()
        .is_ok_and(|o| o.status.success());
    if present {
        return Ok(());
    }
    run(Command::new("python3").args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "pytak[with-crypto,with-aiohttp]==7.6.1",
        "aiohttp==3.14.5",
        "cryptography==50.0.2",
    ]))
}

/// promtool, which checks `/metrics` in the server's tests, from Debian's
/// prometheus package when it is missing.
fn install_promtool() -> Result<(), String> {
    if Command::new("promtool").arg("--version").output().is_ok() {
        return Ok(());
    }
    apt_install("prometheus", false, "the metrics tests need promtool")
}

/// GDAL's `ogrinfo` and `ogr2ogr`, which read the GIS formats in the
/// command line's tests, from Debian's gdal-bin when they are missing.
fn install_gdal() -> Result<(), String> {
    if Command::new("ogrinfo").arg("--version").output().is_ok() {
        return Ok(());
    }
    apt_install(
        "gdal-bin",
        false,
        "the GIS tests need GDAL's ogrinfo and ogr2ogr",
    )
}

/// Installs one of Debian's packages, with what it recommends or without,
/// saying why it is needed when it cannot.
fn apt_install(package: &str, recommends: bool, why: &str) -> Result<(), String> {
    eprintln!("xtask: installing Debian's {package}");
    let apt = || {
        let mut command = Command::new("apt-get");
        command.env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    run(apt().arg("update"))
        .and_then(|()| {
            let mut install = apt();
            install.args(["install", "-y", package]);
            if !recommends {
                install.arg("--no-install-recommends");
            }
            run(&mut install)
        })
        .map_err(|e| format!("{e}\n{why}: install it (as root: apt-get install {package})"))
}

/// cargo-deny, from crates.io when it is missing (a few minutes' build, once).
fn install_cargo_deny(root: &Path) -> Result<(), String> {
    let present = cargo(root)
        .args(["deny", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if present {
        return Ok(());
    }
    run(cargo(root).args(["install", "--locked", "cargo-deny@0.20.2"]))
}

fn cargo(dir: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(dir);
    // A fresh checkout builds once: incremental state would only double
    // what the target directory holds on disk.
    if std::env::var_os("CI").is_some() {
        command.env("CARGO_INCREMENTAL", "0");
    }
    command
}

/// Runs `command`, saying how long it took: CI's budget is spent step by step.
fn run(command: &mut Command) -> Result<(), String> {
    eprintln!("xtask: running {command:?}");
    let started = Instant::now();
    let status = command
        .status()
        .map_err(|e| format!("could not start {command:?}: {e}"))?;
    let named: Vec<_> = std::iter::once(command.get_program())
        .chain(command.get_args().take(3))
        .map(|part| part.to_string_lossy())
        .collect();
    eprintln!("xtask: {:.0?} for {}", started.elapsed(), named.join(" "));
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed with {status}"))
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
