//! Catalogue, receipt keys, staff, stock, sales and the record index on PostgreSQL.

use super::{is_unique_violation, PostgresStorage};
use crate::error::HqError;
use crate::storage::record_json::{record_from_json, records_from_json};
use crate::storage::{
    IndexedRecord, NegativeStock, RecordConflict, StaffEntry, StoreKey, TakenOrder,
};
use chrono::{DateTime, NaiveDate, Utc};
use kassa_domain::{Product, Role, StaffMember};
use kassa_protocol::StockAtStore;
use kassa_replica::ledger::{SaleRecord, VoidRecord};
use kassa_replica::registry::KINDS;
use kassa_replica::{DocId, RecordKind};
use std::collections::BTreeMap;
use tokio_postgres::{GenericClient, Row};

fn staff_of(r: &Row) -> Result<(StaffMember, i64), HqError> {
    let role: String = r.try_get(2)?;
    Ok((
        StaffMember {
            id: r.try_get(0)?,
            name: r.try_get(1)?,
            role: Role::parse(&role)
                .map_err(|e| HqError::Corrupt(format!("stored staff role {role:?}: {e}")))?,
            pin_hash: r.try_get(3)?,
            active: r.try_get(4)?,
        },
        r.try_get(5)?,
    ))
}

/// Rows of one JSON column, each decoded.
fn decoded<T: serde::de::DeserializeOwned>(rows: &[Row]) -> Result<Vec<T>, HqError> {
    rows.iter()
        .map(|r| Ok(serde_json::from_str(&r.try_get::<_, String>(0)?)?))
        .collect()
}

