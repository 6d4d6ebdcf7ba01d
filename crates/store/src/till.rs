//! The `Till` service: the one API every front end calls. Each command that writes is one
//! `BEGIN IMMEDIATE` transaction; it commits whole or leaves nothing behind.

use crate::catalogue::{self, CatalogItem, ImportSummary};
use crate::clock::{Clock, SystemClock};
use crate::config::{self, StoreConfig, StoreSetup, TaxClass};
use crate::database;
use crate::error::StoreError;
use crate::receipt::{self, Receipt};
use crate::report::{self, DayReport};
use crate::sale::{self, NewSale, SaleRequest};
use crate::void::{self, VoidRecord};
use chrono::NaiveDate;
use kassa_domain::{parse_catalogue_csv, CsvProduct, CsvRowError, PricedBasket};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::Path;
use std::sync::Arc;
use uuid::Uuid;

pub struct Till {
    conn: Connection,
    clock: Arc<dyn Clock>,
}

impl Till {
    /// Opens (creating if needed) the till database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Till, StoreError> {
        Ok(Till {
            conn: database::open_file(path)?,
            clock: Arc::new(SystemClock),
        })
    }

    pub fn open_in_memory() -> Result<Till, StoreError> {
        Ok(Till {
            conn: database::open_memory()?,
            clock: Arc::new(SystemClock),
        })
    }

    /// Replaces the clock (tests, reproducible demos).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Till {
        self.clock = clock;
        self
    }

    fn begin(&mut self) -> Result<Transaction<'_>, StoreError> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    fn stamp(&self) -> (String, String) {
        let now = self.clock.now();
        (
            now.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
            now.date_naive().to_string(),
        )
    }

    /// Sets up this till: store, till number, currency, tax mode, tax classes. Once only.
    pub fn init(&mut self, setup: &StoreSetup) -> Result<StoreConfig, StoreError> {
        setup.validate()?;
        let (created_at, _) = self.stamp();
        let tx = self.begin()?;
        match config::read_config(&tx) {
            Ok(existing) => {
                return Err(StoreError::AlreadyInitialized(format!(
                    "store {} till {}",
                    existing.store_code, existing.till_no
                )))
            }
            Err(StoreError::NotInitialized) => {}
            Err(e) => return Err(e),
        }
        config::write_config(&tx, setup, &created_at)?;
        let config = config::read_config(&tx)?;
        tx.commit()?;
        Ok(config)
    }

    pub fn config(&self) -> Result<StoreConfig, StoreError> {
        config::read_config(&self.conn)
    }

    pub fn tax_classes(&self) -> Result<Vec<TaxClass>, StoreError> {
        config::tax_classes(&self.conn)
    }

    /// Imports a catalogue CSV (format in the README). By default a file with any bad row imports
    /// nothing; with `skip_bad_rows` the good rows are imported and the bad ones reported.
    pub fn import_catalogue_csv(
        &mut self,
        bytes: &[u8],
        skip_bad_rows: bool,
    ) -> Result<ImportSummary, StoreError> {
        let config = self.config()?;
        let parsed = parse_catalogue_csv(bytes, config.currency.minor_digits).map_err(|e| {
            StoreError::CatalogueRow {
                line: e.line,
                message: e.message,
            }
        })?;
        self.import_products(&parsed.products, parsed.errors, skip_bad_rows)
    }

    /// Imports already parsed products (the demo generator, head office snapshots) in one
    /// transaction.
    pub fn import_products(
        &mut self,
        products: &[CsvProduct],
        parse_errors: Vec<CsvRowError>,
        skip_bad_rows: bool,
    ) -> Result<ImportSummary, StoreError> {
        self.config()?;
        let tx = self.begin()?;
        let summary = catalogue::import(&tx, products, parse_errors, skip_bad_rows)?;
        tx.commit()?;
        Ok(summary)
    }

    /// Exact lookup by barcode or SKU, as a scanner needs it.
    pub fn find_by_code(&self, code: &str) -> Result<Option<CatalogItem>, StoreError> {
        catalogue::find_by_code(&self.conn, code.trim())
    }

    /// Name search: every word as a prefix, case and accent insensitive.
    pub fn search(&self, text: &str, limit: u32) -> Result<Vec<CatalogItem>, StoreError> {
        catalogue::search(&self.conn, text, limit.clamp(1, 200))
    }

    /// Prices a basket without storing anything (what the selling screen shows as it fills).
    pub fn price(&self, request: &SaleRequest) -> Result<PricedBasket, StoreError> {
        sale::price(&self.conn, &self.config()?, request)
    }

    /// Completes a sale: prices it, checks the tenders cover it, takes the next receipt number and
    /// stores everything in one durable transaction. Refused input changes nothing.
    pub fn complete_sale(&mut self, request: &SaleRequest) -> Result<Receipt, StoreError> {
        let (created_at, business_day) = self.stamp();
        let tx = self.begin()?;
        let config = config::read_config(&tx)?;
        let priced = sale::price(&tx, &config, request)?;
        let (tenders, settlement) =
            sale::settle_tenders(priced.total, &request.tenders, config.cash_increment)?;
        let seq = sale::next_seq(&tx)?;
        let receipt_no = sale::receipt_no(&config, seq);
        let new_sale = NewSale {
            id: Uuid::now_v7(),
            receipt_no: &receipt_no,
            seq,
            created_at: &created_at,
            business_day: &business_day,
            config: &config,
            priced: &priced,
            tenders: &tenders,
            settlement: &settlement,
        };
        sale::insert_sale(&tx, &new_sale)?;
        let receipt = receipt::load(&tx, &receipt_no)?;
        tx.commit()?;
        Ok(receipt)
    }

    pub fn sale(&self, receipt_no: &str) -> Result<Receipt, StoreError> {
        receipt::load(&self.conn, receipt_no)
    }

    /// Voids a sale with a reason: a new record pointing at it. A sale is voided at most once.
    pub fn void_sale(&mut self, receipt_no: &str, reason: &str) -> Result<VoidRecord, StoreError> {
        let (created_at, business_day) = self.stamp();
        let tx = self.begin()?;
        let record = void::insert_void(&tx, receipt_no, reason, &created_at, &business_day)?;
        tx.commit()?;
        Ok(record)
    }

    /// The receipt number of this till's most recent sale, if any.
    pub fn last_receipt_no(&self) -> Result<Option<String>, StoreError> {
        let config = self.config()?;
        let seq: i64 = self.conn.query_row(
            "SELECT last_seq FROM receipt_counter WHERE id = 1",
            [],
            |r| r.get(0),
        )?;
        Ok((seq > 0).then(|| sale::receipt_no(&config, seq)))
    }

    /// Totals for one business day; `None` is today.
    pub fn day_report(&self, day: Option<NaiveDate>) -> Result<DayReport, StoreError> {
        let config = self.config()?;
        let day = day.map_or_else(
            || self.clock.now().date_naive().to_string(),
            |d| d.to_string(),
        );
        report::day_report(&self.conn, &day, &config.currency.code)
    }

    /// The underlying connection, for tests and tools in this workspace that inspect the database.
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}
