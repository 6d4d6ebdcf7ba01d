//! The console's catalogue queries on PostgreSQL: uploads waiting for confirmation, and search.

use super::PostgresStorage;
use crate::error::HqError;
use crate::storage::{like_literal, PendingImport, PENDING_IMPORT_LIFETIME};
use chrono::{DateTime, Utc};
use kassa_domain::Product;

impl PostgresStorage {
    pub(super) async fn insert_pending_import(
        &self,
        pending: &PendingImport,
    ) -> Result<(), HqError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "DELETE FROM catalogue_imports WHERE created_at < $1",
            &[&(pending.created_at - PENDING_IMPORT_LIFETIME)],
        )
        .await?;
        tx.execute(
            "INSERT INTO catalogue_imports (id, user_name, format, file, created_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &pending.id,
                &pending.user_name,
                &pending.format,
                &pending.file,
                &pending.created_at,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn select_pending_import(
        &self,
        id: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<PendingImport>, HqError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT id, user_name, format, file, created_at FROM catalogue_imports
                 WHERE id = $1 AND created_at >= $2",
                &[&id, &since],
            )
            .await?;
        row.map(|r| {
            Ok(PendingImport {
                id: r.try_get(0)?,
                user_name: r.try_get(1)?,
                format: r.try_get(2)?,
                file: r.try_get(3)?,
                created_at: r.try_get(4)?,
            })
        })
        .transpose()
    }

    pub(super) async fn delete_pending_import(&self, id: &str) -> Result<bool, HqError> {
        Ok(self
            .client()
            .await?
            .execute("DELETE FROM catalogue_imports WHERE id = $1", &[&id])
            .await?
            > 0)
    }

    pub(super) async fn catalogue_matching(
        &self,
        text: &str,
        limit: usize,
    ) -> Result<Vec<Product>, HqError> {
        let pattern = like_literal(&text.to_lowercase());
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self
            .client()
            .await?
            .query(
                "SELECT product FROM catalogue
                 WHERE sku LIKE $1 || '%'
                    OR lower((product::jsonb)->>'name') LIKE '%' || $1 || '%'
                 ORDER BY sku LIMIT $2",
                &[&pattern, &limit],
            )
            .await?;
        rows.iter()
            .map(|r| Ok(serde_json::from_str(&r.try_get::<_, String>(0)?)?))
            .collect()
    }
}
