//! Document ids: `ledger/{store}/{till}/{yyyy-mm-dd}`, `stock/{store}/{epoch}`,
//! `orders/{store}/{yyyy-mm}`, `ledger/{store}/hq/{yyyy-mm-dd}`. Documents are cut by writer and
//! time so that each stays small.

use crate::error::ReplicaError;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocId {
    /// One till's records of one business day; that till is the only writer.
    Ledger {
        store: String,
        till: u16,
        day: String,
    },
    /// Head office's records for a store (receipts of goods, counts, transfers) of one day.
    HqLedger { store: String, day: String },
    /// A store's stock in one epoch: baseline plus movements per writer.
    Stock { store: String, epoch: u32 },
    /// Online orders for pickup at a store, by month.
    Orders { store: String, month: String },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum DocKind {
    Ledger,
    HqLedger,
    Stock,
    Orders,
}

fn valid_store(s: &str) -> bool {
    (1..=16).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn valid_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn valid_month(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit())
}

impl DocId {
    pub fn parse(text: &str) -> Result<DocId, ReplicaError> {
        let bad = || ReplicaError::InvalidDocId(text.chars().take(80).collect());
        let parts: Vec<&str> = text.split('/').collect();
        let id = match parts.as_slice() {
            ["ledger", store, "hq", day] if valid_store(store) && valid_day(day) => {
                DocId::HqLedger {
                    store: store.to_string(),
                    day: day.to_string(),
                }
            }
            ["ledger", store, till, day] if valid_store(store) && valid_day(day) => {
                let till: u16 = till
                    .parse()
                    .ok()
                    .filter(|t| (1..=999).contains(t))
                    .ok_or_else(bad)?;
                if till.to_string() != parts[2] {
                    return Err(bad());
                }
                DocId::Ledger {
                    store: store.to_string(),
                    till,
                    day: day.to_string(),
                }
            }
            ["stock", store, epoch] if valid_store(store) => {
                let epoch: u32 = epoch.parse().map_err(|_| bad())?;
                if epoch.to_string() != parts[2] {
                    return Err(bad());
                }
                DocId::Stock {
                    store: store.to_string(),
                    epoch,
                }
            }
            ["orders", store, month] if valid_store(store) && valid_month(month) => DocId::Orders {
                store: store.to_string(),
                month: month.to_string(),
            },
            _ => return Err(bad()),
        };
        Ok(id)
    }

    pub fn store(&self) -> &str {
        match self {
            DocId::Ledger { store, .. }
            | DocId::HqLedger { store, .. }
            | DocId::Stock { store, .. }
            | DocId::Orders { store, .. } => store,
        }
    }

    pub fn kind(&self) -> DocKind {
        match self {
            DocId::Ledger { .. } => DocKind::Ledger,
            DocId::HqLedger { .. } => DocKind::HqLedger,
            DocId::Stock { .. } => DocKind::Stock,
            DocId::Orders { .. } => DocKind::Orders,
        }
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocId::Ledger { store, till, day } => write!(f, "ledger/{store}/{till}/{day}"),
            DocId::HqLedger { store, day } => write!(f, "ledger/{store}/hq/{day}"),
            DocId::Stock { store, epoch } => write!(f, "stock/{store}/{epoch}"),
            DocId::Orders { store, month } => write!(f, "orders/{store}/{month}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_ids() {
        for text in [
            "ledger/AMS1/2/2026-11-23",
            "ledger/AMS1/hq/2026-11-23",
            "stock/AMS1/0",
            "stock/AMS1/17",
            "orders/AMS1/2026-11",
        ] {
            assert_eq!(DocId::parse(text).unwrap().to_string(), text);
        }
        for bad in [
            "",
            "ledger/ams1/2/2026-11-23",
            "ledger/AMS1/0/2026-11-23",
            "ledger/AMS1/02/2026-11-23",
            "ledger/AMS1/2/2026-11-2x",
            "stock/AMS1/-1",
            "stock/AMS1/01",
            "orders/AMS1/2026-11-01",
            "ledger/AMS1/2/2026-11-23/x",
            "../etc/passwd",
        ] {
            assert!(DocId::parse(bad).is_err(), "{bad}");
        }
    }
}
