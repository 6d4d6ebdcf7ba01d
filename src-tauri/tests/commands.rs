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
    let dir = tempfile::tempdir().unwrap();
    let state = TillState::open(&dir.path().join("till.db")).unwrap();
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
        "bad_input"
    );
    let err = invoke(&h, "sync_now", json!({})).unwrap_err();
    assert!(
        err["message"].as_str().unwrap().contains("stand-alone"),
        "{err}"
    );
}
