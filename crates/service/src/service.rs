//! The service's state: the model's fold behind one lock, the durable log,
//! the party directory, and the command path that ties them together.
//!
//! # The command path
//!
//! Under one async mutex, in log order: [`State::execute`] decides the
//! command, the draft is sealed with the next sequence number, applied to
//! the state, and submitted to the [`Log`] writer; the response is built from
//! the state as it now stands. Then, *outside* the lock, the handler awaits
//! the log's [`Ticket`](deconflict_store::Ticket): while one request waits
//! for its fsync, the next ones take the lock and queue their entries, and
//! the writer commits them all in one transaction (group commit). Nobody is
//! answered before their entry is durable.
//!
//! The entry is applied before it is submitted, so an entry the state could
//! not apply (a bug in the model) never reaches the log; the service then
//! refuses everything (`unavailable`) and a restart rebuilds a good state
//! from the log. A failed write poisons the log the same way: the state has
//! moved past what is on disk, so the service stops answering from it. On a
//! log shared by several nodes, one failure is expected and survived: when
//! another node wrote where this node's entries were to go (its write turn
//! lost with its session, as when the database fails over), or the
//! database stayed out of reach, none of them is in the log, and the state
//! is rebuilt from the log without them (`Service::drop_refused`).

use crate::config::Config;
use crate::counters::Counters;
use crate::error::Error;
use crate::feed::Feed;
use crate::record::{Record, RecordError};
use deconflict_ledger::Hash;
use deconflict_model::{Actor, Command, Entropy, Entry, ModelError, Policy, Replay, State};
use deconflict_record::SaltSecret;
use deconflict_store::{Credential, Directory, Location, Log, StoreError};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// How many large batches may wait for the command lock at once.
const BULK_LANES: usize = 1;

/// How a command goes to the command lock. The lock serves in turn, so a
/// single report (the one that puts a unit in a hazard) could queue behind
/// every large batch in flight; large batches take the bulk lane, which
/// lets one of them at a time wait for the lock, and is free again as soon
/// as the batch is applied (while its entry is made durable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Any,
    Bulk,
}

impl Lane {
    /// The bulk lane for a batch of more than 64 track reports.
    pub fn for_reports(reports: usize) -> Lane {
        if reports > 64 { Lane::Bulk } else { Lane::Any }
    }
}

/// Entries read from the log per batch during replay.
const REPLAY_BATCH: usize = 8192;

/// A handle that does not keep the service alive, for threads that should
/// stop with it.
pub(crate) struct WeakService(std::sync::Weak<Inner>);

impl WeakService {
    pub(crate) fn upgrade(&self) -> Option<Service> {
        self.0.upgrade().map(|inner| Service { inner })
    }
}

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct Service {
    inner: Arc<Inner>,
}

struct Inner {
    core: tokio::sync::Mutex<Core>,
    log: Log,
    directory: Mutex<Directory>,
    config: Config,
    counters: Counters,
    bulk: tokio::sync::Semaphore,
    record: Record,
    feed: Feed,
    /// The events of recent entries, for each audience subscribed to.
    audiences: crate::events::Audiences,
    /// Why the service stopped trusting its state, once it has.
    halt: OnceLock<Halt>,
    /// Whether every entry has been checked against the leaf the log
    /// published for it (see `record.rs`); until then no command is decided
    /// and no checkpoint signed.
    checked: tokio::sync::watch::Sender<bool>,
    /// Whether the last checkpoint could not be stored.
    checkpoints_failing: AtomicBool,
    /// The log's write turn, when other nodes share the log.
    turn: Option<Arc<crate::cluster::Turn>>,
    leader: crate::cluster::Leader,
    revocations: crate::revocation::Revocations,
}

