//! `deconflict witness`: the program each party runs to keep the log honest.
//!
//! A witness remembers the last checkpoint it accepted from a log and, each
//! round, accepts the log's latest checkpoint only if a consistency proof
//! shows the old tree is a prefix of the new one (RFC 9162 §2.1.4). It then
//! cosigns it (c2sp.org/tlog-cosignature) and hands the cosignature to the
//! log, so that every party reading the checkpoint knows the witness saw the
//! same history. A log that shows two histories, or takes one back, has
//! signed evidence against itself: the witness keeps it and stops.
//!
//! The state file is written only after the log took the cosignature, and
//! atomically, so a crash at any point leaves either the old or the new
//! accepted checkpoint, never a mix, and never one the witness did not check.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use clap::{Args, Subcommand};
use deconflict_ledger::{
    Checkpoint, Hash, KeyType, Note, SignedCheckpoint, SignerKey, VerifierKey, hash_from_slice,
    verify_consistency,
};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use ureq::tls::{PemItem, RootCerts, TlsConfig};

/// The exit status of a run that found the log forked or rolled back.
const FORK_EXIT: u8 = 2;

/// How long one request may take, connecting included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct WitnessArgs {
    #[command(subcommand)]
    command: Option<WitnessCommand>,
    #[command(flatten)]
    run: Option<RunArgs>,
}

#[derive(Debug, Subcommand)]
enum WitnessCommand {
    /// Make a witness key: writes the private key to a new file (mode 0600)
    /// and prints the verifier key, which the log's parties use to check
    /// this witness's cosignatures.
    Keygen {
        /// The witness's name, e.g. `coalition.example/witness` (no spaces or `+`).
        #[arg(long)]
        name: String,
        /// The file to create for the private key; an existing file is never overwritten.
        #[arg(long)]
        key: PathBuf,
    },
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The log's URL, e.g. `https://deconflict.example:8443`.
    #[arg(long, required = true)]
    server: String,
    /// A bearer token of the witness's party, any role (prefer the environment:
    /// a flag shows in the process list).
    #[arg(
        long,
        env = "DECONFLICT_TOKEN",
        hide_env_values = true,
        required = true
    )]
    token: String,
    /// The witness's private key file, from `deconflict witness keygen`.
    #[arg(long, required = true)]
    key: PathBuf,
    /// The witness's memory of this log: its pinned key and the last
    /// checkpoint accepted (created on first use).
    #[arg(long, required = true)]
    state: PathBuf,
    /// The log's verifier key, as the log's operator published it. Pinned in
    /// the state on first use; without it the key the server shows is
    /// trusted on first use.
    #[arg(long)]
    log_key: Option<String>,
    /// A PEM file of the certificate(s) to trust for an HTTPS server,
    /// instead of the public roots (for a self-signed certificate).
    #[arg(long)]
    ca: Option<PathBuf>,
    /// One round, then exit: 0 cosigned, 1 an error, 2 a fork.
    #[arg(long)]
    once: bool,
    /// Seconds between rounds when running continuously.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    interval: u64,
}

/// Runs `deconflict witness …`; its own exit status, since a fork (2) is
/// not the same failure as any other (1).
pub(crate) fn main(args: WitnessArgs) -> ExitCode {
    let result = match args.command {
        Some(WitnessCommand::Keygen { name, key }) => keygen(&name, &key).map_err(Failure::Local),
        None => watch(
            args.run
                .expect("clap requires the flags of a run without a subcommand"),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("deconflict witness: {failure}");
            match failure {
                Failure::Fork(_) => ExitCode::from(FORK_EXIT),
                Failure::Local(_) | Failure::Remote(_) => ExitCode::FAILURE,
            }
        }
    }
}

/// Why a round did not cosign, or the witness stopped.
#[derive(Debug)]
enum Failure {
    /// The log contradicted a checkpoint it signed before.
    Fork(Box<Fork>),
    /// Something here needs a person (a file, a pinned key): retrying cannot help.
    Local(String),
    /// The server or the network failed: the next round may succeed.
    Remote(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Fork(fork) => fork.fmt(f),
            Failure::Local(message) | Failure::Remote(message) => f.write_str(message),
        }
    }
}

