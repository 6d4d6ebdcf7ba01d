use chrono::{DateTime, FixedOffset, Local};

/// Where the till gets the time. Records carry the till's local time with its offset; the
/// business day is the local date.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<FixedOffset>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<FixedOffset> {
        Local::now().fixed_offset()
    }
}

/// A clock that always says the same time, for tests and reproducible demos.
pub struct FixedClock(pub DateTime<FixedOffset>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<FixedOffset> {
        self.0
    }
}
