//! The real `kassa-hq` binary: admin subcommands on a data directory, and `serve`.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn hq(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kassa-hq"))
        .env_remove("KASSA_HQ_ADMIN_TOKEN")
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn bad(output: Output, want: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(want), "expected {want:?} in {stderr:?}");
}

#[test]
fn admin_subcommands_set_up_a_store() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    let store = ok(hq(
        d,
        &[
            "store",
            "add",
            "AMS1",
            "--currency",
            "EUR",
            "--tax-mode",
            "inclusive",
            "--cash-increment",
            "5",
        ],
    ));
    assert!(store.contains("\"AMS1\""), "{store}");
    bad(
        hq(
            d,
            &[
                "store",
                "add",
                "AMS1",
                "--currency",
                "EUR",
                "--tax-mode",
                "inclusive",
            ],
        ),
        "exists already",
    );
    bad(
        hq(
            d,
            &[
                "store",
                "add",
                "ams 2",
                "--currency",
                "EUR",
                "--tax-mode",
                "inclusive",
            ],
        ),
        "store code",
    );
    bad(
        hq(
            d,
            &[
                "store",
                "add",
                "AMS2",
                "--currency",
                "XYZ",
                "--tax-mode",
                "inclusive",
            ],
        ),
        "currency",
    );
    bad(
        hq(
            d,
            &[
                "store",
                "add",
                "AMS2",
                "--currency",
                "EUR",
                "--tax-mode",
                "sideways",
            ],
        ),
        "tax mode",
    );

    // A store's receipt key is rotated from the command line: the old one stays trusted, then
    // with --distrust-old only the newest is.
    let keys = ok(hq(d, &["store", "rotate-key", "AMS1"]));
    assert_eq!(keys.matches("\"current\": true").count(), 1, "{keys}");
    let keys = ok(hq(d, &["store", "rotate-key", "AMS1"]));
    assert_eq!(keys.matches("\"public_key\"").count(), 2, "{keys}");
    let keys = ok(hq(d, &["store", "rotate-key", "AMS1", "--distrust-old"]));
    assert_eq!(keys.matches("\"public_key\"").count(), 1, "{keys}");
    assert!(keys.contains("\"current\": true"), "{keys}");
    bad(hq(d, &["store", "rotate-key", "NOPE"]), "no store");
    let log = ok(hq(d, &["audit", "log"]));
    assert!(
        log.contains("store rotate-key AMS1 --distrust-old"),
        "{log}"
    );

    let code = ok(hq(d, &["enroll-code", "AMS1", "1"]));
    assert_eq!(code.trim().len(), 14, "XXXX-XXXX-XXXX: {code}");
    bad(hq(d, &["enroll-code", "NOPE", "1"]), "no store");
    bad(hq(d, &["enroll-code", "AMS1", "0"]), "till number");

    let csv = d.join("catalogue.csv");
    std::fs::write(
        &csv,
        "sku,name,price,tax_class\nMILK,Whole milk,1.29,reduced\nWINE,Wine,8.99,standard\n",
    )
    .unwrap();
    assert!(ok(hq(d, &["catalog", "import", csv.to_str().unwrap()])).contains("2 products"));
    let broken = d.join("broken.csv");
    std::fs::write(
        &broken,
        "sku,name,price,tax_class\nTEA,Tea,2.50,reduced\nCAKE,Cake,abc,reduced\n",
    )
    .unwrap();
    bad(
        hq(d, &["catalog", "import", broken.to_str().unwrap()]),
        "line 3",
    );

    ok(hq(d, &["stock", "receive", "AMS1", "MILKx10", "WINEx3"]));
    bad(hq(d, &["stock", "receive", "AMS1", "TEAx1"]), "unknown sku");
    bad(
        hq(d, &["stock", "receive", "AMS1", "MILKx-4"]),
        "out of range",
    );
    bad(hq(d, &["stock", "receive", "AMS1", "MILK"]), "SKUxQTY");
    ok(hq(d, &["stock", "count", "AMS1", "MILKx7"]));
    let token = ok(hq(d, &["admin-token"]));
    assert_eq!(
        token.trim(),
        ok(hq(d, &["admin-token"])).trim(),
        "the admin token is kept"
    );

    // Web orders from a JSON file: the same external id twice is one order.
    let order = d.join("order.json");
    std::fs::write(
        &order,
        r#"{"external_id": "W1001", "store": "AMS1", "customer_name": "Ada Lovelace",
            "lines": [{"sku": "WINE", "quantity": 2}, {"sku": "MILK", "quantity": 1, "unit_price": 100}],
            "paid": true, "pickup_code": "482913"}"#,
    )
    .unwrap();
    let first: serde_json::Value =
        serde_json::from_str(&ok(hq(d, &["order", "add", order.to_str().unwrap()]))).unwrap();
    assert_eq!(
        (first["created"].as_bool(), first["total"].as_i64()),
        (Some(true), Some(1898))
    );
    let second: serde_json::Value =
        serde_json::from_str(&ok(hq(d, &["order", "add", order.to_str().unwrap()]))).unwrap();
    assert_eq!(second["created"], false);
    assert_eq!(second["order_id"], first["order_id"]);
    let broken = d.join("broken-order.json");
    std::fs::write(
        &broken,
        r#"{"external_id": "W2", "store": "AMS1", "lines": []}"#,
    )
    .unwrap();
    bad(
        hq(d, &["order", "add", broken.to_str().unwrap()]),
        "customer_name",
    );
    std::fs::write(
        &broken,
        r#"{"external_id": "W2", "store": "AMS1", "customer_name": "X", "lines": [{"sku": "TEA", "quantity": 1}], "paid": false}"#,
    )
    .unwrap();
    bad(
        hq(d, &["order", "add", broken.to_str().unwrap()]),
        "unknown sku",
    );
    let list: serde_json::Value =
        serde_json::from_str(&ok(hq(d, &["order", "list", "--store", "AMS1"]))).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["status"], "open");
    assert!(ok(hq(d, &["order", "expire"])).contains("expired 0 order(s)"));
    ok(hq(
        d,
        &["order", "cancel", "W1001", "--note", "out of stock"],
    ));
    bad(hq(d, &["order", "cancel", "W1001"]), "is cancelled");
    bad(hq(d, &["order", "cancel", "W404"]), "no order");
    let exceptions = ok(hq(d, &["exceptions"]));
    assert_eq!(exceptions.trim(), "[]");
    bad(
        hq(d, &["resolve", "over-pickup/x", "--note", "n"]),
        "no exception",
    );
}