/// Two checkpoints signed by the same log that cannot both be true.
#[derive(Debug)]
struct Fork {
    server: String,
    accepted: Checkpoint,
    offending: Checkpoint,
    reason: String,
    /// Where the offending checkpoint was saved, or why it could not be.
    evidence: Result<PathBuf, String>,
    state: PathBuf,
}

impl fmt::Display for Fork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (old, new) = (&self.accepted, &self.offending);
        writeln!(
            f,
            "FORK: the log {} at {} signed checkpoint {} (root {}), which does not extend \
             checkpoint {} (root {}) that this witness accepted: {}.",
            new.origin(),
            self.server,
            new.size(),
            root(new),
            old.size(),
            root(old),
            self.reason,
        )?;
        match &self.evidence {
            Ok(path) => write!(
                f,
                "  evidence: {} (the checkpoint as the log signed it)",
                path.display()
            )?,
            Err(e) => write!(f, "  the evidence could not be saved: {e}")?,
        }
        write!(
            f,
            "\n  the state {} is unchanged; the accepted checkpoint is in it",
            self.state.display()
        )
    }
}

fn root(checkpoint: &Checkpoint) -> String {
    BASE64.encode(checkpoint.root())
}

/// Writes a new cosignature/v1 key from 32 random bytes of the operating system.
fn keygen(name: &str, path: &Path) -> Result<(), String> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| format!("no random bytes from the system: {e}"))?;
    let key = SignerKey::from_seed(KeyType::CosignatureV1, name, seed)
        .map_err(|e| format!("--name {name:?}: {e}"))?;
    write_private(path, &format!("{}\n", key.to_key_string())).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "--key {}: the file exists; a key file is never overwritten",
                path.display()
            )
        } else {
            format!("--key {}: {e}", path.display())
        }
    })?;
    println!("{}", key.verifier());
    eprintln!(
        "deconflict witness: private key written to {}; the verifier key above is public",
        path.display()
    );
    Ok(())
}

/// Creates `path` readable only by its owner; refuses an existing file, which may be a
/// key in use.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

/// Reads a witness key file: a cosignature/v1 private key.
fn read_key(path: &Path) -> Result<SignerKey, String> {
    let context = |e: &dyn fmt::Display| format!("--key {}: {e}", path.display());
    let text = std::fs::read_to_string(path).map_err(|e| context(&e))?;
    let key = SignerKey::parse(text.trim_end()).map_err(|e| context(&e))?;
    if key.key_type() != KeyType::CosignatureV1 {
        return Err(context(
            &"not a witness key (cosignature/v1); make one with `deconflict witness keygen`",
        ));
    }
    Ok(key)
}

/// Parses a log's verifier key: a log signs with an Ed25519 note key.
fn parse_log_key(text: &str) -> Result<VerifierKey, String> {
    let key = VerifierKey::parse(text.trim()).map_err(|e| e.to_string())?;
    if key.key_type() != KeyType::Ed25519 {
        return Err("not a log key (a log signs with an Ed25519 note key)".into());
    }
    Ok(key)
}

/// Everything a round needs, read once from the command line.
struct Witness {
    client: Client,
    key: SignerKey,
    state: PathBuf,
    log_key: Option<VerifierKey>,
}

/// Rounds until a fork or a local failure, or one round with `--once`.
fn watch(args: RunArgs) -> Result<(), Failure> {
    let log_key = args
        .log_key
        .as_deref()
        .map(|text| parse_log_key(text).map_err(|e| Failure::Local(format!("--log-key: {e}"))));
    let witness = Witness {
        client: Client::new(&args.server, &args.token, args.ca.as_deref())
            .map_err(Failure::Local)?,
        key: read_key(&args.key).map_err(Failure::Local)?,
        state: args.state,
        log_key: log_key.transpose()?,
    };
    loop {
        match witness.round() {
            Ok(accepted) => println!("cosigned {} {}", accepted.size(), root(&accepted)),
            Err(Failure::Remote(e)) if !args.once => {
                eprintln!(
                    "deconflict witness: {e}; trying again in {} s",
                    args.interval
                );
            }
            Err(failure) => return Err(failure),
        }
        if args.once {
            return Ok(());
        }
        std::thread::sleep(Duration::from_secs(args.interval));
    }
}

