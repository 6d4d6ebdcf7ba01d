//! The inbox kept up to date as records arrive. Projecting a record marks the subjects whose rules
//! it can change (an order, a returned sale or order, a store credit code, a SKU, a conflicting
//! record) in `inbox_dirty`; reading the inbox first works out each marked subject again, from that
//! subject's records only, with the same rules head office runs ([`detect`]), and keeps the result
//! in `inbox_exceptions`. Opening the inbox then costs what changed since it was last opened, not
//! everything the till holds. A property test checks that the kept inbox always equals one worked
//! out from scratch ([`crate::Till::exceptions_from_scratch`]).

use super::facts::{self, json_rows};
use crate::error::StoreError;
use kassa_replica::exceptions::{attach_resolutions, detect, Exception, Facts};
use kassa_replica::ledger::ResolutionRecord;
use kassa_replica::{AutoCommit, ExceptionKind};
use rusqlite::{params, Connection};

/// What a rule looks at together. Each exception belongs to exactly one subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rule {
    /// An online order: over-pickups and pickups of a cancelled order.
    Order,
    /// A returned sale or order: over-returns, returned-and-voided.
    Return,
    /// A store credit code: more redeemed than issued.
    Credit,
    /// A SKU of the current stock epoch: negative stock.
    Stock,
    /// One record that holds two values after a merge.
    Conflict,
    /// A resolution of one exception: nothing to work out, but the inbox read before it is stale.
    Resolution,
    /// Every subject of every rule (after an upgrade or a rebuild).
    All,
}

impl Rule {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Rule::Order => "order",
            Rule::Return => "return",
            Rule::Credit => "credit",
            Rule::Stock => "stock",
            Rule::Conflict => "conflict",
            Rule::Resolution => "resolution",
            Rule::All => "all",
        }
    }

    fn parse(text: &str) -> Result<Rule, StoreError> {
        Ok(match text {
            "order" => Rule::Order,
            "return" => Rule::Return,
            "credit" => Rule::Credit,
            "stock" => Rule::Stock,
            "conflict" => Rule::Conflict,
            "resolution" => Rule::Resolution,
            "all" => Rule::All,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "unknown inbox rule {other:?} in inbox_dirty"
                )))
            }
        })
    }

    /// The rule under which an exception of `kind` is kept.
    fn of(kind: ExceptionKind) -> Rule {
        match kind {
            ExceptionKind::OverPickup | ExceptionKind::CancelledOrderPickedUp => Rule::Order,
            ExceptionKind::OverReturn | ExceptionKind::ReturnedAndVoided => Rule::Return,
            ExceptionKind::OverRedeemedCredit => Rule::Credit,
            ExceptionKind::NegativeStock => Rule::Stock,
            ExceptionKind::Conflict => Rule::Conflict,
        }
    }
}

/// Every subject of a rule (`rule`, `*`).
pub(crate) const EVERY: &str = "*";

/// Marks a subject to be worked out again before the inbox is next read. Called by the projection
/// of each record kind, inside the transaction that projects it.
pub(crate) fn mark(conn: &Connection, rule: Rule, subject: &str) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR IGNORE INTO inbox_dirty (rule, subject) VALUES (?1, ?2)")?
        .execute(params![rule.as_str(), subject])?;
    Ok(())
}

/// The store and its current stock document, which the stock rule reads.
pub(crate) struct StockSource<'d> {
    pub store: &'d str,
    pub doc: &'d AutoCommit,
}

