//! Counting wrong secrets (staff PINs, pickup codes) typed in a row: after [`MAX_FAILURES`] the
//! prompt for that subject locks for [`LOCK_MINUTES`], so a 4 to 6 digit secret cannot be tried
//! through at the counter. Written outside the command's transaction, so a refused attempt is
//! still counted.

use crate::error::StoreError;
use chrono::{DateTime, Duration, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension};

pub const MAX_FAILURES: i64 = 5;
pub const LOCK_MINUTES: i64 = 5;

fn parse(time: &str) -> Result<DateTime<FixedOffset>, StoreError> {
    DateTime::parse_from_rfc3339(time)
        .map_err(|e| StoreError::Corrupt(format!("attempt time {time:?}: {e}")))
}

/// Until when `subject` is locked, if it is at `now`.
pub(crate) fn locked_until(
    conn: &Connection,
    subject: &str,
    now: &str,
) -> Result<Option<String>, StoreError> {
    let until: Option<String> = conn
        .prepare_cached("SELECT locked_until FROM failed_attempts WHERE subject = ?1")?
        .query_row([subject], |r| r.get(0))
        .optional()?
        .flatten();
    match until {
        Some(until) if parse(&until)? > parse(now)? => Ok(Some(until)),
        _ => Ok(None),
    }
}

/// Counts a wrong attempt; returns how many are left before the lock (0: locked now).
pub(crate) fn record_failure(
    conn: &Connection,
    subject: &str,
    now: &str,
) -> Result<i64, StoreError> {
    let failures: i64 = conn
        .prepare_cached("SELECT failures FROM failed_attempts WHERE subject = ?1")?
        .query_row([subject], |r| r.get(0))
        .optional()?
        .unwrap_or(0)
        + 1;
    let (failures, locked_until) = if failures >= MAX_FAILURES {
        let until = parse(now)? + Duration::minutes(LOCK_MINUTES);
        (
            0,
            Some(until.to_rfc3339_opts(chrono::SecondsFormat::Millis, false)),
        )
    } else {
        (failures, None)
    };
    conn.prepare_cached(
        "INSERT INTO failed_attempts (subject, failures, locked_until) VALUES (?1, ?2, ?3)
         ON CONFLICT (subject) DO UPDATE SET failures = ?2, locked_until = ?3",
    )?
    .execute(params![subject, failures, locked_until])?;
    Ok(if locked_until.is_some() {
        0
    } else {
        MAX_FAILURES - failures
    })
}

/// A right secret forgets the wrong ones before it.
pub(crate) fn clear(conn: &Connection, subject: &str) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM failed_attempts WHERE subject = ?1")?
        .execute([subject])?;
    Ok(())
}