impl Witness {
    /// Checks the log's latest checkpoint against the accepted one, cosigns it, hands
    /// the cosignature to the log, and only then remembers it.
    fn round(&self) -> Result<Checkpoint, Failure> {
        let state = State::load(&self.state)?;
        let log_key = self.log_key(state.as_ref())?;
        let text = self.client.get("/v1/log/checkpoint")?;
        let latest = SignedCheckpoint::open(&text, log_key.name(), &log_key).map_err(|e| {
            Failure::Remote(format!(
                "the log's latest checkpoint does not verify with the log key {log_key}: {e}"
            ))
        })?;
        if let Some(state) = &state {
            self.check_extends(state.accepted.checkpoint(), latest.checkpoint(), &text)?;
        }
        let mut cosigned = signed_by_the_log_alone(&latest, &log_key)
            .map_err(|e| Failure::Remote(format!("the log's latest checkpoint: {e}")))?;
        cosigned
            .cosign(&self.key, unix_now())
            .map_err(|e| Failure::Local(format!("cosigning: {e}")))?;
        self.client
            .post_cosignature(&self.key.verifier(), &cosigned)?;
        let accepted = cosigned.checkpoint().clone();
        State {
            log_key,
            accepted: cosigned,
        }
        .save(&self.state)?;
        Ok(accepted)
    }

    /// The log key: pinned in the state, else `--log-key`, else the server's, trusted
    /// on first use.
    fn log_key(&self, state: Option<&State>) -> Result<VerifierKey, Failure> {
        match (state, &self.log_key) {
            (Some(state), Some(flag)) if state.log_key != *flag => Err(Failure::Local(format!(
                "--log-key {flag} is not the log key {} pinned in {}: a log does not change \
                 its key; if this is another log, give it its own state file",
                state.log_key,
                self.state.display()
            ))),
            (Some(state), _) => Ok(state.log_key.clone()),
            (None, Some(flag)) => Ok(flag.clone()),
            (None, None) => {
                let key = self.client.get("/v1/log/key")?;
                let key = parse_log_key(&key)
                    .map_err(|e| Failure::Remote(format!("the server's log key: {e}")))?;
                eprintln!(
                    "deconflict witness: warning: trusting the log key {key} as the server \
                     shows it, on first use; check it with the log's operator (or give \
                     --log-key). It is pinned in {} from now on.",
                    self.state.display()
                );
                Ok(key)
            }
        }
    }

    /// That `new` extends `old`, the accepted checkpoint; a fork keeps `new_text`, the
    /// log's signed note, next to the state as evidence.
    fn check_extends(
        &self,
        old: &Checkpoint,
        new: &Checkpoint,
        new_text: &str,
    ) -> Result<(), Failure> {
        let reason = match compare(old, new) {
            Step::Same => return Ok(()),
            Step::Fork(reason) => reason,
            Step::Grows => {
                let proof = self.client.consistency(old.size(), new.size())?;
                match verify_consistency(old.size(), new.size(), &proof, old.root(), new.root()) {
                    Ok(()) => return Ok(()),
                    Err(e) => format!("the log's consistency proof does not verify ({e})"),
                }
            }
        };
        let path = fork_path(&self.state);
        let evidence = write_atomic(&path, new_text.as_bytes())
            .map(|()| path.clone())
            .map_err(|e| format!("{}: {e}", path.display()));
        Err(Failure::Fork(Box::new(Fork {
            server: self.client.server.clone(),
            accepted: old.clone(),
            offending: new.clone(),
            reason,
            evidence,
            state: self.state.clone(),
        })))
    }
}

/// The checkpoint with the log's signature and no other: what the witness hands back and
/// keeps is what the log signed and what it cosigned, whatever other witnesses added (which
/// could otherwise crowd its line out of a note's limited signatures).
fn signed_by_the_log_alone(
    signed: &SignedCheckpoint,
    log_key: &VerifierKey,
) -> Result<SignedCheckpoint, deconflict_ledger::Error> {
    let mut note = Note::new(signed.note().text())?;
    for line in signed.note().signatures() {
        if line.name == log_key.name() && line.key_id == log_key.key_id() {
            note.add_signature(line.clone())?;
        }
    }
    SignedCheckpoint::from_note(note, log_key.name(), log_key)
}

