//! `kassa-hq exceptions` and `resolve ID --note TEXT`: every store's exceptions inbox.

use crate::output::print_json;
use kassa_hq::HqError;
use std::path::Path;

#[derive(clap::Args)]
pub struct ResolveArgs {
    id: String,
    #[arg(long)]
    note: String,
    #[arg(long)]
    by: Option<String>,
}

pub async fn list(data: &Path) -> Result<(), HqError> {
    print_json(&crate::database::open(data).await?.exceptions().await?);
    Ok(())
}

pub async fn resolve(
    data: &Path,
    ResolveArgs { id, note, by }: ResolveArgs,
) -> Result<(), HqError> {
    print_json(
        &crate::database::open(data)
            .await?
            .resolve_exception(&kassa_protocol::ResolveRequest {
                id,
                note,
                resolved_by: by,
            })
            .await?,
    );
    Ok(())
}
