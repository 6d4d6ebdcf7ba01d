//! The desktop app end to end: tauri-driver + WebKitWebDriver drive the built `kassa-till`
//! against a real head office on loopback. Screenshots go to target/e2e-screenshots/.
//!
//! Needs: the app built (`cargo build -p kassa-till`), `tauri-driver` on PATH, WebKitWebDriver,
//! and a display (scripts/test runs this under xvfb-run).

mod support;

use serde_json::json;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::webdriver::{Session, ALT, ENTER, ESCAPE, F1, F10, F11, F2, F4, RELEASE};
use support::HqServer;

const WAIT: Duration = Duration::from_secs(20);

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// tauri-driver and the WebKitWebDriver it starts on `native_port`, which outlives it unless
/// stopped as well.
struct Driver {
    child: Child,
    native_port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let pattern = format!("WebKitWebDriver --port={}", self.native_port);
        let _ = Command::new("pkill").args(["-f", &pattern]).status();
    }
}

async fn sell_one_milk_for_exact_cash(app: &Session) {
    app.type_into("#scan", &format!("4006381333931{ENTER}"))
        .await;
    app.wait_for_text("#total", "1.29", WAIT).await;
    app.type_into("#scan", F2).await;
    app.type_into("#cash-amount", ENTER).await;
    app.wait_for_text("#receipt", "CHANGE", WAIT).await;
    app.type_into("#new-sale", ENTER).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sell_go_offline_and_drain() {
    let shots = workspace().join("target/e2e-screenshots");
    let app_binary = std::env::var_os("KASSA_TILL_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/debug/kassa-till"));
    assert!(
        app_binary.exists(),
        "build the app first: {}",
        app_binary.display()
    );

    let mut hq = HqServer::start().await;
    hq.receive("AMS1", "MILK", 50).await;
    // An online order, paid in the web shop, waiting for pickup at AMS1.
    hq.hq
        .add_order(&kassa_protocol::OrderIntake {
            external_id: "W5001".into(),
            store: "AMS1".into(),
            customer_name: "Ada Lovelace".into(),
            lines: vec![kassa_protocol::OrderIntakeLine {
                sku: "MILK".into(),
                quantity: 2,
                unit_price: None,
            }],
            paid: true,
            pickup_code: Some("482913".into()),
            hold_days: None,
            shipped: false,
        })
        .await
        .unwrap();
    // A second till of the store, run headless, that will take back a sale offline.
    let mut till_2 = hq.enrolled_till("AMS1", 2).await;
    // Prepare the till as a script would (the CLI does the same through the same library).
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.db");
    {
        let mut till = kassa_store::Till::open(&db).unwrap();
        let code = hq.hq.create_enroll_code("AMS1", 1).await.unwrap().code;
        kassa_sync::enroll(&mut till, &hq.url(), &code)
            .await
            .unwrap();
        kassa_sync::sync_once(&mut till).await.unwrap();
    }

    let port = free_port();
    let native_port = free_port();
    let _driver = Driver {
        native_port,
        child: Command::new(
            std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into()),
        )
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .env("KASSA_DB", &db)
        .env("KASSA_SYNC_INTERVAL_SECS", "1")
        .env("KASSA_SYNC_MAX_BACKOFF_SECS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tauri-driver on PATH (cargo install tauri-driver)"),
    };
    let driver_url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if reqwest::get(format!("{driver_url}/status")).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let app = Session::start(
        &driver_url,
        json!({ "browserName": "wry", "tauri:options": { "application": app_binary } }),
    )
    .await;

    // The selling screen, online.
    app.wait_for_text("#store-name", "AMS1", WAIT).await;
    app.wait_for_text("#sync-state", "Online", WAIT).await;
    app.type_into("#scan", &format!("4006381333931{ENTER}"))
        .await;
    app.wait_for_text("#total", "1.29", WAIT).await;
    app.screenshot(&shots.join("01-basket.png")).await;

    // An unknown barcode says so and leaves the basket alone.
    app.type_into("#scan", &format!("2000000000008{ENTER}"))
        .await;
    app.wait_for_text("#message", "Unknown barcode 2000000000008", WAIT)
        .await;
    let rows = app
        .script("return document.querySelectorAll('#basket-lines tr').length")
        .await;
    assert_eq!(rows, json!(1), "the basket is untouched");
    app.wait_for_text("#total", "1.29", WAIT).await;
    app.screenshot(&shots.join("02-unknown-barcode.png")).await;

    // Pay 5.00 cash: 1.29 rounds to 1.30, change 3.70.
    app.type_into("#scan", F2).await;
    app.wait_for_text("#quick-cash", "Exact", WAIT).await;
    app.screenshot(&shots.join("03-cash-tender.png")).await;
    app.type_into("#cash-amount", &format!("5{ENTER}")).await;
    let receipt = app.wait_for_text("#receipt", "CHANGE", WAIT).await;
    assert!(receipt.contains("AMS1-1-1"), "{receipt}");
    assert!(
        receipt
            .lines()
            .any(|l| l.starts_with("CHANGE") && l.contains("3.70")),
        "{receipt}"
    );
    app.screenshot(&shots.join("04-receipt.png")).await;
    app.type_into("#new-sale", ENTER).await;
    app.wait_for_text("#sync-pending", "All sales at head office", WAIT)
        .await;
    assert_eq!(
        hq.sales_at_hq("AMS1", &chrono::Local::now().date_naive().to_string())
            .await,
        1
    );

    // Stock lookup: here and in the other stores.
    app.type_into("#scan", F10).await;
    app.type_into("#dialog-body input", &format!("MILK{ENTER}"))
        .await;
    app.wait_for_text("#dialog-body", "Here: 49", WAIT).await;
    app.wait_for_text("#dialog-body", "RTM1", WAIT).await;
    app.screenshot(&shots.join("05-stock.png")).await;
    app.type_into("#dialog-cancel", ESCAPE).await;

    // Head office goes away: the till keeps selling and says what is waiting.
    hq.stop().await;
    app.wait_for_text("#sync-state", "Offline since", WAIT)
        .await;
    sell_one_milk_for_exact_cash(&app).await;
    app.wait_for_text("#sync-pending", "1 sale", WAIT).await;
    sell_one_milk_for_exact_cash(&app).await;
    app.wait_for_text("#sync-pending", "2 sales", WAIT).await;
    app.screenshot(&shots.join("06-offline.png")).await;

    // It comes back: the queue drains to zero.
    hq.restart().await;
    app.wait_for_text("#sync-state", "Online", WAIT).await;
    app.wait_for_text("#sync-pending", "All sales at head office", WAIT)
        .await;
    app.screenshot(&shots.join("07-drained.png")).await;
    assert_eq!(
        hq.sales_at_hq("AMS1", &chrono::Local::now().date_naive().to_string())
            .await,
        3,
        "each sale exactly once"
    );

    // Online order pickup (F1): the waiting orders, a wrong code refused, the right one hands
    // the order over.
    app.type_into("#scan", F1).await;
    app.wait_for_text("#order-list", "W5001", WAIT).await;
    app.screenshot(&shots.join("08-pickup-orders.png")).await;
    app.type_into("#order-query", &format!("W5001{ENTER}"))
        .await;
    app.wait_for_text("#order-title", "Ada Lovelace", WAIT)
        .await;
    app.type_into("#pickup-code", &format!("000000{ENTER}"))
        .await;
    app.wait_for_text("#pickup-message", "does not match", WAIT)
        .await;
    app.screenshot(&shots.join("09-pickup-wrong-code.png"))
        .await;
    app.clear("#pickup-code").await;
    app.type_into("#pickup-code", &format!("482913{ENTER}"))
        .await;
    let pickup = app
        .wait_for_text("#receipt", "Online order W5001", WAIT)
        .await;
    assert!(pickup.contains("Paid online"), "{pickup}");
    app.screenshot(&shots.join("10-pickup-receipt.png")).await;
    app.type_into("#new-sale", ENTER).await;
    let handed_over = async {
        loop {
            let orders = hq.hq.orders(Some("AMS1")).await.unwrap();
            if orders[0].status.as_str() == "picked_up" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    tokio::time::timeout(WAIT, handed_over)
        .await
        .expect("head office sees the order handed over");

    // Till 2 learns of the first sale; then, offline, both tills take the same milk back.
    kassa_sync::sync_once(&mut till_2).await.unwrap();
    hq.stop().await;
    app.type_into("#scan", F11).await;
    app.type_into("#return-query", &format!("AMS1-1-1{ENTER}"))
        .await;
    app.wait_for_text("#return-lines", "Whole milk", WAIT).await;
    app.screenshot(&shots.join("11-return.png")).await;
    app.type_into("#return-reason", &format!("leaking{ENTER}"))
        .await;
    let refund = app.wait_for_text("#receipt", "REFUND TOTAL", WAIT).await;
    assert!(refund.contains("Refund cash"), "{refund}");
    app.screenshot(&shots.join("12-refund.png")).await;
    app.type_into("#new-sale", ENTER).await;
    // The same receipt again: this till refuses what it can see was returned.
    app.type_into("#scan", F11).await;
    app.type_into("#return-query", &format!("AMS1-1-1{ENTER}"))
        .await;
    app.wait_for_text("#return-lines", "all returned", WAIT)
        .await;
    app.type_into("#return-query", ENTER).await;
    app.wait_for_text("#return-message", "choose what comes back", WAIT)
        .await;
    app.type_into("#return-query", ESCAPE).await;
    till_2
        .return_goods(
            &kassa_store::ReturnRequest {
                of: kassa_store::ReturnOf::Receipt {
                    receipt_no: "AMS1-1-1".into(),
                },
                lines: vec![],
                refund: kassa_store::RefundMethod::Cash,
                approved_by: None,
                reason: None,
                remote_sale: None,
                remote_order: None,
            },
            None,
        )
        .unwrap();
    hq.restart().await;
    kassa_sync::sync_once(&mut till_2).await.unwrap();

    // The exceptions inbox (Alt+I) shows the over-return once the desktop till has merged.
    let mut flagged = false;
    for _ in 0..50 {
        kassa_sync::sync_once(&mut till_2).await.unwrap();
        if till_2
            .exceptions()
            .unwrap()
            .iter()
            .any(|e| e.kind.as_str() == "over_return")
        {
            flagged = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(flagged, "both returns reached till 2 through head office");
    let inbox_shows = async {
        loop {
            app.type_into("#scan", &format!("{ALT}i{RELEASE}")).await;
            let text = app.text("#inbox-list").await;
            if text.contains("more was returned against AMS1-1-1") {
                return text;
            }
            app.type_into("#inbox-close", ESCAPE).await;
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    };
    let inbox = tokio::time::timeout(WAIT, inbox_shows)
        .await
        .expect("the desktop inbox shows the over-return");
    assert!(inbox.contains("AMS1-1, AMS1-2"), "{inbox}");
    assert!(
        !inbox.contains("over-return/"),
        "staff see what happened, not the exception's id: {inbox}"
    );
    app.wait_for_text("#sync-state", "Online", WAIT).await;
    app.screenshot(&shots.join("13-inbox.png")).await;
    app.type_into("#inbox-close", ESCAPE).await;

    // Head office adds staff: at its next sync the till locks and asks who is there.
    let mut ids = Vec::new();
    for (name, role, pin) in [
        ("Carl", kassa_domain::Role::Cashier, "1111"),
        ("Sofia", kassa_domain::Role::Supervisor, "2222"),
    ] {
        ids.push(
            hq.hq
                .add_staff(&kassa_protocol::NewStaff {
                    name: name.into(),
                    role,
                    pin: pin.into(),
                })
                .await
                .unwrap()
                .id,
        );
    }
    app.wait_for_text("#signin-staff", "Sofia", WAIT).await;
    app.click(&format!("#signin-staff button[data-id='{}']", ids[0]))
        .await;
    app.type_into("#signin-pin", &format!("0000{ENTER}")).await;
    app.wait_for_text("#signin-message", "wrong pin for Carl: 4 tries left", WAIT)
        .await;
    app.screenshot(&shots.join("14-sign-in.png")).await;
    app.type_into("#signin-pin", &format!("1111{ENTER}")).await;
    app.wait_for_text("#operator", "Carl (cashier)", WAIT).await;
    // No shift is open on a till with staff: the float is counted in first.
    app.wait_for_text("#dialog-title", "Open a shift", WAIT)
        .await;
    app.type_into("#dialog-body input", &format!("100{ENTER}"))
        .await;
    app.wait_for_text("#message", "Shift open with a float of", WAIT)
        .await;
    app.type_into("#scan", &format!("4006381333931{ENTER}"))
        .await;
    app.wait_for_text("#total", "1.29", WAIT).await;
    app.type_into("#scan", F2).await;
    app.type_into("#cash-amount", ENTER).await;
    app.wait_for_text("#receipt", "Cashier: Carl", WAIT).await;
    app.type_into("#new-sale", ENTER).await;

    // A cashier's void needs a supervisor's PIN, asked for on the spot.
    app.type_into("#scan", F4).await;
    app.wait_for_text("#dialog-title", "Void the last sale", WAIT)
        .await;
    app.type_into(
        "#dialog-body input",
        &format!("customer changed mind{ENTER}"),
    )
    .await;
    app.wait_for_text("#dialog-title", "needs the pin of a supervisor", WAIT)
        .await;
    app.type_into("#dialog-body label:nth-of-type(1) input", "Sofia")
        .await;
    app.type_into("#dialog-body label:nth-of-type(2) input", "2222")
        .await;
    app.screenshot(&shots.join("15-approval.png")).await;
    app.type_into("#dialog-body label:nth-of-type(2) input", ENTER)
        .await;
    app.wait_for_text("#message", "Voided AMS1-1-", WAIT).await;

    // Alt+Z closes the shift with a blind count: the Z report shows what was expected after.
    app.type_into("#scan", &format!("{ALT}z{RELEASE}")).await;
    app.wait_for_text("#dialog-title", "Close the shift", WAIT)
        .await;
    app.type_into("#dialog-body input", &format!("99.50{ENTER}"))
        .await;
    let z = app.wait_for_text("#receipt", "Z report", WAIT).await;
    assert!(z.contains("Closed") && z.contains("by Carl"), "{z}");
    app.screenshot(&shots.join("16-z-report.png")).await;
    app.type_into("#new-sale", ENTER).await;

    // Alt+A: the audit log, newest first, and its chain checked.
    app.type_into("#scan", &format!("{ALT}a{RELEASE}")).await;
    app.wait_for_text("#audit-state", "Chain intact", WAIT)
        .await;
    let log = app.text("#audit-table").await;
    assert!(
        log.contains("shift_close") && log.contains("approved by Sofia"),
        "{log}"
    );
    app.screenshot(&shots.join("17-audit.png")).await;
    app.type_into("#dialog-cancel", ESCAPE).await;

    // Alt+L locks the till for the next cashier.
    app.type_into("#scan", &format!("{ALT}l{RELEASE}")).await;
    app.wait_for_text("#operator", "Locked", WAIT).await;
    app.wait_for_text("#signin-staff", "Carl", WAIT).await;
    app.screenshot(&shots.join("18-locked.png")).await;
    app.quit().await;
}
