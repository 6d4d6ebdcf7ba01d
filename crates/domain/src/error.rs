use crate::money::Money;

/// Every way the business rules can refuse an input. Messages are lower case and name the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("amount is too large")]
    Overflow,
    #[error("{what} of {minor} minor units is out of range (0 to 99999999999999)")]
    AmountOutOfRange { what: String, minor: i64 },
    #[error("{what} is too long (at most {max} characters)")]
    TextTooLong { what: &'static str, max: usize },
    #[error("bad count: {0}")]
    InvalidCount(String),
    #[error("invalid amount {0:?}: use digits with at most {1} decimal places, e.g. 12.50")]
    InvalidAmount(String, u8),
    #[error("unknown currency {0:?}")]
    UnknownCurrency(String),
    #[error("quantity must be between 1 and {max}, got {got}")]
    InvalidQuantity { got: i64, max: i64 },
    #[error("invalid percentage {0}: must be between 0 and 100")]
    InvalidPercent(String),
    #[error("discount of {discount} is more than the {what} of {amount}")]
    DiscountTooLarge {
        discount: Money,
        amount: Money,
        what: &'static str,
    },
    #[error("price override needs a reason")]
    OverrideWithoutReason,
    #[error("tax rate {0} basis points is out of range (0 to 10000)")]
    InvalidTaxRate(u32),
    #[error("invalid sku {0:?}: 1 to 64 characters, no spaces")]
    InvalidSku(String),
    #[error("invalid barcode {code:?}: {why}")]
    InvalidBarcode { code: String, why: &'static str },
    #[error("product name must not be empty")]
    EmptyName,
    #[error("price must not be negative")]
    NegativePrice,
    #[error("scheduled prices must be in order of their start, at most one per instant")]
    ScheduledPricesOutOfOrder,
    #[error("the basket is empty")]
    EmptyBasket,
    #[error("tender amounts must be greater than zero")]
    NonPositiveTender,
    #[error("card reference is too long (at most 64 characters)")]
    ReferenceTooLong,
    #[error(
        "card and other non-cash tenders of {card} exceed the amount due of {due}: change is given only from cash"

    )]
    CardOverpay { card: Money, due: Money },
    #[error("short tender: {due} due, {tendered} tendered")]
    ShortTender { due: Money, tendered: Money },
    #[error("cash rounding increment must be between 1 and 100 minor units, got {0}")]
    InvalidRoundingIncrement(i64),
    #[error("a refund of {refund} is over the cap of {cap} for returns without a receipt or outside the return window")]
    RefundOverCap { refund: Money, cap: Money },
    #[error("store credit {code} has {left} left, {asked} asked")]
    CreditShort {
        code: String,
        left: Money,
        asked: Money,
    },
    #[error("cannot return {quantity}: {sold} sold and {already} already returned")]
    ReturnExceedsSold {
        sold: i64,
        already: i64,
        quantity: i64,
    },
}

impl DomainError {
    /// The message for people, with amounts in the store's currency (`2.58 EUR`) instead of the
    /// minor units the plain message falls back to when the currency is unknown.
    pub fn describe(&self, currency: &crate::money::Currency) -> String {
        let m = |money: &Money| crate::money::format_in(*money, currency);
        match self {
            DomainError::DiscountTooLarge {
                discount,
                amount,
                what,
            } => format!(
                "discount of {} is more than the {what} of {}",
                m(discount),
                m(amount)
            ),
            DomainError::CardOverpay { card, due } => format!(
                "card and other non-cash tenders of {} exceed the amount due of {}: change is given only from cash",
                m(card),
                m(due)
            ),
            DomainError::ShortTender { due, tendered } => {
                format!("short tender: {} due, {} tendered", m(due), m(tendered))
            }
            DomainError::RefundOverCap { refund, cap } => format!(
                "a refund of {} is over the cap of {} for returns without a receipt or outside the return window",
                m(refund),
                m(cap)
            ),
            DomainError::CreditShort { code, left, asked } => {
                format!("store credit {code} has {} left, {} asked", m(left), m(asked))
            }
            other => other.to_string(),
        }
    }
}
