//! The real `kassa` binary against a real head office on loopback: enroll, sync, status,
//! rebuild --verify, and the bad-input cases of each.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

fn kassa(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kassa"))
        .env_remove("KASSA_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn json(output: Output) -> Value {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

/// Waits for head office's (async) service from these plain test threads.
fn wait<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(work)
}

/// Head office with store AMS1 and a small catalogue, serving on a background thread.
fn head_office() -> (Arc<kassa_hq::Hq>, String, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    let hq = Arc::new(kassa_hq::Hq::open(data.path()).unwrap());
    let class = |code: &str, rate_bp| kassa_protocol::TaxClassInfo {
        code: code.into(),
        name: code.into(),
        rate_bp,
    };
    wait(hq.create_store(&kassa_protocol::StoreInfo {
        code: "AMS1".into(),
        name: "Amsterdam".into(),
        currency: "EUR".into(),
        tax_mode: "inclusive".into(),
        cash_increment: 5,
        tax_classes: vec![
            class("standard", 2100),
            class("reduced", 900),
            class("zero", 0),
        ],
    }))
    .unwrap();
    wait(hq.import_catalogue_csv(b"sku,name,price,tax_class\nMILK,Whole milk 1 L,1.29,reduced\nWINE,Red wine,8.99,standard\n")).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = hq.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let _ = kassa_hq::serve(listener, server, "admin".into()).await;
        });
    });
    (hq, url, data)
}

