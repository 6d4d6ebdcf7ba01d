//! A sale: credit from another store is learned first (see [`crate::learn_remote_credit`]),
//! then the till completes the sale in one durable transaction.

use crate::{AppError, TillAccess};
use kassa_store::{Credentials, Receipt, SaleRequest};

pub async fn complete_sale(
    till: &impl TillAccess,
    request: &SaleRequest,
    approval: Option<&Credentials>,
) -> Result<Receipt, AppError> {
    crate::learn_remote_credit(till, &request.tenders).await?;
    Ok(till.with_till(|t| t.complete_sale(request, approval))?)
}
