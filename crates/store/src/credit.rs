//! Store credit: issued by a return as a code on the refund receipt, redeemed as a tender at any
//! store. A till knows the balance of credit issued in its own store (its documents hold every
//! return and sale of the store); credit from another store is checked at head office when online.

use crate::error::StoreError;
use crate::till::Till;
use kassa_domain::{
    credit_key_of_code, credit_key_of_reference, credit_label, Money, Tender, TenderKind,
};
pub use kassa_replica::ledger::CreditBalance;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeMap;

/// Unambiguous letters and digits (no 0/O, 1/I/L): read aloud or typed from a receipt.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A new credit code, `CR-` and 12 random characters (about 59 bits: not guessable).
pub(crate) fn new_credit_code() -> String {
    // Bytes past the last whole multiple of the alphabet are skipped, so every character is
    // equally likely.
    let limit = (256 / CODE_ALPHABET.len() * CODE_ALPHABET.len()) as u8;
    let mut body = String::with_capacity(12);
    while body.len() < 12 {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).expect("the operating system's random source works");
        for b in bytes.into_iter().filter(|b| *b < limit) {
            if body.len() < 12 {
                body.push(CODE_ALPHABET[usize::from(b) % CODE_ALPHABET.len()] as char);
            }
        }
    }
    format!("CR-{body}")
}

/// The balance of credit issued in this store (by its key), or `None` when no return here issued
/// it. The balance names the credit by its key.
pub(crate) fn local_balance(
    conn: &Connection,
    code: &str,
) -> Result<Option<CreditBalance>, StoreError> {
    let issued: Option<i64> = conn
        .prepare_cached("SELECT sum(amount) FROM credit_issues WHERE code = ?1")?
        .query_row([code], |r| r.get(0))?;
    let Some(issued) = issued else {
        return Ok(None);
    };
    let redeemed: i64 = conn
        .prepare_cached(
            "SELECT coalesce(sum(t.amount), 0) FROM credit_redemptions t
             WHERE t.reference = ?1
               AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.sale_id = t.sale_id)",
        )?
        .query_row([code], |r| r.get(0))?;
    Ok(Some(CreditBalance {
        code: code.to_string(),
        issued: Money::from_minor(issued),
        redeemed: Money::from_minor(redeemed),
        balance: Money::from_minor(issued - redeemed),
    }))
}

/// Refuses credit tenders past the balance this till can vouch for: its own store's credit, or
/// another store's as head office last reported it (less what was redeemed here since).
pub(crate) fn check_redemptions(conn: &Connection, tenders: &[Tender]) -> Result<(), StoreError> {
    let mut wanted: BTreeMap<String, Money> = BTreeMap::new();
    for tender in tenders.iter().filter(|t| t.kind == TenderKind::Credit) {
        let code = tender
            .reference
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(credit_key_of_reference)
            .ok_or_else(|| StoreError::Invalid("a store credit tender needs its code".into()))?;
        let entry = wanted.entry(code).or_insert(Money::ZERO);
        *entry = entry.checked_add(tender.amount)?;
    }
    for (code, amount) in wanted {
        let balance = match local_balance(conn, &code)? {
            Some(local) => local.balance,
            None => {
                let remote: Option<(i64, String)> = conn
                    .prepare_cached(
                        "SELECT balance, checked_at FROM remote_credit WHERE code = ?1",
                    )?
                    .query_row([&code], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let (balance, checked_at) =
                    remote.ok_or_else(|| StoreError::UnknownCredit(credit_label(&code)))?;
                // Head office's balance cannot include what was redeemed here unless it had
                // confirmed holding that sale before it answered: everything else is taken off.
                // (A sale it held but had not yet confirmed is taken off twice: that refuses good
                // credit rather than give away more than was issued.)
                let since: i64 = conn
                    .prepare_cached(
                        "SELECT coalesce(sum(t.amount), 0) FROM credit_redemptions t JOIN sales s ON s.id = t.sale_id
                         WHERE t.reference = ?1
                           AND (julianday(s.created_at) >= julianday(?2)
                                OR NOT EXISTS (SELECT 1 FROM hq_confirmed c
                                               WHERE c.record_id = s.id
                                                 AND julianday(c.confirmed_at) <= julianday(?2)))
                           AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.sale_id = t.sale_id)",
                    )?
                    .query_row(params![code, checked_at], |r| r.get(0))?;
                Money::from_minor(balance - since)
            }
        };
        if amount > balance {
            return Err(StoreError::Domain(kassa_domain::DomainError::CreditShort {
                code: credit_label(&code),
                left: balance,
                asked: amount,
            }));
        }
    }
    Ok(())
}

impl Till {
    /// The balance of a credit code, typed by a person, as this till knows it. The answer names
    /// the credit by its label, never by the code.
    pub fn credit_balance(&self, code: &str) -> Result<CreditBalance, StoreError> {
        let key = credit_key_of_code(code);
        let mut balance = local_balance(self.fresh()?, &key)?
            .ok_or_else(|| StoreError::UnknownCredit(credit_label(&key)))?;
        balance.code = credit_label(&key);
        Ok(balance)
    }

    /// Remembers head office's answer for the credit a person typed `code` of, issued at another
    /// store, so a sale can take it.
    pub fn remember_remote_credit(
        &mut self,
        code: &str,
        balance: &CreditBalance,
    ) -> Result<(), StoreError> {
        let (now, _) = self.stamp();
        let key = credit_key_of_code(code);
        if balance.balance.is_negative() {
            return Err(StoreError::Invalid(format!(
                "store credit {} has no balance left",
                credit_label(&key)
            )));
        }
        self.conn.execute(
            "INSERT OR REPLACE INTO remote_credit (code, balance, checked_at) VALUES (?1, ?2, ?3)",
            params![key, balance.balance.minor(), now.as_str()],
        )?;
        Ok(())
    }
}
