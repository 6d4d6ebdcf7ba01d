//! `kassa-hq order add|list|cancel|expire`: web orders waiting for pickup at a store.

use crate::output::print_json;
use kassa_hq::HqError;
use std::path::{Path, PathBuf};

#[derive(clap::Subcommand)]
pub enum OrderCommand {
    /// Take a web order from a JSON file (format in the README); the same external id twice is
    /// one order.
    Add { file: PathBuf },
    /// Orders with what the tills handed over.
    List {
        #[arg(long)]
        store: Option<String>,
    },
    /// Cancel an order that is not all handed over.
    Cancel {
        order_no: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Expire every order past its pickup date (no-shows).
    Expire,
}

pub async fn run(data: &Path, command: OrderCommand) -> Result<(), HqError> {
    match command {
        OrderCommand::Add { file } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| HqError::BadRequest(format!("cannot read {}: {e}", file.display())))?;
            let intake: kassa_protocol::OrderIntake = serde_json::from_slice(&bytes)
                .map_err(|e| HqError::BadRequest(format!("{}: {e}", file.display())))?;
            print_json(
                &crate::database::open(data)
                    .await?
                    .add_order(&intake)
                    .await?,
            );
        }
        OrderCommand::List { store } => print_json(
            &crate::database::open(data)
                .await?
                .orders(store.as_deref())
                .await?,
        ),
        OrderCommand::Cancel { order_no, note } => print_json(
            &crate::database::open(data)
                .await?
                .cancel_order(&order_no, note)
                .await?,
        ),
        OrderCommand::Expire => {
            let expired = crate::database::open(data).await?.expire_orders().await?;
            println!("expired {} order(s)", expired.len());
        }
    }
    Ok(())
}
