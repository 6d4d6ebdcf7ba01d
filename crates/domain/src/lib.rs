//! Kassa's business rules, pure: no IO, no clock, no database.
//!
//! Money is always an integer count of minor units ([`Money`]); nothing here uses floats.

pub mod barcode;
pub mod basket;
pub mod catalogue;
pub mod catalogue_csv;
pub mod catalogue_import;
pub mod credit_key;
pub mod demo_catalogue;
pub mod drawer;
pub mod error;
pub mod heads_signature;
pub mod money;
pub mod printed_receipt;
pub mod quick_cash;
pub mod receipt_code;
pub mod refund;
pub mod return_policy;
pub mod rounding;
pub mod staff;
pub mod tax;
pub mod tender;

pub use barcode::{classify_code, BarcodeKind};
pub use basket::{
    price_basket, Basket, BasketLine, Discount, PriceOverride, PricedBasket, PricedLine, TaxLine,
};
pub use catalogue::{bounded_text, validate_sku, Product, ScheduledPrice, MAX_SCHEDULED_PRICES};
pub use catalogue_csv::{parse_catalogue_csv, CatalogueCsv, CsvProduct, CsvRowError};
pub use catalogue_import::{
    parse_catalogue_import, suggested_tax_class, CatalogueFormat, ParsedImport, TaxField,
};
pub use credit_key::{
    credit_key_of_code, credit_key_of_reference, credit_label, hide_credit_codes,
    holds_credit_codes, is_credit_key, normalise_credit_code, shown_reference,
};
pub use drawer::{Denomination, TenderCount, COUNTED_TENDERS};
pub use error::DomainError;
pub use money::{format_amount, parse_amount, Currency, Money, MAX_AMOUNT};
pub use printed_receipt::PrintableReceipt;
pub use quick_cash::quick_cash_amounts;
pub use refund::{net_paid, refund_share, refund_to_original};
pub use return_policy::{ApprovalReason, ReturnFacts, ReturnPolicy};

pub use rounding::{div_round_half_away, round_to_increment};
pub use staff::{Approval, Role, StaffError, StaffMember};
pub use tax::{TaxMode, TaxRate};
pub use tender::{settle, Settlement, Tender, TenderKind};
