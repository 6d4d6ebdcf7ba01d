//! `kassa audit list` and `kassa audit verify`.

use crate::args::AuditCommand;
use crate::failure::Failure;
use crate::output::print_json;
use std::path::Path;

pub fn run(path: &Path, command: AuditCommand, json: bool) -> Result<(), Failure> {
    let (till, _) = super::open_initialised(path)?;
    match command {
        AuditCommand::List { limit } => {
            let entries = till.audit_log(limit)?;
            if json {
                return print_json(&entries);
            }
            for e in entries.iter().rev() {
                let who = e.staff.as_ref().map_or("-", |s| s.name.as_str());
                let approved = e
                    .approved_by
                    .as_ref()
                    .map(|s| format!(" (approved by {})", s.name))
                    .unwrap_or_default();
                println!(
                    "{:>6} {} {:<14} {:<10} {}{approved}",
                    e.seq,
                    e.at.as_str().chars().take(19).collect::<String>(),
                    e.event,
                    who,
                    e.detail
                );
            }
            Ok(())
        }
        AuditCommand::Verify => {
            let report = till.verify_audit()?;
            if json {
                print_json(&report)?;
            }
            match report.first_break {
                None => {
                    if !json {
                        println!("Audit log intact: {} entries", report.entries);
                    }
                    Ok(())
                }
                // Tampering is not the user's bad input: exit 1, like rebuild --verify.
                Some(b) => Err(Failure::Internal(anyhow::anyhow!(
                    "the audit log is broken at entry {} ({}): {}",
                    b.seq,
                    b.id,
                    b.why
                ))),
            }
        }
    }
}
