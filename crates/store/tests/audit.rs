//! The till's audit trail: every sale, void, return, approval, sign-in, refused PIN and lock is
//! an entry in one hash chain, written with what it describes; the log cannot be changed through
//! SQL, and a row changed behind the till's back (or removed) is named by `verify_audit`.

mod common;

use common::{cash, sale, till};
use kassa_domain::Role;
use kassa_store::{Credentials, RefundMethod, ReturnOf, ReturnRequest, Till};

fn staffed() -> Till {
    let mut till = till();
    till.apply_staff_update(
        1,
        &[
            common::staff_member("s-carl", "Carl", Role::Cashier, "1111"),
            common::staff_member("s-sofia", "Sofia", Role::Supervisor, "222222"),
        ],
    )
    .unwrap();
    till.sign_in("Sofia", "222222").unwrap();
    till.open_shift(kassa_domain::Money::from_minor(10_000))
        .unwrap();
    till.lock().unwrap();
    till
}

fn events(till: &Till) -> Vec<(String, Option<String>, Option<String>)> {
    let mut entries = till.audit_log(100).unwrap();
    entries.reverse();
    entries
        .into_iter()
        .map(|e| {
            (
                e.event.to_string(),
                e.staff.map(|s| s.name),
                e.approved_by.map(|s| s.name),
            )
        })
        .collect()
}

/// A shift's worth of events on a staffed till.
fn busy_till() -> Till {
    let mut till = staffed();
    till.sign_in("Carl", "9999").unwrap_err();
    till.sign_in("Carl", "1111").unwrap();
    let first = till
        .complete_sale(&sale(&[("MILK", 2)], vec![cash(None)]), None)
        .unwrap();
    let second = till
        .complete_sale(&sale(&[("BREAD", 1)], vec![cash(None)]), None)
        .unwrap();
    till.void_sale(
        &second.receipt_no,
        "rung twice",
        Some(&Credentials {
            staff: "Sofia".into(),
            pin: "222222".into(),
        }),
    )
    .unwrap();
    till.return_goods(
        &ReturnRequest {
            of: ReturnOf::Receipt {
                receipt_no: first.receipt_no.clone(),
            },
            lines: vec![],
            refund: RefundMethod::Original,
            approved_by: None,
            reason: None,
            remote_sale: None,
            remote_order: None,
        },
        None,
    )
    .unwrap();
    till.lock().unwrap();
    till
}

#[test]
fn everything_that_happens_at_the_till_is_logged_in_order() {
    let till = busy_till();
    let carl = Some("Carl".to_string());
    let sofia = Some("Sofia".to_string());
    assert_eq!(
        events(&till),
        vec![
            ("sign_in".into(), sofia.clone(), None),
            ("shift_open".into(), sofia.clone(), None),
            ("lock".into(), sofia, None),
            ("pin_refused".into(), carl.clone(), None),
            ("sign_in".into(), carl.clone(), None),
            ("sale".into(), carl.clone(), None),
            ("sale".into(), carl.clone(), None),
            ("void".into(), carl.clone(), Some("Sofia".into())),
            ("return".into(), carl.clone(), None),
            ("lock".into(), carl, None),
        ]
    );
    let newest = till.audit_log(7).unwrap();
    assert!(
        newest[3].detail.starts_with("AMS1-2-2 total 2.49 EUR"),
        "{:?}",
        newest[3]
    );
    let report = till.verify_audit().unwrap();
    assert_eq!((report.entries, report.first_break), (10, None));
}

#[test]
fn the_log_refuses_changes_and_names_a_row_changed_behind_its_back() {
    let till = busy_till();
    let conn = till.connection();
    let refused = conn
        .execute("UPDATE audit_log SET entry = entry WHERE seq = 6", [])
        .unwrap_err();
    assert!(refused.to_string().contains("append-only"), "{refused}");
    assert!(conn
        .execute("DELETE FROM audit_log WHERE seq = 6", [])
        .is_err());

    // Someone with the database file removes the guard and lowers a sale's total.
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET entry = replace(entry, 'total 2.58', 'total 0.58') WHERE seq = 6;",
    )
    .unwrap();
    let broken = till.verify_audit().unwrap().first_break.unwrap();
    assert_eq!(broken.seq, 6, "{broken:?}");
    assert_eq!(broken.why, "its contents do not match its hash");
}

#[test]
fn a_removed_entry_is_named_too() {
    let till = busy_till();
    till.connection()
        .execute_batch(
            "DROP TRIGGER audit_log_no_delete;
             DELETE FROM audit_log WHERE seq = 4;",
        )
        .unwrap();
    let broken = till.verify_audit().unwrap().first_break.unwrap();
    assert_eq!(
        (broken.seq, broken.why.as_str()),
        (5, "entries 4 to 4 are missing")
    );
}

#[test]
fn a_till_without_staff_logs_its_records_too() {
    let mut till = till();
    till.complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    assert_eq!(events(&till), vec![("sale".into(), None, None)]);
    assert_eq!(till.verify_audit().unwrap().first_break, None);
}

#[test]
fn an_id_used_twice_is_named() {
    let till = busy_till();
    // No index stops it any more (till migration 0029): verification does.
    till.connection()
        .execute_batch(
            "DROP TRIGGER audit_log_no_update;
             UPDATE audit_log
                SET entry = replace(entry, id, (SELECT id FROM audit_log WHERE seq = 5)),
                    id = (SELECT id FROM audit_log WHERE seq = 5)
              WHERE seq = 6;",
        )
        .unwrap();
    let broken = till.verify_audit().unwrap().first_break.unwrap();
    assert_eq!(
        (broken.seq, broken.why.as_str()),
        (6, "its id is used by an entry before it")
    );
}
