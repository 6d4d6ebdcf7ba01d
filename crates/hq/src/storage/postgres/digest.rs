//! A digest of everything head office holds on PostgreSQL, read in one snapshot.

use crate::error::HqError;
use sha2::{Digest, Sha256};
use tokio_postgres::Client;

/// SHA-256 over every table's name and rows (each row's text form hashed, the hashes sorted, so
/// the order PostgreSQL returns rows in does not matter), read in one repeatable-read snapshot.
/// The schema's own version table is left out, as SQLite's version number is.
pub(super) async fn content_digest(client: &mut Client) -> Result<String, HqError> {
    let tx = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?;
    let tables: Vec<String> = tx
        .query(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
               AND table_name <> 'kassa_schema'
             ORDER BY table_name COLLATE \"C\"",
            &[],
        )
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    let mut all = Sha256::new();
    for table in tables {
        // The name comes from the catalogue, quoted as an identifier all the same.
        let quoted = format!("\"{}\"", table.replace('"', "\"\""));
        let rows = tx
            .query(&format!("SELECT t::text FROM {quoted} t"), &[])
            .await?;
        let mut hashes: Vec<[u8; 32]> = rows
            .iter()
            .map(|r| Ok(Sha256::digest(r.try_get::<_, String>(0)?.as_bytes()).into()))
            .collect::<Result<_, tokio_postgres::Error>>()?;
        hashes.sort_unstable();
        all.update(table.as_bytes());
        all.update((hashes.len() as u64).to_le_bytes());
        for hash in hashes {
            all.update(hash);
        }
    }
    tx.commit().await?;
    Ok(hex::encode(all.finalize()))
}
