//! Receipts as a printer gets them: the ESC/POS bytes decoded back into commands (the code page,
//! styles, every line's text, the QR code, the cut), COPY on a reprint, the drawer kick, the HTML
//! receipt, and printers that are missing or hang failing with a clear error.

use kassa_domain::{Currency, TaxMode, TaxRate, TenderKind};
use kassa_receipt::escpos::{decode, drawer_kick, encode, Command};
use kassa_receipt::{html, layout, send, PrintError, PrinterTarget};
use kassa_store::{LineRequest, Receipt, SaleRequest, StoreSetup, TaxClass, TenderRequest, Till};
use std::io::Read;
use std::time::{Duration, Instant};

fn a_sale() -> Receipt {
    a_till_and_sale().1
}

fn a_till_and_sale() -> (Till, Receipt) {
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
        "sku,name,price,tax_class\nWINE,Côtes du Rhône <rouge>,8.99,standard\nMUG,Grüße mug 😀,4.50,standard\n"
            .as_bytes(),
        false,
    )
    .unwrap();
    let sale = till
        .complete_sale(
            &SaleRequest {
                lines: vec![LineRequest::new("WINE", 2), LineRequest::new("MUG", 1)],
                discount: None,
                tenders: vec![
                    TenderRequest {
                        kind: TenderKind::Card,
                        amount: Some(kassa_domain::Money::from_minor(1000)),
                        reference: Some("T-77".into()),
                    },
                    TenderRequest {
                        kind: TenderKind::Cash,
                        amount: None,
                        reference: None,
                    },
                ],
            },
            None,
        )
        .unwrap();
    (till, sale)
}

fn texts(commands: &[Command]) -> Vec<String> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_printer_gets_every_line_in_its_code_page_with_a_qr_code_and_a_cut() {
    let (till, sale) = a_till_and_sale();
    let code = till.receipt_code(&sale).unwrap();
    let bytes = encode(&layout::receipt(
        &sale,
        "Kassa Demo Amsterdam",
        2,
        false,
        &code,
    ));
    let commands = decode(&bytes).unwrap();
    assert_eq!(commands[..2], [Command::Initialise, Command::CodePage(19)]);
    let lines = texts(&commands);
    assert_eq!(lines[0], "Kassa Demo Amsterdam");
    assert_eq!(lines[1], "Store AMS1 · till 2");
    assert!(lines[2].starts_with("Receipt AMS1-2-1 "), "{lines:?}");
    assert!(
        lines.iter().all(|l| l.chars().count() <= layout::WIDTH),
        "{lines:?}"
    );
    // Accents survive the code page; what it cannot print becomes '?'.
    assert!(lines
        .iter()
        .any(|l| l.starts_with("Côtes du Rhône <rouge>") && l.ends_with("17.98")));
    assert!(
        lines.iter().any(|l| l.starts_with("Grüße mug ?")),
        "{lines:?}"
    );
    let total = lines
        .iter()
        .position(|l| l.starts_with("TOTAL EUR"))
        .unwrap();
    assert!(lines[total].ends_with("22.48"), "{}", lines[total]);
    assert!(lines
        .iter()
        .any(|l| l.starts_with("Paid card (T-77)") && l.ends_with("10.00")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("Paid cash") && l.ends_with("12.50")));
    assert!(
        lines.iter().any(|l| l.starts_with("21.00% tax 3.90")),
        "{lines:?}"
    );
    // TOTAL is bold; the header is large.
    let bold_total = commands.windows(4).any(|w| {
        w[0] == Command::Bold(true)
            && w[1] == Command::Size(0)
            && matches!(&w[2], Command::Text(t) if t.starts_with("TOTAL"))
    });
    assert!(bold_total, "{commands:?}");
    // The QR carries the store-signed receipt code, which the till checks.
    assert!(commands.contains(&Command::QrData(code.clone())));
    assert_eq!(till.check_receipt_code(&code).unwrap().sale_id, sale.id);
    assert!(commands.contains(&Command::QrPrint));
    assert_eq!(commands.last(), Some(&Command::Cut));
}

