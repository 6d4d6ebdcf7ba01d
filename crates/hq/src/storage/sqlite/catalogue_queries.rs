//! The console's catalogue queries on SQLite: uploads waiting for confirmation, and search.

use super::queries::{instant, timestamp, Db};
use crate::error::HqError;
use crate::storage::{like_literal, PendingImport, PENDING_IMPORT_LIFETIME};
use chrono::{DateTime, Utc};
use kassa_domain::Product;
use rusqlite::{params, OptionalExtension};

impl Db {
    pub(in super::super) fn add_pending_import(
        &mut self,
        pending: &PendingImport,
    ) -> Result<(), HqError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM catalogue_imports WHERE created_at < ?1",
            [timestamp(pending.created_at - PENDING_IMPORT_LIFETIME)],
        )?;
        tx.execute(
            "INSERT INTO catalogue_imports (id, user_name, format, file, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                pending.id,
                pending.user_name,
                pending.format,
                pending.file,
                timestamp(pending.created_at)
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub(in super::super) fn pending_import(
        &self,
        id: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<PendingImport>, HqError> {
        let row: Option<(String, String, String, Vec<u8>, String)> = self
            .conn
            .prepare_cached(
                "SELECT id, user_name, format, file, created_at FROM catalogue_imports
                 WHERE id = ?1 AND created_at >= ?2",
            )?
            .query_row(params![id, timestamp(since)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        row.map(|(id, user_name, format, file, created_at)| {
            Ok(PendingImport {
                id,
                user_name,
                format,
                file,
                created_at: instant(&created_at)?,
            })
        })
        .transpose()
    }

    pub(in super::super) fn end_pending_import(&mut self, id: &str) -> Result<bool, HqError> {
        Ok(self
            .conn
            .execute("DELETE FROM catalogue_imports WHERE id = ?1", [id])?
            > 0)
    }

    pub(in super::super) fn search_catalogue(
        &self,
        text: &str,
        limit: usize,
    ) -> Result<Vec<Product>, HqError> {
        let pattern = like_literal(&text.to_lowercase());
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(
            "SELECT product FROM catalogue
             WHERE sku LIKE ?1 || '%' ESCAPE '\\'
                OR lower(json_extract(product, '$.name')) LIKE '%' || ?1 || '%' ESCAPE '\\'
             ORDER BY sku LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![pattern, limit], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter().map(|p| Ok(serde_json::from_str(p)?)).collect()
    }
}
