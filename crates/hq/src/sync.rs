//! `POST /v1/sync`: apply a till's batch of sync messages all-or-nothing, answer with head
//! office's messages, announce the store's documents, and send catalogue changes.

use crate::epochs::{carry_late_movements, epoch_due, open_epoch};
use crate::error::HqError;
use crate::hq::Hq;
use crate::storage::{Device, SyncStateWrite, SyncWrite};
use kassa_protocol::{
    CatalogueUpdate, DocMessage, StaffUpdate, SyncRequest, SyncResponse, MAX_DOCS_PER_BATCH,
    MAX_MESSAGE_BYTES, PROTOCOL_VERSION,
};
use kassa_replica::stock::read_levels;
use kassa_replica::validate::receive_checked;
use kassa_replica::{generate_message, heads_hex, DocId, DocKind, SyncState};

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
                Err(HqError::StaleDocument(_)) => self.documents().await.forget_documents(),
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
        if request.protocol != PROTOCOL_VERSION {
            return Err(HqError::BadRequest(format!(
                "protocol version {} is not supported (head office speaks {PROTOCOL_VERSION})",
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

        let mut inner = self.documents().await;
        let store = inner.store_row(&device.store).await?;
        let devices = inner.storage.store_devices(&device.store).await?;
        let now = chrono::Utc::now();

        // Phase 1: apply each message to a copy; any refusal leaves everything as it was.
        let mut applied = Vec::with_capacity(ids.len());
        for (id, message) in ids.iter().zip(&request.docs) {
            let mut doc = inner.document(id).await?;
            let before = heads_hex(&mut doc);
            let mut state = match inner.storage.load_sync_state(id, device.id).await? {
                Some(bytes) => {
                    SyncState::decode(&bytes).map_err(|e| HqError::Corrupt(e.to_string()))?
                }
                None => SyncState::new(),
            };
            let allowed: Vec<String> = match id {
                // A till's ledger: that till's devices only.
                DocId::Ledger { till, .. } => devices
                    .iter()
                    .filter(|d| d.till_no == *till)
                    .map(|d| d.actor_id.clone())
                    .collect(),
                // Head office's ledger: no till may write it.
                DocId::HqLedger { .. } => Vec::new(),
                DocId::Stock { .. } | DocId::Orders { .. } => {
                    devices.iter().map(|d| d.actor_id.clone()).collect()
                }
            };
            receive_checked(
                &message.doc_id,
                &mut doc,
                &mut state,
                &message.message,
                |actor| allowed.contains(&actor.to_hex_string()),
            )?;
            let reply = generate_message(&mut doc, &mut state);
            let changed = heads_hex(&mut doc) != before;
            applied.push((id.clone(), doc, state, reply, changed));
        }

        // Phase 2: projections and one transaction for everything.
        let mut write = SyncWrite {
            from_store: true,
            ..SyncWrite::new(&device.store, now)
        };
        for (id, doc, state, _, changed) in &mut applied {
            write.states.push(SyncStateWrite {
                doc_id: id.clone(),
                device_id: device.id,
                state: state.encode(),
            });
            if !*changed {
                continue;
            }
            write.documents.push(inner.document_write(id, doc));
            crate::projection::project(id, doc, &mut write)?;
            match id.kind() {
                DocKind::Stock if matches!(id, DocId::Stock { epoch, .. } if *epoch == store.stock_epoch) =>
                {
                    write.stock_levels = Some(read_levels(doc)?.on_hand());
                }
                _ => {}
            }
        }
        // Movements that reached a closed epoch are carried into the current one.
        let current_id = DocId::Stock {
            store: device.store.clone(),
            epoch: store.stock_epoch,
        };
        let mut current = match applied.iter().find(|(id, ..)| *id == current_id) {
            Some((_, doc, ..)) => doc.clone(),
            None => inner.document(&current_id).await?,
        };
        let mut carried = false;
        for (id, doc, _, _, changed) in &applied {
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
            write.stock_levels = Some(read_levels(&current)?.on_hand());
            write.documents.retain(|d| d.doc_id != current_id);
            write
                .documents
                .push(inner.document_write(&current_id, &mut current));
        }
        inner.storage.apply_sync(write).await?;
        if carried {
            inner.remember(&current_id, current.clone());
            for entry in applied.iter_mut().filter(|(id, ..)| *id == current_id) {
                // The till's copy of the current epoch must see the carried movements too.
                entry.1 = current.clone();
                if let Some(message) = generate_message(&mut entry.1, &mut entry.2) {
                    entry.3 = Some(message);
                }
            }
        }
        let mut replies = Vec::new();
        for (id, doc, _, reply, _) in applied {
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
        let store_docs = storage.document_heads(&device.store).await?;
        let (version, products) = storage.catalogue_since(request.catalogue_since).await?;
        let catalogue =
            (version != request.catalogue_since).then_some(CatalogueUpdate { version, products });
        let (staff_version, members) = storage.staff_since(request.staff_since).await?;
        let staff = (staff_version != request.staff_since).then_some(StaffUpdate {
            version: staff_version,
            members,
        });
        // Keys are never replaced, so their number tells whether the till has them all.
        let keys = storage.receipt_keys().await?;
        let receipt_keys = if keys.len() as i64 != request.receipt_keys_known {
            Some(
                keys.iter()
                    .map(|key| {
                        Ok(kassa_protocol::StoreKey {
                            store: key.store.clone(),
                            public_key: kassa_domain::receipt_code::public_key(&key.secret)
                                .map_err(|e| HqError::Corrupt(e.to_string()))?,
                        })
                    })
                    .collect::<Result<Vec<_>, HqError>>()?,
            )
        } else {
            None
        };
        Ok(SyncResponse {
            protocol: PROTOCOL_VERSION,
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
        })
    }
}
