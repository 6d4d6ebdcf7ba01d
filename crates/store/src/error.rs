use kassa_domain::DomainError;

/// Everything the till can refuse or fail at. [`StoreError::is_bad_input`] tells a refusal of the
/// caller's input (nothing changed) from an internal failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("unknown item {0:?}: no product has this sku or barcode")]
    UnknownItem(String),
    #[error("item {0:?} is not for sale (inactive)")]
    InactiveItem(String),
    #[error("this till is not set up yet: run `kassa init` or `kassa demo` first")]
    NotInitialized,
    #[error("this till is already set up as {0}")]
    AlreadyInitialized(String),
    #[error("{0} is not a Kassa till database")]
    NotKassaDatabase(String),
    #[error("database schema version {found} is newer than this program supports ({supported}): upgrade Kassa")]
    NewerSchema { found: i64, supported: i64 },
    #[error("no sale with receipt number {0:?}")]
    SaleNotFound(String),
    #[error("sale {0} is already voided")]
    AlreadyVoided(String),
    #[error("no online order {0:?} for this store (look for it by order number, QR code or customer name)")]
    OrderNotFound(String),
    #[error("the pickup code does not match order {order}: {left} tries left before the order is locked")]
    WrongPickupCode { order: String, left: i64 },
    #[error("too many wrong codes for {what}: try again after {until}")]
    AttemptsLocked { what: String, until: String },
    #[error("order {order} cannot be handed over: {why}")]
    OrderClosed { order: String, why: String },
    #[error("this return needs a manager's approval: {0}")]
    NeedsApproval(String),
    #[error("unknown store credit {0:?}")]
    UnknownCredit(String),
    #[error("no exception {0:?} in this store's inbox")]
    ExceptionNotFound(String),
    #[error("no staff member {0:?} at this till (staff come from head office on a sync)")]
    UnknownStaff(String),
    #[error("wrong pin for {name}: {left} tries left before the pin is locked")]
    WrongPin { name: String, left: i64 },
    #[error("too many wrong pins for {name}: try again after {until}")]
    PinLocked { name: String, until: String },
    #[error("{0} is no longer active: ask head office")]
    StaffInactive(String),
    #[error("sign in first: this till is locked")]
    SignInRequired,
    #[error("no shift is open on this till: open one with the float counted into the drawer")]
    NoOpenShift,
    #[error("{action} needs the pin of a {least} or above")]
    ApprovalRequired { action: String, least: String },
    #[error("{name} is a {role}: {action} needs a {least} or above")]
    NotPermitted {
        name: String,
        role: String,
        action: String,
        least: String,
    },
    #[error(transparent)]
    Staff(#[from] kassa_domain::StaffError),
    #[error("unknown tax class {0:?}")]
    UnknownTaxClass(String),
    #[error("{0}")]
    Invalid(String),
    #[error("line {line}: {message}")]
    CatalogueRow { line: u64, message: String },
    #[error("replication: {0}")]
    Replica(#[from] kassa_replica::ReplicaError),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// True when the caller's input was refused and nothing was changed.
    pub fn is_bad_input(&self) -> bool {
        !matches!(
            self,
            StoreError::Sqlite(_) | StoreError::Corrupt(_) | StoreError::Replica(_)
        )
    }
}
