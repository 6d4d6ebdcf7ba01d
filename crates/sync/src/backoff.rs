//! Pacing of the background loop: every few seconds while head office answers, backing off
//! (doubling, capped) while it does not, so a till offline all day does not spin.

use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Backoff {
    online_interval: Duration,
    max_interval: Duration,
    failures: u32,
}

impl Backoff {
    pub fn new(online_interval: Duration, max_interval: Duration) -> Backoff {
        Backoff {
            online_interval,
            max_interval,
            failures: 0,
        }
    }

    /// How long to wait after an attempt that succeeded (`true`) or failed.
    pub fn next_delay(&mut self, succeeded: bool) -> Duration {
        if succeeded {
            self.failures = 0;
            return self.online_interval;
        }
        self.failures = self.failures.saturating_add(1);
        let factor = 1u32.checked_shl(self.failures.min(16)).unwrap_or(u32::MAX);
        self.online_interval
            .saturating_mul(factor)
            .min(self.max_interval)
    }
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff::new(Duration::from_secs(5), Duration::from_secs(300))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_while_offline_and_recovers() {
        let mut b = Backoff::new(Duration::from_secs(5), Duration::from_secs(60));
        let delays: Vec<u64> = [false, false, false, false, false, true, false]
            .iter()
            .map(|ok| b.next_delay(*ok).as_secs())
            .collect();
        assert_eq!(delays, vec![10, 20, 40, 60, 60, 5, 10]);
    }
}
