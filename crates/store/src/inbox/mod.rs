//! The exceptions inbox at the till: what merging revealed for this store, read from the
//! projections (which hold exactly what the documents hold), and a manager's resolutions.

use crate::error::StoreError;
use crate::staff::{approval_for, Credentials};
use crate::till::Till;
use kassa_domain::Approval;
use kassa_replica::exceptions::{detect, CreditRedemption, Exception, Facts};
use kassa_replica::ledger::{ResolutionRecord, VoidRecord};
use rusqlite::Connection;
use uuid::Uuid;

fn json_rows<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    sql: &str,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.iter()
        .map(|json| serde_json::from_str(json).map_err(|e| StoreError::Corrupt(e.to_string())))
        .collect()
}

/// Store credit redeemed by sales, as the credit rule reads it.
fn redemptions(conn: &Connection) -> Result<Vec<CreditRedemption>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.store_code, s.till_no, t.reference, t.amount
         FROM sale_tenders t JOIN sales s ON s.id = t.sale_id
         WHERE t.kind = 'credit' AND t.reference IS NOT NULL",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(CreditRedemption {
            sale_id: r.get(0)?,
            store: r.get(1)?,
            till_no: r.get(2)?,
            code: r.get(3)?,
            amount: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn voids(conn: &Connection) -> Result<Vec<VoidRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.id, v.sale_id, s.receipt_no, v.reason, v.created_at, v.business_day
         FROM voids v JOIN sales s ON s.id = v.sale_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(VoidRecord {
            id: r.get(0)?,
            sale_id: r.get(1)?,
            receipt_no: r.get(2)?,
            reason: r.get(3)?,
            created_at: r.get(4)?,
            business_day: r.get(5)?,
            cashier: None,
            shift_id: None,
            approved_by: None,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl Till {
    /// What the rules find in this store's records, resolved or not. The same on every till of
    /// the store that holds the same documents, and the same as head office shows for the store.
    pub fn exceptions(&mut self) -> Result<Vec<Exception>, StoreError> {
        let config = self.config()?;
        self.write_documents()?;
        let stock_id = Till::stock_doc_id(&self.conn, &config)?;
        let mut facts = Facts {
            orders: json_rows(&self.conn, "SELECT record FROM orders")?,
            cancellations: json_rows(&self.conn, "SELECT record FROM order_cancellations")?,
            pickups: json_rows(&self.conn, "SELECT record FROM pickups")?,
            redemptions: redemptions(&self.conn)?,
            voids: voids(&self.conn)?,
            returns: json_rows(&self.conn, "SELECT record FROM returns")?,
            resolutions: json_rows(&self.conn, "SELECT record FROM resolutions")?,
            ..Facts::default()
        };
        let mut stmt = self
            .conn
            .prepare_cached("SELECT doc_id, map, record_id FROM record_conflicts")?;
        facts.conflicts = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        drop(stmt);
        let levels = kassa_replica::stock::read_levels(self.docs.get(&self.conn, &stock_id)?)?;
        facts.stock = levels
            .on_hand()
            .into_iter()
            .map(|(sku, on_hand)| (config.store_code.clone(), sku, on_hand))
            .collect();
        // Everything here is this store's: a till holds only its own store's documents.
        Ok(detect(&facts))
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
            .find(|e| e.id == exception_id.trim())
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
                    "resolution",
                    format!("{}: {}", record.exception_id, record.note),
                )
                .record(&record.id)
                .by(operator.as_ref().map(|o| o.staff_ref())),
            )?;
            Ok(record)
        })
    }
}
