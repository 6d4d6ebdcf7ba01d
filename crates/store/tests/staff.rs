//! Staff at the till: PIN sign-in with a lock after wrong PINs, nothing written while the till is
//! locked, every record naming who made it, and approvals by a second person's PIN enforced in
//! the till service itself: voids, discounts past the limit, returns the policy flags, and
//! resolving exceptions.

mod common;

use common::{at, cash, count, sale, staff_member, till};
use kassa_domain::{Discount, Role};
use kassa_store::{
    Credentials, RefundMethod, ReturnLineRequest, ReturnOf, ReturnRequest, StoreError, Till,
};

/// A till with a cashier (PIN 1111), a supervisor (222222) and a manager (333333).
fn staffed() -> Till {
    let mut till = till();
    till.apply_staff_update(
        7,
        &[
            staff_member("s-cashier", "Carl", Role::Cashier, "1111"),
            staff_member("s-super", "Sofia", Role::Supervisor, "222222"),
            staff_member("s-manager", "Maria", Role::Manager, "333333"),
        ],
    )
    .unwrap();
    // A supervisor opens the shift and locks the till for the cashiers.
    till.sign_in("Sofia", "222222").unwrap();
    till.open_shift(kassa_domain::Money::from_minor(10_000))
        .unwrap();
    till.lock().unwrap();
    till
}

fn pin(staff: &str, pin: &str) -> Credentials {
    Credentials {
        staff: staff.into(),
        pin: pin.into(),
    }
}

#[test]
fn a_locked_till_writes_nothing_and_a_signed_in_cashier_is_on_every_record() {
    let mut till = staffed();
    assert!(till.staff_required().unwrap());
    assert_eq!(till.staff_version().unwrap(), 7);
    let names: Vec<String> = till.staff().unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["Carl", "Maria", "Sofia"]);

    let locked = till
        .complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap_err();
    assert!(matches!(locked, StoreError::SignInRequired), "{locked}");
    assert_eq!(count(&till, "sales"), 0);

    let carl = till.sign_in("carl", "1111").unwrap();
    assert_eq!((carl.id.as_str(), carl.role), ("s-cashier", Role::Cashier));
    let receipt = till
        .complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    assert_eq!(
        receipt.cashier.as_ref().map(|c| c.name.as_str()),
        Some("Carl")
    );
    assert_eq!(receipt.approved_by, None);

    till.lock().unwrap();
    assert!(till.operator().is_none());
    let locked = till
        .void_sale(&receipt.receipt_no, "mistake", None)
        .unwrap_err();
    assert!(matches!(locked, StoreError::SignInRequired), "{locked}");
    // Projections rebuilt from the documents agree, cashier included.
    assert!(till.rebuild_verify().unwrap().differences.is_empty());
}

#[test]
fn five_wrong_pins_lock_the_prompt_for_five_minutes() {
    let mut till = staffed();
    for left in (1..5).rev() {
        let wrong = till.sign_in("Carl", "9999").unwrap_err();
        assert!(
            matches!(&wrong, StoreError::WrongPin { left: l, .. } if *l == left),
            "{wrong}"
        );
    }
    let last = till.sign_in("Carl", "9999").unwrap_err();
    assert!(last.to_string().contains("0 tries left"), "{last}");
    let right = till.sign_in("Carl", "1111").unwrap_err();
    assert!(
        matches!(&right, StoreError::PinLocked { until, .. } if until == "2026-11-23T10:05:00.000+01:00"),
        "{right}"
    );
    // Someone else can still sign in; Carl can again once the lock has run out.
    till.sign_in("Sofia", "222222").unwrap();
    let mut till = till.with_clock(at("2026-11-23T10:05:30+01:00"));
    assert_eq!(till.sign_in("Carl", "1111").unwrap().name, "Carl");
    assert!(matches!(
        till.sign_in("Nobody", "1111").unwrap_err(),
        StoreError::UnknownStaff(_)
    ));
}

