//! Scoped API tokens and head office's log of admin actions. The web shop gets an `orders` token
//! (order intake and order status, nothing else), reports a `read` token, people and scripts
//! that run head office an `admin` token; each is named, listed and revoked on its own. The
//! admin token in the data directory stays, as the first admin token.

use crate::hq::Hq;
use crate::tokens::{hash_secret, random_secret};
use crate::viewer::Viewer;
use crate::HqError;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Everything an operator does.
    Admin,
    /// The web shop: take orders and read their status.
    Orders,
    /// Reports: read sales, stock, shifts, orders and exceptions; change nothing.
    Read,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Admin => "admin",
            Scope::Orders => "orders",
            Scope::Read => "read",
        }
    }

    pub fn parse(text: &str) -> Result<Scope, HqError> {
        match text.trim() {
            "admin" => Ok(Scope::Admin),
            "orders" => Ok(Scope::Orders),
            "read" => Ok(Scope::Read),
            other => Err(HqError::BadRequest(format!(
                "scope {other:?} is not admin, orders or read"
            ))),
        }
    }
}

/// A token as head office lists it (its secret is shown once, when made).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub name: String,
    pub scope: Scope,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The stores a `read` token may see (sorted); empty for every store.
    pub stores: Vec<String>,
}

/// Who made a request with an API token: the name goes into the admin log; what it may read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiCaller {
    pub name: String,
    pub scope: Scope,
    pub viewer: Viewer,
}

/// A token's stores as stored (comma-separated).
pub(crate) fn stored_stores(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The name the data directory's admin token goes by in the admin log.
pub const FIRST_ADMIN_TOKEN: &str = "admin-token";

/// One line of head office's admin log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AdminLogEntry {
    pub at: DateTime<Utc>,
    /// `token:NAME (scope)` or `cli:USER`.
    pub actor: String,
    /// What was done, without secrets: `POST /v1/admin/staff`, `staff pin Carl`.
    pub action: String,
    /// `ok`, or the refusal's status and code.
    pub outcome: String,
}

/// Most characters of a token name, an actor or an action in the log.
const MAX_NAME: usize = 64;
const MAX_LOG_TEXT: usize = 300;

fn validate_name(name: &str) -> Result<&str, HqError> {
    let name = name.trim();
    if name.is_empty()
        || name.len() > MAX_NAME
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(HqError::BadRequest(format!(
            "token name {name:?} must be 1 to {MAX_NAME} letters, digits, '-', '_' or '.'"
        )));
    }
    Ok(name)
}

fn bounded(text: &str) -> String {
    text.chars().take(MAX_LOG_TEXT).collect()
}

impl Hq {
    /// Makes a named token of `scope`; returns it with its secret (shown once, only its hash
    /// is kept). A live token of the same name is a conflict: revoke it first.
    pub async fn create_api_token(
        &self,
        name: &str,
        scope: Scope,
        stores: &[String],
    ) -> Result<(ApiToken, String), HqError> {
        let name = validate_name(name)?;
        if name == FIRST_ADMIN_TOKEN {
            return Err(HqError::BadRequest(format!(
                "{FIRST_ADMIN_TOKEN:?} is the data directory's admin token"
            )));
        }
        let mut stores: Vec<String> = stores.iter().map(|s| s.trim().to_uppercase()).collect();
        stores.sort();
        stores.dedup();
        if !stores.is_empty() && scope != Scope::Read {
            return Err(HqError::BadRequest(
                "only a read token is limited to stores".into(),
            ));
        }
        for store in &stores {
            if self.storage.store(store).await?.is_none() {
                return Err(HqError::NotFound(format!("no store {store}")));
            }
        }
        let secret = format!("kassa_{}_{}", scope.as_str(), random_secret(32));
        let token = ApiToken {
            name: name.to_string(),
            scope,
            created_at: Utc::now(),
            revoked_at: None,
            stores,
        };
        self.storage
            .add_api_token(&token, &hash_secret(&secret))
            .await?;
        Ok((token, secret))
    }

