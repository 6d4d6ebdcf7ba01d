//! Tills and a real head office over loopback: offline days, lost responses, several tills,
//! catalogue and stock flowing, and nothing ever duplicated.

mod support;

use kassa_sync::{sync_once, HqClient, SyncError};
use support::{cash_sale, clock, HqServer};

const DAY: &str = "2026-11-23";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_offline_for_a_whole_day_syncs_every_sale_once() {
    let mut hq = HqServer::start().await;
    hq.receive("AMS1", "MILK", 500).await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    assert_eq!(
        till.find_by_code("MILK").unwrap().unwrap().price.minor(),
        129,
        "the catalogue came with the first sync"
    );
    assert_eq!(till.stock_on_hand("MILK").unwrap(), 500, "so did the stock");

    hq.stop().await;
    let mut total = 0;
    for i in 0..300 {
        let minute = i % 60;
        till = till.with_clock(clock(&format!(
            "2026-11-23T{:02}:{minute:02}:00+01:00",
            9 + i / 60
        )));
        total += till
            .complete_sale(&cash_sale(&[("MILK", 1), ("WINE", 1 + i % 2)]), None)
            .unwrap()
            .amount_due
            .minor();
    }
    let err = sync_once(&mut till).await.unwrap_err();
    assert!(matches!(err, SyncError::Offline(_)), "{err}");
    let status = till.sync_status().unwrap();
    assert!(!status.online && status.offline_since.is_some());
    assert_eq!(
        (status.pending_sales, status.pending_amount.minor()),
        (300, total)
    );

    hq.restart().await;
    let report = sync_once(&mut till).await.unwrap();
    assert_eq!(report.pending_sales, 0);
    let status = till.sync_status().unwrap();
    assert!(status.online && status.offline_since.is_none());
    assert_eq!(hq.sales_at_hq("AMS1", DAY).await, 300);
    let feed = hq.hq.sales_feed("AMS1", DAY).await.unwrap();
    assert_eq!(
        feed.sales.iter().map(|s| s.amount_due.minor()).sum::<i64>(),
        total
    );
    let availability = hq.hq.stock_availability("MILK").await.unwrap();
    let ams = availability
        .stores
        .iter()
        .find(|s| s.store == "AMS1")
        .unwrap();
    assert_eq!(ams.on_hand, 200, "500 received, 300 sold");
    // A second round moves nothing new and duplicates nothing.
    let again = sync_once(&mut till).await.unwrap();
    assert_eq!(again.records_received, 0);
    assert_eq!(hq.sales_at_hq("AMS1", DAY).await, 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_response_is_retried_without_a_duplicate() {
    let hq = HqServer::start().await;
    let mut lost_after_head_office_had_them = 0;
    // Lose the answer to each request of a round in turn (one till per case).
    for (case, lost_request) in (1..=3).enumerate() {
        let till_no = u16::try_from(case + 1).unwrap();
        let mut till = hq.enrolled_till("AMS1", till_no).await;
        for _ in 0..5 {
            till.complete_sale(&cash_sale(&[("BREAD", 1)]), None)
                .unwrap();
        }
        let before = hq.sales_at_hq("AMS1", DAY).await;
        let device = till.device().unwrap();
        let client = HqClient::new(&hq.url(), device.device_token.clone()).unwrap();
        client.lose_response_of_request(lost_request);
        let err = kassa_sync::sync_with(&mut till, &client).await.unwrap_err();
        assert!(matches!(err, SyncError::Offline(_)), "{err}");
        assert_eq!(
            till.sync_status().unwrap().pending_sales,
            5,
            "the till cannot know they arrived"
        );
        if hq.sales_at_hq("AMS1", DAY).await == before + 5 {
            lost_after_head_office_had_them += 1;
        }

        let report = sync_once(&mut till).await.unwrap();
        assert_eq!(report.pending_sales, 0, "case {lost_request}");
        assert_eq!(
            hq.sales_at_hq("AMS1", DAY).await,
            before + 5,
            "case {lost_request}: each sale exactly once"
        );
        assert_eq!(
            till.rebuild_verify().unwrap().differences,
            Vec::<String>::new()
        );
    }
    assert!(
        lost_after_head_office_had_them >= 1,
        "some case lost the answer to the request that delivered the sales"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tills_of_a_store_see_each_other_and_head_office_sees_all() {
    let hq = HqServer::start().await;
    hq.receive("AMS1", "WINE", 10).await;
    let mut one = hq.enrolled_till("AMS1", 1).await;
    let mut two = hq.enrolled_till("AMS1", 2).await;
    let mut other_store = hq.enrolled_till("RTM1", 1).await;
    let sale_one = one.complete_sale(&cash_sale(&[("WINE", 2)]), None).unwrap();
    let sale_two = two.complete_sale(&cash_sale(&[("WINE", 3)]), None).unwrap();
    other_store
        .complete_sale(&cash_sale(&[("WINE", 1)]), None)
        .unwrap();
    for till in [&mut one, &mut two, &mut other_store] {
        sync_once(till).await.unwrap();
    }
    sync_once(&mut one).await.unwrap(); // now head office has till 2's sale for till 1
    assert_eq!(
        one.sale(&sale_two.receipt_no).unwrap(),
        sale_two,
        "till 1 sees till 2's sale"
    );
    assert_eq!(two.sale(&sale_one.receipt_no).unwrap(), sale_one);
    assert!(
        one.sale("RTM1-1-1").is_err(),
        "another store's sales stay there"
    );
    assert_eq!(one.stock_on_hand("WINE").unwrap(), 5);
    assert_eq!(two.stock_on_hand("WINE").unwrap(), 5);
    let availability = hq.hq.stock_availability("WINE").await.unwrap();
    let on_hand: Vec<(String, i64)> = availability
        .stores
        .iter()
        .map(|s| (s.store.clone(), s.on_hand))
        .collect();
    assert_eq!(
        on_hand,
        vec![("AMS1".to_string(), 5), ("RTM1".to_string(), -1)]
    );
    assert!(
        availability.stores.iter().all(|s| s.as_of.is_some()),
        "each figure says how fresh it is"
    );
    let exceptions = hq.hq.exceptions().await.unwrap();
    assert_eq!(
        exceptions.len(),
        1,
        "negative stock at RTM1 is flagged: {exceptions:?}"
    );
    assert_eq!(
        (exceptions[0].kind.as_str(), exceptions[0].store.as_str()),
        ("negative_stock", "RTM1")
    );
    for till in [&mut one, &mut two, &mut other_store] {
        assert_eq!(
            till.rebuild_verify().unwrap().differences,
            Vec::<String>::new()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_change_at_head_office_reaches_the_till_on_its_next_sync() {
    let hq = HqServer::start().await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    let before = till.device().unwrap().catalogue_version;
    hq.hq.import_catalogue_csv(b"sku,name,price,tax_class\nMILK,Whole milk 1 L,1.39,reduced\nTEA,Green tea,2.50,reduced\n").await.unwrap();
    let report = sync_once(&mut till).await.unwrap();
    assert_eq!(report.products_updated, 2, "only what changed travels");
    assert!(report.catalogue_version > before);
    assert_eq!(
        till.find_by_code("MILK").unwrap().unwrap().price.minor(),
        139
    );
    assert_eq!(
        till.complete_sale(&cash_sale(&[("TEA", 1)]), None)
            .unwrap()
            .total
            .minor(),
        250
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_counts_its_sync_rounds_for_prometheus() {
    let hq = HqServer::start().await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap();
    let scrape = |token: Option<&'static str>| {
        let url = format!("{}/metrics", hq.url());
        async move {
            let mut request = reqwest::Client::new().get(url);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            request.send().await.unwrap()
        }
    };
    let series = |text: &str, series: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
            .parse()
            .unwrap()
    };
    let before = scrape(Some(support::ADMIN_TOKEN))
        .await
        .text()
        .await
        .unwrap();
    let rounds_before = series(&before, "kassa_hq_sync_round_seconds_count");
    let report = sync_once(&mut till).await.unwrap();
    assert_eq!(scrape(None).await.status().as_u16(), 401);
    let answer = scrape(Some(support::ADMIN_TOKEN)).await;
    assert_eq!(answer.status().as_u16(), 200);
    assert!(answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = answer.text().await.unwrap();
    let value = |name: &str| series(&text, name);
    let rounds = value("kassa_hq_sync_round_seconds_count");
    assert_eq!(
        rounds,
        rounds_before + report.exchanges as f64,
        "{report:?}\n{text}"
    );
    assert_eq!(
        value("kassa_hq_sync_round_seconds_bucket{le=\"+Inf\"}"),
        rounds
    );
    assert_eq!(value("kassa_hq_sync_errors_total"), 0.0);
    assert!(value("kassa_hq_sync_round_seconds_sum") > 0.0);
    assert!(value("kassa_hq_cached_documents") >= 1.0, "{text}");
    // The refused scrape counts as a 4xx.
    assert!(
        value("kassa_hq_requests_total{class=\"4xx\"}") >= 1.0,
        "{text}"
    );
}

/// Head office appends each sync's changes to a document as a chunk, and compacts a document of
/// many chunks into one: it reads the same (heads, content), is smaller, and syncing goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_grown_by_appended_chunks_compact_and_read_the_same() {
    let hq = HqServer::start().await;
    hq.receive("AMS1", "MILK", 500).await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    let rounds = kassa_hq::COMPACT_AT_CHUNKS + 4;
    for _ in 0..rounds {
        till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
            .unwrap();
        sync_once(&mut till).await.unwrap();
    }
    let storage = hq.hq.storage();
    let ledger = kassa_replica::DocId::parse("ledger/AMS1/1/2026-11-23").unwrap();
    let chunked = storage
        .documents_to_compact(kassa_hq::COMPACT_AT_CHUNKS, 100)
        .await
        .unwrap();
    assert!(chunked.contains(&ledger), "{chunked:?}");
    let bytes_before = storage.load_document(&ledger).await.unwrap().unwrap();
    let mut before = kassa_replica::AutoCommit::load(&bytes_before).unwrap();

    let compacted = hq
        .hq
        .compact_documents(kassa_hq::COMPACT_AT_CHUNKS, 100)
        .await
        .unwrap();
    assert!(compacted >= 1);
    let bytes_after = storage.load_document(&ledger).await.unwrap().unwrap();
    let mut after = kassa_replica::AutoCommit::load(&bytes_after).unwrap();
    assert_eq!(after.get_heads(), before.get_heads());
    assert_eq!(after.save(), before.save(), "the same document");
    assert!(
        bytes_after.len() < bytes_before.len(),
        "{} B in one chunk, {} B in {rounds} chunks",
        bytes_after.len(),
        bytes_before.len()
    );
    assert!(storage
        .documents_to_compact(kassa_hq::COMPACT_AT_CHUNKS, 100)
        .await
        .unwrap()
        .is_empty());

    till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap();
    sync_once(&mut till).await.unwrap();
    assert_eq!(hq.sales_at_hq("AMS1", DAY).await, rounds + 1);
    assert_eq!(till.sync_status().unwrap().pending_sales, 0);
}

/// A round marks as at head office only what the ledger gained since the last round it marked
/// (not every record of the day again), and every record still ends up marked: round after round,
/// and after the heads it marked last are unknown to the document (then it marks them all).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_round_marks_what_head_office_holds_and_only_that_is_read() {
    let hq = HqServer::start().await;
    hq.receive("AMS1", "MILK", 500).await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    let mut rung = 0;
    for round in 0..4 {
        for i in 0..5 {
            till = till.with_clock(clock(&format!("2026-11-23T1{round}:0{i}:00+01:00")));
            till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
                .unwrap();
            rung += 1;
        }
        assert_eq!(till.sync_status().unwrap().pending_sales, 5);
        let report = sync_once(&mut till).await.unwrap();
        assert_eq!(report.pending_sales, 0, "round {round}");
        assert_eq!(
            till.sync_status().unwrap().pending_sales,
            0,
            "round {round}"
        );
    }
    assert_eq!(hq.sales_at_hq("AMS1", DAY).await, rung);

    // Heads the document does not hold (a damaged row): the next round marks every record.
    till.connection()
        .execute_batch(&format!(
            "UPDATE doc_heads SET confirmed = '[\"{}\"]' WHERE doc_id LIKE 'ledger/%';
             DELETE FROM hq_confirmed;",
            "ab".repeat(32)
        ))
        .unwrap();
    assert_eq!(till.sync_status().unwrap().pending_sales, rung as i64);
    till = till.with_clock(clock("2026-11-23T15:00:00+01:00"));
    till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap();
    let report = sync_once(&mut till).await.unwrap();
    assert_eq!(report.pending_sales, 0);
    assert_eq!(hq.sales_at_hq("AMS1", DAY).await, rung + 1);
}
