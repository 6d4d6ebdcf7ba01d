//! Shift and cash drawer records, written to the till's ledger: a shift opened with a counted
//! float, cash put in or taken out with a reason, and the close with the blind count, what was
//! expected, and the shift's Z report as it stood.

use crate::ledger::StaffRef;
use crate::time::Timestamp;
use kassa_domain::{Money, TenderKind};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftOpened {
    pub id: String,
    pub store: String,
    pub till_no: u16,
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub opened_at: Timestamp,
    pub business_day: String,
    /// Cash counted into the drawer to start with.
    pub float: Money,
    pub opened_by: Option<StaffRef>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CashDirection {
    /// Cash put into the drawer (change from the bank, a top-up).
    In,
    /// Cash taken out (paid out for a delivery, a safe drop).
    Out,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashMovementRecord {
    pub id: String,
    pub shift_id: String,
    pub store: String,
    pub till_no: u16,
    pub direction: CashDirection,
    pub amount: Money,
    pub reason: String,
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub created_at: Timestamp,
    pub business_day: String,
    pub staff: Option<StaffRef>,
    pub approved_by: Option<StaffRef>,
}

/// An amount per tender: counted, expected, or their difference.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderAmount {
    pub kind: TenderKind,
    pub amount: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftClosed {
    pub id: String,
    pub shift_id: String,
    pub store: String,
    pub till_no: u16,
    pub closed_at: Timestamp,
    pub business_day: String,
    pub closed_by: Option<StaffRef>,
    /// What the cashier counted, before seeing what was expected.
    pub counted: Vec<TenderAmount>,
    pub expected: Vec<TenderAmount>,
    /// Counted less expected, per tender (negative: short).
    pub difference: Vec<TenderAmount>,
    /// The shift's Z report (sales, returns, tax, tenders, voids, discounts, cash movements),
    /// kept as it was at the close so a reprint shows exactly that.
    pub report: serde_json::Value,
}