    /// Every token, revoked ones too, by name.
    pub async fn api_tokens(&self) -> Result<Vec<ApiToken>, HqError> {
        self.storage.api_tokens().await
    }

    /// Revokes the live token of that name (it stops working at once).
    pub async fn revoke_api_token(&self, name: &str) -> Result<(), HqError> {
        let name = validate_name(name)?;
        if self.storage.revoke_api_token(name, Utc::now()).await? {
            Ok(())
        } else {
            Err(HqError::NotFound(format!("no live token named {name:?}")))
        }
    }

    /// The live API token `secret` is, if any.
    pub async fn api_caller(&self, secret: &str) -> Result<Option<ApiCaller>, HqError> {
        Ok(self
            .storage
            .api_token_by_hash(&hash_secret(secret))
            .await?
            .map(|token| ApiCaller {
                viewer: Viewer::of_stores(&token.stores),
                name: token.name,
                scope: token.scope,
            }))
    }

    /// Appends a line to the admin log.
    pub async fn log_admin_action(
        &self,
        actor: &str,
        action: &str,
        outcome: &str,
    ) -> Result<(), HqError> {
        self.storage
            .append_admin_log(&AdminLogEntry {
                at: Utc::now(),
                actor: bounded(actor),
                action: bounded(action),
                outcome: bounded(outcome),
            })
            .await
    }

    /// The newest `limit` lines of the admin log, newest first.
    pub async fn admin_log(&self, limit: usize) -> Result<Vec<AdminLogEntry>, HqError> {
        self.storage.admin_log(limit.clamp(1, 10_000)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn tokens_are_named_scoped_listed_and_revoked() {
        let hq = Hq::open_in_memory().unwrap();
        let (shop, secret) = hq
            .create_api_token("webshop", Scope::Orders, &[])
            .await
            .unwrap();
        assert_eq!(shop.scope, Scope::Orders);
        assert!(secret.starts_with("kassa_orders_"));
        let caller = hq.api_caller(&secret).await.unwrap().unwrap();
        assert_eq!(
            (caller.name.as_str(), caller.scope),
            ("webshop", Scope::Orders)
        );
        assert_eq!(hq.api_caller("kassa_orders_guess").await.unwrap(), None);
        // One live token per name; a bad name or scope is refused.
        assert!(matches!(
            hq.create_api_token("webshop", Scope::Read, &[]).await,
            Err(HqError::Conflict(_))
        ));
        for bad in ["", "web shop", &"x".repeat(65), FIRST_ADMIN_TOKEN] {
            assert!(
                hq.create_api_token(bad, Scope::Read, &[]).await.is_err(),
                "{bad:?}"
            );
        }
        assert!(Scope::parse("root").is_err());

        hq.revoke_api_token("webshop").await.unwrap();
        assert_eq!(hq.api_caller(&secret).await.unwrap(), None);
        assert!(matches!(
            hq.revoke_api_token("webshop").await,
            Err(HqError::NotFound(_))
        ));
        // The name is free again; the list keeps the revoked one.
        let (_, again) = hq
            .create_api_token("webshop", Scope::Orders, &[])
            .await
            .unwrap();
        assert_ne!(again, secret);
        let listed = hq.api_tokens().await.unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed.iter().filter(|t| t.revoked_at.is_some()).count(), 1);
    }

    #[tokio::test]
    async fn the_admin_log_keeps_bounded_lines_newest_first() {
        let hq = Hq::open_in_memory().unwrap();
        hq.log_admin_action("cli:ops", "store add AMS1", "ok")
            .await
            .unwrap();
        hq.log_admin_action("token:webshop (orders)", &"x".repeat(5_000), "ok")
            .await
            .unwrap();
        let log = hq.admin_log(10).await.unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!(log[0].actor, "token:webshop (orders)");
        assert_eq!(log[0].action.len(), MAX_LOG_TEXT);
        assert_eq!(log[1].action, "store add AMS1");
        assert_eq!(hq.admin_log(1).await.unwrap().len(), 1);
    }
}