/// What the log's latest checkpoint is to the accepted one, before any proof.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// The same tree again.
    Same,
    /// Larger: consistent only if a proof says so.
    Grows,
    /// Contradicts it, whatever any proof says.
    Fork(String),
}

fn compare(old: &Checkpoint, new: &Checkpoint) -> Step {
    use std::cmp::Ordering;
    match new.size().cmp(&old.size()) {
        Ordering::Greater => Step::Grows,
        Ordering::Equal if new.root() == old.root() => Step::Same,
        Ordering::Equal => Step::Fork("the same size with another root".into()),
        Ordering::Less => Step::Fork(
            "its latest checkpoint is smaller than one it signed before: the log was rolled back"
                .into(),
        ),
    }
}

/// `<state>.fork`: where the evidence of a fork is kept.
fn fork_path(state: &Path) -> PathBuf {
    let mut name = state.as_os_str().to_owned();
    name.push(".fork");
    PathBuf::from(name)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// What a witness remembers of a log.
#[derive(Debug)]
struct State {
    log_key: VerifierKey,
    /// The last checkpoint accepted, with this witness's cosignature on it.
    accepted: SignedCheckpoint,
}

/// The state file, JSON: the pinned key and the note as texts.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    log_key: String,
    checkpoint: String,
}

impl State {
    /// The state in `path`, `None` if there is none yet. The accepted checkpoint is
    /// checked again, so a damaged file is noticed rather than trusted.
    fn load(path: &Path) -> Result<Option<State>, Failure> {
        let context =
            |e: &dyn fmt::Display| Failure::Local(format!("the state {}: {e}", path.display()));
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(context(&e)),
        };
        let file: StateFile = serde_json::from_str(&text).map_err(|e| context(&e))?;
        let log_key = parse_log_key(&file.log_key).map_err(|e| context(&e))?;
        let accepted = SignedCheckpoint::open(&file.checkpoint, log_key.name(), &log_key)
            .map_err(|e| context(&format!("its checkpoint does not verify: {e}")))?;
        Ok(Some(State { log_key, accepted }))
    }

    fn save(&self, path: &Path) -> Result<(), Failure> {
        let file = StateFile {
            log_key: self.log_key.to_string(),
            checkpoint: self.accepted.to_string(),
        };
        let json = serde_json::to_string_pretty(&file).expect("strings serialize");
        write_atomic(path, format!("{json}\n").as_bytes())
            .map_err(|e| Failure::Local(format!("writing the state {}: {e}", path.display())))
    }
}

/// Replaces `path` with `contents` so that a crash leaves the old file or the new one:
/// a temporary file beside it, flushed to disk, renamed over it.
fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    // The rename is durable only once the directory holding it is.
    File::open(dir)?.sync_all()
}

/// An HTTP client of the service: refusals are answers to read, not
/// errors; `ca`, when given, the only roots trusted.
pub(crate) fn agent(ca: Option<&Path>) -> Result<ureq::Agent, String> {
    let mut tls = TlsConfig::builder();
    if let Some(ca) = ca {
        tls = tls.root_certs(read_ca(ca)?);
    }
    Ok(ureq::Agent::config_builder()
        // Refusals are read as problem+json, not turned into bare errors.
        .http_status_as_error(false)
        .timeout_global(Some(REQUEST_TIMEOUT))
        .tls_config(tls.build())
        .build()
        .new_agent())
}

/// The log's HTTP API, as one party's bearer token sees it.
struct Client {
    agent: ureq::Agent,
    server: String,
    authorization: String,
}