#[test]
fn a_void_needs_a_supervisor_and_says_who_approved_it() {
    let mut till = staffed();
    till.sign_in("Carl", "1111").unwrap();
    let first = till
        .complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    let second = till
        .complete_sale(&sale(&[("BREAD", 1)], vec![cash(None)]), None)
        .unwrap();

    let alone = till
        .void_sale(&first.receipt_no, "mistake", None)
        .unwrap_err();
    assert!(
        alone
            .to_string()
            .contains("a void needs the pin of a supervisor or above"),
        "{alone}"
    );
    let own_pin = till
        .void_sale(&first.receipt_no, "mistake", Some(&pin("Carl", "1111")))
        .unwrap_err();
    assert!(
        matches!(own_pin, StoreError::NotPermitted { .. }),
        "{own_pin}"
    );
    let wrong = till
        .void_sale(&first.receipt_no, "mistake", Some(&pin("Sofia", "0000")))
        .unwrap_err();
    assert!(matches!(wrong, StoreError::WrongPin { .. }), "{wrong}");
    assert_eq!(count(&till, "voids"), 0, "nothing voided yet");

    let void = till
        .void_sale(&first.receipt_no, "mistake", Some(&pin("Sofia", "222222")))
        .unwrap();
    assert_eq!(void.cashier.as_ref().map(|c| c.name.as_str()), Some("Carl"));
    assert_eq!(
        void.approved_by.as_ref().map(|c| c.id.as_str()),
        Some("s-super")
    );

    // A supervisor at the till approves their own void.
    till.sign_in("Sofia", "222222").unwrap();
    let own = till
        .void_sale(&second.receipt_no, "customer left", None)
        .unwrap();
    assert_eq!(
        own.approved_by.as_ref().map(|c| c.name.as_str()),
        Some("Sofia")
    );
}

#[test]
fn a_discount_past_the_limit_needs_a_supervisor() {
    let mut till = staffed();
    till.sign_in("Carl", "1111").unwrap();
    let mut small = sale(&[("WINE", 1)], vec![cash(None)]);
    small.discount = Some(Discount::Percent(500)); // 5%: within the 10% limit
    let ok = till.complete_sale(&small, None).unwrap();
    assert_eq!(ok.approved_by, None);

    let mut big = sale(&[("WINE", 1)], vec![cash(None)]);
    big.discount = Some(Discount::Percent(2500));
    let refused = till.complete_sale(&big, None).unwrap_err();
    assert!(
        matches!(refused, StoreError::ApprovalRequired { .. }),
        "{refused}"
    );
    assert_eq!(count(&till, "sales"), 1);
    let approved = till
        .complete_sale(&big, Some(&pin("sofia", "222222")))
        .unwrap();
    assert_eq!(
        approved.cashier.as_ref().map(|c| c.name.as_str()),
        Some("Carl")
    );
    assert_eq!(
        approved.approved_by.as_ref().map(|c| c.name.as_str()),
        Some("Sofia")
    );
    // The receipt read back is the sale record as written: who rang it and who approved it
    // (ids too), the shift, the instant with its offset.
    assert_eq!(till.sale(&approved.receipt_no).unwrap(), approved);
    assert_eq!(
        till.sale(&approved.receipt_no)
            .unwrap()
            .sale
            .approved_by
            .unwrap()
            .id,
        "s-super"
    );
}

