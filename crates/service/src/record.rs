//! The verifiable record: every entry's public leaf in a Merkle tree, the
//! checkpoints the log signs over it, and the cosignatures of witnesses.
//!
//! # Nothing lost or changed in silence
//!
//! Checkpoints are signed only over durable entries, at most half a second
//! after they land ([`Service::sign_checkpoint`], driven by
//! [`sign_every`]), whenever one is asked for, and at a clean stop. Each is
//! stored in the database and also written, fsynced, to the file
//! `checkpoint` in the data directory ([`MARKER`]), outside the database:
//! the database is what a cut or deleted WAL file, deleted rows or an
//! emptied file would shorten, and the marker is what says it was longer.
//!
//! At start, before anything is made or served:
//! - a log shorter than the marker's checkpoint, or than any checkpoint or
//!   cosignature the database holds, does not start ([`StartError::Shortened`]):
//!   acknowledged entries are gone, and new ones would take their numbers;
//! - the tree is rebuilt from the leaf hashes stored with the entries and
//!   its root checked against the latest checkpoint and the marker's: a leaf
//!   or checkpoint changed on disk, or a database replaced by another log's,
//!   does not start;
//! - the newest entries ([`CHECKED_BEFORE_SERVING`]) are recomputed into
//!   their leaves: a recent entry changed on disk does not start.
//!
//! The older entries are then recomputed on a thread of its own
//! ([`check_entries`]; a million take longer than the rest of a restart).
//! Until that check passes no command is decided and no checkpoint signed,
//! so nothing new is ever decided against, or signed over, a changed entry;
//! if it fails, every request is refused with `tampered`.

use crate::service::{Service, StartError, now_ms};
use deconflict_ledger::{
    Checkpoint, Hash, KeyType, SignedCheckpoint, SignerKey, Tree, VerifierKey,
};
use deconflict_model::Entry;
use deconflict_record::{Published, SaltSecret, leaf_hash_of, publish};
use deconflict_store::{
    Checkpoints, Cosignature, Location, LogBackend, LogKeys, PgLog, SqliteLog, StoreError,
    StoredCheckpoint,
};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// The log's keys, its tree of leaves and its signed checkpoints.
pub struct Record {
    origin: String,
    signer: SignerKey,
    verifier: VerifierKey,
    secret: SaltSecret,
    tree: Mutex<Tree>,
    store: Mutex<Checkpoints>,
    /// The latest signed checkpoint's size and note.
    latest: Mutex<Option<StoredCheckpoint>>,
    /// Where each checkpoint is also written (see the module docs), if the
    /// node has a data directory, and the size of the one it holds.
    marker: Option<PathBuf>,
    marked: Mutex<Option<u64>>,
}

impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Record")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

/// The file in the data directory that holds the latest signed checkpoint.
pub const MARKER: &str = "checkpoint";

/// How many of the newest entries are checked against their leaves before
/// the service serves at all.
pub const CHECKED_BEFORE_SERVING: u64 = 256;

/// Why a checkpoint cannot be signed or a cosignature taken.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("the service has stopped trusting its state")]
    Failed,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ledger(#[from] deconflict_ledger::Error),
    #[error("writing the checkpoint to {path}: {error}")]
    Marker { path: String, error: std::io::Error },
}

impl Record {
    /// The checkpoint store of `store` and the log's keys, made on first
    /// use.
    pub fn keys(store: &Location) -> Result<(Checkpoints, LogKeys), StartError> {
        let mut store = Checkpoints::open_at(store)?;
        let keys = store.keys_or_insert(new_keys, now_ms())?;
        Ok((store, keys))
    }

