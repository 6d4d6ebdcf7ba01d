//! `kassa-hq token add|list|revoke`: scoped API tokens (admin, orders for the web shop, read for
//! reports) instead of one admin token for everything.

use crate::output::print_json;
use kassa_hq::api_tokens::Scope;
use kassa_hq::HqError;
use std::path::Path;

#[derive(clap::Subcommand)]
pub enum TokenCommand {
    /// Make a token (printed once; only its hash is kept).
    Add {
        /// admin, orders (the web shop: order intake and status) or read (reports).
        #[arg(long)]
        scope: String,
        #[arg(long)]
        name: String,
        /// A store a read token may see (repeat for several; none: every store).
        #[arg(long = "store")]
        stores: Vec<String>,
    },
    /// Every token with its scope, revoked ones too (never the secrets).
    List,
    /// Revoke a token by name: it stops working at once.
    Revoke { name: String },
}

pub async fn run(data: &Path, command: TokenCommand) -> Result<(), HqError> {
    let hq = crate::database::open(data).await?;
    match command {
        TokenCommand::Add {
            scope,
            name,
            stores,
        } => {
            let (token, secret) = hq
                .create_api_token(&name, Scope::parse(&scope)?, &stores)
                .await?;
            println!(
                "{} token {:?} (shown once): {secret}",
                token.scope.as_str(),
                token.name
            );
        }
        TokenCommand::List => print_json(&hq.api_tokens().await?),
        TokenCommand::Revoke { name } => {
            hq.revoke_api_token(&name).await?;
            println!("revoked token {name:?}");
        }
    }
    Ok(())
}
