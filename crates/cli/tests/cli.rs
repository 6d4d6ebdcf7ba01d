//! Runs the real `kassa` binary: success paths, JSON output, and every kind of bad input
//! (exit 2, one line on stderr, nothing changed).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Till {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

const CATALOGUE: &str = "sku,name,price,tax_class,barcodes,category
MILK,Whole milk 1 L,1.29,reduced,4006381333931,Dairy
WINE,Côtes du Rhône rouge 75 cl,8.99,standard,96385074,Wine
BAG,Paper bag,0.10,standard,,Other
";

fn kassa(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kassa"))
        .env_remove("KASSA_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run kassa")
}

fn ok(output: Output) -> String {
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {stdout}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn json(output: Output) -> Value {
    serde_json::from_str(&ok(output)).expect("valid JSON")
}

/// Asserts exit code 2 and one line on stderr that contains `want`.
fn bad_input(output: Output, want: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(want), "expected {want:?} in {stderr:?}");
}

fn set_up() -> Till {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.db");
    ok(kassa(
        &db,
        &[
            "init",
            "--store",
            "AMS1",
            "--till",
            "3",
            "--currency",
            "EUR",
            "--tax-mode",
            "inclusive",
            "--cash-rounding",
            "0.05",
        ],
    ));
    let csv = dir.path().join("catalogue.csv");
    std::fs::write(&csv, CATALOGUE).unwrap();
    ok(kassa(&db, &["catalog", "import", csv.to_str().unwrap()]));
    Till { _dir: dir, db }
}

fn sales_today(db: &Path) -> i64 {
    json(kassa(db, &["--json", "report", "day"]))["sales_count"]
        .as_i64()
        .unwrap()
}

fn finds_nothing(till: &Till, query: &str) -> bool {
    json(kassa(&till.db, &["--json", "catalog", "find", query]))
        .as_array()
        .unwrap()
        .is_empty()
}

#[test]
fn sells_shows_voids_and_reports() {
    let till = set_up();
    let text = ok(kassa(
        &till.db,
        &["sell", "MILKx2", "96385074", "--pay", "cash:20"],
    ));
    assert!(text.contains("Receipt AMS1-3-1"), "{text}");
    assert!(text.contains("Change"), "{text}");

    let sale = json(kassa(
        &till.db,
        &[
            "--json",
            "sell",
            "WINE",
            "--pay",
            "card:5.00:TRM-42",
            "--pay",
            "cash",
        ],
    ));
    assert_eq!(sale["receipt_no"], "AMS1-3-2");
    assert_eq!(sale["total"], 899);
    assert_eq!(
        sale["tenders"][1]["amount"], 400,
        "open cash is the rounded remainder"
    );
    assert_eq!(sale["tenders"][0]["reference"], "TRM-42");

    let shown = json(kassa(&till.db, &["--json", "sale", "show", "AMS1-3-1"]));
    assert_eq!(shown["total"], 2 * 129 + 899);
    assert_eq!(shown["amount_due"], 1155);
    assert_eq!(shown["change"], 2000 - 1155);

    ok(kassa(
        &till.db,
        &["void", "AMS1-3-2", "--reason", "wrong customer"],
    ));
    let report = json(kassa(&till.db, &["--json", "report", "day"]));
    assert_eq!(report["sales_count"], 2);
    assert_eq!(report["voids_count"], 1);
    assert_eq!(report["net_total"], 1155);
    let text = ok(kassa(&till.db, &["sale", "show", "AMS1-3-2"]));
    assert!(
        text.contains("VOIDED") && text.contains("wrong customer"),
        "{text}"
    );
}

#[test]
fn basket_discount_and_search() {
    let till = set_up();
    let sale = json(kassa(
        &till.db,
        &[
            "--json",
            "sell",
            "WINE",
            "MILK",
            "--discount",
            "10%",
            "--pay",
            "card",
        ],
    ));
    assert_eq!(sale["discount_total"], 103); // 10 % of 10.28 = 1.028 -> 1.03
    assert_eq!(sale["total"], 1028 - 103);
    let found = json(kassa(&till.db, &["--json", "catalog", "find", "cotes"]));
    assert_eq!(found[0]["sku"], "WINE");
}

