//! A fixed set of SQLite connections, each lent to one query at a time on a blocking thread.

use super::queries::Db;
use crate::error::HqError;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

pub(super) struct Pool {
    idle: Arc<Mutex<Vec<Db>>>,
    /// One permit per connection: a caller waits (without blocking a thread) for a free one.
    permits: Arc<Semaphore>,
}

impl Pool {
    pub(super) fn new(connections: Vec<Db>) -> Pool {
        Pool {
            permits: Arc::new(Semaphore::new(connections.len())),
            idle: Arc::new(Mutex::new(connections)),
        }
    }

    /// Runs `query` on a free connection on a blocking thread. The connection goes back to the
    /// pool from that thread, so a caller that stops waiting (a dropped request) or a query
    /// that panics (its transaction rolled back as it unwinds) never loses it: an in-memory
    /// database lives only as long as its one connection.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        query: impl FnOnce(&mut Db) -> Result<T, HqError> + Send + 'static,
    ) -> Result<T, HqError> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| HqError::Io("the database is closed".into()))?;
        let idle = self.idle.clone();
        tokio::task::spawn_blocking(move || {
            let mut db = lock(&idle)
                .pop()
                .expect("a permit is held only while a connection is idle");
            let outcome = catch_unwind(AssertUnwindSafe(|| query(&mut db)));
            lock(&idle).push(db);
            drop(permit);
            outcome.unwrap_or_else(|_| Err(HqError::Corrupt("a database query panicked".into())))
        })
        .await
        .map_err(|e| HqError::Corrupt(format!("a database worker failed: {e}")))?
    }
}

/// The idle list is only pushed to and popped from, so one left by a panic is still whole.
fn lock(idle: &Mutex<Vec<Db>>) -> std::sync::MutexGuard<'_, Vec<Db>> {
    idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