/// What the lock guards: the fold and the time of its last entry.
pub(crate) struct Core {
    pub(crate) state: State,
    /// Entry times never go backwards, even when the system clock does, so
    /// `as_of` a time is a prefix of the log.
    last_time_ms: i64,
    /// What each party wrote to the log in the last day (since start-up).
    quota: crate::quota::LogQuota,
    pace: crate::quota::ReportPace,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("log", &self.inner.log)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// Why the service stopped trusting its state and refuses every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Halt {
    /// A write to the log failed, or an entry could not be applied: the
    /// state is ahead of what the log holds.
    Fault,
    /// An entry in the store no longer gives the leaf the log published
    /// for it: the store was changed.
    Tampered,
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("replaying the log: {0}")]
    Replay(ModelError),
    #[error("replaying the log: entry {0} is missing")]
    Gap(u64),
    #[error("cannot start the replay thread: {0}")]
    Thread(String),
    #[error("the log does not match what it signed: {0}")]
    Tampered(String),
    #[error(
        "{store}: the log holds {head} entries, but {evidence} shows it signed a checkpoint of \
         {signed}: acknowledged entries are gone from the database (its write-ahead log cut or \
         deleted, rows deleted, or the file emptied or replaced). Do not start on this \
         directory, or new entries would take the lost ones' numbers: restore it from a copy \
         taken after that checkpoint, or from the parties' and witnesses' copies of the log"
    )]
    Shortened {
        store: String,
        head: u64,
        signed: u64,
        evidence: &'static str,
    },
    #[error(
        "{dir}: this data directory holds a log of entry format {found}, whose public leaves show \
         who did what and when; this build reads entry format {} and later (it writes format {}), \
         whose leaves show nothing but each entry's number. A signed log cannot be rewritten into \
         the new form: keep this directory as the record it is (the release that wrote it still \
         serves and verifies it), and start this build on a new data directory (--data)",
        deconflict_model::OLDEST_ENTRY_VERSION,
        deconflict_model::ENTRY_VERSION
    )]
    OldFormat { dir: String, found: u32 },
    #[error("the device CA: {0}")]
    DeviceCa(String),
}

impl Service {
    /// Opens the log and directory of data directory `dir` and replays the
    /// whole log into the state.
    pub fn open(dir: &Path, config: Config) -> Result<Service, StartError> {
        Service::open_at(&Location::Sqlite(dir.to_path_buf()), Some(dir), config)
    }

    /// Opens the log and tables in `store` and replays the whole log into
    /// the state. `dir` is the node's own data directory, where the latest
    /// checkpoint is also kept (see `record.rs`): for SQLite the directory
    /// of the database, for PostgreSQL any the node keeps, or none.
    pub fn open_at(
        store: &Location,
        dir: Option<&Path>,
        config: Config,
    ) -> Result<Service, StartError> {
        let log = Log::open_at(store)?;
        if let Some(dir) = dir {
            crate::record::refuse_shortened(dir, log.head()?)?;
        }
        refuse_old_format(&log, &store.to_string())?;
        let directory = Directory::open_at(store)?;
        let (checkpoints, keys) = Record::keys(store)?;
        let secret = SaltSecret::new(keys.salt_secret);
        let started = Instant::now();
        let (state, last_time_ms, leaves) =
            replay(&log, config.policy.clone(), None, Some(&secret))?;
        let record = Record::new(&store.to_string(), dir, checkpoints, keys, leaves)?;
        let replay = started.elapsed();
        tracing::info!(
            entries = state.seq().unwrap_or(0),
            seconds = replay.as_secs_f64(),
            "replayed the log"
        );
        let counters = Counters::default();
        counters.set_replay(replay);
        let feed = Feed::new(state.seq().unwrap_or(0));
        let revocations = crate::revocation::Revocations::start(
            Directory::open_at(store)?,
            config.revocation_poll,
        )
        .map_err(|e| StartError::Thread(e.to_string()))?;
        let app = Service {
            inner: Arc::new(Inner {
                core: tokio::sync::Mutex::new(Core {
                    state,
                    last_time_ms,
                    quota: crate::quota::LogQuota::default(),
                    pace: crate::quota::ReportPace::default(),
                }),
                log,
                directory: Mutex::new(directory),
                revocations,
                bulk: tokio::sync::Semaphore::new(BULK_LANES),
                record,
                feed,
                audiences: crate::events::Audiences::default(),
                config,
                counters,
                halt: OnceLock::new(),
                checked: tokio::sync::watch::Sender::new(false),
                checkpoints_failing: AtomicBool::new(false),
                turn: crate::cluster::Turn::open(store)?,
                leader: crate::cluster::Leader::new(store),
            }),
        };
        crate::record::check_entries(&app, store)?;
        if app.inner.turn.is_some() {
            crate::cluster::tail(&app)?;
        }
        Ok(app)
    }