#[test]
fn bad_sales_exit_2_and_change_nothing() {
    let till = set_up();
    let cases: &[(&[&str], &str)] = &[
        (&["sell", "NOPE", "--pay", "cash"], "unknown item \"NOPE\""),
        (
            &["sell", "MILKx0", "--pay", "cash"],
            "quantity must be between 1",
        ),
        (
            &["sell", "MILKx-1", "--pay", "cash"],
            "quantity must be between 1",
        ),
        (
            &["sell", "MILKx100001", "--pay", "cash"],
            "quantity must be between 1",
        ),
        (
            &["sell", "MILKx99999999999999999999", "--pay", "cash"],
            "too large",
        ),
        (
            &["sell", "MILK", "--pay", "cash:1.00"],
            "short tender: 1.30 due, 1.00 tendered",
        ),
        (&["sell", "MILK", "--pay", "card:1.00"], "short tender"),
        (
            &["sell", "MILK", "--pay", "card:5.00"],
            "change is given only from cash",
        ),
        (
            &["sell", "MILK", "--pay", "cash:99999999999999999999"],
            "too large",
        ),
        (&["sell", "MILK", "--pay", "cash:1.005"], "invalid amount"),
        (&["sell", "MILK", "--pay", "cash:-5"], "invalid amount"),
        (&["sell", "MILK", "--pay", "cheque:5"], "unknown tender"),
        (
            &["sell", "MILK", "--discount", "150%", "--pay", "cash"],
            "percentage",
        ),
        (
            &["sell", "MILK", "--discount", "5.00", "--pay", "cash"],
            "discount of 5.00 is more than",
        ),
        (&["sell", "MILK"], "--pay"),
        (&["void", "AMS1-3-99", "--reason", "x"], "no sale"),
        (&["sale", "show", "AMS1-3-1"], "no sale"),
        (&["report", "day", "--date", "23/11/2026"], "YYYY-MM-DD"),
    ];
    for (args, want) in cases {
        let output = kassa(&till.db, args);
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(want),
            "{args:?}: expected {want:?} in {stderr:?}"
        );
    }
    assert_eq!(sales_today(&till.db), 0);
    // The receipt counter did not move either: the first real sale is number 1.
    let sale = json(kassa(
        &till.db,
        &["--json", "sell", "MILK", "--pay", "cash"],
    ));
    assert_eq!(sale["receipt_no"], "AMS1-3-1");
    bad_input(
        kassa(&till.db, &["void", "AMS1-3-1", "--reason", "  "]),
        "needs a reason",
    );
    ok(kassa(&till.db, &["void", "AMS1-3-1", "--reason", "test"]));
    bad_input(
        kassa(&till.db, &["void", "AMS1-3-1", "--reason", "twice"]),
        "already voided",
    );
}

#[test]
fn bad_catalogue_files_import_nothing_unless_asked() {
    let till = set_up();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_string()
    };
    let bad_row = write(
        "bad_row.csv",
        b"sku,name,price,tax_class\nTEA,Green tea,2.50,reduced\nCAKE,Cake,abc,reduced\n",
    );
    bad_input(
        kassa(&till.db, &["catalog", "import", &bad_row]),
        "line 3: price",
    );
    let short_row = write(
        "short.csv",
        b"sku,name,price,tax_class\nTEA,Green tea,2.50,reduced\nCAKE,Cake\n",
    );
    bad_input(
        kassa(&till.db, &["catalog", "import", &short_row]),
        "line 3: expected 4 fields, found 2",
    );
    let mut latin1 = b"sku,name,price,tax_class\nTEA,Green tea,2.50,reduced\n".to_vec();
    latin1.extend_from_slice(b"CAFE,Caf\xe9 cr\xe8me,2.50,reduced\n");
    let latin1 = write("latin1.csv", &latin1);
    bad_input(
        kassa(&till.db, &["catalog", "import", &latin1]),
        "line 3: column \"name\" is not valid UTF-8",
    );
    let bad_barcode = write(
        "barcode.csv",
        b"sku,name,price,tax_class,barcodes\nTEA,Green tea,2.50,reduced,4006381333932\n",
    );
    bad_input(
        kassa(&till.db, &["catalog", "import", &bad_barcode]),
        "line 2: invalid barcode",
    );
    let unknown_class = write(
        "class.csv",
        b"sku,name,price,tax_class\nTEA,Green tea,2.50,luxury\n",
    );
    bad_input(
        kassa(&till.db, &["catalog", "import", &unknown_class]),
        "line 2: unknown tax class",
    );
    bad_input(
        kassa(&till.db, &["catalog", "import", "/nonexistent/file.csv"]),
        "cannot read",
    );
    for sku in ["TEA", "CAKE", "CAFE"] {
        assert!(finds_nothing(&till, sku), "{sku} was not imported");
    }
    assert!(!finds_nothing(&till, "MILK"));

    let summary = json(kassa(
        &till.db,
        &["--json", "catalog", "import", &bad_row, "--skip-bad-rows"],
    ));
    assert_eq!(summary["added"], 1);
    assert_eq!(summary["skipped"][0]["line"], 3);
    assert_eq!(
        json(kassa(&till.db, &["--json", "catalog", "find", "TEA"]))[0]["price"],
        250
    );
}

