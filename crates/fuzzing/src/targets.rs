//! The targets. Each takes any bytes; a panic is a finding.

use kassa_domain::money::{format_amount, parse_amount};
use kassa_domain::receipt_code;
use kassa_hq::{Hq, HqError};
use kassa_protocol::{
    EnrollRequest, OrderIntake, StoreInfo, SyncRequest, SyncResponse, TaxClassInfo,
};
use kassa_replica::skeleton::{load_document, new_document};
use kassa_replica::validate::receive_candidate;
use kassa_replica::{receive_message, ActorId, AutoCommit, DocId, SyncState};

/// The store every head office target works in, and the till whose ledger the seeds carry.
pub const STORE: &str = "AMS1";
pub const TILL_NO: u16 = 2;
/// A ledger document of that till (what the message and document targets are applied to).
pub const LEDGER: &str = "ledger/AMS1/2/2026-11-23";
/// The receipt key every receipt code target checks against (a fixed test key, never a store's).
pub const RECEIPT_SECRET: &str = "0707070707070707070707070707070707070707070707070707070707070707";
/// How many bytes of a `sync_request` input name the enrolled device's actor.
pub const ACTOR_BYTES: usize = 16;

const CATALOGUE: &str = "sku,name,price,tax_class,barcodes,category,active
MILK,Whole milk 1 L,1.29,reduced,4006381333931,Dairy,true
BREAD,Sourdough loaf,2.49,reduced,036000291452,Bakery,true
";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Hostile input must be refused clearly (4xx); an internal error (5xx, the operator's log) means
/// head office met something it does not handle.
fn refused_cleanly(what: &str, outcome: &Result<impl Sized, HqError>) {
    if let Err(e) = outcome {
        assert!(
            e.status() < 500 || matches!(e, HqError::StaleDocument(_)),
            "{what}: hostile input made an internal error: {e}"
        );
    }
}

fn store_info() -> StoreInfo {
    let class = |code: &str, rate_bp| TaxClassInfo {
        code: code.into(),
        name: code.into(),
        rate_bp,
    };
    StoreInfo {
        code: STORE.into(),
        name: "Amsterdam".into(),
        currency: "EUR".into(),
        tax_mode: "inclusive".into(),
        cash_increment: 5,
        tax_classes: vec![class("standard", 2100), class("reduced", 900)],
    }
}

/// A fresh in-memory head office with the store and its catalogue; with `actor`, till
/// [`TILL_NO`] enrolled under that actor and its device token.
async fn head_office(actor: Option<&[u8]>) -> (Hq, Option<String>) {
    let hq = Hq::open_in_memory().expect("an in-memory head office");
    hq.create_store(&store_info()).await.expect("the store");
    hq.import_catalogue_csv(CATALOGUE.as_bytes())
        .await
        .expect("the catalogue");
    let Some(actor) = actor else {
        return (hq, None);
    };
    let code = hq
        .create_enroll_code(STORE, TILL_NO)
        .await
        .expect("a code")
        .code;
    let enrolled = hq
        .enroll(&EnrollRequest {
            code,
            actor_id: ActorId::from(actor).to_hex_string(),
            device_key: receipt_code::public_key(&receipt_code::secret_key(&[3; 32]))
                .expect("a valid key"),
        })
        .await
        .expect("enrollment");
    (hq, Some(enrolled.device_token))
}

/// Head office handling a till's sync request. The first [`ACTOR_BYTES`] bytes are the actor the
/// till enrolled with (so a seed's changes can be its own); the rest is the request body.
pub fn sync_request(data: &[u8]) {
    let Some((first, again)) = sync_twice(data) else {
        return;
    };
    refused_cleanly("sync", &first);
    refused_cleanly("sync again", &again);
    // The same request again (a till retrying after a lost answer) is handled the same way or
    // better, never worse: nothing was half-written by the first.
    if first.is_ok() {
        assert!(again.is_ok(), "a sync that worked fails when repeated");
    }
}

/// What head office answers a `sync_request` input, sent twice (`None`: not a request at all).
pub fn sync_twice(
    data: &[u8],
) -> Option<(Result<SyncResponse, HqError>, Result<SyncResponse, HqError>)> {
    if data.len() < ACTOR_BYTES {
        return None;
    }
    let (actor, body) = data.split_at(ACTOR_BYTES);
    // Head office reads a sync body as JSON or as CBOR (kassa_protocol::wire).
    let request = serde_json::from_slice::<SyncRequest>(body)
        .ok()
        .or_else(|| kassa_protocol::wire::from_cbor::<SyncRequest>(body).ok())?;
    Some(runtime().block_on(async {
        let (hq, token) = head_office(Some(actor)).await;
        let device = hq
            .authenticate(token.as_deref())
            .await
            .expect("the enrolled device");
        let first = hq.sync(&device, request.clone()).await;
        let again = hq.sync(&device, request).await;
        (first, again)
    }))
}