#[test]
fn serve_answers_on_its_address() {
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kassa-hq"))
        .arg("--data")
        .arg(data.path())
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--document-cache-mb",
            "4",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.as_mut().unwrap());
    stdout.read_line(&mut line).unwrap();
    // The console's first admin is made on the first start, its password printed once.
    let mut admin = String::new();
    stdout.read_line(&mut admin).unwrap();
    assert!(
        admin.starts_with("kassa-hq console user \"admin\" made; password (shown once): "),
        "{admin}"
    );
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("address printed")
        .to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream
        .write_all(
            format!("GET /v1/health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("ok"), "{response}");
    let output = hq(data.path(), &["serve", "--listen", "not-an-address"]);
    bad(output, "cannot listen");
    let output = hq(data.path(), &["serve", "--document-cache-mb", "300000"]);
    bad(output, "document-cache-mb");
    // A port in use is the machine's problem, said as such: exit 1, not "inconsistent data".
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = hq(data.path(), &["serve", "--listen", &address]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot listen") && !stderr.contains("inconsistent"),
        "{stderr}"
    );
}

/// The commands `admin_subcommands_set_up_a_store` does not reach, each through the real binary:
/// the demo set-up, staff, shifts, the audit trail and revoking a till, with their exit codes.
#[test]
fn demo_staff_audit_and_revoke_commands() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    bad(hq(d, &["demo", "--products", "0"]), "between 1 and 300000");
    let demo = ok(hq(d, &["demo", "--products", "4"]));
    assert!(demo.contains("4 products, 24 of each in stock"), "{demo}");
    assert!(demo.contains("demo order W1001 for Ada Lovelace"), "{demo}");
    assert!(
        demo.contains("demo staff Maria (manager), PIN 3333"),
        "{demo}"
    );
    // The demo store exists once: a second run is refused as bad input, changing nothing.
    bad(hq(d, &["demo", "--products", "4"]), "exists already");

    let staff: serde_json::Value = serde_json::from_str(&ok(hq(d, &["staff", "list"]))).unwrap();
    let names: Vec<&str> = staff
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Carl", "Maria", "Sofia"]);
    assert!(!staff.to_string().contains("pin_hash"), "{staff}");
    let added: serde_json::Value = serde_json::from_str(&ok(hq(
        d,
        &[
            "staff", "add", "--name", "Noor", "--role", "cashier", "--pin", "4444", "--store",
            "AMS1",
        ],
    )))
    .unwrap();
    assert_eq!(added["role"], "cashier");
    bad(
        hq(
            d,
            &[
                "staff", "add", "--name", "Ole", "--role", "janitor", "--pin", "5555", "--store",
                "AMS1",
            ],
        ),
        "janitor",
    );
    let left: serde_json::Value =
        serde_json::from_str(&ok(hq(d, &["staff", "deactivate", "Noor"]))).unwrap();
    assert_eq!(left["active"], false);
    let back: serde_json::Value =
        serde_json::from_str(&ok(hq(d, &["staff", "activate", "Noor"]))).unwrap();
    assert_eq!(back["active"], true);
    ok(hq(d, &["staff", "pin", "Noor", "--pin", "6666"]));
    bad(
        hq(d, &["staff", "pin", "Nobody", "--pin", "6666"]),
        "no staff",
    );

    assert_eq!(ok(hq(d, &["shifts", "AMS1"])).trim(), "[]");
    assert_eq!(ok(hq(d, &["audit", "list", "AMS1-1"])).trim(), "[]");
    let check: serde_json::Value =
        serde_json::from_str(&ok(hq(d, &["audit", "verify", "AMS1-1"]))).unwrap();
    assert_eq!(check["entries"], 0);
    assert!(check["first_break"].is_null(), "{check}");

    ok(hq(d, &["enroll-code", "AMS1", "2"]));
    assert!(ok(hq(d, &["revoke", "AMS1", "2"])).contains("revoked 0 device(s)"));
    // A till with no live device has no token to rotate.
    bad(
        hq(d, &["till", "rotate", "AMS1", "2"]),
        "has no enrolled device",
    );
    assert!(ok(hq(d, &["till", "revoke", "AMS1", "2"])).contains("revoked 0 device(s)"));
    // clap's own refusals are bad input too.
    bad(hq(d, &["revoke", "AMS1", "not-a-number"]), "invalid value");
}

