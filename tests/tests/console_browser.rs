//! The head office console in a real browser: headless Chromium (Debian's `chromium`) driven by
//! `chromedriver` (Debian's `chromium-driver`) against a real head office. Signs in (a wrong
//! password refused), checks what a store manager sees, refuses a form posted without its CSRF
//! token, signs out, and runs axe-core on every page (no serious or critical violation).
//! Screenshots of every page go to `target/console-screenshots/`. Fails, never skips, when the
//! browser or the driver is missing (scripts/setup-debian installs them).

mod support;

use kassa_hq::console_users::ConsoleRole;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::webdriver::Session;
use support::HqServer;

/// chromedriver on a free port, killed with this value.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn chromedriver() -> Driver {
    for tool in ["chromium", "chromedriver"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            found,
            "{tool} is not installed: the console's browser test needs Debian's chromium and \
             chromium-driver (scripts/setup-debian installs them)"
        );
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    loop {
        let ready = reqwest::get(format!("{url}/status")).await;
        if let Ok(response) = ready {
            let status: Value = response.json().await.unwrap_or_default();
            if status["value"]["ready"] == true {
                break;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver never became ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Driver { child, url }
}

async fn browser(driver: &Driver, profile: &std::path::Path) -> Session {
    // Headless, and quiet on a closed network: no first-run, sync, component or background
    // requests, a fresh profile.
    Session::start(
        &driver.url,
        json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        }),
    )
    .await
}

fn screenshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/console-screenshots")
}

/// axe-core's serious and critical violations on the page shown now, as "rule: where" lines.
async fn accessibility_violations(session: &Session) -> Vec<String> {
    let axe =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&axe).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (scripts/build-ui installs axe-core with the UI's packages)",
            axe.display()
        )
    });
    session.script(&format!("{source}; return true;")).await;
    let result = session
        .script_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
                .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact,
                    nodes: v.nodes.map(n => n.target.join(' ')) }))))
                .catch(e => done([{ id: 'axe failed: ' + e, impact: 'critical', nodes: [] }]));",
        )
        .await;
    result
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| format!("{}: {}", v["id"], v["nodes"]))
        .collect()
}

async fn check_page(session: &Session, name: &str) {
    session
        .screenshot(&screenshot_dir().join(format!("{name}.png")))
        .await;
    let violations = accessibility_violations(session).await;
    assert!(violations.is_empty(), "{name}: {violations:?}");
}

