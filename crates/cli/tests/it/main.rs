//! The `deconflict` binary, run as a real process on a free port — only
//! where the process boundary matters: the command line and its config,
//! signals, HTTPS, the demo as a user starts it, durability across
//! SIGKILL, the witness against real (and deliberately forked) logs, and
//! Cursor-on-Target from a real TAK client library (pytak).
//! The API itself is tested in-process in `crates/server/tests`.

mod admin;
mod cot;
mod demo;
mod durability;
mod enrolment;
mod gis;
mod import;
mod nodes;
mod serve;
mod theatre;
mod tiles;
mod tls;
mod verify;
mod witness;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// The binary under test.
pub(crate) fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_deconflict"));
    // Nothing from the caller's environment leaks into a test.
    for (key, _) in std::env::vars() {
        if key.starts_with("DECONFLICT_") {
            command.env_remove(key);
        }
    }
    command
}

/// Runs the binary to completion.
pub(crate) fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

/// Runs the binary and returns its standard output, which must succeed.
pub(crate) fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A data directory with parties `joc` (coordinator), `coalition` and
/// `pmf`, and the token of `party/role` for each pair asked for.
pub(crate) fn data_dir(tokens: &[&str]) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    ok(&["party", "add", "joc", "--coordinator", "--data", data]);
    ok(&["party", "add", "coalition", "--data", data]);
    ok(&["party", "add", "pmf", "--data", data]);
    let tokens = tokens
        .iter()
        .map(|who| {
            let (party, role) = who.split_once('/').unwrap();
            let out = ok(&[
                "token", "create", "--party", party, "--role", role, "--data", data,
            ]);
            out.trim().to_owned()
        })
        .collect();
    (dir, tokens)
}

/// A running `deconflict` process, stopped when dropped.
pub(crate) struct Server {
    pub(crate) child: Child,
    /// `127.0.0.1:PORT`.
    pub(crate) addr: String,
    /// Everything it printed on standard output up to the URL.
    pub(crate) banner: String,
}

impl Server {
    /// `deconflict serve --data DIR --listen 127.0.0.1:0` with the rate
    /// limit off, once it listens.
    pub(crate) fn serve(dir: &Path, extra: &[&str]) -> Server {
        let mut command = bin();
        command
            .args([
                "serve",
                "--data",
                dir.to_str().unwrap(),
                "--listen",
                "127.0.0.1:0",
                "--cot-listen",
                "127.0.0.1:0",
                "--cot-tls-listen",
                "off",
            ])
            .args(extra)
            .env("DECONFLICT_RATE_LIMIT_PER_S", "0");
        Server::start(command, "deconflict: serving")
    }

    /// Starts `command` and waits for the line holding `marker` and the URL.
    pub(crate) fn start(mut command: Command, marker: &str) -> Server {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut banner = String::new();
        let mut addr = None;
        loop {
            let mut line = String::new();
            if stdout.read_line(&mut line).unwrap() == 0 {
                panic!("the server exited before listening: {banner}");
            }
            banner.push_str(&line);
            let mut words = line.split_whitespace();
            let url = words.find_map(|w| w.strip_prefix("http://").or(w.strip_prefix("https://")));
            if let Some(url) = url {
                addr.get_or_insert(url.to_owned());
            }
            if line.contains(marker) && addr.is_some() {
                break;
            }
        }
        // Keep draining what it prints, so it never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = stdout.read_to_end(&mut sink);
        });
        Server {
            child,
            addr: addr.unwrap(),
            banner,
        }
    }

    pub(crate) fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> (u16, String) {
        http(&self.addr, method, path, token, body).expect("the server answers")
    }

    /// Sends a signal by name (`TERM`, `INT`) with kill(1).
    pub(crate) fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Server {
    /// SIGKILL: the process gets no chance to finish anything.
    pub(crate) fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    /// SIGTERM, so a demo removes its temporary directory; SIGKILL if it
    /// has not exited within five seconds.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let deadline = std::time::Instant::now() + Duration::from_secs(5);
            while std::time::Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        self.kill9();
    }
}

/// One HTTP/1.1 request on a new connection; the status and the body.
pub(crate) fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    exchange(connect(addr)?, addr, method, path, token, body)
}

/// A connection to `addr` that gives up on a silent server after a minute.
pub(crate) fn connect(addr: &str) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    Ok(stream)
}

/// One HTTP/1.1 request on `stream`, which the server then closes; the
/// status and the body.
pub(crate) fn exchange(
    mut stream: impl Read + Write,
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let body = body.unwrap_or("");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(token) = token {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    request.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ));
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status line in {response:?}")))?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// An RFC 3339 time `hours` from now.
pub(crate) fn in_hours(hours: f64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    deconflict_server::time::format(now + (hours * 3_600_000.0) as i64)
}
