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

/// CPU time of every process whose command name is `name` (PostgreSQL's server processes, say),
/// summed; those that start or end between two readings are counted from when they are seen.
pub fn cpu_of_processes_named(name: &str) -> Duration {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Duration::ZERO;
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == name)
        })
        .filter_map(sample)
        .map(|s| s.cpu)
        .sum()
}

/// `/proc` counts CPU in clock ticks; 100 per second on every Linux this runs on (USER_HZ is
/// fixed by the kernel's ABI, whatever the kernel's internal tick rate).
fn clock_ticks_per_second() -> u64 {
    100
}

/// A cumulative Prometheus histogram as head office's `/metrics` prints it: (upper bound,
/// count at or below it), `None` as the bound for `+Inf`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Histogram {
    pub buckets: Vec<(Option<Duration>, u64)>,
}

impl Histogram {
    /// The buckets of histogram `name` (in seconds) in a `/metrics` text.
    pub fn parse(text: &str, name: &str) -> Result<Histogram, String> {
        let prefix = format!("{name}_bucket{{le=\"");
        let mut buckets = Vec::new();
        for line in text.lines() {
            let Some(rest) = line.strip_prefix(&prefix) else {
                continue;
            };
            let (bound, count) = rest
                .split_once("\"} ")
                .ok_or_else(|| format!("a bucket line without a count: {line:?}"))?;
            let count: u64 = count
                .trim()
                .parse()
                .map_err(|_| format!("a bucket count that is not a number: {line:?}"))?;
            let bound = match bound {
                "+Inf" => None,
                seconds => Some(
                    decimal_seconds(seconds)
                        .ok_or_else(|| format!("a bucket bound that is not seconds: {line:?}"))?,
                ),
            };
            buckets.push((bound, count));
        }
        if buckets.is_empty() {
            return Err(format!("no {name} in the metrics"));
        }
        Ok(Histogram { buckets })
    }

    /// The requests counted since `before` (the same histogram read earlier).
    pub fn since(&self, before: &Histogram) -> Histogram {
        let earlier = |bound: &Option<Duration>| {
            before
                .buckets
                .iter()
                .find(|(b, _)| b == bound)
                .map_or(0, |(_, n)| *n)
        };
        Histogram {
            buckets: self
                .buckets
                .iter()
                .map(|(bound, n)| (*bound, n.saturating_sub(earlier(bound))))
                .collect(),
        }
    }

    pub fn count(&self) -> u64 {
        self.buckets.last().map_or(0, |(_, n)| *n)
    }

    /// The upper bound of the bucket holding the `per_mille`th request: "at most this long"
    /// (`None`: past the last bound, or nothing counted).
    pub fn percentile_bound(&self, per_mille: u64) -> Option<Duration> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        let rank = (total * per_mille).div_ceil(1000).max(1);
        self.buckets
            .iter()
            .find(|(_, n)| *n >= rank)
            .and_then(|(bound, _)| *bound)
    }
}

/// "0.005" seconds as a duration, read without floating point (microsecond precision).
fn decimal_seconds(text: &str) -> Option<Duration> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 6
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let micros: u64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<6}").parse().ok()?
    };
    Some(Duration::from_secs(whole) + Duration::from_micros(micros))
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
        // This test's own process is found by its name, and a name nobody has counts nothing.
        let comm = std::fs::read_to_string("/proc/self/comm").unwrap();
        assert!(cpu_of_processes_named(comm.trim()) > Duration::ZERO);
        assert_eq!(
            cpu_of_processes_named("no-such-process-name"),
            Duration::ZERO
        );
    }

    #[test]
    fn head_office_answer_times_are_read_from_its_metrics_and_subtracted() {
        let text = |a: u64, b: u64, inf: u64| {
            format!(
                "# TYPE kassa_hq_sync_round_seconds histogram\n\
                 kassa_hq_sync_round_seconds_bucket{{le=\"0.005\"}} {a}\n\
                 kassa_hq_sync_round_seconds_bucket{{le=\"0.05\"}} {b}\n\
                 kassa_hq_sync_round_seconds_bucket{{le=\"+Inf\"}} {inf}\n\
                 kassa_hq_sync_round_seconds_count {inf}\n"
            )
        };
        let name = "kassa_hq_sync_round_seconds";
        let before = Histogram::parse(&text(10, 10, 10), name).unwrap();
        let after = Histogram::parse(&text(60, 109, 110), name).unwrap();
        let phase = after.since(&before);
        assert_eq!(phase.count(), 100);
        assert_eq!(phase.percentile_bound(500), Some(Duration::from_millis(5)));
        assert_eq!(phase.percentile_bound(990), Some(Duration::from_millis(50)));
        assert_eq!(phase.percentile_bound(1000), None);
        assert!(Histogram::parse("kassa_hq_other 3\n", name).is_err());
        assert!(Histogram::parse(&text(1, 2, 3).replace("0.05", "fast"), name).is_err());
        assert_eq!(decimal_seconds("10"), Some(Duration::from_secs(10)));
        assert_eq!(decimal_seconds("1e3"), None);
    }
}
