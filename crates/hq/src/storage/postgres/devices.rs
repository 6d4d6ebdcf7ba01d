//! Stores, enrollment, devices and their tokens, API tokens and the admin log on PostgreSQL.

use super::{is_unique_violation, narrow, PostgresStorage};
use crate::api_tokens::{AdminLogEntry, ApiToken, Scope};
use crate::error::HqError;
use crate::storage::{Device, NewDevice, StoreRow};
use chrono::{DateTime, Utc};
use kassa_protocol::{StoreInfo, TaxClassInfo};
use tokio_postgres::Row;

const STORE_COLUMNS: &str = "code, name, currency, tax_mode, cash_increment, tax_classes, \
                             stock_epoch, epoch_opened_at, last_sync_at";

fn store_of(r: &Row) -> Result<StoreRow, HqError> {
    let classes: String = r.try_get(5)?;
    Ok(StoreRow {
        info: StoreInfo {
            code: r.try_get(0)?,
            name: r.try_get(1)?,
            currency: r.try_get(2)?,
            tax_mode: r.try_get(3)?,
            cash_increment: r.try_get(4)?,
            tax_classes: serde_json::from_str::<Vec<TaxClassInfo>>(&classes)?,
        },
        stock_epoch: narrow(r.try_get(6)?, "stock epoch")?,
        epoch_opened_at: r.try_get(7)?,
        last_sync_at: r.try_get(8)?,
    })
}

fn device_of(r: &Row) -> Result<Device, HqError> {
    Ok(Device {
        id: r.try_get(0)?,
        store: r.try_get(1)?,
        till_no: narrow(i64::from(r.try_get::<_, i32>(2)?), "till number")?,
        actor_id: r.try_get(3)?,
        revoked: r.try_get(4)?,
        public_key: r.try_get(5)?,
    })
}

const DEVICE_COLUMNS: &str = "id, store, till_no, actor_id, revoked, public_key";

fn api_token_of(r: &Row) -> Result<ApiToken, HqError> {
    let scope: String = r.try_get(1)?;
    Ok(ApiToken {
        name: r.try_get(0)?,
        scope: Scope::parse(&scope)
            .map_err(|_| HqError::Corrupt(format!("stored token scope {scope:?}")))?,
        created_at: r.try_get(2)?,
        revoked_at: r.try_get(3)?,
        stores: crate::api_tokens::stored_stores(&r.try_get::<_, String>(4)?),
    })
}

impl PostgresStorage {
    pub(super) async fn create_store_row(
        &self,
        store: &StoreInfo,
        now: DateTime<Utc>,
    ) -> Result<(), HqError> {
        let inserted = self
            .client()
            .await?
            .execute(
                "INSERT INTO stores (code, name, currency, tax_mode, cash_increment, tax_classes,
                                     epoch_opened_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (code) DO NOTHING",
                &[
                    &store.code,
                    &store.name,
                    &store.currency,
                    &store.tax_mode,
                    &store.cash_increment,
                    &serde_json::to_string(&store.tax_classes)?,
                    &now,
                ],
            )
            .await?;
        if inserted == 0 {
            return Err(HqError::Conflict(format!(
                "store {} exists already",
                store.code
            )));
        }
        Ok(())
    }

    pub(super) async fn store_row(&self, code: &str) -> Result<Option<StoreRow>, HqError> {
        let row = self
            .client()
            .await?
            .query_opt(
                &format!("SELECT {STORE_COLUMNS} FROM stores WHERE code = $1"),
                &[&code],
            )
            .await?;
        row.as_ref().map(store_of).transpose()
    }

