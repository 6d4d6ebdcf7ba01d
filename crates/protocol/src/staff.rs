//! Staff administration at head office: `GET/POST /v1/admin/staff`,
//! `POST /v1/admin/staff/{who}/pin`, `POST /v1/admin/staff/{who}/active`,
//! `POST /v1/admin/staff/{who}/stores`.

use kassa_domain::Role;
use serde::{Deserialize, Serialize};

/// A new staff member. The PIN travels once, to be hashed at head office; it is never stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStaff {
    pub name: String,
    pub role: Role,
    pub pin: String,
    /// The stores they may work in (at least one): only those stores' tills receive them.
    #[serde(default)]
    pub stores: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetPin {
    pub pin: String,
}

/// Replaces the stores a staff member may work in; the tills of a store they leave drop them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetStores {
    pub stores: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetActive {
    pub active: bool,
}

/// A staff member as head office lists them: never the PIN hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSummary {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// The stores they may work in, sorted.
    #[serde(default)]
    pub stores: Vec<String>,
    /// The staff list version of the last change to this person.
    pub version: i64,
}