impl Client {
    fn new(server: &str, token: &str, ca: Option<&Path>) -> Result<Client, String> {
        Ok(Client {
            agent: agent(ca)?,
            server: server.trim_end_matches('/').to_owned(),
            authorization: format!("Bearer {token}"),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server)
    }

    /// A GET answered 2xx; its body.
    fn get(&self, path: &str) -> Result<String, Failure> {
        let response = self
            .agent
            .get(self.url(path))
            .header("authorization", &self.authorization)
            .call();
        self.answer("GET", path, response)
    }

    /// The consistency proof from the tree of `from` entries to that of `to`.
    fn consistency(&self, from: u64, to: u64) -> Result<Vec<Hash>, Failure> {
        #[derive(Deserialize)]
        struct Proof {
            from: u64,
            to: u64,
            hashes: Vec<String>,
        }
        let path = format!("/v1/log/proof/consistency?from={from}&to={to}");
        let body = self.get(&path)?;
        let invalid = |e: &dyn fmt::Display| Failure::Remote(format!("GET {path}: {e}"));
        let proof: Proof = serde_json::from_str(&body).map_err(|e| invalid(&e))?;
        if (proof.from, proof.to) != (from, to) {
            return Err(invalid(&format!(
                "a proof from {} to {}",
                proof.from, proof.to
            )));
        }
        proof
            .hashes
            .iter()
            .map(|h| {
                let bytes = BASE64.decode(h).map_err(|e| invalid(&e))?;
                hash_from_slice(&bytes).map_err(|e| invalid(&e))
            })
            .collect()
    }

    /// Hands the log this witness's cosignature of one of its checkpoints.
    fn post_cosignature(
        &self,
        key: &VerifierKey,
        cosigned: &SignedCheckpoint,
    ) -> Result<(), Failure> {
        let path = "/v1/log/cosignature";
        let body = serde_json::json!({ "key": key.to_string(), "note": cosigned.to_string() });
        let response = self
            .agent
            .post(self.url(path))
            .header("authorization", &self.authorization)
            .header("content-type", "application/json")
            .send(body.to_string());
        self.answer("POST", path, response).map(drop)
    }

    /// The body of a 2xx answer; otherwise the problem's detail.
    fn answer(
        &self,
        method: &str,
        path: &str,
        response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<String, Failure> {
        let failed =
            |e: &dyn fmt::Display| Failure::Remote(format!("{method} {}: {e}", self.url(path)));
        let mut response = response.map_err(|e| failed(&e))?;
        let status = response.status();
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| failed(&e))?;
        if status.is_success() {
            Ok(body)
        } else {
            Err(failed(&problem(status, &body)))
        }
    }
}

/// A refusal as the server explains it: problem+json's code and detail.
fn problem(status: ureq::http::StatusCode, body: &str) -> String {
    #[derive(Deserialize)]
    struct Problem {
        code: String,
        detail: String,
    }
    match serde_json::from_str::<Problem>(body) {
        Ok(p) => format!("{status} {}: {}", p.code, p.detail),
        Err(_) => {
            let body: String = body.trim().chars().take(200).collect();
            format!("{status}: {body}")
        }
    }
}

/// The certificates of a PEM file, to be the only roots trusted.
fn read_ca(path: &Path) -> Result<RootCerts, String> {
    let context = |e: &dyn fmt::Display| format!("--ca {}: {e}", path.display());
    let pem = std::fs::read(path).map_err(|e| context(&e))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        if let PemItem::Certificate(cert) = item.map_err(|e| context(&e))? {
            certs.push(cert);
        }
    }
    if certs.is_empty() {
        return Err(context(&"holds no PEM certificate"));
    }
    Ok(RootCerts::from(certs))
}

#[cfg(test)]
mod tests {
    use super::{Step, compare, fork_path};
    use deconflict_ledger::Checkpoint;
    use std::path::Path;

    fn checkpoint(size: u64, root: u8) -> Checkpoint {
        Checkpoint::new("example/log", size, [root; 32]).unwrap()
    }

    #[test]
    fn only_a_larger_checkpoint_needs_a_proof_and_a_smaller_or_different_one_is_a_fork() {
        let old = checkpoint(5, 1);
        assert_eq!(compare(&old, &checkpoint(5, 1)), Step::Same);
        assert_eq!(compare(&old, &checkpoint(6, 2)), Step::Grows);
        assert!(
            matches!(compare(&old, &checkpoint(5, 2)), Step::Fork(r) if r.contains("another root"))
        );
        assert!(
            matches!(compare(&old, &checkpoint(4, 1)), Step::Fork(r) if r.contains("rolled back"))
        );
    }

    #[test]
    fn the_evidence_is_kept_next_to_the_state() {
        assert_eq!(
            fork_path(Path::new("w/log.json")),
            Path::new("w/log.json.fork")
        );
    }
}
