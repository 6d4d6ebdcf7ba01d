//! `kassa-hq findings list|accept|reject`: what head office found in tills' syncs and did not
//! silently accept (held changes, misfiled sales, totals that do not add up, audit chains that
//! went back or forked), and a manager's decision on a held change.

use crate::output::print_json;
use kassa_hq::HqError;
use std::path::Path;

#[derive(clap::Subcommand)]
pub enum FindingsCommand {
    /// Every finding, newest first.
    List,
    /// Merge a held change as if it had been allowed (recorded with who decided).
    Accept(DecideArgs),
    /// Keep a held change out for good (it stays held, never merged).
    Reject(DecideArgs),
}

#[derive(clap::Args)]
pub struct DecideArgs {
    id: i64,
    /// Who decides (recorded with the decision).
    #[arg(long)]
    by: String,
}

pub async fn run(data: &Path, command: FindingsCommand) -> Result<(), HqError> {
    let hq = crate::database::open(data).await?;
    match command {
        FindingsCommand::List => print_json(&hq.findings().await?),
        FindingsCommand::Accept(args) => {
            print_json(&hq.decide_held(args.id, true, &args.by).await?)
        }
        FindingsCommand::Reject(args) => {
            print_json(&hq.decide_held(args.id, false, &args.by).await?)
        }
    }
    Ok(())
}
