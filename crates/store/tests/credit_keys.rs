//! A store credit code is a bearer secret (issue 12): the refund receipt is the only place it is
//! in clear. The till keeps its key, in its documents, its database and its exceptions inbox, and
//! still finds the credit when the code is typed; a database kept before keys is rewritten when
//! it is opened.

mod common;

use common::{at, cash, exchange, sale, setup, CATALOGUE};
use kassa_domain::{credit_key_of_code, Money, TaxMode, TenderKind};
use kassa_replica::{kinds_in, read_records, AutoCommit, DocId};
use kassa_store::{RefundMethod, ReturnLineRequest, ReturnOf, ReturnRequest, TenderRequest, Till};
use std::path::Path;

fn till_at(path: &Path, till_no: u16) -> Till {
    let mut till = Till::open(path)
        .unwrap()
        .with_clock(at("2026-11-23T10:00:00+01:00"));
    let mut store = setup(TaxMode::Inclusive, 5);
    store.till_no = till_no;
    till.init(&store).unwrap();
    till.import_catalogue_csv(CATALOGUE.as_bytes(), false)
        .unwrap();
    till
}

fn reopen(path: &Path) -> Till {
    Till::open(path)
        .unwrap()
        .with_clock(at("2026-11-23T11:00:00+01:00"))
}

fn credit(code: &str, minor: Option<i64>) -> TenderRequest {
    TenderRequest {
        kind: TenderKind::Credit,
        amount: minor.map(Money::from_minor),
        reference: Some(code.into()),
    }
}

/// Sells a bottle of wine (8.99) and takes it back as store credit: the code on the receipt.
fn issue_credit(till: &mut Till) -> String {
    let sold = till
        .complete_sale(&sale(&[("WINE", 1)], vec![cash(None)]), None)
        .unwrap();
    let back = till
        .return_goods(
            &ReturnRequest {
                of: ReturnOf::Receipt {
                    receipt_no: sold.receipt_no.clone(),
                },
                lines: vec![ReturnLineRequest {
                    code: "WINE".into(),
                    quantity: 1,
                    restock: true,
                }],
                refund: RefundMethod::Credit,
                approved_by: None,
                reason: Some("changed mind".into()),
                remote_sale: None,
                remote_order: None,
            },
            None,
        )
        .unwrap();
    let code = back.refunds[0].reference.clone().unwrap();
    assert!(code.starts_with("CR-") && code.len() == 15, "{code}");
    code
}

/// Every record of every document the till holds, as JSON text, read from the documents
/// themselves (synced into a blank copy, as head office would receive them).
fn document_texts(till: &mut Till) -> Vec<String> {
    let mut out = Vec::new();
    for id in till.document_ids().unwrap() {
        let mut copy = AutoCommit::new();
        common::deliver(till, &id, &mut copy);
        let kind = DocId::parse(&id).unwrap().kind();
        for record_kind in kinds_in(kind) {
            for (_, record) in read_records::<serde_json::Value>(&copy, record_kind).unwrap() {
                out.push(record.to_string());
            }
        }
    }
    assert!(!out.is_empty(), "the till's documents hold its records");
    out
}

