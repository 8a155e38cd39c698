//! `deconflict witness` against real servers: its key, cosignatures the log
//! serves and that verify, and a log that forks or is rolled back, which the
//! witness must catch, keeping the evidence and its state.

use crate::tls::Cert;
use crate::{Server, bin, data_dir, in_hours, ok, run};
use deconflict_ledger::{KeyType, SignedCheckpoint, SignerKey, VerifierKey};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// A witness: its key made with `witness keygen`, and its state file.
struct Witness {
    key: PathBuf,
    verifier: VerifierKey,
    state: PathBuf,
}

impl Witness {
    /// `witness keygen --name NAME` into `dir`; the state file beside the key.
    fn new(dir: &Path, name: &str) -> Witness {
        let stem = name.replace('/', "_");
        let key = dir.join(format!("{stem}.key"));
        let printed = ok(&[
            "witness",
            "keygen",
            "--name",
            name,
            "--key",
            key.to_str().unwrap(),
        ]);
        Witness {
            key,
            verifier: VerifierKey::parse(printed.trim_end()).unwrap(),
            state: dir.join(format!("{stem}.state")),
        }
    }

    /// `deconflict witness` against `url` with `token` in the environment.
    fn command(&self, url: &str, token: &str, extra: &[&str]) -> Command {
        let mut command = bin();
        command
            .args(["witness", "--server", url])
            .args(["--key", self.key.to_str().unwrap()])
            .args(["--state", self.state.to_str().unwrap()])
            .args(extra)
            .env("DECONFLICT_TOKEN", token);
        command
    }

    /// One round (`--once`).
    fn once(&self, url: &str, token: &str, extra: &[&str]) -> Output {
        let mut command = self.command(url, token, &["--once"]);
        command.args(extra).output().unwrap()
    }

