//! Stock of a product in every store, asked of head office (only when online).

use crate::client::HqClient;
use crate::error::SyncError;
use kassa_protocol::StockAvailability;
use kassa_store::DeviceInfo;

/// Head office's figures for `sku` in every store, each with its "as of" time.
/// Takes the device record (not the till) so the caller need not hold the till while waiting.
pub async fn stock_elsewhere(
    device: DeviceInfo,
    sku: &str,
) -> Result<StockAvailability, SyncError> {
    let (Some(url), Some(token)) = (device.hq_url, device.device_token) else {
        return Err(SyncError::NotEnrolled);
    };
    if sku.is_empty()
        || !sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(SyncError::Invalid(format!(
            "sku {sku:?} cannot be looked up"
        )));
    }
    HqClient::new(&url, Some(token))?
        .get(&format!("/v1/stock/{sku}"))
        .await
}
