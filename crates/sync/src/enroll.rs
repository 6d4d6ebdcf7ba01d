//! Trading a one-time code for a device token. A till that is not set up yet takes the store's
//! settings from head office; one that is must belong to the same store and till.

use crate::client::HqClient;
use crate::error::SyncError;
use kassa_domain::{Currency, TaxMode, TaxRate};
use kassa_protocol::{EnrollRequest, EnrollResponse, EnrollmentCode};
use kassa_store::{NewDeviceKey, StoreError, StoreSetup, TaxClass, Till};

pub async fn enroll(
    till: &mut Till,
    hq_url: &str,
    code: &str,
) -> Result<EnrollResponse, SyncError> {
    // The code names the head office to trust (its authority's fingerprint) before anything is
    // sent: a server with another certificate never sees the code.
    let code = EnrollmentCode::parse(code).map_err(SyncError::Invalid)?;
    let client = HqClient::connect(hq_url, None, code.pin)?;
    let existing = match till.config() {
        Ok(config) => Some(config),
        Err(StoreError::NotInitialized) => None,
        Err(e) => return Err(e.into()),
    };
    let actor_id = till.actor_id()?;
    // The till's own key: only its public half is sent; head office certifies it for this till.
    let device_key = NewDeviceKey::generate();
    let response: EnrollResponse = client
        .post(
            "/v1/enroll",
            &EnrollRequest {
                code: code.secret.clone(),
                actor_id,
                device_key: device_key.public_hex.clone(),
            },
        )
        .await?;
    match existing {
        Some(config)
            if config.store_code != response.store.code || config.till_no != response.till_no =>
        {
            return Err(SyncError::Invalid(format!(
                "this till is {} till {}, but the code is for {} till {}",
                config.store_code, config.till_no, response.store.code, response.till_no
            )));
        }
        Some(_) => {}
        None => {
            till.init(&setup_from(&response)?)?;
        }
    }
    let pin = code.pin.map(|pin| pin.to_text());
    // The key first: a certificate the till cannot take leaves it unenrolled, not holding a
    // token without a key.
    crate::round::install_certified(till, &device_key, &response.device_certificate, true)?;
    till.set_enrollment(client.base_url(), &response.device_token, pin.as_deref())?;
    Ok(response)
}

/// The local setup from head office's store settings.
fn setup_from(response: &EnrollResponse) -> Result<StoreSetup, SyncError> {
    let store = &response.store;
    let currency =
        Currency::from_iso(&store.currency).map_err(|e| SyncError::Protocol(e.to_string()))?;
    let tax_mode = TaxMode::parse(&store.tax_mode)
        .ok_or_else(|| SyncError::Protocol(format!("tax mode {:?}", store.tax_mode)))?;
    let tax_classes = store
        .tax_classes
        .iter()
        .map(|c| {
            Ok(TaxClass {
                code: c.code.clone(),
                name: c.name.clone(),
                rate: TaxRate::from_basis_points(c.rate_bp)
                    .map_err(|e| SyncError::Protocol(e.to_string()))?,
            })
        })
        .collect::<Result<Vec<_>, SyncError>>()?;
    Ok(StoreSetup {
        store_code: store.code.clone(),
        till_no: response.till_no,
        currency,
        tax_mode,
        cash_increment: store.cash_increment,
        tax_classes,
    })
}
