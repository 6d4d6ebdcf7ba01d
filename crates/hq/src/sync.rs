//! `POST /v1/sync`: apply a till's batch of sync messages all-or-nothing, answer with head
//! office's messages, announce the store's documents, and send catalogue changes. A message
//! holding a change the till may not make is held (kept for a manager), not merged.

use crate::epochs::{carry_late_movements, epoch_due, open_epoch};
use crate::error::HqError;
use crate::hq::Hq;
use crate::projection::Records;
use crate::storage::{Device, FindingKind, NewFinding, SyncStateWrite, SyncWrite};
use kassa_protocol::{
    CatalogueUpdate, DocMessage, StaffUpdate, SyncRequest, SyncResponse, MAX_DOCS_PER_BATCH,
    MAX_MESSAGE_BYTES, OLDEST_PROTOCOL_VERSION, PROTOCOL_VERSION,
};
use kassa_replica::authorship::check_till_change;
use kassa_replica::stock::keys_written_since;
use kassa_replica::validate::{is_skeleton, receive_candidate, Received};
use kassa_replica::{generate_message, heads_hex, DocId, DocKind, SyncState};
use std::collections::BTreeSet;

/// One document of a request after its message was applied to the request's own copy.
struct Applied {
    id: DocId,
    doc: kassa_replica::AutoCommit,
    state: SyncState,
    /// Head office's message back to the till, if it has something to send.
    reply: Option<Vec<u8>>,
    /// Whether the message brought changes (the document is written and projected only then).
    changed: bool,
    /// The map keys the new changes wrote: the records to project, nothing older.
    written: BTreeSet<String>,
}

impl Hq {
    /// Applies a till's batch. When another process (an admin command on the same data) wrote
    /// one of the documents meanwhile, storage refuses the write as stale and the batch is
    /// applied again to the documents as they are now.
    pub async fn sync(
        &self,
        device: &Device,
        request: SyncRequest,
    ) -> Result<SyncResponse, HqError> {
        for _ in 0..crate::stock::MAX_STALE_RETRIES {
            match self.sync_once(device, &request).await {
                Err(HqError::StaleDocument(_)) => {
                    self.documents(&device.store).await.forget_documents()
                }
                other => return other,
            }
        }
        self.sync_once(device, &request).await
    }

