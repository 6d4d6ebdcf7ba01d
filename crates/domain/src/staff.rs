//! Staff: roles, what each role may approve, and PINs (kept only as slow argon2 hashes).
//!
//! The salt comes from the caller (head office draws it at random) so this module stays pure.

use crate::basket::PricedLine;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A staff member's role. Ordered: each role may do what the ones before it may.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Cashier,
    Supervisor,
    Manager,
}

impl Role {
    pub fn parse(text: &str) -> Result<Role, StaffError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "cashier" => Ok(Role::Cashier),
            "supervisor" => Ok(Role::Supervisor),
            "manager" => Ok(Role::Manager),
            _ => Err(StaffError::UnknownRole(text.to_string())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Supervisor => "supervisor",
            Role::Manager => "manager",
        }
    }

    /// Whether this role may approve `action` for someone else (or for themselves).
    pub fn may_approve(self, action: Approval) -> bool {
        self >= action.least_role()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A staff member as head office keeps them and sends them to every till: the PIN only as its
/// hash, so a till can check it offline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub pin_hash: String,
    pub active: bool,
}

/// A PIN someone changed at a till, for head office: the argon2 hash it replaces (head office's
/// at the time, so a change to a PIN head office has since changed is refused) and the new one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinChange {
    pub staff_id: String,
    pub replaces: String,
    pub pin_hash: String,
}

/// Longer than any argon2 PHC string Kassa makes (about 100 characters): bounds what a till may
/// send as a PIN hash.
pub const MAX_PIN_HASH_CHARS: usize = 256;

/// Whether `text` is a PIN hash as Kassa makes them (argon2id, PHC string, bounded).
pub fn is_pin_hash(text: &str) -> bool {
    text.len() <= MAX_PIN_HASH_CHARS
        && text.starts_with("$argon2id$")
        && argon2::PasswordHash::new(text).is_ok()
}

/// What needs a second person's PIN at the till.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    /// A discount or price override past the store's limit.
    Discount,
    /// Voiding a completed sale.
    Void,
    /// A return with no receipt, outside the window, or a cash refund past the offline cap.
    Return,
    /// Cash taken out of the drawer.
    CashPaidOut,
    /// Closing an entry of the exceptions inbox.
    Resolution,
    /// An X report mid-shift: it shows what the drawer should hold, which the cashier must not
    /// see before the blind count at the close.
    ShiftReport,
}

impl Approval {
    /// The least role that may approve it: supervisors cover the counter's everyday overrides,
    /// money leaving the store without a sale needs a manager.
    pub fn least_role(self) -> Role {
        match self {
            Approval::Discount | Approval::Void | Approval::ShiftReport => Role::Supervisor,
            Approval::Return | Approval::CashPaidOut | Approval::Resolution => Role::Manager,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Approval::Discount => "a discount or price override past the limit",
            Approval::Void => "a void",
            Approval::Return => "this return",
            Approval::CashPaidOut => "cash paid out",
            Approval::Resolution => "resolving an exception",
            Approval::ShiftReport => "an X report",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffError {
    #[error("unknown role {0:?}: use cashier, supervisor or manager")]
    UnknownRole(String),
    #[error("a pin is 4 to 8 digits")]
    InvalidPin,
    #[error("a {role}'s pin is at least {min} digits: it approves refunds, voids and cash out")]
    PinTooShortForRole { role: String, min: usize },
    #[error("a staff name is 1 to 64 characters")]
    InvalidName,
    #[error("pin hashing failed: {0}")]
    Hashing(String),
}

pub const MIN_PIN_DIGITS: usize = 4;
pub const MAX_PIN_DIGITS: usize = 8;

pub fn validate_pin(pin: &str) -> Result<(), StaffError> {
    let digits = pin.len();
    if (MIN_PIN_DIGITS..=MAX_PIN_DIGITS).contains(&digits)
        && pin.bytes().all(|b| b.is_ascii_digit())
    {
        Ok(())
    } else {
        Err(StaffError::InvalidPin)
    }
}

/// The shortest PIN a supervisor or a manager may have: their PIN approves money leaving the
/// till, so it must not be guessed in the few tries before the prompt locks.
pub const MIN_APPROVER_PIN_DIGITS: usize = 6;

/// A PIN for someone of `role`: 4 to 8 digits, at least [`MIN_APPROVER_PIN_DIGITS`] for anyone
/// who may approve.
pub fn validate_pin_for(role: crate::Role, pin: &str) -> Result<(), StaffError> {
    validate_pin(pin)?;
    if role != crate::Role::Cashier && pin.len() < MIN_APPROVER_PIN_DIGITS {
        return Err(StaffError::PinTooShortForRole {
            role: role.to_string(),
            min: MIN_APPROVER_PIN_DIGITS,
        });
    }
    Ok(())
}

pub fn validate_staff_name(name: &str) -> Result<String, StaffError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(StaffError::InvalidName);
    }
    Ok(name.to_string())
}

/// The argon2id hash of a PIN as a PHC string (algorithm, parameters, salt and hash together),
/// with argon2's recommended default cost (19 MiB, 2 passes): slow on purpose, so that a copied
/// till database does not give up its PINs in seconds.
pub fn hash_pin(pin: &str, salt: &[u8; 16]) -> Result<String, StaffError> {
    validate_pin(pin)?;
    let salt = SaltString::encode_b64(salt).map_err(|e| StaffError::Hashing(e.to_string()))?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| StaffError::Hashing(e.to_string()))
}

