//! The till's in-memory copy of the kept inbox. Reading 20,000 kept exceptions back from SQLite
//! and parsing them costs more than the 20 ms a manager may wait, so a till keeps what it last read
//! with the inbox's generation: unchanged, it is returned as it is; changed by this till's own
//! refresh, only the subjects worked out are read again; changed by another connection to the
//! database (the desktop's syncing till), it is read whole.

use super::kept::{self, KeptRow, Rule, EVERY};
use crate::error::StoreError;
use kassa_replica::exceptions::Exception;
use rusqlite::{params, Connection};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) struct InboxCopy {
    generation: i64,
    /// By exception id, so the copy is in [`kassa_replica::exceptions::detect`]'s order.
    rows: BTreeMap<String, KeptRow>,
    /// The ids kept under each subject, so a subject worked out again is replaced without
    /// walking every row.
    by_subject: BTreeMap<(Rule, String), BTreeSet<String>>,
}

impl InboxCopy {
    /// Everything kept, read at `generation`.
    pub(crate) fn read(conn: &Connection, generation: i64) -> Result<InboxCopy, StoreError> {
        let mut copy = InboxCopy {
            generation,
            rows: BTreeMap::new(),
            by_subject: BTreeMap::new(),
        };
        copy.insert(kept::read_rows(conn, "", [])?);
        Ok(copy)
    }

    /// Brings the copy to `generation`, given the subjects this till's refresh just worked out.
    /// Returns `None` when only reading everything again will do.
    pub(crate) fn update(
        mut self,
        conn: &Connection,
        worked_out: &[(Rule, String)],
        generation: i64,
    ) -> Result<Option<InboxCopy>, StoreError> {
        if generation == self.generation {
            return Ok(Some(self));
        }
        let ours = !worked_out.is_empty() && generation == self.generation + 1;
        if !ours || worked_out.iter().any(|(rule, _)| *rule == Rule::All) {
            return Ok(None);
        }
        for (rule, subject) in worked_out {
            match rule {
                Rule::Resolution => {
                    if let Some((_, _, exception)) = self.rows.get_mut(subject.as_str()) {
                        exception.resolution = None;
                        kept::attach_first_resolutions(conn, std::slice::from_mut(exception))?;
                    }
                }
                Rule::Stock if subject == EVERY => {
                    let stock: Vec<(Rule, String)> = self
                        .by_subject
                        .keys()
                        .filter(|(r, _)| *r == Rule::Stock)
                        .cloned()
                        .collect();
                    for key in stock {
                        self.remove(&key);
                    }
                    let rows = kept::read_rows(conn, "WHERE rule = ?1", params!["stock"])?;
                    self.insert(rows);
                }
                rule => {
                    self.remove(&(*rule, subject.clone()));
                    let rows = kept::read_rows(
                        conn,
                        "WHERE rule = ?1 AND subject = ?2",
                        params![rule.as_str(), subject],
                    )?;
                    self.insert(rows);
                }
            }
        }
        self.generation = generation;
        Ok(Some(self))
    }

    fn insert(&mut self, rows: Vec<KeptRow>) {
        for row in rows {
            self.by_subject
                .entry((row.0, row.1.clone()))
                .or_default()
                .insert(row.2.id.clone());
            self.rows.insert(row.2.id.clone(), row);
        }
    }

    fn remove(&mut self, subject: &(Rule, String)) {
        for id in self.by_subject.remove(subject).unwrap_or_default() {
            self.rows.remove(&id);
        }
    }

    pub(crate) fn exceptions(&self) -> Vec<Exception> {
        self.rows.values().map(|(_, _, e)| e.clone()).collect()
    }
}
