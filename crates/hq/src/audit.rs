//! Every till's audit trail as head office holds it (the entries travel in the tills' ledger
//! documents): checked link by link, so a till whose log was edited is named here too.

use crate::error::HqError;
use crate::hq::Hq;
use kassa_replica::audit::{verify_chain, AuditEntry, Break};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditCheck {
    /// `{store}-{till}`
    pub till: String,
    pub entries: usize,
    /// The newest entry head office has.
    pub last_seq: Option<i64>,
    /// Entries not received yet (a day's ledger not synced): numbers between 1 and `last_seq`
    /// head office lacks.
    pub missing: i64,
    pub first_break: Option<Break>,
}

impl Hq {
    /// A till's audit entries as head office holds them, oldest first.
    pub async fn audit_entries(&self, till: &str) -> Result<Vec<AuditEntry>, HqError> {
        let mut entries: Vec<AuditEntry> = self.storage.records_about_of(till.trim()).await?;
        entries.sort_by_key(|e| e.seq);
        Ok(entries)
    }

    /// Checks a till's chain as far as head office has it: every entry's own hash, and every
    /// link between consecutive entries it holds.
    pub async fn verify_audit(&self, till: &str) -> Result<AuditCheck, HqError> {
        let entries = self.audit_entries(till).await?;
        let last_seq = entries.last().map(|e| e.seq);
        Ok(AuditCheck {
            till: till.trim().to_string(),
            entries: entries.len(),
            last_seq,
            missing: last_seq.unwrap_or(0) - entries.len() as i64,
            first_break: verify_chain(&entries, false).err(),
        })
    }
}
