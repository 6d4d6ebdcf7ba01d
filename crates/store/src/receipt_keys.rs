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
}