    pub(super) async fn store_rows(&self) -> Result<Vec<StoreRow>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                &format!("SELECT {STORE_COLUMNS} FROM stores ORDER BY code"),
                &[],
            )
            .await?;
        rows.iter().map(store_of).collect()
    }

    pub(super) async fn insert_enroll_code(
        &self,
        code_hash: &str,
        store: &str,
        till_no: u16,
        now: DateTime<Utc>,
    ) -> Result<(), HqError> {
        self.client()
            .await?
            .execute(
                "INSERT INTO enroll_codes (code_hash, store, till_no, created_at)
                 VALUES ($1, $2, $3, $4)",
                &[&code_hash, &store, &i32::from(till_no), &now],
            )
            .await?;
        Ok(())
    }

    /// The code is taken (`FOR UPDATE`: two nodes trading the same code wait for each other,
    /// and the second finds it gone), the till's earlier devices revoked and the new one added,
    /// in one transaction.
    pub(super) async fn take_code_for_device(
        &self,
        new: &NewDevice,
    ) -> Result<Option<(String, u16)>, HqError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let found = tx
            .query_opt(
                "SELECT store, till_no, created_at FROM enroll_codes WHERE code_hash = $1
                 FOR UPDATE",
                &[&new.code_hash],
            )
            .await?;
        let Some(found) = found else {
            return Ok(None);
        };
        let store: String = found.try_get(0)?;
        let till_no: i32 = found.try_get(1)?;
        let created_at: DateTime<Utc> = found.try_get(2)?;
        if created_at < new.oldest {
            // Expired: gone for good, like a used one.
            tx.execute(
                "DELETE FROM enroll_codes WHERE code_hash = $1",
                &[&new.code_hash],
            )
            .await?;
            tx.commit().await?;
            return Ok(None);
        }
        let taken_elsewhere = tx
            .query_opt(
                "SELECT store, till_no FROM devices
                 WHERE actor_id = $1 AND NOT (store = $2 AND till_no = $3) LIMIT 1",
                &[&new.actor_id, &store, &till_no],
            )
            .await?;
        if let Some(other) = taken_elsewhere {
            let (other_store, other_till): (String, i32) = (other.try_get(0)?, other.try_get(1)?);
            return Err(HqError::BadRequest(format!(
                "this till's replica id is already enrolled as till {other_till} of {other_store}: \
                 a till database is enrolled as one till only"
            )));
        }
        tx.execute(
            "DELETE FROM enroll_codes WHERE code_hash = $1",
            &[&new.code_hash],
        )
        .await?;
        // One live device per till number: enrolling again replaces (revokes) the old one.
        tx.execute(
            "UPDATE devices SET revoked = true WHERE store = $1 AND till_no = $2 AND NOT revoked",
            &[&store, &till_no],
        )
        .await?;
        tx.execute(
            "INSERT INTO devices (token_hash, store, till_no, actor_id, enrolled_at, public_key)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &new.token_hash,
                &store,
                &till_no,
                &new.actor_id,
                &new.now,
                &new.public_key,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(Some((store, narrow(i64::from(till_no), "till number")?)))
    }

    pub(super) async fn replace_device_token(
        &self,
        store: &str,
        till_no: u16,
        token_hash: &str,
    ) -> Result<bool, HqError> {
        Ok(self
            .client()
            .await?
            .execute(
                "UPDATE devices SET token_hash = $3, previous_token_hash = NULL
                 WHERE store = $1 AND till_no = $2 AND NOT revoked",
                &[&store, &i32::from(till_no), &token_hash],
            )
            .await?
            > 0)
    }

    pub(super) async fn live_device_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<Device>, HqError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(&format!(
                "SELECT {DEVICE_COLUMNS}, token_hash = $1, previous_token_hash IS NOT NULL
                 FROM devices
                 WHERE (token_hash = $1 OR previous_token_hash = $1) AND NOT revoked"
            ))
            .await?;
        let Some(row) = client.query_opt(&statement, &[&token_hash]).await? else {
            return Ok(None);
        };
        let device = device_of(&row)?;
        let (current, has_previous): (bool, bool) = (row.try_get(6)?, row.try_get(7)?);
        if current && has_previous {
            // The renewed token is in use: the one it replaced stops here.
            client
                .execute(
                    "UPDATE devices SET previous_token_hash = NULL WHERE id = $1",
                    &[&device.id],
                )
                .await?;
        }
        Ok(Some(device))
    }

    pub(super) async fn update_device_key(
        &self,
        device_id: i64,
        public_key: &str,
    ) -> Result<bool, HqError> {
        Ok(self
            .client()
            .await?
            .execute(
                "UPDATE devices SET public_key = $2 WHERE id = $1 AND NOT revoked",
                &[&device_id, &public_key],
            )
            .await?
            > 0)
    }

    pub(super) async fn renew_token(
        &self,
        device_id: i64,
        presented_hash: &str,
        new_hash: &str,
    ) -> Result<bool, HqError> {
        // Renewed with the current token: it becomes the previous one. Renewed with the previous
        // one (the last answer was lost): it stays previous, and the unused token is replaced.
        Ok(self
            .client()
            .await?
            .execute(
                "UPDATE devices SET
                     previous_token_hash = CASE WHEN token_hash = $2 THEN token_hash
                                                ELSE previous_token_hash END,
                     token_hash = $3
                 WHERE id = $1 AND NOT revoked AND (token_hash = $2 OR previous_token_hash = $2)",
                &[&device_id, &presented_hash, &new_hash],
            )
            .await?
            > 0)
    }

    pub(super) async fn revoke_till_devices(
        &self,
        store: &str,
        till_no: u16,
    ) -> Result<usize, HqError> {
        let revoked = self
            .client()
            .await?
            .execute(
                "UPDATE devices SET revoked = true WHERE store = $1 AND till_no = $2",
                &[&store, &i32::from(till_no)],
            )
            .await?;
        Ok(usize::try_from(revoked).unwrap_or(usize::MAX))
    }

    pub(super) async fn devices_of(&self, store: &str) -> Result<Vec<Device>, HqError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices WHERE store = $1 ORDER BY id"
            ))
            .await?;
        let rows = client.query(&statement, &[&store]).await?;
        rows.iter().map(device_of).collect()
    }

    pub(super) async fn insert_api_token(
        &self,
        token: &ApiToken,
        token_hash: &str,
    ) -> Result<(), HqError> {
        let added = self
            .client()
            .await?
            .execute(
                "INSERT INTO api_tokens (name, scope, token_hash, created_at, stores)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &token.name,
                    &token.scope.as_str(),
                    &token_hash,
                    &token.created_at,
                    &token.stores.join(","),
                ],
            )
            .await;
        match added {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(HqError::Conflict(format!(
                "a live token is named {:?}: revoke it first",
                token.name
            ))),
            Err(e) => Err(e.into()),
        }
    }

    pub(super) async fn all_api_tokens(&self) -> Result<Vec<ApiToken>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT name, scope, created_at, revoked_at, stores FROM api_tokens ORDER BY name, id",
                &[],
            )
            .await?;
        rows.iter().map(api_token_of).collect()
    }

    pub(super) async fn revoke_token_named(
        &self,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, HqError> {
        Ok(self
            .client()
            .await?
            .execute(
                "UPDATE api_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
                &[&name, &now],
            )
            .await?
            > 0)
    }

    pub(super) async fn live_api_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<ApiToken>, HqError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "SELECT name, scope, created_at, revoked_at, stores FROM api_tokens
                 WHERE token_hash = $1 AND revoked_at IS NULL",
            )
            .await?;
        let row = client.query_opt(&statement, &[&token_hash]).await?;
        row.as_ref().map(api_token_of).transpose()
    }

    pub(super) async fn insert_admin_log(&self, entry: &AdminLogEntry) -> Result<(), HqError> {
        self.client()
            .await?
            .execute(
                "INSERT INTO admin_log (at, actor, action, outcome) VALUES ($1, $2, $3, $4)",
                &[&entry.at, &entry.actor, &entry.action, &entry.outcome],
            )
            .await?;
        Ok(())
    }

    pub(super) async fn newest_admin_log(
        &self,
        limit: usize,
    ) -> Result<Vec<AdminLogEntry>, HqError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self
            .client()
            .await?
            .query(
                "SELECT at, actor, action, outcome FROM admin_log ORDER BY id DESC LIMIT $1",
                &[&limit],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AdminLogEntry {
                    at: r.try_get(0)?,
                    actor: r.try_get(1)?,
                    action: r.try_get(2)?,
                    outcome: r.try_get(3)?,
                })
            })
            .collect()
    }
}
