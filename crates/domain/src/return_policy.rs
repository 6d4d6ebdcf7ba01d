//! The store's return policy: which returns a manager must approve, and the caps no approval lifts.

use crate::error::DomainError;
use crate::money::Money;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnPolicy {
    /// Days after the sale's business day in which a return needs no approval.
    pub window_days: i64,
    /// While the till is offline, cash refunds above this need a manager's approval (the sale's
    /// other returns at other tills cannot be seen, so cash is where over-refunds would hurt).
    pub offline_cash_refund_cap: Money,
    /// Returns with no receipt, or outside the window, refund at most this even when approved.
    pub unverified_refund_cap: Money,
}

impl ReturnPolicy {
    /// 30 days; offline cash cap and unverified cap of 100.00 and 50.00 in a two-decimal currency.
    pub fn standard(minor_digits: u8) -> ReturnPolicy {
        let unit = 10_i64.pow(u32::from(minor_digits));
        ReturnPolicy {
            window_days: 30,
            offline_cash_refund_cap: Money::from_minor(100 * unit),
            unverified_refund_cap: Money::from_minor(50 * unit),
        }
    }
}

/// Why a return needs a manager's approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum ApprovalReason {
    NoReceipt,
    OutsideWindow {
        days_since_sale: i64,
        window_days: i64,
    },
    OfflineCashOverCap {
        cash: Money,
        cap: Money,
    },
}

impl ApprovalReason {
    /// The reason for people, amounts in `currency` (`20.00 EUR`, never minor units).
    pub fn describe(&self, currency: &crate::money::Currency) -> String {
        let m = |money: &Money| crate::money::format_in(*money, currency);
        match self {
            ApprovalReason::NoReceipt => "a return without a receipt".into(),
            ApprovalReason::OutsideWindow {
                days_since_sale,
                window_days,
            } => format!(
                "the sale was {days_since_sale} days ago, outside the {window_days}-day return window"
            ),
            ApprovalReason::OfflineCashOverCap { cash, cap } => format!(
                "a cash refund of {} while offline is over the cap of {}",
                m(cash),
                m(cap)
            ),
        }
    }
}

/// What the till knows about a return when it checks the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnFacts {
    /// Days from the sale's business day to today; `None` for a return with no receipt.
    pub days_since_sale: Option<i64>,
    pub refund_total: Money,
    pub cash_refund: Money,
    pub online: bool,
}

impl ReturnPolicy {
    /// The approvals the return needs. Refused outright when an unverified return is over its cap.
    pub fn approvals_needed(
        &self,
        facts: &ReturnFacts,
    ) -> Result<Vec<ApprovalReason>, DomainError> {
        let mut needed = Vec::new();
        match facts.days_since_sale {
            None => needed.push(ApprovalReason::NoReceipt),
            Some(days) if days > self.window_days => needed.push(ApprovalReason::OutsideWindow {
                days_since_sale: days,
                window_days: self.window_days,
            }),
            Some(_) => {}
        }
        if !needed.is_empty() && facts.refund_total > self.unverified_refund_cap {
            return Err(DomainError::RefundOverCap {
                refund: facts.refund_total,
                cap: self.unverified_refund_cap,
            });
        }
        if !facts.online && facts.cash_refund > self.offline_cash_refund_cap {
            needed.push(ApprovalReason::OfflineCashOverCap {
                cash: facts.cash_refund,
                cap: self.offline_cash_refund_cap,
            });
        }
        Ok(needed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(days: Option<i64>, total: i64, cash: i64, online: bool) -> ReturnFacts {
        ReturnFacts {
            days_since_sale: days,
            refund_total: Money::from_minor(total),
            cash_refund: Money::from_minor(cash),
            online,
        }
    }

    #[test]
    fn approvals_table() {
        let policy = ReturnPolicy::standard(2);
        let kinds = |f: ReturnFacts| -> Result<Vec<&'static str>, DomainError> {
            Ok(policy
                .approvals_needed(&f)?
                .iter()
                .map(|r| match r {
                    ApprovalReason::NoReceipt => "no_receipt",
                    ApprovalReason::OutsideWindow { .. } => "window",
                    ApprovalReason::OfflineCashOverCap { .. } => "cash_cap",
                })
                .collect())
        };
        assert_eq!(kinds(facts(Some(0), 9_000, 9_000, true)), Ok(vec![]));
        assert_eq!(kinds(facts(Some(30), 9_000, 9_000, true)), Ok(vec![]));
        assert_eq!(kinds(facts(Some(31), 4_000, 0, true)), Ok(vec!["window"]));
        assert_eq!(kinds(facts(None, 5_000, 0, true)), Ok(vec!["no_receipt"]));
        assert_eq!(kinds(facts(Some(2), 10_000, 10_000, false)), Ok(vec![]));
        assert_eq!(
            kinds(facts(Some(2), 10_001, 10_001, false)),
            Ok(vec!["cash_cap"])
        );
        // Card refunds go back where they came from: no offline cap.
        assert_eq!(kinds(facts(Some(2), 50_000, 0, false)), Ok(vec![]));
        assert_eq!(
            kinds(facts(None, 5_001, 0, true)),
            Err(DomainError::RefundOverCap {
                refund: Money::from_minor(5_001),
                cap: Money::from_minor(5_000)
            })
        );
        assert!(kinds(facts(Some(45), 6_000, 0, true)).is_err());
    }

    #[test]
    fn reasons_name_amounts_in_the_store_s_currency() {
        let reason = ApprovalReason::OfflineCashOverCap {
            cash: Money::from_minor(6_000),
            cap: Money::from_minor(5_000),
        };
        let eur = crate::money::Currency::from_iso("EUR").unwrap();
        assert_eq!(
            reason.describe(&eur),
            "a cash refund of 60.00 EUR while offline is over the cap of 50.00 EUR"
        );
        let jpy = crate::money::Currency::from_iso("JPY").unwrap();
        assert!(
            reason.describe(&jpy).contains("6000 JPY"),
            "{}",
            reason.describe(&jpy)
        );
    }
}
