//! The storage suite on PostgreSQL, and what only PostgreSQL does: its own migrations, shared
//! by several head office nodes.

use super::PostgresStorage;
use crate::storage::HqStorage;
use crate::testing::fresh_postgres_database;

async fn on_postgres() -> Option<Box<dyn HqStorage>> {
    let url = fresh_postgres_database().await?;
    Some(Box::new(PostgresStorage::connect(&url, 4).await.unwrap()))
}

mod suite {
    crate::storage::suite::storage_suite!(super::on_postgres);
}

#[tokio::test]
async fn nodes_starting_together_migrate_once_and_a_foreign_database_is_refused() {
    let Some(url) = fresh_postgres_database().await else {
        return;
    };
    let (a, b) = tokio::join!(
        PostgresStorage::connect(&url, 2),
        PostgresStorage::connect(&url, 2)
    );
    let (a, _b) = (a.unwrap(), b.unwrap());
    let client = a.client().await.unwrap();
    let versions: Vec<i32> = client
        .query("SELECT version FROM kassa_schema ORDER BY version", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        versions,
        (1..=super::schema::supported()).collect::<Vec<_>>()
    );

    // A schema newer than this program: refused, not run on.
    client
        .execute("INSERT INTO kassa_schema (version) VALUES (999)", &[])
        .await
        .unwrap();
    match PostgresStorage::connect(&url, 1).await {
        Err(crate::HqError::Conflict(message)) => assert!(message.contains("999"), "{message}"),
        Err(other) => panic!("expected a conflict, got {other:?}"),
        Ok(_) => panic!("expected a conflict, got a storage"),
    }

    // Someone else's database: refused before anything is created in it.
    let Some(other) = fresh_postgres_database().await else {
        return;
    };
    let (foreign, connection) = tokio_postgres::connect(&other, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    foreign
        .batch_execute("CREATE TABLE invoices (id integer)")
        .await
        .unwrap();
    match PostgresStorage::connect(&other, 1).await {
        Err(crate::HqError::BadRequest(message)) => {
            assert!(message.contains("not Kassa"), "{message}")
        }
        Err(other) => panic!("expected a refusal, got {other:?}"),
        Ok(_) => panic!("expected a refusal, got a storage"),
    }
    let tables: i64 = foreign
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(tables, 1, "nothing was created in it");
}

#[tokio::test]
async fn an_unreachable_database_is_unavailable_not_corrupt() {
    // A port nothing listens on: connecting fails as "unavailable", which tills retry.
    match PostgresStorage::connect("postgres://kassa@127.0.0.1:9/kassa", 1).await {
        Err(e @ crate::HqError::DatabaseUnavailable { .. }) => {
            assert_eq!(e.status(), 503);
            assert!(!e.to_string().contains("127.0.0.1"), "{e}");
        }
        Err(other) => panic!("expected unavailable, got {other:?}"),
        Ok(_) => panic!("nothing listens there"),
    }
    match PostgresStorage::connect("postgres://[broken", 1).await {
        Err(crate::HqError::BadRequest(_)) => {}
        Err(other) => panic!("expected a bad address, got {other:?}"),
        Ok(_) => panic!("the address is broken"),
    }
}

/// The backup the README gives for PostgreSQL: `pg_dump` of head office's database, restored
/// with `pg_restore` into a new one, holds the same content (digest over every row).
#[tokio::test]
async fn a_pg_dump_restores_to_the_same_head_office() {
    let Some(url) = fresh_postgres_database().await else {
        return;
    };
    let storage = PostgresStorage::connect(&url, 2).await.unwrap();
    storage
        .create_store(
            &kassa_protocol::StoreInfo {
                code: "AMS1".into(),
                name: "Amsterdam".into(),
                currency: "EUR".into(),
                tax_mode: "inclusive".into(),
                cash_increment: 5,
                tax_classes: vec![],
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    storage
        .add_enroll_code("code-hash", "AMS1", 1, chrono::Utc::now())
        .await
        .unwrap();
    let mut write = crate::storage::SyncWrite::new("AMS1", chrono::Utc::now());
    write.documents.push(crate::storage::DocumentWrite {
        doc_id: kassa_replica::DocId::HqLedger {
            store: "AMS1".into(),
            day: "2026-11-23".into(),
        },
        chunk: vec![0, 1, 2, 255],
        heads: vec!["aa".into()],
        expected_heads: None,
    });
    storage.apply_sync(write).await.unwrap();
    let before = storage.content_digest().await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("hq.dump");
    let dumped = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .arg(&url)
        .status()
        .expect("pg_dump (Debian's postgresql-client)");
    assert!(dumped.success());
    let Some(restored_url) = fresh_postgres_database().await else {
        return;
    };
    let restored = std::process::Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "--dbname"])
        .arg(&restored_url)
        .arg(&dump)
        .status()
        .expect("pg_restore");
    assert!(restored.success());
    let again = PostgresStorage::connect(&restored_url, 2).await.unwrap();
    assert_eq!(again.content_digest().await.unwrap(), before);
    assert_eq!(again.stores().await.unwrap().len(), 1);
}

/// The migration that brings the report figures fills them from what the database already
/// holds, by the rules sync adds them by: the same totals either way.
#[tokio::test]
async fn the_figures_an_upgrade_fills_in_are_those_sync_adds() {
    use crate::storage::suite::{figure_writes, store_info};
    use crate::storage::{FigureGrouping, FigureTotal};
    let Some(url) = fresh_postgres_database().await else {
        return;
    };
    async fn totals(
        storage: &PostgresStorage,
    ) -> (Vec<FigureTotal>, Vec<crate::storage::DailySales>) {
        let mut all = Vec::new();
        for by in [
            FigureGrouping::Day,
            FigureGrouping::Store,
            FigureGrouping::Period,
        ] {
            all.extend(
                storage
                    .figure_totals("2026-01-01", "2026-12-31", &[], by)
                    .await
                    .unwrap(),
            );
        }
        let daily = storage
            .daily_sales("2026-01-01", "2026-12-31")
            .await
            .unwrap();
        (all, daily)
    }
    let storage = PostgresStorage::connect(&url, 2).await.unwrap();
    for code in ["AMS1", "RTM1"] {
        storage
            .create_store(&store_info(code), chrono::Utc::now())
            .await
            .unwrap();
    }
    for write in figure_writes() {
        storage.apply_sync(write).await.unwrap();
    }
    let added = totals(&storage).await;
    assert!(added.0.len() > 10, "{added:?}");
    assert!(added.1.iter().any(|d| d.channel == "web"), "{added:?}");
    // As a head office before the figures kept it: no table, the schema before (8).
    storage
        .client()
        .await
        .unwrap()
        .batch_execute(
            "DROP TABLE daily_figures; DROP TABLE till_contacts; DROP TABLE credit_sales;
             DROP INDEX records_kind_id; DROP TABLE transfers;
             DELETE FROM daily_sales WHERE channel = 'web';
             DELETE FROM kassa_schema WHERE version >= 9;",
        )
        .await
        .unwrap();
    drop(storage);
    let upgraded = PostgresStorage::connect(&url, 2).await.unwrap();
    assert_eq!(totals(&upgraded).await, added);
}