#[test]
fn a_return_the_policy_flags_needs_a_managers_pin_not_a_name() {
    let mut till = staffed();
    till.sign_in("Carl", "1111").unwrap();
    let no_receipt = ReturnRequest {
        of: ReturnOf::NoReceipt,
        lines: vec![ReturnLineRequest {
            code: "MILK".into(),
            quantity: 1,
            restock: true,
        }],
        refund: RefundMethod::Cash,
        approved_by: Some("Maria".into()),
        reason: Some("no receipt".into()),
        remote_sale: None,
        remote_order: None,
    };
    let named = till.return_goods(&no_receipt, None).unwrap_err();
    assert!(
        matches!(&named, StoreError::NeedsApproval(why) if why.contains("a manager's pin")),
        "{named}"
    );
    let supervisor = till
        .return_goods(&no_receipt, Some(&pin("Sofia", "222222")))
        .unwrap_err();
    assert!(
        matches!(supervisor, StoreError::NotPermitted { .. }),
        "{supervisor}"
    );
    assert_eq!(count(&till, "returns"), 0);
    let back = till
        .return_goods(&no_receipt, Some(&pin("Maria", "333333")))
        .unwrap();
    assert_eq!(back.approved_by.as_deref(), Some("Maria"));
    assert_eq!(back.approver_id.as_deref(), Some("s-manager"));
    assert_eq!(
        back.cashier.as_ref().map(|c| c.id.as_str()),
        Some("s-cashier")
    );
}

#[test]
fn head_office_deactivating_someone_signs_them_out() {
    let mut till = staffed();
    till.sign_in("Carl", "1111").unwrap();
    let mut carl = staff_member("s-cashier", "Carl", Role::Cashier, "1111");
    carl.active = false;
    till.apply_staff_update(8, &[carl]).unwrap();
    assert!(till.operator().is_none());
    let gone = till.sign_in("Carl", "1111").unwrap_err();
    assert!(matches!(gone, StoreError::StaffInactive(_)), "{gone}");
    assert_eq!(till.staff().unwrap().len(), 2);
    assert_eq!(till.staff_version().unwrap(), 8);
    // An older update does not move the version back.
    till.apply_staff_update(3, &[]).unwrap();
    assert_eq!(till.staff_version().unwrap(), 8);
}

#[test]
fn a_till_whose_staff_are_all_deactivated_stays_locked() {
    let mut till = staffed();
    let mut everyone = vec![
        staff_member("s-cashier", "Carl", Role::Cashier, "1111"),
        staff_member("s-super", "Sofia", Role::Supervisor, "222222"),
        staff_member("s-manager", "Maria", Role::Manager, "333333"),
    ];
    for member in &mut everyone {
        member.active = false;
    }
    till.apply_staff_update(9, &everyone).unwrap();
    // Approvals fail closed: not a till with no staff, where anyone could sell and refund.
    assert!(till.staff_required().unwrap());
    let refused = till
        .complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap_err();
    assert!(matches!(refused, StoreError::SignInRequired), "{refused}");
    assert!(matches!(
        till.sign_in("Maria", "333333").unwrap_err(),
        StoreError::StaffInactive(_)
    ));
    assert_eq!(count(&till, "sales"), 0);
    // Head office makes someone active again: the till works again.
    till.apply_staff_update(
        10,
        &[staff_member("s-cashier", "Carl", Role::Cashier, "1111")],
    )
    .unwrap();
    till.sign_in("Carl", "1111").unwrap();
    till.complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
}

#[test]
fn resolving_an_exception_needs_a_manager() {
    let mut till = staffed();
    till.sign_in("Carl", "1111").unwrap();
    // Sold with no stock on record: the inbox says stock is negative.
    till.complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    let id = till.exceptions().unwrap()[0].id.clone();
    let refused = till
        .resolve_exception(&id, "delivery not booked", Some("Maria"), None)
        .unwrap_err();
    assert!(
        matches!(refused, StoreError::ApprovalRequired { .. }),
        "{refused}"
    );
    let resolved = till
        .resolve_exception(
            &id,
            "delivery not booked",
            None,
            Some(&pin("Maria", "333333")),
        )
        .unwrap();
    assert_eq!(resolved.resolved_by.as_deref(), Some("Maria"));
}

