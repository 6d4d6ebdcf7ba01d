//! A supervisor's or manager's PIN approves money leaving the till: head office refuses one of
//! fewer than six digits, when the person is added and when the PIN is changed.

use kassa_domain::Role;
use kassa_hq::{Hq, HqError};
use kassa_protocol::NewStaff;

fn new(name: &str, role: Role, pin: &str) -> NewStaff {
    NewStaff {
        name: name.into(),
        role,
        pin: pin.into(),
        stores: vec!["AMS1".into()],
    }
}

#[tokio::test]
async fn approvers_need_six_digit_pins_cashiers_four() {
    let hq = Hq::open_in_memory().unwrap();
    hq.create_store(&kassa_protocol::StoreInfo {
        code: "AMS1".into(),
        name: "Amsterdam".into(),
        currency: "EUR".into(),
        tax_mode: "inclusive".into(),
        cash_increment: 5,
        tax_classes: vec![kassa_protocol::TaxClassInfo {
            code: "standard".into(),
            name: "standard".into(),
            rate_bp: 2100,
        }],
    })
    .await
    .unwrap();
    hq.add_staff(&new("Carl", Role::Cashier, "1111"))
        .await
        .unwrap();
    for role in [Role::Supervisor, Role::Manager] {
        let refused = hq
            .add_staff(&new("Short", role, "12345"))
            .await
            .unwrap_err();
        assert!(
            matches!(&refused, HqError::BadRequest(m) if m.contains("at least 6 digits")),
            "{refused}"
        );
    }
    assert_eq!(
        hq.staff().await.unwrap().len(),
        1,
        "nobody added by a refusal"
    );
    let maria = hq
        .add_staff(&new("Maria", Role::Manager, "314159"))
        .await
        .unwrap();
    let refused = hq.set_staff_pin(&maria.id, "2718").await.unwrap_err();
    assert!(matches!(refused, HqError::BadRequest(_)), "{refused}");
    let unchanged = hq.staff().await.unwrap();
    assert!(
        unchanged.iter().all(|s| s.version <= maria.version),
        "no new version"
    );
    hq.set_staff_pin(&maria.id, "27182818").await.unwrap();
    // A cashier keeps a four-digit PIN.
    hq.set_staff_pin("Carl", "4321").await.unwrap();
}
