//! The queries of the SQLite storage, on one connection (synchronous: the pool runs them on
//! blocking threads). Values are stored as JSON or text here; the trait above is typed.

use super::super::record_json::{record_from_json, record_json, records_from_json};
use super::super::{
    Device, DocumentWrite, Finding, FindingKind, Heads, IndexedRecord, NegativeStock, NewDevice,
    RecordConflict, StaffEntry, StockLevelsWrite, StoreKey, StoreRow, SyncWrite, TakenOrder,
};
use crate::api_tokens::{AdminLogEntry, ApiToken, Scope};
use crate::console_users::{ConsoleSession, ConsoleUser, StoredConsoleUser};
use crate::error::HqError;
use crate::storage::DailySales;
use chrono::{DateTime, NaiveDate, Utc};
use kassa_domain::{Product, Role, StaffMember};
use kassa_protocol::{StockAtStore, StoreInfo, TaxClassInfo};
use kassa_replica::ledger::{SaleRecord, VoidRecord};
use kassa_replica::registry::KINDS;
use kassa_replica::{DocId, RecordKind};
use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::collections::BTreeMap;
use std::path::Path;

pub(super) const MIGRATIONS: &[&str] = &[
    include_str!("../../../../../migrations/hq/0001_init.sql"),
    include_str!("../../../../../migrations/hq/0002_orders_returns_exceptions.sql"),
    include_str!("../../../../../migrations/hq/0003_external_id_nocase.sql"),
    include_str!("../../../../../migrations/hq/0004_staff.sql"),
    include_str!("../../../../../migrations/hq/0005_receipt_keys.sql"),
    include_str!("../../../../../migrations/hq/0006_one_live_device_per_till.sql"),
    include_str!("../../../../../migrations/hq/0007_api_tokens_and_admin_log.sql"),
    include_str!("../../../../../migrations/hq/0008_sync_findings.sql"),
    include_str!("../../../../../migrations/hq/0009_staff_stores.sql"),
    include_str!("../../../../../migrations/hq/0010_audit_anchors.sql"),
    include_str!("../../../../../migrations/hq/0011_device_token_renewal.sql"),
    include_str!("../../../../../migrations/hq/0012_device_keys.sql"),
    include_str!("../../../../../migrations/hq/0013_credit_keys.sql"),
    include_str!("../../../../../migrations/hq/0014_store_key_rotation.sql"),
    include_str!("../../../../../migrations/hq/0015_signed_heads.sql"),
    include_str!("../../../../../migrations/hq/0016_document_cursor.sql"),
    include_str!("../../../../../migrations/hq/0017_document_chunks.sql"),
    include_str!("../../../../../migrations/hq/0018_console_users.sql"),
    include_str!("../../../../../migrations/hq/0019_console_sessions.sql"),
    include_str!("../../../../../migrations/hq/0020_daily_sales.sql"),
    include_str!("../../../../../migrations/hq/0021_api_token_stores.sql"),
    include_str!("../../../../../migrations/hq/0022_catalogue_imports.sql"),
    include_str!("../../../../../migrations/hq/0023_daily_figures.sql"),
    include_str!("../../../../../migrations/hq/0024_till_contacts.sql"),
    include_str!("../../../../../migrations/hq/0025_web_daily_sales.sql"),
    include_str!("../../../../../migrations/hq/0026_exception_inputs.sql"),
    include_str!("../../../../../migrations/hq/0027_transfers.sql"),
];
/// `PRAGMA application_id` of a Kassa head office database: "KSHQ".
pub(super) const APPLICATION_ID: i64 = 0x4B53_4851;

/// An API token's row: name, scope, made, revoked, stores.
type ApiTokenRow = (String, String, String, Option<String>, String);

/// A finding with its held changes, if any.
type FindingRow = (Finding, Option<Vec<u8>>);

/// One connection and the queries on it.
pub(super) struct Db {
    pub(super) conn: Connection,
}

/// Adds figures to their days' rows (one statement each, inside the caller's transaction).
fn add_figures(
    tx: &rusqlite::Transaction<'_>,
    figures: &[crate::daily_figures::DailyFigure],
) -> Result<(), HqError> {
    let mut statement = tx.prepare_cached(
        "INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (store, business_day, measure, key) DO UPDATE SET
             count = count + excluded.count, amount = amount + excluded.amount",
    )?;
    for f in figures {
        statement.execute(params![
            f.store,
            f.business_day,
            f.measure.as_str(),
            f.key,
            f.count,
            f.amount
        ])?;
    }
    Ok(())
}

/// How times are stored: RFC 3339 UTC with milliseconds, so text order is time order.
pub(super) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(super) fn instant(text: &str) -> Result<DateTime<Utc>, HqError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| HqError::Corrupt(format!("stored time {text:?}: {e}")))
}

fn doc_id(text: &str) -> Result<DocId, HqError> {
    DocId::parse(text).map_err(|e| HqError::Corrupt(format!("stored document id: {e}")))
}

/// The sync peer name of a device (what older databases hold too).
fn peer(device_id: i64) -> String {
    format!("device-{device_id}")
}

/// Room for every statement a sync round runs (rusqlite keeps 16 unless told): with fewer, the
/// round's twenty-odd statements pushed each other out and each was parsed again every round.
fn keep_statements(conn: &Connection) {
    conn.set_prepared_statement_cache_capacity(256);
}

impl Db {
    /// Opens a connection on an existing head office database (made by [`Db::prepare`]).
    pub(super) fn connect(conn: Connection) -> Result<Db, HqError> {
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        keep_statements(&conn);
        Ok(Db { conn })
    }

    /// Checks that `conn` is a head office database (or empty) and brings its schema up to
    /// date.
    pub(super) fn prepare(mut conn: Connection, name: &str) -> Result<Db, HqError> {
        let not_ours =
            || HqError::BadRequest(format!("{name} is not a Kassa head office database"));
        let id: i64 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(|_| not_ours())?;
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .map_err(|_| not_ours())?;
        if id != APPLICATION_ID && (id != 0 || tables > 0) {
            return Err(not_ours());
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        keep_statements(&conn);
        if id == 0 {
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let supported = MIGRATIONS.len() as i64;
        if found > supported {
            return Err(HqError::Conflict(format!(
                "database schema {found} is newer than this program supports ({supported})"
            )));
        }
        if found == supported {
            return Ok(Db { conn });
        }
        register_upgrade_functions(&conn)?;
        // An upgrade may rewrite secrets out of rows (0013: store credit codes): the space they
        // leave is zeroed, and the write-ahead log that held the old pages is emptied after.
        conn.pragma_update(None, "secure_delete", true)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (i, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(usize::try_from(found).unwrap_or(0))
        {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
        }
        tx.commit()?;
        conn.pragma_update(None, "secure_delete", false)?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(Db { conn })
    }
}

/// A function an upgrade's SQL calls to rewrite stored records in Rust's terms: store credit
/// codes into their keys (0013).
fn register_upgrade_functions(conn: &Connection) -> Result<(), HqError> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("kassa_hide_secrets", 1, flags, |ctx| {
        Ok(ctx
            .get::<Option<String>>(0)?
            .map(|json| kassa_replica::hide_secrets_in_record_json(&json)))
    })?;
    Ok(())
}

fn staff_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(StaffMember, i64)> {
    let role: String = r.get(2)?;
    Ok((
        StaffMember {
            id: r.get(0)?,
            name: r.get(1)?,
            role: Role::parse(&role).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, e.into())
            })?,
            pin_hash: r.get(3)?,
            active: r.get(4)?,
        },
        r.get(5)?,
    ))
}

