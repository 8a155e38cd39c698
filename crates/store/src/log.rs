use std::fmt;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use crate::backend::{Entry, LogBackend, SqliteLog};
use crate::error::StoreError;
use crate::location::Location;
use crate::pg::log::{Listener, PgLog};

/// Upper bound on entries per transaction, so one burst cannot build an unbounded transaction
/// (and an unbounded WAL) while everyone in it waits.
const MAX_BATCH: usize = 4096;

/// Read connections opened by [`Log::open`]: one per core on the machines this runs on, so a
/// long replay does not block a short read.
const SQLITE_READERS: usize = 2;
/// Read connections opened by [`Log::open_at`] on PostgreSQL, for the same reason.
const PG_READERS: usize = 2;

/// How often [`Log::wait_for_append`] reads the head while it waits: on PostgreSQL only in case a
/// notification was lost (the listening session died), on SQLite because there are none.
const PG_TAIL_POLL: Duration = Duration::from_secs(1);
const SQLITE_TAIL_POLL: Duration = Duration::from_millis(50);

type Reply = oneshot::Sender<Result<(), StoreError>>;

struct Request {
    entry: Entry,
    reply: Reply,
}

/// What the writer thread takes from its queue, in the order it was sent.
enum Message {
    Append(Request),
    /// The caller's state now follows the log up to this seq ([`Log::caught_up`]).
    CaughtUp(u64),
}

/// State shared by every [`Log`] clone and the writer thread.
struct Shared {
    /// Set once, by the writer, when an append fails other than in the ways
    /// [`StoreError::needs_catch_up`] names; never cleared.
    poisoned: OnceLock<StoreError>,
    /// Set by the writer when an append fails in one of the ways [`StoreError::needs_catch_up`]
    /// names, and cleared by [`Message::CaughtUp`]: every entry meanwhile is refused with it.
    halted: Mutex<Option<StoreError>>,
    /// [`Message::CaughtUp`]s sent and not yet taken by the writer: the entries submitted after
    /// one are not refused for what failed before it.
    catching_up: AtomicUsize,
    commits: AtomicU64,
    entries: AtomicU64,
    largest_batch: AtomicUsize,
    durable_seq: AtomicU64,
}

impl Shared {
    fn refusal(&self) -> Option<StoreError> {
        self.poisoned
            .get()
            .map(|cause| StoreError::Poisoned(Box::new(cause.clone())))
    }

