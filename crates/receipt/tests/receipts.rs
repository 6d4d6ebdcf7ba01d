//! Receipts as a printer gets them: the ESC/POS bytes decoded back into commands (the code page,
//! styles, every line's text, the QR code, the cut), COPY on a reprint, the drawer kick, the HTML
//! receipt, and printers that are missing or hang failing with a clear error.

use kassa_domain::{
    price_basket, Basket, BasketLine, Money, PrintableReceipt, TaxMode, TaxRate, Tender, TenderKind,
};
use kassa_receipt::escpos::{decode, drawer_kick, encode, Command};
use kassa_receipt::{html, layout, send, PrintError, PrinterTarget};
use std::io::Read;
use std::time::{Duration, Instant};

const CODE: &str = "kassa:receipt:test";

fn line(sku: &str, name: &str, cents: i64, quantity: i64) -> BasketLine {
    BasketLine {
        sku: sku.into(),
        name: name.into(),
        unit_price: Money::from_minor(cents),
        quantity,
        tax_rate: TaxRate::from_basis_points(2100).unwrap(),
        discount: None,
        price_override: None,
    }
}

/// Two wines and a mug (names a thermal printer's code page cannot all print), paid 10.00 by
/// card and the rest in cash rounded to 0.05: priced by the domain's own basket rules.
fn a_sale() -> PrintableReceipt {
    let priced = price_basket(
        &Basket {
            lines: vec![
                line("WINE", "Côtes du Rhône <rouge>", 899, 2),
                line("MUG", "Grüße mug 😀", 450, 1),
            ],
            discount: None,
        },
        TaxMode::Inclusive,
    )
    .unwrap();
    PrintableReceipt {
        store_name: "Kassa Demo Amsterdam".into(),
        store_code: "AMS1".into(),
        till_no: 2,
        receipt_no: "AMS1-2-1".into(),
        created_at: "2026-11-23T09:00:00+01:00".into(),
        cashier: Some("Carl".into()),
        voided: false,
        copy: false,
        currency: "EUR".into(),
        minor_digits: 2,
        subtotal: priced.subtotal,
        discount_total: priced.discount_total,
        total: priced.total,
        cash_rounding: Money::from_minor(2),
        amount_due: Money::from_minor(2250),
        lines: priced.lines,
        taxes: priced.taxes,
        tenders: vec![
            Tender {
                kind: TenderKind::Card,
                amount: Money::from_minor(1000),
                reference: Some("T-77".into()),
            },
            Tender {
                kind: TenderKind::Cash,
                amount: Money::from_minor(1250),
                reference: None,
            },
        ],
        change: Money::ZERO,
        signed_code: CODE.into(),
    }
}

fn a_copy() -> PrintableReceipt {
    PrintableReceipt {
        copy: true,
        ..a_sale()
    }
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
    let bytes = encode(&layout::receipt(&a_sale()));
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
    assert!(lines.contains(&"Cashier: Carl".to_string()), "{lines:?}");
    // The QR carries the store-signed receipt code (tests/printed_receipts.rs checks it at a
    // till).
    assert!(commands.contains(&Command::QrData(CODE.into())));
    assert!(commands.contains(&Command::QrPrint));
    assert_eq!(commands.last(), Some(&Command::Cut));
}

#[test]
fn a_reprint_says_copy_first_and_large() {
    let bytes = encode(&layout::receipt(&a_copy()));
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
    let blocks = layout::receipt(&a_sale());
    assert!(a_sale().opens_drawer(), "paid partly in cash");
    assert!(!a_copy().opens_drawer(), "a copy never opens the drawer");
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
        &layout::receipt(&PrintableReceipt {
            store_name: "Kassa & Co".into(),
            ..a_sale()
        }),
    );
    assert!(page.starts_with("<!doctype html>"));
    assert!(page.contains("Kassa &amp; Co"));
    assert!(page.contains("Côtes du Rhône &lt;rouge&gt;"));
    assert!(!page.contains("<rouge>"));
    assert!(page.contains("data-qr=\"kassa:receipt:test\""));
    // The code is drawn as a QR symbol, with its text below for a person.
    let qr = &page[page.find("data-qr=").unwrap()..];
    assert!(qr.contains("<svg"), "{qr}");
    assert!(
        qr.contains("<div class=\"qr-text\">kassa:receipt:test</div>"),
        "{qr}"
    );
}

#[test]
fn the_html_qr_symbol_is_bounded_and_only_for_what_fits() {
    let svg = html::qr_svg("kassa:receipt:test").unwrap();
    // Version 1 or 2 (21 or 25 modules) plus the quiet zone, 4 px a module.
    assert!(
        svg.contains("viewBox=\"0 0 29 29\"") || svg.contains("viewBox=\"0 0 33 33\""),
        "{svg}"
    );
    assert!(svg.matches("h1v1h-1z").count() > 50, "dark modules drawn");
    // Hostile or broken input: a code too long for a receipt is shown as text only.
    let long = "x".repeat(5000);
    assert_eq!(html::qr_svg(&long), None);
    let page = html::render("t", &[kassa_receipt::layout::Block::Qr(long.clone())]);
    assert!(!page.contains("<svg") && page.contains(&long));
}

#[test]
fn receipts_reach_a_file_and_a_network_printer() {
    let bytes = encode(&layout::receipt(&a_sale()));
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
