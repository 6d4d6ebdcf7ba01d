//! Where head office's data lives, for every command of this process: the SQLite database in
//! the data directory (the default), or PostgreSQL when `--database` (or `KASSA_HQ_DATABASE`)
//! gives its address. The data directory keeps the admin token and TLS files either way.

use kassa_hq::{Hq, HqError};
use std::path::Path;
use std::sync::OnceLock;

struct Postgres {
    url: String,
    connections: usize,
}

static CHOSEN: OnceLock<Option<Postgres>> = OnceLock::new();

/// Chooses the database once, from the command line, before any command runs.
pub fn choose(url: Option<String>, connections: usize) {
    let _ = CHOSEN.set(
        url.filter(|u| !u.trim().is_empty())
            .map(|url| Postgres { url, connections }),
    );
}

/// True when head office runs on PostgreSQL.
pub fn configured() -> bool {
    CHOSEN.get().is_some_and(Option::is_some)
}

/// Opens head office on the chosen database.
pub async fn open(data: &Path) -> Result<Hq, HqError> {
    match CHOSEN.get().and_then(Option::as_ref) {
        Some(pg) => Hq::connect_postgres(&pg.url, pg.connections).await,
        None => Hq::open(data),
    }
}