#[test]
fn the_till_holds_pin_hashes_only() {
    let till = staffed();
    let hashes: Vec<String> = till
        .connection()
        .prepare("SELECT pin_hash FROM staff")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(hashes.len(), 3);
    for (hash, pin) in hashes.iter().zip(["1111", "222222", "333333"]) {
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains(pin));
    }
}

/// A clock whose wall time and really-elapsed time move apart, as when someone sets the system
/// clock; `run` names the program run (a restart is another run).
struct SetClock {
    wall: &'static str,
    elapsed_ms: i64,
    run: &'static str,
}

impl kassa_store::Clock for SetClock {
    fn now(&self) -> chrono::DateTime<chrono::FixedOffset> {
        chrono::DateTime::parse_from_rfc3339(self.wall).unwrap()
    }
    fn elapsed_ms(&self) -> i64 {
        self.elapsed_ms
    }
    fn run_id(&self) -> String {
        self.run.into()
    }
}

fn set_clock(wall: &'static str, elapsed_ms: i64, run: &'static str) -> std::sync::Arc<SetClock> {
    std::sync::Arc::new(SetClock {
        wall,
        elapsed_ms,
        run,
    })
}

fn lock_carl(till: &mut Till) {
    for _ in 0..5 {
        till.sign_in("Carl", "9999").unwrap_err();
    }
    assert!(matches!(
        till.sign_in("Carl", "1111").unwrap_err(),
        StoreError::PinLocked { .. }
    ));
}

#[test]
fn the_pin_lock_survives_a_clock_set_forward_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    let mut till = Till::open(&path).unwrap().with_clock(set_clock(
        "2026-11-23T10:00:00+01:00",
        1_000,
        "run-1",
    ));
    till.init(&common::setup(kassa_domain::TaxMode::Inclusive, 5))
        .unwrap();
    till.apply_staff_update(
        1,
        &[staff_member("s-cashier", "Carl", Role::Cashier, "1111")],
    )
    .unwrap();
    lock_carl(&mut till);

    // The clock set a day forward, ten seconds later: still locked.
    let mut till = till.with_clock(set_clock("2026-11-24T10:00:00+01:00", 11_000, "run-1"));
    assert!(matches!(
        till.sign_in("Carl", "1111").unwrap_err(),
        StoreError::PinLocked { .. }
    ));
    // Restarted (another run, whose elapsed time starts again) two days on: still locked.
    drop(till);
    let mut till =
        Till::open(&path)
            .unwrap()
            .with_clock(set_clock("2026-11-25T10:00:00+01:00", 5, "run-2"));
    let locked = till.sign_in("Carl", "1111").unwrap_err();
    assert!(matches!(locked, StoreError::PinLocked { .. }), "{locked}");
    // Four more minutes of that run: still locked (ten seconds passed in the first run).
    let mut till = till.with_clock(set_clock("2026-11-25T10:04:00+01:00", 240_005, "run-2"));
    assert!(matches!(
        till.sign_in("Carl", "1111").unwrap_err(),
        StoreError::PinLocked { .. }
    ));
    // Once five minutes have really passed in all, Carl signs in.
    let mut till = till.with_clock(set_clock("2026-11-25T10:04:51+01:00", 291_005, "run-2"));
    assert_eq!(till.sign_in("Carl", "1111").unwrap().name, "Carl");
}

#[test]
fn a_clock_set_back_does_not_lengthen_the_lock() {
    let mut till = staffed();
    let mut till = {
        lock_carl(&mut till);
        till.with_clock(at("2026-11-23T09:00:00+01:00"))
    };
    // An hour back on the wall: the lock has run for no time, it does not grow.
    assert!(matches!(
        till.sign_in("Carl", "1111").unwrap_err(),
        StoreError::PinLocked { .. }
    ));
    let mut till = till.with_clock(at("2026-11-23T09:05:01+01:00"));
    assert_eq!(till.sign_in("Carl", "1111").unwrap().name, "Carl");
}

