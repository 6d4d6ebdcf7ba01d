//! `kassa-hq backup FILE`: a consistent copy of head office's database, taken while it serves
//! (tills keep syncing). Restoring is putting the copy in place as `DATA/hq.db` with head office
//! stopped.

use crate::output::print_json;
use kassa_hq::HqError;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// The new file to write (an existing file is never overwritten).
    file: PathBuf,
}

pub async fn run(data: &Path, args: Args) -> Result<(), HqError> {
    let bytes = crate::database::open(data)
        .await?
        .backup(&args.file)
        .await?;
    print_json(&serde_json::json!({
        "backup": args.file.display().to_string(),
        "bytes": bytes,
    }));
    Ok(())
}
