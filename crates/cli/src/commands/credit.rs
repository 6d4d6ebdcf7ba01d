//! Store credit: its balance here or, for credit from another store, at head office.

use super::replication::runtime;
use crate::failure::Failure;
use crate::output::print_json;
use std::path::Path;

pub fn balance(path: &Path, code: &str, json: bool) -> Result<(), Failure> {
    let (till, money) = super::open_initialised(path)?;
    let till = std::sync::Mutex::new(till);
    let balance = runtime()?.block_on(kassa_app::credit_balance(&till, code))?;
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
