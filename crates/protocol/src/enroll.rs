use crate::admin::StoreInfo;
use serde::{Deserialize, Serialize};

/// `POST /v1/enroll`: a one-time code, the till's Automerge actor id (hex) and the public half
/// of the key the till made for itself (Ed25519, hex).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollRequest {
    pub code: String,
    pub actor_id: String,
    pub device_key: String,
}

/// `POST /v1/device/key`: a till's new public key (rotation, or a till enrolled before device
/// keys), to be certified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceKeyRequest {
    pub public_key: String,
}

/// A till's key certified by its store's key at head office: the till signs its receipt codes
/// with it, and any till checks them with the store's public key alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCertificate {
    /// The till's public key (hex) the certificate is for.
    pub public_key: String,
    /// The store key's signature over store, till number and `public_key` (base64url).
    pub certificate: String,
    /// The store's public key (hex).
    pub store_key: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub device_token: String,
    pub till_no: u16,
    pub store: StoreInfo,
    /// The till's key, certified by its store's key (whose secret stays at head office).
    pub device_certificate: DeviceCertificate,
}

/// `POST /v1/device/token`: the till's new device token (returned once; head office keeps only
/// its hash). The token the till renewed with works until this one is first used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewedToken {
    pub device_token: String,
}
