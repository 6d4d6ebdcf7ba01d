//! What the till knows of each document's heads: its own (kept at every commit that changes the
//! document) and head office's (kept from each sync answer, with head office's cursor). A sync
//! round asks only about documents where the two differ, found by one query: a settled day is
//! never loaded or compared again, however many the till holds.

use crate::error::StoreError;
use crate::till::{begin, Till};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// Heads as stored: sorted, as JSON.
fn stored(heads: &[String]) -> Result<String, StoreError> {
    let mut sorted = heads.to_vec();
    sorted.sort();
    serde_json::to_string(&sorted).map_err(|e| StoreError::Corrupt(format!("document heads: {e}")))
}

fn parsed(json: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("stored heads: {e}")))
}

/// Keeps a document's heads after a commit that changed it (in the commit's transaction).
pub(crate) fn record_local(
    tx: &Transaction<'_>,
    doc_id: &str,
    heads: &[String],
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO doc_heads (doc_id, local) VALUES (?1, ?2)
         ON CONFLICT (doc_id) DO UPDATE SET local = excluded.local",
    )?
    .execute(params![doc_id, stored(heads)?])?;
    Ok(())
}

/// What one sync answer announced: head office's heads of the documents it listed, the cursor
/// they bring the till to (`None`: the list is every document head office holds), and the
/// protocol head office speaks.
pub struct Announcement<'a> {
    pub docs: &'a [(String, Vec<String>)],
    pub cursor: Option<i64>,
    pub hq_protocol: u32,
}

impl Till {
    /// Keeps what a sync answer announced, in one transaction.
    pub fn record_announcement(&mut self, announced: &Announcement<'_>) -> Result<(), StoreError> {
        let tx = begin(&mut self.conn)?;
        if announced.cursor.is_none() {
            // A whole list: what it leaves out, head office does not hold.
            tx.execute("UPDATE doc_heads SET at_hq = NULL", [])?;
        }
        for (doc_id, heads) in announced.docs {
            tx.prepare_cached(
                "INSERT INTO doc_heads (doc_id, at_hq) VALUES (?1, ?2)
                 ON CONFLICT (doc_id) DO UPDATE SET at_hq = excluded.at_hq",
            )?
            .execute(params![doc_id, stored(heads)?])?;
        }
        tx.execute(
            "UPDATE device SET docs_cursor = ?1, hq_protocol = ?2 WHERE id = 1",
            params![announced.cursor, announced.hq_protocol],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Head office's cursor as the till last heard it (`None`: ask for every document), and the
    /// protocol it last answered with.
    pub fn announcement_cursor(&self) -> Result<(Option<i64>, u32), StoreError> {
        Ok(self.conn.query_row(
            "SELECT docs_cursor, hq_protocol FROM device WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Documents whose heads here differ from head office's as last announced, or that only one
    /// side has. Documents stored before the till kept its heads are read once to learn them.
    pub fn documents_out_of_step(&mut self) -> Result<Vec<String>, StoreError> {
        self.write_documents()?;
        // Once, on the first round with a cursor after an upgrade: every document committed
        // since has its heads kept by the commit.
        let (cursor, _) = self.announcement_cursor()?;
        let backfill = if cursor.is_none() {
            unrecorded(&self.conn)?
        } else {
            Vec::new()
        };
        for id in backfill {
            let heads = self.document_heads(&id)?;
            self.conn.execute(
                "INSERT INTO doc_heads (doc_id, local) VALUES (?1, ?2)
                 ON CONFLICT (doc_id) DO UPDATE SET local = excluded.local",
                params![id, stored(&heads)?],
            )?;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT doc_id FROM doc_heads
             WHERE local IS NULL OR at_hq IS NULL OR local <> at_hq ORDER BY doc_id",
        )?;
        let ids = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(ids)
    }

    /// Marks as at head office the records of every document whose heads head office has all of
    /// (since the last time they were marked); returns how many documents were looked at.
    pub fn confirm_what_hq_holds(&mut self) -> Result<usize, StoreError> {
        type Candidate = (String, String, String, Option<String>);
        let candidates: Vec<Candidate> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT doc_id, local, at_hq, confirmed FROM doc_heads
                 WHERE local IS NOT NULL AND at_hq IS NOT NULL
                   AND (confirmed IS NULL OR confirmed <> local)",
            )?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            rows
        };
        let mut looked_at = 0;
        for (doc_id, local, at_hq, confirmed) in candidates {
            let (local_heads, hq_heads) = (parsed(&local)?, parsed(&at_hq)?);
            if !local_heads.iter().all(|h| hq_heads.contains(h)) {
                continue;
            }
            looked_at += 1;
            let confirmed = confirmed.as_deref().map(parsed).transpose()?;
            self.confirm_if_hq_has(&doc_id, &hq_heads, confirmed.as_deref())?;
            self.conn.execute(
                "UPDATE doc_heads SET confirmed = ?2 WHERE doc_id = ?1 AND local = ?2",
                params![doc_id, local],
            )?;
        }
        Ok(looked_at)
    }

    /// Head office's heads of a document as last announced.
    pub fn hq_heads(&self, doc_id: &str) -> Result<Option<Vec<String>>, StoreError> {
        let json: Option<Option<String>> = self
            .conn
            .query_row(
                "SELECT at_hq FROM doc_heads WHERE doc_id = ?1",
                [doc_id],
                |r| r.get(0),
            )
            .optional()?;
        json.flatten().as_deref().map(parsed).transpose()
    }
}

/// Stored documents whose own heads the till has not kept yet (stored before it did).
fn unrecorded(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT d.doc_id FROM documents d
         WHERE NOT EXISTS (SELECT 1 FROM doc_heads h WHERE h.doc_id = d.doc_id AND h.local IS NOT NULL)",
    )?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}