#[test]
fn refuses_databases_that_are_not_kassas() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "milk, eggs, bread\n".repeat(200)).unwrap();
    bad_input(
        kassa(&text, &["report", "day"]),
        "is not a Kassa till database",
    );
    assert_eq!(
        std::fs::read_to_string(&text).unwrap(),
        "milk, eggs, bread\n".repeat(200)
    );
    let fresh = dir.path().join("fresh.db");
    bad_input(
        kassa(&fresh, &["sell", "MILK", "--pay", "cash"]),
        "not set up yet",
    );
    bad_input(
        kassa(&dir.path().join("missing/dir/till.db"), &["report", "day"]),
        "does not exist",
    );
}

#[test]
fn init_refuses_bad_settings_and_a_second_init() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.db");
    let init = |extra: &[&str]| {
        let mut args = vec![
            "init",
            "--store",
            "AMS1",
            "--till",
            "1",
            "--currency",
            "EUR",
            "--tax-mode",
            "inclusive",
        ];
        args.extend_from_slice(extra);
        kassa(&db, &args)
    };
    bad_input(
        kassa(
            &db,
            &[
                "init",
                "--store",
                "ams 1",
                "--till",
                "1",
                "--currency",
                "EUR",
                "--tax-mode",
                "inclusive",
            ],
        ),
        "store code",
    );
    bad_input(
        kassa(
            &db,
            &[
                "init",
                "--store",
                "AMS1",
                "--till",
                "1",
                "--currency",
                "EUX",
                "--tax-mode",
                "inclusive",
            ],
        ),
        "unknown currency",
    );
    bad_input(init(&["--tax-class", "standard=abc"]), "percentage");
    bad_input(init(&["--cash-rounding", "5.00"]), "rounding increment");
    let output = kassa(
        &db,
        &[
            "init",
            "--store",
            "AMS1",
            "--till",
            "1",
            "--currency",
            "EUR",
            "--tax-mode",
            "sideways",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    ok(init(&[
        "--tax-class",
        "standard=20%",
        "--tax-class",
        "reduced=5.5%",
    ]));
    bad_input(init(&[]), "already set up");
}

#[test]
fn demo_seeds_a_store_that_sells() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let summary = json(kassa(&db, &["--json", "demo", "--products", "300"]));
    assert_eq!(summary["products"], 300);
    let found = json(kassa(&db, &["--json", "catalog", "find", "D000007"]));
    let barcode_sale = json(kassa(
        &db,
        &["--json", "sell", "D000007x2", "--pay", "cash:500"],
    ));
    assert_eq!(barcode_sale["lines"][0]["name"], found[0]["name"]);
    bad_input(
        kassa(&db, &["demo", "--products", "300001"]),
        "between 1 and 300000",
    );
    // KASSA_DB is read when --db is not given.
    let output = Command::new(env!("CARGO_BIN_EXE_kassa"))
        .env("KASSA_DB", &db)
        .args(["--json", "report", "day"])
        .output()
        .unwrap();
    assert_eq!(json(output)["sales_count"], 1);
}

#[test]
fn help_exits_0_and_unknown_commands_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert!(kassa(&dir.path().join("x.db"), &["--help"])
        .status
        .success());
    assert_eq!(
        kassa(&dir.path().join("x.db"), &["dance"]).status.code(),
        Some(2)
    );
}

