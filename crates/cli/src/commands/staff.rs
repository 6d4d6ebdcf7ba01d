//! `kassa staff`, `kassa sign-in` and `kassa change-pin`.

use crate::failure::Failure;
use crate::output::print_json;
use serde::Serialize;
use std::path::Path;

#[derive(Serialize)]
struct StaffList {
    sign_in_required: bool,
    staff: Vec<kassa_store::StaffListing>,
}

pub fn list(path: &Path, json: bool) -> Result<(), Failure> {
    let till = super::open(path)?;
    let list = StaffList {
        sign_in_required: till.staff_required()?,
        staff: till.staff()?,
    };
    if json {
        return print_json(&list);
    }
    if !list.sign_in_required {
        println!("No staff from head office yet: this till runs without sign-in.");
        return Ok(());
    }
    for member in &list.staff {
        println!("{:<24} {:<10} {}", member.name, member.role, member.id);
    }
    Ok(())
}

pub fn sign_in(path: &Path, json: bool) -> Result<(), Failure> {
    let mut till = super::open(path)?;
    super::sign_in(&mut till)?;
    let operator = till.operator().cloned().ok_or_else(|| {
        Failure::bad("give --staff NAME and --pin PIN (or KASSA_STAFF, KASSA_PIN)")
    })?;
    if json {
        return print_json(&operator);
    }
    println!("Signed in: {} ({})", operator.name, operator.role);
    Ok(())
}

pub fn change_pin(path: &Path, new_pin: &str, json: bool) -> Result<(), Failure> {
    let mut till = super::open(path)?;
    let s = super::session();
    let (Some(who), Some(old_pin)) = (s.staff.as_deref(), s.pin.as_deref()) else {
        return Err(Failure::bad(
            "give --staff NAME and --pin OLD_PIN (or KASSA_STAFF, KASSA_PIN), and the new PIN in \
             KASSA_NEW_PIN",
        ));
    };
    let operator = till.change_pin(who, old_pin, new_pin)?;
    if json {
        return print_json(&operator);
    }
    println!(
        "PIN changed for {} ({}); head office takes it at the next sync.",
        operator.name, operator.role
    );
    Ok(())
}
