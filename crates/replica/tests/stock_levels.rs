//! Reading only the stock levels a change touched gives what reading every level gives for
//! those SKUs, and leaves out what is not a SKU.

use kassa_replica::skeleton::new_document;
use kassa_replica::stock::{
    keys_written_since, on_hand_of_each, read_levels, record_movement, set_baseline,
};
use kassa_replica::{ActorId, DocId};
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn the_levels_a_change_touched_match_a_full_read() {
    let id = DocId::parse("stock/AMS1/0").unwrap();
    let mut doc = new_document(&id, ActorId::from(&[1u8; 16][..])).unwrap();
    let baseline: BTreeMap<String, i64> = (0..500).map(|i| (format!("SKU{i}"), 10)).collect();
    set_baseline(&mut doc, &baseline).unwrap();
    record_movement(&mut doc, "till-1", "SKU1", -2).unwrap();
    doc.commit();
    let before = doc.get_heads();

    // A sale by another writer (its first), a second sale of the same SKU, a product with no
    // baseline (sold before it was counted).
    record_movement(&mut doc, "till-2", "SKU1", -1).unwrap();
    record_movement(&mut doc, "till-1", "SKU7", -3).unwrap();
    record_movement(&mut doc, "till-2", "NEW", -1).unwrap();
    doc.commit();

    let written = keys_written_since(&mut doc, &before);
    assert!(
        written.contains("till-2"),
        "the writer's name is among the keys"
    );
    let touched = on_hand_of_each(&doc, &written).unwrap();
    let full = read_levels(&doc).unwrap().on_hand();
    assert_eq!(
        touched.keys().map(String::as_str).collect::<Vec<_>>(),
        ["NEW", "SKU1", "SKU7"],
        "only SKUs, only those written"
    );
    for (sku, on_hand) in &touched {
        assert_eq!(full[sku], *on_hand, "{sku}");
    }
    assert_eq!(touched["SKU1"], 7);
    assert_eq!(touched["NEW"], -1);

    // Asking for SKUs nobody wrote gives nothing; an untouched SKU reads its baseline.
    let asked: BTreeSet<String> = ["NOPE".to_string(), "SKU3".to_string()].into();
    assert_eq!(
        on_hand_of_each(&doc, &asked).unwrap(),
        BTreeMap::from([("SKU3".to_string(), 10)])
    );
}