    /// The record over the leaf hashes of every entry in the log, checked
    /// against the latest checkpoint the log signed.
    pub fn new(
        store_name: &str,
        dir: Option<&Path>,
        store: Checkpoints,
        keys: LogKeys,
        leaves: Vec<Hash>,
    ) -> Result<Record, StartError> {
        let invalid = |what: String| StartError::Tampered(what);
        let signer = SignerKey::parse(&keys.signer_key)
            .map_err(|e| invalid(format!("the log's signing key does not parse: {e}")))?;
        let mut tree = Tree::new();
        for leaf in leaves {
            tree.append(leaf)
                .map_err(|e| invalid(format!("rebuilding the tree: {e}")))?;
        }
        let latest = store.latest()?;
        let cosigned = store.latest_cosigned()?.unwrap_or(0);
        if cosigned > tree.size() {
            return Err(StartError::Shortened {
                store: store_name.to_owned(),
                head: tree.size(),
                signed: cosigned,
                evidence: "a witness's cosignature in the database",
            });
        }
        let marker = match dir {
            Some(dir) => read_marker(dir)?,
            None => None,
        };
        let record = Record {
            verifier: signer.verifier(),
            origin: keys.origin,
            signer,
            secret: SaltSecret::new(keys.salt_secret),
            tree: Mutex::new(tree),
            store: Mutex::new(store),
            latest: Mutex::new(latest.clone()),
            marker: dir.map(|dir| dir.join(MARKER)),
            marked: Mutex::new(marker.as_deref().and_then(marker_size)),
        };
        if let Some(latest) = latest {
            record.check(&latest)?;
        }
        if let Some(note) = marker {
            let size = marker_size(&note).unwrap_or(0);
            record.check(&StoredCheckpoint {
                size,
                time_ms: 0,
                note,
            })?;
        }
        Ok(record)
    }

    /// The size of the latest signed checkpoint, 0 if none.
    pub fn latest_size(&self) -> u64 {
        self.latest_lock().as_ref().map_or(0, |c| c.size)
    }

    /// That the log still holds what checkpoint `stored` signed.
    fn check(&self, stored: &StoredCheckpoint) -> Result<(), StartError> {
        let signed =
            SignedCheckpoint::open(&stored.note, &self.origin, &self.verifier).map_err(|e| {
                StartError::Tampered(format!("checkpoint {} does not verify: {e}", stored.size))
            })?;
        let tree = self.tree();
        let size = signed.checkpoint().size();
        if size > tree.size() {
            return Err(StartError::Tampered(format!(
                "the log has {} entries, but the log signed a checkpoint of {size}",
                tree.size()
            )));
        }
        let root = tree
            .root_at(size)
            .map_err(|e| StartError::Tampered(e.to_string()))?;
        if root != *signed.checkpoint().root() {
            return Err(StartError::Tampered(format!(
                "the first {size} entries are not those the log signed in its checkpoint of \
                 that size: an entry was changed"
            )));
        }
        Ok(())
    }

    pub fn secret(&self) -> &SaltSecret {
        &self.secret
    }

    pub fn verifier(&self) -> &VerifierKey {
        &self.verifier
    }

    /// The tree; held briefly, for an append or a proof.
    pub fn tree(&self) -> std::sync::MutexGuard<'_, Tree> {
        self.tree.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends the leaf of an entry, given as the log stores it, and
    /// returns its hash for the log to keep with the entry.
    pub fn append(&self, encoded: &[u8]) -> Result<Hash, String> {
        let leaf = leaf_hash_of(encoded, &self.secret).map_err(|e| e.to_string())?;
        self.tree().append(leaf).map_err(|e| e.to_string())?;
        Ok(leaf)
    }

