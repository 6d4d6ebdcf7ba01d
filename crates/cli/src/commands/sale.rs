use crate::args::SaleCommand;
use crate::failure::Failure;
use crate::output::print_json;
use crate::receipt_text::render;
use std::path::Path;

pub fn run(path: &Path, command: SaleCommand, json: bool) -> Result<(), Failure> {
    match command {
        SaleCommand::Show { receipt_no } => {
            let (till, money) = super::open_initialised(path)?;
            let receipt = till.sale(&receipt_no)?;
            if json {
                return print_json(&receipt);
            }
            print!("{}", render(&receipt, &money));
            Ok(())
        }
    }
}
