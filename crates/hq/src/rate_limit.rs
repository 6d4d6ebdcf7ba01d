//! A rate limit per caller (an API token by name, a till by device): token buckets in shards, so
//! checking one caller never waits on a lock every other caller takes.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many requests a caller may make: `burst` at once, then `per_second`.
#[derive(Clone, Copy, Debug)]
pub struct RateLimit {
    pub burst: u32,
    pub per_second: u32,
}

impl Default for RateLimit {
    /// A till syncs every few seconds and looks things up now and then; a web shop takes a few
    /// orders a second at its busiest. Either stays far below this; a flood does not.
    fn default() -> RateLimit {
        RateLimit {
            burst: 120,
            per_second: 30,
        }
    }
}

const SHARDS: usize = 32;
/// Callers not seen for this long are forgotten (their bucket would be full again anyway).
const FORGET_AFTER: Duration = Duration::from_secs(600);

struct Bucket {
    /// Requests left, in thousandths (integer arithmetic: no floats in this code base).
    milli_tokens: u64,
    at: Instant,
}

pub struct RateLimiter {
    limit: RateLimit,
    shards: Vec<Mutex<HashMap<String, Bucket>>>,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter {
            limit,
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }

    /// Takes one request from `caller`'s bucket; `false` when it is empty.
    pub fn allow(&self, caller: &str) -> bool {
        self.allow_at(caller, Instant::now())
    }

    fn allow_at(&self, caller: &str, now: Instant) -> bool {
        let mut hasher = DefaultHasher::new();
        caller.hash(&mut hasher);
        let shard = &self.shards[(hasher.finish() % SHARDS as u64) as usize];
        let mut buckets = shard.lock().unwrap_or_else(|e| e.into_inner());
        let full = u64::from(self.limit.burst.max(1)) * 1000;
        if buckets.len() > 10_000 {
            buckets.retain(|_, b| now.duration_since(b.at) < FORGET_AFTER);
        }
        let bucket = buckets.entry(caller.to_string()).or_insert(Bucket {
            milli_tokens: full,
            at: now,
        });
        let elapsed_ms = now
            .duration_since(bucket.at)
            .as_millis()
            .min(u128::from(u32::MAX)) as u64;
        let refill = elapsed_ms * u64::from(self.limit.per_second);
        bucket.milli_tokens = (bucket.milli_tokens + refill).min(full);
        bucket.at = now;
        if bucket.milli_tokens >= 1000 {
            bucket.milli_tokens -= 1000;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_rate_and_callers_apart() {
        let limiter = RateLimiter::new(RateLimit {
            burst: 10,
            per_second: 5,
        });
        let start = Instant::now();
        let allowed = (0..50)
            .filter(|_| limiter.allow_at("webshop", start))
            .count();
        assert_eq!(allowed, 10);
        // Another caller has its own bucket.
        assert!(limiter.allow_at("till-7", start));
        // A second later, five more.
        let later = start + Duration::from_secs(1);
        let allowed = (0..50)
            .filter(|_| limiter.allow_at("webshop", later))
            .count();
        assert_eq!(allowed, 5);
        // Never more than the burst, however long it waited.
        let much_later = start + Duration::from_secs(3600);
        let allowed = (0..50)
            .filter(|_| limiter.allow_at("webshop", much_later))
            .count();
        assert_eq!(allowed, 10);
    }
}
