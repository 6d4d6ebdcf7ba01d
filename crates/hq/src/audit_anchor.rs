//! Audit chains anchored at head office. A till's audit chain is a hash chain in its own database:
//! whoever holds that file can cut entries off the end, or rewrite history and recompute every
//! hash after it, and the till's own check would pass. So every sync carries the chain's head,
//! head office keeps each newer head under the authenticated device, and the till proves in its
//! next sync that it still holds the newest anchored entry with the same hash. A head that goes
//! back, or a proof with another hash (or none: the entry is gone), is an `audit_chain` finding
//! for a manager; the sync itself goes on, so sales keep reaching head office.

use crate::storage::{AuditAnchor, Device, FindingKind, HqStorage, NewFinding, SyncWrite};
use crate::HqError;
use kassa_protocol::AuditHead;
use kassa_replica::DocId;

/// An audit entry's hash: SHA-256, lower-case hex.
fn is_hash(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn is_head(head: &AuditHead) -> bool {
    head.seq >= 1 && is_hash(&head.hash)
}

/// What a finding shows of a hash a till sent: enough to compare, bounded whatever was sent.
fn shown(hash: &str) -> String {
    hash.chars().take(16).collect()
}

/// Checks the till's head and its proof against what head office anchored, writes findings and
/// the new anchor into `write`, and returns the newest anchored entry number for the answer.
pub(crate) async fn check(
    storage: &dyn HqStorage,
    device: &Device,
    head: Option<&AuditHead>,
    proof: Option<&AuditHead>,
    write: &mut SyncWrite,
) -> Result<Option<i64>, HqError> {
    let latest = storage.latest_audit_anchor(device.id).await?;
    let mut flags: Vec<(String, String)> = Vec::new();
    if let Some(proof) = proof.filter(|p| p.seq >= 1) {
        match storage.audit_anchor_at(device.id, proof.seq).await? {
            Some(_) if proof.hash.is_empty() => flags.push((
                format!("entry {} gone", proof.seq),
                format!(
                    "the till no longer holds audit entry {}, which it reported as its head \
                     earlier: its log was cut back or restored from an older copy",
                    proof.seq
                ),
            )),
            Some(anchored) if anchored != proof.hash => flags.push((
                format!("fork at {}", proof.seq),
                format!(
                    "audit entry {} is {} on the till, but was {} when head office anchored it: \
                     the till's history was rewritten",
                    proof.seq,
                    shown(&proof.hash),
                    shown(&anchored)
                ),
            )),
            // The same entry, or a number this device never announced (nothing to compare).
            _ => {}
        }
    }
    let mut anchored = latest.as_ref().map(|(seq, _)| *seq);
    if let Some(head) = head {
        match &latest {
            _ if !is_head(head) => flags.push((
                "malformed head".into(),
                "the till sent an audit chain head that is not an entry number and hash".into(),
            )),
            Some((seq, _)) if head.seq < *seq => flags.push((
                format!("went back from {seq} to {}", head.seq),
                format!(
                    "the till's audit chain ends at entry {}, but it reported entry {seq} \
                     earlier: its log was cut back or restored from an older copy",
                    head.seq
                ),
            )),
            Some((seq, hash)) if head.seq == *seq => {
                if *hash != head.hash {
                    flags.push((
                        format!("fork at {seq}"),
                        format!(
                            "audit entry {seq} is {} on the till, but was {} when head office \
                             anchored it: the till's history was rewritten",
                            shown(&head.hash),
                            shown(hash)
                        ),
                    ));
                }
            }
            _ => {
                write.audit_anchor = Some(AuditAnchor {
                    till: format!("{}-{}", device.store, device.till_no),
                    seq: head.seq,
                    hash: head.hash.clone(),
                    device_id: device.id,
                });
                anchored = Some(head.seq);
            }
        }
    }
    // Filed under the till's ledger of the day it was seen, like its other findings.
    let doc_id = DocId::Ledger {
        store: device.store.clone(),
        till: device.till_no,
        day: write.now.format("%Y-%m-%d").to_string(),
    };
    for (subject, detail) in flags {
        write.findings.push(NewFinding {
            kind: FindingKind::AuditChain,
            device_id: Some(device.id),
            doc_id: doc_id.clone(),
            subject,
            detail,
            changes: None,
        });
    }
    Ok(anchored)
}
