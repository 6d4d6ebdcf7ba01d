//! Printed receipts, pure of any database: a sale's [`kassa_domain::PrintableReceipt`] (filled
//! in by the till, which also logs reprints) is laid out once ([`layout::receipt`]) as blocks of
//! styled lines,
//! then rendered as ESC/POS bytes for a thermal printer ([`escpos::encode`]) or as printable
//! HTML ([`html::render`]), and sent to a printer ([`transport::send`]). The sale is saved before
//! anything prints: a printer that is unplugged or hangs fails with a clear error, and printing
//! can be retried (a reprint says COPY).

pub mod escpos;
pub mod html;
pub mod layout;
pub mod transport;

pub use layout::{Block, Line, Style};
pub use transport::{send, PrintError, PrinterTarget};
