//! The till's identity and the store's money settings.

use crate::error::StoreError;
use kassa_domain::{Currency, Money, ReturnPolicy, TaxMode, TaxRate};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxClass {
    pub code: String,
    pub name: String,
    pub rate: TaxRate,
}

/// What `kassa init` asks for.
#[derive(Clone, Debug)]
pub struct StoreSetup {
    pub store_code: String,
    pub till_no: u16,
    pub currency: Currency,
    pub tax_mode: TaxMode,
    /// Cash rounding increment in minor units (1 = none, 5 = to 0.05).
    pub cash_increment: i64,
    pub tax_classes: Vec<TaxClass>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreConfig {
    pub store_code: String,
    pub till_no: u16,
    pub currency: Currency,
    pub tax_mode: TaxMode,
    pub cash_increment: i64,
}

impl StoreSetup {
    pub(crate) fn validate(&self) -> Result<(), StoreError> {
        let code_ok = (1..=16).contains(&self.store_code.len())
            && self
                .store_code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !code_ok {
            return Err(StoreError::Invalid(format!(
                "store code {:?} must be 1 to 16 upper-case letters or digits",
                self.store_code
            )));
        }
        if !(1..=999).contains(&self.till_no) {
            return Err(StoreError::Invalid(format!(
                "till number {} must be between 1 and 999",
                self.till_no
            )));
        }
        if !(1..=100).contains(&self.cash_increment) {
            return Err(
                kassa_domain::DomainError::InvalidRoundingIncrement(self.cash_increment).into(),
            );
        }
        if self.tax_classes.is_empty() {
            return Err(StoreError::Invalid(
                "at least one tax class is needed".into(),
            ));
        }
        for class in &self.tax_classes {
            if class.code.is_empty() || class.code.contains(char::is_whitespace) {
                return Err(StoreError::Invalid(format!(
                    "tax class code {:?} must be one word",
                    class.code
                )));
            }
        }
        Ok(())
    }
}

pub(crate) fn read_config(conn: &Connection) -> Result<StoreConfig, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT store_code, till_no, currency, minor_digits, tax_mode, cash_increment FROM store_config WHERE id = 1",
        )?
        .query_row(
            [],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, u16>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, u8>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, i64>(5)?,
                ))
            },
        )
        .optional()?;
    let (store_code, till_no, code, minor_digits, mode, cash_increment) =
        row.ok_or(StoreError::NotInitialized)?;
    let tax_mode =
        TaxMode::parse(&mode).ok_or_else(|| StoreError::Corrupt(format!("tax mode {mode:?}")))?;
    Ok(StoreConfig {
        store_code,
        till_no,
        currency: Currency { code, minor_digits },
        tax_mode,
        cash_increment,
    })
}

pub(crate) fn write_config(
    conn: &Connection,
    setup: &StoreSetup,
    created_at: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO store_config (id, store_code, till_no, currency, minor_digits, tax_mode, cash_increment, created_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            setup.store_code,
            setup.till_no,
            setup.currency.code,
            setup.currency.minor_digits,
            setup.tax_mode.as_str(),
            setup.cash_increment,
            created_at
        ],
    )?;
    conn.execute(
        "INSERT INTO receipt_counter (id, last_seq) VALUES (1, 0)",
        [],
    )?;
    write_return_policy(conn, &ReturnPolicy::standard(setup.currency.minor_digits))?;
    for class in &setup.tax_classes {
        conn.execute(
            "INSERT INTO tax_classes (code, name, rate_bp) VALUES (?1, ?2, ?3)",
            params![class.code, class.name, class.rate.basis_points()],
        )?;
    }
    Ok(())
}

pub(crate) fn write_return_policy(
    conn: &Connection,
    policy: &ReturnPolicy,
) -> Result<(), StoreError> {
    if policy.window_days < 0
        || policy.offline_cash_refund_cap.is_negative()
        || policy.unverified_refund_cap.is_negative()
    {
        return Err(StoreError::Invalid(
            "return policy figures must not be negative".into(),
        ));
    }
    conn.execute(
        "INSERT OR REPLACE INTO return_policy (id, window_days, offline_cash_refund_cap, unverified_refund_cap)
         VALUES (1, ?1, ?2, ?3)",
        params![
            policy.window_days,
            policy.offline_cash_refund_cap.minor(),
            policy.unverified_refund_cap.minor()
        ],
    )?;
    Ok(())
}

pub(crate) fn return_policy(conn: &Connection) -> Result<ReturnPolicy, StoreError> {
    conn.query_row(
        "SELECT window_days, offline_cash_refund_cap, unverified_refund_cap FROM return_policy WHERE id = 1",
        [],
        |r| {
            Ok(ReturnPolicy {
                window_days: r.get(0)?,
                offline_cash_refund_cap: Money::from_minor(r.get(1)?),
                unverified_refund_cap: Money::from_minor(r.get(2)?),
            })
        },
    )
    .optional()?
    .ok_or(StoreError::NotInitialized)
}

pub(crate) fn tax_classes(conn: &Connection) -> Result<Vec<TaxClass>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT code, name, rate_bp FROM tax_classes ORDER BY code")?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, u32>(2)?,
        ))
    })?;
    let mut classes = Vec::new();
    for row in rows {
        let (code, name, bp) = row?;
        let rate =
            TaxRate::from_basis_points(bp).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        classes.push(TaxClass { code, name, rate });
    }
    Ok(classes)
}