    fn halted(&self) -> std::sync::MutexGuard<'_, Option<StoreError>> {
        self.halted.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Counters for `/metrics`, and for tests that need to see group commit at work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LogStats {
    /// Transactions committed (each one fsync).
    pub commits: u64,
    /// Entries made durable by those commits.
    pub entries: u64,
    /// The most entries one commit has carried.
    pub largest_batch: usize,
    /// The last sequence number this handle's writer made durable (the head at open before that).
    pub durable_seq: u64,
}

/// The durable log behind one writer thread that commits in groups.
///
/// Cheap to clone; all clones feed the same writer. When the last clone is dropped the writer
/// finishes what is queued and the drop waits for it, so the database is closed on return.
///
/// Every method may be called from any thread, async code included: on PostgreSQL each session
/// (the writer's, the readers', the listener's) lives on a thread of its own, and a call blocks
/// only briefly, as on SQLite. Reads ([`Log::head`], [`Log::read`]) use their own sessions and
/// [`Log::caught_up`] only queues a message, so none of them waits for a batch the writer has in
/// flight.
///
/// # Several nodes on one log
///
/// Nodes sharing a PostgreSQL log may each append; the head check keeps the log whole however
/// they race, and the loser of a race is told [`StoreError::Behind`]. To take turns instead of
/// racing, a node follows this protocol for each decision, with one [`crate::WriteTurn`] and
/// under the lock it submits under:
///
/// 1. [`crate::WriteTurn::acquire`] the turn (from async code, through `spawn_blocking`).
/// 2. Catch up: read [`Log::head`], [`Log::read`] and apply the entries from its own last seq up
///    to that head, then [`Log::caught_up`] with that head. (If its own state is already at the
///    head, `caught_up` with it anyway: it is cheap and clears an earlier refusal.)
/// 3. Decide and [`Log::submit`] from head + 1, and wait for the tickets to resolve.
/// 4. [`crate::WriteTurn::release`] the turn, once the tickets have resolved (successfully or
///    not), never before: the next node's catch-up must find this node's entries.
///
/// A ticket that fails with [`StoreError::Behind`] even so (the turn's session died and another
/// node took its turn meanwhile) or another [`StoreError::needs_catch_up`] error means: release
/// the turn if held, and start again at step 1. Call `caught_up` only while none of this node's
/// tickets is pending, or with the head those tickets will make: the writer handles it after
/// what was queued before, and would otherwise expect a seq the log has already passed.
#[derive(Clone)]
pub struct Log {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    readers: Vec<Mutex<Box<dyn LogBackend>>>,
    next_reader: AtomicUsize,
    tail: Option<Tail>,
    // Fields drop in declaration order, and this order is load-bearing: hanging up the queue lets
    // the writer drain it and return, and only then can joining it finish.
    queue: mpsc::Sender<Message>,
    _writer: JoinOnDrop,
}

/// What [`Log::wait_for_append`] waits on, on PostgreSQL.
struct Tail {
    listener: Mutex<Listener>,
    /// The newest head a notification announced: one waiter may take a notification another
    /// one was waiting for, and leaves it here.
    announced: AtomicU64,
}

/// Makes "the last handle is dropped" mean "everything queued is settled and the connection is
/// closed", so a caller can reopen the files, or exit, right after.
struct JoinOnDrop(Option<JoinHandle<()>>);

impl Drop for JoinOnDrop {
    fn drop(&mut self) {
        if let Some(writer) = self.0.take() {
            // A panic on the writer thread already failed every waiting ticket; nothing to add.
            let _ = writer.join();
        }
    }
}

impl fmt::Debug for Log {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Log")
            .field("stats", &self.stats())
            .field("poisoned", &self.inner.shared.poisoned.get())
            .field("readers", &self.inner.readers.len())
            .finish_non_exhaustive()
    }
}

impl Log {
    /// Opens the SQLite log of data directory `dir`, creating it if needed.
    pub fn open(dir: &Path) -> Result<Log, StoreError> {
        let writer = SqliteLog::open(dir)?;
        let readers = (0..SQLITE_READERS)
            .map(|_| SqliteLog::open_reader(dir).map(|r| Box::new(r) as Box<dyn LogBackend>))
            .collect::<Result<_, _>>()?;
        Log::with_backends(Box::new(writer), readers)
    }

    /// Opens the log at `location`, on either backend, creating it if needed.
    ///
    /// On PostgreSQL several processes (nodes) may open the same log and append to it; see
    /// [`Log::submit`] for what the loser of a race is told, and [`Log::wait_for_append`] for
    /// following the others' appends.
    pub fn open_at(location: &Location) -> Result<Log, StoreError> {
        let url = match location {
            Location::Sqlite(dir) => return Log::open(dir),
            Location::Postgres(url) => url,
        };
        let writer = PgLog::open(url)?;
        let readers = (0..PG_READERS)
            .map(|_| PgLog::open_reader(url).map(|r| Box::new(r) as Box<dyn LogBackend>))
            .collect::<Result<_, _>>()?;
        let tail = Tail {
            listener: Mutex::new(Listener::open(url)?),
            announced: AtomicU64::new(0),
        };
        Log::start(Box::new(writer), readers, Some(tail))
    }

    /// Runs group commit over any backend: `writer` is used only by the writer thread, reads are
    /// spread over `readers`, which must see the same log.
    ///
    /// # Panics
    ///
    /// If `readers` is empty.
    pub fn with_backends(
        writer: Box<dyn LogBackend>,
        readers: Vec<Box<dyn LogBackend>>,
    ) -> Result<Log, StoreError> {
        Log::start(writer, readers, None)
    }

