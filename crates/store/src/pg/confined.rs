//! Every PostgreSQL session on a thread of its own, so a handle can be used from anywhere.
//!
//! The `postgres` crate blocks on a tokio runtime of its own in every call (connecting, each
//! query, even dropping the client), and tokio refuses to start one inside another: called from
//! async code, any of them would panic. So no caller ever touches a `postgres::Client`. Each
//! session lives on a [`Confined`] thread, which owns it (and whatever state goes with it, such
//! as the configuration to reconnect with); a handle sends that thread a closure and blocks
//! until the answer comes back, on a plain channel. From async code that is a brief block of the
//! calling worker, exactly as an SQLite call is. Dropping the handle ends the thread, which
//! closes the session (and with it any session-level advisory lock), and waits for it.

use std::any::Any;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;

use crate::error::StoreError;

/// Work for the thread: runs on its state.
type Job<S> = Box<dyn FnOnce(&mut S) + Send>;

/// State `S` (a session, or a connection that reconnects) confined to a thread of its own; see
/// the module documentation. `Send` and `Sync` whatever `S` is: calls from several threads take
/// turns.
pub(crate) struct Confined<S> {
    /// `None` only while dropping: hanging up is what ends the thread.
    jobs: Option<mpsc::Sender<Job<S>>>,
    thread: Option<JoinHandle<()>>,
}

impl<S> fmt::Debug for Confined<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Confined")
            .field(
                "thread",
                &self.thread.as_ref().and_then(|t| t.thread().name()),
            )
            .finish_non_exhaustive()
    }
}

impl<S: 'static> Confined<S> {
    /// Starts a thread called `name` that makes its state with `init` (connecting, say) and then
    /// serves [`Confined::run`]; `init`'s error is returned here, and the thread is gone.
    pub(crate) fn spawn(
        name: &str,
        init: impl FnOnce() -> Result<S, StoreError> + Send + 'static,
    ) -> Result<Confined<S>, StoreError> {
        let (jobs, inbox) = mpsc::channel::<Job<S>>();
        let (ready, started) = mpsc::sync_channel(1);
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let mut state = match init() {
                    Ok(state) => state,
                    Err(error) => {
                        let _ = ready.send(Err(error));
                        return;
                    }
                };
                let _ = ready.send(Ok(()));
                drop(ready);
                // Ends once every sender is gone: the handle was dropped. The state, and with it
                // the session, is dropped here, on this thread.
                for job in inbox {
                    job(&mut state);
                }
            })
            .map_err(|error| StoreError::ConnectionThread(Arc::new(error)))?;
        match started.recv() {
            Ok(Ok(())) => Ok(Confined {
                jobs: Some(jobs),
                thread: Some(thread),
            }),
            Ok(Err(error)) => {
                let _ = thread.join();
                Err(error)
            }
            // `init` panicked: the panic goes on in the caller, as it would have without a thread.
            Err(mpsc::RecvError) => match thread.join() {
                Err(payload) => panic::resume_unwind(payload),
                Ok(()) => Err(StoreError::ConnectionStopped),
            },
        }
    }

    /// Runs `job` on the thread's state and returns what it returns, blocking until then. A
    /// panic in `job` goes on in the caller; the thread lives on.
    pub(crate) fn run<R: Send + 'static>(
        &self,
        job: impl FnOnce(&mut S) -> R + Send + 'static,
    ) -> Result<R, StoreError> {
        let (reply, answer) = mpsc::sync_channel::<Result<R, Box<dyn Any + Send>>>(1);
        let job: Job<S> = Box::new(move |state| {
            let _ = reply.send(panic::catch_unwind(AssertUnwindSafe(|| job(state))));
        });
        self.jobs
            .as_ref()
            .ok_or(StoreError::ConnectionStopped)?
            .send(job)
            .map_err(|_| StoreError::ConnectionStopped)?;
        match answer.recv() {
            Ok(Ok(done)) => Ok(done),
            Ok(Err(payload)) => panic::resume_unwind(payload),
            Err(mpsc::RecvError) => Err(StoreError::ConnectionStopped),
        }
    }
}

impl<S> Drop for Confined<S> {
    fn drop(&mut self) {
        // Hanging up ends the thread's loop; joining means the session is closed on return (a
        // lease's lock released), so a caller can count on it right after.
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_run_on_the_thread_in_order_and_panics_reach_the_caller() {
        let confined = Confined::spawn("test", || Ok(Vec::new())).unwrap();
        let here = std::thread::current().id();
        for n in 0..3 {
            let there = confined
                .run(move |seen: &mut Vec<i32>| {
                    seen.push(n);
                    std::thread::current().id()
                })
                .unwrap();
            assert_ne!(there, here);
        }
        assert_eq!(confined.run(|seen| seen.clone()).unwrap(), vec![0, 1, 2]);
        let panicked = panic::catch_unwind(AssertUnwindSafe(|| {
            confined.run(|_| panic!("in the job")).unwrap();
        }));
        assert!(panicked.is_err());
        assert_eq!(confined.run(|seen| seen.len()).unwrap(), 3);
    }

    #[test]
    fn an_init_error_is_returned() {
        let err = Confined::<()>::spawn("test", || Err(StoreError::ConnectionStopped)).unwrap_err();
        assert!(matches!(err, StoreError::ConnectionStopped), "{err}");
    }
}
