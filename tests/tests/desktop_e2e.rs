//! The desktop app end to end: tauri-driver + WebKitWebDriver drive the built `kassa-till`
//! against a real head office on loopback, on an Xvfb screen of the test's own (1920x1080, and
//! 1024x768 for the smallest till screen). Keys a cashier or a scanner types go to the window
//! with xdotool where focus matters. Screenshots go to target/e2e-screenshots/.
//!
//! Needs: the app built (`cargo build -p kassa-till`), `tauri-driver` on PATH, WebKitWebDriver,
//! Xvfb and xdotool (scripts/setup-debian installs them).

mod support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::screen::Screen;
use support::webdriver::{Session, ALT, ENTER, ESCAPE, F1, F10, F11, F2, F4, RELEASE};
use support::HqServer;

const WAIT: Duration = Duration::from_secs(20);

/// One desktop app at a time: two WebKit apps on two cores make each other's waits time out.
static ONE_APP_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn screenshots() -> PathBuf {
    workspace().join("target/e2e-screenshots")
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

/// Enrolls a till database as till `till_no` of AMS1 and syncs it once, as a script would with
/// the CLI (which does the same through the same library).
async fn enrolled_till_db(hq: &HqServer, dir: &Path, till_no: u16) -> PathBuf {
    let db = dir.join("till.db");
    let mut till = kassa_store::Till::open(&db).unwrap();
    let code = hq
        .hq
        .create_enroll_code("AMS1", till_no)
        .await
        .unwrap()
        .code;
    kassa_sync::enroll(&mut till, &hq.url(), &code)
        .await
        .unwrap();
    kassa_sync::sync_once(&mut till).await.unwrap();
    db
}

/// Starts the app on `db` on `screen`, with `env` set, and a WebDriver session on it.
async fn launch(screen: &Screen, db: &Path, env: &[(&str, &str)]) -> (Driver, Session) {
    let app_binary = std::env::var_os("KASSA_TILL_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/debug/kassa-till"));
    assert!(
        app_binary.exists(),
        "build the app first: {}",
        app_binary.display()
    );
    let port = free_port();
    let native_port = free_port();
    let driver = Driver {
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
        .env("DISPLAY", &screen.display)
        .env("KASSA_DB", db)
        .env("KASSA_SYNC_INTERVAL_SECS", "1")
        .env("KASSA_SYNC_MAX_BACKOFF_SECS", "1")
        .envs(env.iter().copied())
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
    (driver, app)
}

/// The window covers the whole screen (maximised, or full screen), not a fixed 1024x768.
async fn assert_fills_screen(app: &Session, screen: &Screen) {
    let want = json!([screen.width, screen.height, screen.width, screen.height]);
    let mut seen = Value::Null;
    for _ in 0..50 {
        seen = app
            .script("return [window.innerWidth, window.innerHeight, screen.width, screen.height]")
            .await;
        if seen == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the window does not fill the {}x{} screen: [inner width, inner height, screen width, screen height] = {seen}", screen.width, screen.height);
}

/// Everything a cashier needs is inside the window and not clipped by its bar: the status bar
/// and every item in it, the key bar and every key in it, the scan field, the totals and the
/// buttons beside the basket.
async fn assert_fits(app: &Session, what: &str) {
    let problems = app
        .script(
            r##"
            const problems = [];
            const view = { left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight };
            const inside = (el, box, name) => {
              const r = el.getBoundingClientRect();
              if (r.width === 0 && r.height === 0) return;
              if (r.left < box.left - 0.5 || r.top < box.top - 0.5 || r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5)
                problems.push(`${name} at ${Math.round(r.left)},${Math.round(r.top)}-${Math.round(r.right)},${Math.round(r.bottom)} is outside ${Math.round(box.left)},${Math.round(box.top)}-${Math.round(box.right)},${Math.round(box.bottom)}`);
            };
            for (const id of ["status-bar", "help"]) {
              const bar = document.getElementById(id);
              inside(bar, view, `#${id}`);
              const box = bar.getBoundingClientRect();
              for (const item of bar.children) if (!item.hidden) inside(item, box, `#${id} item "${item.textContent.trim()}"`);
            }
            if (document.querySelectorAll("#help > *").length < 13) problems.push("the key bar lost keys");
            for (const el of document.querySelectorAll("#status-bar *, #help *")) {
              const clips = getComputedStyle(el).overflowX !== "visible";
              if (clips && el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
                problems.push(`"${el.textContent.trim()}" is cut short (${el.clientWidth} of ${el.scrollWidth} pixels shown)`);
            }
            for (const id of ["scan", "total", "pay-cash", "pay-card", "void-last", "stock-button", "pickup-button", "return-button", "inbox-button"])
              inside(document.getElementById(id), view, `#${id}`);
            for (const el of document.querySelectorAll("#cash-panel:not([hidden]) button, #quick-cash button"))
              inside(el, view, `cash panel button "${el.textContent.trim()}"`);
            return problems;
            "##,
        )
        .await;
    assert_eq!(problems, json!([]), "{what}: cut off");
}

/// The scan field has the keyboard: what a scanner types next lands there.
async fn assert_scan_has_focus(app: &Session, after: &str) {
    let mut active = Value::Null;
    for _ in 0..25 {
        active = app
            .script("return document.activeElement && document.activeElement.id")
            .await;
        if active == json!("scan") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("after {after} the focus is on {active}, not the scan field");
}

/// A barcode scanner: the code's digits and Enter, typed at whatever has the keyboard.
fn scan_at_window(screen: &Screen, code: &str) {
    screen.focus_window("Kassa");
    screen.type_text(code);
    screen.key("Return");
}

async fn basket_rows(app: &Session) -> Value {
    app.script("return document.querySelectorAll('#basket-lines tr').length")
        .await
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
    let _one_app = ONE_APP_AT_A_TIME.lock().await;
    let shots = screenshots();
    let screen = Screen::start(1920, 1080);

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
    let dir = tempfile::tempdir().unwrap();
    let db = enrolled_till_db(&hq, dir.path(), 1).await;
    let (_driver, app) = launch(&screen, &db, &[]).await;

    // The selling screen, online.
    app.wait_for_text("#store-name", "AMS1", WAIT).await;
    app.wait_for_text("#sync-state", "Online", WAIT).await;
    assert_fills_screen(&app, &screen).await;
    assert_scan_has_focus(&app, "the till started").await;
    scan_at_window(&screen, "4006381333931");
    app.wait_for_text("#total", "1.29", WAIT).await;
    assert_fits(&app, "1920x1080 selling screen").await;
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
    assert_scan_has_focus(&app, "the receipt").await;
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
    assert_scan_has_focus(&app, "the stock dialog").await;

    // Head office goes away: the till keeps selling and says what is waiting.
    hq.stop().await;
    app.wait_for_text("#sync-state", "Offline since", WAIT)
        .await;
    sell_one_milk_for_exact_cash(&app).await;
    app.wait_for_text("#sync-pending", "1 sale", WAIT).await;
    sell_one_milk_for_exact_cash(&app).await;
    app.wait_for_text("#sync-pending", "2 sales", WAIT).await;
    assert_fits(&app, "1920x1080 offline with sales waiting").await;
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
    assert_scan_has_focus(&app, "the pickup and its receipt").await;
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
    assert_scan_has_focus(&app, "the return screen").await;
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
    assert_scan_has_focus(&app, "the exceptions inbox").await;

    // Head office adds staff: at its next sync the till locks and asks who is there. Someone
    // added while the sign-in screen is already up joins its list at the next sync.
    let mut ids = Vec::new();
    for (name, role, pin) in [
        ("Carl", kassa_domain::Role::Cashier, "1111"),
        ("Sofia", kassa_domain::Role::Supervisor, "222222"),
    ] {
        if name == "Sofia" {
            app.wait_for_text("#signin-staff", "Carl", WAIT).await;
        }
        ids.push(
            hq.hq
                .add_staff(&kassa_protocol::NewStaff {
                    name: name.into(),
                    role,
                    pin: pin.into(),
                    stores: vec!["AMS1".into()],
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
    // Signing in and opening the shift leave the scan field with the keyboard.
    assert_scan_has_focus(&app, "signing in and opening the shift").await;
    scan_at_window(&screen, "4006381333931");
    app.wait_for_text("#total", "1.29", WAIT).await;
    assert_fits(&app, "1920x1080 with a cashier signed in").await;
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
    app.type_into("#dialog-body label:nth-of-type(2) input", "222222")
        .await;
    app.screenshot(&shots.join("15-approval.png")).await;
    app.type_into("#dialog-body label:nth-of-type(2) input", ENTER)
        .await;
    app.wait_for_text("#message", "Voided AMS1-1-", WAIT).await;
    assert_scan_has_focus(&app, "the void and its approval").await;

    // Alt+Z closes the shift with a blind count: the Z report shows what was expected after.
    app.type_into("#scan", &format!("{ALT}z{RELEASE}")).await;
    app.wait_for_text("#dialog-title", "Close the shift", WAIT)
        .await;
    app.type_into("#dialog-body input", &format!("99.50{ENTER}"))
        .await;
    let z = app.wait_for_text("#receipt", "Z report", WAIT).await;
    assert!(z.contains("Closed") && z.contains("by Carl"), "{z}");
    assert!(
        z.lines().all(|line| !line
            .replace(['€', ' ', '\u{a0}', '\u{202f}'], "")
            .contains("-0.00")),
        "nothing subtracted shows as 0.00, never a negative zero: {z}"
    );
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
    assert_scan_has_focus(&app, "the audit log").await;

    // Alt+L locks the till for the next cashier.
    app.type_into("#scan", &format!("{ALT}l{RELEASE}")).await;
    app.wait_for_text("#operator", "Locked", WAIT).await;
    app.wait_for_text("#signin-staff", "Carl", WAIT).await;
    app.screenshot(&shots.join("18-locked.png")).await;
    app.quit().await;
}

/// The smallest till screen, full screen as a store sets it (`KASSA_FULLSCREEN=1`), worked from
/// the keyboard as a cashier and a scanner would: every key goes to the window, none into an
/// element the test picked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_1024x768_till_worked_from_the_keyboard() {
    let _one_app = ONE_APP_AT_A_TIME.lock().await;
    let shots = screenshots();
    let screen = Screen::start(1024, 768);
    let hq = HqServer::start().await;
    hq.receive("AMS1", "MILK", 50).await;
    hq.hq
        .add_staff(&kassa_protocol::NewStaff {
            name: "Carl".into(),
            role: kassa_domain::Role::Cashier,
            pin: "1111".into(),
            stores: vec!["AMS1".into()],
        })
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = enrolled_till_db(&hq, dir.path(), 1).await;
    let (_driver, app) = launch(&screen, &db, &[("KASSA_FULLSCREEN", "1")]).await;

    app.wait_for_text("#store-name", "AMS1", WAIT).await;
    assert_fills_screen(&app, &screen).await;
    // Sign in (the PIN field has the keyboard once a name is chosen), then count the float.
    app.wait_for_text("#signin-staff", "Carl", WAIT).await;
    app.click("#signin-staff button").await;
    screen.focus_window("Kassa");
    screen.type_text("1111");
    screen.key("Return");
    app.wait_for_text("#dialog-title", "Open a shift", WAIT)
        .await;
    screen.type_text("150");
    screen.key("Return");
    app.wait_for_text("#message", "Shift open with a float of", WAIT)
        .await;
    assert_scan_has_focus(&app, "signing in and opening the shift").await;
    scan_at_window(&screen, "4006381333931");
    app.wait_for_text("#total", "1.29", WAIT).await;
    scan_at_window(&screen, "96385074");
    scan_at_window(&screen, "036000291452");
    app.wait_for_text("#basket-lines", "Sourdough", WAIT).await;

    // F5 searches by name; Esc closes the results, and the next scan still lands.
    screen.key("F5");
    app.wait_for_text("#dialog-title", "Search products", WAIT)
        .await;
    screen.type_text("sourdough");
    screen.key("Return");
    app.wait_for_text("#search-results", "Sourdough loaf", WAIT)
        .await;
    app.screenshot(&shots.join("1024x768-search.png")).await;
    screen.key("Escape");
    assert_scan_has_focus(&app, "the search closed with Esc").await;
    scan_at_window(&screen, "4006381333931");
    let fourth_line = async {
        while basket_rows(&app).await != json!(4) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(WAIT, fourth_line)
        .await
        .expect("the scan after the search reached the basket");
    assert_fits(&app, "1024x768 basket, cashier signed in").await;
    app.screenshot(&shots.join("1024x768-basket.png")).await;

    // F2: the cash panel (the tallest the right-hand column gets), Enter takes it exactly.
    screen.key("F2");
    app.wait_for_text("#quick-cash", "Exact", WAIT).await;
    assert_fits(&app, "1024x768 cash panel").await;
    app.screenshot(&shots.join("1024x768-cash.png")).await;
    screen.key("Return");
    app.wait_for_text("#receipt", "Cashier: Carl", WAIT).await;
    app.screenshot(&shots.join("1024x768-receipt.png")).await;
    screen.key("Return");
    assert_scan_has_focus(&app, "the receipt").await;
    scan_at_window(&screen, "4006381333931");
    app.wait_for_text("#total", "1.29", WAIT).await;

    // Every other dialog and screen gives the keyboard back to the scan field when it closes.
    for (key, shows, what) in [
        ("F10", "#dialog-title", "the stock dialog"),
        ("F1", "#pickup-view h2", "the pickup screen"),
        ("F11", "#return-view h2", "the return screen"),
        ("alt+i", "#inbox-view h2", "the exceptions inbox"),
        ("F4", "#dialog-title", "the void dialog"),
    ] {
        screen.key(key);
        let visible = format!("return document.querySelector({shows:?}).offsetParent !== null");
        let opened = async {
            while app.script(&visible).await != json!(true) {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        tokio::time::timeout(WAIT, opened)
            .await
            .unwrap_or_else(|_| panic!("{key} did not open {what}"));
        screen.key("Escape");
        assert_scan_has_focus(&app, what).await;
    }
    scan_at_window(&screen, "4006381333931");
    app.wait_for_text("#total", "2.58", WAIT).await;
    assert_fits(&app, "1024x768 after the dialogs").await;
    app.quit().await;
}