/// Whether `pin` matches `phc`. A malformed hash matches nothing.
pub fn pin_matches(pin: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => Argon2::default()
            .verify_password(pin.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// Whether discounts and price overrides together take more than `limit_bp` basis points off the
/// sale's value at catalogue prices (an override that raises a price counts against the others).
pub fn discount_past_limit(lines: &[PricedLine], limit_bp: u32) -> bool {
    let (mut list, mut charged) = (0i128, 0i128);
    for line in lines {
        list += i128::from(line.list_price.minor()) * i128::from(line.quantity);
        charged += i128::from(line.amount.minor());
    }
    (list - charged) * 10_000 > list * i128::from(limit_bp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_table() {
        for (pin, ok) in [
            ("1234", true),
            ("12345678", true),
            ("123", false),
            ("123456789", false),
            ("12a4", false),
            (" 1234", false),
            ("", false),
            ("１２３４", false),
        ] {
            assert_eq!(validate_pin(pin).is_ok(), ok, "{pin:?}");
        }
    }

    #[test]
    fn a_hash_checks_its_pin_only_and_never_holds_it() {
        let hash = hash_pin("2468", &[7; 16]).unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("2468"));
        assert!(pin_matches("2468", &hash));
        assert!(!pin_matches("2469", &hash));
        assert!(!pin_matches("2468", "not a hash"));
        // Another salt, another hash.
        assert_ne!(hash, hash_pin("2468", &[8; 16]).unwrap());
        assert_eq!(hash_pin("24", &[7; 16]), Err(StaffError::InvalidPin));
    }

    #[test]
    fn discount_limit_table() {
        use crate::money::Money;
        use crate::tax::TaxRate;
        let line = |list: i64, quantity: i64, amount: i64| PricedLine {
            sku: "X".into(),
            name: "X".into(),
            quantity,
            list_price: Money::from_minor(list),
            unit_price: Money::from_minor(list),
            override_reason: None,
            gross: Money::from_minor(list * quantity),
            line_discount: Money::ZERO,
            basket_discount: Money::ZERO,
            amount: Money::from_minor(amount),
            tax_rate: TaxRate::from_basis_points(0).unwrap(),
            tax: Money::ZERO,
        };
        for (lines, limit, past) in [
            (vec![line(1000, 1, 1000)], 1000, false),
            (vec![line(1000, 1, 900)], 1000, false), // exactly 10%
            (vec![line(1000, 1, 899)], 1000, true),
            (vec![line(1000, 2, 1900), line(500, 1, 500)], 1000, false),
            (vec![line(1000, 1, 500), line(1000, 1, 1500)], 1000, false), // raised price offsets
            (vec![line(1000, 1, 999)], 0, true),
            (vec![line(0, 1, 0)], 0, false),
        ] {
            assert_eq!(
                discount_past_limit(&lines, limit),
                past,
                "{lines:?} {limit}"
            );
        }
    }

    #[test]
    fn who_may_approve_what() {
        use Approval::*;
        use Role::*;
        for (role, action, ok) in [
            (Cashier, Discount, false),
            (Cashier, Void, false),
            (Cashier, Return, false),
            (Supervisor, Discount, true),
            (Supervisor, Void, true),
            (Supervisor, Return, false),
            (Supervisor, CashPaidOut, false),
            (Manager, Return, true),
            (Manager, CashPaidOut, true),
            (Manager, Void, true),
            (Supervisor, Resolution, false),
            (Manager, Resolution, true),
            (Cashier, ShiftReport, false),
            (Supervisor, ShiftReport, true),
        ] {
            assert_eq!(role.may_approve(action), ok, "{role} {action:?}");
        }
        assert_eq!(Role::parse(" Manager "), Ok(Manager));
        assert!(Role::parse("owner").is_err());
    }

    #[test]
    fn only_argon2id_hashes_pass_as_pin_hashes() {
        let hash = hash_pin("271828", &[3; 16]).unwrap();
        assert!(is_pin_hash(&hash));
        for bad in [
            "",
            "271828",
            "$argon2id$",
            "$argon2i$v=19$m=19456,t=2,p=1$AwMDAwMDAwMDAwMDAwMDAw$abc",
        ] {
            assert!(!is_pin_hash(bad), "{bad}");
        }
        assert!(!is_pin_hash(&format!(
            "{hash}{}",
            "A".repeat(MAX_PIN_HASH_CHARS)
        )));
    }

    #[test]
    fn approvers_need_longer_pins() {
        use crate::Role;
        assert!(validate_pin_for(Role::Cashier, "1234").is_ok());
        assert!(validate_pin_for(Role::Supervisor, "123456").is_ok());
        assert!(matches!(
            validate_pin_for(Role::Manager, "12345"),
            Err(StaffError::PinTooShortForRole { min: 6, .. })
        ));
        assert!(matches!(
            validate_pin_for(Role::Manager, "12a456"),
            Err(StaffError::InvalidPin)
        ));
    }
}
