//! Finding what a customer can bring back: this store's sales and orders from the till itself;
//! another store's sale, or an order the till does not hold (shipped), from head office when the
//! till is enrolled and online.

use crate::{AppError, TillAccess};
use kassa_store::{RemoteOrder, RemoteSale, ReturnOf, Returnable, StoreError, Till};

/// What can be returned, with head office's copy of the sale or order when the till does not
/// hold it: the return must be priced from that copy, so the front end keeps it for the return.
#[derive(Debug, Clone)]
pub struct ReturnLookup {
    pub of: ReturnOf,
    pub returnable: Returnable,
    pub remote_sale: Option<RemoteSale>,
    pub remote_order: Option<RemoteOrder>,
}

/// A scanned receipt code is checked (offline, by its signature) and read as its receipt number;
/// anything else is taken as typed.
pub fn read_scanned_receipt(till: &Till, of: ReturnOf) -> Result<ReturnOf, AppError> {
    Ok(match of {
        ReturnOf::Receipt { receipt_no }
            if kassa_domain::receipt_code::is_receipt_code(&receipt_no) =>
        {
            ReturnOf::Receipt {
                receipt_no: till.check_receipt_code(&receipt_no)?.receipt_no,
            }
        }
        other => other,
    })
}

/// What `of` can still return. The till answers for what it holds; for the rest it asks head
/// office (refused with a clear error when the till is not enrolled or head office is offline).
pub async fn find_returnable(
    till: &impl TillAccess,
    of: ReturnOf,
) -> Result<ReturnLookup, AppError> {
    let (of, local) = till.with_till(|t| -> Result<_, AppError> {
        let of = read_scanned_receipt(t, of)?;
        let local = t.returnable(&of, None, None);
        Ok((of, local))
    })?;
    let (device, missing) = match local {
        Ok(returnable) => {
            return Ok(ReturnLookup {
                of,
                returnable,
                remote_sale: None,
                remote_order: None,
            })
        }
        Err(StoreError::AskHeadOffice(what)) => (till.with_till(|t| t.device())?, what),
        Err(e) => return Err(e.into()),
    };
    if device.device_token.is_none() {
        return Err(AppError::Invalid(format!(
            "{missing} is not on this till, and the till is not enrolled with head office to look it up"
        )));
    }
    let (remote_sale, remote_order) = match &of {
        ReturnOf::Receipt { receipt_no } => (
            Some(kassa_sync::lookup_sale(device, receipt_no).await?),
            None,
        ),
        ReturnOf::Order { order } => (
            None,
            Some(kassa_sync::lookup_order(device, kassa_store::order_number(order)).await?),
        ),
        ReturnOf::NoReceipt => {
            return Err(AppError::Invalid(
                "a return without a receipt has nothing to look up".into(),
            ))
        }
    };
    let returnable =
        till.with_till(|t| t.returnable(&of, remote_sale.as_ref(), remote_order.as_ref()))?;
    Ok(ReturnLookup {
        of,
        returnable,
        remote_sale,
        remote_order,
    })
}
