//! `kassa rebuild --verify`: rebuild every projection from the documents into a scratch database
//! and compare it, row by row, with the till's own tables.

use crate::command::documents::stored_ids;
use crate::database;
use crate::error::StoreError;
use crate::projection::{insert_void_record, project_doc};
use crate::till::Till;
use kassa_replica::ledger::{SaleRecord, VoidRecord};
use kassa_replica::{read_records, DocKind, RecordKind};
use rusqlite::types::Value;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub documents: usize,
    pub sales_in_documents: usize,
    pub voids_in_documents: usize,
    /// Empty when the projections equal what the documents say.
    pub differences: Vec<String>,
}

/// The projected tables and the columns that identify a row.
const TABLES: [(&str, &str); 16] = [
    ("sales", "id"),
    ("credit_redemptions", "sale_id, tender_no"),
    ("voids", "id"),
    ("orders", "id"),
    ("order_lines", "order_id, sku"),
    ("pickup_lines", "pickup_id, sku"),
    ("order_cancellations", "id"),
    ("pickups", "id"),
    ("pickup_code_resets", "id"),
    ("returns", "id"),
    ("credit_issues", "return_id, refund_no"),
    ("resolutions", "id"),
    ("shifts", "id"),
    ("cash_movements", "id"),
    ("shift_closes", "shift_id"),
    ("record_conflicts", "doc_id, map, record_id"),
];

fn rows(
    conn: &Connection,
    table: &str,
    key: &str,
) -> Result<BTreeMap<String, Vec<Value>>, StoreError> {
    let mut stmt = conn.prepare(&format!("SELECT {key}, * FROM {table}"))?;
    let key_columns = key.split(',').count();
    let columns = stmt.column_count();
    let mut out = BTreeMap::new();
    let mut query = stmt.query([])?;
    while let Some(row) = query.next()? {
        let mut values = Vec::with_capacity(columns);
        for i in 0..columns {
            values.push(row.get::<_, Value>(i)?);
        }
        let key = values[..key_columns]
            .iter()
            .map(|v| format!("{v:?}"))
            .collect::<Vec<_>>()
            .join("/");
        out.insert(key, values.split_off(key_columns));
    }
    Ok(out)
}

impl Till {
    pub fn rebuild_verify(&mut self) -> Result<VerifyReport, StoreError> {
        self.write_documents()?;
        let scratch = database::open_scratch()?;
        let mut report = VerifyReport::default();
        let mut voids = Vec::new();
        let ids = stored_ids(&self.conn)?;
        report.documents = ids.len();
        for id in &ids {
            let doc = self.docs.get(&self.conn, id)?;
            project_doc(&scratch, id, doc)?;
            if id.kind() == DocKind::Ledger {
                report.sales_in_documents +=
                    read_records::<SaleRecord>(doc, RecordKind::Sale)?.len();
                voids.extend(
                    read_records::<VoidRecord>(doc, RecordKind::Void)?
                        .into_iter()
                        .map(|(_, v)| v),
                );
            }
        }
        // A void can sit in an earlier document than its sale: a second pass projects it.
        for void in &voids {
            report.voids_in_documents += 1;
            insert_void_record(&scratch, void)?;
            let projected: bool = scratch.query_row(
                "SELECT EXISTS (SELECT 1 FROM voids WHERE id = ?1)",
                [&void.id],
                |r| r.get(0),
            )?;
            if !projected {
                report.differences.push(format!(
                    "void {} points at sale {} that no document holds",
                    void.id, void.sale_id
                ));
            }
        }
        for (table, key) in TABLES {
            let live = rows(&self.conn, table, key)?;
            let rebuilt = rows(&scratch, table, key)?;
            for (k, values) in &rebuilt {
                match live.get(k) {
                    None => report.differences.push(format!(
                        "{table} {k}: in the documents, missing from the projection"
                    )),
                    Some(v) if v != values => report.differences.push(format!(
                        "{table} {k}: projection differs from the documents"
                    )),
                    Some(_) => {}
                }
            }
            for k in live.keys().filter(|k| !rebuilt.contains_key(*k)) {
                report
                    .differences
                    .push(format!("{table} {k}: in the projection, in no document"));
            }
        }
        // The kept inbox is derived from those tables as records arrive: it must say what the
        // rules say when run over everything.
        let kept = self.exceptions()?;
        let from_scratch = self.exceptions_from_scratch()?;
        if kept != from_scratch {
            let ids = |list: &[kassa_replica::exceptions::Exception]| {
                list.iter()
                    .map(|e| e.id.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            report.differences.push(format!(
                "exceptions inbox: kept [{}], worked out from scratch [{}]",
                ids(&kept),
                ids(&from_scratch)
            ));
        }
        Ok(report)
    }
}
