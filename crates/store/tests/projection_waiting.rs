//! A record that arrives before what it points at (a void before its sale, which is in another
//! till's ledger) waits and is projected when the sale comes, without the till projecting every
//! record it holds after every round.

mod common;

use common::{cash, count, exchange, sale, setup, sync_one, till};
use kassa_domain::TaxMode;
use kassa_store::Till;

fn till_no(no: u16) -> Till {
    let mut till = Till::open_in_memory()
        .unwrap()
        .with_clock(common::at("2026-11-23T10:00:00+01:00"));
    let mut store = setup(TaxMode::Inclusive, 5);
    store.till_no = no;
    till.init(&store).unwrap();
    till.import_catalogue_csv(common::CATALOGUE.as_bytes(), false)
        .unwrap();
    till
}

fn voids(till: &Till) -> i64 {
    count(till, "voids")
}

#[test]
fn a_void_that_comes_before_its_sale_waits_for_it() {
    let mut seller = till();
    let mut voider = till_no(3);
    let mut third = till_no(4);
    // A fresh database asks for one full pass (it may have been kept from before the table).
    third.project_waiting().unwrap();
    assert_eq!(count(&third, "projection_waiting"), 0);

    let sold = seller
        .complete_sale(&sale(&[("WINE", 1)], vec![cash(None)]), None)
        .unwrap();
    exchange(&mut seller, &mut voider);
    voider
        .void_sale(&sold.receipt_no, "customer left", None)
        .unwrap();

    // The voiding till's ledger first: the void points at a sale this till has not seen.
    let voider_ledger = "ledger/AMS1/3/2026-11-23";
    sync_one(&mut voider, &mut third, voider_ledger);
    assert_eq!(third.project_waiting().unwrap(), 0);
    assert_eq!(voids(&third), 0);
    assert_eq!(count(&third, "projection_waiting"), 1, "the void waits");

    // The sale arrives; the round's end projects what waited, and nothing waits any more.
    let seller_ledger = "ledger/AMS1/2/2026-11-23";
    sync_one(&mut seller, &mut third, seller_ledger);
    assert_eq!(voids(&third), 0, "not yet: the void is in another document");
    assert_eq!(third.project_waiting().unwrap(), 1);
    assert_eq!(voids(&third), 1);
    assert_eq!(count(&third, "projection_waiting"), 0);
    assert!(third.sale(&sold.receipt_no).unwrap().void.is_some());
    assert_eq!(
        third.rebuild_verify().unwrap().differences,
        Vec::<String>::new(),
        "the rows are what a full projection gives"
    );
}
