//! Console users (crate::console_users) on PostgreSQL: the stored row and the sign-in counters.

use super::{is_unique_violation, PostgresStorage};
use crate::console_users::{
    locked_until_after, name_taken, stored_user, ConsoleSession, ConsoleUser, StoredConsoleUser,
    LOCK_AFTER_FAILURES,
};
use crate::error::HqError;
use chrono::{DateTime, Utc};

impl PostgresStorage {
    pub(super) async fn insert_console_user(
        &self,
        user: &ConsoleUser,
        password_hash: &str,
    ) -> Result<(), HqError> {
        let added = self
            .client()
            .await?
            .execute(
                "INSERT INTO console_users (name, role, stores, password_hash, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &user.name,
                    &user.role.as_str(),
                    &user.stores.join(","),
                    &password_hash,
                    &user.created_at,
                ],
            )
            .await;
        match added {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(name_taken(&user.name)),
            Err(e) => Err(e.into()),
        }
    }

    pub(super) async fn console_user_named(
        &self,
        name: &str,
    ) -> Result<Option<StoredConsoleUser>, HqError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT name, role, stores, created_at, password_hash, failed_sign_ins, locked_until
                 FROM console_users WHERE name = $1",
                &[&name],
            )
            .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let role: String = r.try_get(1)?;
        let stores: String = r.try_get(2)?;
        Ok(Some(StoredConsoleUser {
            user: stored_user(r.try_get(0)?, &role, &stores, r.try_get(3)?)?,
            password_hash: r.try_get(4)?,
            failed_sign_ins: i64::from(r.try_get::<_, i32>(5)?),
            locked_until: r.try_get(6)?,
        }))
    }

    pub(super) async fn all_console_users(&self) -> Result<Vec<ConsoleUser>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT name, role, stores, created_at FROM console_users ORDER BY name",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get(1)?;
                let stores: String = r.try_get(2)?;
                stored_user(r.try_get(0)?, &role, &stores, r.try_get(3)?)
            })
            .collect()
    }

    /// One statement, so that two nodes counting at once both count.
    pub(super) async fn count_console_sign_in_failure(
        &self,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, HqError> {
        let until = locked_until_after(LOCK_AFTER_FAILURES, now);
        let threshold = i32::try_from(LOCK_AFTER_FAILURES).unwrap_or(i32::MAX);
        let row = self
            .client()
            .await?
            .query_opt(
                "UPDATE console_users SET failed_sign_ins = failed_sign_ins + 1,
                     locked_until = CASE WHEN failed_sign_ins + 1 >= $2 THEN $3 ELSE locked_until END
                 WHERE name = $1 RETURNING locked_until",
                &[&name, &threshold, &until],
            )
            .await?;
        match row {
            Some(r) => Ok(r.try_get(0)?),
            None => Ok(None),
        }
    }

    pub(super) async fn clear_console_sign_in_failures(&self, name: &str) -> Result<(), HqError> {
        self.client()
            .await?
            .execute(
                "UPDATE console_users SET failed_sign_ins = 0, locked_until = NULL WHERE name = $1",
                &[&name],
            )
            .await?;
        Ok(())
    }

    pub(super) async fn insert_console_session(
        &self,
        session: &ConsoleSession,
    ) -> Result<(), HqError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "DELETE FROM console_sessions WHERE expires_at < $1",
            &[&session.created_at],
        )
        .await?;
        tx.execute(
            "INSERT INTO console_sessions (token_hash, user_name, csrf_token, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &session.token_hash,
                &session.user_name,
                &session.csrf_token,
                &session.created_at,
                &session.expires_at,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn live_console_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ConsoleSession>, HqError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT token_hash, user_name, csrf_token, created_at, expires_at
                 FROM console_sessions WHERE token_hash = $1 AND expires_at > $2",
                &[&token_hash, &now],
            )
            .await?;
        row.map(|r| {
            Ok(ConsoleSession {
                token_hash: r.try_get(0)?,
                user_name: r.try_get(1)?,
                csrf_token: r.try_get(2)?,
                created_at: r.try_get(3)?,
                expires_at: r.try_get(4)?,
            })
        })
        .transpose()
    }

    pub(super) async fn delete_console_session(&self, token_hash: &str) -> Result<bool, HqError> {
        Ok(self
            .client()
            .await?
            .execute(
                "DELETE FROM console_sessions WHERE token_hash = $1",
                &[&token_hash],
            )
            .await?
            > 0)
    }
}
