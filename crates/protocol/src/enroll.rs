use crate::admin::StoreInfo;
use serde::{Deserialize, Serialize};

/// `POST /v1/enroll`: a one-time code, and the till's Automerge actor id (hex).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollRequest {
    pub code: String,
    pub actor_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub device_token: String,
    pub till_no: u16,
    pub store: StoreInfo,
    /// The store's receipt signing key (absent from older head offices).
    #[serde(default)]
    pub receipt_key: Option<String>,
}

/// `POST /v1/device/token`: the till's new device token (returned once; head office keeps only
/// its hash). The token the till renewed with works until this one is first used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewedToken {
    pub device_token: String,
}
