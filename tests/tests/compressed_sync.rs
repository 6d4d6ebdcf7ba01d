//! Sync traffic travels gzip-compressed between a till and a real head office, both ways; head
//! office bounds a compressed request by what it unpacks into, refuses what it cannot read with
//! a clear error and changes nothing, and answers plain JSON to a caller that does not ask for
//! gzip (a till of the release before).

mod support;

use kassa_protocol::{SyncRequest, SyncResponse};
use kassa_sync::{HqClient, HqLink, SyncError};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The real client, also counting the JSON it would have sent and received uncompressed.
struct CountingLink {
    client: HqClient,
    json_up: AtomicUsize,
    json_down: AtomicUsize,
}

impl HqLink for CountingLink {
    fn sync(
        &self,
        request: &SyncRequest,
    ) -> impl std::future::Future<Output = Result<SyncResponse, SyncError>> + Send {
        self.json_up.fetch_add(
            serde_json::to_vec(request).unwrap().len(),
            Ordering::Relaxed,
        );
        let answer = self.client.sync(request);
        async move {
            let response = answer.await?;
            self.json_down.fetch_add(
                serde_json::to_vec(&response).unwrap().len(),
                Ordering::Relaxed,
            );
            Ok(response)
        }
    }

    fn bytes_moved(&self) -> (usize, usize) {
        self.client.bytes_moved()
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[tokio::test]
async fn a_catalogue_and_a_day_of_sales_cross_the_wire_compressed_both_ways() {
    let server = support::HqServer::start().await;
    let products: Vec<_> = kassa_domain::demo_catalogue::demo_catalogue(3_000).collect();
    server.hq.import_catalogue(&products).await.unwrap();
    let mut till = kassa_store::Till::open_in_memory()
        .unwrap()
        .with_clock(support::clock("2026-11-23T09:00:00+01:00"));
    let code = server.enroll_code("AMS1", 1).await;
    kassa_sync::enroll(&mut till, &server.url(), &code)
        .await
        .unwrap();

    let link = |till: &kassa_store::Till| CountingLink {
        client: HqClient::for_device(&till.device().unwrap()).unwrap(),
        json_up: AtomicUsize::new(0),
        json_down: AtomicUsize::new(0),
    };
    let first = link(&till);
    let report = kassa_sync::sync_with(&mut till, &first).await.unwrap();
    assert!(report.products_updated >= 3_000, "{report:?}");
    let json_down = first.json_down.load(Ordering::Relaxed);
    // The catalogue is JSON of repetitive fields: it packs several times over.
    assert!(
        report.bytes_received * 4 < json_down,
        "{} B on the wire for {json_down} B of JSON",
        report.bytes_received
    );

    for n in 0..40 {
        let sku = &products[n * 7].sku;
        till.complete_sale(&support::cash_sale(&[(sku.as_str(), 1)]), None)
            .unwrap();
    }
    let second = link(&till);
    let report = kassa_sync::sync_with(&mut till, &second).await.unwrap();
    assert_eq!(report.pending_sales, 0);
    let json_up = second.json_up.load(Ordering::Relaxed);
    // The sales go up as one Automerge change, already deflated: what gzip takes back is mostly
    // base64's third.
    assert!(
        report.bytes_sent * 5 < json_up * 4,
        "{} B sent for {json_up} B of JSON",
        report.bytes_sent
    );
    assert_eq!(server.sales_at_hq("AMS1", "2026-11-23").await, 40);
}

#[tokio::test]
async fn head_office_refuses_compressed_bodies_it_cannot_take_and_keeps_nothing_of_them() {
    let server = support::HqServer::start().await;
    let http = reqwest::Client::new();
    let url = format!("{}/v1/admin/catalogue", server.url());
    let products: Vec<_> = kassa_domain::demo_catalogue::demo_catalogue(50).collect();
    let json = serde_json::to_vec(&products).unwrap();
    let send = |body: Vec<u8>, encoding: &'static str| {
        http.post(&url)
            .bearer_auth(support::ADMIN_TOKEN)
            .header("content-type", "application/json")
            .header("content-encoding", encoding)
            .body(body)
            .send()
    };
    let version_of = |answer: serde_json::Value| answer["version"].as_i64().unwrap();

    let taken = send(gzip(&json), "gzip").await.unwrap();
    assert_eq!(taken.status(), 200);
    let version = version_of(taken.json().await.unwrap());

    // A few KiB that unpack past the body limit: refused as too large.
    let mut bomb = b"[".to_vec();
    bomb.resize(kassa_protocol::MAX_SYNC_BODY_BYTES + 1024, b' ');
    bomb.extend_from_slice(b"]");
    let packed = gzip(&bomb);
    assert!(packed.len() < 64 * 1024);
    let refused = send(packed, "gzip").await.unwrap();
    assert_eq!(refused.status(), 413);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "too_large", "{body}");