/// A store as stored: its row with times and tax classes still as text.
type StoredStore = (StoreRow, String, String, Option<String>);

fn store_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredStore> {
    Ok((
        StoreRow {
            info: StoreInfo {
                code: r.get(0)?,
                name: r.get(1)?,
                currency: r.get(2)?,
                tax_mode: r.get(3)?,
                cash_increment: r.get(4)?,
                tax_classes: Vec::new(),
            },
            stock_epoch: r.get(6)?,
            epoch_opened_at: DateTime::UNIX_EPOCH,
            last_sync_at: None,
        },
        r.get(5)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

const STORE_COLUMNS: &str =
    "code, name, currency, tax_mode, cash_increment, tax_classes, stock_epoch, epoch_opened_at, last_sync_at";

fn finish_store((mut row, classes, opened, synced): StoredStore) -> Result<StoreRow, HqError> {
    row.info.tax_classes = serde_json::from_str::<Vec<TaxClassInfo>>(&classes)?;
    row.epoch_opened_at = instant(&opened)?;
    row.last_sync_at = synced.as_deref().map(instant).transpose()?;
    Ok(row)
}

impl Db {
    pub(super) fn ping(&mut self) -> Result<(), HqError> {
        self.conn.query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }

    pub(super) fn create_store(
        &mut self,
        store: &StoreInfo,
        now: DateTime<Utc>,
    ) -> Result<(), HqError> {
        let exists: Option<i64> = self
            .conn
            .query_row("SELECT 1 FROM stores WHERE code = ?1", [&store.code], |r| {
                r.get(0)
            })
            .optional()?;
        if exists.is_some() {
            return Err(HqError::Conflict(format!(
                "store {} exists already",
                store.code
            )));
        }
        self.conn.execute(
            "INSERT INTO stores (code, name, currency, tax_mode, cash_increment, tax_classes, epoch_opened_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![
                store.code,
                store.name,
                store.currency,
                store.tax_mode,
                store.cash_increment,
                serde_json::to_string(&store.tax_classes)?,
                timestamp(now)
            ],
        )?;
        Ok(())
    }

    pub(super) fn store(&self, code: &str) -> Result<Option<StoreRow>, HqError> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT {STORE_COLUMNS} FROM stores WHERE code = ?1"),
                [code],
                store_row,
            )
            .optional()?;
        row.map(finish_store).transpose()
    }

    pub(super) fn stores(&self) -> Result<Vec<StoreRow>, HqError> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {STORE_COLUMNS} FROM stores ORDER BY code"))?;
        let rows = stmt
            .query_map([], store_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(finish_store).collect()
    }

    pub(super) fn add_enroll_code(
        &mut self,
        code_hash: &str,
        store: &str,
        till_no: u16,
        now: DateTime<Utc>,
    ) -> Result<(), HqError> {
        self.conn.execute(
            "INSERT INTO enroll_codes (code_hash, store, till_no, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![code_hash, store, till_no, timestamp(now)],
        )?;
        Ok(())
    }

    pub(super) fn enroll_device(
        &mut self,
        new: &NewDevice,
    ) -> Result<Option<(String, u16)>, HqError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: Option<(String, u16, String)> = tx
            .query_row(
                "SELECT store, till_no, created_at FROM enroll_codes WHERE code_hash = ?1",
                [&new.code_hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((store, till_no, created_at)) = found else {
            return Ok(None);
        };
        if instant(&created_at)? < new.oldest {
            // Expired: gone for good, like a used one.
            tx.execute(
                "DELETE FROM enroll_codes WHERE code_hash = ?1",
                [&new.code_hash],
            )?;
            tx.commit()?;
            return Ok(None);
        }
        let taken_elsewhere: Option<(String, u16)> = tx
            .query_row(
                "SELECT store, till_no FROM devices WHERE actor_id = ?1 AND NOT (store = ?2 AND till_no = ?3)",
                params![new.actor_id, store, till_no],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((other_store, other_till)) = taken_elsewhere {
            return Err(HqError::BadRequest(format!(
                "this till's replica id is already enrolled as till {other_till} of {other_store}: \
                 a till database is enrolled as one till only"
            )));
        }
        tx.execute(
            "DELETE FROM enroll_codes WHERE code_hash = ?1",
            [&new.code_hash],
        )?;
        // One live device per till number: enrolling again replaces (revokes) the old one.
        tx.execute(
            "UPDATE devices SET revoked = 1 WHERE store = ?1 AND till_no = ?2 AND revoked = 0",
            params![store, till_no],
        )?;
        tx.execute(
            "INSERT INTO devices (token_hash, store, till_no, actor_id, enrolled_at, public_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                new.token_hash,
                store,
                till_no,
                new.actor_id,
                timestamp(new.now),
                new.public_key
            ],
        )?;
        tx.commit()?;
        Ok(Some((store, till_no)))
    }

    pub(super) fn rotate_device_token(
        &mut self,
        store: &str,
        till_no: u16,
        token_hash: &str,
    ) -> Result<bool, HqError> {
        Ok(self.conn.execute(
            "UPDATE devices SET token_hash = ?3, previous_token_hash = NULL
             WHERE store = ?1 AND till_no = ?2 AND revoked = 0",
            params![store, till_no, token_hash],
        )? > 0)
    }

    pub(super) fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, HqError> {
        let found: Option<(Device, bool, bool)> = self
            .conn
            .query_row(
                "SELECT id, store, till_no, actor_id, token_hash = ?1, previous_token_hash IS NOT NULL,
                        public_key
                 FROM devices
                 WHERE (token_hash = ?1 OR previous_token_hash = ?1) AND revoked = 0",
                [token_hash],
                |r| {
                    Ok((
                        Device { id: r.get(0)?, store: r.get(1)?, till_no: r.get(2)?, actor_id: r.get(3)?, revoked: false, public_key: r.get(6)? },
                        r.get(4)?,
                        r.get(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((device, current, has_previous)) = found else {
            return Ok(None);
        };
        if current && has_previous {
            // The renewed token is in use: the one it replaced stops here.
            self.conn
                .prepare_cached("UPDATE devices SET previous_token_hash = NULL WHERE id = ?1")?
                .execute([device.id])?;
        }
        Ok(Some(device))
    }

    pub(super) fn set_device_key(
        &mut self,
        device_id: i64,
        public_key: &str,
    ) -> Result<bool, HqError> {
        Ok(self.conn.execute(
            "UPDATE devices SET public_key = ?2 WHERE id = ?1 AND revoked = 0",
            params![device_id, public_key],
        )? > 0)
    }

    pub(super) fn renew_device_token(
        &mut self,
        device_id: i64,
        presented_hash: &str,
        new_hash: &str,
    ) -> Result<bool, HqError> {
        // Renewed with the current token: it becomes the previous one. Renewed with the previous
        // one (the last answer was lost): it stays previous, and the unused token is replaced.
        Ok(self.conn.execute(
            "UPDATE devices SET
                 previous_token_hash = CASE WHEN token_hash = ?2 THEN token_hash ELSE previous_token_hash END,
                 token_hash = ?3
             WHERE id = ?1 AND revoked = 0 AND (token_hash = ?2 OR previous_token_hash = ?2)",
            params![device_id, presented_hash, new_hash],
        )? > 0)
    }

    pub(super) fn add_api_token(
        &mut self,
        token: &ApiToken,
        token_hash: &str,
    ) -> Result<(), HqError> {
        let added = self.conn.execute(
            "INSERT INTO api_tokens (name, scope, token_hash, created_at, stores)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                token.name,
                token.scope.as_str(),
                token_hash,
                timestamp(token.created_at),
                token.stores.join(",")
            ],
        );
        match added {
            Ok(_) => Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(HqError::Conflict(format!(
                    "a live token is named {:?}: revoke it first",
                    token.name
                )))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn api_token_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApiTokenRow> {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    }

    fn api_token_of(
        (name, scope, created_at, revoked_at, stores): ApiTokenRow,
    ) -> Result<ApiToken, HqError> {
        Ok(ApiToken {
            name,
            scope: Scope::parse(&scope)
                .map_err(|_| HqError::Corrupt(format!("stored token scope {scope:?}")))?,
            created_at: instant(&created_at)?,
            revoked_at: revoked_at.as_deref().map(instant).transpose()?,
            stores: crate::api_tokens::stored_stores(&stores),
        })
    }

    pub(super) fn api_tokens(&self) -> Result<Vec<ApiToken>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, scope, created_at, revoked_at, stores FROM api_tokens ORDER BY name, id",
        )?;
        let rows = stmt
            .query_map([], Self::api_token_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(Self::api_token_of).collect()
    }

    pub(super) fn revoke_api_token(
        &mut self,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, HqError> {
        Ok(self.conn.execute(
            "UPDATE api_tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
            params![name, timestamp(now)],
        )? > 0)
    }

    pub(super) fn api_token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>, HqError> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT name, scope, created_at, revoked_at, stores FROM api_tokens \
                 WHERE token_hash = ?1 AND revoked_at IS NULL",
            )?
            .query_row([token_hash], Self::api_token_row)
            .optional()?;
        row.map(Self::api_token_of).transpose()
    }

    pub(super) fn append_admin_log(&mut self, entry: &AdminLogEntry) -> Result<(), HqError> {
        self.conn.execute(
            "INSERT INTO admin_log (at, actor, action, outcome) VALUES (?1, ?2, ?3, ?4)",
            params![
                timestamp(entry.at),
                entry.actor,
                entry.action,
                entry.outcome
            ],
        )?;
        Ok(())
    }

    pub(super) fn admin_log(&self, limit: usize) -> Result<Vec<AdminLogEntry>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, actor, action, outcome FROM admin_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(at, actor, action, outcome)| {
                Ok(AdminLogEntry {
                    at: instant(&at)?,
                    actor,
                    action,
                    outcome,
                })
            })
            .collect()
    }

    /// SHA-256 over every table's name and rows; rows are hashed one by one and sorted, so the
    /// digest does not depend on the order SQLite returns them in.
    pub(super) fn content_digest(&self) -> Result<String, HqError> {
        use sha2::{Digest, Sha256};
        let tables: Vec<String> = self
            .conn
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut all = Sha256::new();
        for table in tables {
            let mut stmt = self.conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
            let columns = stmt.column_count();
            let mut rows: Vec<[u8; 32]> = stmt
                .query_map([], |r| {
                    let mut row = Sha256::new();
                    for i in 0..columns {
                        match r.get_ref(i)? {
                            rusqlite::types::ValueRef::Null => row.update([0]),
                            rusqlite::types::ValueRef::Integer(v) => {
                                row.update([1]);
                                row.update(v.to_le_bytes());
                            }
                            rusqlite::types::ValueRef::Real(v) => {
                                row.update([2]);
                                row.update(v.to_bits().to_le_bytes());
                            }
                            rusqlite::types::ValueRef::Text(v)
                            | rusqlite::types::ValueRef::Blob(v) => {
                                row.update([3]);
                                row.update((v.len() as u64).to_le_bytes());
                                row.update(v);
                            }
                        }
                    }
                    Ok(row.finalize().into())
                })?
                .collect::<Result<_, _>>()?;
            rows.sort_unstable();
            all.update(table.as_bytes());
            all.update((rows.len() as u64).to_le_bytes());
            for row in rows {
                all.update(row);
            }
        }
        Ok(hex::encode(all.finalize()))
    }

    fn finding_of(
        r: &rusqlite::Row<'_>,
    ) -> rusqlite::Result<(Finding, Option<Vec<u8>>, String, String)> {
        let kind: String = r.get(1)?;
        let changes: Option<Vec<u8>> = r.get(7)?;
        Ok((
            Finding {
                id: r.get(0)?,
                kind: FindingKind::parse(&kind).unwrap_or(FindingKind::HeldChange),
                store: r.get(2)?,
                device_id: r.get(3)?,
                doc_id: r.get(4)?,
                subject: r.get(5)?,
                detail: r.get(6)?,
                held_bytes: changes.as_ref().map_or(0, Vec::len),
                first_at: DateTime::<Utc>::MIN_UTC,
                last_at: DateTime::<Utc>::MIN_UTC,
                decision: r.get(10)?,
                decided_by: r.get(11)?,
            },
            changes,
            r.get(8)?,
            r.get(9)?,
        ))
    }

    const FINDING_COLUMNS: &'static str = "id, kind, store, device_id, doc_id, subject, detail, changes, first_at, last_at, decision, decided_by";

    fn finding_rows(&self, filter: &str, param: Option<i64>) -> Result<Vec<FindingRow>, HqError> {
        let sql = format!(
            "SELECT {} FROM sync_findings {filter} ORDER BY last_at DESC, id DESC",
            Self::FINDING_COLUMNS
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = match param {
            Some(p) => stmt
                .query_map([p], Self::finding_of)?
                .collect::<Result<Vec<_>, _>>()?,
            None => stmt
                .query_map([], Self::finding_of)?
                .collect::<Result<Vec<_>, _>>()?,
        };
        rows.into_iter()
            .map(|(mut finding, changes, first, last)| {
                finding.first_at = instant(&first)?;
                finding.last_at = instant(&last)?;
                Ok((finding, changes))
            })
            .collect()
    }

    pub(super) fn signed_heads(
        &self,
        store: &str,
    ) -> Result<Vec<(u16, kassa_protocol::SignedHeads)>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.till_no, s.doc_id, s.heads, s.signature
             FROM signed_heads s JOIN devices d ON d.id = s.device_id
             WHERE d.store = ?1 ORDER BY d.till_no, s.doc_id",
        )?;
        let rows = stmt
            .query_map([store], |r| {
                Ok((
                    r.get::<_, u16>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(till_no, doc_id, heads, signature)| {
                Ok((
                    till_no,
                    kassa_protocol::SignedHeads {
                        doc_id,
                        heads: serde_json::from_str(&heads)?,
                        signature,
                    },
                ))
            })
            .collect()
    }

    pub(super) fn latest_audit_anchor(
        &self,
        device_id: i64,
    ) -> Result<Option<(i64, String)>, HqError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT seq, hash FROM audit_anchors WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1",
            )?
            .query_row([device_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    pub(super) fn audit_anchor_at(
        &self,
        device_id: i64,
        seq: i64,
    ) -> Result<Option<String>, HqError> {
        Ok(self
            .conn
            .prepare_cached("SELECT hash FROM audit_anchors WHERE device_id = ?1 AND seq = ?2")?
            .query_row([device_id, seq], |r| r.get(0))
            .optional()?)
    }

    pub(super) fn findings(&self) -> Result<Vec<Finding>, HqError> {
        Ok(self
            .finding_rows("", None)?
            .into_iter()
            .map(|(f, _)| f)
            .collect())
    }

    pub(super) fn finding_changes(&self, id: i64) -> Result<Option<(Finding, Vec<u8>)>, HqError> {
        Ok(self
            .finding_rows("WHERE id = ?1", Some(id))?
            .into_iter()
            .next()
            .map(|(f, changes)| (f, changes.unwrap_or_default())))
    }

    pub(super) fn decide_finding(
        &mut self,
        id: i64,
        decision: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, HqError> {
        Ok(self.conn.execute(
            "UPDATE sync_findings SET decision = ?2, decided_by = ?3, decided_at = ?4
             WHERE id = ?1 AND decision IS NULL",
            params![id, decision, by, timestamp(now)],
        )? > 0)
    }

    pub(super) fn revoke_devices(&mut self, store: &str, till_no: u16) -> Result<usize, HqError> {
        Ok(self.conn.execute(
            "UPDATE devices SET revoked = 1 WHERE store = ?1 AND till_no = ?2",
            params![store, till_no],
        )?)
    }

    pub(super) fn store_devices(&self, store: &str) -> Result<Vec<Device>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, store, till_no, actor_id, revoked, public_key FROM devices
             WHERE store = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([store], |r| {
                Ok(Device {
                    id: r.get(0)?,
                    store: r.get(1)?,
                    till_no: r.get(2)?,
                    actor_id: r.get(3)?,
                    revoked: r.get(4)?,
                    public_key: r.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The document's chunks, concatenated in order (what Automerge loads in one go).
    pub(super) fn load_document(&self, doc_id: &DocId) -> Result<Option<Vec<u8>>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT bytes FROM document_chunks WHERE doc_id = ?1 ORDER BY chunk_no",
        )?;
        let mut rows = stmt.query([doc_id.to_string()])?;
        let mut whole: Option<Vec<u8>> = None;
        while let Some(row) = rows.next()? {
            let chunk = row
                .get_ref(0)?
                .as_blob()
                .map_err(|e| HqError::Corrupt(format!("a chunk of {doc_id}: {e}")))?;
            whole.get_or_insert_with(Vec::new).extend_from_slice(chunk);
        }
        Ok(whole)
    }

    pub(super) fn documents_to_compact(
        &self,
        min_chunks: usize,
        limit: usize,
    ) -> Result<Vec<DocId>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT doc_id FROM documents WHERE chunks >= ?1 ORDER BY chunks DESC, doc_id LIMIT ?2",
        )?;
        let ids = stmt
            .query_map(
                params![
                    i64::try_from(min_chunks).unwrap_or(i64::MAX),
                    i64::try_from(limit).unwrap_or(i64::MAX)
                ],
                |r| r.get::<_, String>(0),
            )?
            .collect::<Result<Vec<_>, _>>()?;
        ids.iter().map(|id| doc_id(id)).collect()
    }

    pub(super) fn compact_document(
        &mut self,
        id: &DocId,
        heads: &Heads,
        whole: &[u8],
    ) -> Result<bool, HqError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let key = id.to_string();
        let stored: Option<String> = tx
            .query_row(
                "SELECT heads FROM documents WHERE doc_id = ?1",
                [&key],
                |r| r.get(0),
            )
            .optional()?;
        if stored
            .map(|h| serde_json::from_str::<Heads>(&h))
            .transpose()?
            != Some(heads.clone())
        {
            return Ok(false);
        }
        tx.execute("DELETE FROM document_chunks WHERE doc_id = ?1", [&key])?;
        tx.execute(
            "INSERT INTO document_chunks (doc_id, chunk_no, bytes) VALUES (?1, 0, ?2)",
            params![key, whole],
        )?;
        tx.execute("UPDATE documents SET chunks = 1 WHERE doc_id = ?1", [&key])?;
        tx.commit()?;
        Ok(true)
    }

    pub(super) fn stored_heads(&self, doc_id: &DocId) -> Result<Option<Heads>, HqError> {
        let heads: Option<String> = self
            .conn
            .prepare_cached("SELECT heads FROM documents WHERE doc_id = ?1")?
            .query_row([doc_id.to_string()], |r| r.get(0))
            .optional()?;
        heads
            .map(|h| serde_json::from_str(&h).map_err(HqError::from))
            .transpose()
    }

    pub(super) fn document_heads(&self, store: &str) -> Result<Vec<(DocId, Heads)>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT doc_id, heads FROM documents WHERE store = ?1 ORDER BY doc_id",
        )?;
        let rows = stmt
            .query_map([store], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, heads)| Ok((doc_id(&id)?, serde_json::from_str(&heads)?)))
            .collect()
    }

    pub(super) fn documents_changed_since(
        &mut self,
        store: &str,
        since: Option<i64>,
    ) -> Result<(i64, Vec<(DocId, Heads)>), HqError> {
        // One read transaction: the cursor and the documents up to it are one snapshot.
        let tx = self.conn.transaction()?;
        let cursor: i64 = tx
            .prepare_cached("SELECT doc_seq FROM stores WHERE code = ?1")?
            .query_row([store], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let since = since.filter(|s| (0..=cursor).contains(s)).unwrap_or(-1);
        let rows = {
            let mut stmt = tx.prepare_cached(
                "SELECT doc_id, heads FROM documents WHERE store = ?1 AND seq > ?2 ORDER BY doc_id",
            )?;
            let rows = stmt
                .query_map(params![store, since], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows
        };
        tx.commit()?;
        let docs = rows
            .into_iter()
            .map(|(id, heads)| Ok((doc_id(&id)?, serde_json::from_str(&heads)?)))
            .collect::<Result<Vec<_>, HqError>>()?;
        Ok((cursor, docs))
    }

    pub(super) fn load_sync_state(
        &self,
        doc_id: &DocId,
        device_id: i64,
    ) -> Result<Option<Vec<u8>>, HqError> {
        Ok(self
            .conn
            .prepare_cached("SELECT state FROM sync_states WHERE doc_id = ?1 AND peer = ?2")?
            .query_row(params![doc_id.to_string(), peer(device_id)], |r| r.get(0))
            .optional()?)
    }

    pub(super) fn apply_sync(&mut self, write: SyncWrite) -> Result<(), HqError> {
        let now = timestamp(write.now);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // The store's cursor moves once for every write of documents.
        let seq: i64 = if write.documents.is_empty() {
            0
        } else {
            tx.prepare_cached(
                "UPDATE stores SET doc_seq = doc_seq + 1 WHERE code = ?1 RETURNING doc_seq",
            )?
            .query_row([&write.store], |r| r.get(0))
            .optional()?
            .unwrap_or(0)
        };
        for document in &write.documents {
            let id = document.doc_id.to_string();
            let stored: Option<String> = tx
                .prepare_cached("SELECT heads FROM documents WHERE doc_id = ?1")?
                .query_row([&id], |r| r.get(0))
                .optional()?;
            let stored: Option<Heads> = stored.map(|h| serde_json::from_str(&h)).transpose()?;
            if stored != document.expected_heads {
                return Err(HqError::StaleDocument(id));
            }
            let DocumentWrite { chunk, heads, .. } = document;
            // The chunk goes after the ones stored (a new document's is its first).
            tx.prepare_cached(
                "INSERT INTO documents (doc_id, store, heads, updated_at, seq, chunks)
                 VALUES (?1, ?2, ?3, ?4, ?5, 1)
                 ON CONFLICT (doc_id) DO UPDATE SET heads = excluded.heads,
                     updated_at = excluded.updated_at, seq = excluded.seq,
                     chunks = documents.chunks + 1",
            )?
            .execute(params![
                id,
                write.store,
                serde_json::to_string(heads)?,
                now,
                seq
            ])?;
            let next_no: i64 = tx
                .prepare_cached(
                    "SELECT coalesce(max(chunk_no) + 1, 0) FROM document_chunks WHERE doc_id = ?1",
                )?
                .query_row([&id], |r| r.get(0))?;
            tx.prepare_cached(
                "INSERT INTO document_chunks (doc_id, chunk_no, bytes) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![id, next_no, chunk])?;
        }
        for state in &write.states {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO sync_states (doc_id, peer, state) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![
                state.doc_id.to_string(),
                peer(state.device_id),
                state.state
            ])?;
        }
        for filed in &write.sales {
            let sale = &filed.record;
            let filed_now = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO sales (id, store, till_no, business_day, receipt_no, amount_due, record)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    sale.id,
                    filed.store,
                    filed.till_no,
                    sale.business_day,
                    sale.receipt_no,
                    sale.amount_due.minor(),
                    serde_json::to_string(sale)?
                ])?;
            // Only a sale filed for the first time adds to its day (a sale synced again is not).
            if filed_now == 1 {
                tx.prepare_cached(
                    "INSERT INTO daily_sales (store, business_day, channel, sales, total)
                     VALUES (?1, ?2, 'till', 1, ?3)
                     ON CONFLICT (store, business_day, channel) DO UPDATE SET
                         sales = sales + 1, total = total + excluded.total",
                )?
                .execute(params![
                    filed.store,
                    sale.business_day,
                    sale.total.minor()
                ])?;
                add_figures(&tx, &crate::daily_figures::of_sale(&filed.store, sale))?;
                if sale
                    .tenders
                    .iter()
                    .any(|t| t.kind == kassa_domain::TenderKind::Credit)
                {
                    tx.prepare_cached("INSERT OR IGNORE INTO credit_sales (sale_id) VALUES (?1)")?
                        .execute([&sale.id])?;
                }
            }
        }
        for finding in &write.findings {
            tx.prepare_cached(
                "INSERT INTO sync_findings (kind, store, device_id, doc_id, subject, detail, changes, first_at, last_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
                 ON CONFLICT (kind, doc_id, subject) DO UPDATE SET
                     last_at = excluded.last_at, detail = excluded.detail,
                     changes = coalesce(excluded.changes, sync_findings.changes)",
            )?
            .execute(params![
                finding.kind.as_str(),
                write.store,
                finding.device_id,
                finding.doc_id.to_string(),
                finding.subject,
                finding.detail,
                finding.changes,
                now
            ])?;
        }
        for (device_id, signed) in &write.signed_heads {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO signed_heads (device_id, doc_id, heads, signature, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                device_id,
                signed.doc_id,
                serde_json::to_string(&signed.heads)?,
                signed.signature,
                now
            ])?;
        }
        if let Some(anchor) = &write.audit_anchor {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO audit_anchors (device_id, seq, till, hash, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![anchor.device_id, anchor.seq, anchor.till, anchor.hash, now])?;
        }
        for void in &write.voids {
            let filed_now = tx.prepare_cached(
                "INSERT OR IGNORE INTO voids (id, store, sale_id, business_day, record) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![void.id, write.store, void.sale_id, void.business_day, serde_json::to_string(void)?])?;
            if filed_now == 1 {
                let sale_total: i64 = tx
                    .prepare_cached(
                        "SELECT coalesce((SELECT json_extract(record, '$.total') FROM sales WHERE id = ?1), 0)",
                    )?
                    .query_row([&void.sale_id], |r| r.get(0))?;
                let figures =
                    crate::daily_figures::of_void(&write.store, &void.business_day, sale_total);
                add_figures(&tx, &figures)?;
            }
        }
        for stored in &write.records {
            let filed_now = tx.prepare_cached(
                "INSERT OR IGNORE INTO records (id, kind, store, subject, record) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                stored.record.id(),
                stored.record.kind().as_str(),
                stored.store,
                stored.subject,
                record_json(&stored.record)?
            ])?;
            if filed_now == 1 {
                add_figures(&tx, &super::super::figures_of_record(stored))?;
                if let Some((store, day, total)) = super::super::web_sale_of_record(stored) {
                    tx.prepare_cached(
                        "INSERT INTO daily_sales (store, business_day, channel, sales, total)
                         VALUES (?1, ?2, 'web', 1, ?3)
                         ON CONFLICT (store, business_day, channel) DO UPDATE SET
                             sales = sales + 1, total = total + excluded.total",
                    )?
                    .execute(params![store, day, total])?;
                }
            }
        }
        for conflict in &write.conflicts {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO record_conflicts (doc_id, map, record_id) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![
                conflict.doc_id.to_string(),
                conflict.kind.map_name(),
                conflict.record_id
            ])?;
        }
        if let Some(intake) = &write.intake {
            let taken = tx.execute(
                "INSERT INTO order_intake (external_id, order_id, store, pickup_code, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![intake.external_id, intake.order_id, write.store, intake.pickup_code, now],
            );
            match taken {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    return Err(super::super::order_taken(&intake.external_id))
                }
                other => other?,
            };
        }
        let levels = match &write.stock_levels {
            Some(StockLevelsWrite::All(levels)) => {
                tx.execute("DELETE FROM stock_levels WHERE store = ?1", [&write.store])?;
                Some(levels)
            }
            Some(StockLevelsWrite::Changed(levels)) => Some(levels),
            None => None,
        };
        for (sku, on_hand) in levels.into_iter().flatten() {
            tx.prepare_cached(
                "INSERT INTO stock_levels (store, sku, on_hand) VALUES (?1, ?2, ?3)
                 ON CONFLICT (store, sku) DO UPDATE SET on_hand = excluded.on_hand",
            )?
            .execute(params![write.store, sku, on_hand])?;
        }
        for included in &write.included {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO epoch_included (store, epoch, writer, sku, qty) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                write.store,
                included.epoch,
                included.writer,
                included.sku,
                included.quantity
            ])?;
        }
        if let Some(epoch) = write.new_epoch {
            tx.execute(
                "UPDATE stores SET stock_epoch = ?2, epoch_opened_at = ?3 WHERE code = ?1",
                params![write.store, epoch, now],
            )?;
        }
        if write.from_store {
            // "As of" for the store's figures: when head office last heard from one of its tills.
            tx.prepare_cached("UPDATE stores SET last_sync_at = ?2 WHERE code = ?1")?
                .execute(params![write.store, now])?;
        }
        match &write.transfer {
            Some(super::super::TransferWrite::Sent(t)) => {
                tx.execute(
                    "INSERT INTO transfers (id, from_store, to_store, sku, sent, note, sent_at, sent_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![t.id, t.from_store, t.to_store, t.sku, t.sent, t.note, timestamp(t.sent_at), t.sent_by],
                )?;
            }
            Some(super::super::TransferWrite::Received {
                id,
                received,
                at,
                by,
            }) => {
                let landed = tx.execute(
                    "UPDATE transfers SET received = ?2, received_at = ?3, received_by = ?4
                     WHERE id = ?1 AND received IS NULL",
                    params![id, received, timestamp(*at), by],
                )?;
                if landed != 1 {
                    return Err(HqError::Conflict(format!(
                        "transfer {id} was received already"
                    )));
                }
            }
            None => {}
        }
        if let Some(contact) = &write.contact {
            let report = contact.report.as_ref();
            tx.prepare_cached(
                "INSERT INTO till_contacts (device_id, store, till_no, last_seen_at, app_version,
                                            pending_sales, pending_amount, pending_other)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (device_id) DO UPDATE SET
                     last_seen_at = excluded.last_seen_at, app_version = excluded.app_version,
                     pending_sales = excluded.pending_sales,
                     pending_amount = excluded.pending_amount,
                     pending_other = excluded.pending_other",
            )?
            .execute(params![
                contact.device_id,
                write.store,
                contact.till_no,
                now,
                report.map(|r| r.version.as_str()),
                report.map(|r| r.pending_sales),
                report.map(|r| r.pending_amount),
                report.map(|r| r.pending_other)
            ])?;
        }
        tx.commit()?;
        Ok(())
    }

    pub(super) fn put_catalogue(&mut self, products: &[Product]) -> Result<i64, HqError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row(
            "UPDATE catalogue_version SET version = version + 1 RETURNING version",
            [],
            |r| r.get(0),
        )?;
        for product in products {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO catalogue (sku, product, version) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![
                product.sku,
                serde_json::to_string(product)?,
                version
            ])?;
        }
        tx.commit()?;
        Ok(version)
    }

    pub(super) fn catalogue_since(&self, since: i64) -> Result<(i64, Vec<Product>), HqError> {
        let version: i64 = self
            .conn
            .prepare_cached("SELECT version FROM catalogue_version")?
            .query_row([], |r| r.get(0))?;
        if since >= version {
            return Ok((version, Vec::new()));
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT product FROM catalogue WHERE version > ?1 ORDER BY sku")?;
        let rows = stmt
            .query_map([since], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let products = rows
            .iter()
            .map(|p| serde_json::from_str(p))
            .collect::<Result<Vec<Product>, _>>()?;
        Ok((version, products))
    }

    pub(super) fn receipt_key(&mut self, store: &str, new_key: &str) -> Result<String, HqError> {
        self.conn.execute(
            "UPDATE stores SET receipt_key = coalesce(receipt_key, ?2) WHERE code = ?1",
            params![store, new_key],
        )?;
        self.conn
            .query_row(
                "SELECT receipt_key FROM stores WHERE code = ?1",
                [store],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten()
            .ok_or_else(|| HqError::NotFound(format!("no store {store:?}")))
    }

    pub(super) fn receipt_keys(&self) -> Result<Vec<StoreKey>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT code, receipt_key FROM stores WHERE receipt_key IS NOT NULL ORDER BY code",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(StoreKey {
                    store: r.get(0)?,
                    secret: r.get(1)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Makes `new_key` the store's receipt key; the key it replaces keeps its public half,
    /// trusted or not. `distrust_old` also stops trusting every key the store had before.
    pub(super) fn rotate_receipt_key(
        &mut self,
        store: &str,
        new_key: &str,
        distrust_old: bool,
        now: DateTime<Utc>,
    ) -> Result<(), HqError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let old: Option<String> = tx
            .query_row(
                "SELECT receipt_key FROM stores WHERE code = ?1",
                [store],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .ok_or_else(|| HqError::NotFound(format!("no store {store:?}")))?;
        if distrust_old {
            tx.execute(
                "UPDATE store_keys_retired SET trusted = 0 WHERE store = ?1",
                [store],
            )?;
        }
        if let Some(old) = old {
            let public = kassa_domain::receipt_code::public_key(&old)
                .map_err(|e| HqError::Corrupt(format!("store {store}'s receipt key: {e}")))?;
            tx.execute(
                "INSERT OR REPLACE INTO store_keys_retired (store, public_key, retired_at, trusted)
                 VALUES (?1, ?2, ?3, ?4)",
                params![store, public, timestamp(now), !distrust_old],
            )?;
        }
        tx.execute(
            "UPDATE stores SET receipt_key = ?2 WHERE code = ?1",
            params![store, new_key],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// `VACUUM INTO` the new file `to`: SQLite copies one consistent snapshot (a read
    /// transaction, so syncs go on meanwhile) into a compact database, which is then checked.
    pub(super) fn backup(&self, to: &Path) -> Result<u64, HqError> {
        if to.exists() {
            return Err(HqError::BadRequest(format!(
                "{} exists already: a backup never overwrites a file",
                to.display()
            )));
        }
        let path = to
            .to_str()
            .ok_or_else(|| HqError::BadRequest("the backup path is not UTF-8".into()))?;
        self.conn.execute("VACUUM INTO ?1", [path])?;
        let checked: String = Connection::open_with_flags(to, OpenFlags::SQLITE_OPEN_READ_ONLY)?
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if checked != "ok" {
            let _ = std::fs::remove_file(to);
            return Err(HqError::Corrupt(format!(
                "the backup did not check ({checked}); nothing was kept"
            )));
        }
        Ok(std::fs::metadata(to)
            .map_err(|e| HqError::Corrupt(format!("reading the backup's size: {e}")))?
            .len())
    }

    /// The public halves of replaced keys still trusted: (store, public key).
    pub(super) fn retired_receipt_keys(&self) -> Result<Vec<(String, String)>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT store, public_key FROM store_keys_retired WHERE trusted = 1
             ORDER BY store, public_key",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub(super) fn put_staff(
        &mut self,
        member: &StaffMember,
        stores: Option<&[String]>,
        now: DateTime<Utc>,
    ) -> Result<i64, HqError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 =
            tx.query_row("SELECT coalesce(max(version), 0) + 1 FROM staff", [], |r| {
                r.get(0)
            })?;
        let written = tx
            .prepare_cached(
                "INSERT INTO staff (id, name, role, pin_hash, active, version, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (id) DO UPDATE SET name = ?2, role = ?3, pin_hash = ?4, active = ?5,
                   version = ?6, updated_at = ?7",
            )?
            .execute(params![
                member.id,
                member.name,
                member.role.as_str(),
                member.pin_hash,
                member.active,
                version,
                timestamp(now)
            ]);
        match written {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                return Err(HqError::BadRequest(format!(
                    "an active staff member is already called {:?}",
                    member.name
                )))
            }
            other => other?,
        };
        if let Some(stores) = stores {
            for store in stores {
                let known: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM stores WHERE code = ?1)",
                    [store],
                    |r| r.get(0),
                )?;
                if !known {
                    return Err(HqError::BadRequest(format!("no store {store:?}")));
                }
            }
            // Leaving is remembered with this version, so that store's tills drop the person.
            let mut left = tx.prepare_cached(
                "UPDATE staff_stores SET left_version = ?2
                 WHERE staff_id = ?1 AND left_version IS NULL",
            )?;
            left.execute(params![member.id, version])?;
            let mut joined = tx.prepare_cached(
                "INSERT INTO staff_stores (staff_id, store, left_version) VALUES (?1, ?2, NULL)
                 ON CONFLICT (staff_id, store) DO UPDATE SET left_version = NULL",
            )?;
            for store in stores {
                joined.execute(params![member.id, store])?;
            }
        }
        tx.commit()?;
        Ok(version)
    }

    pub(super) fn staff_since(
        &self,
        store: &str,
        since: i64,
    ) -> Result<(i64, Vec<StaffMember>), HqError> {
        let version: i64 = self
            .conn
            .prepare_cached("SELECT coalesce(max(version), 0) FROM staff")?
            .query_row([], |r| r.get(0))?;
        if since >= version {
            return Ok((version, Vec::new()));
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.id, s.name, s.role, s.pin_hash, s.active, s.version, m.left_version
             FROM staff s JOIN staff_stores m ON m.staff_id = s.id AND m.store = ?2
             WHERE s.version > ?1
               AND (m.left_version IS NULL OR (m.left_version > ?1 AND ?1 > 0))
             ORDER BY s.version",
        )?;
        // A till that never had staff (since 0) needs no word of those who left.
        let rows = stmt
            .query_map(params![since, store], |r| {
                let (mut member, _) = staff_row(r)?;
                if r.get::<_, Option<i64>>(6)?.is_some() {
                    // Gone from this store: the till drops them and keeps no hash of their PIN.
                    member.active = false;
                    member.pin_hash = String::new();
                }
                Ok(member)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok((version, rows))
    }

    fn staff_stores(&self, id: &str) -> Result<Vec<String>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT store FROM staff_stores WHERE staff_id = ?1 AND left_version IS NULL
             ORDER BY store",
        )?;
        let stores = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(stores)
    }

    fn staff_entry(&self, (member, version): (StaffMember, i64)) -> Result<StaffEntry, HqError> {
        let stores = self.staff_stores(&member.id)?;
        Ok(StaffEntry {
            member,
            version,
            stores,
        })
    }

    pub(super) fn staff(&self) -> Result<Vec<StaffEntry>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, role, pin_hash, active, version FROM staff ORDER BY name COLLATE NOCASE, id",
        )?;
        let rows = stmt
            .query_map([], staff_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(|row| self.staff_entry(row)).collect()
    }

    pub(super) fn staff_member(&self, who: &str) -> Result<Option<StaffEntry>, HqError> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT id, name, role, pin_hash, active, version FROM staff
                 WHERE id = ?1 OR name = ?1 COLLATE NOCASE
                 ORDER BY id = ?1 DESC, active DESC, id LIMIT 1",
            )?
            .query_row([who.trim()], staff_row)
            .optional()?;
        row.map(|row| self.staff_entry(row)).transpose()
    }

    pub(super) fn product(&self, sku: &str) -> Result<Option<Product>, HqError> {
        let row: Option<String> = self
            .conn
            .query_row("SELECT product FROM catalogue WHERE sku = ?1", [sku], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(row.map(|p| serde_json::from_str(&p)).transpose()?)
    }

    pub(super) fn epoch_included(
        &self,
        store: &str,
        epoch: u32,
    ) -> Result<BTreeMap<String, BTreeMap<String, i64>>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT writer, sku, qty FROM epoch_included WHERE store = ?1 AND epoch = ?2",
        )?;
        let rows = stmt.query_map(params![store, epoch], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut out: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        for row in rows {
            let (writer, sku, qty) = row?;
            out.entry(writer).or_default().insert(sku, qty);
        }
        Ok(out)
    }

    pub(super) fn document_size(&self, doc_id: &DocId) -> Result<Option<usize>, HqError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT sum(length(bytes)) FROM document_chunks WHERE doc_id = ?1 HAVING count(*) > 0",
            )?
            .query_row([doc_id.to_string()], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|n| usize::try_from(n).unwrap_or(0)))
    }

    pub(super) fn sales(
        &self,
        store: &str,
        business_day: NaiveDate,
    ) -> Result<(Vec<SaleRecord>, Vec<VoidRecord>), HqError> {
        let day = business_day.format("%Y-%m-%d").to_string();
        let day = day.as_str();
        let mut stmt = self.conn.prepare_cached(
            "SELECT record FROM sales WHERE store = ?1 AND business_day = ?2 ORDER BY id",
        )?;
        let sales = stmt
            .query_map([store, day], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT record FROM voids WHERE store = ?1 AND business_day = ?2 ORDER BY id",
        )?;
        let voids = stmt
            .query_map([store, day], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok((
            sales
                .iter()
                .map(|s| serde_json::from_str(s))
                .collect::<Result<_, _>>()?,
            voids
                .iter()
                .map(|v| serde_json::from_str(v))
                .collect::<Result<_, _>>()?,
        ))
    }

    pub(super) fn stock_of(&self, sku: &str) -> Result<Vec<StockAtStore>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.code, coalesce(l.on_hand, 0), s.last_sync_at FROM stores s
             LEFT JOIN stock_levels l ON l.store = s.code AND l.sku = ?1 ORDER BY s.code",
        )?;
        let rows = stmt
            .query_map([sku], |r| {
                Ok(StockAtStore {
                    store: r.get(0)?,
                    on_hand: r.get(1)?,
                    as_of: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub(super) fn negative_stock(&self) -> Result<Vec<NegativeStock>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT store, sku, on_hand FROM stock_levels WHERE on_hand < 0 ORDER BY store, sku",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(NegativeStock {
                    store: r.get(0)?,
                    sku: r.get(1)?,
                    on_hand: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub(super) fn order_by_external_id(
        &self,
        external_id: &str,
    ) -> Result<Option<TakenOrder>, HqError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT order_id, pickup_code FROM order_intake WHERE external_id = ?1 COLLATE NOCASE",
            )?
            .query_row([external_id], |r| {
                Ok(TakenOrder {
                    order_id: r.get(0)?,
                    pickup_code: r.get(1)?,
                })
            })
            .optional()?)
    }

    pub(super) fn records(
        &self,
        kind: RecordKind,
        store: Option<&str>,
    ) -> Result<Vec<IndexedRecord>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT record FROM records WHERE kind = ?1 AND (?2 IS NULL OR store = ?2) ORDER BY id",
        )?;
        let rows = stmt
            .query_map(params![kind.as_str(), store], |r| r.get(0))?
            .collect::<Result<Vec<_>, _>>()?;
        records_from_json(kind, rows)
    }

    pub(super) fn records_about(
        &self,
        kind: RecordKind,
        subject: &str,
    ) -> Result<Vec<IndexedRecord>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT record FROM records WHERE kind = ?1 AND subject = ?2 ORDER BY id",
        )?;
        let rows = stmt
            .query_map(params![kind.as_str(), subject], |r| r.get(0))?
            .collect::<Result<Vec<_>, _>>()?;
        records_from_json(kind, rows)
    }

    pub(super) fn record(
        &self,
        kind: RecordKind,
        id: &str,
    ) -> Result<Option<IndexedRecord>, HqError> {
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT record FROM records WHERE id = ?1 AND kind = ?2")?
            .query_row(params![id, kind.as_str()], |r| r.get(0))
            .optional()?;
        json.map(|json| record_from_json(kind, &json)).transpose()
    }

    pub(super) fn conflicts(&self) -> Result<Vec<RecordConflict>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT doc_id, map, record_id FROM record_conflicts ORDER BY 1, 2, 3",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(doc, map, record_id)| {
                let kind = KINDS
                    .iter()
                    .find(|spec| spec.map == map)
                    .map(|spec| spec.kind)
                    .ok_or_else(|| HqError::Corrupt(format!("conflict in unknown map {map:?}")))?;
                Ok(RecordConflict {
                    doc_id: doc_id(&doc)?,
                    kind,
                    record_id,
                })
            })
            .collect()
    }

    pub(super) fn sale_by_receipt(
        &self,
        receipt_no: &str,
    ) -> Result<Option<(SaleRecord, bool)>, HqError> {
        let row: Option<(String, bool)> = self
            .conn
            .prepare_cached(
                "SELECT s.record, EXISTS (SELECT 1 FROM voids v WHERE v.sale_id = s.id)
                 FROM sales s WHERE s.receipt_no = ?1 ORDER BY s.id LIMIT 1",
            )?
            .query_row([receipt_no], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match row {
            Some((json, voided)) => Ok(Some((serde_json::from_str(&json)?, voided))),
            None => Ok(None),
        }
    }

    pub(super) fn credit_sales(&self) -> Result<Vec<SaleRecord>, HqError> {
        // A cheap filter first; the JSON decides.
        let mut stmt = self.conn.prepare_cached(
            // CROSS JOIN keeps SQLite walking the few credit sales, not millions of sales.
            "SELECT s.record FROM credit_sales c CROSS JOIN sales s ON s.id = c.sale_id
             ORDER BY c.sale_id",
        )?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter()
            .map(|json| Ok(serde_json::from_str(json)?))
            .collect()
    }

    pub(super) fn voids_that_matter(&self) -> Result<Vec<VoidRecord>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT record FROM voids
             WHERE sale_id IN (SELECT subject FROM records WHERE kind = 'return')
                OR sale_id IN (SELECT sale_id FROM credit_sales)
             ORDER BY id",
        )?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter()
            .map(|json| Ok(serde_json::from_str(json)?))
            .collect()
    }

    pub(super) fn all_voids(&self) -> Result<Vec<VoidRecord>, HqError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT record FROM voids ORDER BY id")?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter()
            .map(|json| Ok(serde_json::from_str(json)?))
            .collect()
    }
}

