//! Work on the front's own store tables (device certificates, webhooks),
//! which block on SQLite or PostgreSQL and on fsync, run on the blocking
//! pool so that the runtime's threads keep serving.

use deconflict_store::StoreError;

/// Runs `f` on a blocking thread and waits for it. Its panic is the
/// caller's; a runtime shutting down before it ran is a stopped connection.
pub(crate) async fn store<R: Send + 'static>(
    f: impl FnOnce() -> Result<R, StoreError> + Send + 'static,
) -> Result<R, StoreError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(done) => done,
        Err(e) => match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(_) => Err(StoreError::ConnectionStopped),
        },
    }
}