#[test]
fn a_reprint_says_copy_first_and_large() {
    let bytes = encode(&layout::receipt(
        &a_sale(),
        "Kassa",
        2,
        true,
        "kassa:receipt:test",
    ));
    let commands = decode(&bytes).unwrap();
    let first_text = commands
        .iter()
        .position(|c| matches!(c, Command::Text(_)))
        .unwrap();
    assert_eq!(commands[first_text], Command::Text("COPY".into()));
    assert_eq!(commands[first_text - 1], Command::Size(0x11));
}

#[test]
fn the_drawer_kick_pulses_pin_2() {
    assert_eq!(
        decode(&drawer_kick()).unwrap(),
        [Command::DrawerKick {
            pin: 0,
            on_ms: 50,
            off_ms: 500
        }]
    );
    assert!(
        decode(&[0x1B]).is_err(),
        "a command cut short is not decoded"
    );
    assert!(decode(b"no line feed").is_err());

    // A cash sale's first print opens the drawer after the cut; a card sale's does not.
    let blocks = layout::receipt(&a_sale(), "Kassa", 2, false, "kassa:receipt:test");
    let cash = decode(&kassa_receipt::escpos::sale_print_job(&blocks, true)).unwrap();
    assert!(matches!(cash.last(), Some(Command::DrawerKick { .. })));
    assert_eq!(cash[cash.len() - 2], Command::Cut);
    let card = decode(&kassa_receipt::escpos::sale_print_job(&blocks, false)).unwrap();
    assert_eq!(card.last(), Some(&Command::Cut));
}

#[test]
fn the_html_receipt_escapes_what_it_shows() {
    let page = html::render(
        "Receipt AMS1-2-1",
        &layout::receipt(&a_sale(), "Kassa & Co", 2, false, "kassa:receipt:test"),
    );
    assert!(page.starts_with("<!doctype html>"));
    assert!(page.contains("Kassa &amp; Co"));
    assert!(page.contains("Côtes du Rhône &lt;rouge&gt;"));
    assert!(!page.contains("<rouge>"));
    assert!(page.contains("data-qr=\"kassa:receipt:test\""));
}

#[test]
fn receipts_reach_a_file_and_a_network_printer() {
    let bytes = encode(&layout::receipt(
        &a_sale(),
        "Kassa",
        2,
        false,
        "kassa:receipt:test",
    ));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receipt.bin");
    send(
        &PrinterTarget::parse(&format!("file:{}", path.display())).unwrap(),
        &bytes,
    )
    .unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), bytes);

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let printer = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        socket.read_to_end(&mut got).unwrap();
        got
    });
    send(&PrinterTarget::Network(address.to_string()), &bytes).unwrap();
    assert_eq!(printer.join().unwrap(), bytes);
}

#[test]
fn a_missing_or_hanging_printer_fails_with_a_clear_error() {
    for bad in ["usb", "lpt:/dev/lp0", "tcp:", "file:"] {
        assert!(
            matches!(PrinterTarget::parse(bad), Err(PrintError::BadTarget(_))),
            "{bad}"
        );
    }
    let unplugged = send(
        &PrinterTarget::Device("/dev/kassa-no-such-printer".into()),
        b"x\n",
    );
    let message = unplugged.unwrap_err().to_string();
    assert!(
        message.contains("cannot be reached") && message.contains("the sale is saved"),
        "{message}"
    );

    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let refused = send(&PrinterTarget::Network(address.to_string()), b"x\n").unwrap_err();
    assert!(
        matches!(refused, PrintError::Unreachable { .. }),
        "{refused}"
    );

    // A printer that accepts the connection and then takes nothing (paper jam, hung firmware):
    // the send gives up after the deadline instead of blocking the till.
    let hung = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = hung.local_addr().unwrap();
    let keep = std::thread::spawn(move || {
        let (socket, _) = hung.accept().unwrap();
        std::thread::sleep(Duration::from_secs(8));
        drop(socket);
    });
    let start = Instant::now();
    let stuck = send(
        &PrinterTarget::Network(address.to_string()),
        &vec![b'x'; 64 << 20],
    )
    .unwrap_err();
    assert!(matches!(stuck, PrintError::Failed { .. }), "{stuck}");
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "gave up at the deadline"
    );
    keep.join().unwrap();
}
