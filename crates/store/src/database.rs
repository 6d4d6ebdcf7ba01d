//! Opening the till database: durability settings and the check that it is Kassa's.

use crate::error::StoreError;
use crate::migrations::migrate;
use kassa_replica::Timestamp;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// `PRAGMA application_id` of a Kassa till database: "KSA1".
const APPLICATION_ID: i64 = 0x4B53_4131;

pub(crate) fn open_file(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    prepare(conn, &path.display().to_string())
}

pub(crate) fn open_memory() -> Result<Connection, StoreError> {
    prepare(Connection::open_in_memory()?, ":memory:")
}

/// An in-memory database with the current schema and no checks of identity: a scratch space for
/// rebuilding projections.
pub(crate) fn open_scratch() -> Result<Connection, StoreError> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate(&mut conn)?;
    Ok(conn)
}

fn prepare(mut conn: Connection, name: &str) -> Result<Connection, StoreError> {
    let not_kassa = || StoreError::NotKassaDatabase(name.to_string());
    // Reading the header is the first thing that fails on a file that is not SQLite at all.
    let application_id: i64 =
        match conn.pragma_query_value(None, "application_id", |row| row.get(0)) {
            Ok(id) => id,
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::NotADatabase =>
            {
                return Err(not_kassa())
            }
            Err(e) => return Err(e.into()),
        };
    let table_count: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
                not_kassa()
            }
            other => other.into(),
        })?;
    if application_id != APPLICATION_ID && (application_id != 0 || table_count > 0) {
        return Err(not_kassa());
    }
    // WAL with synchronous=FULL: a committed sale is on disk before its receipt prints.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Checkpoints copy the WAL into the database file and fsync it: a sale that triggers one
    // waits for it. At SQLite's default (every 1,000 pages) that was one sale in 60, the p99 of
    // a sale; every 8,000 pages (32 MB) it is one in 500, and the desktop's background loop
    // checkpoints in between on its own connection (`Till::write_documents`).
    conn.pragma_update(None, "wal_autocheckpoint", 8000)?;
    // A sale runs about twenty distinct statements; rusqlite's default cache of 16 made them
    // evict each other and be parsed again on every sale.
    conn.set_prepared_statement_cache_capacity(128);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    if application_id == 0 {
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    migrate(&mut conn)?;
    Ok(conn)
}

/// A time column as a [`Timestamp`] (a text that is not RFC 3339 is a conversion failure).
pub(crate) fn timestamp(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Timestamp> {
    let text: String = row.get(idx)?;
    Timestamp::parse(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}
