//! What one sync round costs does not grow with a store's history: a till with two years of
//! daily ledgers and weekly stock epochs makes one sale and syncs, and the bytes on the wire and
//! the bytes head office loads from and writes to its database are those of a till with two
//! weeks of history.

mod support;

use chrono::{Duration, NaiveDate};
use support::{cash_sale, clock, HqServer};

/// What the measured round moved: (bytes on the wire, document bytes head office loaded from its
/// database, document bytes it wrote), and the documents the till holds.
struct Cost {
    wire: usize,
    loaded: u64,
    written: u64,
    documents: usize,
}

async fn one_sale_after(history_days: i64) -> Cost {
    let hq = HqServer::start().await;
    hq.receive("AMS1", "MILK", 1_000_000).await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    // A sale a day, the till offline all along (the quickest way to make the history), and a
    // stock epoch a week at head office.
    for back in (1..=history_days).rev() {
        let day = today - Duration::days(back);
        till = till.with_clock(clock(&format!("{day}T10:00:00+01:00")));
        till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
            .unwrap();
        if back % 7 == 0 {
            hq.hq.open_stock_epoch("AMS1").await.unwrap();
        }
    }
    for _ in 0..2 {
        kassa_sync::sync_once(&mut till).await.unwrap();
    }
    assert_eq!(till.sync_status().unwrap().pending_sales, 0);

    till = till.with_clock(clock(&format!("{today}T10:00:00+01:00")));
    till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap();
    // Nothing served from head office's cache: every document it needs is read from storage.
    hq.hq.set_document_cache_bytes(0);
    let (loaded, written) = hq.hq.document_bytes();
    let report = kassa_sync::sync_once(&mut till).await.unwrap();
    let (loaded_after, written_after) = hq.hq.document_bytes();
    assert_eq!(report.pending_sales, 0, "the sale reached head office");
    Cost {
        wire: report.bytes_sent + report.bytes_received,
        loaded: loaded_after - loaded,
        written: written_after - written,
        documents: till.document_ids().unwrap().len(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_with_one_sale_costs_the_same_after_two_years_as_after_two_weeks() {
    let short = one_sale_after(14).await;
    let long = one_sale_after(730).await;
    eprintln!(
        "two weeks: {} documents, {} B on the wire, {} B loaded, {} B written; \
         two years: {} documents, {} B, {} B, {} B",
        short.documents,
        short.wire,
        short.loaded,
        short.written,
        long.documents,
        long.wire,
        long.loaded,
        long.written
    );
    assert!(
        long.documents > 800,
        "two years of ledgers and epochs: {}",
        long.documents
    );
    // The same work either way, give or take a longer stock epoch id and the store's counters.
    let close = |two_years: u64, two_weeks: u64| two_years <= two_weeks + two_weeks / 5 + 512;
    assert!(
        close(long.wire as u64, short.wire as u64),
        "wire: {} B after two years, {} B after two weeks",
        long.wire,
        short.wire
    );
    assert!(
        close(long.loaded, short.loaded),
        "loaded: {} B after two years, {} B after two weeks",
        long.loaded,
        short.loaded
    );
    assert!(
        close(long.written, short.written),
        "written: {} B after two years, {} B after two weeks",
        long.written,
        short.written
    );
    // And small in absolute terms: one sale's changes, today's ledger and the week's stock.
    assert!(long.wire < 64 * 1024, "{} B on the wire", long.wire);
    assert!(long.loaded + long.written < 256 * 1024);
}

/// Records head office handed to its database in a round that brought one sale, after the
/// same day already held `earlier` sales.
async fn records_projected_for_one_sale_after(earlier: usize) -> u64 {
    let hq = HqServer::start().await;
    hq.receive("AMS1", "MILK", 1_000_000).await;
    let mut till = hq
        .enrolled_till("AMS1", 1)
        .await
        .with_clock(clock("2026-11-23T10:00:00+01:00"));
    for _ in 0..earlier {
        till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
            .unwrap();
    }
    for _ in 0..2 {
        kassa_sync::sync_once(&mut till).await.unwrap();
    }
    assert_eq!(till.sync_status().unwrap().pending_sales, 0);
    till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap();
    let before = hq.hq.records_projected();
    let report = kassa_sync::sync_once(&mut till).await.unwrap();
    assert_eq!(report.pending_sales, 0, "the sale reached head office");
    hq.hq.records_projected() - before
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_with_one_sale_projects_that_sale_however_full_the_day() {
    let quiet = records_projected_for_one_sale_after(1).await;
    let busy = records_projected_for_one_sale_after(300).await;
    eprintln!("records projected for one sale: {quiet} after 1 sale, {busy} after 300");
    // The sale and what came with it (its audit entry), not the day's other sales again.
    assert!(quiet > 0, "the sale was projected");
    assert_eq!(
        busy, quiet,
        "the day's earlier sales were not projected again"
    );
}
