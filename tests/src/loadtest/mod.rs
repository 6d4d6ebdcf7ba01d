//! The load generator (`kassa-loadtest`): a fleet of simulated tills, each a real till database
//! speaking the real sync protocol over HTTP(S) to a head office in another process, through
//! phases a chain lives through:
//!
//! 1. **setup**: stores, a catalogue and stock through head office's admin API; every till
//!    enrolls and takes its first sync;
//! 2. **history** (optional): days of past sales, each day's rung and synced, so head office
//!    holds the history through its own ingestion (the sync rounds), not tables written by hand;
//! 3. **catch-up** (optional): every till rings a backlog offline, then all sync at once, in
//!    waves: sales ingested per second and head office's memory;
//! 4. **steady state** (optional): each till sells every `sale_every` and syncs every
//!    `sync_every`, both with ±10 % jitter, and comes back later when head office says it is busy;
//! 5. **drain and check**: every till syncs until nothing is pending and once more, and head
//!    office's sales feed must hold every sale rung, exactly once.
//!
//! Head office's CPU time and memory come from `/proc` of its process, the generator's from its
//! own: on one machine both compete for the same cores.

pub mod admin;
pub mod fleet;
pub mod head_office;
pub mod measure;
mod phases;
pub mod report;
pub mod rounds;

pub use head_office::{Spawn, SpawnedHq, Target};
pub use phases::run;
pub use report::{Check, PhaseReport, Report};

use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Config {
    pub stores: u32,
    pub tills_per_store: u16,
    /// Products in the catalogue (sales pick from the first [`fleet::STOCKED_PRODUCTS`]).
    pub products: u64,
    pub history_days: u32,
    pub history_sales_per_day: u32,
    /// Sales each till rings offline before each catch-up wave (0: no catch-up phase).
    pub backlog: u32,
    pub catch_up_waves: u32,
    pub sale_every: Duration,
    pub sync_every: Duration,
    /// Length of the steady phase (zero: none).
    pub duration: Duration,
    /// Tills working at once (opening their database, ringing, syncing).
    pub concurrency: usize,
    /// Where the tills' databases live.
    pub dir: PathBuf,
    /// Store codes are this and a number (`LT001`...).
    pub store_prefix: String,
}

impl Config {
    /// A small fleet for tests: a few seconds of each phase.
    pub fn small(dir: PathBuf) -> Config {
        Config {
            stores: 2,
            tills_per_store: 3,
            products: 300,
            history_days: 2,
            history_sales_per_day: 3,
            backlog: 5,
            catch_up_waves: 2,
            sale_every: Duration::from_millis(300),
            sync_every: Duration::from_millis(700),
            duration: Duration::from_secs(3),
            concurrency: 8,
            dir,
            store_prefix: "LT".into(),
        }
    }

    pub fn tills(&self) -> u64 {
        u64::from(self.stores) * u64::from(self.tills_per_store)
    }

    pub fn store_code(&self, n: u32) -> String {
        format!("{}{:03}", self.store_prefix, n + 1)
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.stores == 0 || self.tills_per_store == 0 {
            return Err("give at least one store and one till per store".into());
        }
        if self.stores > 999 {
            return Err("at most 999 stores (codes are the prefix and three digits)".into());
        }
        if self.products < fleet::STOCKED_PRODUCTS {
            return Err(format!(
                "the catalogue needs at least {} products (sales pick from them)",
                fleet::STOCKED_PRODUCTS
            ));
        }
        if self.concurrency == 0 {
            return Err("concurrency must be at least 1".into());
        }
        if !self.duration.is_zero() && (self.sale_every.is_zero() || self.sync_every.is_zero()) {
            return Err("a steady phase needs --sale-every and --sync-every above zero".into());
        }
        Ok(())
    }
}
