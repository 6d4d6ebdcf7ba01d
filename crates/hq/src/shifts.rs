//! Every till's shifts as head office receives them: when each opened and closed, by whom, and
//! the Z report sealed at the close (expected, counted and difference per tender).

use crate::error::HqError;
use crate::hq::Hq;
use kassa_replica::shifts::{ShiftClosed, ShiftOpened};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShiftSummary {
    pub shift: ShiftOpened,
    /// `None` while the shift is open (or its close has not reached head office yet).
    pub close: Option<ShiftClosed>,
}

impl Hq {
    /// A store's shifts, newest first.
    pub async fn shifts(&self, store: &str) -> Result<Vec<ShiftSummary>, HqError> {
        let mut out = Vec::new();
        for shift in self
            .storage
            .records_of::<ShiftOpened>(Some(store.trim()))
            .await?
        {
            let close = self
                .storage
                .records_about_of::<ShiftClosed>(&shift.id)
                .await?
                .into_iter()
                .next();
            out.push(ShiftSummary { shift, close });
        }
        // Newest first by instant: each till stamps in its own offset (and DST moves it).
        out.sort_by(|a, b| b.shift.opened_at.cmp(&a.shift.opened_at));
        Ok(out)
    }
}
