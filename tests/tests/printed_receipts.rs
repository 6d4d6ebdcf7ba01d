//! Receipts printed from a real till's sale: the printer's QR code is the store-signed code the
//! till checks, a copy is in the audit log, and an HTML receipt printed on a page printer is
//! photographed by a real browser, decoded by a real QR decoder (zbar) and the sale taken back
//! with what it read, as a cashier's scanner would.

use kassa_domain::{Currency, TaxMode, TaxRate, TenderKind};
use kassa_receipt::escpos::{decode, encode, Command};
use kassa_receipt::{html, layout};
use kassa_store::{
    LineRequest, Receipt, RefundMethod, ReturnOf, ReturnRequest, SaleRequest, StoreSetup, TaxClass,
    TenderRequest, Till,
};
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

/// A stand-alone till (it signs its own receipt codes) with one sale of two lines paid in cash.
fn till_with_a_sale() -> (Till, Receipt) {
    let mut till = Till::open_in_memory().unwrap();
    till.init(&StoreSetup {
        store_code: "AMS1".into(),
        till_no: 2,
        currency: Currency::from_iso("EUR").unwrap(),
        tax_mode: TaxMode::Inclusive,
        cash_increment: 5,
        tax_classes: vec![TaxClass {
            code: "standard".into(),
            name: "standard".into(),
            rate: TaxRate::from_basis_points(2100).unwrap(),
        }],
    })
    .unwrap();
    till.import_catalogue_csv(
        "sku,name,price,tax_class\nWINE,Côtes du Rhône,8.99,standard\nMUG,Mug,4.50,standard\n"
            .as_bytes(),
        false,
    )
    .unwrap();
    let sale = till
        .complete_sale(
            &SaleRequest {
                lines: vec![LineRequest::new("WINE", 2), LineRequest::new("MUG", 1)],
                discount: None,
                tenders: vec![TenderRequest {
                    kind: TenderKind::Cash,
                    amount: None,
                    reference: None,
                }],
            },
            None,
        )
        .unwrap();
    (till, sale)
}

fn reprints(till: &Till) -> Vec<String> {
    till.audit_log(100)
        .unwrap()
        .into_iter()
        .filter(|e| e.event == kassa_replica::audit::AuditEvent::Reprint)
        .map(|e| e.detail)
        .collect()
}

#[test]
fn the_printed_qr_is_the_signed_code_and_a_copy_is_audited() {
    let (mut till, sale) = till_with_a_sale();
    let first = till.printable_receipt(&sale.receipt_no, false).unwrap();
    assert!(first.opens_drawer(), "a cash sale's first print opens it");
    assert_eq!(
        reprints(&till),
        Vec::<String>::new(),
        "a first print is no reprint"
    );
    let commands = decode(&encode(&layout::receipt(&first))).unwrap();
    let code = commands
        .iter()
        .find_map(|c| match c {
            Command::QrData(data) => Some(data.clone()),
            _ => None,
        })
        .expect("the receipt has a QR code");
    assert_eq!(till.check_receipt_code(&code).unwrap().sale_id, sale.id);

    let copy = till.printable_receipt(&sale.receipt_no, true).unwrap();
    assert!(copy.copy && !copy.opens_drawer());
    assert_eq!(reprints(&till), vec![sale.receipt_no.clone()]);
    assert!(till.verify_audit().unwrap().first_break.is_none());
}

/// Runs `program` to the end, or kills it after `limit` (a browser that hangs must not hang the
/// test run).
fn run(program: &mut Process, limit: Duration) -> std::process::Output {
    let mut child = program
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{program:?} took more than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().unwrap()
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// A screenshot of `page` as headless Chromium renders it.
fn screenshot(page: &Path, png: &Path) {
    let profile = tempfile::tempdir().unwrap();
    let output = run(
        Process::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--window-size=600,1400",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--screenshot={}", png.display()))
            .arg(format!("file://{}", page.display())),
        Duration::from_secs(120),
    );
    assert!(
        png.is_file(),
        "chromium made no screenshot: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn an_html_receipt_on_a_page_is_scanned_and_the_sale_taken_back() {
    let missing: Vec<&str> = ["chromium", "zbarimg"]
        .into_iter()
        .filter(|p| !on_path(p))
        .collect();
    if !missing.is_empty() {
        println!(
            "SKIPPED an_html_receipt_on_a_page_is_scanned_and_the_sale_taken_back: {} not \
             installed (scripts/setup-debian installs chromium and zbar-tools)",
            missing.join(" and ")
        );
        return;
    }
    let (mut till, sale) = till_with_a_sale();
    let printed = till.printable_receipt(&sale.receipt_no, true).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("receipt.html");
    std::fs::write(
        &page,
        html::render(
            &format!("Receipt {}", printed.receipt_no),
            &layout::receipt(&printed),
        ),
    )
    .unwrap();
    let png = dir.path().join("receipt.png");
    screenshot(&page, &png);

    // zbarimg prints each symbol it finds; --raw leaves out the symbology, so this is exactly
    // what a scanner would type into the till.
    let scanned = run(
        Process::new("zbarimg").args(["--quiet", "--raw"]).arg(&png),
        Duration::from_secs(60),
    );
    assert!(
        scanned.status.success(),
        "zbarimg found no QR code in the screenshot: {}",
        String::from_utf8_lossy(&scanned.stderr)
    );
    let decoded = String::from_utf8(scanned.stdout).unwrap();
    let decoded = decoded.trim_end_matches('\n');
    assert_eq!(decoded, printed.signed_code, "one symbol, the signed code");

    let request = |code: &str| ReturnRequest {
        of: ReturnOf::Receipt {
            receipt_no: code.to_string(),
        },
        lines: Vec::new(),
        refund: RefundMethod::Original,
        approved_by: None,
        reason: None,
        remote_sale: None,
        remote_order: None,
    };
    // What was scanned, altered by one character, is refused: the signature no longer holds.
    let mut forged = decoded.to_string();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    assert!(till.return_goods(&request(&forged), None).is_err());

    let taken_back = till.return_goods(&request(decoded), None).unwrap();
    assert_eq!(taken_back.source.subject_id(), Some(sale.id.as_str()));
    assert_eq!(taken_back.total, sale.total, "everything returned");
}
