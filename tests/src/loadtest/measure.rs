//! What the load generator measures: round latencies (kept whole, sorted for percentiles), and
//! a process's CPU time and resident memory read from `/proc`.

use std::time::Duration;

/// Latencies of one phase, in microseconds.
#[derive(Default, Clone)]
pub struct Latencies {
    micros: Vec<u64>,
}

impl Latencies {
    pub fn record(&mut self, took: Duration) {
        self.micros
            .push(u64::try_from(took.as_micros()).unwrap_or(u64::MAX));
    }

    pub fn merge(&mut self, other: Latencies) {
        self.micros.extend(other.micros);
    }

    pub fn count(&self) -> usize {
        self.micros.len()
    }

    /// The `per_mille`th latency (500 = median, 990 = p99): the smallest value at least that
    /// share of rounds did not exceed. Zero when nothing was recorded.
    pub fn percentile(&self, per_mille: usize) -> Duration {
        if self.micros.is_empty() {
            return Duration::ZERO;
        }
        let mut sorted = self.micros.clone();
        sorted.sort_unstable();
        let rank = (sorted.len() * per_mille).div_ceil(1000).max(1);
        Duration::from_micros(sorted[rank - 1])
    }

    pub fn max(&self) -> Duration {
        Duration::from_micros(self.micros.iter().copied().max().unwrap_or(0))
    }
}

/// CPU time (user + system, its own threads; children not included) and resident memory of a
/// process, from `/proc/PID/stat` and `/proc/PID/status`. `None` when the process is gone or
/// this is not Linux.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProcessSample {
    pub cpu: Duration,
    pub rss_bytes: u64,
}

pub fn sample(pid: u32) -> Option<ProcessSample> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: fields count from after it.
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 11 and 12 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(ProcessSample {
        cpu: Duration::from_micros(ticks * 1_000_000 / clock_ticks_per_second()),
        rss_bytes: rss_kib * 1024,
    })
}

/// `/proc` counts CPU in clock ticks; 100 per second on every Linux this runs on (USER_HZ is
/// fixed by the kernel's ABI, whatever the kernel's internal tick rate).
fn clock_ticks_per_second() -> u64 {
    100
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_rank_that_covers_the_share() {
        let mut l = Latencies::default();
        for ms in 1..=100 {
            l.record(Duration::from_millis(ms));
        }
        assert_eq!(l.percentile(500), Duration::from_millis(50));
        assert_eq!(l.percentile(990), Duration::from_millis(99));
        assert_eq!(l.percentile(1000), Duration::from_millis(100));
        assert_eq!(l.max(), Duration::from_millis(100));
        assert_eq!(Latencies::default().percentile(990), Duration::ZERO);
    }

    #[test]
    fn this_process_can_be_sampled_and_a_missing_one_cannot() {
        let me = sample(std::process::id()).expect("own /proc entry");
        assert!(me.rss_bytes > 1024 * 1024, "{me:?}");
        // Burn a little CPU and see the counter move.
        let before = me.cpu;
        let start = std::time::Instant::now();
        let mut x = 0u64;
        while start.elapsed() < Duration::from_millis(150) {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
        assert!(sample(std::process::id()).unwrap().cpu > before);
        assert_eq!(sample(u32::MAX), None);
    }
}