    /// Keeps the first `size` leaves only: the entries after them never
    /// reached the log. Nothing is signed beyond durable entries, so no
    /// checkpoint covers a leaf dropped here.
    pub(crate) fn truncate(&self, size: u64) -> Result<(), deconflict_ledger::Error> {
        let mut tree = self.tree();
        if tree.size() <= size {
            return Ok(());
        }
        let mut kept = Tree::new();
        for index in 0..size {
            kept.append(tree.leaf(index)?)?;
        }
        *tree = kept;
        Ok(())
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Checkpoints> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn latest_lock(&self) -> std::sync::MutexGuard<'_, Option<StoredCheckpoint>> {
        self.latest.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Signs and stores a checkpoint of the first `durable` entries, unless
    /// the latest already covers them. Returns the latest checkpoint.
    pub fn sign_up_to(&self, durable: u64) -> Result<StoredCheckpoint, RecordError> {
        let mut latest = self.latest_lock();
        let current = match latest.as_ref().filter(|c| c.size >= durable) {
            Some(current) => current.clone(),
            None => {
                let stored = self.sign(durable)?;
                *latest = Some(stored.clone());
                stored
            }
        };
        // Also when the checkpoint was signed before: a marker that could
        // not be written then is written now.
        self.mark(&current)?;
        Ok(current)
    }

    /// Signs and stores a checkpoint of the first `durable` entries.
    fn sign(&self, durable: u64) -> Result<StoredCheckpoint, RecordError> {
        let root = self.tree().root_at(durable)?;
        let checkpoint = Checkpoint::new(self.origin.clone(), durable, root)?;
        let signed = SignedCheckpoint::sign(checkpoint, &self.signer)?;
        let stored = StoredCheckpoint {
            size: durable,
            time_ms: now_ms(),
            note: signed.to_string(),
        };
        self.store().add_checkpoint(&stored)?;
        Ok(stored)
    }

    /// Writes `checkpoint` to the marker unless it holds it already.
    fn mark(&self, checkpoint: &StoredCheckpoint) -> Result<(), RecordError> {
        let Some(marker) = &self.marker else {
            return Ok(());
        };
        let mut marked = self.marked.lock().unwrap_or_else(PoisonError::into_inner);
        if *marked >= Some(checkpoint.size) {
            return Ok(());
        }
        write_marker(marker, &checkpoint.note).map_err(|error| RecordError::Marker {
            path: marker.display().to_string(),
            error,
        })?;
        *marked = Some(checkpoint.size);
        Ok(())
    }

    /// Checkpoint `size` as published: the log's note followed by every
    /// cosignature it has, or `None` if the log signed no such checkpoint.
    pub fn published(&self, size: u64) -> Result<Option<String>, RecordError> {
        let store = self.store();
        let Some(stored) = store.checkpoint(size)? else {
            return Ok(None);
        };
        let mut note = stored.note;
        // A note holds at most MAX_SIGNATURES lines, the log's own among them.
        let room = deconflict_ledger::MAX_SIGNATURES - 1;
        for c in store.cosignatures(size)?.into_iter().take(room) {
            note.push_str(&c.signature);
            note.push('\n');
        }
        Ok(Some(note))
    }

    /// The checkpoint a proof of the first `needed` entries is best made
    /// to: the largest one a witness cosigned, if it covers them, else the
    /// latest, `latest`.
    pub fn proof_size(&self, needed: u64, latest: u64) -> Result<u64, RecordError> {
        Ok(self
            .store()
            .latest_cosigned()?
            .filter(|&cosigned| cosigned >= needed && cosigned <= latest)
            .unwrap_or(latest))
    }

    /// Takes a witness's cosignature of one of the log's checkpoints: `note`
    /// is the checkpoint as the log signed it plus the witness's line.
    pub fn cosign(
        &self,
        party: &str,
        witness: &VerifierKey,
        note: &str,
    ) -> Result<Option<u64>, CosignError> {
        if witness.key_type() != KeyType::CosignatureV1 {
            return Err(CosignError::NotAWitnessKey);
        }
        if !names_party(witness.name(), party) {
            return Err(CosignError::NameOfOtherParty);
        }
        let signed = SignedCheckpoint::open(note, &self.origin, &self.verifier)
            .map_err(|e| CosignError::Invalid(e.to_string()))?;
        let size = signed.checkpoint().size();
        let store = self.store();
        let Some(stored) = store.checkpoint(size).map_err(CosignError::Store)? else {
            return Ok(None);
        };
        let ours = SignedCheckpoint::open(&stored.note, &self.origin, &self.verifier)
            .map_err(|e| CosignError::Invalid(e.to_string()))?;
        if ours.checkpoint() != signed.checkpoint() {
            return Err(CosignError::Invalid(
                "the note is not the checkpoint the log signed at that size".into(),
            ));
        }
        let verified = signed
            .verify_cosignatures(std::slice::from_ref(witness))
            .map_err(|e| CosignError::Invalid(e.to_string()))?;
        if verified.is_empty() {
            return Err(CosignError::Invalid(
                "the note carries no cosignature by that key".into(),
            ));
        }
        let line = signed
            .note()
            .signatures()
            .iter()
            .find(|s| s.name == witness.name() && s.key_id == witness.key_id())
            .map(ToString::to_string)
            .expect("a verified signature is in the note");
        drop(store);
        let cosignature = Cosignature {
            witness: witness.to_string(),
            party: party.to_owned(),
            signature: line,
            time_ms: now_ms(),
        };
        self.store()
            .add_cosignature(size, &cosignature)
            .map_err(CosignError::Store)?;
        Ok(Some(size))
    }
}

/// Why a cosignature was refused.
#[derive(Debug, thiserror::Error)]
pub enum CosignError {
    #[error("a witness key must be a cosignature/v1 key (type 0x04)")]
    NotAWitnessKey,
    #[error(
        "a witness posts under its own party's name: the party's name, or it followed by `.` or `/`"
    )]
    NameOfOtherParty,
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(StoreError),
}

