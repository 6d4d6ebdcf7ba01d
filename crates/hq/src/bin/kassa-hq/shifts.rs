//! `kassa-hq shifts STORE`: a store's shifts with their Z reports.

use crate::output::print_json;
use kassa_hq::HqError;
use std::path::Path;

#[derive(clap::Args)]
pub struct Args {
    store: String,
}

pub async fn run(data: &Path, Args { store }: Args) -> Result<(), HqError> {
    print_json(&crate::database::open(data).await?.shifts(&store).await?);
    Ok(())
}