    async fn sync_once(
        &self,
        device: &Device,
        request: &SyncRequest,
    ) -> Result<SyncResponse, HqError> {
        if !(OLDEST_PROTOCOL_VERSION..=PROTOCOL_VERSION).contains(&request.protocol) {
            return Err(HqError::BadRequest(format!(
                "protocol version {} is not supported (head office speaks \
                 {OLDEST_PROTOCOL_VERSION} to {PROTOCOL_VERSION})",
                request.protocol
            )));
        }
        if request.docs.len() > MAX_DOCS_PER_BATCH {
            return Err(HqError::TooLarge(format!(
                "{} documents in one batch (at most {MAX_DOCS_PER_BATCH})",
                request.docs.len()
            )));
        }
        // Check every id before touching anything: a refused request changes nothing.
        let mut ids = Vec::with_capacity(request.docs.len());
        for message in &request.docs {
            let id =
                DocId::parse(&message.doc_id).map_err(|e| HqError::BadRequest(e.to_string()))?;
            if id.store() != device.store {
                return Err(HqError::Forbidden(format!(
                    "document {id} belongs to another store"
                )));
            }
            if message.message.len() > MAX_MESSAGE_BYTES {
                return Err(HqError::TooLarge(format!(
                    "sync message for {id} is {} bytes",
                    message.message.len()
                )));
            }
            if ids.contains(&id) {
                return Err(HqError::BadRequest(format!(
                    "document {id} appears twice in one batch"
                )));
            }
            ids.push(id);
        }

        let signed_heads =
            checked_signed_heads(&self.verified_heads, device, &ids, &request.signed_heads)?;

        let mut inner = self.documents_or_busy(&device.store).await?;
        let store = inner.store_row(&device.store).await?;
        let devices = inner.storage.store_devices(&device.store).await?;
        let now = chrono::Utc::now();

        // Phase 1: apply each message to a copy; any refusal leaves everything as it was. A
        // message with a change this device may not make, or may not prove it made, is held
        // whole (its changes kept for a manager) and its document left as it was; the other
        // documents of the request go on, so one bad change never stops a till's sales.
        let mut applied = Vec::with_capacity(ids.len());
        let mut held = Vec::new();
        for (id, message) in ids.iter().zip(&request.docs) {
            let mut doc = inner.document(id).await?;
            let before = heads_hex(&mut doc);
            // `doc` is this request's own copy: a refused message throws it away.
            let state = match inner.storage.load_sync_state(id, device.id).await? {
                Some(bytes) => {
                    SyncState::decode(&bytes).map_err(|e| HqError::Corrupt(e.to_string()))?
                }
                None => SyncState::new(),
            };
            let mut received = receive_candidate(&message.doc_id, doc, state, &message.message)?;
            if let Some(reason) = first_unproven_change(id, device, &devices, &received) {
                held.push(hold(id, device, &received, reason));
                continue;
            }
            let reply = generate_message(&mut received.doc, &mut received.state);
            let changed = heads_hex(&mut received.doc) != before;
            // What the new changes wrote: the records to project, nothing older.
            let written = if changed {
                keys_written_since(&mut received.doc, &received.before)
            } else {
                BTreeSet::new()
            };
            applied.push(Applied {
                id: id.clone(),
                doc: received.doc,
                state: received.state,
                reply,
                changed,
                written,
            });
        }

        // Phase 2: projections and one transaction for everything.
        let mut write = SyncWrite {
            from_store: true,
            findings: held,
            signed_heads,
            // A report out of bounds is left out, never a reason to refuse the sales it came
            // with.
            contact: Some(crate::storage::TillContact {
                device_id: device.id,
                till_no: device.till_no,
                report: request.till_report.clone().filter(|r| r.is_plausible()),
            }),
            ..SyncWrite::new(&device.store, now)
        };
        for Applied {
            id,
            doc,
            state,
            changed,
            written,
            ..
        } in &mut applied
        {
            write.states.push(SyncStateWrite {
                doc_id: id.clone(),
                device_id: device.id,
                state: state.encode(),
            });
            if !*changed {
                continue;
            }
            write.documents.push(inner.document_write(id, doc));
            crate::projection::project_records(id, doc, Records::Among(written), &mut write)?;
            match id.kind() {
                DocKind::Stock if matches!(id, DocId::Stock { epoch, .. } if *epoch == store.stock_epoch) =>
                {
                    write.stock_levels = Some(inner.stock_levels_write(id, doc)?);
                }
                _ => {}
            }
        }
        // Movements that reached a closed epoch are carried into the current one.
        let current_id = DocId::Stock {
            store: device.store.clone(),
            epoch: store.stock_epoch,
        };
        let mut current = match applied.iter().find(|a| a.id == current_id) {
            Some(a) => a.doc.clone(),
            None => inner.document(&current_id).await?,
        };
        let mut carried = false;
        for Applied {
            id, doc, changed, ..
        } in &applied
        {
            if let (DocId::Stock { epoch, .. }, true) = (id, *changed) {
                if *epoch < store.stock_epoch {
                    carried |= carry_late_movements(
                        &inner,
                        &device.store,
                        *epoch,
                        doc,
                        &mut current,
                        &mut write,
                    )
                    .await?;
                }
            }
        }
        if carried {
            write.stock_levels = Some(inner.stock_levels_write(&current_id, &mut current)?);
            write.documents.retain(|d| d.doc_id != current_id);
            write
                .documents
                .push(inner.document_write(&current_id, &mut current));
        }
        let audit_anchor = crate::audit_anchor::check(
            inner.storage,
            device,
            request.audit_head.as_ref(),
            request.audit_at_anchor.as_ref(),
            &mut write,
        )
        .await?;
        let projected = write.sales.len() + write.voids.len() + write.records.len();
        inner.storage.apply_sync(write).await?;
        self.metrics.projected(projected);
        if carried {
            inner.remember(&current_id, current.clone());
            for entry in applied.iter_mut().filter(|a| a.id == current_id) {
                // The till's copy of the current epoch must see the carried movements too.
                entry.doc = current.clone();
                if let Some(message) = generate_message(&mut entry.doc, &mut entry.state) {
                    entry.reply = Some(message);
                }
            }
        }
        let mut replies = Vec::new();
        for Applied { id, doc, reply, .. } in applied {
            if let Some(message) = reply {
                replies.push(DocMessage {
                    doc_id: id.to_string(),
                    message,
                });
            }
            inner.remember(&id, doc);
        }

        if epoch_due(&inner, &device.store).await? {
            open_epoch(&mut inner, &device.store).await?;
        }
        // Nothing below changes documents: other requests may go on.
        drop(inner);
        let storage = self.storage.as_ref();
        let store = self.store_row(&device.store).await?;
        // Protocol 2 tills are told only what changed since their cursor; protocol 1 tills get
        // the whole list they expect.
        let with_cursor = request.protocol >= 2;
        let since = if with_cursor {
            request.docs_since
        } else {
            None
        };
        let (cursor, store_docs) = storage
            .documents_changed_since(&device.store, since)
            .await?;
        // Before the staff update, so that it carries the PINs taken.
        let pin_changes_refused = self.take_pin_changes(device, &request.pin_changes).await?;
        let (version, products) = storage.catalogue_since(request.catalogue_since).await?;
        let catalogue =
            (version != request.catalogue_since).then_some(CatalogueUpdate { version, products });
        let (staff_version, members) = storage
            .staff_since(&device.store, request.staff_since)
            .await?;
        let staff = (staff_version != request.staff_since).then_some(StaffUpdate {
            version: staff_version,
            members,
        });
        // The till's set is replaced when its digest differs: a key added, rotated or no
        // longer trusted.
        let keys = self.trusted_store_keys_read().await?;
        let receipt_keys =
            (*keys.digest != *request.receipt_keys_digest).then(|| keys.keys.to_vec());
        Ok(SyncResponse {
            protocol: request.protocol,
            hq_protocol: Some(PROTOCOL_VERSION),
            docs_cursor: with_cursor.then_some(cursor),
            docs: replies,
            store_docs: store_docs
                .into_iter()
                .map(|(doc_id, heads)| kassa_protocol::DocHeads {
                    doc_id: doc_id.to_string(),
                    heads,
                })
                .collect(),
            stock_epoch: store.stock_epoch,
            catalogue,
            staff,
            receipt_keys,
            audit_anchor,
            pin_changes_refused,
        })
    }
}

