//! What a load test found, phase by phase, and the exactly-once check, printable as text.

use super::rounds::Rounds;
use std::fmt;
use std::time::Duration;

pub struct PhaseReport {
    pub name: String,
    pub wall: Duration,
    pub rounds: Rounds,
    /// Sales rung (steady) or carried up (history, catch-up) in this phase.
    pub sales: u64,
    /// Head office's CPU time in this phase (`None`: its process is not watched).
    pub hq_cpu: Option<Duration>,
    pub generator_cpu: Duration,
    /// Head office's resident memory, sampled about once a second.
    pub hq_rss: Vec<u64>,
    pub generator_rss_peak: u64,
    /// Head office's own answer times for the sync requests of this phase (each round is a
    /// few requests), from its `/metrics`.
    pub hq_answers: Option<super::measure::Histogram>,
    /// CPU time of the database's processes (PostgreSQL), when head office runs on one.
    pub database_cpu: Option<Duration>,
}

/// A duration in milliseconds with one decimal ("12.3").
fn millis(d: Duration) -> String {
    let tenths = d.as_micros() / 100;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `count` per second over `wall`, with one decimal.
fn rate(count: u64, wall: Duration) -> String {
    let tenths = u128::from(count) * 10_000 / wall.as_millis().max(1);
    format!("{}.{}", tenths / 10, tenths % 10)
}

fn per_round(cpu: Duration, rounds: u64) -> String {
    millis(cpu / u32::try_from(rounds.max(1)).unwrap_or(u32::MAX))
}

impl PhaseReport {
    /// Sync rounds that went through, per second of the phase, in tenths.
    pub fn rounds_per_ten_seconds(&self) -> u64 {
        let per = u128::from(self.rounds.ok) * 10_000 / self.wall.as_millis().max(1);
        u64::try_from(per).unwrap_or(u64::MAX)
    }

    /// Sales rung or carried, per second of the phase.
    pub fn sales_per_second(&self) -> u64 {
        let per = u128::from(self.sales) * 1_000 / self.wall.as_millis().max(1);
        u64::try_from(per).unwrap_or(u64::MAX)
    }

    pub fn hq_rss_peak(&self) -> Option<u64> {
        self.hq_rss.iter().copied().max()
    }

    /// How much higher head office's memory peaked in the second half of the phase than in the
    /// first (zero or less: flat).
    pub fn hq_rss_growth_in_second_half(&self) -> Option<i64> {
        if self.hq_rss.len() < 4 {
            return None;
        }
        let (first, second) = self.hq_rss.split_at(self.hq_rss.len() / 2);
        let peak =
            |s: &[u64]| i64::try_from(s.iter().copied().max().unwrap_or(0)).unwrap_or(i64::MAX);
        Some(peak(second) - peak(first))
    }
}

impl fmt::Display for PhaseReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.rounds;
        writeln!(f, "{}: {} s", self.name, millis(self.wall / 1000))?;
        writeln!(
            f,
            "  rounds {} ({}/s), failed {}, busy {}; latency p50 {} ms, p99 {} ms, max {} ms",
            r.ok,
            rate(r.ok, self.wall),
            r.failed,
            r.busy,
            millis(r.latencies.percentile(500)),
            millis(r.latencies.percentile(990)),
            millis(r.latencies.max()),
        )?;
        writeln!(
            f,
            "  sales {} ({}/s); bytes down {} ({} per round), up {}",
            self.sales,
            rate(self.sales, self.wall),
            r.bytes_down,
            r.bytes_down / r.ok.max(1),
            r.bytes_up,
        )?;
        if let Some(answers) = &self.hq_answers {
            let bound = |per_mille| {
                answers
                    .percentile_bound(per_mille)
                    .map_or("over 10 s".to_string(), |d| {
                        format!("at most {} ms", d.as_millis())
                    })
            };
            writeln!(
                f,
                "  head office answered {} sync requests: p50 {}, p99 {}",
                answers.count(),
                bound(500),
                bound(990)
            )?;
        }
        match self.hq_cpu {
            Some(cpu) => writeln!(
                f,
                "  CPU: head office {} ms ({} ms per round, {} % of one core), generator {} ms ({} ms per round)",
                cpu.as_millis(),
                per_round(cpu, r.ok),
                cpu.as_millis() * 100 / self.wall.as_millis().max(1),
                self.generator_cpu.as_millis(),
                per_round(self.generator_cpu, r.ok),
            )?,
            None => writeln!(
                f,
                "  CPU: generator {} ms ({} ms per round; head office not watched)",
                self.generator_cpu.as_millis(),
                per_round(self.generator_cpu, r.ok),
            )?,
        }
        if let Some(cpu) = self.database_cpu {
            writeln!(
                f,
                "  CPU: database {} ms ({} ms per round)",
                cpu.as_millis(),
                per_round(cpu, r.ok)
            )?;
        }
        if let Some(peak) = self.hq_rss_peak() {
            write!(f, "  memory: head office peak {} MiB", peak >> 20)?;
            if let Some(growth) = self.hq_rss_growth_in_second_half() {
                write!(f, " (second half vs first: {:+} MiB)", growth >> 20)?;
            }
            writeln!(f, ", generator peak {} MiB", self.generator_rss_peak >> 20)?;
        }
        for e in &r.errors {
            writeln!(f, "  error: {e}")?;
        }
        Ok(())
    }
}

