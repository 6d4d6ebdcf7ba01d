//! How a command fails: bad input (exit 2) or an internal error (exit 1).

use kassa_domain::DomainError;
use kassa_store::StoreError;

#[derive(Debug)]
pub enum Failure {
    BadInput(String),
    Internal(anyhow::Error),
}

impl Failure {
    pub fn bad(message: impl Into<String>) -> Failure {
        Failure::BadInput(message.into())
    }

    pub fn message(&self) -> String {
        match self {
            Failure::BadInput(m) => m.clone(),
            Failure::Internal(e) => format!("internal error: {e:#}"),
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::BadInput(_) => 2,
            Failure::Internal(_) => 1,
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        if e.is_bad_input() {
            Failure::BadInput(e.to_string())
        } else {
            Failure::Internal(e.into())
        }
    }
}

impl From<kassa_sync::SyncError> for Failure {
    fn from(e: kassa_sync::SyncError) -> Failure {
        if e.is_bad_input() {
            Failure::BadInput(e.to_string())
        } else {
            Failure::Internal(e.into())
        }
    }
}

impl From<DomainError> for Failure {
    fn from(e: DomainError) -> Failure {
        Failure::BadInput(e.to_string())
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::Internal(e.into())
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Failure {
        Failure::Internal(e.into())
    }
}