    pub(crate) fn downgrade(&self) -> WeakService {
        WeakService(Arc::downgrade(&self.inner))
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The counters of the command path, the replay and the check.
    pub fn counters(&self) -> &Counters {
        &self.inner.counters
    }

    /// A lease of `credential` for a long-lived use of it (an event stream,
    /// a Cursor-on-Target connection, a webhook): it ends once the
    /// credential is revoked or removed, or the service stops.
    pub fn lease(&self, credential: &str) -> crate::revocation::Lease {
        self.inner.revocations.lease(credential)
    }

    /// Stops the service's long-lived work: every lease ends (event streams
    /// close, Cursor-on-Target connections flush and close, webhook
    /// deliveries stop). `serve` calls it when its shutdown comes.
    pub fn stop(&self) {
        self.inner.revocations.stop();
    }

    /// Whether the service is stopping, and changes to it.
    pub fn stopping(&self) -> tokio::sync::watch::Receiver<bool> {
        self.inner.revocations.stopping()
    }

    pub fn log(&self) -> &Log {
        &self.inner.log
    }

    pub fn record(&self) -> &Record {
        &self.inner.record
    }

    /// The events of recent entries, by audience.
    pub(crate) fn audiences(&self) -> &crate::events::Audiences {
        &self.inner.audiences
    }

    pub fn feed(&self) -> &Feed {
        &self.inner.feed
    }

    /// [`Service::sign_checkpoint`] on the blocking pool, for async callers:
    /// signing waits for its fsync.
    pub async fn sign_checkpoint_now(&self) -> Result<u64, RecordError> {
        self.blocking(Service::sign_checkpoint).await
    }

    /// Runs `f` on the service on the blocking pool, for work that waits on
    /// the disk or the database and would hold up the runtime's thread.
    async fn blocking<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Service) -> R + Send + 'static,
    ) -> R {
        let service = self.clone();
        tokio::task::spawn_blocking(move || f(&service))
            .await
            // Only a panic ends a blocking task early: raised here, as inline.
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
    }

    /// Signs a checkpoint of every durable entry unless the latest covers
    /// them already; returns the latest. Nothing is signed once the service
    /// has stopped trusting its state.
    pub fn sign_checkpoint(&self) -> Result<u64, RecordError> {
        if self.failed() {
            return Err(RecordError::Failed);
        }
        if !*self.inner.checked.borrow() {
            return Ok(self.inner.record.latest_size());
        }
        // Durable here or caught up from other nodes.
        let durable = self.inner.feed.durable();
        Ok(self.inner.record.sign_up_to(durable)?.size)
    }

    /// Whether other nodes may write to this node's log.
    pub fn shares_log(&self) -> bool {
        self.inner.turn.is_some()
    }

    /// Whether this node signs checkpoints and sweeps: the only node, or
    /// the one other nodes of its log let lead (see `cluster.rs`). Blocks on
    /// the database: call it off the async threads, or call [`Service::leading`].
    pub fn leads(&self) -> bool {
        self.inner.leader.leads()
    }

    /// [`Service::leads`], asked from async code.
    pub async fn leading(&self) -> bool {
        self.blocking(Service::leads).await
    }

    /// Applies the entries other nodes appended since this node's last, up
    /// to `head`, the log's head read since this node took the write turn
    /// (or outside any command), so that what it serves and decides next is
    /// the whole log's. Each must give the leaf stored with it, like the
    /// entries checked at start.
    pub(crate) fn catch_up(&self, core: &mut Core, head: u64) -> Result<(), Error> {
        self.drop_refused(core)?;
        let have = core.state.seq().unwrap_or(0);
        if head <= have {
            return Ok(());
        }
        // This node's newest entries are still being written, and the log has moved past them:
        // another node may have written in their place (this node's write turn lost with its
        // session, as in a failover). Nothing is applied over them, nor published with them,
        // until the writer has settled them.
        if have > self.inner.feed.durable() {
            tracing::warn!(have, head, "the log moved past entries not yet durable");
            return Err(Error::Unreachable);
        }
        let mut next = have + 1;
        while next <= head {
            let batch = self
                .inner
                .log
                .read(next, REPLAY_BATCH)
                .map_err(unreachable)?;
            if batch.is_empty() {
                return Err(self.fault(&format!("entry {next} is missing from the log")));
            }
            for stored in batch.into_iter().take_while(|s| s.seq <= head) {
                let entry = Entry::decode(&stored.body).map_err(|e| self.fault(&e))?;
                if stored.seq != next || entry.seq != next {
                    return Err(self.fault(&format!("entry {next} is out of place in the log")));
                }
                self.count(core, &entry, stored.body.len());
                core.state.apply(&entry).map_err(|e| self.fault(&e))?;
                let leaf = self
                    .inner
                    .record
                    .append(&stored.body)
                    .map_err(|e| self.fault(&e))?;
                if stored.leaf != Some(leaf) {
                    self.tampered(&format!(
                        "entry {next}, written by another node, does not give the leaf stored with it"
                    ));
                    return Err(self.refusal());
                }
                core.last_time_ms = core.last_time_ms.max(entry.time_ms);
                self.inner.feed.stage(entry, stored.body.len());
                next += 1;
            }
        }
        self.inner.log.caught_up(head);
        self.inner.feed.publish(head);
        Ok(())
    }

    /// Counts an entry another node wrote against its party's quota and
    /// its units' pace, as if it had been written here: a party spreading
    /// its commands over several nodes has one quota, not one a node.
    fn count(&self, core: &mut Core, entry: &Entry, bytes: usize) {
        let party = &entry.actor.party;
        core.quota.add(party, entry.time_ms, bytes as u64);
        if let (Command::Track { reports }, Some(backlog)) =
            (&entry.command, self.inner.config.unit_report_backlog)
        {
            core.pace
                .count(&core.state, party, reports, entry.time_ms, backlog);
        }
    }

    /// The answer to a command whose entries did not reach the log. On a
    /// shared log, when another node wrote in their place or the database
    /// stayed out of reach, nothing of them is in the log: the state is
    /// rebuilt without them ([`Service::drop_refused`]) and the caller told
    /// `Unreachable` (nothing was done, try again). Any other failure leaves
    /// a state that cannot be trusted, and the service halts.
    fn lost_write(&self, core: &mut Core, error: &StoreError) -> Error {
        let nothing_written = matches!(
            error,
            StoreError::Behind { .. } | StoreError::Unavailable(_)
        );
        if !(nothing_written && self.shares_log()) {
            self.fail(error);
            return Error::Unavailable;
        }
        match self.drop_refused(core) {
            Ok(()) => Error::Unreachable,
            Err(refusal) => refusal,
        }
    }

    /// Drops from the state this node's entries past the last durable one
    /// once the log's writer refuses them (a ticket failed, answered or
    /// not: a request that timed out no longer waits for its ticket). After
    /// [`StoreError::Behind`] or [`StoreError::Unavailable`] none of them is
    /// in the log: the state is replayed from the log up to the last durable
    /// entry, the tree and the feed forget the rest, and the writer is told
    /// to expect the entry after it; the next catch-up applies what the
    /// others wrote. After any other refusal the state cannot be trusted.
    fn drop_refused(&self, core: &mut Core) -> Result<(), Error> {
        let durable = self.inner.feed.durable();
        if core.state.seq().unwrap_or(0) <= durable {
            return Ok(());
        }
        match self.inner.log.refusal() {
            None => Ok(()),
            Some(StoreError::Behind { .. } | StoreError::Unavailable(_)) => {
                let (state, _, _) = replay(
                    &self.inner.log,
                    self.inner.config.policy.clone(),
                    Some(Until::Seq(durable)),
                    None,
                )
                .map_err(|e| match e {
                    // Out of reach for now: the next catch-up tries again.
                    StartError::Store(e) => unreachable(e),
                    e => self.fault(&e),
                })?;
                if state.seq().unwrap_or(0) != durable {
                    return Err(self.fault(&format!("entry {durable} is missing from the log")));
                }
                self.inner
                    .record
                    .truncate(durable)
                    .map_err(|e| self.fault(&e))?;
                self.inner.feed.forget_after(durable);
                self.inner.log.caught_up(durable);
                core.state = state;
                tracing::warn!(
                    durable,
                    "entries of this node did not reach the log; its state was rebuilt without them"
                );
                Ok(())
            }
            Some(refusal) => Err(self.fault(&refusal)),
        }
    }

    /// Halts for a fault and gives the answer to the request that met it.
    fn fault(&self, why: &dyn std::fmt::Display) -> Error {
        self.fail(why);
        self.refusal()
    }

    /// Catches up with the other nodes' entries outside any command (see
    /// `cluster::tail`).
    pub(crate) fn catch_up_now(&self) -> Result<(), Error> {
        let head = self.inner.log.head().map_err(unreachable)?;
        let mut core = self.inner.core.blocking_lock();
        self.catch_up(&mut core, head)
    }

    /// The log, for the thread that tails it.
    pub(crate) fn durable_log(&self) -> Log {
        self.inner.log.clone()
    }

    /// Whether the service stopped trusting its state (see the module docs).
    pub fn failed(&self) -> bool {
        self.inner.halt.get().is_some()
    }

    /// Why the service stopped trusting its state, if it has.
    pub fn halted(&self) -> Option<Halt> {
        self.inner.halt.get().copied()
    }

    /// Stops the service trusting its state, for a fault of its own.
    pub fn fail(&self, why: &dyn std::fmt::Display) {
        self.halt(Halt::Fault, why);
    }

    /// Stops the service trusting its state, because its store no longer
    /// holds what the log published.
    pub fn tampered(&self, why: &dyn std::fmt::Display) {
        self.halt(Halt::Tampered, why);
    }

    fn halt(&self, halt: Halt, why: &dyn std::fmt::Display) {
        tracing::error!(error = %why, "the service refuses all requests from now on");
        // The first cause is the one to act on.
        let _ = self.inner.halt.set(halt);
    }

    /// The answer to every request once the service has halted.
    pub fn refusal(&self) -> Error {
        match self.halted() {
            Some(Halt::Tampered) => Error::Tampered,
            _ => Error::Unavailable,
        }
    }

    /// Records whether the last checkpoint was signed and stored; one that
    /// was not makes `/healthz` say `degraded` until one is.
    pub fn checkpoints_stored(&self, stored: bool) {
        self.inner
            .checkpoints_failing
            .store(!stored, Ordering::Relaxed);
    }

    /// Whether the last checkpoint could not be stored.
    pub fn checkpoints_failing(&self) -> bool {
        self.inner.checkpoints_failing.load(Ordering::Relaxed)
    }

    /// Marks the check of every entry done, passed or not: commands held
    /// for it go on (and are refused if it failed).
    pub fn checked(&self) {
        self.inner.checked.send_replace(true);
    }

    /// The credential of a bearer token, looked up on every request so that
    /// a revocation applies at once. The look-up runs on the blocking pool:
    /// it waits for the directory (a file, or a round trip to PostgreSQL),
    /// which would otherwise hold up every task of the runtime thread.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Credential>, StoreError> {
        let token = token.to_owned();
        self.blocking(move |service| {
            service
                .inner
                .directory
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .authenticate(&token)
        })
        .await
    }

    /// Reads the current state under the lock.
    pub async fn read<R>(&self, f: impl FnOnce(&State) -> R) -> Result<R, Error> {
        if self.failed() {
            return Err(self.refusal());
        }
        let core = self.inner.core.lock().await;
        Ok(f(&core.state))
    }

    /// Runs one command through the log (see the module docs) and answers
    /// with `respond`'s view of the state right after it.
    pub async fn execute<R>(
        &self,
        actor: &Actor,
        command: Command,
        respond: impl FnOnce(&State, &Entry) -> R,
    ) -> Result<R, Error> {
        self.execute_in(Lane::Any, actor, command, respond).await
    }

    /// [`Service::execute`] by the given lane.
    pub async fn execute_in<R>(
        &self,
        lane: Lane,
        actor: &Actor,
        command: Command,
        respond: impl FnOnce(&State, &Entry) -> R,
    ) -> Result<R, Error> {
        let (mut results, response) = self
            .transact_in(
                lane,
                actor,
                move |_| vec![command],
                |state, entries| entries.first().map(|entry| respond(state, entry)),
            )
            .await?;
        results.pop().unwrap_or(Err(Error::Internal))?;
        response.ok_or(Error::Internal)
    }

    /// Runs the commands `plan` picks from the current state, in order and
    /// under one lock hold; answers with `respond`'s view once all the
    /// accepted ones are durable. A refused command does not stop the rest.
    pub async fn transact<R>(
        &self,
        actor: &Actor,
        plan: impl FnOnce(&State) -> Vec<Command>,
        respond: impl FnOnce(&State, &[Entry]) -> R,
    ) -> Result<(Vec<Result<(), Error>>, R), Error> {
        self.transact_in(Lane::Any, actor, plan, respond).await
    }

    /// [`Service::transact`] by the given lane.
    pub async fn transact_in<R>(
        &self,
        lane: Lane,
        actor: &Actor,
        plan: impl FnOnce(&State) -> Vec<Command>,
        respond: impl FnOnce(&State, &[Entry]) -> R,
    ) -> Result<(Vec<Result<(), Error>>, R), Error> {
        // No command is decided against a state whose entries have not all
        // been checked against what the log published.
        if !*self.inner.checked.borrow() {
            let _ = self.inner.checked.subscribe().wait_for(|done| *done).await;
        }
        if self.failed() {
            return Err(self.refusal());
        }
        // Other nodes write between this one's turns (see `cluster.rs`).
        let turn = match &self.inner.turn {
            Some(turn) => crate::cluster::Turn::hold(turn).await?,
            None => crate::cluster::TurnGuard::alone(),
        };
        let bulk = match lane {
            Lane::Bulk => Some(
                self.inner
                    .bulk
                    .acquire()
                    .await
                    .map_err(|_| Error::Unavailable)?,
            ),
            Lane::Any => None,
        };
        // Read outside the command lock: with the turn held, no other node
        // moves the head, and this node's own entries are already applied.
        let shared_head = match &self.inner.turn {
            Some(_) => Some(self.inner.log.head().map_err(unreachable)?),
            None => None,
        };
        let mut tickets = Vec::new();
        let mut results = Vec::new();
        let entries_seq_max;
        let response = {
            let mut core = self.inner.core.lock().await;
            if let Some(head) = shared_head {
                self.catch_up(&mut core, head)?;
            }
            let mut entries = Vec::new();
            for command in plan(&core.state) {
                let now = now_ms().max(core.last_time_ms);
                // The service's own entries (the sweep) are never held back.
                if let Some(limit) = self.inner.config.party_log_bytes_per_day
                    && actor.role != deconflict_model::Role::Service
                    && let Some((written, retry_after_s)) =
                        core.quota.exceeded(&actor.party, now, limit)
                {
                    results.push(Err(Error::QuotaExceeded {
                        written,
                        retry_after_s,
                    }));
                    continue;
                }
                let paced = match (&command, self.inner.config.unit_report_backlog) {
                    (Command::Track { reports }, Some(backlog)) => {
                        match core
                            .pace
                            .check(&core.state, &actor.party, reports, now, backlog)
                        {
                            Ok(paced) => Some(paced),
                            Err(too_fast) => {
                                results.push(Err(Error::ReportsTooFast {
                                    field: format!("reports[{}].declaration_id", too_fast.index),
                                    retry_after_s: too_fast.retry_after_s,
                                }));
                                continue;
                            }
                        }
                    }
                    _ => None,
                };
                let draft = match core.state.execute(actor, command, now, entropy()?) {
                    // A sweep that found nothing due is not worth an entry.
                    Ok(draft) if draft.command == Command::Sweep && draft.outcome.is_empty() => {
                        results.push(Ok(()));
                        continue;
                    }
                    Ok(draft) => draft,
                    Err(refused) => {
                        results.push(Err(Error::from(refused)));
                        continue;
                    }
                };
                let seq = core.state.seq().map_or(1, |s| s + 1);
                let entry = draft.seal(seq);
                if let Err(e) = core.state.apply(&entry) {
                    self.fail(&e);
                    return Err(Error::Internal);
                }
                let body = entry.encode();
                core.quota.add(&actor.party, now, body.len() as u64);
                if let Some(paced) = paced {
                    core.pace.take(paced);
                }
                let leaf = match self.inner.record.append(&body) {
                    Ok(leaf) => leaf,
                    Err(e) => {
                        self.fail(&e);
                        return Err(Error::Internal);
                    }
                };
                core.last_time_ms = now;
                self.inner.feed.stage(entry.clone(), body.len());
                tickets.push(self.inner.log.submit(deconflict_store::Entry {
                    seq,
                    time_ms: entry.time_ms,
                    body,
                    leaf: Some(leaf),
                }));
                self.inner.counters.command();
                results.push(Ok(()));
                entries.push(entry);
            }
            entries_seq_max = entries.last().map(|e: &Entry| e.seq);
            respond(&core.state, &entries)
        };
        drop(bulk);
        for ticket in tickets {
            if let Err(e) = ticket.await {
                let mut core = self.inner.core.lock().await;
                return Err(self.lost_write(&mut core, &e));
            }
        }
        // Entries are committed in order: with these, all before are durable.
        if let Some(last) = entries_seq_max {
            self.inner.feed.publish(last);
        }
        drop(turn);
        Ok((results, response))
    }

    /// Records what the clock has made due: tracked units gone stale,
    /// notifications to escalate (one entry, or none if nothing is due).
    pub async fn sweep(&self) -> Result<(), Error> {
        let service = Actor::service();
        let (mut results, ()) = self
            .transact(&service, |_| vec![Command::Sweep], |_, _| ())
            .await?;
        results.pop().unwrap_or(Ok(()))
    }

    /// The state as of entry `seq` (or of the last entry at or before
    /// `time_ms`), replayed from the log; `None` if the log has no such entry.
    pub fn replay_until(&self, until: Until) -> Result<Option<State>, Error> {
        match replay(
            &self.inner.log,
            self.inner.config.policy.clone(),
            Some(until),
            None,
        ) {
            Ok((state, _, _)) if state.seq().is_some() => Ok(Some(state)),
            Ok(_) => Ok(None),
            Err(e) => {
                tracing::error!(error = %e, "replaying for as_of");
                Err(Error::Internal)
            }
        }
    }
}

