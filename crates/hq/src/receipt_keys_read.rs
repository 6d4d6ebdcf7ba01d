//! The list of every store's trusted receipt keys, as a node last read it. Every sync request
//! compares the till's digest of its list with head office's, and the list holds every store's
//! keys: read and hashed per request, that is work growing with the chain (a thousand stores, a
//! thousand rows and a thousand hashes per request). A node reads it again when it rotates or
//! makes a key itself, and otherwise once [`FRESH_FOR`] has passed, so a key rotated through
//! another node or the command line reaches this node's answers within that time.

use kassa_protocol::StoreKey;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a read list is used before it is read again.
pub(crate) const FRESH_FOR: Duration = Duration::from_secs(10);

/// A list as read, with its digest (what a till's must equal for it not to be sent the list).
#[derive(Clone)]
pub(crate) struct ReadKeys {
    pub keys: Arc<Vec<StoreKey>>,
    pub digest: Arc<str>,
}

#[derive(Default)]
pub(crate) struct ReceiptKeysRead {
    last: Mutex<Option<(Instant, ReadKeys)>>,
}

impl ReceiptKeysRead {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(Instant, ReadKeys)>> {
        self.last.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The list read at most [`FRESH_FOR`] before `now`, if any.
    pub(crate) fn fresh(&self, now: Instant) -> Option<ReadKeys> {
        match &*self.lock() {
            Some((at, read)) if now.saturating_duration_since(*at) < FRESH_FOR => {
                Some(read.clone())
            }
            _ => None,
        }
    }

    /// Keeps a list read at `at` (just before reading it, so a key written meanwhile is read
    /// again soon rather than hidden for longer).
    pub(crate) fn keep(&self, at: Instant, keys: Vec<StoreKey>) -> ReadKeys {
        let read = ReadKeys {
            digest: kassa_protocol::receipt_keys_digest(&keys).into(),
            keys: Arc::new(keys),
        };
        *self.lock() = Some((at, read.clone()));
        read
    }

    /// Forgets the list: this node just changed a key.
    pub(crate) fn forget(&self) {
        *self.lock() = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(store: &str) -> StoreKey {
        StoreKey {
            store: store.into(),
            public_key: "ab".repeat(32),
            current: true,
        }
    }

    #[test]
    fn a_list_is_used_until_it_is_stale_or_forgotten() {
        let read = ReceiptKeysRead::default();
        let start = Instant::now();
        assert!(read.fresh(start).is_none(), "nothing read yet");
        let kept = read.keep(start, vec![key("AMS1")]);
        assert_eq!(
            &*kept.digest,
            kassa_protocol::receipt_keys_digest(&[key("AMS1")])
        );
        let again = read.fresh(start + FRESH_FOR / 2).expect("fresh");
        assert_eq!(*again.keys, vec![key("AMS1")]);
        assert!(read.fresh(start + FRESH_FOR).is_none(), "stale");
        read.keep(start, vec![key("RTM1")]);
        read.forget();
        assert!(read.fresh(start).is_none(), "forgotten");
    }
}
