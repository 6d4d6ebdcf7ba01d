//! Protocol versions one apart during a rolling upgrade, and the document cursor: a till is told
//! only about documents that changed since its last sync.
//!
//! Head office answers protocol 1 (every document listed, no cursor) and 2 (the cursor); a till
//! speaks the lower of its own version and the one head office last answered with, so a till
//! upgraded before head office keeps syncing, and moves up once head office has.

mod support;

use kassa_hq::{Hq, HqError};
use kassa_protocol::{SyncRequest, SyncResponse, OLDEST_PROTOCOL_VERSION, PROTOCOL_VERSION};
use kassa_sync::{sync_with, HqLink, SyncError};
use std::future::Future;
use std::sync::{Arc, Mutex};
use support::{cash_sale, HqServer};

const DAY: &str = "2026-11-23";

/// Head office in this process, as this release or as the release before (which refuses any
/// protocol but 1 and knows nothing of cursors). Keeps every request and answer.
struct Link {
    hq: Arc<Hq>,
    token: String,
    previous_release: bool,
    seen: Mutex<Vec<(SyncRequest, SyncResponse)>>,
}

impl Link {
    fn new(hq: &HqServer, token: String, previous_release: bool) -> Link {
        Link {
            hq: hq.hq.clone(),
            token,
            previous_release,
            seen: Mutex::new(Vec::new()),
        }
    }

    fn seen(&self) -> Vec<(SyncRequest, SyncResponse)> {
        self.seen.lock().unwrap().clone()
    }
}

impl HqLink for Link {
    fn sync(
        &self,
        request: &SyncRequest,
    ) -> impl Future<Output = Result<SyncResponse, SyncError>> + Send {
        let (hq, token, previous, request) = (
            self.hq.clone(),
            self.token.clone(),
            self.previous_release,
            request.clone(),
        );
        let seen = &self.seen;
        async move {
            let answer = |e: HqError| SyncError::Rejected {
                status: e.status(),
                code: e.code().into(),
                message: e.to_string(),
            };
            if previous && request.protocol != 1 {
                // What the release before answered to any other version.
                return Err(SyncError::Rejected {
                    status: 400,
                    code: "bad_request".into(),
                    message: format!("protocol version {} is not supported", request.protocol),
                });
            }
            let device = hq.authenticate(Some(&token)).await.map_err(answer)?;
            let mut response = hq.sync(&device, request.clone()).await.map_err(answer)?;
            if previous {
                // Fields the release before did not have.
                response.hq_protocol = None;
                response.docs_cursor = None;
            }
            seen.lock().unwrap().push((request, response.clone()));
            Ok(response)
        }
    }
}

