//! The `Till` service: the one API every front end calls. Each command that writes is one
//! `BEGIN IMMEDIATE` transaction: its Automerge changes and its projection rows commit together
//! or not at all.

use crate::audit::Event;
use crate::catalogue::{self, CatalogItem, ImportSummary};
use crate::clock::{Clock, SystemClock};
use crate::command::documents::DocumentCache;
use crate::command::{Command, Projection, Stamp};
use crate::config::{self, StoreConfig, StoreSetup, TaxClass};
use crate::database;
use crate::error::StoreError;
use crate::receipt::{self, Receipt};
use crate::report::{self, DayReport};
use crate::sale::{self, SaleRequest};
use crate::staff::Credentials;
use crate::void;
use chrono::NaiveDate;
use kassa_domain::{parse_catalogue_csv, CsvProduct, CsvRowError, PricedBasket};
use kassa_domain::{Approval, TenderKind};
use kassa_replica::audit::AuditEvent;
use kassa_replica::ledger::VoidRecord;
use kassa_replica::Timestamp;
use kassa_replica::{ActorId, DocId};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use std::path::Path;
use std::sync::Arc;

pub struct Till {
    pub(crate) conn: Connection,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) docs: DocumentCache,
    /// Who is signed in. In memory only: a restarted app starts locked.
    pub(crate) operator: Option<crate::staff::Operator>,
    /// The exceptions inbox as last read, with the generation it was read at (see
    /// `crate::inbox::kept::generation`).
    pub(crate) inbox: Option<crate::inbox::copy::InboxCopy>,
}

pub(crate) fn begin(conn: &mut Connection) -> Result<Transaction<'_>, StoreError> {
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

/// This till's Automerge actor, or a throw-away one before `init` made it.
pub(crate) fn actor_of(conn: &Connection) -> Result<ActorId, StoreError> {
    let hex: Option<String> = conn
        .query_row("SELECT actor_id FROM device WHERE id = 1", [], |r| r.get(0))
        .optional()?;
    match hex {
        Some(hex) => ActorId::try_from(hex.as_str())
            .map_err(|e| StoreError::Corrupt(format!("actor id: {e}"))),
        None => Ok(ActorId::random()),
    }
}

impl Till {
    /// Runs one write command through the command context, as one `BEGIN IMMEDIATE`
    /// transaction: documents persisted once and committed with the rows, or discarded.
    pub(crate) fn command<T>(
        &mut self,
        f: impl FnOnce(&mut Command<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.command_projecting(Projection::Now, f)
    }

    /// [`Till::command`], saying whether its sale is projected in it or queued.
    pub(crate) fn command_projecting<T>(
        &mut self,
        projection: Projection,
        f: impl FnOnce(&mut Command<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let (at, day) = self.stamp();
        let mut cmd = Command::begin(
            &mut self.conn,
            &mut self.docs,
            Stamp { at, day },
            projection,
        )?;
        let value = f(&mut cmd)?;
        cmd.commit()?;
        Ok(value)
    }

    /// Writes every record commands queued into its Automerge document (one transaction, each
    /// document persisted once). Called before anything reads or syncs a document, and by the
    /// desktop's background loop; nothing to do costs one indexed query.
    pub fn write_documents(&mut self) -> Result<usize, StoreError> {
        let queued: bool = self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM document_outbox)")?
            .query_row([], |r| r.get(0))?;
        if !queued {
            return Ok(0);
        }
        self.command(|cmd| cmd.write_documents())
    }

    /// Background upkeep, for a connection that does not sell (the desktop's sync loop): writes
    /// queued records into their documents, then copies the WAL into the database file (a
    /// passive checkpoint, which never blocks the selling connection), so a sale rarely has to.
    pub fn maintain(&mut self) -> Result<usize, StoreError> {
        let written = self.write_documents()?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(written)
    }

    fn from_connection(conn: Connection) -> Result<Till, StoreError> {
        let actor = actor_of(&conn)?;
        Ok(Till {
            conn,
            clock: Arc::new(SystemClock),
            docs: DocumentCache::new(actor),
            operator: None,
            inbox: None,
        })
    }

    /// Opens (creating if needed) the till database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Till, StoreError> {
        Till::from_connection(database::open_file(path)?)
    }

    pub fn open_in_memory() -> Result<Till, StoreError> {
        Till::from_connection(database::open_memory()?)
    }

