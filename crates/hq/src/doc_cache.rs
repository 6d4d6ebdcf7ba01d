//! A node's cache of loaded documents, bounded by the stored size of what it holds and emptied
//! least recently used first. An entry is served only while storage still holds the heads it was
//! loaded at (the caller reads them first), so another node's write is never hidden by it.

use crate::storage::Heads;
use kassa_replica::{AutoCommit, DocId};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// Stored bytes a node keeps loaded unless set (`kassa-hq serve --document-cache-mb`). A loaded
/// Automerge document takes about 50 times its stored size in memory (measured: 16 MB stored held
/// about 800 MiB of head office's 989 MiB in the 30-day run of docs/BENCHMARKS.md; with no cache
/// the node peaked at 193 MiB).
pub const DEFAULT_CACHE_BYTES: usize = 16 * 1024 * 1024;

pub(crate) struct DocCache {
    inner: Mutex<Lru>,
}

struct Entry {
    doc: AutoCommit,
    stored_heads: Option<Heads>,
    bytes: usize,
    used: u64,
}

struct Lru {
    budget: usize,
    held: usize,
    clock: u64,
    entries: HashMap<DocId, Entry>,
    /// Last use -> document: the first is the one to drop.
    by_use: BTreeMap<u64, DocId>,
}

impl Lru {
    fn remove(&mut self, id: &DocId) {
        if let Some(entry) = self.entries.remove(id) {
            self.held -= entry.bytes;
            self.by_use.remove(&entry.used);
        }
    }

    fn shrink_to(&mut self, budget: usize) {
        while self.held > budget {
            let Some((_, oldest)) = self.by_use.pop_first() else {
                break;
            };
            if let Some(entry) = self.entries.remove(&oldest) {
                self.held -= entry.bytes;
            }
        }
    }
}

impl DocCache {
    pub(crate) fn new(budget: usize) -> DocCache {
        DocCache {
            inner: Mutex::new(Lru {
                budget,
                held: 0,
                clock: 0,
                entries: HashMap::new(),
                by_use: BTreeMap::new(),
            }),
        }
    }

    /// The lock only guards map updates (never held across an await or a load), so an entry
    /// left by a panic elsewhere is still whole.
    fn lock(&self) -> std::sync::MutexGuard<'_, Lru> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A copy of the cached document and its stored size, if it was loaded at `stored_heads`;
    /// an entry at other heads is dropped (someone wrote since).
    pub(crate) fn get(
        &self,
        id: &DocId,
        stored_heads: &Option<Heads>,
    ) -> Option<(AutoCommit, usize)> {
        let mut lru = self.lock();
        let fresh = lru.entries.get(id)?.stored_heads == *stored_heads;
        if !fresh {
            lru.remove(id);
            return None;
        }
        lru.clock += 1;
        let now = lru.clock;
        let entry = lru.entries.get_mut(id)?;
        let before = std::mem::replace(&mut entry.used, now);
        let found = (entry.doc.clone(), entry.bytes);
        lru.by_use.remove(&before);
        lru.by_use.insert(now, id.clone());
        Some(found)
    }

    /// Keeps `doc` as stored at `stored_heads` (`bytes`: its stored size), dropping the least
    /// recently used beyond the budget. A document larger than the whole budget is not kept.
    pub(crate) fn put(
        &self,
        id: &DocId,
        doc: AutoCommit,
        stored_heads: Option<Heads>,
        bytes: usize,
    ) {
        let mut lru = self.lock();
        lru.remove(id);
        if bytes > lru.budget {
            return;
        }
        lru.clock += 1;
        let used = lru.clock;
        lru.held += bytes;
        lru.by_use.insert(used, id.clone());
        lru.entries.insert(
            id.clone(),
            Entry {
                doc,
                stored_heads,
                bytes,
                used,
            },
        );
        let budget = lru.budget;
        lru.shrink_to(budget);
    }

    /// Forgets every document of a store (a write of it was refused as stale).
    pub(crate) fn forget_store(&self, store: &str) {
        let mut lru = self.lock();
        let ids: Vec<DocId> = lru
            .entries
            .keys()
            .filter(|id| id.store() == store)
            .cloned()
            .collect();
        for id in ids {
            lru.remove(&id);
        }
    }

    pub(crate) fn set_budget(&self, budget: usize) {
        let mut lru = self.lock();
        lru.budget = budget;
        lru.shrink_to(budget);
    }

    /// (documents, stored bytes) held now.
    pub(crate) fn size(&self) -> (usize, usize) {
        let lru = self.lock();
        (lru.entries.len(), lru.held)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kassa_replica::skeleton::new_document;
    use kassa_replica::ActorId;

    fn ledger(day: u32) -> DocId {
        DocId::HqLedger {
            store: "AMS1".into(),
            day: format!("2026-11-{day:02}"),
        }
    }

    fn doc(id: &DocId) -> AutoCommit {
        new_document(id, ActorId::from(b"test".as_slice())).unwrap()
    }

    fn heads(h: &str) -> Option<Heads> {
        Some(vec![h.to_string()])
    }

    #[test]
    fn the_least_recently_used_goes_first_and_the_budget_holds() {
        let cache = DocCache::new(300);
        for day in 1..=3 {
            cache.put(&ledger(day), doc(&ledger(day)), heads("a"), 100);
        }
        assert_eq!(cache.size(), (3, 300));
        assert!(
            cache.get(&ledger(1), &heads("a")).is_some(),
            "day 1 used again"
        );
        cache.put(&ledger(4), doc(&ledger(4)), heads("a"), 100);
        assert_eq!(cache.size(), (3, 300));
        assert!(
            cache.get(&ledger(2), &heads("a")).is_none(),
            "day 2 was least recent"
        );
        assert!(cache.get(&ledger(1), &heads("a")).is_some());
        cache.put(&ledger(5), doc(&ledger(5)), heads("a"), 1_000);
        assert_eq!(
            cache.size(),
            (3, 300),
            "a document over the budget is not kept"
        );
        cache.set_budget(100);
        assert_eq!(cache.size().0, 1);
    }

    #[test]
    fn an_entry_at_other_heads_is_never_served() {
        let cache = DocCache::new(1_000);
        cache.put(&ledger(1), doc(&ledger(1)), heads("a"), 10);
        assert!(
            cache.get(&ledger(1), &heads("b")).is_none(),
            "another node wrote"
        );
        assert_eq!(cache.size(), (0, 0), "and the stale entry is gone");
        cache.put(&ledger(1), doc(&ledger(1)), None, 10);
        assert!(
            cache.get(&ledger(1), &None).is_some(),
            "a new document's skeleton"
        );
        cache.forget_store("AMS1");
        assert_eq!(cache.size(), (0, 0));
    }
}
