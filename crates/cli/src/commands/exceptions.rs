//! The exceptions inbox of this store, and resolving an entry.

use crate::failure::Failure;
use crate::output::print_json;
use std::path::Path;

pub fn list(path: &Path, json: bool) -> Result<(), Failure> {
    let (mut till, _) = super::open_initialised(path)?;
    let inbox = till.exceptions()?;
    if json {
        return print_json(&inbox);
    }
    if inbox.is_empty() {
        println!("No exceptions.");
    }
    for entry in &inbox {
        let state = match &entry.resolution {
            Some(r) => format!(
                "resolved by {} ({}): {}",
                r.resolved_by.as_deref().unwrap_or("a manager"),
                r.written_by,
                r.note
            ),
            None => "OPEN".into(),
        };
        println!("{}  [{}]", entry.id, state);
        println!("  {}", entry.message);
        if !entry.tills.is_empty() {
            println!("  tills: {}", entry.tills.join(", "));
        }
    }
    Ok(())
}

pub fn resolve(
    path: &Path,
    id: &str,
    note: &str,
    by: Option<&str>,
    json: bool,
) -> Result<(), Failure> {
    let (mut till, _) = super::open_initialised(path)?;
    super::sign_in(&mut till)?;
    let record = till.resolve_exception(id, note, by, super::approval()?.as_ref())?;
    if json {
        return print_json(&record);
    }
    println!("Resolved {}: {}", record.exception_id, record.note);
    Ok(())
}
