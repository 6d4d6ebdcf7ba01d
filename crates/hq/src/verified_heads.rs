//! Heads signatures this node has already found genuine. A till sends the signature of each
//! document it carries with every request of a round (three or more), and the same one again in
//! later rounds until its heads move; checking it once is enough, since a signature check gives
//! the same answer for the same key, document, heads and signature. Bounded: the oldest are
//! forgotten first, and a forgotten one is simply checked again.

use sha2::{Digest, Sha256};
use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

/// How many checked signatures a node remembers (32 bytes each, twice): about 2 MiB.
const REMEMBERED: usize = 32 * 1024;

#[derive(Default)]
pub(crate) struct VerifiedHeads {
    inner: Mutex<Remembered>,
}

#[derive(Default)]
struct Remembered {
    known: HashSet<[u8; 32]>,
    oldest_first: VecDeque<[u8; 32]>,
}

/// What identifies one check: every input of it, each length-prefixed so that no two different
/// inputs read the same.
fn digest(public_key: &str, doc_id: &str, heads: &[String], signature: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    for part in [public_key, doc_id, signature]
        .into_iter()
        .chain(heads.iter().map(String::as_str))
    {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    hash.finalize().into()
}

impl VerifiedHeads {
    fn lock(&self) -> std::sync::MutexGuard<'_, Remembered> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Checks with `verify` unless this exact signature was found genuine before.
    pub(crate) fn check<E>(
        &self,
        public_key: &str,
        doc_id: &str,
        heads: &[String],
        signature: &str,
        verify: impl FnOnce() -> Result<(), E>,
    ) -> Result<(), E> {
        let key = digest(public_key, doc_id, heads, signature);
        if self.lock().known.contains(&key) {
            return Ok(());
        }
        verify()?;
        let mut remembered = self.lock();
        if remembered.known.insert(key) {
            remembered.oldest_first.push_back(key);
            while remembered.oldest_first.len() > REMEMBERED {
                if let Some(old) = remembered.oldest_first.pop_front() {
                    remembered.known.remove(&old);
                }
            }
        }
        Ok(())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().known.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn heads() -> Vec<String> {
        vec!["a".repeat(64)]
    }

    #[test]
    fn a_genuine_signature_is_checked_once_and_anything_different_again() {
        let cache = VerifiedHeads::default();
        let calls = Cell::new(0);
        let genuine = || -> Result<(), ()> {
            calls.set(calls.get() + 1);
            Ok(())
        };
        for _ in 0..3 {
            cache.check("k1", "doc", &heads(), "sig", genuine).unwrap();
        }
        assert_eq!(calls.get(), 1, "the same signature is checked once");
        cache.check("k2", "doc", &heads(), "sig", genuine).unwrap();
        cache.check("k1", "doc2", &heads(), "sig", genuine).unwrap();
        cache.check("k1", "doc", &[], "sig", genuine).unwrap();
        cache.check("k1", "doc", &heads(), "sig2", genuine).unwrap();
        assert_eq!(
            calls.get(),
            5,
            "another key, document, heads or signature is checked"
        );
        // Parts are not confused across their boundaries.
        cache.check("k1d", "oc", &heads(), "sig", genuine).unwrap();
        assert_eq!(calls.get(), 6);
    }

    #[test]
    fn a_signature_found_false_is_never_remembered() {
        let cache = VerifiedHeads::default();
        let calls = Cell::new(0);
        let forged = || -> Result<(), &str> {
            calls.set(calls.get() + 1);
            Err("not genuine")
        };
        for _ in 0..2 {
            assert_eq!(
                cache.check("k", "doc", &heads(), "sig", forged),
                Err("not genuine")
            );
        }
        assert_eq!(calls.get(), 2);
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn it_forgets_the_oldest_beyond_its_bound() {
        let cache = VerifiedHeads::default();
        for i in 0..REMEMBERED + 10 {
            cache
                .check("k", "doc", &heads(), &i.to_string(), || Ok::<(), ()>(()))
                .unwrap();
        }
        assert_eq!(cache.len(), REMEMBERED);
        let calls = Cell::new(0);
        let counted = || -> Result<(), ()> {
            calls.set(calls.get() + 1);
            Ok(())
        };
        cache.check("k", "doc", &heads(), "0", counted).unwrap();
        assert_eq!(calls.get(), 1, "the oldest was forgotten and checked again");
        let newest = (REMEMBERED + 9).to_string();
        cache.check("k", "doc", &heads(), &newest, counted).unwrap();
        assert_eq!(calls.get(), 1, "the newest is still known");
    }
}