/// Works out every marked subject again and empties the marks, inside the caller's transaction.
/// Returns the subjects worked out (`Rule::All` alone when everything was).
pub(crate) fn refresh(
    conn: &Connection,
    stock: &StockSource<'_>,
) -> Result<Vec<(Rule, String)>, StoreError> {
    let marked: Vec<(String, String)> = conn
        .prepare_cached("SELECT rule, subject FROM inbox_dirty")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    if marked.is_empty() {
        return Ok(Vec::new());
    }
    let mut marked = marked
        .into_iter()
        .map(|(rule, subject)| Ok((Rule::parse(&rule)?, subject)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let everything = marked.iter().any(|(rule, _)| *rule == Rule::All);
    if everything {
        conn.execute("DELETE FROM inbox_exceptions", [])?;
        marked = every_subject(conn)?;
        marked.push((Rule::Stock, EVERY.to_string()));
    } else if marked
        .iter()
        .any(|(rule, subject)| *rule == Rule::Stock && subject == EVERY)
    {
        marked.retain(|(rule, _)| *rule != Rule::Stock);
        marked.push((Rule::Stock, EVERY.to_string()));
    }
    for (rule, subject) in &marked {
        work_out(conn, *rule, subject, stock)?;
    }
    conn.execute("DELETE FROM inbox_dirty", [])?;
    conn.prepare_cached("UPDATE inbox_generation SET generation = generation + 1 WHERE id = 1")?
        .execute([])?;
    if everything {
        return Ok(vec![(Rule::All, EVERY.to_string())]);
    }
    Ok(marked)
}

/// How many times the kept inbox changed: a copy read at the same generation is still true.
pub(crate) fn generation(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT generation FROM inbox_generation WHERE id = 1")?
        .query_row([], |r| r.get(0))?)
}

/// Every subject any rule could find something in (stock aside, which is read whole).
fn every_subject(conn: &Connection) -> Result<Vec<(Rule, String)>, StoreError> {
    let mut out = Vec::new();
    let mut add = |rule: Rule, sql: &str| -> Result<(), StoreError> {
        let mut stmt = conn.prepare(sql)?;
        let subjects = stmt.query_map([], |r| r.get::<_, String>(0))?;
        for subject in subjects {
            out.push((rule, subject?));
        }
        Ok(())
    };
    add(
        Rule::Order,
        "SELECT DISTINCT order_id FROM pickups WHERE order_id IN (SELECT id FROM orders)",
    )?;
    add(
        Rule::Return,
        "SELECT DISTINCT subject_id FROM returns WHERE subject_id IS NOT NULL",
    )?;
    add(Rule::Credit, "SELECT DISTINCT code FROM credit_issues")?;
    add(
        Rule::Conflict,
        "SELECT doc_id || '/' || map || '/' || record_id FROM record_conflicts",
    )?;
    Ok(out)
}

/// Works one subject out again from its own records and keeps what the rules find.
fn work_out(
    conn: &Connection,
    rule: Rule,
    subject: &str,
    stock: &StockSource<'_>,
) -> Result<(), StoreError> {
    if rule == Rule::Stock && subject == EVERY {
        conn.prepare_cached("DELETE FROM inbox_exceptions WHERE rule = 'stock'")?
            .execute([])?;
        for (sku, on_hand) in facts::negative_stock(stock.doc)? {
            let facts = Facts {
                stock: vec![(stock.store.to_string(), sku.clone(), on_hand)],
                ..Facts::default()
            };
            keep(conn, rule, &sku, &facts)?;
        }
        return Ok(());
    }
    if rule == Rule::Resolution {
        return Ok(());
    }
    let mut facts = Facts::default();
    match rule {
        Rule::Order => facts::of_order(conn, subject, &mut facts)?,
        Rule::Return => facts::of_returned(conn, subject, &mut facts)?,
        Rule::Credit => facts::of_credit(conn, subject, &mut facts)?,
        Rule::Conflict => facts::of_conflict(conn, subject, &mut facts)?,
        Rule::Stock => facts::of_sku(stock.store, stock.doc, subject, &mut facts)?,
        Rule::All | Rule::Resolution => {
            unreachable!(
                "'all' is expanded into every subject first; a resolution is attached on read"
            )
        }
    }
    conn.prepare_cached("DELETE FROM inbox_exceptions WHERE rule = ?1 AND subject = ?2")?
        .execute(params![rule.as_str(), subject])?;
    keep(conn, rule, subject, &facts)
}

/// Runs the rules over one subject's `facts` and keeps what they find under it.
fn keep(conn: &Connection, rule: Rule, subject: &str, facts: &Facts) -> Result<(), StoreError> {
    // A subject's facts can show another rule's finding too: a credit's issuing returns can
    // over-return the sale they return (two tills each refunding a sale paid with that credit).
    // That finding belongs to the other rule's subject (the returned sale), which the same
    // records marked, so here only this rule's findings are kept.
    for exception in detect(facts)
        .into_iter()
        .filter(|e| Rule::of(e.kind) == rule)
    {
        let json =
            serde_json::to_string(&exception).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        conn.prepare_cached(
            "INSERT OR REPLACE INTO inbox_exceptions (id, rule, subject, exception) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![exception.id, rule.as_str(), subject, json])?;
    }
    Ok(())
}

/// A kept exception with the rule and subject it is kept under.
pub(crate) type KeptRow = (Rule, String, Exception);

/// Kept exceptions (all of them, or one subject's: `WHERE rule = ?1 AND subject = ?2`, or one
/// rule's: `WHERE rule = ?1`) with their first resolutions.
pub(crate) fn read_rows(
    conn: &Connection,
    filter: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<KeptRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT rule, subject, exception FROM inbox_exceptions {filter}"
    ))?;
    let raw: Vec<(String, String, String)> = stmt
        .query_map(params, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut exceptions = Vec::with_capacity(raw.len());
    let mut rules = Vec::with_capacity(raw.len());
    for (rule, subject, json) in raw {
        rules.push((Rule::parse(&rule)?, subject));
        exceptions.push(
            serde_json::from_str::<Exception>(&json)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        );
    }
    attach_first_resolutions(conn, &mut exceptions)?;
    Ok(rules
        .into_iter()
        .zip(exceptions)
        .map(|((rule, subject), exception)| (rule, subject, exception))
        .collect())
}

/// Gives each exception the first resolution recorded for it, as head office does.
pub(crate) fn attach_first_resolutions(
    conn: &Connection,
    exceptions: &mut [Exception],
) -> Result<(), StoreError> {
    let mut resolutions: Vec<ResolutionRecord> = Vec::new();
    for exception in exceptions.iter() {
        resolutions.extend(json_rows::<ResolutionRecord>(
            conn,
            "SELECT record FROM resolutions WHERE exception_id = ?1",
            [&exception.id],
        )?);
    }
    attach_resolutions(exceptions, &resolutions);
    Ok(())
}