    /// Replaces the clock (tests, reproducible demos).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Till {
        self.clock = clock;
        self
    }

    /// Now, as this till stamps records (local time with its offset, to the millisecond), and
    /// the business day (the local date).
    pub(crate) fn stamp(&self) -> (Timestamp, String) {
        let now = self.clock.now();
        (Timestamp::local(now), now.date_naive().to_string())
    }

    /// Sets up this till: store, till number, currency, tax mode, tax classes. Once only.
    pub fn init(&mut self, setup: &StoreSetup) -> Result<StoreConfig, StoreError> {
        setup.validate()?;
        let (created_at, _) = self.stamp();
        let tx = begin(&mut self.conn)?;
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
        config::write_config(&tx, setup, created_at.as_str())?;
        tx.execute(
            "INSERT OR IGNORE INTO device (id, actor_id) VALUES (1, lower(hex(randomblob(16))))",
            [],
        )?;
        crate::receipt_keys::ensure_standalone_key(&tx)?;
        let config = config::read_config(&tx)?;
        let actor = actor_of(&tx)?;
        tx.commit()?;
        self.docs.set_actor(actor);
        Ok(config)
    }

    /// This device's Automerge actor id (hex), made on first use: a till announces it when it
    /// enrolls, which may be before it is set up.
    pub fn actor_id(&mut self) -> Result<String, StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO device (id, actor_id) VALUES (1, lower(hex(randomblob(16))))",
            [],
        )?;
        let actor = actor_of(&self.conn)?;
        self.docs.set_actor(actor.clone());
        Ok(actor.to_hex_string())
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

    /// Imports already parsed products (the demo generator, head office updates) in one
    /// transaction.
    pub fn import_products(
        &mut self,
        products: &[CsvProduct],
        parse_errors: Vec<CsvRowError>,
        skip_bad_rows: bool,
    ) -> Result<ImportSummary, StoreError> {
        self.config()?;
        let tx = begin(&mut self.conn)?;
        let summary = catalogue::import(&tx, products, parse_errors, skip_bad_rows)?;
        tx.commit()?;
        Ok(summary)
    }

    /// Exact lookup by barcode or SKU, as a scanner needs it.
    pub fn find_by_code(&self, code: &str) -> Result<Option<CatalogItem>, StoreError> {
        catalogue::find_by_code(&self.conn, code.trim(), self.clock.now().timestamp())
    }

    /// Name search: every word as a prefix, case and accent insensitive.
    pub fn search(&self, text: &str, limit: u32) -> Result<Vec<CatalogItem>, StoreError> {
        catalogue::search(
            &self.conn,
            text,
            limit.clamp(1, 200),
            self.clock.now().timestamp(),
        )
    }

    /// Prices a basket without storing anything (what the selling screen shows as it fills).
    pub fn price(&self, request: &SaleRequest) -> Result<PricedBasket, StoreError> {
        sale::price(
            &self.conn,
            &self.config()?,
            request,
            self.clock.now().timestamp(),
        )
    }

    /// The cash still due on a basket being paid (after the tenders already entered,
    /// cash-rounded) and the round sums a customer is likely to hand over, for the cash keys.
    pub fn quick_cash(
        &self,
        request: &SaleRequest,
    ) -> Result<Vec<kassa_domain::Money>, StoreError> {
        use kassa_domain::{quick_cash_amounts, round_to_increment, Money};
        let config = self.config()?;
        let total = self.price(request)?.total;
        let paid = Money::sum(request.tenders.iter().filter_map(|t| t.amount))?;
        let left = total.checked_sub(paid)?;
        let due = round_to_increment(left.max(Money::ZERO), config.cash_increment)?;
        let unit = 10i64.pow(u32::from(config.currency.minor_digits));
        Ok(quick_cash_amounts(due, unit, 4))
    }

    /// The stock document this till writes its movements to.
    pub(crate) fn stock_doc_id(
        conn: &Connection,
        config: &StoreConfig,
    ) -> Result<DocId, StoreError> {
        let epoch: u32 = conn
            .prepare_cached("SELECT stock_epoch FROM device WHERE id = 1")?
            .query_row([], |r| r.get(0))?;
        Ok(DocId::Stock {
            store: config.store_code.clone(),
            epoch,
        })
    }

    /// Completes a sale: prices it, checks the tenders cover it, takes the next receipt number and
    /// stores the ledger change, the stock movements and the projection rows in one durable
    /// transaction. Refused input changes nothing. `approval` is a supervisor's PIN for discounts
    /// past the store's limit (needed on a till with staff when the cashier's own role may not
    /// approve them).
    pub fn complete_sale(
        &mut self,
        request: &SaleRequest,
        approval: Option<&Credentials>,
    ) -> Result<Receipt, StoreError> {
        let operator = self.acting()?;
        let approver = self.approver(approval)?;
        let now_unix = self.clock.now().timestamp();
        // Store credit is checked against what earlier sales redeemed: those must be projected.
        // A cash or card sale reads no sale, so its own projection waits (ADR 0013).
        let projection = if request.tenders.iter().any(|t| t.kind == TenderKind::Credit) {
            Projection::Now
        } else {
            Projection::SaleQueued
        };
        let record = self.command_projecting(projection, |cmd| {
            sale::check_cashier_tenders(&request.tenders, sale::SALE_TENDERS, "a sale")?;
            let priced = sale::price(cmd.conn(), &cmd.config, request, now_unix)?;
            let (tenders, settlement) =
                sale::settle_tenders(priced.total, &request.tenders, cmd.config.cash_increment)?;
            let made_by = sale::sale_made_by(
                cmd.conn(),
                &priced,
                operator.as_ref(),
                approver.as_ref(),
                cmd.config.till_no,
            )?;
            let id = uuid::Uuid::now_v7().to_string();
            sale::write_sale(cmd, id, priced, tenders, &settlement, made_by)
        })?;
        Ok(Receipt::from_record(record, None))
    }

    pub fn sale(&self, receipt_no: &str) -> Result<Receipt, StoreError> {
        receipt::load(self.fresh()?, receipt_no)
    }

    /// Voids a sale with a reason: a new record pointing at it, in this till's ledger of today;
    /// the goods go back into stock. A sale is voided at most once. On a till with staff every
    /// void needs a supervisor's PIN (`approval`), unless the operator is a supervisor or manager.
    pub fn void_sale(
        &mut self,
        receipt_no: &str,
        reason: &str,
        approval: Option<&Credentials>,
    ) -> Result<VoidRecord, StoreError> {
        let operator = self.acting()?;
        let approver = self.approver(approval)?;
        let approved_by =
            crate::staff::approval_for(Approval::Void, operator.as_ref(), approver.as_ref())?;
        self.command(|cmd| {
            let (created_at, business_day) = (cmd.stamp.at.clone(), cmd.stamp.day.clone());
            let mut record =
                void::build_void(cmd.conn(), receipt_no, reason, &created_at, &business_day)?;
            record.cashier = operator.as_ref().map(|o| o.staff_ref());
            record.approved_by = approved_by;
            record.shift_id = crate::shift::money_shift(cmd.conn(), cmd.config.till_no)?;
            let sale = receipt::load(cmd.conn(), receipt_no)?;
            cmd.record_in_ledger(&record)?;
            cmd.move_stock(sale.lines.iter().map(|l| (l.sku.as_str(), l.quantity)))?;
            cmd.audit(
                Event::new(
                    AuditEvent::Void,
                    format!("{}: {}", record.receipt_no, record.reason),
                )
                .record(&record.id)
                .by(record.cashier.clone())
                .approved(record.approved_by.clone()),
            )?;
            Ok(record)
        })
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
        report::period_report(
            self.fresh()?,
            report::Period::Day(&day),
            &day,
            &config.currency.code,
            config.till_no,
        )
    }

    /// Stock on hand of a SKU at this store, as far as this till knows (its own movements plus
    /// whatever the last sync brought).
    pub fn stock_on_hand(&mut self, sku: &str) -> Result<i64, StoreError> {
        let config = self.config()?;
        self.write_documents()?;
        let id = Till::stock_doc_id(&self.conn, &config)?;
        Ok(kassa_replica::stock::on_hand_of(
            self.docs.get(&self.conn, &id)?,
            sku,
        )?)
    }

    /// The underlying connection, for tests and tools in this workspace that inspect the database.
    /// Queued sales are projected first, so what they read is what the till's own reads see; if
    /// that fails, they see the database as it is (and the failure is printed).
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        if let Err(e) = self.fresh() {
            eprintln!("kassa: queued sales were not projected: {e}");
        }
        &self.conn
    }
}
