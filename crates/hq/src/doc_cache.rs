//! A node's cache of loaded documents, bounded by the memory they take (estimated) and emptied
//! least recently used first. An entry is served only while storage still holds the heads it was
//! loaded at (the caller reads them first), so another node's write is never hidden by it.
//!
//! The budget was once counted in stored bytes, and a loaded document takes 3 to 4,000 times its
//! stored size: 16 MB stored held about 800 MiB in the 30-day run of docs/BENCHMARKS.md. Now
//! each entry counts [`estimated_memory`], checked against a counting allocator by
//! crates/hq/tests/doc_cache_memory.rs.

use crate::storage::Heads;
use kassa_replica::memory::{estimated_memory, operations};
use kassa_replica::{AutoCommit, DocId};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// Memory of loaded documents a node keeps unless set (`kassa-hq serve --document-cache-mb`).
pub const DEFAULT_CACHE_BYTES: usize = 256 * 1024 * 1024;

/// The last walk of a document's values: what it estimated, at how many operations. Walking
/// costs as much as reading the whole document, so a document that grows by a round is scaled
/// by its operations and walked again only once they have doubled: over a document's life the
/// walks cost at most about twice one walk of what it finally holds.
#[derive(Clone, Copy)]
struct Walked {
    operations: u64,
    memory: u64,
}

impl Walked {
    fn of(doc: &AutoCommit) -> Walked {
        Walked {
            operations: operations(doc),
            memory: estimated_memory(doc),
        }
    }

    /// The estimate for `doc`, walking it again when it has outgrown this walk.
    fn again_for(earlier: Option<Walked>, doc: &AutoCommit) -> (Walked, usize) {
        let now = operations(doc);
        let walked = match earlier {
            Some(walked) if walked.operations > 0 && now < walked.operations.saturating_mul(2) => {
                walked
            }
            _ => Walked::of(doc),
        };
        let scaled = u128::from(walked.memory) * u128::from(now.max(walked.operations))
            / u128::from(walked.operations.max(1));
        (walked, usize::try_from(scaled).unwrap_or(usize::MAX))
    }
}

pub(crate) struct DocCache {
    inner: Mutex<Lru>,
}

struct Entry {
    doc: AutoCommit,
    stored_heads: Option<Heads>,
    /// Its stored size (what the session that takes it out needs), not what the budget counts.
    stored_bytes: usize,
    memory: usize,
    walked: Walked,
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
            self.held -= entry.memory;
            self.by_use.remove(&entry.used);
        }
    }

    fn shrink_to(&mut self, budget: usize) {
        while self.held > budget {
            let Some((_, oldest)) = self.by_use.pop_first() else {
                break;
            };
            if let Some(entry) = self.entries.remove(&oldest) {
                self.held -= entry.memory;
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
        let found = (entry.doc.clone(), entry.stored_bytes);
        lru.by_use.remove(&before);
        lru.by_use.insert(now, id.clone());
        Some(found)
    }

    /// Keeps `doc` as stored at `stored_heads` (`stored_bytes`: its stored size), dropping the
    /// least recently used beyond the budget. A document larger than the whole budget is not
    /// kept.
    pub(crate) fn put(
        &self,
        id: &DocId,
        doc: AutoCommit,
        stored_heads: Option<Heads>,
        stored_bytes: usize,
    ) {
        let earlier = {
            let mut lru = self.lock();
            if lru.budget == 0 {
                return;
            }
            let earlier = lru.entries.get(id).map(|entry| entry.walked);
            lru.remove(id);
            earlier
        };
        // Outside the lock: a walk reads the whole document.
        let (walked, memory) = Walked::again_for(earlier, &doc);
        let mut lru = self.lock();
        lru.remove(id);
        if memory > lru.budget {
            return;
        }
        lru.clock += 1;
        let used = lru.clock;
        lru.held += memory;
        lru.by_use.insert(used, id.clone());
        lru.entries.insert(
            id.clone(),
            Entry {
                doc,
                stored_heads,
                stored_bytes,
                memory,
                walked,
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

    /// (documents, estimated memory) held now.
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

    /// A ledger holding `records` records of about 400 bytes.
    fn ledger_with(day: u32, records: usize) -> AutoCommit {
        let mut doc = doc(&ledger(day));
        add_records(&mut doc, 0..records);
        doc
    }

    fn add_records(doc: &mut AutoCommit, numbers: std::ops::Range<usize>) {
        for n in numbers {
            let record = format!("{{\"id\":\"{n}\",\"detail\":\"{}\"}}", "x".repeat(400));
            kassa_replica::write_record_json(
                doc,
                kassa_replica::RecordKind::Movement,
                &format!("0193a7c2-{n:08}"),
                &record,
            )
            .unwrap();
        }
    }

    #[test]
    fn the_least_recently_used_goes_first_and_the_budget_holds() {
        let each = estimated_memory(&doc(&ledger(1))) as usize;
        let cache = DocCache::new(3 * each);
        for day in 1..=3 {
            cache.put(&ledger(day), doc(&ledger(day)), heads("a"), 100);
        }
        assert_eq!(cache.size(), (3, 3 * each));
        assert!(
            cache.get(&ledger(1), &heads("a")).is_some(),
            "day 1 used again"
        );
        cache.put(&ledger(4), doc(&ledger(4)), heads("a"), 100);
        assert_eq!(cache.size(), (3, 3 * each));
        assert!(
            cache.get(&ledger(2), &heads("a")).is_none(),
            "day 2 was least recent"
        );
        let (_, stored_bytes) = cache.get(&ledger(1), &heads("a")).unwrap();
        assert_eq!(stored_bytes, 100, "the stored size is handed back as given");
        cache.put(&ledger(5), ledger_with(5, 20), heads("a"), 10);
        assert_eq!(
            cache.size(),
            (3, 3 * each),
            "a document over the budget is not kept, however small it is stored"
        );
        cache.set_budget(each);
        assert_eq!(cache.size().0, 1);
        cache.set_budget(0);
        cache.put(&ledger(6), doc(&ledger(6)), heads("a"), 1);
        assert_eq!(cache.size(), (0, 0), "a budget of nothing keeps nothing");
    }

    #[test]
    fn a_growing_document_is_scaled_and_walked_again_once_it_has_doubled() {
        let cache = DocCache::new(usize::MAX);
        let mut grown = ledger_with(1, 100);
        let first = estimated_memory(&grown) as usize;
        cache.put(&ledger(1), grown.clone(), heads("a"), 1);
        assert_eq!(cache.size(), (1, first), "walked when first kept");
        let ops_before = operations(&grown);
        add_records(&mut grown, 100..150);
        let ops_after = operations(&grown);
        assert!(ops_after < 2 * ops_before);
        cache.put(&ledger(1), grown.clone(), heads("b"), 1);
        let scaled = (first as u64 * ops_after / ops_before) as usize;
        assert_eq!(
            cache.size(),
            (1, scaled),
            "scaled by its operations, not walked"
        );
        let mut doubled = grown;
        add_records(&mut doubled, 150..400);
        cache.put(&ledger(1), doubled.clone(), heads("c"), 1);
        assert_eq!(
            cache.size(),
            (1, estimated_memory(&doubled) as usize),
            "walked again once its operations doubled"
        );
        assert!(estimated_memory(&doubled) as usize > scaled);
    }

    #[test]
    fn an_entry_at_other_heads_is_never_served() {
        let cache = DocCache::new(usize::MAX);
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
