//! `kassa-hq catalog import FILE.csv`: a new catalogue version for every till.

use kassa_hq::HqError;
use std::path::{Path, PathBuf};

#[derive(clap::Subcommand)]
pub enum CatalogCommand {
    Import { file: PathBuf },
}

pub async fn run(
    data: &Path,
    CatalogCommand::Import { file }: CatalogCommand,
) -> Result<(), HqError> {
    let bytes = std::fs::read(&file)
        .map_err(|e| HqError::BadRequest(format!("cannot read {}: {e}", file.display())))?;
    let (version, count) = crate::database::open(data)
        .await?
        .import_catalogue_csv(&bytes)
        .await?;
    println!("catalogue version {version}: {count} products");
    Ok(())
}