/// A till whose manager still has a PIN from before approvers needed six digits.
fn with_short_manager_pin() -> Till {
    let mut till = staffed();
    till.apply_staff_update(8, &[staff_member("s-old", "Olga", Role::Manager, "4444")])
        .unwrap();
    till
}

#[test]
fn a_short_approver_pin_lets_nobody_in_until_it_is_changed() {
    let mut till = with_short_manager_pin();
    let old_hash: String = till
        .connection()
        .query_row("SELECT pin_hash FROM staff WHERE id = 's-old'", [], |r| {
            r.get(0)
        })
        .unwrap();

    // Right PIN, too short: neither a sign-in nor an approval, and not a wrong PIN either.
    let refused = till.sign_in("Olga", "4444").unwrap_err();
    assert_eq!(
        refused.code(),
        kassa_store::ErrorCode::PinChangeRequired,
        "{refused}"
    );
    assert!(till.operator().is_none());
    till.sign_in("Carl", "1111").unwrap();
    let sold = till
        .complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    let refused = till
        .void_sale(&sold.receipt_no, "wrong item", Some(&pin("Olga", "4444")))
        .unwrap_err();
    assert_eq!(
        refused.code(),
        kassa_store::ErrorCode::PinChangeRequired,
        "{refused}"
    );
    assert_eq!(count(&till, "voids"), 0);

    // The change needs the old PIN (a wrong one counts towards the lock) and a long new one.
    let wrong = till.change_pin("Olga", "4445", "271828").unwrap_err();
    assert!(
        matches!(wrong, StoreError::WrongPin { left: 4, .. }),
        "{wrong}"
    );
    let short = till.change_pin("Olga", "4444", "27182").unwrap_err();
    assert!(short.to_string().contains("at least 6"), "{short}");
    assert!(till.pending_pin_changes().unwrap().is_empty());

    let olga = till.change_pin("Olga", "4444", "271828").unwrap();
    assert_eq!(olga.role, Role::Manager);
    assert!(matches!(
        till.check_pin("Olga", "4444"),
        Err(StoreError::WrongPin { .. })
    ));
    till.void_sale(&sold.receipt_no, "wrong item", Some(&pin("Olga", "271828")))
        .unwrap();
    let pending = till.pending_pin_changes().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].staff_id.as_str(), pending[0].replaces.as_str()),
        ("s-old", old_hash.as_str())
    );
    assert!(!pending[0].pin_hash.contains("271828"));
    let logged: i64 = till
        .connection()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entry LIKE '%\"pin_change\"%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 1);

    // A staff update from head office that has not heard of the change keeps the new PIN.
    till.apply_staff_update(9, &[staff_member("s-old", "Olga", Role::Manager, "4444")])
        .unwrap();
    till.check_pin("Olga", "271828").unwrap();
}

#[test]
fn a_pin_change_head_office_refuses_puts_the_old_pin_back() {
    let mut till = with_short_manager_pin();
    till.change_pin("Olga", "4444", "271828").unwrap();
    let sent = till.pending_pin_changes().unwrap();
    till.settle_pin_changes(&sent, &["s-old".to_string()])
        .unwrap();
    assert!(till.pending_pin_changes().unwrap().is_empty());
    assert!(matches!(
        till.check_pin("Olga", "4444"),
        Err(StoreError::PinChangeRequired { .. })
    ));

    // Taken: the change is done and the new PIN stays.
    till.change_pin("Olga", "4444", "314159").unwrap();
    let sent = till.pending_pin_changes().unwrap();
    // Changed again after it was sent: the later change stays pending.
    till.change_pin("Olga", "314159", "161803").unwrap();
    till.settle_pin_changes(&sent, &[]).unwrap();
    let left = till.pending_pin_changes().unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].replaces, sent[0].replaces);
    till.check_pin("Olga", "161803").unwrap();
}
