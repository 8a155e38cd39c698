use std::fmt;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll};
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use crate::backend::{Entry, LogBackend, SqliteLog};
use crate::error::StoreError;

/// Upper bound on entries per transaction, so one burst cannot build an unbounded transaction
/// (and an unbounded WAL) while everyone in it waits.
const MAX_BATCH: usize = 4096;

/// Read connections opened by [`Log::open`]: one per core on the machines this runs on, so a
/// long replay does not block a short read.
const SQLITE_READERS: usize = 2;

type Reply = oneshot::Sender<Result<(), StoreError>>;

struct Request {
    entry: Entry,
    reply: Reply,
}

/// State shared by every [`Log`] clone and the writer thread.
struct Shared {
    /// Set once, by the writer, when an append fails; never cleared.
    poisoned: OnceLock<StoreError>,
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
#[derive(Clone)]
pub struct Log {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    readers: Vec<Mutex<Box<dyn LogBackend>>>,
    next_reader: AtomicUsize,
    // Fields drop in declaration order, and this order is load-bearing: hanging up the queue lets
    // the writer drain it and return, and only then can joining it finish.
    queue: mpsc::Sender<Request>,
    _writer: JoinOnDrop,
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
        assert!(!readers.is_empty(), "a Log needs at least one reader");
        let head = writer.head()?;
        let shared = Arc::new(Shared {
            poisoned: OnceLock::new(),
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
    pub fn submit(&self, entry: Entry) -> Ticket {
        let seq = entry.seq;
        let (reply, rx) = oneshot::channel();
        let ticket = Ticket { seq, rx };
        if let Some(refusal) = self.inner.shared.refusal() {
            let _ = reply.send(Err(refusal));
            return ticket;
        }
        if let Err(mpsc::SendError(request)) = self.inner.queue.send(Request { entry, reply }) {
            let _ = request.reply.send(Err(StoreError::WriterStopped));
        }
        ticket
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
    mut backend: Box<dyn LogBackend>,
    head: u64,
    requests: &mpsc::Receiver<Request>,
    shared: &Shared,
) {
    let mut next_seq = head + 1;
    let mut entries = Vec::new();
    let mut replies = Vec::new();
    // Block for the first request, then take whatever else queued up meanwhile: while one
    // commit's fsync runs, the next batch gathers on its own, with no timer to tune.
    while let Ok(first) = requests.recv() {
        for request in std::iter::once(first).chain(requests.try_iter().take(MAX_BATCH - 1)) {
            entries.push(request.entry);
            replies.push(request.reply);
        }
        if let Some(refusal) = shared.refusal() {
            answer(replies.drain(..), &Err(refusal));
            entries.clear();
            continue;
        }
        // Commit the in-order prefix; an entry out of order fails with all that follow it.
        let in_order = entries
            .iter()
            .zip(next_seq..)
            .take_while(|(entry, expected)| entry.seq == *expected)
            .count();
        if in_order > 0 {
            let result = backend.append_batch(&entries[..in_order]);
            match &result {
                Ok(()) => {
                    next_seq += in_order as u64;
                    shared.commits.fetch_add(1, Ordering::Relaxed);
                    shared.entries.fetch_add(in_order as u64, Ordering::Relaxed);
                    shared.largest_batch.fetch_max(in_order, Ordering::Relaxed);
                    shared.durable_seq.store(next_seq - 1, Ordering::Release);
                }
                Err(err) => {
                    let _ = shared.poisoned.set(err.clone());
                }
            }
            answer(replies.drain(..in_order), &result);
        }
        if let Some(out_of_order) = entries.get(in_order) {
            let err = StoreError::SequenceGap {
                expected: next_seq,
                got: out_of_order.seq,
            };
            let _ = shared.poisoned.set(err.clone());
            answer(replies.drain(..), &Err(err));
        }
        entries.clear();
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