/// Whether a witness named `name` may be `party`'s: its name is the
/// party's, or begins with it and `.` or `/` (which no party name holds),
/// so that no party can show its cosignature under another's name.
fn names_party(name: &str, party: &str) -> bool {
    name.strip_prefix(party)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '/']))
}

/// Keys for a new log: a random origin, an Ed25519 key named after it, a
/// random salt secret.
fn new_keys() -> LogKeys {
    let random = || {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
        bytes
    };
    let tag = random();
    let origin = format!(
        "deconflict/{:02x}{:02x}{:02x}{:02x}",
        tag[0], tag[1], tag[2], tag[3]
    );
    let signer = SignerKey::from_seed(KeyType::Ed25519, &origin, random())
        .expect("an origin of this form is a key name");
    LogKeys {
        origin,
        signer_key: signer.to_key_string(),
        salt_secret: random(),
    }
}

/// Writes `note` to the marker file `path` so that it is on disk, whole,
/// when this returns: a new file, fsynced, renamed over the old one, and the
/// directory fsynced for the rename.
fn write_marker(path: &Path, note: &str) -> std::io::Result<()> {
    use std::io::Write;
    let fresh = path.with_extension("new");
    let mut file = std::fs::File::create(&fresh)?;
    file.write_all(note.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&fresh, path)?;
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// The checkpoint note in data directory `dir`'s marker, if there is one.
fn read_marker(dir: &Path) -> Result<Option<String>, StartError> {
    match std::fs::read_to_string(dir.join(MARKER)) {
        Ok(note) => Ok(Some(note)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StartError::Tampered(format!(
            "{}: cannot read the log's last checkpoint: {e}",
            dir.join(MARKER).display()
        ))),
    }
}

/// The size a checkpoint note claims, without checking its signature.
fn marker_size(note: &str) -> Option<u64> {
    let note = deconflict_ledger::Note::parse(note).ok()?;
    Some(Checkpoint::parse(note.text()).ok()?.size())
}

/// Refuses data directory `dir` if its marker says the log signed more
/// entries than its database holds (`head`): the database was cut, emptied
/// or replaced. Runs before anything is created in the database.
pub fn refuse_shortened(dir: &Path, head: u64) -> Result<(), StartError> {
    let Some(note) = read_marker(dir)? else {
        return Ok(());
    };
    let signed = marker_size(&note).ok_or_else(|| {
        StartError::Tampered(format!(
            "{}: the log's last checkpoint does not parse",
            dir.join(MARKER).display()
        ))
    })?;
    if signed > head {
        return Err(StartError::Shortened {
            store: dir.display().to_string(),
            head,
            signed,
            evidence: "the file `checkpoint` beside the database",
        });
    }
    Ok(())
}

/// Signs a checkpoint of the durable entries every `period` while entries
/// arrive; runs until the task is dropped. Signing stores the checkpoint
/// and fsyncs it, so it runs off the async threads.
pub async fn sign_every(state: Service, period: Duration) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let signer = state.clone();
        let signed = tokio::task::spawn_blocking(move || {
            // Of several nodes on one log, the one that leads signs.
            signer.leads().then(|| signer.sign_checkpoint())
        })
        .await;
        match signed {
            Ok(None) => {}
            Ok(Some(Ok(_))) => state.checkpoints_stored(true),
            Ok(Some(Err(e))) => {
                tracing::error!(error = %e, "signing a checkpoint");
                state.checkpoints_stored(false);
            }
            Err(e) => tracing::error!(error = %e, "the checkpoint signer stopped"),
        }
    }
}