/// A store that cannot be read for now: the request is refused, and the
/// state, which has not moved, is kept.
fn unreachable(error: StoreError) -> Error {
    tracing::warn!(%error, "reading the log");
    Error::Unreachable
}

/// Where a replay stops.
#[derive(Debug, Clone, Copy)]
pub enum Until {
    Seq(u64),
    TimeMs(i64),
}

/// Refuses a log whose first entry is of an older format than this build
/// reads, saying what to do, rather than failing on it in the replay.
fn refuse_old_format(log: &Log, store: &str) -> Result<(), StartError> {
    #[derive(serde::Deserialize)]
    struct Version {
        v: u32,
    }
    let Some(first) = log.read(1, 1)?.into_iter().next() else {
        return Ok(());
    };
    match serde_json::from_slice::<Version>(&first.body) {
        Ok(Version { v }) if v < deconflict_model::OLDEST_ENTRY_VERSION => {
            Err(StartError::OldFormat {
                dir: store.to_owned(),
                found: v,
            })
        }
        _ => Ok(()),
    }
}

/// The fold of the log (up to `until`), with the time of its last entry
/// and, given the salt secret, the leaf hash of every entry.
///
/// Two threads: this one applies entries in order while a helper reads the
/// next batches from the log, decodes them and hashes their leaves, so
/// reading, decoding and applying overlap on two cores.
fn replay(
    log: &Log,
    policy: Policy,
    until: Option<Until>,
    secret: Option<&SaltSecret>,
) -> Result<(State, i64, Vec<Hash>), StartError> {
    let limit = match until {
        Some(Until::Seq(seq)) => seq,
        _ => u64::MAX,
    };
    let stop_at_time = match until {
        Some(Until::TimeMs(t)) => Some(t),
        _ => None,
    };
    let (batches, decoded) = std::sync::mpsc::sync_channel::<Result<Vec<Entry>, StartError>>(4);
    let reader = log.clone();
    let secret = secret.cloned();
    let read = std::thread::Builder::new()
        .name("deconflict-replay-reader".into())
        .spawn(move || {
            let mut leaves = Vec::new();
            let mut next = 1u64;
            while next <= limit {
                let batch = match reader.read(next, REPLAY_BATCH) {
                    Ok(batch) if batch.is_empty() => break,
                    Ok(batch) => batch,
                    Err(e) => {
                        let _ = batches.send(Err(e.into()));
                        break;
                    }
                };
                let mut entries = Vec::with_capacity(batch.len());
                for stored in batch {
                    if stored.seq != next {
                        let _ = batches.send(Err(StartError::Gap(next)));
                        return leaves;
                    }
                    if stored.seq > limit || stop_at_time.is_some_and(|t| stored.time_ms > t) {
                        let _ = batches.send(Ok(entries));
                        return leaves;
                    }
                    match Entry::decode(&stored.body) {
                        Ok(entry) if entry.seq == stored.seq => entries.push(entry),
                        Ok(entry) => {
                            let _ = batches.send(Err(StartError::Replay(ModelError::Corrupt {
                                seq: stored.seq,
                                detail: format!("the entry says it is {}", entry.seq),
                            })));
                            return leaves;
                        }
                        Err(e) => {
                            let _ = batches.send(Err(StartError::Replay(e)));
                            return leaves;
                        }
                    }
                    if let Some(secret) = &secret {
                        match stored_leaf(&stored, secret) {
                            Ok(leaf) => leaves.push(leaf),
                            Err(e) => {
                                let _ = batches.send(Err(e));
                                return leaves;
                            }
                        }
                    }
                    next += 1;
                }
                if batches.send(Ok(entries)).is_err() {
                    break;
                }
            }
            leaves
        })
        .map_err(|e| StartError::Thread(e.to_string()))?;
    // Applied entries are freed on a third thread: freeing what another
    // thread allocated is slow, and the applying thread is the bottleneck.
    let (spent, to_free) = std::sync::mpsc::sync_channel::<Vec<Entry>>(4);
    let free = std::thread::Builder::new()
        .name("deconflict-replay-free".into())
        .spawn(move || to_free.into_iter().for_each(drop))
        .map_err(|e| StartError::Thread(e.to_string()))?;
    let mut state = Replay::new(policy);
    let mut last_time_ms = i64::MIN;
    let mut outcome = Ok(());
    for batch in decoded {
        let entries = match batch {
            Ok(entries) => entries,
            Err(e) => {
                outcome = Err(e);
                break;
            }
        };
        for entry in &entries {
            if let Err(e) = state.apply(entry) {
                outcome = Err(StartError::Replay(e));
                break;
            }
            last_time_ms = entry.time_ms;
        }
        let _ = spent.send(entries);
        if outcome.is_err() {
            break;
        }
    }
    // Dropping the receiver (end of the loop) stops the reader.
    drop(spent);
    let leaves = read.join();
    let _ = free.join();
    outcome?;
    let leaves = leaves.map_err(|_| StartError::Thread("the replay reader failed".into()))?;
    Ok((state.finish(), last_time_ms, leaves))
}

/// The leaf hash the log keeps with an entry; for an entry written before
/// it kept one, computed from the entry.
fn stored_leaf(stored: &deconflict_store::Entry, secret: &SaltSecret) -> Result<Hash, StartError> {
    match stored.leaf {
        Some(leaf) => Ok(leaf),
        None => deconflict_record::leaf_hash_of(&stored.body, secret)
            .map_err(|e| StartError::Tampered(format!("entry {}: {e}", stored.seq))),
    }
}

/// The system clock, Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// 32 bytes from the operating system for the ids one command creates.
fn entropy() -> Result<Entropy, Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        tracing::error!(error = %e, "no entropy from the operating system");
        Error::Internal
    })?;
    Ok(Entropy::new(bytes))
}
