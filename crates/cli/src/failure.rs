//! How a command fails, decided by the error's code only: a refusal of the input (exit 2,
//! nothing changed), head office unreachable (exit 3: try again when online), or an internal
//! error (exit 1).

use kassa_domain::{Currency, DomainError};
use kassa_store::{ErrorCode, PublicError, StoreError};
use std::sync::OnceLock;

/// The store's currency once the till database is known, so messages show money as `2.58 EUR`.
pub static CURRENCY: OnceLock<Currency> = OnceLock::new();

#[derive(Debug)]
pub enum Failure {
    /// Refused or offline, with the code and the message for people.
    Public(PublicError),
    Internal(anyhow::Error),
}

impl Failure {
    pub fn bad(message: impl Into<String>) -> Failure {
        Failure::Public(PublicError {
            code: ErrorCode::BadInput,
            message: message.into(),
        })
    }

    pub fn message(&self) -> String {
        match self {
            Failure::Public(e) => e.message.clone(),
            Failure::Internal(e) => format!("internal error: {e:#}"),
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Public(PublicError {
                code: ErrorCode::Offline,
                ..
            }) => 3,
            Failure::Public(_) => 2,
            Failure::Internal(_) => 1,
        }
    }

    fn from_public(public: PublicError, internal: impl FnOnce() -> anyhow::Error) -> Failure {
        match public.code {
            ErrorCode::Internal => Failure::Internal(internal()),
            _ => Failure::Public(public),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        let public = e.public(CURRENCY.get());
        Failure::from_public(public, || e.into())
    }
}

impl From<kassa_sync::SyncError> for Failure {
    fn from(e: kassa_sync::SyncError) -> Failure {
        let public = e.public(CURRENCY.get());
        Failure::from_public(public, || e.into())
    }
}

impl From<DomainError> for Failure {
    fn from(e: DomainError) -> Failure {
        let message = match CURRENCY.get() {
            Some(currency) => e.describe(currency),
            None => e.to_string(),
        };
        Failure::bad(message)
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
