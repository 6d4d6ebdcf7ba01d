//! PostgreSQL's own numbered migrations (`migrations/hq-postgres/`), applied in one transaction
//! under an advisory lock, so that head office nodes starting together migrate once.

use crate::error::HqError;
use tokio_postgres::Client;

const MIGRATIONS: &[&str] = &[
    include_str!("../../../../../migrations/hq-postgres/0001_init.sql"),
    include_str!("../../../../../migrations/hq-postgres/0002_document_cursor.sql"),
    include_str!("../../../../../migrations/hq-postgres/0003_document_chunks.sql"),
    include_str!("../../../../../migrations/hq-postgres/0004_console_users.sql"),
    include_str!("../../../../../migrations/hq-postgres/0005_console_sessions.sql"),
    include_str!("../../../../../migrations/hq-postgres/0006_daily_sales.sql"),
    include_str!("../../../../../migrations/hq-postgres/0007_api_token_stores.sql"),
    include_str!("../../../../../migrations/hq-postgres/0008_catalogue_imports.sql"),
    include_str!("../../../../../migrations/hq-postgres/0009_daily_figures.sql"),
    include_str!("../../../../../migrations/hq-postgres/0010_till_contacts.sql"),
    include_str!("../../../../../migrations/hq-postgres/0011_web_daily_sales.sql"),
    include_str!("../../../../../migrations/hq-postgres/0012_exception_inputs.sql"),
    include_str!("../../../../../migrations/hq-postgres/0013_transfers.sql"),
];

/// The advisory lock key migrations hold: "KSHQ".
const MIGRATION_LOCK: i64 = 0x4B53_4851;

/// Brings the schema up to date. Refuses a database that holds tables but no Kassa schema
/// record (someone else's data), and one whose schema is newer than this program.
pub(super) async fn migrate(client: &mut Client) -> Result<(), HqError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let ours: bool = tx
        .query_one("SELECT to_regclass('kassa_schema') IS NOT NULL", &[])
        .await?
        .try_get(0)?;
    if !ours {
        let tables: i64 = tx
            .query_one(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
                &[],
            )
            .await?
            .try_get(0)?;
        if tables > 0 {
            return Err(HqError::BadRequest(
                "this PostgreSQL database holds tables that are not Kassa head office's: \
                 give head office a database of its own"
                    .into(),
            ));
        }
        tx.batch_execute(
            "CREATE TABLE kassa_schema (
                 version    integer PRIMARY KEY,
                 applied_at timestamptz NOT NULL DEFAULT now()
             )",
        )
        .await?;
    }
    let found: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM kassa_schema", &[])
        .await?
        .try_get(0)?;
    let supported = MIGRATIONS.len() as i32;
    if found > supported {
        return Err(HqError::Conflict(format!(
            "database schema {found} is newer than this program supports ({supported})"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO kassa_schema (version) VALUES ($1)",
            &[&(i as i32 + 1)],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The schema version this program brings a database to.
#[cfg(test)]
pub(super) fn supported() -> i32 {
    MIGRATIONS.len() as i32
}
