//! What a till asks head office while online: a sale of any store (to take it back), and the
//! balance of a store credit code issued anywhere.

use crate::error::HqError;
use crate::hq::Hq;
use kassa_domain::{Money, TenderKind};
use kassa_protocol::{CreditBalance, RemoteSale};
use kassa_replica::ledger::ReturnRecord;

impl Hq {
    pub fn lookup_sale(&self, receipt_no: &str) -> Result<RemoteSale, HqError> {
        let inner = self.lock();
        let (sale, voided) = inner
            .storage
            .sale_by_receipt(receipt_no.trim())?
            .ok_or_else(|| {
                HqError::NotFound(format!("no sale {:?} at head office", receipt_no.trim()))
            })?;
        let returns = inner
            .storage
            .records_about("return", &sale.id)?
            .iter()
            .map(|json| serde_json::from_str(json))
            .collect::<Result<Vec<ReturnRecord>, _>>()?;
        Ok(RemoteSale {
            sale,
            voided,
            returns,
        })
    }

    pub fn credit_balance(&self, code: &str) -> Result<CreditBalance, HqError> {
        let code = code.trim().to_ascii_uppercase();
        let inner = self.lock();
        let mut issued = 0i64;
        for json in inner.storage.records("return", None)? {
            let record: ReturnRecord = serde_json::from_str(&json)?;
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
        let voided: std::collections::BTreeSet<String> = inner
            .storage
            .all_voids()?
            .into_iter()
            .map(|v| v.sale_id)
            .collect();
        let redeemed: i64 = inner
            .storage
            .credit_sales()?
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
