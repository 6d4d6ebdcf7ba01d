//! `kassa-hq audit list|verify STORE-TILL`: a till's audit chain as head office holds it;
//! `kassa-hq audit log`: head office's own admin log.

use crate::output::print_json;
use kassa_hq::HqError;
use std::path::Path;

#[derive(clap::Subcommand)]
pub enum AuditCommand {
    /// Check the chain of a till (`AMS1-1`); exit 1 naming the first broken entry.
    Verify { till: String },
    /// Every entry of a till, oldest first.
    List { till: String },
    /// Head office's own log: who changed what, when (API tokens and this command line).
    Log {
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

pub async fn run(data: &Path, command: AuditCommand) -> Result<(), HqError> {
    match command {
        AuditCommand::List { till } => {
            print_json(
                &crate::database::open(data)
                    .await?
                    .audit_entries(&till)
                    .await?,
            );
            Ok(())
        }
        AuditCommand::Log { limit } => {
            print_json(&crate::database::open(data).await?.admin_log(limit).await?);
            Ok(())
        }
        AuditCommand::Verify { till } => {
            let check = crate::database::open(data)
                .await?
                .verify_audit(&till)
                .await?;
            print_json(&check);
            // A broken chain is a finding about stored data, not bad input: exit 1.
            match check.first_break {
                None => Ok(()),
                Some(b) => Err(HqError::Corrupt(format!(
                    "the audit log of {} is broken at entry {}: {}",
                    check.till, b.seq, b.why
                ))),
            }
        }
    }
}
