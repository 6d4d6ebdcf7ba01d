//! One sync round: ask head office what changed since the till's cursor, then exchange messages
//! for every document whose heads differ (here or as head office last announced them) until
//! neither side has anything to send. Sync state is stored per
//! (document, peer) after every received message, so a lost response costs a retry, never a
//! duplicate: records are keyed by id and Automerge applies a change once.

use crate::client::{HqClient, HqLink};
use crate::error::SyncError;
use kassa_domain::CsvProduct;
use kassa_protocol::{
    receipt_keys_digest, AuditHead, DeviceCertificate, DeviceKeyRequest, DocMessage, RenewedToken,
    SignedHeads, StoreKey, SyncRequest, SyncResponse, MAX_DOCS_PER_BATCH, MAX_PIN_CHANGES_PER_SYNC,
    OLDEST_PROTOCOL_VERSION, PROTOCOL_VERSION,
};
use kassa_replica::SyncState;
use kassa_store::{Announcement, CatalogueSkip, NewDeviceKey, Till, TrustedKey};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The peer name head office's sync states are stored under on a till.
const PEER: &str = "hq";
/// A round gives up after this many exchanges (a peer that never settles is a bug, not a reason
/// to loop forever).
const MAX_EXCHANGES: usize = 200;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub exchanges: usize,
    pub messages_sent: usize,
    pub messages_received: usize,
    pub records_received: usize,
    pub bytes_sent: usize,
    pub bytes_received: usize,
    pub catalogue_version: i64,
    /// Staff members added or changed by head office and applied in this round.
    pub staff_updated: usize,
    pub products_updated: usize,
    /// Catalogue rows of this round the till could not apply (also kept by the till).
    pub catalogue_skipped: Vec<CatalogueSkip>,
    pub pending_sales: i64,
    /// The device token was renewed after this round (see [`TOKEN_RENEWAL_DAYS`]).
    pub token_renewed: bool,
    /// The till's key was renewed after this round (see [`DEVICE_KEY_DAYS`]).
    pub device_key_renewed: bool,
}

/// A till renews its device token after this many days, so a token copied off a till stops
/// working within a month even if nobody notices.
pub const TOKEN_RENEWAL_DAYS: i64 = 30;

/// Runs one round for an enrolled till and records the outcome for the status line; after a
/// good round, renews the device token when it is due.
pub async fn sync_once(till: &mut Till) -> Result<SyncReport, SyncError> {
    let device = till.device()?;
    let client = HqClient::for_device(&device)?;
    let mut report = sync_with(till, &client).await?;
    // A rotated store key (the trusted set from this round names it current) also asks for a
    // new certificate at once.
    if till.device_key_older_than(DEVICE_KEY_DAYS)? || till.device_certificate_outdated()? {
        // Like the token: the key in use stays valid until a new one is certified.
        report.device_key_renewed = renew_device_key(till, &client).await.is_ok();
    }
    if till.token_older_than(TOKEN_RENEWAL_DAYS)? {
        // A renewal that fails is tried again after the next round; the token in use still
        // works, so the round's outcome stands.
        report.token_renewed = renew_token(till, &client).await.is_ok();
    }
    Ok(report)
}

/// A till makes itself a new key after this many days (and at once when it has none certified,
/// as a till enrolled before device keys), so a key copied off a till signs for a month at most.
pub const DEVICE_KEY_DAYS: i64 = 30;

/// Makes a new key, has head office certify it, and keeps it. Until then the till signs with the
/// key it has (receipts it signed stay valid: each carries its own certificate).
pub async fn renew_device_key(till: &mut Till, client: &HqClient) -> Result<(), SyncError> {
    let key = NewDeviceKey::generate();
    let certified: DeviceCertificate = client
        .post(
            "/v1/device/key",
            &DeviceKeyRequest {
                public_key: key.public_hex.clone(),
            },
        )
        .await?;
    install_certified(till, &key, &certified, false)
}

/// Keeps `key` with the certificate head office gave it, once sure it certified this key (the
/// till checks the certificate itself too).
pub(crate) fn install_certified(
    till: &mut Till,
    key: &NewDeviceKey,
    certified: &DeviceCertificate,
    at_enrollment: bool,
) -> Result<(), SyncError> {
    if certified.public_key != key.public_hex {
        return Err(SyncError::Protocol(
            "head office certified another key than this till's".into(),
        ));
    }
    if at_enrollment {
        till.install_enrolled_device_key(key, &certified.certificate, &certified.store_key)?;
    } else {
        till.install_device_key(key, &certified.certificate, &certified.store_key)?;
    }
    Ok(())
}

