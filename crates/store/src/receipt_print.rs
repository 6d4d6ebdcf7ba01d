//! A stored sale as the receipt printer gets it, and the audit entry a reprint leaves.

use crate::error::StoreError;
use crate::till::Till;
use kassa_domain::PrintableReceipt;

impl Till {
    /// What the receipt of `receipt_no` says, with this store's header and its signed receipt
    /// code. A `copy` (a reprint) is logged in the till's audit log here, before anything
    /// prints, so a copy handed over can always be traced even if the printer then fails.
    pub fn printable_receipt(
        &mut self,
        receipt_no: &str,
        copy: bool,
    ) -> Result<PrintableReceipt, StoreError> {
        let config = self.config()?;
        let sale = self.sale(receipt_no)?;
        let signed_code = self.receipt_code(&sale)?;
        if copy {
            self.record_reprint(&sale.receipt_no)?;
        }
        let voided = sale.void.is_some();
        let sale = sale.sale;
        Ok(PrintableReceipt {
            store_name: format!("Kassa {}", config.store_code),
            store_code: sale.store_code,
            till_no: sale.till_no,
            receipt_no: sale.receipt_no,
            created_at: sale.created_at.to_string(),
            cashier: sale.cashier.map(|c| c.name),
            voided,
            copy,
            currency: sale.currency,
            minor_digits: config.currency.minor_digits,
            lines: sale.lines,
            taxes: sale.taxes,
            subtotal: sale.subtotal,
            discount_total: sale.discount_total,
            total: sale.total,
            cash_rounding: sale.cash_rounding,
            amount_due: sale.amount_due,
            tenders: sale.tenders,
            change: sale.change,
            signed_code,
        })
    }
}
