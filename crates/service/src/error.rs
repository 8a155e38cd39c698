//! Why the service did not carry out a request, in its own terms: the front
//! end (the HTTP API's problem+json, a Cursor-on-Target drop) says it to the
//! caller.

use deconflict_model::ModelError;

/// A request the service did not carry out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The model refused the command (or the read): its code and message
    /// never carry what the caller may not see.
    #[error(transparent)]
    Refused(#[from] ModelError),
    /// The party wrote as much to the log in the last day as it may.
    #[error(
        "your party wrote {written} bytes to the log in the last 24 hours, its quota; retry after {retry_after_s} s"
    )]
    QuotaExceeded { written: u64, retry_after_s: u64 },
    /// More reports of a unit than its declared interval allows.
    #[error(
        "{field}: more reports of this unit than its declared interval allows; retry after {retry_after_s} s"
    )]
    ReportsTooFast { field: String, retry_after_s: u64 },
    /// The log refuses appends after a failed write.
    #[error("the log refuses appends after a failed write; the service must be restarted")]
    Unavailable,
    /// The store no longer holds what the log published.
    #[error(
        "an entry in the log's store no longer gives the leaf the log published for it: the store \
         was changed on disk; the service refuses every request until its data directory is \
         restored from a good copy"
    )]
    Tampered,
    /// The log's database cannot be reached for now (several nodes on
    /// PostgreSQL, during a failover): nothing was decided; retry.
    #[error("the log's database cannot be reached for now; nothing was done, retry shortly")]
    Unreachable,
    /// A fault of the service; details only in its own log.
    #[error("the service could not complete the request")]
    Internal,
}
