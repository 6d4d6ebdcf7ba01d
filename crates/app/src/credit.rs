//! Store credit: this till vouches for credit issued in its store; credit from another store is
//! asked of head office and remembered, so a sale can take it (offline, it is unknown and refused).

use crate::{AppError, TillAccess};
use kassa_domain::TenderKind;
use kassa_store::{CreditBalance, StoreError, TenderRequest};

/// Before a sale: learns the balance of every credit tender this till cannot vouch for, from head
/// office when it can be asked. Not being able to ask is not an error here: the sale then refuses
/// the unknown credit with its own clear message.
pub async fn learn_remote_credit(
    till: &impl TillAccess,
    tenders: &[TenderRequest],
) -> Result<(), AppError> {
    for code in tenders
        .iter()
        .filter(|t| t.kind == TenderKind::Credit)
        .filter_map(|t| t.reference.as_deref())
    {
        match till.with_till(|t| t.credit_balance(code)) {
            Err(StoreError::UnknownCredit(_)) => {}
            Ok(_) => continue,
            Err(e) => return Err(e.into()),
        }
        let device = till.with_till(|t| t.device())?;
        if device.device_token.is_none() {
            continue;
        }
        if let Ok(balance) = kassa_sync::lookup_credit(device, code).await {
            till.with_till(|t| t.remember_remote_credit(code, &balance))?;
        }
    }
    Ok(())
}

/// A credit code's balance: this store's from the till, another store's from head office.
pub async fn credit_balance(till: &impl TillAccess, code: &str) -> Result<CreditBalance, AppError> {
    match till.with_till(|t| t.credit_balance(code)) {
        Ok(balance) => return Ok(balance),
        Err(StoreError::UnknownCredit(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let device = till.with_till(|t| t.device())?;
    if device.device_token.is_none() {
        let key = kassa_domain::credit_key_of_code(code);
        return Err(StoreError::UnknownCredit(kassa_domain::credit_label(&key)).into());
    }
    let balance = kassa_sync::lookup_credit(device, code).await?;
    till.with_till(|t| t.remember_remote_credit(code, &balance))?;
    Ok(balance)
}