/// Console users (crate::console_users): the stored row and the sign-in counters.
impl Db {
    pub(super) fn add_console_user(
        &mut self,
        user: &ConsoleUser,
        password_hash: &str,
    ) -> Result<(), HqError> {
        let added = self.conn.execute(
            "INSERT INTO console_users (name, role, stores, password_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                user.name,
                user.role.as_str(),
                user.stores.join(","),
                password_hash,
                timestamp(user.created_at)
            ],
        );
        match added {
            Ok(_) => Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(crate::console_users::name_taken(&user.name))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub(super) fn console_user(&self, name: &str) -> Result<Option<StoredConsoleUser>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, role, stores, created_at, password_hash, failed_sign_ins, locked_until
             FROM console_users WHERE name = ?1",
        )?;
        let row = stmt
            .query_row([name], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            })
            .optional()?;
        let Some((name, role, stores, created_at, password_hash, failed, locked_until)) = row
        else {
            return Ok(None);
        };
        Ok(Some(StoredConsoleUser {
            user: crate::console_users::stored_user(name, &role, &stores, instant(&created_at)?)?,
            password_hash,
            failed_sign_ins: failed,
            locked_until: locked_until.as_deref().map(instant).transpose()?,
        }))
    }

    pub(super) fn console_users(&self) -> Result<Vec<ConsoleUser>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, role, stores, created_at FROM console_users ORDER BY name",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(name, role, stores, created_at)| {
                crate::console_users::stored_user(name, &role, &stores, instant(&created_at)?)
            })
            .collect()
    }

    /// Counts a wrong password in one statement (two nodes counting at once both count), and
    /// locks the name when that makes enough in a row. The lock's end, if locked.
    pub(super) fn console_sign_in_failed(
        &mut self,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, HqError> {
        let until = crate::console_users::locked_until_after(
            crate::console_users::LOCK_AFTER_FAILURES,
            now,
        );
        let locked: Option<Option<String>> = self
            .conn
            .query_row(
                "UPDATE console_users SET failed_sign_ins = failed_sign_ins + 1,
                     locked_until = CASE WHEN failed_sign_ins + 1 >= ?2 THEN ?3 ELSE locked_until END
                 WHERE name = ?1 RETURNING locked_until",
                params![
                    name,
                    crate::console_users::LOCK_AFTER_FAILURES,
                    until.map(timestamp)
                ],
                |r| r.get(0),
            )
            .optional()?;
        locked.flatten().as_deref().map(instant).transpose()
    }

    pub(super) fn console_sign_in_succeeded(&mut self, name: &str) -> Result<(), HqError> {
        self.conn.execute(
            "UPDATE console_users SET failed_sign_ins = 0, locked_until = NULL WHERE name = ?1",
            [name],
        )?;
        Ok(())
    }

    pub(super) fn add_console_session(&mut self, session: &ConsoleSession) -> Result<(), HqError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM console_sessions WHERE expires_at < ?1",
            [timestamp(session.created_at)],
        )?;
        tx.execute(
            "INSERT INTO console_sessions (token_hash, user_name, csrf_token, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                session.token_hash,
                session.user_name,
                session.csrf_token,
                timestamp(session.created_at),
                timestamp(session.expires_at)
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub(super) fn console_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ConsoleSession>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT token_hash, user_name, csrf_token, created_at, expires_at
             FROM console_sessions WHERE token_hash = ?1 AND expires_at > ?2",
        )?;
        let row = stmt
            .query_row(params![token_hash, timestamp(now)], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .optional()?;
        row.map(
            |(token_hash, user_name, csrf_token, created_at, expires_at)| {
                Ok(ConsoleSession {
                    token_hash,
                    user_name,
                    csrf_token,
                    created_at: instant(&created_at)?,
                    expires_at: instant(&expires_at)?,
                })
            },
        )
        .transpose()
    }

    pub(super) fn end_console_session(&mut self, token_hash: &str) -> Result<bool, HqError> {
        Ok(self.conn.execute(
            "DELETE FROM console_sessions WHERE token_hash = ?1",
            [token_hash],
        )? > 0)
    }

    pub(super) fn daily_sales(&self, from: &str, to: &str) -> Result<Vec<DailySales>, HqError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT store, business_day, channel, sales, total FROM daily_sales
             WHERE business_day >= ?1 AND business_day <= ?2
             ORDER BY business_day, store, channel",
        )?;
        let rows = stmt
            .query_map([from, to], |r| {
                Ok(DailySales {
                    store: r.get(0)?,
                    business_day: r.get(1)?,
                    channel: r.get(2)?,
                    sales: r.get(3)?,
                    total: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