/// Head office's sales feed against what the tills rang.
#[derive(Debug, Default, Clone)]
pub struct Check {
    pub rung: u64,
    pub at_hq: u64,
    /// Rung and not at head office.
    pub missing: u64,
    /// At head office more than once.
    pub duplicated: u64,
    /// At head office and never rung by the fleet.
    pub unexpected: u64,
    /// A few of the receipts above, to look at.
    pub examples: Vec<String>,
}

impl Check {
    pub fn exactly_once(&self) -> bool {
        self.missing == 0 && self.duplicated == 0 && self.unexpected == 0 && self.rung == self.at_hq
    }
}

pub struct Report {
    pub tills: u64,
    pub setup: Duration,
    pub phases: Vec<PhaseReport>,
    /// What a round with nothing new downloads, on average (after the drain).
    pub idle_round_bytes_down: u64,
    /// What a till downloads for each sale another till of its store made, beyond an idle
    /// round's bytes (steady phase, stores of more than one till).
    pub bytes_per_other_tills_sale: Option<u64>,
    pub check: Check,
}

impl Report {
    pub fn phase(&self, name: &str) -> Option<&PhaseReport> {
        self.phases.iter().find(|p| p.name == name)
    }

    pub fn errors(&self) -> u64 {
        self.phases.iter().map(|p| p.rounds.failed).sum()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} tills; setup and first syncs {} s",
            self.tills,
            millis(self.setup / 1000)
        )?;
        for phase in &self.phases {
            write!(f, "{phase}")?;
        }
        writeln!(f, "idle round: {} B down", self.idle_round_bytes_down)?;
        if let Some(b) = self.bytes_per_other_tills_sale {
            writeln!(f, "bytes down per sale of another till of the store: {b} B")?;
        }
        let c = &self.check;
        writeln!(
            f,
            "exactly once: {} (rung {}, at head office {}, missing {}, duplicated {}, unexpected {}){}",
            if c.exactly_once() { "yes" } else { "NO" },
            c.rung,
            c.at_hq,
            c.missing,
            c.duplicated,
            c.unexpected,
            if c.examples.is_empty() {
                String::new()
            } else {
                format!(": {}", c.examples.join(", "))
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sale_missing_twice_or_unknown_is_not_exactly_once() {
        let fine = Check {
            rung: 3,
            at_hq: 3,
            ..Check::default()
        };
        assert!(fine.exactly_once());
        for broken in [
            Check {
                missing: 1,
                at_hq: 2,
                ..fine.clone()
            },
            Check {
                duplicated: 1,
                at_hq: 4,
                ..fine.clone()
            },
            Check {
                unexpected: 1,
                at_hq: 4,
                ..fine.clone()
            },
            Check {
                at_hq: 2,
                ..fine.clone()
            },
        ] {
            assert!(!broken.exactly_once(), "{broken:?}");
        }
    }

    #[test]
    fn memory_that_keeps_rising_is_growth_and_a_plateau_is_not() {
        let phase = |hq_rss: Vec<u64>| PhaseReport {
            name: "steady".into(),
            wall: Duration::from_secs(4),
            rounds: Rounds::default(),
            sales: 0,
            hq_cpu: None,
            generator_cpu: Duration::ZERO,
            hq_rss,
            generator_rss_peak: 0,
            hq_answers: None,
            database_cpu: None,
        };
        assert_eq!(
            phase(vec![10, 20, 30, 40]).hq_rss_growth_in_second_half(),
            Some(20)
        );
        assert_eq!(
            phase(vec![10, 40, 30, 40]).hq_rss_growth_in_second_half(),
            Some(0)
        );
        assert_eq!(phase(vec![10, 40]).hq_rss_growth_in_second_half(), None);
    }
}