/// Every text in every table of the till's database.
fn database_texts(till: &Till) -> Vec<String> {
    let conn = till.connection();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(t) => {
                        out.push(String::from_utf8_lossy(t).into_owned())
                    }
                    rusqlite::types::ValueRef::Blob(b) => {
                        out.push(String::from_utf8_lossy(b).into_owned())
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

fn file_bytes_contain(path: &Path, needle: &str) -> bool {
    [path.to_path_buf(), path.with_extension("db-wal")]
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .any(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
}

#[test]
fn a_credit_code_is_kept_only_as_its_key_and_still_spends_by_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    let mut till = till_at(&path, 2);
    let code = issue_credit(&mut till);
    let secret = &code[3..];
    // Typed in lower case at another sale, part of it pays for bread.
    let paid = till
        .complete_sale(
            &sale(&[("BREAD", 1)], vec![credit(&code.to_lowercase(), None)]),
            None,
        )
        .unwrap();
    assert_eq!(
        paid.tenders[0].reference.as_deref(),
        Some(credit_key_of_code(&code).as_str())
    );
    assert_eq!(
        till.credit_balance(&code).unwrap().balance.minor(),
        899 - 249
    );

    for text in document_texts(&mut till) {
        assert!(!text.contains(secret), "a document holds the code: {text}");
    }
    assert!(
        document_texts(&mut till)
            .iter()
            .any(|t| t.contains(&credit_key_of_code(&code))),
        "the documents name the credit by its key"
    );
    for text in database_texts(&till) {
        assert!(
            !text.contains(secret),
            "the database holds the code: {text}"
        );
    }
    drop(till);
    assert!(!file_bytes_contain(&path, secret));

    // A typed key spends nothing: it is hashed again like any code.
    let mut till = reopen(&path);
    let key = credit_key_of_code(&code);
    assert!(till
        .complete_sale(&sale(&[("BREAD", 1)], vec![credit(&key, None)]), None)
        .is_err());
    assert!(till.credit_balance(&key).is_err());
    assert_eq!(till.credit_balance(&code).unwrap().balance.minor(), 650);
}

#[test]
fn the_inbox_names_an_over_redeemed_credit_by_its_label_not_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = till_at(&dir.path().join("a.db"), 2);
    let mut b = till_at(&dir.path().join("b.db"), 3);
    let code = issue_credit(&mut a);
    exchange(&mut a, &mut b);
    // Offline, both tills spend the whole credit.
    for till in [&mut a, &mut b] {
        till.complete_sale(&sale(&[("WINE", 1)], vec![credit(&code, None)]), None)
            .unwrap();
    }
    exchange(&mut a, &mut b);
    let inbox = a.exceptions().unwrap();
    let over: Vec<_> = inbox
        .iter()
        .filter(|e| e.kind.as_str() == "over_redeemed_credit")
        .collect();
    assert_eq!(over.len(), 1, "{inbox:?}");
    let key = credit_key_of_code(&code);
    assert_eq!(over[0].id, format!("over-redeemed-credit/{key}"));
    assert!(
        over[0].message.contains(&format!("#{}", &key[..8])),
        "{}",
        over[0].message
    );
    let shown = serde_json::to_string(&inbox).unwrap();
    assert!(!shown.contains(&code[3..]), "{shown}");
    // Closing it works by the id the inbox shows, at both tills.
    a.resolve_exception(&over[0].id, "customer paid the difference", None, None)
        .unwrap();
    exchange(&mut a, &mut b);
    assert!(b
        .exceptions()
        .unwrap()
        .iter()
        .any(|e| e.id == over[0].id && e.resolution.is_some()));
}

/// Till migration 0028 undone: a sale's lines, taxes and tenders back in their own tables, as
/// schema 21 kept them (so the upgrade moves them again, credit codes included).
const UNDO_SALE_IN_ONE_ROW: &str = "
    CREATE TABLE sale_lines (
        sale_id TEXT NOT NULL REFERENCES sales (id), line_no INTEGER NOT NULL,
        sku TEXT NOT NULL, name TEXT NOT NULL, quantity INTEGER NOT NULL CHECK (quantity > 0),
        list_price INTEGER NOT NULL, unit_price INTEGER NOT NULL, override_reason TEXT,
        gross INTEGER NOT NULL, line_discount INTEGER NOT NULL, basket_discount INTEGER NOT NULL,
        amount INTEGER NOT NULL, tax_rate_bp INTEGER NOT NULL, tax INTEGER NOT NULL,
        PRIMARY KEY (sale_id, line_no)) WITHOUT ROWID;
    INSERT INTO sale_lines SELECT s.id, l.key + 1, l.value ->> 'sku', l.value ->> 'name',
        l.value ->> 'quantity', l.value ->> 'list_price', l.value ->> 'unit_price',
        l.value ->> 'override_reason', l.value ->> 'gross', l.value ->> 'line_discount',
        l.value ->> 'basket_discount', l.value ->> 'amount', l.value ->> 'tax_rate',
        l.value ->> 'tax'
        FROM sales s, json_each(s.lines) l;
    CREATE TABLE sale_taxes (
        sale_id TEXT NOT NULL REFERENCES sales (id), rate_bp INTEGER NOT NULL,
        net INTEGER NOT NULL, tax INTEGER NOT NULL, gross INTEGER NOT NULL,
        PRIMARY KEY (sale_id, rate_bp)) WITHOUT ROWID;
    INSERT INTO sale_taxes SELECT s.id, x.value ->> 'rate', x.value ->> 'net', x.value ->> 'tax',
        x.value ->> 'gross'
        FROM sales s, json_each(s.taxes) x;
    CREATE TABLE sale_tenders (
        sale_id TEXT NOT NULL REFERENCES sales (id), tender_no INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('cash', 'card', 'credit', 'exchange', 'online')),
        amount INTEGER NOT NULL CHECK (amount > 0), reference TEXT,
        PRIMARY KEY (sale_id, tender_no)) WITHOUT ROWID;
    INSERT INTO sale_tenders SELECT s.id, t.key + 1, t.value ->> 'kind', t.value ->> 'amount',
        t.value ->> 'reference'
        FROM sales s, json_each(s.tenders) t;
    CREATE INDEX sale_tenders_credit ON sale_tenders (reference) WHERE kind = 'credit';
    CREATE TRIGGER sale_tenders_immutable_update BEFORE UPDATE ON sale_tenders
    BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;
    DROP TABLE credit_redemptions;
    DROP TRIGGER sales_immutable_update;
    ALTER TABLE sales DROP COLUMN lines;
    ALTER TABLE sales DROP COLUMN taxes;
    ALTER TABLE sales DROP COLUMN tenders;
    CREATE TRIGGER sales_immutable_update BEFORE UPDATE ON sales
    BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;
";

