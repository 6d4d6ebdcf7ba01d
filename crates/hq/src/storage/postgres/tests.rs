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
