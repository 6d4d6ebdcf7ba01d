//! Each till's own key: made on the till, sent as a public key at enrollment (or later, to rotate
//! it), and certified here with the store's receipt key, whose secret never leaves head office.
//! The till signs its receipt codes with its key; the certificate travels in the code, so any
//! till checks it offline with the store's public key alone.

use crate::error::HqError;
use crate::hq::Hq;
use crate::storage::Device;
use kassa_domain::receipt_code;
use kassa_protocol::DeviceCertificate;

/// Checks that `public_key` is an Ed25519 public key in hex, as a till must send it.
pub(crate) fn checked_public_key(public_key: &str) -> Result<String, HqError> {
    let bad = || HqError::BadRequest("device key is not an Ed25519 public key in hex".into());
    if public_key.len() != 64 {
        return Err(bad());
    }
    // Certifying it with a throwaway key proves it decodes as a curve point.
    receipt_code::certify_till(&receipt_code::secret_key(&[1; 32]), "", 0, public_key)
        .map_err(|_| bad())?;
    Ok(public_key.to_ascii_lowercase())
}

impl Hq {
    /// The store's receipt key (made on first use): its secret, which stays here.
    async fn store_secret(&self, store: &str) -> Result<String, HqError> {
        let mut random = [0u8; 32];
        getrandom::fill(&mut random)
            .map_err(|e| HqError::Corrupt(format!("random source: {e}")))?;
        let secret = self
            .storage
            .receipt_key(store, &receipt_code::secret_key(&random))
            .await;
        // It may be the store's first key.
        self.receipt_keys_read.forget();
        secret
    }

    /// Certifies `public_key` (checked already) as the key of `store`'s till `till_no`.
    pub(crate) async fn certify_device_key(
        &self,
        store: &str,
        till_no: u16,
        public_key: &str,
    ) -> Result<DeviceCertificate, HqError> {
        let secret = self.store_secret(store).await?;
        let corrupt = |e: receipt_code::ReceiptCodeError| HqError::Corrupt(e.to_string());
        Ok(DeviceCertificate {
            public_key: public_key.to_string(),
            certificate: receipt_code::certify_till(&secret, store, till_no, public_key)
                .map_err(corrupt)?,
            store_key: receipt_code::public_key(&secret).map_err(corrupt)?,
        })
    }

    /// A till's new key (`POST /v1/device/key`): kept as the device's key and certified. A till
    /// rotates its key this way; the old certificate stays valid for receipts it signed.
    pub async fn rotate_device_key(
        &self,
        device: &Device,
        public_key: &str,
    ) -> Result<DeviceCertificate, HqError> {
        let public_key = checked_public_key(public_key)?;
        if !self.storage.set_device_key(device.id, &public_key).await? {
            return Err(HqError::Unauthorized);
        }
        self.certify_device_key(&device.store, device.till_no, &public_key)
            .await
    }
}

impl Hq {
    /// The public half of a store's receipt key. Every sync round lists every store's keys, so
    /// each is derived once per process, not once per store per round (a curve multiplication
    /// each: with a thousand stores, that alone was milliseconds of every round).
    fn receipt_public_key(&self, secret: &str) -> Result<String, HqError> {
        let mut known = self
            .receipt_public_keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(public_key) = known.get(secret) {
            return Ok(public_key.clone());
        }
        let public_key =
            receipt_code::public_key(secret).map_err(|e| HqError::Corrupt(e.to_string()))?;
        known.insert(secret.to_string(), public_key.clone());
        Ok(public_key)
    }

    /// Every store's trusted receipt keys: its current key and the replaced ones still trusted.
    pub async fn trusted_store_keys(&self) -> Result<Vec<kassa_protocol::StoreKey>, HqError> {
        let mut keys = Vec::new();
        for key in self.storage.receipt_keys().await? {
            keys.push(kassa_protocol::StoreKey {
                public_key: self.receipt_public_key(&key.secret)?,
                store: key.store,
                current: true,
            });
        }
        for (store, public_key) in self.storage.retired_receipt_keys().await? {
            keys.push(kassa_protocol::StoreKey {
                store,
                public_key,
                current: false,
            });
        }
        keys.sort();
        Ok(keys)
    }

    /// Gives `store` a new receipt key (`kassa-hq store rotate-key`). Its tills are certified
    /// under it as they next sync; receipts printed under the replaced key stay checkable,
    /// unless `distrust_old` (a key thought stolen): then every earlier key of the store stops
    /// being trusted, at every till, at its next sync. (The command line writes the admin log.)
    pub async fn rotate_store_key(&self, store: &str, distrust_old: bool) -> Result<(), HqError> {
        let mut random = [0u8; 32];
        getrandom::fill(&mut random)
            .map_err(|e| HqError::Corrupt(format!("random source: {e}")))?;
        let rotated = self
            .storage
            .rotate_receipt_key(
                store,
                &receipt_code::secret_key(&random),
                distrust_old,
                chrono::Utc::now(),
            )
            .await;
        self.receipt_keys_read.forget();
        rotated
    }

    /// Every store's trusted receipt keys and their digest, for a sync answer: as read within
    /// the last few seconds (see `receipt_keys_read`).
    pub(crate) async fn trusted_store_keys_read(
        &self,
    ) -> Result<crate::receipt_keys_read::ReadKeys, HqError> {
        let now = std::time::Instant::now();
        if let Some(read) = self.receipt_keys_read.fresh(now) {
            return Ok(read);
        }
        let keys = self.trusted_store_keys().await?;
        Ok(self.receipt_keys_read.keep(now, keys))
    }
}

impl Hq {
    /// The heads each till of `store` signed last, per document, checked when they arrived:
    /// (till number, signed heads).
    pub async fn signed_heads(
        &self,
        store: &str,
    ) -> Result<Vec<(u16, kassa_protocol::SignedHeads)>, HqError> {
        self.storage.signed_heads(store).await
    }
}
