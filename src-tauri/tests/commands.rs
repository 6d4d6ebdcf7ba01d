//! The Tauri commands through Tauri's IPC with `tauri::test::mock_builder()`: arguments as the
//! UI sends them (JSON, camelCase), results and `{ code, message }` errors as the UI gets them.

use kassa_till::{app, TillState};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

struct Harness {
    window: WebviewWindow<MockRuntime>,
    _app: tauri::App<MockRuntime>,
    _dir: tempfile::TempDir,
}

fn harness() -> Harness {
    harness_with_printer(None)
}

fn harness_with_printer(printer: Option<String>) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let mut state = TillState::open(&dir.path().join("till.db")).unwrap();
    state.printer = printer;
    let app = app(mock_builder(), state)
        .build(mock_context(noop_assets()))
        .unwrap();
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        window,
        _app: app,
        _dir: dir,
    }
}

fn invoke(h: &Harness, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        &h.window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

fn set_up(h: &Harness) {
    let config = invoke(
        h,
        "set_up_standalone",
        json!({ "storeCode": "shop1", "tillNo": 2, "currency": "EUR", "taxMode": "inclusive" }),
    )
    .unwrap();
    assert_eq!(config["store_code"], "SHOP1");
}

#[test]
fn first_run_then_stand_alone_set_up() {
    let h = harness();
    let info = invoke(&h, "app_info", json!({})).unwrap();
    assert_eq!(
        info["config"],
        Value::Null,
        "first run shows the set-up screen"
    );
    let err = invoke(&h, "find_item", json!({ "code": "MILK" })).unwrap_err();
    assert_eq!(err["code"], "not_set_up", "{err}");
    let err = invoke(
        &h,
        "set_up_standalone",
        json!({ "storeCode": "SHOP1", "tillNo": 1, "currency": "XXX", "taxMode": "inclusive" }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "bad_input");
    set_up(&h);
    let info = invoke(&h, "app_info", json!({})).unwrap();
    assert_eq!(info["config"]["till_no"], 2);
    assert_eq!(info["status"]["enrolled"], false);
}

#[test]
fn sell_through_the_commands() {
    let h = harness();
    set_up(&h);
    // A catalogue, as head office would send it (stand-alone tills import one with the CLI).
    {
        let state = TillState::open(&std::path::PathBuf::from(
            invoke(&h, "app_info", json!({})).unwrap()["database"]
                .as_str()
                .unwrap(),
        ))
        .unwrap();
        state
            .till()
            .import_catalogue_csv(
                b"sku,name,price,tax_class,barcodes\nMILK,Milk,1.29,reduced,4006381333931\n",
                false,
            )
            .unwrap();
    }
    let item = invoke(&h, "find_item", json!({ "code": "4006381333931" })).unwrap();
    assert_eq!(item["sku"], "MILK");
    let err = invoke(&h, "find_item", json!({ "code": "2000000000008" })).unwrap_err();
    assert_eq!(err["code"], "not_found");
    assert!(err["message"].as_str().unwrap().contains("2000000000008"));

    let request = json!({ "lines": [{ "code": "MILK", "quantity": 2 }], "tenders": [] });
    let priced = invoke(&h, "price_basket", json!({ "request": request })).unwrap();
    assert_eq!(priced["total"], 258);
    let quick = invoke(&h, "quick_cash", json!({ "request": request })).unwrap();
    assert_eq!(quick[0], 258);
    assert_eq!(
        invoke(&h, "parse_amount", json!({ "text": "5.00" })).unwrap(),
        json!(500)
    );
    assert_eq!(
        invoke(&h, "parse_amount", json!({ "text": "5.001" })).unwrap_err()["code"],
        "bad_input"
    );
    assert_eq!(
        invoke(&h, "parse_discount", json!({ "text": "10%" })).unwrap(),
        json!({ "kind": "percent", "value": 1000 })
    );

    let short = json!({ "lines": [{ "code": "MILK", "quantity": 2 }], "tenders": [{ "kind": "cash", "amount": 100 }] });
    let err = invoke(&h, "complete_sale", json!({ "request": short })).unwrap_err();
    assert_eq!(err["code"], "bad_input");
    assert!(err["message"].as_str().unwrap().contains("short tender"));

    let paid = json!({ "lines": [{ "code": "MILK", "quantity": 2 }], "tenders": [{ "kind": "cash", "amount": 500 }] });
    let receipt = invoke(&h, "complete_sale", json!({ "request": paid })).unwrap();
    assert_eq!(
        (receipt["receipt_no"].as_str(), receipt["change"].as_i64()),
        (Some("SHOP1-2-1"), Some(242))
    );
    let status = invoke(&h, "sync_status", json!({})).unwrap();
    assert_eq!(status["enrolled"], false);

    let void = invoke(&h, "void_last_sale", json!({ "reason": "customer left" })).unwrap();
    assert_eq!(void["receipt_no"], "SHOP1-2-1");
    assert_eq!(
        invoke(&h, "void_last_sale", json!({ "reason": "again" })).unwrap_err()["code"],
        "closed"
    );
    let err = invoke(&h, "sync_now", json!({})).unwrap_err();
    assert!(
        err["message"].as_str().unwrap().contains("stand-alone"),
        "{err}"
    );
}

#[test]
fn returns_orders_and_the_inbox_through_the_commands() {
    let h = harness();
    set_up(&h);
    {
        let state = TillState::open(&std::path::PathBuf::from(
            invoke(&h, "app_info", json!({})).unwrap()["database"]
                .as_str()
                .unwrap(),
        ))
        .unwrap();
        state
            .till()
            .import_catalogue_csv(b"sku,name,price,tax_class\nMILK,Milk,1.29,reduced\n", false)
            .unwrap();
    }
    let paid = json!({ "lines": [{ "code": "MILK", "quantity": 2 }], "tenders": [{ "kind": "card", "amount": 258, "reference": "T-1" }] });
    let receipt = invoke(&h, "complete_sale", json!({ "request": paid })).unwrap();
    let of = json!({ "kind": "receipt", "receipt_no": receipt["receipt_no"] });
    let found = invoke(&h, "find_returnable", json!({ "of": of })).unwrap();
    assert_eq!(found["returnable"]["lines"][0]["returnable"], 2);
    assert_eq!(found["remote_sale"], Value::Null);

    let request = json!({ "of": of, "lines": [{ "code": "MILK", "quantity": 1, "restock": true }], "refund": "original" });
    let back = invoke(&h, "return_goods", json!({ "request": request })).unwrap();
    assert_eq!(back["refunds"][0]["kind"], "card");
    assert_eq!(back["refunds"][0]["reference"], "T-1");

    // A stand-alone till cannot look up another store's sale: a clear refusal.
    let missing = json!({ "kind": "receipt", "receipt_no": "AMS1-9-9" });
    let err = invoke(&h, "find_returnable", json!({ "of": missing })).unwrap_err();
    assert_eq!(err["code"], "bad_input", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("not enrolled"),
        "{err}"
    );
    let no_receipt = json!({ "of": { "kind": "no_receipt" }, "lines": [{ "code": "MILK", "quantity": 1 }], "refund": "cash" });
    let err = invoke(&h, "return_goods", json!({ "request": no_receipt })).unwrap_err();
    assert_eq!(err["code"], "needs_approval", "{err}");

    assert_eq!(
        invoke(&h, "find_orders", json!({ "query": "" })).unwrap(),
        json!([])
    );
    let err = invoke(
        &h,
        "pickup_order",
        json!({ "request": { "order": "W1", "code": "1" } }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "not_found");
    // Two sold with no stock on record, one back: the inbox says stock is negative.
    let inbox = invoke(&h, "exceptions", json!({})).unwrap();
    assert_eq!(inbox[0]["id"], "negative-stock/SHOP1/MILK", "{inbox}");
    let resolved = invoke(
        &h,
        "resolve_exception",
        json!({ "id": "negative-stock/SHOP1/MILK", "note": "delivery not booked yet", "resolvedBy": "Maria" }),
    )
    .unwrap();
    assert_eq!(resolved["written_by"], "till-2");
    let inbox = invoke(&h, "exceptions", json!({})).unwrap();
    assert_eq!(inbox[0]["resolution"]["note"], "delivery not booked yet");
    let err = invoke(
        &h,
        "resolve_exception",
        json!({ "id": "over-pickup/x", "note": "n", "resolvedBy": null }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "not_found");
    let stock = invoke(&h, "stock_lookup", json!({ "code": "MILK" })).unwrap();
    assert_eq!(
        (
            stock["here"].as_i64(),
            stock["position"]["reserved"].as_i64()
        ),
        (Some(-1), Some(0))
    );
}

#[test]
fn sign_in_lock_and_approvals_through_the_commands() {
    let h = harness();
    set_up(&h);
    {
        let state = TillState::open(&std::path::PathBuf::from(
            invoke(&h, "app_info", json!({})).unwrap()["database"]
                .as_str()
                .unwrap(),
        ))
        .unwrap();
        let mut till = state.till();
        till.import_catalogue_csv(b"sku,name,price,tax_class\nMILK,Milk,1.29,reduced\n", false)
            .unwrap();
        let member = |id: &str, name: &str, role, pin| kassa_domain::StaffMember {
            id: id.into(),
            name: name.into(),
            role,
            pin_hash: kassa_domain::staff::hash_pin(pin, &[3; 16]).unwrap(),
            active: true,
        };
        till.apply_staff_update(
            1,
            &[
                member("s1", "Carl", kassa_domain::Role::Cashier, "1111"),
                member("s2", "Sofia", kassa_domain::Role::Supervisor, "222222"),
            ],
        )
        .unwrap();
    }
    let staff = invoke(&h, "staff_state", json!({})).unwrap();
    assert_eq!(staff["sign_in_required"], true);
    assert_eq!(staff["operator"], Value::Null);
    assert!(!staff.to_string().contains("argon2"), "{staff}");

    let sale = json!({ "lines": [{ "code": "MILK", "quantity": 1 }], "tenders": [{ "kind": "cash", "amount": null }] });
    let locked = invoke(&h, "complete_sale", json!({ "request": sale })).unwrap_err();
    assert_eq!(locked["code"], "sign_in_required", "{locked}");
    let wrong = invoke(&h, "sign_in", json!({ "staff": "s1", "pin": "0000" })).unwrap_err();
    assert_eq!(wrong["code"], "wrong_pin", "{wrong}");
    // A PIN changed through the command (camelCase arguments, as the UI sends them), then back.
    let changed = invoke(
        &h,
        "change_pin",
        json!({ "staff": "s1", "oldPin": "1111", "newPin": "4321" }),
    )
    .unwrap();
    assert_eq!(changed["name"], "Carl");
    let short = invoke(
        &h,
        "change_pin",
        json!({ "staff": "s1", "oldPin": "4321", "newPin": "12" }),
    )
    .unwrap_err();
    assert_eq!(short["code"], "bad_input", "{short}");
    invoke(
        &h,
        "change_pin",
        json!({ "staff": "s1", "oldPin": "4321", "newPin": "1111" }),
    )
    .unwrap();
    let carl = invoke(&h, "sign_in", json!({ "staff": "s1", "pin": "1111" })).unwrap();
    assert_eq!(carl["name"], "Carl");
    let no_shift = invoke(&h, "complete_sale", json!({ "request": sale })).unwrap_err();
    assert_eq!(no_shift["code"], "no_shift", "{no_shift}");
    assert_eq!(invoke(&h, "current_shift", json!({})).unwrap(), Value::Null);
    let shift = invoke(&h, "open_shift", json!({ "float": 10000 })).unwrap();
    assert_eq!(shift["opened_by"]["name"], "Carl");
    let receipt = invoke(&h, "complete_sale", json!({ "request": sale })).unwrap();
    assert_eq!(
        receipt["cashier"]["name"], "Carl",
        "the sale record names who rang it"
    );
    assert_eq!(receipt["cashier"]["id"], "s1");

    let refused = invoke(&h, "void_last_sale", json!({ "reason": "mistake" })).unwrap_err();
    assert_eq!(refused["code"], "needs_approval", "{refused}");
    let own = invoke(
        &h,
        "void_last_sale",
        json!({ "reason": "mistake", "approval": { "staff": "Carl", "pin": "1111" } }),
    )
    .unwrap_err();
    assert_eq!(own["code"], "not_permitted", "{own}");
    let void = invoke(
        &h,
        "void_last_sale",
        json!({ "reason": "mistake", "approval": { "staff": "Sofia", "pin": "222222" } }),
    )
    .unwrap();
    assert_eq!(void["approved_by"]["name"], "Sofia");

    let moved = invoke(
        &h,
        "cash_movement",
        json!({ "direction": "in", "amount": 500, "reason": "coins from the bank" }),
    )
    .unwrap();
    assert_eq!(moved["amount"], 500);
    let blind = invoke(&h, "x_report", json!({})).unwrap_err();
    assert_eq!(
        blind["code"], "needs_approval",
        "a cashier does not see the expected drawer"
    );
    let x = invoke(
        &h,
        "x_report",
        json!({ "approval": { "staff": "Sofia", "pin": "222222" } }),
    )
    .unwrap();
    // 100.00 float + 1.29 cash sale voided + 5.00 in
    assert_eq!(x["expected"][0]["amount"], 10_500, "{x}");
    let negative = invoke(
        &h,
        "close_shift",
        json!({ "counts": [{ "kind": "cash", "denominations": [{ "value": 200, "count": -1 }] }] }),
    )
    .unwrap_err();
    assert_eq!(negative["code"], "bad_input", "{negative}");
    let z = invoke(
        &h,
        "close_shift",
        json!({ "counts": [{ "kind": "cash", "amount": 10_500 }] }),
    )
    .unwrap();
    assert_eq!(
        (z["kind"].as_str(), z["difference"][0]["amount"].as_i64()),
        (Some("Z"), Some(0))
    );

    let audit = invoke(&h, "audit_log", json!({ "limit": 50 })).unwrap();
    assert_eq!(audit["check"]["first_break"], Value::Null, "{audit}");
    let events: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "shift_close",
            "x_report",
            "cash_in",
            "void",
            "sale",
            "shift_open",
            "sign_in",
            "pin_change",
            "pin_change",
            "pin_refused"
        ]
    );

    invoke(&h, "lock_till", json!({})).unwrap();
    let staff = invoke(&h, "staff_state", json!({})).unwrap();
    assert_eq!(staff["operator"], Value::Null);
    let locked = invoke(&h, "complete_sale", json!({ "request": sale })).unwrap_err();
    assert_eq!(locked["code"], "sign_in_required");
}

#[test]
fn receipts_print_through_the_commands_and_a_dead_printer_says_so() {
    let h = harness();
    set_up(&h);
    assert_eq!(invoke(&h, "printer_configured", json!({})).unwrap(), false);
    let none = invoke(
        &h,
        "print_receipt",
        json!({ "receiptNo": "SHOP1-2-1", "copy": false }),
    )
    .unwrap_err();
    assert_eq!(none["code"], "no_printer");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("printer.bin");
    let h = harness_with_printer(Some(format!("file:{}", file.display())));
    set_up(&h);
    {
        let state = TillState::open(&std::path::PathBuf::from(
            invoke(&h, "app_info", json!({})).unwrap()["database"]
                .as_str()
                .unwrap(),
        ))
        .unwrap();
        state
            .till()
            .import_catalogue_csv(b"sku,name,price,tax_class\nMILK,Milk,1.29,reduced\n", false)
            .unwrap();
    }
    let sale = json!({ "lines": [{ "code": "MILK", "quantity": 1 }], "tenders": [{ "kind": "cash", "amount": null }] });
    let receipt = invoke(&h, "complete_sale", json!({ "request": sale })).unwrap();
    let no = receipt["receipt_no"].as_str().unwrap().to_string();
    invoke(
        &h,
        "print_receipt",
        json!({ "receiptNo": no, "copy": false }),
    )
    .unwrap();
    let first = std::fs::read(&file).unwrap();
    assert_eq!(&first[..2], &[0x1B, b'@']);
    assert!(
        first.ends_with(&[0x1B, b'p', 0, 25, 250]),
        "a cash sale opens the drawer"
    );
    assert!(!String::from_utf8_lossy(&first).contains("COPY"));
    invoke(
        &h,
        "print_receipt",
        json!({ "receiptNo": no, "copy": true }),
    )
    .unwrap();
    let copy = std::fs::read(&file).unwrap();
    assert!(String::from_utf8_lossy(&copy).contains("COPY"));
    assert!(
        !copy.ends_with(&[0x1B, b'p', 0, 25, 250]),
        "a reprint does not"
    );
    invoke(&h, "open_drawer", json!({})).unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), [0x1B, b'p', 0, 25, 250]);

    let h = harness_with_printer(Some("tcp:127.0.0.1:1".into()));
    set_up(&h);
    let dead = invoke(&h, "open_drawer", json!({})).unwrap_err();
    assert_eq!(dead["code"], "printer", "{dead}");
    assert!(dead["message"]
        .as_str()
        .unwrap()
        .contains("cannot be reached"));
}
