//! Pacing of the background loop: every few seconds while head office answers, backing off
//! (doubling, capped) while it does not, so a till offline all day does not spin; waiting at
//! least as long as head office asks when it is busy. Every delay is spread by up to a fifth
//! either way, so tills that came back together (a store's network restored, head office
//! restarted) do not all ask at the same instant again.

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

    /// How long to wait after an attempt that succeeded (`true`) or failed, before jitter.
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

    /// After head office said it is busy: the failure delay, but never less than it asked for.
    pub fn busy(&mut self, retry_after: Option<Duration>) -> Duration {
        let backoff = self.next_delay(false);
        retry_after.map_or(backoff, |asked| backoff.max(asked))
    }
}

/// `delay` spread to between 80 % and 120 % of itself by `random`.
pub fn jitter(delay: Duration, random: u32) -> Duration {
    let percent = 80 + random % 41;
    delay.saturating_mul(percent) / 100
}

/// [`jitter`] with a random number from the operating system (none: no jitter).
pub fn with_jitter(delay: Duration) -> Duration {
    let mut bytes = [0u8; 4];
    match getrandom::fill(&mut bytes) {
        Ok(()) => jitter(delay, u32::from_le_bytes(bytes)),
        Err(_) => delay,
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

    #[test]
    fn a_busy_head_office_is_given_at_least_the_wait_it_asked_for() {
        let mut b = Backoff::new(Duration::from_secs(5), Duration::from_secs(60));
        assert_eq!(b.busy(Some(Duration::from_secs(30))).as_secs(), 30);
        assert_eq!(b.busy(Some(Duration::from_secs(1))).as_secs(), 20);
        assert_eq!(b.busy(None).as_secs(), 40);
        assert_eq!(b.next_delay(true).as_secs(), 5);
    }

    #[test]
    fn jitter_spreads_a_delay_by_a_fifth_either_way() {
        let ten = Duration::from_secs(10);
        assert_eq!(jitter(ten, 0), Duration::from_secs(8));
        assert_eq!(jitter(ten, 40), Duration::from_secs(12));
        assert_eq!(jitter(ten, 41), Duration::from_secs(8));
        assert_eq!(jitter(ten, 20), ten);
        let spread: std::collections::BTreeSet<Duration> =
            (0..200).map(|_| with_jitter(ten)).collect();
        assert!(spread.len() > 10, "{spread:?}");
        assert!(spread
            .iter()
            .all(|d| *d >= Duration::from_secs(8) && *d <= Duration::from_secs(12)));
    }
}