    /// Rounds every second until the witness stops by itself, within a minute.
    fn run_until_it_stops(&self, url: &str, token: &str) -> (ExitStatus, String) {
        let mut child = self
            .command(url, token, &["--interval", "1"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(status) = child.try_wait().unwrap() {
                let mut stderr = String::new();
                child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut stderr)
                    .unwrap();
                return (status, stderr);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the witness did not stop");
    }

    /// One round that must cosign; the size it printed.
    fn cosigns(&self, server: &Server, token: &str) -> u64 {
        let out = self.once(&format!("http://{}", server.addr), token, &[]);
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        let line = stdout.trim_end();
        let (size, root) = line
            .strip_prefix("cosigned ")
            .and_then(|rest| rest.split_once(' '))
            .unwrap_or_else(|| panic!("{line:?}"));
        assert_eq!(root.len(), 44, "a base64 SHA-256: {line}");
        size.parse().unwrap()
    }

    /// The `.fork` evidence file.
    fn evidence(&self) -> PathBuf {
        let mut name = self.state.clone().into_os_string();
        name.push(".fork");
        name.into()
    }
}

fn texts(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Declares a unit position at `lon` for the caller's party.
fn declare(server: &Server, token: &str, label: &str, lon: f64) {
    let body = format!(
        r#"{{"kind":"unit_position","label":"{label}","geometry":{{"type":"Point","coordinates":[{lon},33.3]}},"buffer_m":100,"valid_from":"{}"}}"#,
        in_hours(-1.0)
    );
    let (status, answer) = server.call("POST", "/v1/declarations", Some(token), Some(&body));
    assert_eq!(status, 201, "{answer}");
}

/// The log's verifier key, as the server shows it.
fn log_key(server: &Server, token: &str) -> VerifierKey {
    let (status, text) = server.call("GET", "/v1/log/key", Some(token), None);
    assert_eq!(status, 200, "{text}");
    VerifierKey::parse(text.trim_end()).unwrap()
}

/// Stops a server with SIGTERM and waits until it has exited.
fn stop(mut server: Server) {
    server.signal("TERM");
    assert!(server.child.wait().unwrap().success());
}

/// A copy of a stopped server's data directory: the same log, keys and tokens.
fn copy_data(from: &Path) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for file in std::fs::read_dir(from).unwrap() {
        let file = file.unwrap();
        if file.file_type().unwrap().is_file() {
            std::fs::copy(file.path(), copy.path().join(file.file_name())).unwrap();
        }
    }
    copy
}

#[test]
fn keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites_one() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let witness = Witness::new(dir.path(), "coalition.example/witness");
    assert_eq!(witness.verifier.key_type(), KeyType::CosignatureV1);
    assert_eq!(witness.verifier.name(), "coalition.example/witness");
    let mode = std::fs::metadata(&witness.key)
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    let written = std::fs::read_to_string(&witness.key).unwrap();
    let signer = SignerKey::parse(written.trim_end()).unwrap();
    assert_eq!(signer.verifier(), witness.verifier);

    let key = witness.key.to_str().unwrap();
    let out = run(&["witness", "keygen", "--name", "other", "--key", key]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("never overwritten"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&witness.key).unwrap(), written);
}

#[test]
fn the_witness_cosigns_each_new_checkpoint_and_the_log_serves_its_cosignature() {
    let (dir, tokens) = data_dir(&["coalition/operator", "pmf/viewer"]);
    let (operator, viewer) = (&tokens[0], &tokens[1]);
    let server = Server::serve(dir.path(), &[]);
    declare(&server, operator, "a", 44.0);
    declare(&server, operator, "b", 44.1);
    let witness = Witness::new(dir.path(), "pmf/witness");

    let out = witness.once(&format!("http://{}", server.addr), viewer, &[]);
    let (stdout, stderr) = texts(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with("cosigned 2 "), "{stdout}");
    assert!(stderr.contains("on first use"), "{stderr}");

    declare(&server, operator, "c", 44.2);
    let size = witness.cosigns(&server, viewer);
    assert_eq!(size, 3);

    let key = log_key(&server, viewer);
    let (status, note) = server.call(
        "GET",
        &format!("/v1/log/checkpoint?size={size}"),
        Some(viewer),
        None,
    );
    assert_eq!(status, 200, "{note}");
    let signed = SignedCheckpoint::open(&note, key.name(), &key).unwrap();
    let cosignatures = signed
        .verify_cosignatures(std::slice::from_ref(&witness.verifier))
        .unwrap();
    assert_eq!(cosignatures.len(), 1, "{note}");
    let state = std::fs::read_to_string(&witness.state).unwrap();
    assert!(
        state.contains(&key.to_string()),
        "the log key is pinned: {state}"
    );

    // A `--log-key` that is not the pinned one is refused.
    let other = SignerKey::from_seed(KeyType::Ed25519, key.name(), [9; 32]).unwrap();
    let flag = other.verifier().to_string();
    let out = witness.once(
        &format!("http://{}", server.addr),
        viewer,
        &["--log-key", &flag],
    );
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is not the log key"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&witness.state).unwrap(), state);

    // Another party's witness cosigns the same checkpoint. Ours, run again with no new
    // entry, cosigns it anew and keeps only the log's signature and its own.
    let other = Witness::new(dir.path(), "coalition/witness");
    assert_eq!(other.cosigns(&server, operator), size);
    assert_eq!(witness.cosigns(&server, viewer), size);
    let (_, note) = server.call(
        "GET",
        &format!("/v1/log/checkpoint?size={size}"),
        Some(viewer),
        None,
    );
    let signed = SignedCheckpoint::open(&note, key.name(), &key).unwrap();
    let both = [witness.verifier.clone(), other.verifier.clone()];
    assert_eq!(
        signed.verify_cosignatures(&both).unwrap().len(),
        2,
        "{note}"
    );
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&witness.state).unwrap()).unwrap();
    let kept =
        SignedCheckpoint::open(state["checkpoint"].as_str().unwrap(), key.name(), &key).unwrap();
    assert_eq!(kept.note().signatures().len(), 2, "{state}");
    assert_eq!(kept.verify_cosignatures(&both).unwrap().len(), 1);
}

#[test]
fn a_log_key_the_checkpoint_does_not_verify_with_is_an_error() {
    let (dir, tokens) = data_dir(&["pmf/viewer"]);
    let server = Server::serve(dir.path(), &[]);
    let witness = Witness::new(dir.path(), "pmf/witness");
    let url = format!("http://{}", server.addr);
    let name = log_key(&server, &tokens[0]).name().to_owned();
    let wrong = SignerKey::from_seed(KeyType::Ed25519, &name, [9; 32]).unwrap();
    let out = witness.once(
        &url,
        &tokens[0],
        &["--log-key", &wrong.verifier().to_string()],
    );
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("does not verify with the log key"),
        "{stderr}"
    );
    assert!(!witness.state.exists());

    let out = witness.once(&url, &tokens[0], &["--log-key", "not a key"]);
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--log-key"), "{stderr}");
}

