//! Staff belong to stores: a till receives only the people of its own store, so a stolen till
//! database gives up no other store's PIN hashes; someone who moves store is dropped (hash and
//! all) by the tills of the store they left and reaches the tills of the one they joined. Bad
//! input is refused whole.

mod support;

use kassa_domain::Role;
use kassa_protocol::{NewStaff, SetStores, StaffSummary};
use kassa_store::{StoreError, Till};
use kassa_sync::{sync_once, HqClient, SyncError};
use std::path::{Path, PathBuf};
use support::{clock, HqServer, ADMIN_TOKEN};

fn new(name: &str, role: Role, pin: &str, stores: &[&str]) -> NewStaff {
    NewStaff {
        name: name.into(),
        role,
        pin: pin.into(),
        stores: stores.iter().map(|s| s.to_string()).collect(),
    }
}

/// A till on a database file (what a thief would take), enrolled and synced once.
async fn till_on_file(hq: &HqServer, store: &str, till_no: u16, dir: &Path) -> (Till, PathBuf) {
    let path = dir.join(format!("{store}-{till_no}.db"));
    let mut till = Till::open(&path)
        .unwrap()
        .with_clock(clock("2026-11-23T09:00:00+01:00"));
    let code = hq.enroll_code(store, till_no).await;
    kassa_sync::enroll(&mut till, &hq.url(), &code)
        .await
        .unwrap();
    sync_once(&mut till).await.unwrap();
    (till, path)
}

/// Every byte of the till's database and its write-ahead log, as text where it is text.
fn stolen_bytes(path: &Path) -> String {
    let mut bytes = std::fs::read(path).unwrap();
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    bytes.extend(std::fs::read(wal).unwrap_or_default());
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The PIN hash a till's staff table holds for `name`, read straight from its file.
fn pin_hash(path: &Path, name: &str) -> Option<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row(
        "SELECT pin_hash FROM staff WHERE name = ?1 AND pin_hash <> ''",
        [name],
        |r| r.get(0),
    )
    .ok()
}

fn names(till: &Till) -> Vec<String> {
    till.staff().unwrap().into_iter().map(|s| s.name).collect()
}

fn bad_request<T: std::fmt::Debug>(result: Result<T, SyncError>, message: &str) {
    match result {
        Err(SyncError::Rejected {
            status, message: m, ..
        }) => {
            assert_eq!(status, 400, "{m}");
            assert!(m.contains(message), "{m}");
        }
        other => panic!("not refused: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_holds_only_its_own_stores_staff() {
    let hq = HqServer::start().await;
    let admin = HqClient::new(&hq.url(), Some(ADMIN_TOKEN.into())).unwrap();
    let carl: StaffSummary = admin
        .post(
            "/v1/admin/staff",
            &new("Carl", Role::Cashier, "1111", &["AMS1"]),
        )
        .await
        .unwrap();
    assert_eq!(carl.stores, ["AMS1"]);
    let _rita: StaffSummary = admin
        .post(
            "/v1/admin/staff",
            &new("Rita", Role::Cashier, "2468", &["rtm1"]),
        )
        .await
        .unwrap();
    let maria: StaffSummary = admin
        .post(
            "/v1/admin/staff",
            &new("Maria", Role::Manager, "333333", &["RTM1", "AMS1", "AMS1"]),
        )
        .await
        .unwrap();
    assert_eq!(maria.stores, ["AMS1", "RTM1"], "sorted, once each");

    // Refused whole: no store, an unknown store; the staff list does not move.
    let before: Vec<StaffSummary> = admin.get("/v1/admin/staff").await.unwrap();
    bad_request(
        admin
            .post::<_, StaffSummary>("/v1/admin/staff", &new("Pia", Role::Cashier, "4444", &[]))
            .await,
        "at least one",
    );
    bad_request(
        admin
            .post::<_, StaffSummary>(
                "/v1/admin/staff",
                &new("Pia", Role::Cashier, "4444", &["AMS1", "NOPE"]),
            )
            .await,
        "no store \"NOPE\"",
    );
    bad_request(
        admin
            .post::<_, StaffSummary>(
                "/v1/admin/staff/Carl/stores",
                &SetStores {
                    stores: vec!["AMS1".into(), "NOPE".into()],
                },
            )
            .await,
        "no store",
    );
    let after: Vec<StaffSummary> = admin.get("/v1/admin/staff").await.unwrap();
    assert_eq!(before, after, "a refusal changes nobody");

    let dir = tempfile::tempdir().unwrap();
    let (mut amsterdam, ams_path) = till_on_file(&hq, "AMS1", 1, dir.path()).await;
    let (mut rotterdam, rtm_path) = till_on_file(&hq, "RTM1", 1, dir.path()).await;
    assert_eq!(names(&amsterdam), ["Carl", "Maria"]);
    assert_eq!(names(&rotterdam), ["Maria", "Rita"]);
    let rita_hash = pin_hash(&rtm_path, "Rita").expect("Rotterdam holds Rita");
    assert!(rita_hash.starts_with("$argon2"), "{rita_hash}");
    let ams_file = stolen_bytes(&ams_path);
    assert!(ams_file.contains(&pin_hash(&ams_path, "Carl").unwrap()));
    assert!(!ams_file.contains(&rita_hash), "no other store's hash");
    assert!(!ams_file.contains("Rita"), "not even the name");
    let refused = amsterdam.sign_in("Rita", "2468").unwrap_err();
    assert!(matches!(refused, StoreError::UnknownStaff(_)), "{refused}");

    // Carl moves to Rotterdam: Amsterdam drops him, hash and all; Rotterdam can sign him in.
    let moved: StaffSummary = admin
        .post(
            "/v1/admin/staff/Carl/stores",
            &SetStores {
                stores: vec!["RTM1".into()],
            },
        )
        .await
        .unwrap();
    assert_eq!(moved.stores, ["RTM1"]);
    amsterdam.sign_in("Carl", "1111").unwrap();
    sync_once(&mut amsterdam).await.unwrap();
    sync_once(&mut rotterdam).await.unwrap();
    assert_eq!(names(&amsterdam), ["Maria"]);
    assert!(
        amsterdam.operator().is_none(),
        "signed out when he left the store"
    );
    assert_eq!(pin_hash(&ams_path, "Carl"), None, "his hash is gone");
    assert!(amsterdam.sign_in("Carl", "1111").is_err());
    assert_eq!(names(&rotterdam), ["Carl", "Maria", "Rita"]);
    rotterdam.sign_in("Carl", "1111").unwrap();

    // A till enrolled after he left never receives him (his sign-in on till 1 stays in the
    // store's audit trail, which names him; his PIN hash is nowhere).
    let (late, late_path) = till_on_file(&hq, "AMS1", 2, dir.path()).await;
    assert_eq!(names(&late), ["Maria"]);
    let carl_hash = pin_hash(&rtm_path, "Carl").expect("Rotterdam holds Carl now");
    assert!(!stolen_bytes(&late_path).contains(&carl_hash));
}
