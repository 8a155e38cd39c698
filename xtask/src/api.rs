//! The HTTP API against its own description: the OpenAPI document the demo
//! serves is linted with Redocly, then Schemathesis generates requests from
//! it, once per role, and every answer must be one the document promises.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::run;

const SCHEMATHESIS: &str = "schemathesis==4.32.5";

/// The seed of the test command's runs, so that a failure reproduces; a
/// probe sets `SCHEMATHESIS_SEED` to explore other inputs.
const DEFAULT_SEED: &str = "7946";

/// Test cases per operation and phase: about ten seconds per role on two
/// cores for the 43 operations tested.
const MAX_EXAMPLES: &str = "10";

/// A token of each role: the coordinator's approver, a party's operator, a
/// viewer and an auditor of other parties.
const ROLES: [(&str, &str); 4] = [
    ("joc", "approver"),
    ("coalition", "operator"),
    ("pmf", "viewer"),
    ("ocha", "auditor"),
];

/// Operations Schemathesis cannot judge, each for its reason.
const EXCLUDED_PATHS: [&str; 2] = [
    // An event stream never ends (a comment every 15 s keeps it open), so
    // no request to it completes; crates/server/tests/it/live.rs covers it.
    "/v1/events",
    // Scraped with the separate metrics token, which no role holds; the
    // demo's and the server's tests read it.
    "/metrics",
];

/// Lints the document the debug demo serves, then runs Schemathesis against
/// a fresh demo once per role; `binary` is the debug `deconflict`, `web`
/// the directory whose `node_modules` holds Redocly.
pub(crate) fn conformance(root: &Path, binary: &Path) -> Result<(), String> {
    install_schemathesis()?;
    let seed = std::env::var("SCHEMATHESIS_SEED").unwrap_or_else(|_| DEFAULT_SEED.into());
    let demo = Demo::start(binary)?;
    let document = demo.dir.join("openapi.json");
    std::fs::write(&document, demo.get("/v1/openapi.json")?)
        .map_err(|e| format!("writing {}: {e}", document.display()))?;
    run(Command::new(root.join("web/node_modules/.bin/redocly"))
        .args(["lint", "--config"])
        .arg(root.join("xtask/redocly.yaml"))
        .arg(&document))?;
    drop(demo);

    for (party, role) in ROLES {
        // A fresh demo for each role: the writes of one run (activities
        // cleared, declarations withdrawn) must not change the next's.
        let demo = Demo::start(binary)?;
        let token = demo.token(party, role)?;
        eprintln!("xtask: Schemathesis as {party} {role}, seed {seed}");
        let mut st = Command::new("python3");
        // Its cache goes where it runs: the demo's directory, not the checkout.
        st.current_dir(&demo.dir)
            .args(["-m", "schemathesis.cli", "--config-file"])
            .arg(root.join("xtask/schemathesis.toml"))
            .arg("run")
            .arg(format!("{}/v1/openapi.json", demo.url))
            .args(["--checks", "all", "--seed", &seed])
            .args(["--max-examples", MAX_EXAMPLES])
            // One worker: Hypothesis's generation is not thread-safe on
            // CPython 3.11 (an AST recursion-depth error under two).
            .args(["--workers", "1", "--request-timeout", "10"])
            .arg(format!("--header=Authorization: Bearer {token}"))
            .arg("--report-dir")
            .arg(demo.dir.join("report"));
        for path in EXCLUDED_PATHS {
            st.args(["--exclude-path", path]);
        }
        run(&mut st).map_err(|e| format!("{e}\nas {party} {role}, seed {seed}"))?;
    }
    Ok(())
}

/// Schemathesis from PyPI, when it is missing.
fn install_schemathesis() -> Result<(), String> {
    let version = SCHEMATHESIS.rsplit('=').next().unwrap_or_default();
    let present = Command::new("python3")
        .args(["-m", "schemathesis.cli", "--version"])
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains(version));
    if present {
        return Ok(());
    }
    run(Command::new("python3").args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        SCHEMATHESIS,
    ]))
}

/// `deconflict demo` on a free port of the loopback, with a data directory
/// of its own; stopped and removed on drop.
struct Demo {
    child: Child,
    dir: PathBuf,
    url: String,
    banner: String,
}

impl Demo {
    fn start(binary: &Path) -> Result<Demo, String> {
        let dir = std::env::temp_dir().join(format!(
            "deconflict-api-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let child = Command::new(binary)
            .args(["demo", "--listen", "127.0.0.1:0", "--cot-listen", "off"])
            // Schemathesis sends thousands of requests, and some without a
            // token on purpose: neither the per-token rate nor the limit on
            // failed authentications may answer in place of the route.
            .args(["--rate-limit-per-s", "0", "--auth-failures-per-min", "0"])
            .arg("--data")
            .arg(dir.join("data"))
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
        let mut demo = Demo {
            child,
            dir,
            url: String::new(),
            banner: String::new(),
        };
        let stdout = demo.child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        while !demo.banner.contains("Ctrl-C stops the service.") {
            match lines.next() {
                Some(Ok(line)) => {
                    demo.banner.push_str(&line);
                    demo.banner.push('\n');
                }
                _ => return Err(format!("the demo exited before serving:\n{}", demo.banner)),
            }
        }
        // Drained, so that the demo never blocks writing to a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        demo.url = demo
            .banner
            .lines()
            .find_map(|l| l.trim().strip_prefix("url:"))
            .map(|url| url.trim().to_owned())
            .ok_or_else(|| format!("no url in the demo's banner:\n{}", demo.banner))?;
        Ok(demo)
    }

    fn token(&self, party: &str, role: &str) -> Result<String, String> {
        self.banner
            .lines()
            .find_map(
                |line| match line.split_whitespace().collect::<Vec<_>>()[..] {
                    [p, r, token] if p == party && r == role => Some(token.to_owned()),
                    _ => None,
                },
            )
            .ok_or_else(|| format!("no {party} {role} token in\n{}", self.banner))
    }

    /// The body of a GET, over HTTP/1.0 so that it ends with the connection.
    fn get(&self, path: &str) -> Result<String, String> {
        let host = self.url.trim_start_matches("http://");
        let fail = |e: std::io::Error| format!("GET {}{path}: {e}", self.url);
        let mut stream = TcpStream::connect(host).map_err(fail)?;
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").map_err(fail)?;
        let mut response = String::new();
        stream.read_to_string(&mut response).map_err(fail)?;
        match response.split_once("\r\n\r\n") {
            Some((head, body))
                if head.starts_with("HTTP/1.0 200") || head.starts_with("HTTP/1.1 200") =>
            {
                Ok(body.to_owned())
            }
            _ => Err(format!("GET {}{path} answered:\n{response}", self.url)),
        }
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