/// Waits until `script` returns true (10 s at most).
async fn wait_until(session: &Session, script: &str) {
    let started = Instant::now();
    while session.script(script).await != true {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never true: {script}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn sign_in(session: &Session, base: &str, name: &str, password: &str) {
    session.goto(&format!("{base}/console")).await;
    assert!(session.current_url().await.ends_with("/console/sign-in"));
    session.type_into("input[name=name]", name).await;
    session.type_into("input[name=password]", password).await;
    session.click("button[type=submit]").await;
}

/// Uploads `file` through the catalogue page's import form as `format`.
async fn upload(session: &Session, base: &str, format: &str, file: &std::path::Path) {
    session.goto(&format!("{base}/console/catalogue")).await;
    session
        .script(&format!(
            "document.querySelector('select[name=format]').value = '{format}'; return true;"
        ))
        .await;
    session
        .type_into("input[type=file]", &file.display().to_string())
        .await;
    session.click("form[enctype] button[type=submit]").await;
}

#[tokio::test]
async fn the_console_in_a_real_browser() {
    let server = HqServer::start().await;
    let base = server.url();
    let admin_password = server.hq.first_console_admin().await.unwrap().unwrap();
    let (_, manager_password) = server
        .hq
        .add_console_user("marie", ConsoleRole::StoreManager, &["RTM1".into()], None)
        .await
        .unwrap();
    // Sales at two tills of AMS1 on 2026-11-23 (the tests' clock), synced to head office.
    let mut first = server.enrolled_till("AMS1", 1).await;
    let mut second = server.enrolled_till("AMS1", 2).await;
    for (n, till) in [&mut first, &mut second].into_iter().enumerate() {
        for _ in 0..=n {
            till.complete_sale(&support::cash_sale(&[("MILK", 2), ("WINE", 1)]), None)
                .unwrap();
        }
        till.complete_sale(&support::cash_sale(&[("BREAD", 1)]), None)
            .unwrap();
        // The first request carries the sales; the second reports nothing left waiting.
        kassa_sync::sync_once(till).await.unwrap();
        kassa_sync::sync_once(till).await.unwrap();
    }
    // What the overview must say, summed here from the per-sale feed.
    let feed: kassa_protocol::SalesFeed = reqwest::Client::new()
        .get(format!("{base}/v1/stores/AMS1/sales?day=2026-11-23"))
        .bearer_auth(support::ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let feed_total: i64 = feed.sales.iter().map(|s| s.total.minor()).sum();
    assert_eq!(feed.sales.len(), 5);
    let driver = chromedriver().await;
    let profile = tempfile::tempdir().unwrap();
    let session = browser(&driver, profile.path()).await;

    // A wrong password: refused, said, still on the sign-in page.
    sign_in(&session, &base, "admin", "not the password at all").await;
    session
        .wait_for_text(
            ".refusal",
            "Wrong name or password.",
            Duration::from_secs(10),
        )
        .await;
    check_page(&session, "sign-in-refused").await;

    // The admin sees every store.
    sign_in(&session, &base, "admin", &admin_password).await;
    let overview = session
        .wait_for_text("main", "RTM1", Duration::from_secs(10))
        .await;
    assert!(
        overview.contains("AMS1") && overview.contains("RTM1"),
        "{overview}"
    );
    assert!(session.current_url().await.ends_with("/console"));
    check_page(&session, "overview-admin").await;
    // The overview of the 30 days up to the sales' day: the figures the feed adds up to.
    session
        .goto(&format!("{base}/console?until=2026-11-23"))
        .await;
    let figure = |name: &'static str, attribute: &'static str| {
        let session = &session;
        async move {
            session
                .script(&format!(
                    "return document.querySelector('tr[data-store=AMS1] [data-figure={name}]').getAttribute('{attribute}');"
                ))
                .await
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    assert_eq!(figure("today-sales", "data-figure").await, "today-sales");
    let shown_sales = session
        .script("return document.querySelector('tr[data-store=AMS1] [data-figure=today-sales]').textContent;")
        .await;
    assert_eq!(shown_sales, "5");
    assert_eq!(
        figure("today-total", "data-minor").await,
        feed_total.to_string()
    );
    assert_eq!(
        figure("period-total", "data-minor").await,
        feed_total.to_string()
    );
    let shown_total = session
        .script("return document.querySelector('tr[data-store=AMS1] [data-figure=today-total]').textContent;")
        .await;
    assert_eq!(
        shown_total,
        kassa_domain::money::format_in(
            kassa_domain::Money::from_minor(feed_total),
            &kassa_domain::Currency::from_iso("EUR").unwrap()
        )
    );
    let rtm = session
        .script("return document.querySelector('tr[data-store=RTM1] [data-figure=period-sales]').textContent;")
        .await;
    assert_eq!(rtm, "0");
    // Both tills of AMS1 synced just now: online, nothing waiting, the sales' negative stock
    // open as exceptions.
    let online = session
        .script("return document.querySelector('tr[data-store=AMS1] [data-figure=tills-online]').textContent;")
        .await;
    assert_eq!(online, "2 of 2");
    let open = session
        .script("return document.querySelector('tr[data-store=AMS1] [data-figure=open-exceptions]').textContent;")
        .await;
    assert_ne!(open, "0");
    let waiting = session
        .script("return document.querySelector('tr[data-store=AMS1] [data-figure=waiting]').textContent;")
        .await;
    assert_eq!(waiting, "0 sales, 0.00 EUR");
    check_page(&session, "overview-with-sales").await;

    // Reports: the day's takings are the feed's sum, in the table and in its CSV download.
    session
        .goto(&format!(
            "{base}/console/reports?from=2026-11-23&to=2026-11-23&store=AMS1"
        ))
        .await;
    let takings = session
        .script("return document.querySelector('#days tfoot [data-total=takings]').getAttribute('data-minor');")
        .await;
    assert_eq!(takings, feed_total.to_string());
    let tender_rows = session
        .script("return document.querySelectorAll('#tenders tbody tr').length;")
        .await;
    assert_eq!(tender_rows, 1, "all cash");
    check_page(&session, "reports").await;
    let csv = session
        .script_async(
            "const done = arguments[arguments.length - 1];
             fetch('/console/reports/days.csv?from=2026-11-23&to=2026-11-23&store=AMS1')
                 .then(r => r.text()).then(done, e => done('failed: ' + e));",
        )
        .await;
    let amount = kassa_domain::format_amount(kassa_domain::Money::from_minor(feed_total), 2);
    assert!(
        csv.as_str().unwrap().contains(&format!(
            "\r\n2026-11-23,5,0,{amount},0,0.00,0,0.00,{amount}\r\n"
        )),
        "{csv}"
    );

    // Stores and tills: add a store, make an enrollment code that a real till enrolls with,
    // see the till live, revoke it.
    session.goto(&format!("{base}/console/stores")).await;
    session
        .type_into("form.card input[name=code]", "UTR1")
        .await;
    session
        .type_into("form.card input[name=name]", "Utrecht")
        .await;
    session.click("form.card button[type=submit]").await;
    session
        .wait_for_text(
            "section[data-store=UTR1]",
            "No till enrolled",
            Duration::from_secs(10),
        )
        .await;
    check_page(&session, "stores").await;
    // Each till reported its software version when it synced.
    let version = session
        .script("return document.querySelector('section[data-store=AMS1] tr[data-till=\\'1\\'] [data-field=version]').textContent;")
        .await;
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    session
        .type_into("section[data-store=UTR1] input[name=till]", "1")
        .await;
    session
        .click("section[data-store=UTR1] form.inline button")
        .await;
    let code = session
        .wait_for_text("#enrollment-code", "-", Duration::from_secs(10))
        .await;
    let svg = session
        .script("return document.querySelectorAll('figure.qr svg').length;")
        .await;
    assert_eq!(svg, 1, "the QR code is drawn");
    check_page(&session, "enrollment-code").await;
    // The QR code on the screen reads back as the code (what the till's scanner would read).
    let scanned = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(screenshot_dir().join("enrollment-code.png"))
        .output()
        .expect("zbarimg (scripts/setup-debian installs zbar-tools)");
    assert_eq!(String::from_utf8_lossy(&scanned.stdout).trim(), code.trim());
    let mut utrecht = kassa_store::Till::open_in_memory().unwrap();
    kassa_sync::enroll(&mut utrecht, &base, code.trim())
        .await
        .expect("the code from the console enrolls a till");
    session.goto(&format!("{base}/console/stores")).await;
    session
        .wait_for_text(
            "section[data-store=UTR1] tr[data-till='1']",
            "live",
            Duration::from_secs(10),
        )
        .await;
    // Replacing its credentials: the token it has stops working, and the new code shown
    // enrolls it again.
    kassa_sync::sync_once(&mut utrecht).await.unwrap();
    session
        .click("section[data-store=UTR1] tr[data-till='1'] form[action='/console/stores/rotate'] button")
        .await;
    let replacement = session
        .wait_for_text("#enrollment-code", "-", Duration::from_secs(10))
        .await;
    assert_ne!(replacement.trim(), code.trim());
    check_page(&session, "till-credentials-replaced").await;
    assert!(
        kassa_sync::sync_once(&mut utrecht).await.is_err(),
        "the old token is refused"
    );
    kassa_sync::enroll(&mut utrecht, &base, replacement.trim())
        .await
        .expect("the replacement code enrolls the till again");
    kassa_sync::sync_once(&mut utrecht).await.unwrap();
    session.goto(&format!("{base}/console/stores")).await;
    session
        .click("section[data-store=UTR1] tr[data-till='1'] form[action='/console/stores/revoke'] button")
        .await;
    // The replaced device's row says revoked already: wait for the page after the click, with
    // no live device of till 1 left.
    wait_until(
        &session,
        "return location.pathname === '/console/stores' && document.readyState === 'complete'
             && document.querySelector(\"section[data-store=UTR1]\") !== null
             && document.querySelector(\"section[data-store=UTR1] tr[data-till='1'] form[action='/console/stores/revoke']\") === null;",
    )
    .await;
    assert!(
        kassa_sync::sync_once(&mut utrecht).await.is_err(),
        "a revoked till is refused"
    );

    // Exceptions: the sales took stock below zero at AMS1 (none was received). Resolve one with
    // a note; it shows resolved here and reaches the tills at their next sync.
    session.goto(&format!("{base}/console/exceptions")).await;
    session
        .wait_for_text("#exceptions", "negative_stock", Duration::from_secs(10))
        .await;
    check_page(&session, "exceptions").await;
    let id = session
        .script("return document.querySelector('tr[data-exception] form.resolve input[name=id]').value;")
        .await
        .as_str()
        .unwrap()
        .to_string();
    session
        .type_into(
            &format!("tr[data-exception='{id}'] input[name=note]"),
            "Counted: the delivery came in unbooked",
        )
        .await;
    session
        .click(&format!("tr[data-exception='{id}'] button"))
        .await;
    // The click returns before the form's answer has loaded: wait for the open list it leads
    // to, without the resolved exception, before going anywhere else.
    wait_until(
        &session,
        &format!(
            "return location.pathname === '/console/exceptions' && document.readyState === 'complete'
                 && document.querySelector('#exceptions') !== null
                 && document.querySelector(\"tr[data-exception='{id}']\") === null;"
        ),
    )
    .await;
    session
        .goto(&format!("{base}/console/exceptions?state=resolved"))
        .await;
    let resolved = session
        .wait_for_text("#exceptions", "Resolved by admin", Duration::from_secs(10))
        .await;
    assert!(
        resolved.contains("Counted: the delivery came in unbooked"),
        "{resolved}"
    );
    check_page(&session, "exceptions-resolved").await;
    kassa_sync::sync_once(&mut first).await.unwrap();
    let at_till = first.exceptions().unwrap();
    let seen = at_till
        .iter()
        .find(|e| e.id == id)
        .expect("the till has it");
    assert_eq!(
        seen.resolution.as_ref().map(|r| r.note.as_str()),
        Some("Counted: the delivery came in unbooked"),
        "resolved at the till after its next sync"
    );
    // The catalogue: a file with a bad row is previewed, the bad row listed, nothing applied
    // until confirmed; then a Shopify and a Square export, their tax fields mapped.
    session.goto(&format!("{base}/console/catalogue")).await;
    session
        .wait_for_text("table.products", "MILK", Duration::from_secs(10))
        .await;
    check_page(&session, "catalogue").await;
    let files = tempfile::tempdir().unwrap();
    let with_bad_row = files.path().join("catalogue.csv");
    std::fs::write(
        &with_bad_row,
        "sku,name,price,tax_class\nJAM,Strawberry jam,3.49,reduced\nBAD,Bad price,abc,reduced\n",
    )
    .unwrap();
    upload(&session, &base, "kassa", &with_bad_row).await;
    let bad = session
        .wait_for_text("table.bad-rows", "abc", Duration::from_secs(10))
        .await;
    assert!(bad.contains('3'), "the bad row's line: {bad}");
    check_page(&session, "catalogue-preview-bad-row").await;
    assert!(
        server.hq.storage().product("JAM").await.unwrap().is_none(),
        "nothing changes before the preview is confirmed"
    );
    session.click("form.card.wide button[type=submit]").await;
    session
        .wait_for_text("p.done", "Imported 1 product ", Duration::from_secs(10))
        .await;
    assert!(server.hq.storage().product("JAM").await.unwrap().is_some());
    assert!(server.hq.storage().product("BAD").await.unwrap().is_none());
    let samples = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../samples/imports")
        .canonicalize()
        .unwrap();
    for (format, file, tax_field, sku, class) in [
        (
            "shopify",
            "shopify_products_export.csv",
            "Not taxable",
            "BOOK-CITYWALKS",
            "zero",
        ),
        (
            "square",
            "square_item_library_export.csv",
            "BTW laag (9%)",
            "COF-FILTER-250",
            "reduced",
        ),
    ] {
        upload(&session, &base, format, &samples.join(file)).await;
        session
            .wait_for_text("fieldset", tax_field, Duration::from_secs(10))
            .await;
        check_page(&session, &format!("catalogue-preview-{format}")).await;
        // Every tax field starts on the class the export's answer suggests; the admin confirms.
        session.click("form.card.wide button[type=submit]").await;
        session
            .wait_for_text("p.done", "Imported", Duration::from_secs(10))
            .await;
        let product = server.hq.storage().product(sku).await.unwrap();
        assert_eq!(
            product.map(|p| p.tax_class).as_deref(),
            Some(class),
            "{format}"
        );
    }
    session
        .goto(&format!("{base}/console/catalogue?q=coffee"))
        .await;
    session
        .wait_for_text("table.products", "COF-FILTER-1000", Duration::from_secs(10))
        .await;
    check_page(&session, "catalogue-search").await;

    // Online orders: one waiting at AMS1, cancelled from the console with a note.
    let order = server
        .hq
        .add_order(&kassa_protocol::OrderIntake {
            external_id: "web-browser-1".into(),
            store: "AMS1".into(),
            customer_name: "Ada".into(),
            lines: vec![kassa_protocol::OrderIntakeLine {
                sku: "WINE".into(),
                quantity: 1,
                unit_price: None,
            }],
            paid: true,
            pickup_code: None,
            hold_days: None,
            shipped: false,
        })
        .await
        .unwrap();
    // It counts as today's web sale on the overview, in its own column and chart.
    session.goto(&format!("{base}/console")).await;
    let web = session
        .script("return document.querySelector('tr[data-store=AMS1] [data-figure=period-web]').getAttribute('data-minor');")
        .await;
    assert_eq!(web, order.total.minor().to_string());
    let charts = session
        .script("return document.querySelectorAll('tr[data-store=AMS1] svg.chart').length;")
        .await;
    assert_eq!(charts, 2, "a chart for the tills and one for the web");
    session.goto(&format!("{base}/console/orders")).await;
    session
        .wait_for_text("#orders", &order.order_no, Duration::from_secs(10))
        .await;
    check_page(&session, "orders").await;
    session
        .type_into(
            &format!("tr[data-order='{}'] input[name=note]", order.order_no),
            "Customer called to cancel",
        )
        .await;
    session
        .click(&format!(
            "tr[data-order='{}'] form[action='/console/orders/cancel'] button",
            order.order_no
        ))
        .await;
    session
        .wait_for_text(
            &format!("tr[data-order='{}'] [data-status]", order.order_no),
            "cancelled",
            Duration::from_secs(10),
        )
        .await;

    // Stock: goods received at AMS1, a transfer of 4 to RTM1 received as 3 (flagged).
    session
        .goto(&format!("{base}/console/stock?sku=MILK"))
        .await;
    session
        .wait_for_text("#availability", "AMS1", Duration::from_secs(10))
        .await;
    session
        .type_into(
            "form[action='/console/stock/movement'] input[name=quantity]",
            "20",
        )
        .await;
    session
        .click("form[action='/console/stock/movement'] button")
        .await;
    session
        .wait_for_text(
            "#availability tr[data-store=AMS1] [data-figure=on-hand]",
            "1",
            Duration::from_secs(10),
        )
        .await;
    session
        .script("document.querySelector('form[action=\"/console/stock/transfer\"] select[name=to]').value = 'RTM1'; return true;")
        .await;
    session
        .type_into(
            "form[action='/console/stock/transfer'] input[name=quantity]",
            "4",
        )
        .await;
    session
        .click("form[action='/console/stock/transfer'] button")
        .await;
    session
        .wait_for_text("#transfers", "in transit", Duration::from_secs(10))
        .await;
    session.clear("#transfers input[name=counted]").await;
    session
        .type_into("#transfers input[name=counted]", "3")
        .await;
    session.click("#transfers form button").await;
    session
        .wait_for_text("#transfers", "flagged: 1 short", Duration::from_secs(10))
        .await;
    check_page(&session, "stock").await;
    let rtm = session
        .script("return document.querySelector('#availability tr[data-store=RTM1] [data-figure=on-hand]').textContent;")
        .await;
    assert_eq!(rtm, "3");

    // Staff: add a cashier to AMS1 with a PIN; the page lists her.
    session.goto(&format!("{base}/console/staff")).await;
    session
        .type_into("form.card input[name=name]", "Greta")
        .await;
    session.type_into("form.card input[name=pin]", "2468").await;
    session
        .click("form.card input[name=store][value=AMS1]")
        .await;
    session.click("form.card button[type=submit]").await;
    session
        .wait_for_text("#staff", "Greta", Duration::from_secs(10))
        .await;
    check_page(&session, "staff").await;

    // The accessibility check can fail: an image without a text alternative is found.
    session
        .script("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"data:,\">'); return true;")
        .await;
    let found = accessibility_violations(&session).await;
    assert!(found.iter().any(|v| v.contains("image-alt")), "{found:?}");

    // A form posted without its CSRF token (as another site's page would): refused, and the
    // session goes on.
    session
        .script("document.querySelector('.sign-out input[name=csrf]').remove(); return true;")
        .await;
    session.click(".sign-out button").await;
    session
        .wait_for_text("h1", "This form has expired", Duration::from_secs(10))
        .await;
    check_page(&session, "form-without-token").await;
    session.goto(&format!("{base}/console")).await;
    session
        .wait_for_text("main", "AMS1", Duration::from_secs(10))
        .await;

    // Signing out ends the session: the overview sends to the sign-in page again.
    session.click(".sign-out button").await;
    session
        .wait_for_text("h1", "Sign in", Duration::from_secs(10))
        .await;
    check_page(&session, "sign-in").await;
    session.goto(&format!("{base}/console")).await;
    assert!(session.current_url().await.ends_with("/console/sign-in"));

    // A store manager sees their store and not another.
    sign_in(&session, &base, "marie", &manager_password).await;
    let overview = session
        .wait_for_text("main", "RTM1", Duration::from_secs(10))
        .await;
    assert!(!overview.contains("AMS1"), "{overview}");
    check_page(&session, "overview-store-manager").await;
    session
        .goto(&format!("{base}/console/exceptions?state=all"))
        .await;
    let theirs = session
        .wait_for_text("main", "exceptions.", Duration::from_secs(10))
        .await;
    assert!(
        theirs.contains("0 of 0 exceptions"),
        "another store's are not shown: {theirs}"
    );
    session.quit().await;
}
