//! Printing results: JSON for scripts (`--json`, money in minor units), text for people.

use crate::failure::Failure;
use kassa_domain::{format_amount, Money};
use serde::Serialize;

pub fn print_json<T: Serialize>(value: &T) -> Result<(), Failure> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Formats minor units for people: `12.50`.
pub struct Amounts {
    pub minor_digits: u8,
}

impl Amounts {
    pub fn fmt(&self, amount: Money) -> String {
        format_amount(amount, self.minor_digits)
    }
}

impl Amounts {
    /// A refusal from the application layer (the till's own, or head office's), explained.
    pub fn explain_app(&self, error: kassa_app::AppError) -> crate::failure::Failure {
        match error {
            kassa_sync::SyncError::Store(e) => self.explain(e),
            other => other.into(),
        }
    }

    /// Turns a refusal into a message with amounts a cashier can read (`12.50`, not minor units).
    pub fn explain(&self, error: kassa_store::StoreError) -> crate::failure::Failure {
        use kassa_domain::DomainError;
        use kassa_store::StoreError;
        let message = match &error {
            StoreError::Domain(DomainError::ShortTender { due, tendered }) => {
                format!(
                    "short tender: {} due, {} tendered",
                    self.fmt(*due),
                    self.fmt(*tendered)
                )
            }
            StoreError::Domain(DomainError::CardOverpay { card, due }) => format!(
                "card and other non-cash tenders of {} exceed the amount due of {}: change is given only from cash",

                self.fmt(*card),
                self.fmt(*due)
            ),
            StoreError::Domain(DomainError::DiscountTooLarge {
                discount,
                amount,
                what,
            }) => {
                format!(
                    "discount of {} is more than the {what} of {}",
                    self.fmt(*discount),
                    self.fmt(*amount)
                )
            }
            StoreError::Domain(DomainError::RefundOverCap { refund, cap }) => format!(
                "a refund of {} is over the cap of {} for returns without a receipt or outside the return window",
                self.fmt(*refund),
                self.fmt(*cap)
            ),
            _ => return error.into(),
        };
        crate::failure::Failure::bad(message)
    }
}
