//! The till's audit trail: one hash-chained entry per thing that happened at this till, written
//! in the same transaction as what it describes (and into the day's ledger document, so head
//! office gets a copy). `Till::verify_audit` walks the chain and names the first broken entry.

use crate::config::StoreConfig;
use crate::error::StoreError;
use crate::till::Till;
use kassa_domain::{format_amount, Money};
use kassa_replica::audit::{verify_chain, AuditEntry, AuditEvent, Break};
use kassa_replica::ledger::StaffRef;
use rusqlite::OptionalExtension;
use serde::Serialize;

/// What happened, for the log.
pub(crate) struct Event {
    pub kind: AuditEvent,
    pub record_id: Option<String>,
    pub staff: Option<StaffRef>,
    pub approved_by: Option<StaffRef>,
    pub detail: String,
}

impl Event {
    pub fn new(kind: AuditEvent, detail: String) -> Event {
        Event {
            kind,
            record_id: None,
            staff: None,
            approved_by: None,
            detail,
        }
    }

    pub fn record(mut self, id: &str) -> Event {
        self.record_id = Some(id.to_string());
        self
    }

    pub fn by(mut self, staff: Option<StaffRef>) -> Event {
        self.staff = staff;
        self
    }

    pub fn approved(mut self, approved_by: Option<StaffRef>) -> Event {
        self.approved_by = approved_by;
        self
    }
}

/// An amount as the receipt shows it, for details.
pub(crate) fn amount(config: &StoreConfig, money: Money) -> String {
    format!(
        "{} {}",
        format_amount(money, config.currency.minor_digits),
        config.currency.code
    )
}

/// What `kassa audit verify` reports.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    pub entries: usize,
    /// The first entry that does not follow from the ones before it; `None`: the chain holds.
    pub first_break: Option<Break>,
}

impl Till {
    /// Logs an event that makes no other record (a sign-in, a refused PIN, a lock) in a
    /// transaction of its own. A till not set up yet has no log to write to.
    pub(crate) fn audit_alone(&mut self, event: Event) -> Result<(), StoreError> {
        if matches!(self.config(), Err(StoreError::NotInitialized)) {
            return Ok(());
        }
        self.command(|cmd| cmd.audit(event).map(|_| ()))
    }

    /// Logs a receipt printed again (a copy).
    pub fn record_reprint(&mut self, receipt_no: &str) -> Result<(), StoreError> {
        let staff = self.operator().map(|o| o.staff_ref());
        self.audit_alone(Event::new(AuditEvent::Reprint, receipt_no.trim().to_string()).by(staff))
    }

    /// Logs the cash drawer opened without a sale.
    pub fn record_drawer_opened(&mut self) -> Result<(), StoreError> {
        let staff = self.acting()?.map(|o| o.staff_ref());
        self.audit_alone(Event::new(AuditEvent::DrawerOpen, "no sale".into()).by(staff))
    }

    /// The newest `limit` entries, newest first.
    pub fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT entry FROM audit_log ORDER BY seq DESC LIMIT ?1")?;
        let rows = stmt
            .query_map([limit], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter()
            .map(|json| serde_json::from_str(json).map_err(|e| StoreError::Corrupt(e.to_string())))
            .collect()
    }

    /// The chain's head: the newest entry's sequence number and hash (none while it is empty).
    /// Every sync carries it, so head office can tell when this chain goes back or forks.
    pub fn audit_head(&self) -> Result<Option<(i64, String)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// What this till proves about the entry head office anchored last: its number and the hash
    /// this till holds for it (empty when the entry is gone). None before any anchor.
    pub fn audit_at_anchor(&self) -> Result<Option<(i64, String)>, StoreError> {
        let anchor: Option<i64> = self
            .conn
            .query_row(
                "SELECT audit_anchor_seq FROM device WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let Some(seq) = anchor else {
            return Ok(None);
        };
        let hash: Option<String> = self
            .conn
            .query_row("SELECT hash FROM audit_log WHERE seq = ?1", [seq], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(Some((seq, hash.unwrap_or_default())))
    }

    /// Remembers the entry number head office says it has anchored (it only ever moves forward).
    pub fn set_audit_anchor(&mut self, seq: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE device SET audit_anchor_seq = ?1
             WHERE id = 1 AND (audit_anchor_seq IS NULL OR audit_anchor_seq < ?1)",
            [seq],
        )?;
        Ok(())
    }

    /// Walks the whole chain from entry 1: every row's entry must carry its own hash, link to the
    /// entry before, and agree with the row's columns. Names the first entry that does not.
    pub fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, id, hash, entry FROM audit_log ORDER BY seq")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut entries = Vec::with_capacity(rows.len());
        // Ids are checked here rather than by an index every append would write (till
        // migration 0029).
        let mut ids = std::collections::HashSet::with_capacity(rows.len());
        for (seq, id, hash, json) in &rows {
            let broken = |why: &str| AuditReport {
                entries: rows.len(),
                first_break: Some(Break {
                    seq: *seq,
                    id: id.clone(),
                    why: why.into(),
                }),
            };
            let entry: AuditEntry = match serde_json::from_str(json) {
                Ok(entry) => entry,
                Err(_) => return Ok(broken("its entry is not readable")),
            };
            if entry.seq != *seq || entry.id != *id || entry.hash != *hash {
                return Ok(broken("its row does not match its entry"));
            }
            if !ids.insert(id.as_str()) {
                return Ok(broken("its id is used by an entry before it"));
            }
            entries.push(entry);
        }
        Ok(AuditReport {
            entries: rows.len(),
            first_break: verify_chain(&entries, true).err(),
        })
    }
}