#[test]
fn returns_exchanges_and_credit_from_the_command_line() {
    let till = set_up();
    let sale = json(kassa(
        &till.db,
        &["--json", "sell", "MILKx3", "WINE", "--pay", "card::T-9"],
    ));
    let receipt_no = sale["receipt_no"].as_str().unwrap().to_string();
    let text = ok(kassa(
        &till.db,
        &[
            "return",
            &receipt_no,
            "--line",
            "MILKx1",
            "--line",
            "MILKx1:damaged",
        ],
    ));
    assert!(text.contains("card 2.58  [T-9]"), "{text}");
    assert!(text.contains("(damaged)"), "{text}");
    let stock = json(kassa(&till.db, &["--json", "stock", "MILK"]));
    assert_eq!(
        stock["on_hand"], -2,
        "one of the two came back to the shelf"
    );

    // Bad input: exit 2, one line, nothing written.
    let cases: [(&[&str], &str); 7] = [
        (
            &["return", &receipt_no, "--line", "MILKx2"],
            "cannot return 2",
        ),
        (
            &["return", &receipt_no, "--line", "MILKx1:broken"],
            "not a condition",
        ),
        (
            &["return", &receipt_no, "--refund", "cheque"],
            "use original, cash or credit",
        ),
        (&["return"], "give the receipt number"),
        (
            &[
                "return",
                "--no-receipt",
                "--line",
                "WINE",
                "--refund",
                "cash",
            ],
            "needs a manager's approval",
        ),
        (&["return", "AMS1-3-77"], "not enrolled with head office"),
        (
            &["resolve", "over-return/x", "--note", "fine"],
            "no exception",
        ),
    ];
    for (args, want) in cases {
        bad_input(kassa(&till.db, args), want);
    }
    let receipts = json(kassa(&till.db, &["--json", "report", "day"]));
    assert_eq!(receipts["sales_count"], 1);

    // The wine comes back as store credit, which pays for milk later.
    let back = json(kassa(
        &till.db,
        &[
            "--json",
            "return",
            &receipt_no,
            "--line",
            "WINE",
            "--refund",
            "credit",
        ],
    ));
    let code = back["refunds"][0]["reference"]
        .as_str()
        .unwrap()
        .to_string();
    let balance = json(kassa(&till.db, &["--json", "credit", &code]));
    assert_eq!(balance["balance"], 899);
    let paid = json(kassa(
        &till.db,
        &[
            "--json",
            "sell",
            "MILKx2",
            "--pay",
            &format!("credit::{code}"),
        ],
    ));
    assert_eq!(paid["tenders"][0]["amount"], 258);
    bad_input(
        kassa(
            &till.db,
            &["sell", "WINE", "--pay", &format!("credit:8.99:{code}")],
        ),
        "left",
    );

    // Exchange: the last milk for a paper bag; the difference goes back to the card.
    let exchanged = json(kassa(
        &till.db,
        &["--json", "exchange", &receipt_no, "--take", "BAG"],
    ));
    assert_eq!(exchanged["sale"]["tenders"][0]["kind"], "exchange");
    assert_eq!(exchanged["return"]["refunds"][1]["amount"], 119);
    let inbox = json(kassa(&till.db, &["--json", "exceptions"]));
    assert!(
        inbox
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["kind"] != "over_return"),
        "{inbox}"
    );
    let orders = ok(kassa(&till.db, &["orders", "list"]));
    assert!(orders.contains("No orders"), "{orders}");
    bad_input(
        kassa(&till.db, &["pickup", "W1", "--code", "1"]),
        "no online order",
    );
}

#[test]
fn receipts_print_as_esc_pos_or_html_and_a_dead_printer_loses_no_sale() {
    let till = set_up();
    let dir = till.db.parent().unwrap().to_path_buf();
    let first = dir.join("first.bin");
    let sold = ok(kassa(
        &till.db,
        &[
            "sell",
            "MILK",
            "--pay",
            "cash",
            "--print",
            &format!("file:{}", first.display()),
        ],
    ));
    assert!(sold.contains("Receipt AMS1-3-1"), "{sold}");
    let bytes = std::fs::read(&first).unwrap();
    assert_eq!(
        &bytes[..5],
        &[0x1B, b'@', 0x1B, b't', 19],
        "initialise, code page 858"
    );
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("Receipt AMS1-3-1") && !text.contains("COPY"));
    assert!(text.contains("kassa:receipt:AMS1-3-1:"), "the QR payload");

    let copy = dir.join("copy.bin");
    ok(kassa(
        &till.db,
        &[
            "print",
            "AMS1-3-1",
            "--to",
            &format!("file:{}", copy.display()),
        ],
    ));
    assert!(String::from_utf8_lossy(&std::fs::read(&copy).unwrap()).contains("COPY"));
    let page = dir.join("receipt.html");
    ok(kassa(
        &till.db,
        &["print", "AMS1-3-1", "--html", page.to_str().unwrap()],
    ));
    assert!(std::fs::read_to_string(&page)
        .unwrap()
        .starts_with("<!doctype html>"));

    // No printer listens on port 1: the reprint fails clearly; a sale still completes.
    let dead = kassa(&till.db, &["print", "AMS1-3-1", "--to", "tcp:127.0.0.1:1"]);
    assert_eq!(dead.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&dead.stderr).to_string();
    assert!(
        stderr.contains("cannot be reached") && stderr.contains("the sale is saved"),
        "{stderr}"
    );
    let second = kassa(
        &till.db,
        &[
            "sell",
            "WINE",
            "--pay",
            "cash",
            "--print",
            "tcp:127.0.0.1:1",
        ],
    );
    assert!(second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stderr)
            .contains("sale AMS1-3-2 is saved, but its receipt did not print"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(sales_today(&till.db), 2);
    bad_input(
        kassa(&till.db, &["print", "AMS1-3-1", "--to", "usb"]),
        "use device:PATH",
    );

    let kick = dir.join("kick.bin");
    ok(kassa(
        &till.db,
        &["drawer", "--to", &format!("file:{}", kick.display())],
    ));
    assert_eq!(std::fs::read(&kick).unwrap(), [0x1B, b'p', 0, 25, 250]);
    let log = ok(kassa(&till.db, &["audit", "list"]));
    assert!(
        log.contains("reprint") && log.contains("drawer_open"),
        "{log}"
    );
}
