//! What head office found in tills' syncs and held or flagged (`sync_findings`): listed for a
//! manager, who accepts a held change (merged then, as if it had been allowed) or rejects it
//! (kept, never merged). Nothing is deleted either way.

use crate::hq::Hq;
use crate::storage::{Finding, FindingKind, SyncWrite};
use crate::HqError;
use kassa_replica::DocId;

/// Longest name a decision is recorded under.
const MAX_DECIDER: usize = 80;

impl Hq {
    /// Every finding, newest first.
    pub async fn findings(&self) -> Result<Vec<Finding>, HqError> {
        self.storage.findings().await
    }

    /// A manager's decision on held change `id`: accepted changes are merged into their document
    /// (and projected), rejected ones stay held for good. Either way the decision is recorded
    /// with who made it; deciding twice is a conflict.
    pub async fn decide_held(&self, id: i64, accept: bool, by: &str) -> Result<Finding, HqError> {
        let by = by.trim();
        if by.is_empty() || by.chars().count() > MAX_DECIDER {
            return Err(HqError::BadRequest(format!(
                "say who decides (1 to {MAX_DECIDER} characters)"
            )));
        }
        let (finding, changes) = self
            .storage
            .finding_changes(id)
            .await?
            .ok_or_else(|| HqError::NotFound(format!("no finding {id}")))?;
        if finding.kind != FindingKind::HeldChange {
            return Err(HqError::BadRequest(format!(
                "finding {id} is a flag, not a held change: there is nothing to accept or reject"
            )));
        }
        if finding.decision.is_some() {
            return Err(HqError::Conflict(format!(
                "finding {id} was decided already"
            )));
        }
        let now = chrono::Utc::now();
        if accept {
            let doc_id = DocId::parse(&finding.doc_id)
                .map_err(|e| HqError::Corrupt(format!("finding {id}: {e}")))?;
            let mut inner = self.documents(&finding.store).await;
            let mut doc = inner.document(&doc_id).await?;
            kassa_replica::untrusted::decode(
                || Ok(doc.load_incremental(&changes)?),
                kassa_replica::ReplicaError::MalformedMessage,
            )
            .map_err(|e| HqError::Corrupt(format!("the held changes of finding {id}: {e}")))?;
            let mut write = SyncWrite::new(&finding.store, now);
            write
                .documents
                .push(inner.document_write(&doc_id, &mut doc));
            crate::projection::project(&doc_id, &doc, &mut write)?;
            if let DocId::Stock { store, epoch } = &doc_id {
                if inner.store_row(store).await?.stock_epoch == *epoch {
                    write.stock_levels = Some(inner.stock_levels_write(&doc_id, &mut doc)?);
                }
            }
            inner.storage.apply_sync(write).await?;
            inner.remember(&doc_id, doc);
        }
        let decision = if accept { "accepted" } else { "rejected" };
        if !self.storage.decide_finding(id, decision, by, now).await? {
            return Err(HqError::Conflict(format!(
                "finding {id} was decided already"
            )));
        }
        Ok(self
            .storage
            .finding_changes(id)
            .await?
            .map(|(finding, _)| finding)
            .unwrap_or(finding))
    }
}
