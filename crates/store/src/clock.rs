use chrono::{DateTime, FixedOffset, Local};
use std::sync::OnceLock;
use std::time::Instant;

/// Where the till gets the time. Records carry the till's local time with its offset; the
/// business day is the local date.
///
/// Besides the wall clock, a clock says how much time has really passed (`elapsed_ms`, which
/// never goes back and does not follow changes to the system clock) within one run of the
/// program (`run_id`). Locks that must not be cut short by setting the clock forward count that.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<FixedOffset>;

    /// Milliseconds since some point in this run; never decreases.
    fn elapsed_ms(&self) -> i64 {
        i64::try_from(process_start().elapsed().as_millis()).unwrap_or(i64::MAX)
    }

    /// Which run of the program this is: `elapsed_ms` values compare only within one run.
    fn run_id(&self) -> String {
        process_run_id().to_string()
    }
}

fn process_start() -> &'static Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now)
}

fn process_run_id() -> &'static str {
    static RUN: OnceLock<String> = OnceLock::new();
    RUN.get_or_init(|| uuid::Uuid::now_v7().to_string())
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<FixedOffset> {
        Local::now().fixed_offset()
    }
}

/// A clock that always says the same time, for tests and reproducible demos. Its elapsed time
/// is its wall time, so a test moves both by swapping in a later `FixedClock`.
pub struct FixedClock(pub DateTime<FixedOffset>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<FixedOffset> {
        self.0
    }

    fn elapsed_ms(&self) -> i64 {
        self.0.timestamp_millis()
    }
}
