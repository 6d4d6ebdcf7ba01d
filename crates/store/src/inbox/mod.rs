//! The exceptions inbox at the till: what merging revealed for this store, read from the
//! projections (which hold exactly what the documents hold), and a manager's resolutions. The
//! inbox is kept up to date as records arrive ([`kept`]); [`Till::exceptions_from_scratch`] runs
//! every rule over everything, which the kept inbox must always equal.

pub(crate) mod copy;
mod facts;
pub(crate) mod kept;

use crate::error::StoreError;
use crate::staff::{approval_for, Credentials};
use crate::till::Till;
use kassa_domain::Approval;
use kassa_replica::audit::AuditEvent;
use kassa_replica::exceptions::{detect, Exception};
use kassa_replica::ledger::ResolutionRecord;
use uuid::Uuid;

impl Till {
    /// What the rules find in this store's records, resolved or not. The same on every till of
    /// the store that holds the same documents, and the same as head office shows for the store.
    /// Costs what arrived since it was last read (see [`kept`]).
    pub fn exceptions(&mut self) -> Result<Vec<Exception>, StoreError> {
        let config = self.config()?;
        self.write_documents()?;
        let stock_id = Till::stock_doc_id(&self.conn, &config)?;
        let stock = self.docs.get(&self.conn, &stock_id)?;
        // Immediate: the refresh may write, and another connection (the desktop's syncing till)
        // must not change the inbox between this read of it and that write.
        let tx = crate::till::begin(&mut self.conn)?;
        let worked_out = kept::refresh(
            &tx,
            &kept::StockSource {
                store: &config.store_code,
                doc: stock,
            },
        )?;
        let generation = kept::generation(&tx)?;
        let copy = match self.inbox.take() {
            Some(copy) => copy.update(&tx, &worked_out, generation)?,
            None => None,
        };
        let copy = match copy {
            Some(copy) => copy,
            None => copy::InboxCopy::read(&tx, generation)?,
        };
        tx.commit()?;
        let exceptions = copy.exceptions();
        self.inbox = Some(copy);
        Ok(exceptions)
    }

    /// Every rule run over everything this till holds, ignoring the kept inbox: what
    /// [`Till::exceptions`] must always equal (tests check it), and a way to look again when in
    /// doubt.
    pub fn exceptions_from_scratch(&mut self) -> Result<Vec<Exception>, StoreError> {
        let config = self.config()?;
        self.write_documents()?;
        let stock_id = Till::stock_doc_id(&self.conn, &config)?;
        let stock = self.docs.get(&self.conn, &stock_id)?;
        Ok(detect(&facts::everything(
            &self.conn,
            &config.store_code,
            stock,
        )?))
    }

    /// A manager closes an exception with a note: a record in this till's ledger, so it syncs to
    /// head office and the store's other tills.
    ///
    /// On a till with staff the manager is the one signed in, or the one whose PIN is given in
    /// `approval`; `resolved_by` is then ignored (it names whoever typed it on a till with no
    /// staff).
    pub fn resolve_exception(
        &mut self,
        exception_id: &str,
        note: &str,
        resolved_by: Option<&str>,
        approval: Option<&Credentials>,
    ) -> Result<ResolutionRecord, StoreError> {
        let operator = self.acting()?;
        let approver = self.approver(approval)?;
        let manager = match &operator {
            Some(operator) => {
                approval_for(Approval::Resolution, Some(operator), approver.as_ref())?
                    .map(|m| m.name)
            }
            None => resolved_by
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        };
        let note = note.trim();
        if note.is_empty() {
            return Err(StoreError::Invalid("a resolution needs a note".into()));
        }
        if note.chars().count() > 1000 {
            return Err(StoreError::Invalid(
                "the note is too long (at most 1000 characters)".into(),
            ));
        }
        let exception = self
            .exceptions()?
            .into_iter()
            .find(|e| {
                e.id == kassa_replica::exceptions::exception_id_without_code(exception_id.trim())
            })
            .ok_or_else(|| StoreError::ExceptionNotFound(exception_id.trim().to_string()))?;
        self.command(|cmd| {
            let record = ResolutionRecord {
                id: Uuid::now_v7().to_string(),
                exception_id: exception.id.clone(),
                note: note.to_string(),
                resolved_by: manager,
                written_by: format!("till-{}", cmd.config.till_no),
                store: cmd.config.store_code.clone(),
                created_at: cmd.stamp.at.clone(),
            };
            cmd.record_in_ledger(&record)?;
            cmd.audit(
                crate::audit::Event::new(
                    AuditEvent::Resolution,
                    format!("{}: {}", record.exception_id, record.note),
                )
                .record(&record.id)
                .by(operator.as_ref().map(|o| o.staff_ref())),
            )?;
            Ok(record)
        })
    }
}
