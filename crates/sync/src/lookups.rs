//! What a till asks head office while online, outside a sync round: stock in the other stores, a
//! sale of any store (to take it back), and the balance of store credit issued anywhere. Each takes the device record, not
//! the till, so the caller need not hold the till while waiting.

use crate::client::HqClient;
use crate::error::SyncError;
use kassa_protocol::{CreditBalance, RemoteOrder, RemoteSale, StockAvailability};
use kassa_store::DeviceInfo;

fn client(device: DeviceInfo) -> Result<HqClient, SyncError> {
    HqClient::for_device(&device)
}

/// A key for a URL path segment, percent-encoded (an order number may hold `#` or `/`).
fn path_safe(what: &str, key: &str) -> Result<String, SyncError> {
    let key = key.trim();
    if key.is_empty() || key.len() > 64 {
        return Err(SyncError::Invalid(format!(
            "{what} {key:?} cannot be looked up"
        )));
    }
    let mut out = String::with_capacity(key.len());
    for byte in key.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    Ok(out)
}

/// Head office's copy of a sale, with its void and every return against it.
pub async fn lookup_sale(device: DeviceInfo, receipt_no: &str) -> Result<RemoteSale, SyncError> {
    let key = path_safe("receipt number", receipt_no)?;
    client(device)?
        .get(&format!("/v1/lookup/sales/{key}"))
        .await
}

/// Head office's copy of an online order (a shipped one, or another store's), with its pickups
/// and every return against it.
pub async fn lookup_order(device: DeviceInfo, order_no: &str) -> Result<RemoteOrder, SyncError> {
    let key = path_safe("order number", order_no)?;
    client(device)?
        .get(&format!("/v1/lookup/orders/{key}"))
        .await
}

/// The balance of a store credit code across every store.
pub async fn lookup_credit(device: DeviceInfo, code: &str) -> Result<CreditBalance, SyncError> {
    // Head office is asked by the credit's key: the code itself stays on the customer's receipt
    // (no code in head office's request logs).
    let key = path_safe("credit code", &kassa_domain::credit_key_of_code(code))?;
    client(device)?
        .get(&format!("/v1/lookup/credit/{key}"))
        .await
}

/// Head office's figures for `sku` in every store, each with its "as of" time.
pub async fn stock_elsewhere(
    device: DeviceInfo,
    sku: &str,
) -> Result<StockAvailability, SyncError> {
    let key = path_safe("sku", sku)?;
    client(device)?.get(&format!("/v1/stock/{key}")).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_are_percent_encoded() {
        assert_eq!(super::path_safe("x", " W-1.a ").unwrap(), "W-1.a");
        assert_eq!(super::path_safe("x", "#10/01").unwrap(), "%2310%2F01");
        assert!(super::path_safe("x", "").is_err());
        assert!(super::path_safe("x", &"9".repeat(65)).is_err());
    }
}
