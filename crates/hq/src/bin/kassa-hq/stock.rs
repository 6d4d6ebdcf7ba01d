//! `kassa-hq stock receive|count STORE SKUxQTY...`: head office's own stock movements.

use crate::output::print_json;
use kassa_hq::{HqError, MovementKind};
use kassa_protocol::StockLine;
use std::path::Path;

#[derive(clap::Subcommand)]
pub enum StockCommand {
    /// Goods received: SKUxQTY...
    Receive { store: String, lines: Vec<String> },
    /// A stock count: SKUxQTY... (what is on the shelf)
    Count { store: String, lines: Vec<String> },
}

pub async fn run(data: &Path, command: StockCommand) -> Result<(), HqError> {
    let (store, kind, lines) = match command {
        StockCommand::Receive { store, lines } => (store, MovementKind::Receipt, lines),
        StockCommand::Count { store, lines } => (store, MovementKind::Count, lines),
    };
    let lines = parse_lines(&lines)?;
    print_json(
        &crate::database::open(data)
            .await?
            .record_stock(&store, kind, &lines, None)
            .await?,
    );
    Ok(())
}

/// `SKUxQTY` arguments. The SKU may itself contain an `x`: the quantity is after the last one.
fn parse_lines(lines: &[String]) -> Result<Vec<StockLine>, HqError> {
    if lines.is_empty() {
        return Err(HqError::BadRequest("give at least one SKUxQTY".into()));
    }
    lines
        .iter()
        .map(|l| {
            let (sku, qty) = l
                .rsplit_once('x')
                .ok_or_else(|| HqError::BadRequest(format!("{l:?}: use SKUxQTY")))?;
            let quantity = qty.parse().map_err(|_| {
                HqError::BadRequest(format!("{l:?}: quantity {qty:?} is not a whole number"))
            })?;
            Ok(StockLine {
                sku: sku.to_string(),
                quantity,
            })
        })
        .collect()
}