impl Service {
    /// Entries `start..end` (numbered from 0), decoded, each with its
    /// public form.
    pub fn published(&self, start: u64, end: u64) -> Result<Vec<(Entry, Published)>, crate::Error> {
        let fault = |e: &dyn std::fmt::Display| {
            tracing::error!(error = %e, "reading the public log");
            crate::Error::Internal
        };
        let count = usize::try_from(end.saturating_sub(start)).unwrap_or(usize::MAX);
        let stored = self.log().read(start + 1, count).map_err(|e| fault(&e))?;
        stored
            .iter()
            .map(|stored| {
                let entry = Entry::decode(&stored.body).map_err(|e| fault(&e))?;
                let published =
                    publish(&stored.body, self.record().secret()).map_err(|e| fault(&e))?;
                Ok((entry, published))
            })
            .collect()
    }
}

/// Entries read per batch by [`check_entries`].
const CHECK_BATCH: usize = 4096;

/// Checks that every entry in the log still gives the leaf the tree holds
/// for it. The tree was built from the leaf hashes stored with the entries
/// and checked against the signed checkpoints, so it is what the log
/// published; an entry changed on disk since no longer matches. The newest
/// [`CHECKED_BEFORE_SERVING`] are checked before this returns (a mismatch
/// there refuses the start); the rest on a thread of its own, reading
/// through its own connection, after which commands are decided again (see
/// the module docs); a mismatch there refuses everything with `tampered`.
pub fn check_entries(state: &Service, store: &Location) -> Result<(), StartError> {
    let reader: Box<dyn LogBackend> = match store {
        Location::Sqlite(dir) => Box::new(SqliteLog::open_reader(dir)?),
        Location::Postgres(url) => Box::new(PgLog::open_reader(url)?),
    };
    let size = state.record().tree().size();
    let secret = state.record().secret().clone();
    let newest = size.saturating_sub(CHECKED_BEFORE_SERVING) + 1;
    check_range(state, reader.as_ref(), &secret, newest, size).map_err(StartError::Tampered)?;
    if newest == 1 {
        state.checked();
        return Ok(());
    }
    let weak = state.downgrade();
    std::thread::Builder::new()
        .name("deconflict-check-entries".into())
        .spawn(move || {
            let started = std::time::Instant::now();
            // The thread holds the service only while it checks a batch.
            let mut next = 1;
            while next < newest {
                let Some(state) = weak.upgrade() else { return };
                match check_batch(&state, reader.as_ref(), &secret, next, newest - 1) {
                    Ok(checked) => next += checked.max(1),
                    Err(why) => {
                        state.tampered(&why);
                        state.checked();
                        return;
                    }
                }
            }
            let Some(state) = weak.upgrade() else { return };
            state.checked();
            tracing::info!(
                entries = size,
                seconds = started.elapsed().as_secs_f64(),
                "every entry matches the leaf the log published"
            );
        })
        .map_err(|e| StartError::Thread(e.to_string()))?;
    Ok(())
}

/// Checks entries `from..=to`, batch by batch.
fn check_range(
    state: &Service,
    reader: &dyn LogBackend,
    secret: &SaltSecret,
    from: u64,
    to: u64,
) -> Result<(), String> {
    let mut next = from;
    while next <= to {
        next += check_batch(state, reader, secret, next, to)?.max(1);
    }
    Ok(())
}

/// Checks the entries from `next` on (at most a batch, none past `size`);
/// returns how many.
fn check_batch(
    state: &Service,
    reader: &dyn LogBackend,
    secret: &SaltSecret,
    next: u64,
    size: u64,
) -> Result<u64, String> {
    let count = usize::try_from(size - next + 1).map_or(CHECK_BATCH, |n| n.min(CHECK_BATCH));
    let batch = reader.read(next, count).map_err(|e| e.to_string())?;
    if batch.is_empty() {
        return Err(format!("entry {next} is missing from the log"));
    }
    for stored in &batch {
        let computed = leaf_hash_of(&stored.body, secret).map_err(|e| e.to_string())?;
        let published = state
            .record()
            .tree()
            .leaf(stored.seq - 1)
            .map_err(|e| e.to_string())?;
        if computed != published {
            return Err(format!(
                "entry {} no longer gives the leaf the log published for it: it was changed \
                 on disk",
                stored.seq
            ));
        }
    }
    state.counters().checked(batch.len() as u64);
    Ok(batch.len() as u64)
}