/// Asks head office for a new device token and keeps it. Until the till first uses the new
/// token, the old one still works at head office, so a lost answer or a failed write here
/// leaves the till able to sync.
pub async fn renew_token(till: &mut Till, client: &HqClient) -> Result<(), SyncError> {
    let renewed: RenewedToken = client.post("/v1/device/token", &()).await?;
    till.set_device_token(&renewed.device_token)?;
    Ok(())
}

/// [`sync_once`] over a given link to head office (tests use it to lose responses, or to talk to
/// an in-process head office).
pub async fn sync_with<L: HqLink>(till: &mut Till, client: &L) -> Result<SyncReport, SyncError> {
    let result = round(till, client).await;
    let outcome = match &result {
        Ok(_) => Ok(()),
        Err(e) => Err(e.to_string()),
    };
    till.record_sync_outcome(outcome)?;
    let status = till.sync_status()?;
    till.keep_pending_after_round(&status)?;
    let mut report = result?;
    report.pending_sales = status.pending_sales;
    Ok(report)
}

async fn exchange(
    client: &impl HqLink,
    till: &mut Till,
    docs: Vec<DocMessage>,
    catalogue_since: i64,
    report: &mut SyncReport,
) -> Result<SyncResponse, SyncError> {
    let staff_since = till.staff_version()?;
    let receipt_keys_digest = receipt_keys_digest(
        &till
            .receipt_keys()?
            .into_iter()
            .map(|k| StoreKey {
                store: k.store,
                public_key: k.public_key,
                current: k.current,
            })
            .collect::<Vec<_>>(),
    );
    let audit_head = till
        .audit_head()?
        .map(|(seq, hash)| AuditHead { seq, hash });
    let audit_at_anchor = till
        .audit_at_anchor()?
        .map(|(seq, hash)| AuditHead { seq, hash });
    let doc_ids: Vec<String> = docs.iter().map(|d| d.doc_id.clone()).collect();
    let signed_heads = till
        .signed_heads(&doc_ids)?
        .into_iter()
        .map(|s| SignedHeads {
            doc_id: s.doc_id,
            heads: s.heads,
            signature: s.signature,
        })
        .collect();
    let mut pin_changes = till.pending_pin_changes()?;
    pin_changes.truncate(MAX_PIN_CHANGES_PER_SYNC);
    report.exchanges += 1;
    report.messages_sent += docs.len();
    // The lower of ours and the one head office last answered with: a till upgraded before
    // head office keeps talking to it.
    let (docs_since, hq_protocol) = till.announcement_cursor()?;
    let protocol = PROTOCOL_VERSION.min(hq_protocol.max(OLDEST_PROTOCOL_VERSION));
    let response = client
        .sync(&SyncRequest {
            protocol,
            docs_since: if protocol >= 2 { docs_since } else { None },
            docs,
            catalogue_since,
            staff_since,
            receipt_keys_digest,
            audit_head,
            audit_at_anchor,
            pin_changes: pin_changes.clone(),
            signed_heads,
            till_report: Some(till_report(till)?),
        })
        .await?;
    if response.protocol != protocol {
        return Err(SyncError::Protocol(format!(
            "head office answered protocol {} to protocol {protocol}",
            response.protocol
        )));
    }
    let announced: Vec<(String, Vec<String>)> = response
        .store_docs
        .iter()
        .map(|d| (d.doc_id.clone(), d.heads.clone()))
        .collect();
    till.record_announcement(&Announcement {
        docs: &announced,
        cursor: response.docs_cursor,
        hq_protocol: response.hq_protocol.unwrap_or(response.protocol),
    })?;
    if let Some(keys) = &response.receipt_keys {
        let keys: Vec<TrustedKey> = keys
            .iter()
            .map(|k| TrustedKey {
                store: k.store.clone(),
                public_key: k.public_key.clone(),
                current: k.current,
            })
            .collect();
        till.apply_receipt_keys(&keys)?;
    }
    // Before the staff update: a refused change puts back the old PIN, which the update may
    // then replace with head office's.
    if !pin_changes.is_empty() {
        till.settle_pin_changes(&pin_changes, &response.pin_changes_refused)?;
    }
    if let Some(update) = &response.staff {
        till.apply_staff_update(update.version, &update.members)?;
        report.staff_updated += update.members.len();
    }
    till.set_stock_epoch(response.stock_epoch)?;
    if let Some(seq) = response.audit_anchor {
        till.set_audit_anchor(seq)?;
    }
    Ok(response)
}

