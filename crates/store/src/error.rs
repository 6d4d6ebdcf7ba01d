use kassa_domain::DomainError;

/// Everything the till can refuse or fail at. [`StoreError::code`] tells what kind of failure it
/// is; [`StoreError::public`] is what people see.
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
    #[error(
        "{name}'s PIN is shorter than {min} digits, too short for a {role}: choose a new one now"
    )]
    PinChangeRequired {
        name: String,
        role: String,
        min: usize,
    },
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
    /// What was asked for is not on this till but may be at head office (another store's sale,
    /// a shipped order): look it up there, which needs a connection.
    #[error("{0} is not on this till: it is looked up at head office, which needs a connection")]
    AskHeadOffice(String),
    #[error("line {line}: {message}")]
    CatalogueRow { line: u64, message: String },
    #[error("replication: {0}")]
    Replica(#[from] kassa_replica::ReplicaError),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

/// What kind of failure an error is, as a stable machine code. Front ends branch on this, never
/// on the message: the CLI's exit status, the desktop's dialogs (a PIN prompt for
/// `needs_approval`, the offline banner for `offline`). Serialised in snake_case.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The caller's input was refused; nothing changed.
    BadInput,
    NotFound,
    /// A supervisor's or manager's PIN would let it through.
    NeedsApproval,
    NotPermitted,
    SignInRequired,
    NoShift,
    WrongPin,
    /// The PIN was right but is too short for the person's role: they must choose a new one
    /// (`change_pin`) before it lets them in or approves anything.
    PinChangeRequired,
    /// Too many wrong PINs or pickup codes: try again later.
    Locked,
    NotSetUp,
    /// A sale or order that can no longer take this (voided, handed over, cancelled).
    Closed,
    /// Not on this till: head office may have it (look it up there when online).
    AskHeadOffice,
    /// Head office could not be reached; try again when online.
    Offline,
    /// Head office refused the request.
    Refused,
    /// No receipt printer is set up (`KASSA_PRINTER`).
    NoPrinter,
    /// The printer is unreachable or stopped taking bytes; what was to be printed is saved.
    Printer,
    /// Not the caller's fault: storage, corrupt data, a bug.
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadInput => "bad_input",
            ErrorCode::NotFound => "not_found",
            ErrorCode::NeedsApproval => "needs_approval",
            ErrorCode::NotPermitted => "not_permitted",
            ErrorCode::SignInRequired => "sign_in_required",
            ErrorCode::NoShift => "no_shift",
            ErrorCode::WrongPin => "wrong_pin",
            ErrorCode::PinChangeRequired => "pin_change_required",
            ErrorCode::Locked => "locked",
            ErrorCode::NotSetUp => "not_set_up",
            ErrorCode::Closed => "closed",
            ErrorCode::AskHeadOffice => "ask_head_office",
            ErrorCode::Offline => "offline",
            ErrorCode::Refused => "refused",
            ErrorCode::NoPrinter => "no_printer",
            ErrorCode::Printer => "printer",
            ErrorCode::Internal => "internal",
        }
    }

    /// A refusal of what the caller asked (nothing changed), as opposed to a failure.
    pub fn is_refusal(self) -> bool {
        !matches!(
            self,
            ErrorCode::Offline | ErrorCode::Printer | ErrorCode::Internal
        )
    }
}

/// An error as people and front ends see it: a stable code and a message with money in the
/// store's currency.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PublicError {
    pub code: ErrorCode,
    pub message: String,
}

impl std::fmt::Display for PublicError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl StoreError {
    /// The stable code. Exhaustive on purpose: a new error must choose one.
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::UnknownItem(_)
            | StoreError::SaleNotFound(_)
            | StoreError::OrderNotFound(_)
            | StoreError::UnknownCredit(_)
            | StoreError::ExceptionNotFound(_) => ErrorCode::NotFound,
            StoreError::NeedsApproval(_) | StoreError::ApprovalRequired { .. } => {
                ErrorCode::NeedsApproval
            }
            StoreError::NotPermitted { .. } => ErrorCode::NotPermitted,
            StoreError::SignInRequired | StoreError::StaffInactive(_) => ErrorCode::SignInRequired,
            StoreError::NoOpenShift => ErrorCode::NoShift,
            StoreError::WrongPin { .. } | StoreError::UnknownStaff(_) => ErrorCode::WrongPin,
            StoreError::PinLocked { .. } | StoreError::AttemptsLocked { .. } => ErrorCode::Locked,
            StoreError::PinChangeRequired { .. } => ErrorCode::PinChangeRequired,
            StoreError::NotInitialized => ErrorCode::NotSetUp,
            StoreError::AlreadyVoided(_) | StoreError::OrderClosed { .. } => ErrorCode::Closed,
            StoreError::AskHeadOffice(_) => ErrorCode::AskHeadOffice,
            StoreError::Domain(_)
            | StoreError::InactiveItem(_)
            | StoreError::AlreadyInitialized(_)
            | StoreError::NotKassaDatabase(_)
            | StoreError::NewerSchema { .. }
            | StoreError::WrongPickupCode { .. }
            | StoreError::Staff(_)
            | StoreError::UnknownTaxClass(_)
            | StoreError::Invalid(_)
            | StoreError::CatalogueRow { .. } => ErrorCode::BadInput,
            StoreError::Replica(_) | StoreError::Sqlite(_) | StoreError::Corrupt(_) => {
                ErrorCode::Internal
            }
        }
    }

    /// True when the caller's input was refused and nothing was changed.
    pub fn is_bad_input(&self) -> bool {
        self.code().is_refusal()
    }

    /// The error for people: its code, and its message with money in `currency` (the store's,
    /// when the till is set up).
    pub fn public(&self, currency: Option<&kassa_domain::Currency>) -> PublicError {
        let message = match (self, currency) {
            (StoreError::Domain(e), Some(currency)) => e.describe(currency),
            _ => self.to_string(),
        };
        PublicError {
            code: self.code(),
            message,
        }
    }
}