/// A till enrolled (not yet synced), so it has never heard head office's protocol.
async fn enrolled(hq: &HqServer, store: &str, till_no: u16) -> (kassa_store::Till, String) {
    let mut till = kassa_store::Till::open_in_memory()
        .unwrap()
        .with_clock(support::clock("2026-11-23T09:00:00+01:00"));
    let code = hq.enroll_code(store, till_no).await;
    kassa_sync::enroll(&mut till, &hq.url(), &code)
        .await
        .unwrap();
    let token = till.device().unwrap().device_token.unwrap();
    (till, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_upgraded_before_head_office_keeps_syncing_and_moves_up_with_it() {
    let hq = HqServer::start().await;
    hq.receive("AMS1", "MILK", 100).await;
    let (mut till, token) = enrolled(&hq, "AMS1", 1).await;

    // Head office still runs the release before: the till speaks protocol 1 to it.
    let old = Link::new(&hq, token.clone(), true);
    sync_with(&mut till, &old).await.unwrap();
    till.complete_sale(&cash_sale(&[("MILK", 2)]), None)
        .unwrap();
    sync_with(&mut till, &old).await.unwrap();
    assert!(old.seen().iter().all(|(request, _)| request.protocol == 1));
    assert!(
        old.seen()
            .iter()
            .all(|(request, _)| request.docs_since.is_none()),
        "no cursor in protocol 1"
    );
    assert_eq!(hq.sales_at_hq("AMS1", DAY).await, 1);
    assert_eq!(till.sync_status().unwrap().pending_sales, 0);

    // Head office upgraded: the first answer says it speaks 2, and the till moves up.
    let new = Link::new(&hq, token, false);
    till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap();
    sync_with(&mut till, &new).await.unwrap();
    sync_with(&mut till, &new).await.unwrap();
    let seen = new.seen();
    assert_eq!(seen[0].0.protocol, 1, "it had heard protocol 1 last");
    assert_eq!(seen[0].1.hq_protocol, Some(PROTOCOL_VERSION));
    let (last_request, last_response) = seen.last().unwrap();
    assert_eq!(last_request.protocol, PROTOCOL_VERSION);
    assert!(last_request.docs_since.is_some());
    assert!(last_response.docs_cursor.is_some());
    assert_eq!(hq.sales_at_hq("AMS1", DAY).await, 2);
    assert_eq!(till.sync_status().unwrap().pending_sales, 0);
    assert_eq!(till.stock_on_hand("MILK").unwrap(), 97);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_of_the_release_before_gets_the_answer_it_expects() {
    let hq = HqServer::start().await;
    hq.receive("AMS1", "MILK", 100).await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap();
    kassa_sync::sync_once(&mut till).await.unwrap();
    let token = till.device().unwrap().device_token.unwrap();

    let request = |protocol: u32, docs_since: Option<i64>| SyncRequest {
        protocol,
        docs_since,
        ..SyncRequest::new(Vec::new())
    };
    let device = hq.hq.authenticate(Some(&token)).await.unwrap();
    let every_document = hq.hq.storage().document_heads("AMS1").await.unwrap().len();
    assert!(
        every_document >= 2,
        "a ledger and a stock document at least"
    );

    // Protocol 1, as the release before sends it: every document, no cursor, version 1.
    let old = hq.hq.sync(&device, request(1, None)).await.unwrap();
    assert_eq!(old.protocol, 1);
    assert_eq!(old.docs_cursor, None);
    assert_eq!(old.store_docs.len(), every_document);
    // A cursor from a protocol 1 request is no part of it.
    let old = hq
        .hq
        .sync(&device, request(1, Some(i64::MAX)))
        .await
        .unwrap();
    assert_eq!(old.store_docs.len(), every_document);

    // Protocol 2 with the cursor it was given: nothing changed, nothing listed.
    let first = hq.hq.sync(&device, request(2, None)).await.unwrap();
    assert_eq!(first.store_docs.len(), every_document);
    let cursor = first.docs_cursor.expect("a cursor");
    let again = hq.hq.sync(&device, request(2, Some(cursor))).await.unwrap();
    assert!(again.store_docs.is_empty(), "{:?}", again.store_docs);
    assert_eq!(again.docs_cursor, Some(cursor));
    // A cursor head office never gave (its database restored from an older backup): the whole
    // list again, so the till misses nothing.
    let ahead = hq
        .hq
        .sync(&device, request(2, Some(cursor + 1_000)))
        .await
        .unwrap();
    assert_eq!(ahead.store_docs.len(), every_document);

    for unsupported in [OLDEST_PROTOCOL_VERSION - 1, PROTOCOL_VERSION + 1] {
        match hq.hq.sync(&device, request(unsupported, None)).await {
            Err(HqError::BadRequest(message)) => assert!(message.contains("protocol"), "{message}"),
            other => panic!("protocol {unsupported}: expected a refusal, got {other:?}"),
        }
    }
}

/// With a cursor, a settled till is told of nothing; a sale on another till of its store is
/// announced as that till's documents only, and reaches it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_is_told_only_about_documents_that_changed_since_its_last_sync() {
    let hq = HqServer::start().await;
    hq.receive("AMS1", "MILK", 100).await;
    let mut first = hq.enrolled_till("AMS1", 1).await;
    let mut second = hq.enrolled_till("AMS1", 2).await;
    for _ in 0..3 {
        first
            .complete_sale(&cash_sale(&[("MILK", 1)]), None)
            .unwrap();
        kassa_sync::sync_once(&mut first).await.unwrap();
        kassa_sync::sync_once(&mut second).await.unwrap();
    }
    let token = first.device().unwrap().device_token.unwrap();
    let link = Link::new(&hq, token, false);
    sync_with(&mut first, &link).await.unwrap();
    let settled = link.seen();
    assert_eq!(settled.len(), 1, "one exchange: nothing to send or fetch");
    assert!(
        settled[0].1.store_docs.is_empty(),
        "a settled till is told of nothing: {:?}",
        settled[0].1.store_docs
    );
    assert!(settled[0].0.docs.is_empty());

    second
        .complete_sale(&cash_sale(&[("MILK", 5)]), None)
        .unwrap();
    kassa_sync::sync_once(&mut second).await.unwrap();
    sync_with(&mut first, &link).await.unwrap();
    let seen = link.seen();
    let announced: Vec<&str> = seen[1]
        .1
        .store_docs
        .iter()
        .map(|d| d.doc_id.as_str())
        .collect();
    assert!(
        announced.iter().all(|id| !id.starts_with("ledger/AMS1/1/")),
        "nothing of this till's own settled ledger: {announced:?}"
    );
    assert!(
        announced.iter().any(|id| id.starts_with("ledger/AMS1/2/")),
        "the other till's ledger: {announced:?}"
    );
    assert_eq!(first.stock_on_hand("MILK").unwrap(), 100 - 3 - 5);
}