async fn round(till: &mut Till, client: &impl HqLink) -> Result<SyncReport, SyncError> {
    let (start_sent, start_received) = client.bytes_moved();
    let mut report = SyncReport::default();
    // Records commands queued go into their documents first, online or not.
    till.write_documents()?;

    // The catalogue is applied after the documents: a catalogue the till struggles with never
    // stands between its sales and head office. Later exchanges say the offered version is
    // known, so it is sent once per round.
    let mut response = exchange(
        client,
        till,
        Vec::new(),
        till.device()?.catalogue_version,
        &mut report,
    )
    .await?;
    let mut offered = response.catalogue.take();
    let mut states: BTreeMap<String, SyncState> = BTreeMap::new();
    let mut pending: BTreeSet<String> = till.documents_out_of_step()?.into_iter().collect();
    for id in &pending {
        states.insert(id.clone(), till.sync_state(id, PEER)?);
    }
    while !pending.is_empty() {
        if report.exchanges >= MAX_EXCHANGES {
            return Err(SyncError::Protocol(format!(
                "no agreement after {MAX_EXCHANGES} exchanges on {}",
                pending.iter().cloned().collect::<Vec<_>>().join(", ")
            )));
        }
        let mut batch = Vec::new();
        for id in pending.iter().take(MAX_DOCS_PER_BATCH) {
            let state = states
                .get_mut(id)
                .expect("state loaded for every pending document");
            if let Some(message) = till.generate_sync_message(id, state)? {
                batch.push(DocMessage {
                    doc_id: id.clone(),
                    message,
                });
            }
        }
        if batch.is_empty() {
            break;
        }
        let sent: BTreeSet<String> = batch.iter().map(|m| m.doc_id.clone()).collect();
        let catalogue_since = match &offered {
            Some(update) => update.version,
            None => till.device()?.catalogue_version,
        };
        response = exchange(client, till, batch, catalogue_since, &mut report).await?;
        if let Some(newer) = response.catalogue.take() {
            offered = Some(newer);
        }
        for message in &response.docs {
            let Some(state) = states.get_mut(&message.doc_id) else {
                return Err(SyncError::Protocol(format!(
                    "message for {} that was not asked about",
                    message.doc_id
                )));
            };
            report.records_received +=
                till.receive_sync_message(&message.doc_id, PEER, state, &message.message)?;
            // Head office drops what it could not apply yet and asks again (see forget_sent).
            state.forget_sent();
            report.messages_received += 1;
        }
        // Documents head office had nothing more to say about, and we nothing more to send, are done.
        pending.retain(|id| sent.contains(id));
    }
    report.records_received += till.project_waiting()?;
    // Head office's announced heads tell which of our records it holds.
    till.confirm_what_hq_holds()?;
    if let Some(update) = offered {
        let products: Vec<CsvProduct> = update
            .products
            .iter()
            .enumerate()
            .map(|(i, p)| CsvProduct {
                line: i as u64 + 1,
                product: p.clone(),
            })
            .collect();
        let skipped = till.apply_catalogue_update(update.version, &products)?;
        report.products_updated += products.len() - skipped.len();
        report.catalogue_skipped = skipped;
    }
    report.catalogue_version = till.device()?.catalogue_version;
    let (sent, received) = client.bytes_moved();
    report.bytes_sent = sent - start_sent;
    report.bytes_received = received - start_received;
    Ok(report)
}

/// What this till tells head office about itself in a request: its version, and what head office
/// had not confirmed when its last round ended (what this request carries is not "waiting": it
/// is on its way). Before any round has ended, what is unconfirmed now.
fn till_report(till: &Till) -> Result<kassa_protocol::TillReport, SyncError> {
    let (pending_sales, pending_amount, pending_other) = match till.pending_after_last_round()? {
        Some(kept) => kept,
        None => {
            let status = till.sync_status()?;
            (
                status.pending_sales,
                status.pending_amount.minor(),
                status.pending_other,
            )
        }
    };
    Ok(kassa_protocol::TillReport {
        version: env!("CARGO_PKG_VERSION").to_string(),
        pending_sales,
        pending_amount,
        pending_other,
    })
}
