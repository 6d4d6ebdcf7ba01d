//! Tallies of sync rounds: latencies, outcomes and bytes, kept per till and merged per phase.

use super::measure::Latencies;
use kassa_sync::SyncError;
use std::time::Duration;

/// At most this many error texts are kept (the rest are counted).
const KEPT_ERRORS: usize = 5;

#[derive(Default, Clone)]
pub struct Rounds {
    pub latencies: Latencies,
    pub ok: u64,
    pub failed: u64,
    /// Head office said busy (503) or too many requests (429): the till came back later.
    pub busy: u64,
    pub bytes_down: u64,
    pub bytes_up: u64,
    pub errors: Vec<String>,
}

impl Rounds {
    /// Counts one round; returns head office's "come back later" delay when it was busy.
    pub fn record(&mut self, outcome: &super::fleet::RoundOutcome) -> Result<(), Option<Duration>> {
        match &outcome.result {
            Ok(report) => {
                self.ok += 1;
                self.latencies.record(outcome.took);
                self.bytes_down += report.bytes_received as u64;
                self.bytes_up += report.bytes_sent as u64;
                Ok(())
            }
            Err(SyncError::Busy { retry_after, .. }) => {
                self.busy += 1;
                Err(Some(retry_after.unwrap_or(Duration::from_secs(1))))
            }
            Err(e) => {
                self.failed += 1;
                self.note(e.to_string());
                Err(None)
            }
        }
    }

    /// An error outside a round (opening a till, a sale refused).
    pub fn note(&mut self, error: String) {
        if self.errors.len() < KEPT_ERRORS {
            self.errors.push(error);
        }
    }

    pub fn merge(&mut self, other: Rounds) {
        self.latencies.merge(other.latencies);
        self.ok += other.ok;
        self.failed += other.failed;
        self.busy += other.busy;
        self.bytes_down += other.bytes_down;
        self.bytes_up += other.bytes_up;
        for e in other.errors {
            self.note(e);
        }
    }
}
