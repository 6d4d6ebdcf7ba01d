//! Counting wrong secrets (staff PINs, pickup codes) typed in a row: after [`MAX_FAILURES`] the
//! prompt for that subject locks for [`LOCK_MINUTES`], so a 4 to 6 digit secret cannot be tried
//! through at the counter. Written outside the command's transaction, so a refused attempt is
//! still counted.
//!
//! The lock runs on time that really passed (the clock's `elapsed_ms`), kept in the database: a
//! restart does not lift it (the time the program was off does not count), and neither does
//! setting the system clock forward. Setting it back does not lengthen it either.

use crate::clock::Clock;
use crate::error::StoreError;
use chrono::{Duration, SecondsFormat};
use rusqlite::{params, Connection, OptionalExtension};

pub const MAX_FAILURES: i64 = 5;
pub const LOCK_MINUTES: i64 = 5;
const LOCK_MS: i64 = LOCK_MINUTES * 60 * 1000;

/// A subject's lock as stored.
struct Lock {
    left_ms: i64,
    seen_ms: i64,
    run: String,
}

/// What is left of `subject`'s lock now, in milliseconds (0: not locked). Counts down by the
/// time elapsed in this run since the lock was last seen, and stores what is left.
fn left_ms(conn: &Connection, subject: &str, clock: &dyn Clock) -> Result<i64, StoreError> {
    let lock: Option<Lock> = conn
        .prepare_cached(
            "SELECT lock_left_ms, lock_seen_ms, lock_run FROM failed_attempts
             WHERE subject = ?1 AND lock_left_ms > 0",
        )?
        .query_row([subject], |r| {
            Ok(Lock {
                left_ms: r.get(0)?,
                seen_ms: r.get(1)?,
                run: r.get(2)?,
            })
        })
        .optional()?;
    let Some(lock) = lock else {
        return Ok(0);
    };
    let (run, now_ms) = (clock.run_id(), clock.elapsed_ms());
    // Another run's elapsed time is not comparable with ours: go on from what it left.
    let passed = if lock.run == run {
        (now_ms - lock.seen_ms).clamp(0, LOCK_MS)
    } else {
        0
    };
    let left = (lock.left_ms - passed).max(0);
    conn.prepare_cached(
        "UPDATE failed_attempts SET lock_left_ms = ?2, lock_seen_ms = ?3, lock_run = ?4
         WHERE subject = ?1",
    )?
    .execute(params![subject, left, now_ms, run])?;
    Ok(left)
}

/// Until when `subject` is locked, if it is now: the wall time the lock will have run out by if
/// the clock is left alone, for the message.
pub(crate) fn locked_until(
    conn: &Connection,
    subject: &str,
    clock: &dyn Clock,
) -> Result<Option<String>, StoreError> {
    let left = left_ms(conn, subject, clock)?;
    Ok((left > 0).then(|| {
        (clock.now() + Duration::milliseconds(left)).to_rfc3339_opts(SecondsFormat::Millis, false)
    }))
}

/// Counts a wrong attempt; returns how many are left before the lock (0: locked now).
pub(crate) fn record_failure(
    conn: &Connection,
    subject: &str,
    clock: &dyn Clock,
) -> Result<i64, StoreError> {
    let failures: i64 = conn
        .prepare_cached("SELECT failures FROM failed_attempts WHERE subject = ?1")?
        .query_row([subject], |r| r.get(0))
        .optional()?
        .unwrap_or(0)
        + 1;
    let locks = failures >= MAX_FAILURES;
    let until = locks.then(|| {
        (clock.now() + Duration::milliseconds(LOCK_MS))
            .to_rfc3339_opts(SecondsFormat::Millis, false)
    });
    conn.prepare_cached(
        "INSERT INTO failed_attempts (subject, failures, locked_until, lock_left_ms, lock_seen_ms, lock_run)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (subject) DO UPDATE SET failures = ?2, locked_until = ?3,
             lock_left_ms = ?4, lock_seen_ms = ?5, lock_run = ?6",
    )?
    .execute(params![
        subject,
        if locks { 0 } else { failures },
        until,
        if locks { LOCK_MS } else { 0 },
        clock.elapsed_ms(),
        clock.run_id()
    ])?;
    Ok(if locks { 0 } else { MAX_FAILURES - failures })
}

/// A right secret forgets the wrong ones before it.
pub(crate) fn clear(conn: &Connection, subject: &str) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM failed_attempts WHERE subject = ?1")?
        .execute([subject])?;
    Ok(())
}
