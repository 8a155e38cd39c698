//! The verifiable record: every entry's public leaf in a Merkle tree, the
//! checkpoints the log signs over it, and the cosignatures of witnesses.
//!
//! Each entry's leaf hash is stored with it. At start the tree is rebuilt
//! from those hashes and its root checked against the last checkpoint the
//! log signed: a leaf or checkpoint changed on disk stops the service from
//! starting. Then a thread of its own recomputes every entry's leaf from
//! the entry ([`check_entries`]): an entry changed on disk makes the service
//! refuse everything from then on. (Recomputing a million leaves takes
//! longer than the rest of a restart, hence the split.) Checkpoints are
//! signed only over durable entries, at most half a second after they land
//! ([`AppState::sign_checkpoint`], driven by [`sign_every`]) and whenever
//! one is asked for.

use crate::state::{AppState, StartError, now_ms};
use deconflict_ledger::{
    Checkpoint, Hash, KeyType, SignedCheckpoint, SignerKey, Tree, VerifierKey,
};
use deconflict_model::Entry;
use deconflict_record::{Published, SaltSecret, leaf_hash_of, publish};
use deconflict_store::{
    Checkpoints, Cosignature, LogBackend, LogKeys, SqliteLog, StoreError, StoredCheckpoint,
};
use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// The log's keys, its tree of leaves and its signed checkpoints.
pub(crate) struct Record {
    origin: String,
    signer: SignerKey,
    verifier: VerifierKey,
    secret: SaltSecret,
    tree: Mutex<Tree>,
    store: Mutex<Checkpoints>,
    /// The latest signed checkpoint's size and note.
    latest: Mutex<Option<StoredCheckpoint>>,
}

/// Why a checkpoint cannot be signed or a cosignature taken.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("the service has stopped trusting its state")]
    Failed,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ledger(#[from] deconflict_ledger::Error),
}

impl Record {
    /// The checkpoint store of data directory `dir` and the log's keys,
    /// made on first use.
    pub(crate) fn keys(dir: &Path) -> Result<(Checkpoints, LogKeys), StartError> {
        let mut store = Checkpoints::open(dir)?;
        let keys = store.keys_or_insert(new_keys, now_ms())?;
        Ok((store, keys))
    }

    /// The record over the leaf hashes of every entry in the log, checked
    /// against the latest checkpoint the log signed.
    pub(crate) fn new(
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
        let record = Record {
            verifier: signer.verifier(),
            origin: keys.origin,
            signer,
            secret: SaltSecret::new(keys.salt_secret),
            tree: Mutex::new(tree),
            store: Mutex::new(store),
            latest: Mutex::new(latest.clone()),
        };
        if let Some(latest) = latest {
            record.check(&latest)?;
        }
        Ok(record)
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

    pub(crate) fn secret(&self) -> &SaltSecret {
        &self.secret
    }

    pub(crate) fn verifier(&self) -> &VerifierKey {
        &self.verifier
    }

    /// The tree; held briefly, for an append or a proof.
    pub(crate) fn tree(&self) -> std::sync::MutexGuard<'_, Tree> {
        self.tree.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends the leaf of an entry, given as the log stores it, and
    /// returns its hash for the log to keep with the entry.
    pub(crate) fn append(&self, encoded: &[u8]) -> Result<Hash, String> {
        let leaf = leaf_hash_of(encoded, &self.secret).map_err(|e| e.to_string())?;
        self.tree().append(leaf).map_err(|e| e.to_string())?;
        Ok(leaf)
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Checkpoints> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn latest_lock(&self) -> std::sync::MutexGuard<'_, Option<StoredCheckpoint>> {
        self.latest.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Signs and stores a checkpoint of the first `durable` entries, unless
    /// the latest already covers them. Returns the latest checkpoint.
    pub(crate) fn sign_up_to(&self, durable: u64) -> Result<StoredCheckpoint, RecordError> {
        let mut latest = self.latest_lock();
        if let Some(current) = latest.as_ref().filter(|c| c.size >= durable) {
            return Ok(current.clone());
        }
        let root = self.tree().root_at(durable)?;
        let checkpoint = Checkpoint::new(self.origin.clone(), durable, root)?;
        let signed = SignedCheckpoint::sign(checkpoint, &self.signer)?;
        let stored = StoredCheckpoint {
            size: durable,
            time_ms: now_ms(),
            note: signed.to_string(),
        };
        self.store().add_checkpoint(&stored)?;
        *latest = Some(stored.clone());
        Ok(stored)
    }

    /// Checkpoint `size` as published: the log's note followed by every
    /// cosignature it has, or `None` if the log signed no such checkpoint.
    pub(crate) fn published(&self, size: u64) -> Result<Option<String>, RecordError> {
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
    pub(crate) fn proof_size(&self, needed: u64, latest: u64) -> Result<u64, RecordError> {
        Ok(self
            .store()
            .latest_cosigned()?
            .filter(|&cosigned| cosigned >= needed && cosigned <= latest)
            .unwrap_or(latest))
    }

    /// Takes a witness's cosignature of one of the log's checkpoints: `note`
    /// is the checkpoint as the log signed it plus the witness's line.
    pub(crate) fn cosign(
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
pub(crate) enum CosignError {
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

/// Signs a checkpoint of the durable entries every `period` while entries
/// arrive; runs until the task is dropped.
pub(crate) async fn sign_every(state: AppState, period: Duration) {
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(e) = state.sign_checkpoint() {
            tracing::error!(error = %e, "signing a checkpoint");
        }
    }
}

impl AppState {
    /// Entries `start..end` (numbered from 0), decoded, each with its
    /// public form.
    pub(crate) fn published(
        &self,
        start: u64,
        end: u64,
    ) -> Result<Vec<(Entry, Published)>, crate::ApiError> {
        let fault = |e: &dyn std::fmt::Display| {
            tracing::error!(error = %e, "reading the public log");
            crate::ApiError::Internal
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

/// Starts checking, on a thread of its own, that every entry in the log
/// still gives the leaf the tree holds for it. The tree was built from the
/// leaf hashes stored with the entries and checked against the last signed
/// checkpoint, so it is what the log published; an entry changed on disk
/// since no longer matches, and the service then refuses everything. The
/// check reads through its own connection and stops if the service does.
pub(crate) fn check_entries(state: &AppState, dir: &Path) -> Result<(), StartError> {
    let reader = SqliteLog::open_reader(dir)?;
    let size = state.record().tree().size();
    let secret = state.record().secret().clone();
    let weak = state.downgrade();
    std::thread::Builder::new()
        .name("deconflict-check-entries".into())
        .spawn(move || {
            let started = std::time::Instant::now();
            let mut next = 1;
            while next <= size {
                let Some(state) = weak.upgrade() else { return };
                match check_batch(&state, &reader, &secret, next, size) {
                    Ok(checked) => {
                        state.metrics().checked(checked);
                        next += checked.max(1);
                    }
                    Err(why) => {
                        state.fail(&why);
                        return;
                    }
                }
            }
            tracing::info!(
                entries = size,
                seconds = started.elapsed().as_secs_f64(),
                "every entry matches the leaf the log published"
            );
        })
        .map_err(|e| StartError::Thread(e.to_string()))?;
    Ok(())
}

/// Checks the entries from `next` on (at most a batch, none past `size`);
/// returns how many.
fn check_batch(
    state: &AppState,
    reader: &SqliteLog,
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
    Ok(batch.len() as u64)
}