#[test]
fn a_forked_log_is_caught_with_its_evidence_and_the_state_kept() {
    let (dir, tokens) = data_dir(&["coalition/operator", "pmf/viewer"]);
    let (operator, viewer) = (&tokens[0], &tokens[1]);
    let server = Server::serve(dir.path(), &[]);
    declare(&server, operator, "shared", 44.0);
    stop(server);
    // The same log, keys and tokens twice: each copy will tell its own story.
    let copy = copy_data(dir.path());
    let a = Server::serve(dir.path(), &[]);
    let b = Server::serve(copy.path(), &[]);
    declare(&a, operator, "only on a", 44.1);
    declare(&b, operator, "only on b", 44.2);
    declare(&b, operator, "also only on b", 44.3);

    let work = tempfile::tempdir().unwrap();
    let witness = Witness::new(work.path(), "pmf/witness");
    assert_eq!(witness.cosigns(&a, viewer), 2);
    let state = std::fs::read_to_string(&witness.state).unwrap();

    let out = witness.once(&format!("http://{}", b.addr), viewer, &[]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.starts_with("deconflict witness: FORK"), "{stderr}");
    assert!(stderr.contains("checkpoint 3 (root "), "{stderr}");
    assert!(stderr.contains("checkpoint 2 (root "), "{stderr}");
    assert!(
        stderr.contains("consistency proof does not verify"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&witness.state).unwrap(), state);
    // The evidence is B's checkpoint as B's log key signed it.
    let key = log_key(&b, viewer);
    let evidence = std::fs::read_to_string(witness.evidence()).unwrap();
    let signed = SignedCheckpoint::open(&evidence, key.name(), &key).unwrap();
    assert_eq!(signed.checkpoint().size(), 3);
    // Running continuously, the witness stops at the fork too.
    let (status, stderr) = witness.run_until_it_stops(&format!("http://{}", b.addr), viewer);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("FORK"), "{stderr}");
    // A never got B's view: the witness still accepts A.
    declare(&a, operator, "a again", 44.4);
    assert_eq!(witness.cosigns(&a, viewer), 3);
}

#[test]
fn a_log_rolled_back_to_a_backup_is_caught() {
    let (dir, tokens) = data_dir(&["coalition/operator", "pmf/viewer"]);
    let (operator, viewer) = (&tokens[0], &tokens[1]);
    let server = Server::serve(dir.path(), &[]);
    declare(&server, operator, "first", 44.0);
    stop(server);
    let backup = copy_data(dir.path());
    let server = Server::serve(dir.path(), &[]);
    declare(&server, operator, "second", 44.1);
    declare(&server, operator, "third", 44.2);
    let witness = Witness::new(dir.path(), "pmf/witness");
    assert_eq!(witness.cosigns(&server, viewer), 3);
    stop(server);
    let state = std::fs::read_to_string(&witness.state).unwrap();

    let restored = Server::serve(backup.path(), &[]);
    let out = witness.once(&format!("http://{}", restored.addr), viewer, &[]);
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("deconflict witness: FORK"), "{stderr}");
    assert!(stderr.contains("rolled back"), "{stderr}");
    assert!(stderr.contains("checkpoint 1 (root "), "{stderr}");
    assert!(witness.evidence().exists());
    assert_eq!(std::fs::read_to_string(&witness.state).unwrap(), state);
}

#[test]
fn over_https_the_witness_trusts_the_certificate_given_with_ca() {
    let (dir, tokens) = data_dir(&["pmf/viewer"]);
    let cert = Cert::new(dir.path(), "service");
    let server = Server::serve(dir.path(), &cert.flags());
    let (_, port) = server.addr.rsplit_once(':').unwrap();
    let url = format!("https://localhost:{port}");
    let witness = Witness::new(dir.path(), "pmf/witness");

    let out = witness.once(&url, &tokens[0], &[]);
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("certificate"), "{stderr}");

    let out = witness.once(&url, &tokens[0], &["--ca", cert.cert.to_str().unwrap()]);
    let (stdout, stderr) = texts(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with("cosigned 0 "), "{stdout}");
}

#[test]
fn running_continuously_the_witness_retries_after_a_network_error() {
    let dir = tempfile::tempdir().unwrap();
    let witness = Witness::new(dir.path(), "pmf/witness");
    // A port nothing listens on any more.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut child = witness
        .command(&format!("http://{addr}"), "dcf_x", &["--interval", "1"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    for _ in 0..2 {
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        assert!(line.contains("trying again in 1 s"), "{line}");
    }
    assert!(child.try_wait().unwrap().is_none(), "still running");
    child.kill().unwrap();
    child.wait().unwrap();
}
