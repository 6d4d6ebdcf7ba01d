//! This till's own key: made here (its secret never leaves the till), certified by its store's
//! key at head office, and used to sign receipt codes. Once a till holds a certified key it drops
//! its store's secret key, which stays at head office: a stolen till signs for itself only, and
//! its key is rotated by asking for a new certificate.

use crate::error::StoreError;
use crate::till::Till;
use kassa_domain::receipt_code::{self, TillKey};
use rusqlite::{params, Connection, OptionalExtension};

/// A key made for this till, not yet certified: its public half goes to head office.
#[derive(Clone, Debug)]
pub struct NewDeviceKey {
    secret_hex: String,
    pub public_hex: String,
}

impl NewDeviceKey {
    pub fn generate() -> NewDeviceKey {
        let mut random = [0u8; 32];
        getrandom::fill(&mut random).expect("the operating system's random source works");
        let secret_hex = receipt_code::secret_key(&random);
        let public_hex = receipt_code::public_key(&secret_hex).expect("a fresh key is valid");
        NewDeviceKey {
            secret_hex,
            public_hex,
        }
    }
}

/// The certified key, if this till has one.
pub(crate) fn certified_key(conn: &Connection) -> Result<Option<TillKey>, StoreError> {
    let found: Option<(Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT device_key, device_certificate FROM device WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((Some(secret_hex), Some(certificate))) = found else {
        return Ok(None);
    };
    let public_hex = receipt_code::public_key(&secret_hex)
        .map_err(|_| StoreError::Corrupt("this till's device key is damaged".into()))?;
    Ok(Some(TillKey {
        secret_hex,
        public_hex,
        certificate,
    }))
}

/// Signs `heads` of `doc_id` with this till's certified key and keeps the signature, in the
/// caller's transaction (a till without a certified key signs nothing: a stand-alone till has no
/// head office to show it to).
pub(crate) fn sign_heads(
    conn: &Connection,
    doc_id: &str,
    heads: &[String],
) -> Result<(), StoreError> {
    let Some(key) = certified_key(conn)? else {
        return Ok(());
    };
    let signature = kassa_domain::heads_signature::sign_heads(&key.secret_hex, doc_id, heads)
        .map_err(|e| StoreError::Corrupt(format!("signing {doc_id}'s heads: {e}")))?;
    let heads_json =
        serde_json::to_string(heads).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO signed_heads (doc_id, heads, signature) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![doc_id, heads_json, signature])?;
    Ok(())
}

/// A document's heads as this till signed them last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedHeads {
    pub doc_id: String,
    pub heads: Vec<String>,
    pub signature: String,
}

impl Till {
    /// The heads this till signed last for each of `doc_ids` that it has signed.
    pub fn signed_heads(&self, doc_ids: &[String]) -> Result<Vec<SignedHeads>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT heads, signature FROM signed_heads WHERE doc_id = ?1")?;
        let mut out = Vec::new();
        for doc_id in doc_ids {
            let found: Option<(String, String)> = stmt
                .query_row([doc_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((heads, signature)) = found {
                out.push(SignedHeads {
                    doc_id: doc_id.clone(),
                    heads: serde_json::from_str(&heads).map_err(|e| {
                        StoreError::Corrupt(format!("signed heads of {doc_id}: {e}"))
                    })?,
                    signature,
                });
            }
        }
        Ok(out)
    }

    /// Signs the heads of every document again with the till's key (after a new key is
    /// installed, so head office can check the latest signatures with the key it now holds).
    fn sign_all_heads(&mut self) -> Result<(), StoreError> {
        for doc_id in self.document_ids()? {
            let heads = self.document_heads(&doc_id)?;
            sign_heads(&self.conn, &doc_id, &heads)?;
        }
        Ok(())
    }
}

impl Till {
    /// Keeps `key` as this till's key with the certificate head office gave it, after checking
    /// that the certificate is the store's, for this till and this key. The store's secret key,
    /// if the till held one from before device keys, is dropped. The store key that certified it
    /// must be one this till trusts for its store (head office sends a rotated key with the
    /// trusted set, before the till asks for its new certificate); a till that trusts none yet
    /// takes it as its store's current key.
    pub fn install_device_key(
        &mut self,
        key: &NewDeviceKey,
        certificate: &str,
        store_key: &str,
    ) -> Result<(), StoreError> {
        self.install_key(key, certificate, store_key, false)
    }

