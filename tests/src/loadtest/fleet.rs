//! The simulated tills: each a real till database on disk (the same `Till` the desktop app runs)
//! that syncs with head office over the real protocol. A till is opened for what it does and
//! closed again, so a fleet of thousands holds only the busy ones in memory.

use chrono::{DateTime, FixedOffset};
use kassa_domain::TenderKind;
use kassa_store::{FixedClock, LineRequest, SaleRequest, SystemClock, TenderRequest, Till};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Products a simulated sale picks from (each store holds stock of them).
pub const STOCKED_PRODUCTS: u64 = 200;

pub struct SimTill {
    pub store: String,
    pub till_no: u16,
    /// A number unique in the fleet: picks the products of its sales and its schedule.
    pub index: u64,
    path: PathBuf,
    /// Every sale this till rang: (business day, receipt number).
    pub rung: Vec<(String, String)>,
    /// Sales rung and not yet confirmed by head office, as the till's last round said.
    pub pending: i64,
}

/// What one sync round did.
pub struct RoundOutcome {
    pub took: Duration,
    pub result: Result<kassa_sync::SyncReport, kassa_sync::SyncError>,
}

impl SimTill {
    pub fn new(dir: &std::path::Path, store: &str, till_no: u16, index: u64) -> SimTill {
        SimTill {
            store: store.to_string(),
            till_no,
            index,
            path: dir.join(format!("{store}-{till_no:03}.db")),
            rung: Vec::new(),
            pending: 0,
        }
    }

    fn open(&self) -> Result<Till, String> {
        Till::open(&self.path).map_err(|e| format!("{}: {e}", self.path.display()))
    }

    /// Enrolls with a code from head office and takes the first sync (catalogue, stock).
    pub async fn enroll(&mut self, url: &str, code: &str) -> Result<(), String> {
        let mut till = self.open()?;
        kassa_sync::enroll(&mut till, url, code)
            .await
            .map_err(|e| format!("enrolling {}/{}: {e}", self.store, self.till_no))?;
        let report = kassa_sync::sync_once(&mut till)
            .await
            .map_err(|e| format!("first sync of {}/{}: {e}", self.store, self.till_no))?;
        self.pending = report.pending_sales;
        Ok(())
    }

    /// Rings `count` cash sales, stamped from `at` a few seconds apart (or now, without `at`).
    pub fn ring(&mut self, count: u32, at: Option<DateTime<FixedOffset>>) -> Result<(), String> {
        let mut till = self.open()?;
        for n in 0..count {
            if let Some(start) = at {
                let when = start + chrono::Duration::seconds(i64::from(n) * 7);
                till = till.with_clock(Arc::new(FixedClock(when)));
            } else {
                till = till.with_clock(Arc::new(SystemClock));
            }
            let receipt = till
                .complete_sale(&self.next_sale(), None)
                .map_err(|e| format!("a sale on {}/{}: {e}", self.store, self.till_no))?;
            self.rung
                .push((receipt.business_day.clone(), receipt.receipt_no.clone()));
            self.pending += 1;
        }
        Ok(())
    }

    /// One sync round, timed from the till's side (its own work included, as a cashier waits).
    pub async fn sync(&mut self) -> Result<RoundOutcome, String> {
        let mut till = self.open()?;
        let start = Instant::now();
        let result = kassa_sync::sync_once(&mut till).await;
        let took = start.elapsed();
        if let Ok(report) = &result {
            self.pending = report.pending_sales;
        }
        Ok(RoundOutcome { took, result })
    }

    fn next_sale(&self) -> SaleRequest {
        let n = self.rung.len() as u64;
        let product = |k: u64| {
            let i = (self.index * 7_919 + n * 31 + k * 101) % STOCKED_PRODUCTS;
            kassa_domain::demo_catalogue::demo_product(i).sku
        };
        SaleRequest {
            lines: vec![
                LineRequest::new(product(1), 1),
                LineRequest::new(product(2), 1 + (n % 3) as i64),
            ],
            discount: None,
            tenders: vec![TenderRequest {
                kind: TenderKind::Cash,
                amount: None,
                reference: None,
            }],
        }
    }
}

/// A number in [0, 1000) from a till and a counter: spreads schedules without a random source
/// (runs repeat exactly).
pub fn spread(index: u64, counter: u64) -> u64 {
    let mut x = index
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(counter.wrapping_mul(0xBF58_476D_1CE4_E5B9));
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 29;
    x % 1000
}
