use crate::args::VoidArgs;
use crate::failure::Failure;
use crate::output::print_json;
use std::path::Path;

pub fn run(path: &Path, args: VoidArgs, json: bool) -> Result<(), Failure> {
    let (mut till, _) = super::open_initialised(path)?;
    super::sign_in(&mut till)?;
    let record = till.void_sale(&args.receipt_no, &args.reason, super::approval()?.as_ref())?;
    if json {
        return print_json(&record);
    }
    println!(
        "Voided {} ({}): {}",
        record.receipt_no, record.id, record.reason
    );
    Ok(())
}