    fn start(
        writer: Box<dyn LogBackend>,
        readers: Vec<Box<dyn LogBackend>>,
        tail: Option<Tail>,
    ) -> Result<Log, StoreError> {
        assert!(!readers.is_empty(), "a Log needs at least one reader");
        let head = writer.head()?;
        let shared = Arc::new(Shared {
            poisoned: OnceLock::new(),
            halted: Mutex::new(None),
            catching_up: AtomicUsize::new(0),
            commits: AtomicU64::new(0),
            entries: AtomicU64::new(0),
            largest_batch: AtomicUsize::new(0),
            durable_seq: AtomicU64::new(head),
        });
        let (queue, requests) = mpsc::channel();
        let writer = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("deconflict-log-writer".into())
                .spawn(move || write_loop(writer, head, &requests, &shared))
                .map_err(|error| StoreError::WriterThread(Arc::new(error)))?
        };
        Ok(Log {
            inner: Arc::new(Inner {
                shared,
                readers: readers.into_iter().map(Mutex::new).collect(),
                next_reader: AtomicUsize::new(0),
                tail,
                queue,
                _writer: JoinOnDrop(Some(writer)),
            }),
        })
    }

    /// Queues `entry` for the next group commit; the ticket resolves once it is durable.
    ///
    /// `entry.seq` must be the head plus one plus the number of entries queued before it, so
    /// callers assign sequence numbers and submit under one lock. An entry out of order fails
    /// with [`StoreError::SequenceGap`] and poisons the log: the caller's state has moved past
    /// what is on disk, and carrying on would hide that.
    ///
    /// Some failures do not poison the log, because the caller can learn from the log itself
    /// what happened ([`StoreError::needs_catch_up`]): another writer appended first
    /// ([`StoreError::Behind`]), or the database stayed out of reach ([`StoreError::Unavailable`],
    /// [`StoreError::OutcomeUnknown`]). The caller has applied entries that are not in the log,
    /// though, and may have queued more on top of them; so from then on every entry is refused
    /// with that same error until the caller has read the log from where its state was sound,
    /// rebuilt its state, and called [`Log::caught_up`] with the head it read to. Then it decides
    /// again and submits from that head plus one.
    pub fn submit(&self, entry: Entry) -> Ticket {
        let seq = entry.seq;
        let (reply, rx) = oneshot::channel();
        let ticket = Ticket { seq, rx };
        if let Some(refusal) = self.inner.shared.refusal() {
            let _ = reply.send(Err(refusal));
            return ticket;
        }
        let request = Message::Append(Request { entry, reply });
        if let Err(mpsc::SendError(Message::Append(request))) = self.inner.queue.send(request) {
            let _ = request.reply.send(Err(StoreError::WriterStopped));
        }
        ticket
    }

    /// Tells the writer that the caller's state now follows the log up to `head`, as read from
    /// the database: the next entry it accepts is `head + 1`. Clears the refusal after a
    /// [`StoreError::needs_catch_up`] failure (not poisoning); a node that followed other nodes'
    /// appends calls it before appending itself. Entries submitted before this call are still
    /// refused if they were going to be; ordered with [`Log::submit`] through the same queue, so
    /// call it under the lock the caller submits under.
    pub fn caught_up(&self, head: u64) {
        let shared = &self.inner.shared;
        shared.catching_up.fetch_add(1, Ordering::AcqRel);
        // A stopped writer refuses the entries that follow too; nothing to report here.
        if self.inner.queue.send(Message::CaughtUp(head)).is_err() {
            shared.catching_up.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Blocks until the log's head is beyond `after_seq` or `timeout` has passed; returns the
    /// head. For a node following the appends of others.
    ///
    /// On PostgreSQL every append notifies (`NOTIFY`, sent on commit) a session this log keeps
    /// listening, which wakes the wait at once; the head is read again at least every second,
    /// so a notification lost with a dead session costs at most that. On SQLite, where one
    /// node's appends go through its own writer, the head is polled every 50 ms.
    ///
    /// It blocks the calling thread for up to `timeout` on either backend; from async code, call
    /// it through `spawn_blocking` (it no longer panics there, but would hold a worker).
    pub fn wait_for_append(&self, after_seq: u64, timeout: Duration) -> Result<u64, StoreError> {
        let deadline = Instant::now() + timeout;
        loop {
            let head = self.head()?;
            let now = Instant::now();
            if head > after_seq || now >= deadline {
                return Ok(head);
            }
            let left = deadline - now;
            let Some(tail) = &self.inner.tail else {
                std::thread::sleep(left.min(SQLITE_TAIL_POLL));
                continue;
            };
            let mut listener = tail.listener.lock().unwrap_or_else(PoisonError::into_inner);
            if tail.announced.load(Ordering::Acquire) > after_seq {
                continue;
            }
            if let Some(announced) = listener.wait(left.min(PG_TAIL_POLL)) {
                tail.announced.fetch_max(announced, Ordering::AcqRel);
            }
        }
    }

    /// The error an entry submitted now would be refused with, if any: after an append failed in
    /// one of the ways [`StoreError::needs_catch_up`] names, until the caller's [`Log::caught_up`];
    /// once the log is poisoned, for good ([`StoreError::Poisoned`]). A caller whose tickets were
    /// dropped unanswered learns here that its entries did not all make it.
    pub fn refusal(&self) -> Option<StoreError> {
        let shared = &self.inner.shared;
        if let Some(poisoned) = shared.refusal() {
            return Some(poisoned);
        }
        if shared.catching_up.load(Ordering::Acquire) > 0 {
            return None;
        }
        shared.halted().clone()
    }

    /// The sequence number of the last durable entry, as the database says.
    pub fn head(&self) -> Result<u64, StoreError> {
        self.with_reader(|reader| reader.head())
    }

    /// Up to `limit` durable entries in order from `from_seq`; never blocks the writer.
    pub fn read(&self, from_seq: u64, limit: usize) -> Result<Vec<Entry>, StoreError> {
        self.with_reader(|reader| reader.read(from_seq, limit))
    }

    /// A snapshot of the group-commit counters.
    pub fn stats(&self) -> LogStats {
        let shared = &self.inner.shared;
        LogStats {
            commits: shared.commits.load(Ordering::Relaxed),
            entries: shared.entries.load(Ordering::Relaxed),
            largest_batch: shared.largest_batch.load(Ordering::Relaxed),
            durable_seq: shared.durable_seq.load(Ordering::Acquire),
        }
    }

    fn with_reader<T>(
        &self,
        read: impl FnOnce(&dyn LogBackend) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let readers = &self.inner.readers;
        // A free reader if there is one; otherwise queue on one in turn.
        let guard = readers
            .iter()
            .find_map(|reader| reader.try_lock().ok())
            .unwrap_or_else(|| {
                let turn = self.inner.next_reader.fetch_add(1, Ordering::Relaxed) % readers.len();
                // A reader that panicked mid-read holds no half-done state: reads do not mutate.
                readers[turn].lock().unwrap_or_else(PoisonError::into_inner)
            });
        read(guard.as_ref())
    }
}

fn write_loop(
    backend: Box<dyn LogBackend>,
    head: u64,
    requests: &mpsc::Receiver<Message>,
    shared: &Shared,
) {
    let mut writer = Writer {
        backend,
        next_seq: head + 1,
        entries: Vec::new(),
        replies: Vec::new(),
    };
    // Block for the first request, then take whatever else queued up meanwhile: while one
    // commit's fsync runs, the next batch gathers on its own, with no timer to tune.
    while let Ok(first) = requests.recv() {
        for message in std::iter::once(first).chain(requests.try_iter().take(MAX_BATCH - 1)) {
            match message {
                Message::Append(request) => {
                    writer.entries.push(request.entry);
                    writer.replies.push(request.reply);
                }
                Message::CaughtUp(head) => {
                    // What was queued before was decided before the caller caught up.
                    writer.commit(shared);
                    *shared.halted() = None;
                    shared.catching_up.fetch_sub(1, Ordering::AcqRel);
                    writer.next_seq = head + 1;
                    shared.durable_seq.fetch_max(head, Ordering::AcqRel);
                }
            }
        }
        writer.commit(shared);
    }
}

/// The writer thread's state.
struct Writer {
    backend: Box<dyn LogBackend>,
    /// The seq the next entry must have.
    next_seq: u64,
    entries: Vec<Entry>,
    replies: Vec<Reply>,
}

impl Writer {
    /// Appends the entries gathered, or refuses them, and answers their tickets.
    fn commit(&mut self, shared: &Shared) {
        if self.entries.is_empty() {
            return;
        }
        if let Some(refusal) = shared.refusal().or_else(|| shared.halted().clone()) {
            answer(self.replies.drain(..), &Err(refusal));
            self.entries.clear();
            return;
        }
        // Commit the in-order prefix; an entry out of order fails with all that follow it.
        let in_order = self
            .entries
            .iter()
            .zip(self.next_seq..)
            .take_while(|(entry, expected)| entry.seq == *expected)
            .count();
        if in_order > 0 {
            let result = match self.backend.append_batch(&self.entries[..in_order]) {
                Ok(()) => {
                    self.next_seq += in_order as u64;
                    shared.commits.fetch_add(1, Ordering::Relaxed);
                    shared.entries.fetch_add(in_order as u64, Ordering::Relaxed);
                    shared.largest_batch.fetch_max(in_order, Ordering::Relaxed);
                    shared
                        .durable_seq
                        .store(self.next_seq - 1, Ordering::Release);
                    Ok(())
                }
                // The log is further on than this writer knew: another one appended first.
                Err(StoreError::SequenceGap { expected, .. }) if expected > self.next_seq => {
                    let behind = StoreError::Behind { head: expected - 1 };
                    *shared.halted() = Some(behind.clone());
                    Err(behind)
                }
                Err(err) if err.needs_catch_up() => {
                    *shared.halted() = Some(err.clone());
                    Err(err)
                }
                Err(err) => {
                    let _ = shared.poisoned.set(err.clone());
                    Err(err)
                }
            };
            answer(self.replies.drain(..in_order), &result);
        }
        if let Some(out_of_order) = self.entries.get(in_order) {
            let halted = shared.halted().clone();
            let err = match halted {
                Some(halted) => halted,
                None => {
                    let err = StoreError::SequenceGap {
                        expected: self.next_seq,
                        got: out_of_order.seq,
                    };
                    let _ = shared.poisoned.set(err.clone());
                    err
                }
            };
            answer(self.replies.drain(..), &Err(err));
        }
        self.entries.clear();
    }
}

fn answer(replies: impl Iterator<Item = Reply>, result: &Result<(), StoreError>) {
    for reply in replies {
        // The caller may have stopped waiting; the entry's fate does not depend on it.
        let _ = reply.send(result.clone());
    }
}

/// A claim on one submitted entry: resolves to `Ok(())` once the entry is durable.
///
/// `.await` it from async code, or [`Ticket::wait`] from a plain thread.
#[derive(Debug)]
#[must_use = "an entry is not known to be durable until its ticket resolves"]
pub struct Ticket {
    seq: u64,
    rx: oneshot::Receiver<Result<(), StoreError>>,
}

impl Ticket {
    /// The sequence number of the entry this ticket is for.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Blocks the thread until the entry is durable or has failed.
    ///
    /// # Panics
    ///
    /// When called from within an async runtime (it would block the executor); `.await` there.
    pub fn wait(self) -> Result<(), StoreError> {
        self.rx
            .blocking_recv()
            .unwrap_or(Err(StoreError::WriterStopped))
    }
}

impl Future for Ticket {
    type Output = Result<(), StoreError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.rx)
            .poll(cx)
            .map(|received| received.unwrap_or(Err(StoreError::WriterStopped)))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// An in-memory backend whose `fail_from`-th commit and all later ones fail, to see what
    /// callers are told when the disk goes away.
    struct Flaky {
        entries: Arc<Mutex<Vec<Entry>>>,
        commits: usize,
        fail_from: usize,
    }

    impl LogBackend for Flaky {
        fn append_batch(&mut self, entries: &[Entry]) -> Result<(), StoreError> {
            self.commits += 1;
            if self.commits >= self.fail_from {
                return Err(StoreError::Io {
                    action: "write",
                    path: "flaky".into(),
                    error: Arc::new(std::io::Error::other("disk unplugged")),
                });
            }
            self.entries.lock().unwrap().extend_from_slice(entries);
            Ok(())
        }
        fn head(&self) -> Result<u64, StoreError> {
            Ok(self.entries.lock().unwrap().len() as u64)
        }
        fn read(&self, from_seq: u64, limit: usize) -> Result<Vec<Entry>, StoreError> {
            let entries = self.entries.lock().unwrap();
            let from = usize::try_from(from_seq.max(1) - 1).unwrap();
            Ok(entries.iter().skip(from).take(limit).cloned().collect())
        }
    }

    fn flaky_log(fail_from: usize) -> (Log, Arc<Mutex<Vec<Entry>>>) {
        let entries = Arc::new(Mutex::new(Vec::new()));
        let backend = |fail_from| {
            Box::new(Flaky {
                entries: Arc::clone(&entries),
                commits: 0,
                fail_from,
            }) as Box<dyn LogBackend>
        };
        let log = Log::with_backends(backend(fail_from), vec![backend(usize::MAX)]).unwrap();
        (log, entries)
    }

    fn entry(seq: u64) -> Entry {
        Entry {
            seq,
            time_ms: 0,
            body: vec![u8::try_from(seq % 256).unwrap()],
            leaf: None,
        }
    }

    #[test]
    fn failed_commit_poisons_the_log() {
        let (log, stored) = flaky_log(2);
        log.submit(entry(1)).wait().unwrap();
        let err = log.submit(entry(2)).wait().unwrap_err();
        assert_eq!(err.to_string(), "cannot write `flaky`: disk unplugged");
        // Even the right next seq is refused now: the caller believed in entry 2.
        let err = log.submit(entry(2)).wait().unwrap_err();
        assert!(matches!(err, StoreError::Poisoned(_)), "{err}");
        assert_eq!(
            err.to_string(),
            "the log refuses appends since an earlier write failed: cannot write `flaky`: disk unplugged"
        );
        assert_eq!(stored.lock().unwrap().len(), 1);
    }

    #[test]
    fn out_of_order_entry_fails_it_and_poisons_but_keeps_what_came_before() {
        let (log, stored) = flaky_log(usize::MAX);
        log.submit(entry(1)).wait().unwrap();
        let err = log.submit(entry(3)).wait().unwrap_err();
        assert_eq!(err.to_string(), "log sequence gap: expected 2, got 3");
        assert!(log.submit(entry(2)).wait().is_err());
        assert_eq!(*stored.lock().unwrap(), vec![entry(1)]);
        assert_eq!(log.stats().durable_seq, 1);
    }

    #[test]
    fn ticket_is_awaitable() {
        let (log, _) = flaky_log(usize::MAX);
        let ticket = log.submit(entry(1));
        assert_eq!(ticket.seq(), 1);
        // A minimal executor: the writer thread wakes this one through the oneshot.
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut ticket = std::pin::pin!(ticket);
        let result = loop {
            if let Poll::Ready(result) = ticket.as_mut().poll(&mut cx) {
                break result;
            }
            std::thread::yield_now();
        };
        result.unwrap();
        assert_eq!(log.read(1, 10).unwrap(), vec![entry(1)]);
    }

    #[test]
    fn dropping_the_last_handle_settles_everything_queued() {
        let (log, stored) = flaky_log(usize::MAX);
        let tickets: Vec<_> = (1..=100).map(|seq| log.submit(entry(seq))).collect();
        drop(log);
        assert_eq!(stored.lock().unwrap().len(), 100);
        for ticket in tickets {
            ticket.wait().unwrap();
        }
    }
}