/// Why a received message cannot be merged, if it cannot: the first new change that is not the
/// authenticated device's own (no device can prove another's change without its signature; a
/// revoked device's is never taken), or that writes what this till may not.
fn first_unproven_change(
    id: &DocId,
    device: &Device,
    devices: &[Device],
    received: &Received,
) -> Option<String> {
    for change in &received.new_changes {
        if is_skeleton(change) {
            continue;
        }
        let actor = change.actor_id().to_hex_string();
        if actor != device.actor_id {
            let owner = devices.iter().rev().find(|d| d.actor_id == actor);
            return Some(match owner {
                Some(d) if d.revoked => format!(
                    "a change by till {}'s revoked device, carried by till {}",
                    d.till_no, device.till_no
                ),
                Some(d) => format!(
                    "a change by till {}'s device, carried by till {} without proof it is theirs",
                    d.till_no, device.till_no
                ),
                None => format!(
                    "a change by actor {actor}, which is no device of {}",
                    device.store
                ),
            });
        }
        if let Err(why) =
            check_till_change(id, device.till_no, &received.doc, &received.before, change)
        {
            return Some(why);
        }
    }
    None
}

/// The finding that keeps a held message's changes (nothing is lost: a manager accepts or
/// rejects them). Keyed by the first new change, so the same message sent again refreshes it.
fn hold(id: &DocId, device: &Device, received: &Received, reason: String) -> NewFinding {
    let mut changes = Vec::new();
    for change in &received.new_changes {
        changes.extend_from_slice(change.raw_bytes());
    }
    let subject = received
        .new_changes
        .iter()
        .find(|c| !is_skeleton(c))
        .map_or_else(String::new, |c| c.hash().to_string());
    NewFinding {
        kind: FindingKind::HeldChange,
        device_id: Some(device.id),
        doc_id: id.clone(),
        subject,
        detail: reason,
        changes: Some(changes),
    }
}

/// The heads signatures of a sync request that are genuine, by the device's certified key, for
/// documents the request carries (a till sends no others; anything else is not kept, so a till
/// cannot fill head office with signatures of documents that do not exist). A signature for
/// another store's document refuses the request (as a message would); one that does not check
/// is left out and said in the log, and the sync goes on (the till's sales must not wait on it).
fn checked_signed_heads(
    verified: &crate::verified_heads::VerifiedHeads,
    device: &Device,
    carried: &[DocId],
    signed: &[kassa_protocol::SignedHeads],
) -> Result<Vec<(i64, kassa_protocol::SignedHeads)>, HqError> {
    if signed.len() > MAX_DOCS_PER_BATCH {
        return Err(HqError::TooLarge(format!(
            "{} signed heads in one batch (at most {MAX_DOCS_PER_BATCH})",
            signed.len()
        )));
    }
    let mut out = Vec::new();
    for heads in signed {
        let id = DocId::parse(&heads.doc_id).map_err(|e| HqError::BadRequest(e.to_string()))?;
        if id.store() != device.store {
            return Err(HqError::Forbidden(format!(
                "document {id} belongs to another store"
            )));
        }
        if !carried.contains(&id) {
            continue;
        }
        let checked = device
            .public_key
            .as_deref()
            .ok_or(kassa_domain::heads_signature::HeadsSignatureError::BadKey);
        match checked.and_then(|key| {
            verified.check(key, &heads.doc_id, &heads.heads, &heads.signature, || {
                kassa_domain::heads_signature::verify_heads(
                    key,
                    &heads.doc_id,
                    &heads.heads,
                    &heads.signature,
                )
            })
        }) {
            Ok(()) => out.push((device.id, heads.clone())),
            Err(e) => eprintln!(
                "kassa-hq: {}-{}: heads of {id} not kept: {e}",
                device.store, device.till_no
            ),
        }
    }
    Ok(out)
}
