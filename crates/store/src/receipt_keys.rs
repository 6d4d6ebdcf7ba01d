//! Receipt codes: each receipt's QR code is signed with the till's certified key (an enrolled
//! till) or the store's key (a stand-alone till, its own store), and every till holds every
//! store's public key (from head office), so a scanned receipt is checked offline.

use crate::error::StoreError;
use crate::receipt::Receipt;
use crate::till::Till;
use kassa_domain::receipt_code::{self, ReceiptCode};
use rusqlite::{params, Connection, OptionalExtension};

fn own_key(conn: &Connection) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT receipt_key FROM device WHERE id = 1", [], |r| {
            r.get::<_, Option<String>>(0)
        })
        .optional()?
        .flatten())
}

/// Gives a stand-alone till a store key of its own (it is its own store) unless it has one, or
/// is enrolled (then it signs with its certified device key).
pub(crate) fn ensure_standalone_key(conn: &Connection) -> Result<(), StoreError> {
    let mut random = [0u8; 32];
    getrandom::fill(&mut random).expect("the operating system's random source works");
    conn.execute(
        "UPDATE device SET receipt_key = coalesce(receipt_key, ?1)
         WHERE id = 1 AND device_certificate IS NULL",
        params![receipt_code::secret_key(&random)],
    )?;
    Ok(())
}

/// A scanned receipt code or a typed receipt number, as a receipt number. A code must be
/// genuine; a typed number is taken as typed.
pub(crate) fn receipt_number(conn: &Connection, text: &str) -> Result<String, StoreError> {
    if !receipt_code::is_receipt_code(text) {
        return Ok(text.trim().to_string());
    }
    Ok(check(conn, text)?.receipt_no)
}

/// A store's public key as this till trusts it (see `receipt_keys`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedKey {
    pub store: String,
    pub public_key: String,
    /// The key head office certifies the store's tills with now.
    pub current: bool,
}

/// The public keys this till trusts for `store`'s receipts: its own store's key on a stand-alone
/// till, else every key head office sent for the store (current first).
fn keys_of(
    conn: &Connection,
    own_store: Option<&str>,
    own: Option<&str>,
    store: &str,
) -> Result<Vec<String>, StoreError> {
    if Some(store) == own_store {
        if let Some(public) = own.and_then(|secret| receipt_code::public_key(secret).ok()) {
            return Ok(vec![public]);
        }
    }
    let keys = conn
        .prepare_cached(
            "SELECT public_key FROM receipt_keys WHERE store = ?1 ORDER BY current DESC, public_key",
        )?
        .query_map([store], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(keys)
}

fn check(conn: &Connection, code: &str) -> Result<ReceiptCode, StoreError> {
    let own_store: Option<String> = conn
        .query_row("SELECT store_code FROM store_config", [], |r| r.get(0))
        .optional()?;
    let own = own_key(conn)?;
    let store = receipt_code::store_of(code).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let keys = keys_of(conn, own_store.as_deref(), own.as_deref(), &store)?;
    // A receipt printed before its store's key was rotated checks under the older key.
    let mut outcome = receipt_code::verify(code, |_| None);
    for key in keys {
        outcome = receipt_code::verify(code, |_| Some(key));
        if outcome.is_ok() {
            break;
        }
    }
    outcome.map_err(|e| StoreError::Invalid(e.to_string()))
}

impl Till {
    /// The signed code printed as a QR on a sale's receipt.
    pub fn receipt_code(&self, receipt: &Receipt) -> Result<String, StoreError> {
        let total = receipt.total.minor();
        let signed = match crate::device_key::certified_key(&self.conn)? {
            Some(key) => receipt_code::sign_as_till(&key, &receipt.receipt_no, &receipt.id, total),
            None => {
                let key = own_key(&self.conn)?
                    .ok_or_else(|| StoreError::Corrupt("this till has no receipt key".into()))?;
                receipt_code::sign(&key, &receipt.receipt_no, &receipt.id, total)
            }
        };
        signed.map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Checks a scanned receipt code offline: genuine, from which store, for which sale.
    pub fn check_receipt_code(&self, code: &str) -> Result<ReceiptCode, StoreError> {
        check(&self.conn, code)
    }

    /// Every store's trusted keys from head office: they replace the set this till had (a key
    /// rotated in, or one no longer trusted, goes with the set).
    pub fn apply_receipt_keys(&mut self, keys: &[TrustedKey]) -> Result<(), StoreError> {
        let tx = crate::till::begin(&mut self.conn)?;
        tx.execute("DELETE FROM receipt_keys", [])?;
        for key in keys {
            tx.execute(
                "INSERT INTO receipt_keys (store, public_key, current) VALUES (?1, ?2, ?3)
                 ON CONFLICT (store, public_key) DO UPDATE SET current = max(current, ?3)",
                params![key.store, key.public_key.to_ascii_lowercase(), key.current],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The keys this till trusts, by store.
    pub fn receipt_keys(&self) -> Result<Vec<TrustedKey>, StoreError> {
        let keys = self
            .conn
            .prepare_cached(
                "SELECT store, public_key, current FROM receipt_keys ORDER BY store, public_key",
            )?
            .query_map([], |r| {
                Ok(TrustedKey {
                    store: r.get(0)?,
                    public_key: r.get(1)?,
                    current: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(keys)
    }
}
