//! A supervisor's or manager's PIN shorter than six digits (set before approvers needed six) is
//! changed at its next use, at the till, offline or not (issue 12): the till lets nobody in with
//! it, takes a new one, and head office takes the new PIN's hash at the next sync and passes it
//! to the person's other tills. A change head office refuses puts the old PIN back.

mod support;

use kassa_domain::Role;
use kassa_protocol::NewStaff;
use kassa_store::{ErrorCode, StoreError};
use kassa_sync::sync_once;
use support::HqServer;

/// Olga, a manager of AMS1 whose PIN (4444) predates the six-digit rule: written as an older
/// head office stored her, since head office refuses such a PIN now.
async fn olga_with_a_short_pin(hq: &HqServer) {
    hq.hq
        .add_staff(&NewStaff {
            name: "Olga".into(),
            role: Role::Cashier,
            pin: "4444".into(),
            stores: vec!["AMS1".into()],
        })
        .await
        .unwrap();
    let db = rusqlite::Connection::open(hq.database_path()).unwrap();
    db.execute("UPDATE staff SET role = 'manager' WHERE name = 'Olga'", [])
        .unwrap();
}

fn is_change_required(e: &StoreError) -> bool {
    e.code() == ErrorCode::PinChangeRequired
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_pin_changed_at_one_till_reaches_head_office_and_the_other_tills() {
    let hq = HqServer::start().await;
    olga_with_a_short_pin(&hq).await;
    let mut till1 = hq.enrolled_till("AMS1", 1).await;
    let mut till2 = hq.enrolled_till("AMS1", 2).await;

    let refused = till1.sign_in("Olga", "4444").unwrap_err();
    assert!(is_change_required(&refused), "{refused}");
    till1.change_pin("Olga", "4444", "271828").unwrap();
    till1.sign_in("Olga", "271828").unwrap();

    sync_once(&mut till1).await.unwrap();
    assert!(till1.pending_pin_changes().unwrap().is_empty());
    till1.check_pin("Olga", "271828").unwrap();
    // Head office has the new PIN's hash, and its admin log says which till changed it.
    let log = hq.hq.admin_log(10).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.actor == "till:AMS1/1" && e.action.contains("Olga")),
        "{log:?}"
    );
    // Till 2 still has the short PIN until it syncs; then only the new one works.
    assert!(is_change_required(
        &till2.check_pin("Olga", "4444").unwrap_err()
    ));
    sync_once(&mut till2).await.unwrap();
    till2.sign_in("Olga", "271828").unwrap();
    assert!(matches!(
        till2.check_pin("Olga", "4444"),
        Err(StoreError::WrongPin { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_to_a_pin_head_office_has_since_replaced_is_refused_and_nothing_is_lost() {
    let hq = HqServer::start().await;
    olga_with_a_short_pin(&hq).await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    till.change_pin("Olga", "4444", "271828").unwrap();
    // Meanwhile head office gives her a new PIN itself.
    hq.hq.set_staff_pin("Olga", "161803").await.unwrap();
    till.complete_sale(&support::cash_sale(&[("MILK", 1)]), None)
        .unwrap_err(); // nobody is signed in: the till has staff
    sync_once(&mut till).await.unwrap();
    assert!(till.pending_pin_changes().unwrap().is_empty());
    till.sign_in("Olga", "161803").unwrap();
    assert!(matches!(
        till.check_pin("Olga", "271828"),
        Err(StoreError::WrongPin { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_cannot_change_the_pin_of_someone_from_another_store() {
    let hq = HqServer::start().await;
    olga_with_a_short_pin(&hq).await;
    let rtm = hq.enrolled_till("RTM1", 1).await;
    // RTM1's till never received Olga; a hand-made change for her is refused at head office.
    let olga = hq.hq.staff().await.unwrap();
    let olga = olga.iter().find(|s| s.name == "Olga").unwrap();
    // It names the PIN head office has, as a till of her own store would.
    let current: String = rusqlite::Connection::open(hq.database_path())
        .unwrap()
        .query_row("SELECT pin_hash FROM staff WHERE name = 'Olga'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let forged = kassa_domain::staff::PinChange {
        staff_id: olga.id.clone(),
        replaces: current,
        pin_hash: kassa_domain::staff::hash_pin("999999", &[1; 16]).unwrap(),
    };
    rtm.connection()
        .execute(
            "INSERT INTO pin_changes (staff_id, replaces, pin_hash, changed_at)
             VALUES (?1, ?2, ?3, '2026-11-23T09:00:00+01:00')",
            [&forged.staff_id, &forged.replaces, &forged.pin_hash],
        )
        .unwrap();
    let mut rtm = rtm;
    sync_once(&mut rtm).await.unwrap();
    assert!(rtm.pending_pin_changes().unwrap().is_empty());
    let mut ams = hq.enrolled_till("AMS1", 1).await;
    assert!(is_change_required(
        &ams.check_pin("Olga", "4444").unwrap_err()
    ));
}
