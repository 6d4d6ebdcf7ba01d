use kassa_store::StoreError;

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
    /// True for refusals of the caller's input (bad code, wrong store), as opposed to failures.
    pub fn is_bad_input(&self) -> bool {
        match self {
            SyncError::Rejected { status, .. } => (400..500).contains(status),
            SyncError::NotEnrolled | SyncError::Invalid(_) => true,
            SyncError::Store(e) => e.is_bad_input(),
            SyncError::Offline(_) | SyncError::Protocol(_) => false,
        }
    }
}