    /// [`Till::install_device_key`] at enrollment: head office, trusted by the enrollment code's
    /// fingerprint, names its store's current key, which replaces whatever this till trusted for
    /// its store before (an earlier enrollment, since rotated), in the same transaction; its next
    /// sync brings the rest of the trusted set.
    pub fn install_enrolled_device_key(
        &mut self,
        key: &NewDeviceKey,
        certificate: &str,
        store_key: &str,
    ) -> Result<(), StoreError> {
        self.install_key(key, certificate, store_key, true)
    }

    fn install_key(
        &mut self,
        key: &NewDeviceKey,
        certificate: &str,
        store_key: &str,
        enrolling: bool,
    ) -> Result<(), StoreError> {
        let config = self.config()?;
        receipt_code::check_certificate(
            store_key,
            &config.store_code,
            config.till_no,
            &key.public_hex,
            certificate,
        )
        .map_err(|e| {
            StoreError::Invalid(format!("head office sent a bad device certificate: {e}"))
        })?;
        let (now, _) = self.stamp();
        let tx = crate::till::begin(&mut self.conn)?;
        if enrolling {
            tx.execute(
                "DELETE FROM receipt_keys WHERE store = ?1",
                [&config.store_code],
            )?;
        }
        let known: Vec<String> = tx
            .prepare("SELECT public_key FROM receipt_keys WHERE store = ?1")?
            .query_map([&config.store_code], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if known.is_empty() {
            tx.execute(
                "INSERT INTO receipt_keys (store, public_key, current) VALUES (?1, ?2, 1)",
                params![config.store_code, store_key.to_ascii_lowercase()],
            )?;
        } else if !known.iter().any(|k| k.eq_ignore_ascii_case(store_key)) {
            return Err(StoreError::Invalid(format!(
                "head office certified this till with another key than store {}'s",
                config.store_code
            )));
        }
        tx.execute(
            "UPDATE device SET device_key = ?1, device_certificate = ?2, device_key_at = ?3,
                 receipt_key = NULL
             WHERE id = 1",
            params![key.secret_hex, certificate, now.as_str()],
        )?;
        tx.commit()?;
        // The key is installed; signatures made with it are a bonus that never undoes that.
        if let Err(e) = self.sign_all_heads() {
            eprintln!("kassa: documents not signed again with the new key: {e}");
        }
        Ok(())
    }

    /// Whether this till's certificate is under a key of its store that is no longer the
    /// current one (the store's key was rotated): the till then asks for a new certificate.
    /// False while the till knows no current key or holds no certificate.
    pub fn device_certificate_outdated(&self) -> Result<bool, StoreError> {
        let Some(key) = certified_key(&self.conn)? else {
            return Ok(false);
        };
        let config = self.config()?;
        let current: Option<String> = self
            .conn
            .query_row(
                "SELECT public_key FROM receipt_keys WHERE store = ?1 AND current = 1",
                [&config.store_code],
                |r| r.get(0),
            )
            .optional()?;
        let Some(current) = current else {
            return Ok(false);
        };
        Ok(receipt_code::check_certificate(
            &current,
            &config.store_code,
            config.till_no,
            &key.public_hex,
            &key.certificate,
        )
        .is_err())
    }

    /// This till's certified public key (hex), if it has one.
    pub fn device_public_key(&self) -> Result<Option<String>, StoreError> {
        Ok(certified_key(&self.conn)?.map(|key| key.public_hex))
    }

    /// Whether an enrolled till should ask for a new key: it has none certified, or the one it
    /// has is older than `days` by the till's clock.
    pub fn device_key_older_than(&self, days: i64) -> Result<bool, StoreError> {
        let at: Option<String> = self.conn.query_row(
            "SELECT CASE WHEN device_certificate IS NULL THEN NULL ELSE device_key_at END
             FROM device WHERE id = 1",
            [],
            |r| r.get(0),
        )?;
        self.older_than(at.as_deref(), days, "device key")
    }
}