fn texts(rows: &[Row]) -> Result<Vec<String>, HqError> {
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// How an "as of" time is shown: RFC 3339 UTC with milliseconds, as the SQLite storage keeps it.
fn shown(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

async fn staff_stores(client: &impl GenericClient, id: &str) -> Result<Vec<String>, HqError> {
    let rows = client
        .query(
            "SELECT store FROM staff_stores WHERE staff_id = $1 AND left_version IS NULL
             ORDER BY store",
            &[&id],
        )
        .await?;
    texts(&rows)
}

impl PostgresStorage {
    /// A new catalogue version from the counter row (locked until commit, so two imports get
    /// two versions, in the order they commit).
    pub(super) async fn write_catalogue(&self, products: &[Product]) -> Result<i64, HqError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let version: i64 = tx
            .query_one(
                "UPDATE catalogue_version SET version = version + 1 RETURNING version",
                &[],
            )
            .await?
            .try_get(0)?;
        let statement = tx
            .prepare_cached(
                "INSERT INTO catalogue (sku, product, version) VALUES ($1, $2, $3)
                 ON CONFLICT (sku) DO UPDATE SET product = excluded.product,
                     version = excluded.version",
            )
            .await?;
        for product in products {
            tx.execute(
                &statement,
                &[&product.sku, &serde_json::to_string(product)?, &version],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(version)
    }

    pub(super) async fn catalogue_changes(
        &self,
        since: i64,
    ) -> Result<(i64, Vec<Product>), HqError> {
        let client = self.client().await?;
        let version: i64 = client
            .query_one("SELECT version FROM catalogue_version", &[])
            .await?
            .try_get(0)?;
        if since >= version {
            return Ok((version, Vec::new()));
        }
        let rows = client
            .query(
                "SELECT product FROM catalogue WHERE version > $1 AND version <= $2 ORDER BY sku",
                &[&since, &version],
            )
            .await?;
        Ok((version, decoded(&rows)?))
    }

    pub(super) async fn product_by_sku(&self, sku: &str) -> Result<Option<Product>, HqError> {
        let row = self
            .client()
            .await?
            .query_opt("SELECT product FROM catalogue WHERE sku = $1", &[&sku])
            .await?;
        Ok(decoded(&row.into_iter().collect::<Vec<_>>())?.pop())
    }

    pub(super) async fn store_receipt_key(
        &self,
        store: &str,
        new_key: &str,
    ) -> Result<String, HqError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "UPDATE stores SET receipt_key = coalesce(receipt_key, $2) WHERE code = $1
                 RETURNING receipt_key",
                &[&store, &new_key],
            )
            .await?;
        row.map(|r| r.try_get::<_, Option<String>>(0))
            .transpose()?
            .flatten()
            .ok_or_else(|| HqError::NotFound(format!("no store {store:?}")))
    }

    pub(super) async fn all_receipt_keys(&self) -> Result<Vec<StoreKey>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT code, receipt_key FROM stores WHERE receipt_key IS NOT NULL ORDER BY code",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(StoreKey {
                    store: r.try_get(0)?,
                    secret: r.try_get(1)?,
                })
            })
            .collect()
    }

    pub(super) async fn replace_receipt_key(
        &self,
        store: &str,
        new_key: &str,
        distrust_old: bool,
        now: DateTime<Utc>,
    ) -> Result<(), HqError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let old: Option<String> = tx
            .query_opt(
                "SELECT receipt_key FROM stores WHERE code = $1 FOR UPDATE",
                &[&store],
            )
            .await?
            .ok_or_else(|| HqError::NotFound(format!("no store {store:?}")))?
            .try_get(0)?;
        if distrust_old {
            tx.execute(
                "UPDATE store_keys_retired SET trusted = false WHERE store = $1",
                &[&store],
            )
            .await?;
        }
        if let Some(old) = old {
            let public = kassa_domain::receipt_code::public_key(&old)
                .map_err(|e| HqError::Corrupt(format!("store {store}'s receipt key: {e}")))?;
            tx.execute(
                "INSERT INTO store_keys_retired (store, public_key, retired_at, trusted)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (store, public_key) DO UPDATE SET retired_at = excluded.retired_at,
                     trusted = excluded.trusted",
                &[&store, &public, &now, &!distrust_old],
            )
            .await?;
        }
        tx.execute(
            "UPDATE stores SET receipt_key = $2 WHERE code = $1",
            &[&store, &new_key],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn trusted_retired_keys(&self) -> Result<Vec<(String, String)>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT store, public_key FROM store_keys_retired WHERE trusted
                 ORDER BY store, public_key",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// The staff list's next version comes from its counter row, locked until commit: two
    /// nodes changing staff at once give two versions, and a till never misses either.
    pub(super) async fn write_staff(
        &self,
        member: &StaffMember,
        stores: Option<&[String]>,
        now: DateTime<Utc>,
    ) -> Result<i64, HqError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let version: i64 = tx
            .query_one(
                "UPDATE staff_version SET version = version + 1 RETURNING version",
                &[],
            )
            .await?
            .try_get(0)?;
        let written = tx
            .execute(
                "INSERT INTO staff (id, name, role, pin_hash, active, version, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (id) DO UPDATE SET name = $2, role = $3, pin_hash = $4,
                     active = $5, version = $6, updated_at = $7",
                &[
                    &member.id,
                    &member.name,
                    &member.role.as_str(),
                    &member.pin_hash,
                    &member.active,
                    &version,
                    &now,
                ],
            )
            .await;
        match written {
            Err(e) if is_unique_violation(&e) => {
                return Err(HqError::BadRequest(format!(
                    "an active staff member is already called {:?}",
                    member.name
                )))
            }
            other => other?,
        };
        if let Some(stores) = stores {
            for store in stores {
                let known = tx
                    .query_opt("SELECT 1 FROM stores WHERE code = $1", &[store])
                    .await?
                    .is_some();
                if !known {
                    return Err(HqError::BadRequest(format!("no store {store:?}")));
                }
            }
            // Leaving is remembered with this version, so that store's tills drop the person.
            tx.execute(
                "UPDATE staff_stores SET left_version = $2
                 WHERE staff_id = $1 AND left_version IS NULL",
                &[&member.id, &version],
            )
            .await?;
            for store in stores {
                tx.execute(
                    "INSERT INTO staff_stores (staff_id, store, left_version) VALUES ($1, $2, NULL)
                     ON CONFLICT (staff_id, store) DO UPDATE SET left_version = NULL",
                    &[&member.id, store],
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(version)
    }

    pub(super) async fn staff_changes(
        &self,
        store: &str,
        since: i64,
    ) -> Result<(i64, Vec<StaffMember>), HqError> {
        let client = self.client().await?;
        let version: i64 = client
            .query_one("SELECT version FROM staff_version", &[])
            .await?
            .try_get(0)?;
        if since >= version {
            return Ok((version, Vec::new()));
        }
        // A till that never had staff (since 0) needs no word of those who left.
        let rows = client
            .query(
                "SELECT s.id, s.name, s.role, s.pin_hash, s.active, s.version, m.left_version
                 FROM staff s JOIN staff_stores m ON m.staff_id = s.id AND m.store = $2
                 WHERE s.version > $1 AND s.version <= $3
                   AND (m.left_version IS NULL OR (m.left_version > $1 AND $1 > 0))
                 ORDER BY s.version",
                &[&since, &store, &version],
            )
            .await?;
        let members = rows
            .iter()
            .map(|r| {
                let (mut member, _) = staff_of(r)?;
                if r.try_get::<_, Option<i64>>(6)?.is_some() {
                    // Gone from this store: the till drops them and keeps no hash of their PIN.
                    member.active = false;
                    member.pin_hash = String::new();
                }
                Ok(member)
            })
            .collect::<Result<Vec<_>, HqError>>()?;
        Ok((version, members))
    }

    pub(super) async fn all_staff(&self) -> Result<Vec<StaffEntry>, HqError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT id, name, role, pin_hash, active, version FROM staff
                 ORDER BY lower(name) COLLATE \"C\", id",
                &[],
            )
            .await?;
        let mut entries = Vec::with_capacity(rows.len());
        for row in &rows {
            let (member, version) = staff_of(row)?;
            let stores = staff_stores(&**client, &member.id).await?;
            entries.push(StaffEntry {
                member,
                version,
                stores,
            });
        }
        Ok(entries)
    }

    pub(super) async fn staff_by_id_or_name(
        &self,
        who: &str,
    ) -> Result<Option<StaffEntry>, HqError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT id, name, role, pin_hash, active, version FROM staff
                 WHERE id = $1 OR lower(name) = lower($1)
                 ORDER BY id = $1 DESC, active DESC, id LIMIT 1",
                &[&who.trim()],
            )
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let (member, version) = staff_of(&row)?;
        let stores = staff_stores(&**client, &member.id).await?;
        Ok(Some(StaffEntry {
            member,
            version,
            stores,
        }))
    }

    pub(super) async fn included_of_epoch(
        &self,
        store: &str,
        epoch: u32,
    ) -> Result<BTreeMap<String, BTreeMap<String, i64>>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT writer, sku, qty FROM epoch_included WHERE store = $1 AND epoch = $2",
                &[&store, &i64::from(epoch)],
            )
            .await?;
        let mut out: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        for r in &rows {
            out.entry(r.try_get(0)?)
                .or_default()
                .insert(r.try_get(1)?, r.try_get(2)?);
        }
        Ok(out)
    }

    pub(super) async fn stock_at_stores(&self, sku: &str) -> Result<Vec<StockAtStore>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT s.code, coalesce(l.on_hand, 0), s.last_sync_at FROM stores s
                 LEFT JOIN stock_levels l ON l.store = s.code AND l.sku = $1 ORDER BY s.code",
                &[&sku],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(StockAtStore {
                    store: r.try_get(0)?,
                    on_hand: r.try_get(1)?,
                    as_of: r.try_get::<_, Option<DateTime<Utc>>>(2)?.map(shown),
                })
            })
            .collect()
    }

    pub(super) async fn stock_below_zero(&self) -> Result<Vec<NegativeStock>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT store, sku, on_hand FROM stock_levels WHERE on_hand < 0
                 ORDER BY store, sku",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(NegativeStock {
                    store: r.try_get(0)?,
                    sku: r.try_get(1)?,
                    on_hand: r.try_get(2)?,
                })
            })
            .collect()
    }

    pub(super) async fn sales_of_day(
        &self,
        store: &str,
        business_day: NaiveDate,
    ) -> Result<(Vec<SaleRecord>, Vec<VoidRecord>), HqError> {
        let day = business_day.format("%Y-%m-%d").to_string();
        let client = self.client().await?;
        let sales = client
            .query(
                "SELECT record FROM sales WHERE store = $1 AND business_day = $2 ORDER BY id",
                &[&store, &day],
            )
            .await?;
        let voids = client
            .query(
                "SELECT record FROM voids WHERE store = $1 AND business_day = $2 ORDER BY id",
                &[&store, &day],
            )
            .await?;
        Ok((decoded(&sales)?, decoded(&voids)?))
    }

    pub(super) async fn sale_with_receipt(
        &self,
        receipt_no: &str,
    ) -> Result<Option<(SaleRecord, bool)>, HqError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT s.record, EXISTS (SELECT 1 FROM voids v WHERE v.sale_id = s.id)
                 FROM sales s WHERE s.receipt_no = $1 ORDER BY s.id LIMIT 1",
                &[&receipt_no],
            )
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let json: String = row.try_get(0)?;
        Ok(Some((serde_json::from_str(&json)?, row.try_get(1)?)))
    }

    pub(super) async fn sales_with_credit(&self) -> Result<Vec<SaleRecord>, HqError> {
        // A cheap filter first; the JSON decides.
        let rows = self
            .client()
            .await?
            .query(
                "SELECT s.record FROM credit_sales c JOIN sales s ON s.id = c.sale_id
                 ORDER BY s.id",
                &[],
            )
            .await?;
        decoded(&rows)
    }

    pub(super) async fn voids_of_returned_or_credit_sales(
        &self,
    ) -> Result<Vec<VoidRecord>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT record FROM voids
                 WHERE sale_id IN (SELECT subject FROM records WHERE kind = 'return')
                    OR sale_id IN (SELECT sale_id FROM credit_sales)
                 ORDER BY id",
                &[],
            )
            .await?;
        decoded(&rows)
    }

    pub(super) async fn every_void(&self) -> Result<Vec<VoidRecord>, HqError> {
        let rows = self
            .client()
            .await?
            .query("SELECT record FROM voids ORDER BY id", &[])
            .await?;
        decoded(&rows)
    }

    pub(super) async fn taken_order(
        &self,
        external_id: &str,
    ) -> Result<Option<TakenOrder>, HqError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT order_id, pickup_code FROM order_intake
                 WHERE lower(external_id) = lower($1)",
                &[&external_id],
            )
            .await?;
        row.map(|r| {
            Ok(TakenOrder {
                order_id: r.try_get(0)?,
                pickup_code: r.try_get(1)?,
            })
        })
        .transpose()
    }

    pub(super) async fn records_of_kind(
        &self,
        kind: RecordKind,
        store: Option<&str>,
    ) -> Result<Vec<IndexedRecord>, HqError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "SELECT record FROM records WHERE kind = $1 AND ($2::text IS NULL OR store = $2)
                 ORDER BY id",
            )
            .await?;
        let rows = client.query(&statement, &[&kind.as_str(), &store]).await?;
        records_from_json(kind, texts(&rows)?)
    }

    pub(super) async fn newest_of_kind(
        &self,
        kind: RecordKind,
        store: Option<&str>,
        limit: usize,
    ) -> Result<Vec<IndexedRecord>, HqError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // One statement per case, so each walks its index backwards and stops at the limit.
        let client = self.client().await?;
        let rows = match store {
            Some(store) => {
                client
                    .query(
                        "SELECT record FROM records WHERE kind = $1 AND store = $2
                         ORDER BY id DESC LIMIT $3",
                        &[&kind.as_str(), &store, &limit],
                    )
                    .await?
            }
            None => {
                client
                    .query(
                        "SELECT record FROM records WHERE kind = $1 ORDER BY id DESC LIMIT $2",
                        &[&kind.as_str(), &limit],
                    )
                    .await?
            }
        };
        records_from_json(kind, texts(&rows)?)
    }

    pub(super) async fn orders_named_by_pickups(
        &self,
        store: Option<&str>,
    ) -> Result<Vec<IndexedRecord>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT record FROM records
                 WHERE kind = 'order' AND ($1::text IS NULL OR store = $1)
                   AND id IN (SELECT subject FROM records WHERE kind = 'pickup')
                 ORDER BY id",
                &[&store],
            )
            .await?;
        records_from_json(RecordKind::Order, texts(&rows)?)
    }

    pub(super) async fn records_with_subject(
        &self,
        kind: RecordKind,
        subject: &str,
    ) -> Result<Vec<IndexedRecord>, HqError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "SELECT record FROM records WHERE kind = $1 AND subject = $2 ORDER BY id",
            )
            .await?;
        let rows = client
            .query(&statement, &[&kind.as_str(), &subject])
            .await?;
        records_from_json(kind, texts(&rows)?)
    }

    pub(super) async fn record_by_id(
        &self,
        kind: RecordKind,
        id: &str,
    ) -> Result<Option<IndexedRecord>, HqError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached("SELECT record FROM records WHERE id = $1 AND kind = $2")
            .await?;
        let row = client.query_opt(&statement, &[&id, &kind.as_str()]).await?;
        row.map(|r| record_from_json(kind, &r.try_get::<_, String>(0)?))
            .transpose()
    }

    pub(super) async fn all_conflicts(&self) -> Result<Vec<RecordConflict>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT doc_id, map, record_id FROM record_conflicts ORDER BY 1, 2, 3",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let (doc, map, record_id): (String, String, String) =
                    (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
                let kind = KINDS
                    .iter()
                    .find(|spec| spec.map == map)
                    .map(|spec| spec.kind)
                    .ok_or_else(|| HqError::Corrupt(format!("conflict in unknown map {map:?}")))?;
                Ok(RecordConflict {
                    doc_id: DocId::parse(&doc)
                        .map_err(|e| HqError::Corrupt(format!("stored document id: {e}")))?,
                    kind,
                    record_id,
                })
            })
            .collect()
    }
}

impl PostgresStorage {
    pub(super) async fn daily_sales_between(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<crate::storage::DailySales>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT store, business_day, channel, sales, total FROM daily_sales
                 WHERE business_day >= $1 AND business_day <= $2
                 ORDER BY business_day, store, channel",
                &[&from, &to],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(crate::storage::DailySales {
                    store: r.try_get(0)?,
                    business_day: r.try_get(1)?,
                    channel: r.try_get(2)?,
                    sales: r.try_get(3)?,
                    total: r.try_get(4)?,
                })
            })
            .collect()
    }
}