/// Puts the code back where a till before keys kept it, as that till's schema (21) had it.
fn write_as_before_keys(path: &Path, code: &str, resolution_id: &str) {
    let key = credit_key_of_code(code);
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(&format!(
        "{UNDO_SALE_IN_ONE_ROW}
         DROP TRIGGER sale_tenders_immutable_update;
         DROP TRIGGER returns_immutable_update;
         DROP TRIGGER resolutions_immutable_update;
         UPDATE sale_tenders SET reference = '{code}' WHERE reference = '{key}';
         UPDATE credit_issues SET code = '{code}' WHERE code = '{key}';
         UPDATE returns SET record = replace(record, '{key}', '{code}');
         UPDATE resolutions SET exception_id = replace(exception_id, '{key}', '{code}'),
                                record = replace(record, '{key}', '{code}')
             WHERE id = '{resolution_id}';
         DELETE FROM inbox_exceptions;
         CREATE TRIGGER sale_tenders_immutable_update BEFORE UPDATE ON sale_tenders
         BEGIN SELECT RAISE(ABORT, 'sales are immutable: record a void instead'); END;
         CREATE TRIGGER returns_immutable_update BEFORE UPDATE ON returns
         BEGIN SELECT RAISE(ABORT, 'returns are immutable'); END;
         CREATE TRIGGER resolutions_immutable_update BEFORE UPDATE ON resolutions
         BEGIN SELECT RAISE(ABORT, 'resolutions are immutable'); END;
         DROP TABLE signed_heads; -- made by 0024, after schema 21
         DROP TABLE doc_heads; -- and 0025
         DROP TABLE projection_waiting; -- and 0027
         DROP TABLE name_index_deferral; -- and 0026, with the name index triggers before it
         DROP TRIGGER products_fts_insert;
         DROP TRIGGER products_fts_delete;
         DROP TRIGGER products_fts_update;
         CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
             INSERT INTO products_fts (rowid, name, sku, category)
             VALUES (new.id, new.name, new.sku, new.category);
         END;
         CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
             INSERT INTO products_fts (products_fts, rowid, name, sku, category)
             VALUES ('delete', old.id, old.name, old.sku, old.category);
         END;
         CREATE TRIGGER products_fts_update AFTER UPDATE ON products BEGIN
             INSERT INTO products_fts (products_fts, rowid, name, sku, category)
             VALUES ('delete', old.id, old.name, old.sku, old.category);
             INSERT INTO products_fts (rowid, name, sku, category)
             VALUES (new.id, new.name, new.sku, new.category);
         END;
         ALTER TABLE device DROP COLUMN docs_cursor;
         ALTER TABLE device DROP COLUMN hq_protocol;
         DROP TABLE scheduled_prices; -- and 0030
         ALTER TABLE sync_status DROP COLUMN pending_after_round; -- and 0031
         DROP TABLE pickup_code_resets; -- and 0032
         PRAGMA user_version = 21;"
    ))
    .unwrap();
    let texts: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM sale_tenders WHERE reference = ?1)
                  + (SELECT count(*) FROM credit_issues WHERE code = ?1)
                  + (SELECT count(*) FROM returns WHERE record LIKE '%' || ?1 || '%')
                  + (SELECT count(*) FROM resolutions WHERE exception_id LIKE '%' || ?1)",
            [code],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(texts, 5, "the old layout is in place before the upgrade");
}

#[test]
fn opening_a_database_kept_before_keys_rewrites_every_code_and_keeps_every_balance() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    let mut a = till_at(&path, 2);
    let mut b = till_at(&dir.path().join("b.db"), 3);
    let code = issue_credit(&mut a);
    exchange(&mut a, &mut b);
    for till in [&mut a, &mut b] {
        till.complete_sale(&sale(&[("WINE", 1)], vec![credit(&code, None)]), None)
            .unwrap();
    }
    exchange(&mut a, &mut b);
    let exception_id = format!("over-redeemed-credit/{}", credit_key_of_code(&code));
    let resolution = a
        .resolve_exception(&exception_id, "checked", None, None)
        .unwrap();
    let before = a.credit_balance(&code).unwrap();
    drop(a);
    write_as_before_keys(&path, &code, &resolution.id);

    let mut a = reopen(&path);
    for text in database_texts(&a) {
        assert!(!text.contains(&code[3..]), "left after the upgrade: {text}");
    }
    assert_eq!(a.credit_balance(&code).unwrap(), before);
    assert_eq!(before.balance.minor(), -899);
    // The exception is found again, under its new id, still closed by its resolution.
    let inbox = a.exceptions().unwrap();
    let over: Vec<_> = inbox
        .iter()
        .filter(|e| e.kind.as_str() == "over_redeemed_credit")
        .collect();
    assert_eq!(over.len(), 1, "{inbox:?}");
    assert_eq!(over[0].id, exception_id);
    assert!(over[0].resolution.is_some(), "{:?}", over[0]);
    drop(a);
    assert!(!file_bytes_contain(&path, &code[3..]));
}
