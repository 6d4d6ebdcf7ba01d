//! What a till asks head office while online: a sale of any store (to take it back), and the
//! balance of a store credit code issued anywhere.

use crate::error::HqError;
use crate::hq::Hq;
use kassa_domain::{Money, TenderKind};
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

    pub async fn credit_balance(&self, code: &str) -> Result<CreditBalance, HqError> {
        let code = code.trim().to_ascii_uppercase();
        let mut issued = 0i64;
        for record in self.storage.records_of::<ReturnRecord>(None).await? {
            issued += record
                .refunds
                .iter()
                .filter(|t| {
                    t.kind == TenderKind::Credit && t.reference.as_deref() == Some(code.as_str())
                })
                .map(|t| t.amount.minor())
                .sum::<i64>();
        }
        if issued == 0 {
            return Err(HqError::NotFound(format!("no store credit {code:?}")));
        }
        let voided: std::collections::BTreeSet<String> = self
            .storage
            .all_voids()
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
            .filter(|t| {
                t.kind == TenderKind::Credit && t.reference.as_deref() == Some(code.as_str())
            })
            .map(|t| t.amount.minor())
            .sum();
        Ok(CreditBalance {
            code,
            issued: Money::from_minor(issued),
            redeemed: Money::from_minor(redeemed),
            balance: Money::from_minor(issued - redeemed),
        })
    }
}
