//! Receipt codes: each receipt's QR code is signed with the store's key, and every till holds
//! every store's public key (from head office), so a scanned receipt is checked offline.

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

/// Gives a till its signing key: head office's at enrollment, or a new one for a stand-alone
/// till (`None`); a key it has already is kept.
pub(crate) fn ensure_key(conn: &Connection, key: Option<&str>) -> Result<(), StoreError> {
    let key = match key {
        Some(key) => {
            receipt_code::public_key(key)
                .map_err(|_| StoreError::Invalid("head office sent a bad receipt key".into()))?;
            key.to_string()
        }
        None => {
            let mut random = [0u8; 32];
            getrandom::fill(&mut random).expect("the operating system's random source works");
            receipt_code::secret_key(&random)
        }
    };
    let replace = enrolled(conn)?;
    conn.execute(
        if replace {
            "UPDATE device SET receipt_key = ?1 WHERE id = 1"
        } else {
            "UPDATE device SET receipt_key = coalesce(receipt_key, ?1) WHERE id = 1"
        },
        params![key],
    )?;
    Ok(())
}

/// Whether this till is enrolled: then head office's key wins over one it made for itself.
fn enrolled(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn
        .query_row(
            "SELECT device_token IS NOT NULL FROM device WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false))
}

/// A scanned receipt code or a typed receipt number, as a receipt number. A code must be
/// genuine; a typed number is taken as typed.
pub(crate) fn receipt_number(conn: &Connection, text: &str) -> Result<String, StoreError> {
    if !receipt_code::is_receipt_code(text) {
        return Ok(text.trim().to_string());
    }
    Ok(check(conn, text)?.receipt_no)
}

fn check(conn: &Connection, code: &str) -> Result<ReceiptCode, StoreError> {
    let own_store: Option<String> = conn
        .query_row("SELECT store_code FROM store_config", [], |r| r.get(0))
        .optional()?;
    let own = own_key(conn)?;
    let mut lookup_error = None;
    let result = receipt_code::verify(code, |store| {
        if Some(store) == own_store.as_deref() {
            if let Some(secret) = &own {
                return receipt_code::public_key(secret).ok();
            }
        }
        match conn
            .query_row(
                "SELECT public_key FROM receipt_keys WHERE store = ?1",
                [store],
                |r| r.get(0),
            )
            .optional()
        {
            Ok(key) => key,
            Err(e) => {
                lookup_error = Some(e);
                None
            }
        }
    });
    if let Some(e) = lookup_error {
        return Err(e.into());
    }
    result.map_err(|e| StoreError::Invalid(e.to_string()))
}

impl Till {
    /// The signed code printed as a QR on a sale's receipt.
    pub fn receipt_code(&self, receipt: &Receipt) -> Result<String, StoreError> {
        let key = own_key(&self.conn)?
            .ok_or_else(|| StoreError::Corrupt("this till has no receipt key".into()))?;
        receipt_code::sign(
            &key,
            &receipt.receipt_no,
            &receipt.id,
            receipt.total.minor(),
        )
        .map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Checks a scanned receipt code offline: genuine, from which store, for which sale.
    pub fn check_receipt_code(&self, code: &str) -> Result<ReceiptCode, StoreError> {
        check(&self.conn, code)
    }

    /// Every store's public key from head office (keys are never replaced).
    pub fn apply_receipt_keys(&mut self, keys: &[(String, String)]) -> Result<(), StoreError> {
        let tx = crate::till::begin(&mut self.conn)?;
        for (store, public_key) in keys {
            tx.execute(
                "INSERT OR IGNORE INTO receipt_keys (store, public_key) VALUES (?1, ?2)",
                params![store, public_key],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn receipt_keys_known(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM receipt_keys", [], |r| r.get(0))?)
    }

    /// Takes head office's signing key for this store at enrollment.
    pub fn set_receipt_key(&mut self, key: &str) -> Result<(), StoreError> {
        ensure_key(&self.conn, Some(key))
    }
}
