//! Stores, enrollment codes, and trading a code for a device token.

use crate::error::HqError;
use crate::hq::Hq;
use crate::storage::{Device, NewDevice};
use crate::tokens::{enrollment_code, hash_secret, random_secret};
use chrono::Utc;
use kassa_domain::{Currency, TaxMode, TaxRate};
use kassa_protocol::{EnrollCode, EnrollRequest, EnrollResponse, StoreInfo};
use kassa_replica::ActorId;

/// How long an enrollment code can be used after it was made.
pub const ENROLL_CODE_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::hours(24);

fn validate_store(info: &StoreInfo) -> Result<(), HqError> {
    let bad = |m: String| Err(HqError::BadRequest(m));
    if !(1..=16).contains(&info.code.len())
        || !info
            .code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return bad(format!(
            "store code {:?} must be 1 to 16 upper-case letters or digits",
            info.code
        ));
    }
    if Currency::from_iso(&info.currency).is_err()
        || info.currency != info.currency.to_ascii_uppercase()
    {
        return bad(format!("unknown currency {:?}", info.currency));
    }
    if TaxMode::parse(&info.tax_mode).is_none() {
        return bad(format!(
            "tax mode {:?} must be inclusive or exclusive",
            info.tax_mode
        ));
    }
    if !(1..=100).contains(&info.cash_increment) {
        return bad(format!(
            "cash rounding increment {} must be 1 to 100 minor units",
            info.cash_increment
        ));
    }
    if info.tax_classes.is_empty() {
        return bad("a store needs at least one tax class".into());
    }
    for class in &info.tax_classes {
        if class.code.is_empty()
            || class.code.contains(char::is_whitespace)
            || TaxRate::from_basis_points(class.rate_bp).is_err()
        {
            return bad(format!(
                "tax class {:?} ({} bp) is not valid",
                class.code, class.rate_bp
            ));
        }
    }
    Ok(())
}

impl Hq {
    pub async fn create_store(&self, info: &StoreInfo) -> Result<StoreInfo, HqError> {
        validate_store(info)?;
        self.storage.create_store(info, Utc::now()).await?;
        Ok(self.store_row(&info.code).await?.info)
    }

    pub async fn stores(&self) -> Result<Vec<StoreInfo>, HqError> {
        Ok(self
            .storage
            .stores()
            .await?
            .into_iter()
            .map(|r| r.info)
            .collect())
    }

    /// A one-time code for till `till_no` of `store`. Only its hash is kept.
    pub async fn create_enroll_code(
        &self,
        store: &str,
        till_no: u16,
    ) -> Result<EnrollCode, HqError> {
        if !(1..=999).contains(&till_no) {
            return Err(HqError::BadRequest(format!(
                "till number {till_no} must be 1 to 999"
            )));
        }
        self.store_row(store).await?;
        let code = enrollment_code();
        self.storage
            .add_enroll_code(&hash_secret(&code), store, till_no, Utc::now())
            .await?;
        Ok(EnrollCode {
            store: store.to_string(),
            till_no,
            code,
        })
    }

    /// Trades a one-time code for a device token (returned once; only its hash is kept).
    pub async fn enroll(&self, request: &EnrollRequest) -> Result<EnrollResponse, HqError> {
        let actor = ActorId::try_from(request.actor_id.as_str()).map_err(|_| {
            HqError::BadRequest(format!("actor id {:?} is not hex", request.actor_id))
        })?;
        if actor.to_bytes().len() < 8 {
            return Err(HqError::BadRequest("actor id is too short".into()));
        }
        let public_key = crate::device_keys::checked_public_key(&request.device_key)?;
        // The code is taken in the transaction that adds the device (one code, one device, and
        // a failure keeps the code); enrolling a till number again revokes its earlier device.
        let token = random_secret(32);
        let now = Utc::now();
        let (store, till_no) = self
            .storage
            .enroll_device(NewDevice {
                code_hash: hash_secret(&request.code),
                token_hash: hash_secret(&token),
                actor_id: actor.to_hex_string(),
                public_key: public_key.clone(),
                now,
                oldest: now - ENROLL_CODE_LIFETIME,
            })
            .await?
            .ok_or(HqError::Unauthorized)?;
        let info = self.store_row(&store).await?.info;
        let device_certificate = self
            .certify_device_key(&store, till_no, &public_key)
            .await?;
        Ok(EnrollResponse {
            device_token: token,
            till_no,
            store: info,
            device_certificate,
        })
    }

    /// Revokes every device token of a till (a stolen or replaced till).
    pub async fn revoke_till(&self, store: &str, till_no: u16) -> Result<usize, HqError> {
        self.storage.revoke_devices(store, till_no).await
    }

    /// The till renewing its own token (`POST /v1/device/token`, with the token it has now): a
    /// new one is returned once; the presented one keeps working until the new one is first
    /// used, so an answer lost on the way never locks the till out.
    pub async fn renew_device_token(
        &self,
        device: &Device,
        presented: &str,
    ) -> Result<String, HqError> {
        let token = random_secret(32);
        if !self
            .storage
            .renew_device_token(device.id, &hash_secret(presented), &hash_secret(&token))
            .await?
        {
            return Err(HqError::Unauthorized);
        }
        Ok(token)
    }

    /// A new token for the till's device; the old one stops working at once. Returned once, like
    /// the token enrollment gives (only its hash is kept). The till is given it out of band
    /// (`kassa enroll` again is the other way).
    pub async fn rotate_till_token(&self, store: &str, till_no: u16) -> Result<String, HqError> {
        let token = random_secret(32);
        if !self
            .storage
            .rotate_device_token(store, till_no, &hash_secret(&token))
            .await?
        {
            return Err(HqError::NotFound(format!(
                "till {till_no} of {store} has no enrolled device"
            )));
        }
        Ok(token)
    }
}

/// The tax classes a store gets when none are given.
pub const DEFAULT_TAX_CLASSES: [&str; 3] = ["standard=21%", "reduced=9%", "zero=0%"];

/// A tax class as people write it: `CODE=RATE%`, e.g. `standard=21%`.
pub fn parse_tax_class(spec: &str) -> Result<kassa_protocol::TaxClassInfo, HqError> {
    let bad = || {
        HqError::BadRequest(format!(
            "tax class {:?}: use CODE=RATE%, e.g. standard=21%",
            spec.chars().take(40).collect::<String>()
        ))
    };
    let (code, rate) = spec.split_once('=').ok_or_else(bad)?;
    match kassa_domain::Discount::parse(rate.trim(), 2) {
        Ok(kassa_domain::Discount::Percent(bp)) => Ok(kassa_protocol::TaxClassInfo {
            code: code.trim().into(),
            name: code.trim().into(),
            rate_bp: bp,
        }),
        _ => Err(bad()),
    }
}