#[test]
fn enroll_sell_sync_status_and_verify() {
    let (hq, url, _data) = head_office();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.db");

    let bad = kassa(&db, &["enroll", "--hq", &url, "--code", "NOPE-NOPE-NOPE"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("401"), "{}", stderr(&bad));
    let bad = kassa(&db, &["enroll", "--hq", "ftp://x", "--code", "X"]);
    assert_eq!(bad.status.code(), Some(2));

    let code = wait(hq.create_enroll_code("AMS1", 4)).unwrap().code;
    let enrolled = json(kassa(
        &db,
        &["--json", "enroll", "--hq", &url, "--code", &code],
    ));
    assert_eq!(
        (enrolled["store"].as_str(), enrolled["till_no"].as_u64()),
        (Some("AMS1"), Some(4))
    );
    let status = json(kassa(&db, &["--json", "status"]));
    assert_eq!(status["enrolled"], true);

    let first = json(kassa(&db, &["--json", "sync"]));
    assert_eq!(
        first["products_updated"], 2,
        "the catalogue arrives with the first sync"
    );
    json(kassa(&db, &["--json", "sell", "MILKx2", "--pay", "cash"]));
    json(kassa(
        &db,
        &["--json", "sell", "WINE", "--pay", "card:8.99:T1"],
    ));
    let status = json(kassa(&db, &["--json", "status"]));
    assert_eq!(
        (
            status["pending_sales"].as_i64(),
            status["pending_amount"].as_i64()
        ),
        (Some(2), Some(260 + 899))
    );

    let report = json(kassa(&db, &["--json", "sync"]));
    assert_eq!(report["pending_sales"], 0);
    let status = json(kassa(&db, &["--json", "status"]));
    assert_eq!(
        (status["online"].as_bool(), status["pending_sales"].as_i64()),
        (Some(true), Some(0))
    );
    let day = chrono::Local::now().date_naive().to_string();
    assert_eq!(wait(hq.sales_feed("AMS1", &day)).unwrap().sales.len(), 2);

    let verified = json(kassa(&db, &["--json", "rebuild", "--verify"]));
    assert_eq!(verified["sales_in_documents"], 2);
    assert_eq!(verified["differences"].as_array().unwrap().len(), 0);
    let stock = json(kassa(&db, &["--json", "stock", "MILK"]));
    assert_eq!(stock["on_hand"], -2);
}

#[test]
fn rebuild_verify_exits_1_on_a_difference_and_sync_says_offline() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.db");
    json(kassa(&db, &["--json", "demo", "--products", "50"]));
    json(kassa(
        &db,
        &["--json", "sell", "D000001", "--pay", "cash:100"],
    ));
    assert!(kassa(&db, &["rebuild", "--verify"]).status.success());
    let not_enrolled = kassa(&db, &["sync"]);
    assert_eq!(not_enrolled.status.code(), Some(2));
    assert!(
        stderr(&not_enrolled).contains("not enrolled"),
        "{}",
        stderr(&not_enrolled)
    );

    // Lose the document chunks behind the till's back: the projection no longer matches.
    {
        let sqlite = kassa_store::Till::open(&db).unwrap();
        sqlite
            .connection()
            .execute("DELETE FROM documents WHERE doc_id LIKE 'ledger/%'", [])
            .unwrap();
    }
    let output = kassa(&db, &["rebuild", "--verify"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("in no document"));
}

#[test]
fn an_online_order_is_listed_and_picked_up_from_the_command_line() {
    let (hq, url, _data) = head_office();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.db");
    let code = wait(hq.create_enroll_code("AMS1", 1)).unwrap().code;
    json(kassa(
        &db,
        &["--json", "enroll", "--hq", &url, "--code", &code],
    ));
    let accepted = wait(hq.add_order(&kassa_protocol::OrderIntake {
        external_id: "W77".into(),
        store: "AMS1".into(),
        customer_name: "Grace Hopper".into(),
        lines: vec![
            kassa_protocol::OrderIntakeLine {
                sku: "WINE".into(),
                quantity: 2,
                unit_price: None,
            },
            kassa_protocol::OrderIntakeLine {
                sku: "MILK".into(),
                quantity: 1,
                unit_price: None,
            },
        ],
        paid: false,
        pickup_code: None,
        hold_days: Some(3),
        shipped: false,
    }))
    .unwrap();
    json(kassa(&db, &["--json", "sync"]));
    let listed = kassa(&db, &["orders", "list", "hopper"]);
    let text = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(
        text.contains("W77") && text.contains("balance 19.27"),
        "{text}"
    );
    let stock = json(kassa(&db, &["--json", "stock", "WINE"]));
    assert_eq!(
        (stock["reserved"].as_i64(), stock["available"].as_i64()),
        (Some(2), Some(-2))
    );

    let wrong = kassa(&db, &["pickup", "W77", "--code", "000", "--pay", "cash"]);
    assert_eq!(wrong.status.code(), Some(2), "{}", stderr(&wrong));
    assert!(
        stderr(&wrong).contains("does not match"),
        "{}",
        stderr(&wrong)
    );
    let part = json(kassa(
        &db,
        &[
            "--json",
            "pickup",
            "kassa:order:W77",
            "--code",
            &accepted.pickup_code,
            "--line",
            "WINEx1",
            "--pay",
            "cash:10",
        ],
    ));
    assert_eq!(
        (part["amount_due"].as_i64(), part["change"].as_i64()),
        (Some(900), Some(100))
    );
    json(kassa(&db, &["--json", "sync"]));
    let orders = wait(hq.orders(Some("AMS1"))).unwrap();
    assert_eq!(
        (orders[0].status.as_str(), orders[0].picked_up),
        ("partly_picked_up", 1)
    );
}

fn kassa_as(db: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kassa"))
        .env_remove("KASSA_DB")
        .envs(env.iter().copied())
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn staff_from_head_office_sign_in_and_approve_from_the_command_line() {
    let (hq, url, _data) = head_office();
    for (name, role, pin) in [
        ("Carl", kassa_domain::Role::Cashier, "1111"),
        ("Sofia", kassa_domain::Role::Supervisor, "222222"),
    ] {
        wait(hq.add_staff(&kassa_protocol::NewStaff {
            name: name.into(),
            role,
            pin: pin.into(),
            stores: vec!["AMS1".into()],
        }))
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.db");
    let code = wait(hq.create_enroll_code("AMS1", 1)).unwrap().code;
    json(kassa(
        &db,
        &["--json", "enroll", "--hq", &url, "--code", &code],
    ));
    json(kassa(&db, &["--json", "sync"]));
    let staff = json(kassa(&db, &["--json", "staff"]));
    assert_eq!(staff["sign_in_required"], true);
    assert_eq!(staff["staff"].as_array().unwrap().len(), 2, "{staff}");
    assert!(!staff.to_string().contains("argon2"));

    let locked = kassa(&db, &["sell", "MILK", "--pay", "cash"]);
    assert_eq!(locked.status.code(), Some(2));
    assert!(
        stderr(&locked).contains("sign in first"),
        "{}",
        stderr(&locked)
    );
    let half = kassa(&db, &["--staff", "Carl", "sell", "MILK", "--pay", "cash"]);
    assert!(
        stderr(&half).contains("needs both a name and a pin"),
        "{}",
        stderr(&half)
    );
    let wrong = kassa_as(
        &db,
        &[("KASSA_STAFF", "Carl"), ("KASSA_PIN", "9999")],
        &["sign-in"],
    );
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("4 tries left"),
        "{}",
        stderr(&wrong)
    );

    let carl = [("KASSA_STAFF", "Carl"), ("KASSA_PIN", "1111")];
    let no_shift = kassa_as(&db, &carl, &["sell", "MILK", "--pay", "cash"]);
    assert!(
        stderr(&no_shift).contains("no shift is open"),
        "{}",
        stderr(&no_shift)
    );
    json(kassa_as(
        &db,
        &carl,
        &["--json", "shift", "open", "--float", "100.00"],
    ));
    let sold = kassa_as(&db, &carl, &["sell", "MILK", "--pay", "cash"]);
    let text = String::from_utf8_lossy(&sold.stdout).to_string();
    assert!(text.contains("Cashier: Carl"), "{text}{}", stderr(&sold));
    let receipt_no = text
        .lines()
        .find_map(|l| l.strip_prefix("Receipt "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();

    let alone = kassa_as(&db, &carl, &["void", &receipt_no, "--reason", "mistake"]);
    assert_eq!(alone.status.code(), Some(2));
    assert!(
        stderr(&alone).contains("needs the pin of a supervisor"),
        "{}",
        stderr(&alone)
    );
    let mut approved_env = carl.to_vec();
    approved_env.push(("KASSA_APPROVER_PIN", "222222"));
    let void = json(kassa_as(
        &db,
        &approved_env,
        &[
            "--json",
            "--approver",
            "Sofia",
            "void",
            &receipt_no,
            "--reason",
            "mistake",
        ],
    ));
    assert_eq!(void["cashier"]["name"], "Carl");
    assert_eq!(void["approved_by"]["name"], "Sofia");

    // The audit trail: what happened, in order, and a chain that holds until someone edits it.
    let log = kassa(&db, &["audit", "list"]);
    let text = String::from_utf8_lossy(&log.stdout).to_string();
    assert!(
        text.contains("pin_refused") && text.contains("approved by Sofia"),
        "{text}"
    );
    let intact = kassa(&db, &["audit", "verify"]);
    assert!(
        String::from_utf8_lossy(&intact.stdout).contains("Audit log intact"),
        "{}",
        stderr(&intact)
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET entry = replace(entry, 'Carl', 'Sofia') WHERE seq = 2;",
    )
    .unwrap();
    drop(conn);
    let broken = kassa(&db, &["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        stderr(&broken).contains("the audit log is broken at entry 2"),
        "{}",
        stderr(&broken)
    );
}

/// Enrolls the till at `db` as AMS1 till 1, syncs the catalogue and rings one cash sale of `sku`.
fn enrolled_with_one_sale(hq: &kassa_hq::Hq, url: &str, db: &Path, sku: &str) {
    let code = wait(hq.create_enroll_code("AMS1", 1)).unwrap().code;
    json(kassa(
        db,
        &["--json", "enroll", "--hq", url, "--code", &code],
    ));
    json(kassa(db, &["--json", "sync"]));
    json(kassa(db, &["--json", "sell", sku, "--pay", "cash"]));
}

/// `kassa-hq --data DIR stock receive` or `order add` while `serve` runs on DIR: the admin
/// command is another process with its own `Hq` on the same data. The server must see what it
/// wrote and never write its own older copy over it.
#[test]
fn admin_writes_beside_a_running_server_reach_the_till_and_survive() {
    let (hq, url, data) = head_office();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.db");
    // The server then holds the store's documents in its cache.
    enrolled_with_one_sale(&hq, &url, &db, "WINE");
    json(kassa(&db, &["--json", "sync"]));

    let admin = kassa_hq::Hq::open(data.path()).unwrap();
    wait(admin.record_stock(
        "AMS1",
        kassa_hq::MovementKind::Receipt,
        &[kassa_protocol::StockLine {
            sku: "WINE".into(),
            quantity: 24,
        }],
        None,
    ))
    .unwrap();
    wait(admin.add_order(&kassa_protocol::OrderIntake {
        external_id: "W88".into(),
        store: "AMS1".into(),
        customer_name: "Ada Lovelace".into(),
        lines: vec![kassa_protocol::OrderIntakeLine {
            sku: "MILK".into(),
            quantity: 1,
            unit_price: None,
        }],
        paid: true,
        pickup_code: None,
        hold_days: Some(3),
        shipped: false,
    }))
    .unwrap();
    drop(admin);

    // Another sale and a sync: the server writes the stock document again.
    json(kassa(&db, &["--json", "sell", "WINE", "--pay", "cash"]));
    json(kassa(&db, &["--json", "sync"]));
    json(kassa(&db, &["--json", "sync"]));

    let stock = json(kassa(&db, &["--json", "stock", "WINE"]));
    assert_eq!(stock["on_hand"].as_i64(), Some(22), "{stock}");
    let listed = kassa(&db, &["orders", "list", "lovelace"]);
    let text = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(
        text.contains("W88"),
        "the web order never reached the till: {text}"
    );

    // Head office says the same, and so does a head office opened afresh from the data.
    let at_hq = |hq: &kassa_hq::Hq| wait(hq.stock_availability("WINE")).unwrap().stores[0].on_hand;
    assert_eq!(at_hq(&hq), 22);
    let reopened = kassa_hq::Hq::open(data.path()).unwrap();
    assert_eq!(at_hq(&reopened), 22);
    assert_eq!(wait(reopened.orders(Some("AMS1"))).unwrap().len(), 1);
}

/// Head office unreachable is not an internal error: its own exit status (3) and message, and
/// the sale stays pending on the till.
#[test]
fn sync_without_head_office_exits_3_and_says_offline() {
    let (hq, url, _data) = head_office();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.db");
    enrolled_with_one_sale(&hq, &url, &db, "MILK");
    // Point the till at a port where nothing listens.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    {
        let till = kassa_store::Till::open(&db).unwrap();
        till.connection()
            .execute("UPDATE device SET hq_url = ?1", [&dead])
            .unwrap();
    }
    let offline = kassa(&db, &["sync"]);
    assert_eq!(offline.status.code(), Some(3), "{}", stderr(&offline));
    assert!(
        stderr(&offline).contains("head office unreachable")
            && !stderr(&offline).contains("internal error"),
        "{}",
        stderr(&offline)
    );
    let status = json(kassa(&db, &["--json", "status"]));
    assert_eq!(status["pending_sales"].as_i64(), Some(1));
}

#[test]
fn a_pin_is_changed_from_the_command_line_and_reaches_head_office() {
    let (hq, url, _data) = head_office();
    wait(hq.add_staff(&kassa_protocol::NewStaff {
        name: "Carl".into(),
        role: kassa_domain::Role::Cashier,
        pin: "1111".into(),
        stores: vec!["AMS1".into()],
    }))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.db");
    let code = wait(hq.create_enroll_code("AMS1", 1)).unwrap().code;
    json(kassa(
        &db,
        &["--json", "enroll", "--hq", &url, "--code", &code],
    ));
    json(kassa(&db, &["--json", "sync"]));

    let missing = kassa(&db, &["change-pin", "--new-pin", "5678"]);
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
    let wrong = kassa_as(
        &db,
        &[
            ("KASSA_STAFF", "Carl"),
            ("KASSA_PIN", "9999"),
            ("KASSA_NEW_PIN", "5678"),
        ],
        &["change-pin"],
    );
    assert!(stderr(&wrong).contains("wrong pin"), "{}", stderr(&wrong));
    let changed = json(kassa_as(
        &db,
        &[
            ("KASSA_STAFF", "Carl"),
            ("KASSA_PIN", "1111"),
            ("KASSA_NEW_PIN", "5678"),
        ],
        &["--json", "change-pin"],
    ));
    assert_eq!(changed["name"], "Carl");
    json(kassa(&db, &["--json", "sync"]));
    let signed = json(kassa_as(
        &db,
        &[("KASSA_STAFF", "Carl"), ("KASSA_PIN", "5678")],
        &["--json", "sign-in"],
    ));
    assert_eq!(signed["name"], "Carl");
    // Head office has the new PIN: a till enrolled now takes it.
    let other = dir.path().join("till2.db");
    let code = wait(hq.create_enroll_code("AMS1", 2)).unwrap().code;
    json(kassa(
        &other,
        &["--json", "enroll", "--hq", &url, "--code", &code],
    ));
    json(kassa(&other, &["--json", "sync"]));
    json(kassa_as(
        &other,
        &[("KASSA_STAFF", "Carl"), ("KASSA_PIN", "5678")],
        &["--json", "sign-in"],
    ));
}