/// An Automerge sync message received into a till's ledger document: checked (head office's
/// path) and unchecked (a till's path from head office). Whatever is accepted saves and loads.
pub fn sync_message(data: &[u8]) {
    let id = DocId::parse(LEDGER).expect("the ledger id");
    let mut doc = new_document(&id, ActorId::from(&[1u8; 16][..])).expect("a new ledger");
    if let Ok(received) = receive_candidate(LEDGER, doc.clone(), SyncState::new(), data) {
        let mut candidate = received.doc;
        round_trips(&id, &mut candidate);
    }
    let mut state = SyncState::new();
    if receive_message(&mut doc, &mut state, data).is_ok() {
        round_trips(&id, &mut doc);
    }
}

fn round_trips(id: &DocId, doc: &mut AutoCommit) {
    let heads = doc.get_heads();
    let bytes = doc.save();
    let mut again =
        load_document(id, &bytes, ActorId::from(&[2u8; 16][..])).expect("a saved document loads");
    assert_eq!(again.get_heads(), heads, "a saved document loads the same");
}

/// A stored document loaded (a till's or head office's database, a file someone copied in).
pub fn document_load(data: &[u8]) {
    let id = DocId::parse(LEDGER).expect("the ledger id");
    if let Ok(mut doc) = load_document(&id, data, ActorId::from(&[3u8; 16][..])) {
        for kind in kassa_replica::kinds_in(id.kind()) {
            let _ = kassa_replica::read_records::<serde_json::Value>(&doc, kind);
        }
        round_trips(&id, &mut doc);
    }
}

/// A catalogue file: parsed, and (when every row is good) imported at head office.
pub fn catalogue_csv(data: &[u8]) {
    let Ok(parsed) = kassa_domain::catalogue_csv::parse_catalogue_csv(data, 2) else {
        return;
    };
    for row in &parsed.products {
        assert!(
            !row.product.sku.is_empty(),
            "line {}: a product without a SKU",
            row.line
        );
        assert!(
            row.product.price.minor() >= 0,
            "line {}: a negative price",
            row.line
        );
    }
    if parsed.errors.is_empty() && !parsed.products.is_empty() {
        runtime().block_on(async {
            let (hq, _) = head_office(None).await;
            refused_cleanly("catalogue", &hq.import_catalogue_csv(data).await);
        });
    }
}

/// A web shop's order as JSON, taken at head office; taking it again is the same order.
pub fn web_order(data: &[u8]) {
    let Ok(intake) = serde_json::from_slice::<OrderIntake>(data) else {
        return;
    };
    runtime().block_on(async {
        let (hq, _) = head_office(None).await;
        let first = hq.add_order(&intake).await;
        refused_cleanly("order", &first);
        if let Ok(accepted) = first {
            let again = hq.add_order(&intake).await.expect("the same order again");
            assert!(!again.created, "the same order sent twice made two");
            assert_eq!(again.order_no, accepted.order_no);
            let listed = hq.orders(None).await.expect("the order list");
            assert_eq!(listed.len(), 1, "one order taken, {} listed", listed.len());
        }
    });
}

/// A scanned receipt code, checked against a store key. Only a correctly signed code verifies,
/// and what it verifies to signs to a code that verifies the same.
pub fn receipt_code(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let public = receipt_code::public_key(RECEIPT_SECRET).expect("the test key");
    if let Ok(code) = receipt_code::verify(text, |_| Some(public.clone())) {
        let signed =
            receipt_code::sign(RECEIPT_SECRET, &code.receipt_no, &code.sale_id, code.total)
                .expect("signing");
        let again = receipt_code::verify(&signed, |_| Some(public.clone())).expect("re-signed");
        assert_eq!(again, code);
    }
}

/// A document id from a request or a database row: what parses prints back as itself.
pub fn doc_id(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(id) = DocId::parse(text) {
        assert_eq!(id.to_string(), text, "a document id prints as it was read");
        assert_eq!(DocId::parse(&id.to_string()).expect("reparse"), id);
    }
}

/// A typed amount: the first byte picks the currency's decimals (0 to 3), the rest is the text.
/// An amount parses exactly, is never negative, and prints back to the same minor units.
pub fn money(data: &[u8]) {
    let Some((&digits, text)) = data.split_first() else {
        return;
    };
    let digits = digits % 4;
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    if let Ok(amount) = parse_amount(text, digits) {
        assert!(amount.minor() >= 0, "{text:?} parsed negative");
        let printed = format_amount(amount, digits);
        assert_eq!(
            parse_amount(&printed, digits).expect("a printed amount parses"),
            amount,
            "{text:?} -> {printed:?}"
        );
    }
    let _ = kassa_domain::basket::Discount::parse(text, digits);
}