#[test]
fn findings_are_listed_and_a_decision_on_an_unknown_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let listed: serde_json::Value =
        serde_json::from_str(&ok(hq(data, &["findings", "list"]))).unwrap();
    assert_eq!(listed, serde_json::json!([]));
    bad(
        hq(data, &["findings", "accept", "7", "--by", "Mia"]),
        "no finding 7",
    );
    bad(
        hq(data, &["findings", "reject", "7", "--by", " "]),
        "who decides",
    );
    // A decision is a change: the admin log has it, with the outcome.
    let log = ok(hq(data, &["audit", "log"]));
    assert!(log.contains("findings accept 7 --by Mia"), "{log}");
}

#[test]
fn a_backup_is_a_checked_copy_that_opens_as_head_office_and_never_overwrites() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    ok(hq(
        d,
        &[
            "store",
            "add",
            "AMS1",
            "--currency",
            "EUR",
            "--tax-mode",
            "inclusive",
        ],
    ));
    ok(hq(d, &["store", "rotate-key", "AMS1"]));
    let copy = d.join("copy.db");
    let made = ok(hq(d, &["backup", copy.to_str().unwrap()]));
    let bytes = std::fs::metadata(&copy).unwrap().len();
    assert!(made.contains(&format!("\"bytes\": {bytes}")), "{made}");
    bad(hq(d, &["backup", copy.to_str().unwrap()]), "exists already");
    assert_eq!(std::fs::metadata(&copy).unwrap().len(), bytes);

    // Restored into another data directory, it is the same head office.
    let restored = tempfile::tempdir().unwrap();
    std::fs::copy(&copy, restored.path().join("hq.db")).unwrap();
    assert_eq!(
        ok(hq(restored.path(), &["store", "list"])),
        ok(hq(d, &["store", "list"]))
    );
    let log = ok(hq(d, &["audit", "log"]));
    assert!(log.contains("backup"), "{log}");
}

#[test]
fn console_users_are_added_with_a_password_shown_once() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    ok(hq(
        d,
        &[
            "store",
            "add",
            "AMS1",
            "--currency",
            "EUR",
            "--tax-mode",
            "inclusive",
        ],
    ));
    let added = ok(hq(
        d,
        &[
            "user",
            "add",
            "marie",
            "--role",
            "store-manager",
            "--store",
            "AMS1",
        ],
    ));
    let password = added
        .trim()
        .rsplit(' ')
        .next()
        .expect("a password printed")
        .to_string();
    assert_eq!(password.len(), 20, "{added}");
    bad(hq(d, &["user", "add", "rob", "--role", "root"]), "role");
    bad(
        hq(d, &["user", "add", "rob", "--role", "store-manager"]),
        "at least one store",
    );
    let taken = hq(d, &["user", "add", "marie", "--role", "analyst"]);
    assert!(!taken.status.success());
    assert!(String::from_utf8_lossy(&taken.stderr).contains("marie"));
    let listed = ok(hq(d, &["user", "list"]));
    assert!(
        listed.contains("\"marie\"") && listed.contains("store_manager"),
        "{listed}"
    );
    assert!(
        !listed.contains("argon2") && !listed.contains(&password),
        "{listed}"
    );
    assert!(!listed.contains("rob"), "nothing half-added");

    // The printed password is the one that signs in; the hash kept is not the password.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let head_office = kassa_hq::Hq::open(d).unwrap();
        let now = chrono::Utc::now();
        let user = head_office.console_sign_in("marie", &password, now).await;
        assert_eq!(user.unwrap().unwrap().stores, ["AMS1"]);
        let stored = head_office.storage().console_user("marie").await.unwrap();
        assert!(stored.unwrap().password_hash.starts_with("$argon2id$"));
    });
}
