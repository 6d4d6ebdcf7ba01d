//! What a till asks head office while online: a sale of any store (to take it back), and the
//! balance of a store credit code issued anywhere.

use crate::error::HqError;
use crate::hq::Hq;
use kassa_domain::{credit_key_of_reference, credit_label, Money, Tender, TenderKind};
use kassa_protocol::{CreditBalance, RemoteSale};
use kassa_replica::ledger::ReturnRecord;

impl Hq {
    pub async fn lookup_sale(&self, receipt_no: &str) -> Result<RemoteSale, HqError> {
        let (sale, voided) = self
            .storage
            .sale_by_receipt(receipt_no.trim())
            .await?
            .ok_or_else(|| {
                HqError::NotFound(format!("no sale {:?} at head office", receipt_no.trim()))
            })?;
        let returns = self.storage.records_about_of(&sale.id).await?;
        Ok(RemoteSale {
            sale,
            voided,
            returns,
        })
    }

    /// The balance of a credit, asked by its key (a till's way) or its code. Records from before
    /// keys hold the code: each reference is compared by its key.
    pub async fn credit_balance(&self, code_or_key: &str) -> Result<CreditBalance, HqError> {
        let key = credit_key_of_reference(code_or_key.trim());
        let is_this_credit = |t: &&Tender| {
            t.kind == TenderKind::Credit
                && t.reference
                    .as_deref()
                    .is_some_and(|r| credit_key_of_reference(r) == key)
        };
        let mut issued = 0i64;
        for record in self.storage.records_of::<ReturnRecord>(None).await? {
            issued += record
                .refunds
                .iter()
                .filter(is_this_credit)
                .map(|t| t.amount.minor())
                .sum::<i64>();
        }
        if issued == 0 {
            return Err(HqError::NotFound(format!(
                "no store credit {}",
                credit_label(&key)
            )));
        }
        let voided: std::collections::BTreeSet<String> = self
            .storage
            .voids_that_matter()
            .await?
            .into_iter()
            .map(|v| v.sale_id)
            .collect();
        let redeemed: i64 = self
            .storage
            .credit_sales()
            .await?
            .iter()
            .filter(|s| !voided.contains(&s.id))
            .flat_map(|s| &s.tenders)
            .filter(is_this_credit)
            .map(|t| t.amount.minor())
            .sum();
        Ok(CreditBalance {
            code: credit_label(&key),
            issued: Money::from_minor(issued),
            redeemed: Money::from_minor(redeemed),
            balance: Money::from_minor(issued - redeemed),
        })
    }
}
