//! Store credit: its balance here or, for credit from another store, at head office.

use super::replication::runtime;
use crate::failure::Failure;
use crate::output::print_json;
use kassa_domain::TenderKind;
use kassa_store::{StoreError, TenderRequest, Till};
use std::path::Path;

/// For credit tenders this till cannot vouch for (issued at another store), asks head office for
/// the balance and remembers it, so the sale can take it. Offline, the sale is refused as unknown.
pub fn learn_remote_credit(till: &mut Till, tenders: &[TenderRequest]) -> Result<(), Failure> {
    for code in tenders
        .iter()
        .filter(|t| t.kind == TenderKind::Credit)
        .filter_map(|t| t.reference.as_deref())
    {
        match till.credit_balance(code) {
            Err(StoreError::UnknownCredit(_)) => {}
            Ok(_) => continue,
            Err(e) => return Err(e.into()),
        }
        let device = till.device()?;
        if device.device_token.is_none() {
            continue;
        }
        if let Ok(balance) = runtime()?.block_on(kassa_sync::lookup_credit(device, code)) {
            till.remember_remote_credit(&balance)?;
        }
    }
    Ok(())
}

pub fn balance(path: &Path, code: &str, json: bool) -> Result<(), Failure> {
    let (mut till, money) = super::open_initialised(path)?;
    let balance = match till.credit_balance(code) {
        Ok(balance) => balance,
        Err(StoreError::UnknownCredit(_)) if till.device()?.device_token.is_some() => {
            let balance = runtime()?
                .block_on(kassa_sync::lookup_credit(till.device()?, code))
                .map_err(|e| Failure::bad(format!("{code}: {e}")))?;
            till.remember_remote_credit(&balance)?;
            balance
        }
        Err(e) => return Err(e.into()),
    };
    if json {
        return print_json(&balance);
    }
    println!(
        "{}: {} left (issued {}, redeemed {})",
        balance.code,
        money.fmt(balance.balance),
        money.fmt(balance.issued),
        money.fmt(balance.redeemed)
    );
    Ok(())
}
