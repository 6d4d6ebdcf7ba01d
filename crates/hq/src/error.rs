use kassa_replica::ReplicaError;

/// Everything head office can refuse or fail at, each with its HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum HqError {
    #[error("{0}")]
    BadRequest(String),
    #[error("missing, unknown or revoked token")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("document {0} was changed by another writer meanwhile: try again")]
    StaleDocument(String),
    #[error("request too large: {0}")]
    TooLarge(String),
    /// The caller made more requests than its rate limit allows: try again shortly.
    #[error("too many requests: slow down and try again shortly")]
    RateLimited,
    /// This node is busy with other stores' syncs: the till comes back later (`Retry-After`).
    #[error("head office is busy: try again in a few seconds")]
    Busy,
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A PostgreSQL query failed for a reason other than the connection.
    #[error("database error: {0}")]
    Postgres(String),
    /// Head office's database cannot be reached (PostgreSQL down or restarting, the pool
    /// exhausted): the caller tries again later. The detail is for the operator's log only.
    #[error("head office's database is unavailable: try again shortly")]
    DatabaseUnavailable { detail: String },
    /// The machine, not the data: a port in use, a file that cannot be written, no runtime.
    #[error("{0}")]
    Io(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

impl HqError {
    pub fn status(&self) -> u16 {
        match self {
            HqError::BadRequest(_) => 400,
            HqError::Unauthorized => 401,
            HqError::Forbidden(_) => 403,
            HqError::NotFound(_) => 404,
            HqError::Conflict(_) => 409,
            HqError::TooLarge(_) => 413,
            HqError::RateLimited => 429,
            HqError::StaleDocument(_) | HqError::Busy | HqError::DatabaseUnavailable { .. } => 503,
            HqError::Sqlite(_) | HqError::Postgres(_) | HqError::Corrupt(_) | HqError::Io(_) => 500,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            HqError::BadRequest(_) => "bad_request",
            HqError::Unauthorized => "unauthorized",
            HqError::Forbidden(_) => "forbidden",
            HqError::NotFound(_) => "not_found",
            HqError::Conflict(_) => "conflict",
            HqError::TooLarge(_) => "too_large",
            HqError::RateLimited => "rate_limited",
            HqError::StaleDocument(_) | HqError::Busy | HqError::DatabaseUnavailable { .. } => {
                "busy"
            }
            HqError::Sqlite(_) | HqError::Postgres(_) | HqError::Corrupt(_) | HqError::Io(_) => {
                "internal"
            }
        }
    }
}

impl HqError {
    /// How many seconds the caller should wait before trying again, for a refusal that says
    /// "later" (sent as `Retry-After`); tills add their own jitter on top.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            HqError::Busy | HqError::DatabaseUnavailable { .. } => Some(5),
            HqError::RateLimited | HqError::StaleDocument(_) => Some(1),
            _ => None,
        }
    }
}

impl From<ReplicaError> for HqError {
    fn from(e: ReplicaError) -> HqError {
        match e {
            ReplicaError::ForeignActor { .. } => HqError::Forbidden(e.to_string()),
            ReplicaError::InvalidDocId(_)
            | ReplicaError::MalformedMessage(_)
            | ReplicaError::Automerge(_) => HqError::BadRequest(e.to_string()),
            other => HqError::Corrupt(other.to_string()),
        }
    }
}

impl From<serde_json::Error> for HqError {
    fn from(e: serde_json::Error) -> HqError {
        HqError::Corrupt(e.to_string())
    }
}
