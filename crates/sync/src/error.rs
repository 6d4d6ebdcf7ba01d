use kassa_store::{ErrorCode, PublicError, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Head office could not be reached (no network, refused, timed out, lost response).
    #[error("head office unreachable: {0}")]
    Offline(String),
    /// Head office answered with an error.
    #[error("head office refused ({status} {code}): {message}")]
    Rejected {
        status: u16,
        code: String,
        message: String,
    },
    /// Head office is busy (503) or the till asked too often (429): come back after
    /// `retry_after` (what head office said, if it said), plus jitter.
    #[error("head office is busy ({status}): trying again later")]
    Busy {
        status: u16,
        retry_after: Option<std::time::Duration>,
    },
    /// The server is not the head office this till trusts (another certificate, a hostile
    /// network in between): nothing was sent to it.
    #[error("{0}")]
    Untrusted(String),
    #[error("this till is not enrolled: run `kassa enroll --hq URL --code CODE`")]
    NotEnrolled,
    #[error("{0}")]
    Invalid(String),
    #[error("unexpected answer from head office: {0}")]
    Protocol(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    /// The stable code front ends branch on. Head office answering 503 (busy, or a document
    /// being written by another process) or 429 (too many requests) is as good as offline: try
    /// again later.
    pub fn code(&self) -> ErrorCode {
        match self {
            SyncError::Offline(_) => ErrorCode::Offline,
            SyncError::Busy { .. } => ErrorCode::Offline,
            SyncError::Rejected { status: 404, .. } => ErrorCode::NotFound,
            SyncError::Rejected { status, .. } if (400..500).contains(status) => ErrorCode::Refused,
            SyncError::Untrusted(_) => ErrorCode::Refused,
            SyncError::Rejected { .. } | SyncError::Protocol(_) => ErrorCode::Internal,
            SyncError::NotEnrolled | SyncError::Invalid(_) => ErrorCode::BadInput,
            SyncError::Store(e) => e.code(),
        }
    }

    /// True for refusals of the caller's input (bad code, wrong store), as opposed to failures.
    pub fn is_bad_input(&self) -> bool {
        self.code().is_refusal()
    }

    /// The error for people (money in `currency` where a store error carries some).
    pub fn public(&self, currency: Option<&kassa_domain::Currency>) -> PublicError {
        match self {
            SyncError::Store(e) => e.public(currency),
            other => PublicError {
                code: other.code(),
                message: other.to_string(),
            },
        }
    }
}