    // Not gzip at all, though it says so.
    let refused = send(b"plain text, not gzip".to_vec(), "gzip")
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert!(body["message"].as_str().is_some(), "{body}");

    // An encoding head office does not read.
    let refused = send(json.clone(), "br").await.unwrap();
    assert_eq!(refused.status(), 415);

    // Nothing of the refused bodies was imported: the next import is the next version.
    let taken = send(json, "identity").await.unwrap();
    assert_eq!(taken.status(), 200);
    assert_eq!(version_of(taken.json().await.unwrap()), version + 1);
}

#[tokio::test]
async fn a_caller_that_does_not_ask_for_gzip_gets_plain_json() {
    let server = support::HqServer::start().await;
    let mut till = server.enrolled_till("AMS1", 1).await;
    for _ in 0..30 {
        till.complete_sale(&support::cash_sale(&[("MILK", 1), ("WINE", 1)]), None)
            .unwrap();
    }
    kassa_sync::sync_once(&mut till).await.unwrap();
    let url = format!("{}/v1/stores/AMS1/sales?day=2026-11-23", server.url());
    let get = |accept: Option<&'static str>| {
        // A client of its own that unpacks nothing: the bytes as they came.
        let request = reqwest::Client::new()
            .get(&url)
            .bearer_auth(support::ADMIN_TOKEN);
        match accept {
            Some(encoding) => request.header("accept-encoding", encoding),
            None => request,
        }
        .send()
    };
    let plain = get(None).await.unwrap();
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();
    let feed: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(feed["sales"].as_array().unwrap().len(), 30);

    let packed = get(Some("gzip")).await.unwrap();
    assert_eq!(packed.headers()["content-encoding"], "gzip");
    let packed = packed.bytes().await.unwrap();
    assert!(
        packed.len() * 4 < plain.len(),
        "{} of {}",
        packed.len(),
        plain.len()
    );
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&packed[..]),
        &mut unpacked,
    )
    .unwrap();
    assert_eq!(unpacked, plain);
}

#[tokio::test]
async fn sync_bodies_travel_as_cbor_when_asked_and_bad_cbor_is_refused_clearly() {
    let server = support::HqServer::start().await;
    let mut till = server.enrolled_till("AMS1", 1).await;
    for _ in 0..20 {
        till.complete_sale(&support::cash_sale(&[("MILK", 1), ("WINE", 1)]), None)
            .unwrap();
    }
    // A till of this release: its first sync asks in JSON, the rest go in CBOR.
    let report = kassa_sync::sync_once(&mut till).await.unwrap();
    assert_eq!(report.pending_sales, 0);
    assert_eq!(server.sales_at_hq("AMS1", "2026-11-23").await, 20);

    let token = till.device().unwrap().device_token.unwrap();
    let request: SyncRequest = serde_json::from_value(serde_json::json!({
        "protocol": kassa_protocol::PROTOCOL_VERSION,
        "docs": [],
        "catalogue_since": 0,
    }))
    .unwrap();
    let post = |content_type: &'static str, accept: Option<&'static str>, body: Vec<u8>| {
        let request = reqwest::Client::new()
            .post(format!("{}/v1/sync", server.url()))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body);
        match accept {
            Some(accept) => request.header("accept", accept),
            None => request,
        }
        .send()
    };
    let cbor = kassa_protocol::wire::to_cbor(&request).unwrap();
    let answer = post("application/cbor", Some("application/cbor"), cbor.clone())
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "application/cbor");
    let response: SyncResponse =
        kassa_protocol::wire::from_cbor(&answer.bytes().await.unwrap()).unwrap();
    assert!(response.catalogue.is_some(), "the same answer, in CBOR");

    // A till of the release before: JSON in, and JSON back since it asks for nothing else.
    let json = serde_json::to_vec(&request).unwrap();
    let answer = post("application/json", None, json).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert!(answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let _: SyncResponse = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();

    // Cut short, or CBOR said to be JSON: a clear 400, nothing applied.
    for (content_type, body) in [
        ("application/cbor", cbor[..cbor.len() / 2].to_vec()),
        ("application/cbor", [cbor.clone(), vec![0]].concat()),
        ("application/json", cbor.clone()),
    ] {
        let answer = post(content_type, Some("application/cbor"), body)
            .await
            .unwrap();
        assert_eq!(answer.status(), 400, "{content_type}");
        let error: serde_json::Value = answer.json().await.unwrap();
        assert!(
            error["message"].as_str().unwrap().starts_with("malformed"),
            "{error}"
        );
    }
    assert_eq!(server.sales_at_hq("AMS1", "2026-11-23").await, 20);
}
