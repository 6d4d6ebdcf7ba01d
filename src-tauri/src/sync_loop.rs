//! The background sync loop: every few seconds while head office answers, backing off while it
//! does not or says it is busy (never sooner than it asked), each wait spread by a random fifth;
//! woken early by "sync now" and after each sale.

use crate::state::TillState;
use kassa_store::Till;
use kassa_sync::{with_jitter, Backoff, SyncError, SyncReport};

/// One round on the sync connection (opened on first use). `None` when the till is not enrolled.
pub async fn round(state: &TillState) -> Option<Result<SyncReport, SyncError>> {
    let mut guard = state.syncing.lock().await;
    if guard.is_none() {
        match Till::open(&state.path) {
            Ok(till) => *guard = Some(till),
            Err(e) => return Some(Err(e.into())),
        }
    }
    let till = guard.as_mut().expect("opened above");
    // Queued records go into their documents here, off the selling connection, whether or not
    // head office answers: a sale itself does no document work (ADR 0008).
    if let Err(e) = till.maintain() {
        return Some(Err(e.into()));
    }
    match till.device() {
        Ok(device) if device.device_token.is_some() => {}
        Ok(_) | Err(_) => return None,
    }
    Some(kassa_sync::sync_once(till).await)
}

pub async fn run(state: &TillState) {
    let mut backoff = Backoff::new(state.online_interval, state.max_backoff);
    loop {
        let delay = match round(state).await {
            Some(Ok(_)) => backoff.next_delay(true),
            Some(Err(SyncError::Busy { retry_after, .. })) => backoff.busy(retry_after),
            Some(Err(_)) => backoff.next_delay(false),
            None => state.online_interval,
        };
        tokio::select! {
            _ = tokio::time::sleep(with_jitter(delay)) => {}
            _ = state.wake.notified() => {}
        }
    }
}
