//! Staff end to end with a real head office: people added over the admin API (bad input refused
//! whole), reaching a till on its next sync with PINs as hashes only, a sale naming its cashier at
//! head office with the till's audit trail (its chain checked there too), a new PIN replacing the
//! old one, and a leaver locked out after the next sync.

mod support;

use kassa_domain::Role;
use kassa_protocol::{NewStaff, SetActive, SetPin, StaffSummary};
use kassa_store::StoreError;
use kassa_sync::{sync_once, HqClient, SyncError};
use support::{cash_sale, HqServer, ADMIN_TOKEN};

fn new(name: &str, role: Role, pin: &str) -> NewStaff {
    NewStaff {
        name: name.into(),
        role,
        pin: pin.into(),
        stores: vec!["AMS1".into()],
    }
}

async fn refused<T: std::fmt::Debug>(result: Result<T, SyncError>, status: u16, message: &str) {
    match result {
        Err(SyncError::Rejected {
            status: s,
            message: m,
            ..
        }) => {
            assert_eq!(s, status, "{m}");
            assert!(m.contains(message), "{m}");
        }
        other => panic!("not refused: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_reach_the_till_and_leavers_are_locked_out() {
    let hq = HqServer::start().await;
    let admin = HqClient::new(&hq.url(), Some(ADMIN_TOKEN.into())).unwrap();
    let carl: StaffSummary = admin
        .post("/v1/admin/staff", &new("Carl", Role::Cashier, "1111"))
        .await
        .unwrap();
    let _maria: StaffSummary = admin
        .post("/v1/admin/staff", &new("Maria", Role::Manager, "333333"))
        .await
        .unwrap();
    refused(
        admin
            .post::<_, StaffSummary>("/v1/admin/staff", &new("carl", Role::Cashier, "2222"))
            .await,
        400,
        "already called",
    )
    .await;
    refused(
        admin
            .post::<_, StaffSummary>("/v1/admin/staff", &new("Pia", Role::Cashier, "12"))
            .await,
        400,
        "4 to 8 digits",
    )
    .await;
    let till_token = HqClient::new(&hq.url(), Some("not-admin".into())).unwrap();
    refused(
        till_token
            .post::<_, StaffSummary>("/v1/admin/staff", &new("Pia", Role::Cashier, "4444"))
            .await,
        401,
        "",
    )
    .await;
    let listed: serde_json::Value = admin.get("/v1/admin/staff").await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    assert!(!listed.to_string().contains("argon2"), "no hashes listed");

    // The first sync brings the staff; from then on the till needs someone signed in.
    let mut till = hq.enrolled_till("AMS1", 1).await;
    assert!(till.staff_required().unwrap());
    let locked = till
        .complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap_err();
    assert!(matches!(locked, StoreError::SignInRequired), "{locked}");
    till.sign_in("Carl", "1111").unwrap();
    let no_shift = till
        .complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap_err();
    assert!(matches!(no_shift, StoreError::NoOpenShift), "{no_shift}");
    till.open_shift(kassa_domain::Money::from_minor(15_000))
        .unwrap();
    let receipt = till
        .complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap();
    sync_once(&mut till).await.unwrap();
    let feed = hq.hq.sales_feed("AMS1", "2026-11-23").await.unwrap();
    let at_hq = feed
        .sales
        .iter()
        .find(|s| s.receipt_no == receipt.receipt_no)
        .unwrap();
    assert_eq!(
        at_hq.cashier.as_ref().map(|c| c.id.as_str()),
        Some(carl.id.as_str())
    );
    // The till's audit trail reached head office with the ledger, and its chain holds there.
    let check = hq.hq.verify_audit("AMS1-1").await.unwrap();
    let local = till.verify_audit().unwrap();
    assert_eq!(local.first_break, None);
    assert_eq!(check.entries, local.entries, "{check:?}");
    assert_eq!((check.missing, check.first_break), (0, None));
    let events: Vec<String> = hq
        .hq
        .audit_entries("AMS1-1")
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event.to_string())
        .collect();
    assert_eq!(events, ["sign_in", "shift_open", "sale"]);
    let checked: serde_json::Value = admin.get("/v1/admin/audit/AMS1-1").await.unwrap();
    assert_eq!(checked["entries"], 3, "{checked}");

    // Carl closes his shift 0.20 short; the Z report reaches head office with the next sync.
    let maria = kassa_store::Credentials {
        staff: "Maria".into(),
        pin: "333333".into(),
    };
    let expected = till.x_report(Some(&maria)).unwrap().expected[0].amount;
    let z = till
        .close_shift(&[kassa_domain::TenderCount {
            kind: kassa_domain::TenderKind::Cash,
            amount: Some(
                expected
                    .checked_sub(kassa_domain::Money::from_minor(20))
                    .unwrap(),
            ),
            denominations: vec![],
        }])
        .unwrap();
    sync_once(&mut till).await.unwrap();
    let shifts: serde_json::Value = admin.get("/v1/stores/AMS1/shifts").await.unwrap();
    assert_eq!(shifts[0]["shift"]["id"], z.shift_id.as_str(), "{shifts}");
    assert_eq!(
        shifts[0]["close"]["difference"][0]["amount"], -20,
        "{shifts}"
    );
    assert_eq!(shifts[0]["close"]["report"]["kind"], "Z");

    // A new PIN replaces the old one at the next sync.
    let _: StaffSummary = admin
        .post(
            &format!("/v1/admin/staff/{}/pin", carl.id),
            &SetPin { pin: "5555".into() },
        )
        .await
        .unwrap();
    let report = sync_once(&mut till).await.unwrap();
    assert_eq!(report.staff_updated, 1);
    assert!(matches!(
        till.check_pin("Carl", "1111").unwrap_err(),
        StoreError::WrongPin { .. }
    ));
    till.sign_in("Carl", "5555").unwrap();

    // Carl leaves: signed out at the next sync, and cannot sign in again.
    let _: StaffSummary = admin
        .post("/v1/admin/staff/Carl/active", &SetActive { active: false })
        .await
        .unwrap();
    sync_once(&mut till).await.unwrap();
    assert!(till.operator().is_none());
    let gone = till.sign_in("Carl", "5555").unwrap_err();
    assert!(matches!(gone, StoreError::StaffInactive(_)), "{gone}");
    assert_eq!(till.staff().unwrap().len(), 1);
    // With a leaver gone, the name is free for a new person.
    let _: StaffSummary = admin
        .post("/v1/admin/staff", &new("Carl", Role::Cashier, "6666"))
        .await
        .unwrap();
    refused(
        admin
            .post::<_, StaffSummary>("/v1/admin/staff/Nobody/pin", &SetPin { pin: "1234".into() })
            .await,
        404,
        "no staff member",
    )
    .await;
}
