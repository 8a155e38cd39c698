//! The end of a credential's long-lived uses: its event streams, its
//! Cursor-on-Target connections and its webhook deliveries.
//!
//! An HTTP request looks its token up in the directory (see `auth.rs`), so a
//! revocation by `deconflict token revoke`, from another process, applies to
//! the next one. What outlives a request watches instead: a thread reads
//! the directory every [`crate::Config::revocation_poll`] (one aggregate
//! query, [`Directory::version`]; the credentials themselves only when it
//! changed) and publishes, on a `watch`, the credentials that are no longer
//! valid: revoked, deleted, or of a party no longer listed. Each long-lived
//! use holds a [`Lease`] of its credential and ends once the lease does,
//! within a poll period of the revocation. A lease also ends when the
//! service stops (see [`crate::Service`]'s stop), so that nothing holds a
//! connection open past a SIGTERM.

use deconflict_store::{Directory, DirectoryVersion};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;
use tokio::sync::watch;

/// Credentials no longer valid.
pub(crate) type Dead = Arc<HashSet<String>>;

/// The published set of dead credentials and the service's stop.
pub(crate) struct Revocations {
    dead: watch::Receiver<Dead>,
    stopping: watch::Sender<bool>,
    /// Dropped to end the polling thread, which is then joined, so that
    /// its connection to the database is closed with the service.
    end: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Revocations {
    /// Starts the thread that polls `directory` every `period`, until this
    /// is dropped.
    pub(crate) fn start(directory: Directory, period: Duration) -> std::io::Result<Revocations> {
        let (publish, dead) = watch::channel(Dead::default());
        let (end, ended) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("deconflict-revocations".into())
            .spawn(move || poll(directory, period, &ended, &publish))?;
        Ok(Revocations {
            dead,
            stopping: watch::Sender::new(false),
            end: Some(end),
            thread: Some(thread),
        })
    }

    /// A lease of `credential`: it ends once the credential is no longer
    /// valid or the service stops.
    pub(crate) fn lease(&self, credential: &str) -> Lease {
        Lease {
            credential: credential.to_owned(),
            dead: self.dead.clone(),
            stopping: self.stopping.subscribe(),
        }
    }

    /// Ends every lease: the service is stopping.
    pub(crate) fn stop(&self) {
        self.stopping.send_replace(true);
    }

    /// The service's stop, for what holds no credential.
    pub(crate) fn stopping(&self) -> watch::Receiver<bool> {
        self.stopping.subscribe()
    }
}

impl Drop for Revocations {
    fn drop(&mut self) {
        drop(self.end.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Why a lease ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The credential was revoked or removed.
    Revoked,
    /// The service is stopping.
    Stopping,
}

/// One long-lived use of a credential (see the module docs).
#[derive(Debug, Clone)]
pub struct Lease {
    credential: String,
    dead: watch::Receiver<Dead>,
    stopping: watch::Receiver<bool>,
}

impl Lease {
    /// Whether, and why, the lease has ended, without waiting.
    pub fn ended(&self) -> Option<End> {
        if self.dead.borrow().contains(&self.credential) {
            Some(End::Revoked)
        } else if *self.stopping.borrow() {
            Some(End::Stopping)
        } else {
            None
        }
    }

    /// Resolves once the lease has ended. Cancel-safe.
    pub async fn end(&mut self) -> End {
        loop {
            if let Some(end) = self.ended() {
                return end;
            }
            // A closed channel never changes again: wait on the other.
            tokio::select! {
                Ok(()) = self.dead.changed() => {}
                Ok(()) = self.stopping.changed() => {}
                else => std::future::pending::<()>().await,
            }
        }
    }
}

/// Reads the directory every `period` and publishes the dead credentials
/// when they change, until `end` is dropped.
fn poll(
    directory: Directory,
    period: Duration,
    end: &mpsc::Receiver<()>,
    publish: &watch::Sender<Dead>,
) {
    let mut version: Option<DirectoryVersion> = None;
    // Every credential seen, so that one deleted outright is known dead.
    let mut seen: HashSet<String> = HashSet::new();
    let mut failing = false;
    loop {
        if let Err(RecvTimeoutError::Disconnected) = end.recv_timeout(period) {
            return;
        }
        let read = directory.version().and_then(|now| {
            if version == Some(now) {
                return Ok(None);
            }
            Ok(Some((now, directory.credential_states()?)))
        });
        let (now, states) = match read {
            Ok(Some(read)) => read,
            Ok(None) => continue,
            Err(e) => {
                if !failing {
                    tracing::error!(error = %e, "reading the directory for revoked credentials");
                }
                failing = true;
                continue;
            }
        };
        failing = false;
        version = Some(now);
        let listed: HashSet<&str> = states.iter().map(|(id, _)| id.as_str()).collect();
        let mut dead: HashSet<String> = seen
            .iter()
            .filter(|id| !listed.contains(id.as_str()))
            .cloned()
            .collect();
        dead.extend(
            states
                .iter()
                .filter(|(_, valid)| !valid)
                .map(|(id, _)| id.clone()),
        );
        seen.extend(states.into_iter().map(|(id, _)| id));
        publish.send_if_modified(|published| {
            let changed = **published != dead;
            if changed {
                tracing::info!(
                    dead = dead.len(),
                    "credentials revoked or removed: their streams, connections and webhooks end"
                );
                *published = Arc::new(dead);
            }
            changed
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deconflict_store::Role;

    #[tokio::test]
    async fn a_lease_ends_once_its_credential_is_revoked_or_the_service_stops() {
        let dir = tempfile::tempdir().unwrap();
        let mut directory = Directory::open(dir.path()).unwrap();
        directory.add_party("a", false).unwrap();
        let kept = directory
            .issue_token("a", Role::Viewer)
            .unwrap()
            .credential
            .id;
        let revoked = directory
            .issue_token("a", Role::Viewer)
            .unwrap()
            .credential
            .id;
        let period = Duration::from_millis(20);
        let revocations = Revocations::start(Directory::open(dir.path()).unwrap(), period).unwrap();
        let mut lease = revocations.lease(&revoked);
        let other = revocations.lease(&kept);
        tokio::time::sleep(period * 3).await;
        assert_eq!(lease.ended(), None);
        directory.revoke(&revoked).unwrap();
        let end = tokio::time::timeout(Duration::from_secs(2), lease.end()).await;
        assert_eq!(end, Ok(End::Revoked));
        assert_eq!(other.ended(), None);
        revocations.stop();
        assert_eq!(other.ended(), Some(End::Stopping));
        // A credential issued after the last read is not taken for dead.
        let fresh = directory
            .issue_token("a", Role::Viewer)
            .unwrap()
            .credential
            .id;
        assert_eq!(revocations.lease(&fresh).ended(), Some(End::Stopping));
        assert!(!revocations.dead.borrow().contains(&fresh));
    }
}
