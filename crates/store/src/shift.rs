//! Shifts and the cash drawer: open with a counted float, cash in and out with a reason, an X
//! report at any time, and a close with a blind count (the cashier counts before the till says
//! what it expects) that ends in the Z report. All of it is records in the till's ledger, so it
//! works offline, reaches head office, and survives a power cut (an open shift is just a shift
//! without a close).
//!
//! On a till with staff every money command needs an open shift; a till without staff may use
//! shifts or not.

use crate::audit::{self, Event};
use crate::config::StoreConfig;
use crate::error::StoreError;
use crate::report::{self, DayReport, Period};
use crate::staff::{approval_for, staff_mode, Credentials};
use crate::till::Till;
use kassa_domain::{Approval, Money, TenderCount, TenderKind, COUNTED_TENDERS};
use kassa_replica::audit::AuditEvent;
use kassa_replica::shifts::{
    CashDirection, CashMovementRecord, ShiftClosed, ShiftOpened, TenderAmount,
};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

/// This till's open shift, if any. Shifts are ordered by the instant they opened (the index
/// `shifts_till` keys them on it, in UTC; migration 0013), never by their local text.
pub(crate) fn open_shift(
    conn: &Connection,
    till_no: u16,
) -> Result<Option<ShiftOpened>, StoreError> {
    let json: Option<String> = conn
        .prepare_cached(
            "SELECT s.record FROM shifts s
             WHERE s.till_no = ?1 AND NOT EXISTS (SELECT 1 FROM shift_closes c WHERE c.shift_id = s.id)
             ORDER BY strftime('%Y-%m-%dT%H:%M:%fZ', s.opened_at) DESC, s.id DESC LIMIT 1",
        )?
        .query_row([till_no], |r| r.get(0))
        .optional()?;
    json.map(|j| serde_json::from_str(&j).map_err(|e| StoreError::Corrupt(e.to_string())))
        .transpose()
}

/// The shift money goes through now: on a till with staff one must be open.
pub(crate) fn money_shift(conn: &Connection, till_no: u16) -> Result<Option<String>, StoreError> {
    match open_shift(conn, till_no)? {
        Some(shift) => Ok(Some(shift.id)),
        None if staff_mode(conn)? => Err(StoreError::NoOpenShift),
        None => Ok(None),
    }
}

/// Which report: `X` while the shift is open, `Z` once closed (so on the wire).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum ReportKind {
    X,
    Z,
}

impl std::fmt::Display for ReportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ReportKind::X => "X",
            ReportKind::Z => "Z",
        })
    }
}

/// An X report (the shift so far) or a Z report (the shift closed), with what the drawer should
/// hold per tender.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ShiftReport {
    /// `X` while the shift is open, `Z` once closed.
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub kind: ReportKind,
    /// A reprint of a closed shift's Z report says so.
    pub copy: bool,
    pub shift_id: String,
    pub till_no: u16,
    pub opened_at: String,
    pub opened_by: Option<String>,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub float: Money,
    pub cash_in: Money,
    pub cash_out: Money,
    pub movements: Vec<CashMovementRecord>,
    /// Sales, voids, returns, pickups, discounts, tenders and tax of the shift.
    pub sales: DayReport,
    /// Float plus net cash plus cash in less cash out; net card.
    pub expected: Vec<TenderAmount>,
    pub counted: Vec<TenderAmount>,
    pub difference: Vec<TenderAmount>,
}

fn movements(conn: &Connection, shift_id: &str) -> Result<Vec<CashMovementRecord>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT record FROM cash_movements WHERE shift_id = ?1 ORDER BY id")?;
    let rows = stmt
        .query_map([shift_id], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.iter()
        .map(|j| serde_json::from_str(j).map_err(|e| StoreError::Corrupt(e.to_string())))
        .collect()
}

/// The shift's figures now (an X report; the close seals them into the Z).
fn x_report(
    conn: &Connection,
    config: &StoreConfig,
    shift: &ShiftOpened,
) -> Result<ShiftReport, StoreError> {
    let sales = report::period_report(
        conn,
        Period::Shift(&shift.id),
        &shift.business_day,
        &config.currency.code,
        config.till_no,
    )?;
    let movements = movements(conn, &shift.id)?;
    let sum = |direction: CashDirection| {
        Money::sum(
            movements
                .iter()
                .filter(|m| m.direction == direction)
                .map(|m| m.amount),
        )
    };
    let (cash_in, cash_out) = (sum(CashDirection::In)?, sum(CashDirection::Out)?);
    let net = |kind: TenderKind| {
        sales
            .tenders
            .iter()
            .find(|t| t.kind == kind)
            .map_or(Money::ZERO, |t| t.net)
    };
    let expected = COUNTED_TENDERS
        .iter()
        .map(|&kind| {
            let amount = match kind {
                TenderKind::Cash => shift
                    .float
                    .checked_add(net(kind))?
                    .checked_add(cash_in)?
                    .checked_sub(cash_out)?,
                _ => net(kind),
            };
            Ok(TenderAmount { kind, amount })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(ShiftReport {
        kind: ReportKind::X,
        copy: false,
        shift_id: shift.id.clone(),
        till_no: shift.till_no,
        opened_at: shift.opened_at.to_string(),
        opened_by: shift.opened_by.as_ref().map(|s| s.name.clone()),
        closed_at: None,
        closed_by: None,
        float: shift.float,
        cash_in,
        cash_out,
        movements,
        sales,
        expected,
        counted: Vec::new(),
        difference: Vec::new(),
    })
}

impl Till {
    /// This till's open shift, if any (it survives a restart: it is a record without a close).
    pub fn current_shift(&self) -> Result<Option<ShiftOpened>, StoreError> {
        let config = self.config()?;
        open_shift(&self.conn, config.till_no)
    }

    /// Opens a shift with the float counted into the drawer.
    pub fn open_shift(&mut self, float: Money) -> Result<ShiftOpened, StoreError> {
        if float.is_negative() {
            return Err(StoreError::Invalid("the float cannot be negative".into()));
        }
        let operator = self.acting()?;
        self.command(|cmd| {
            if let Some(open) = open_shift(cmd.conn(), cmd.config.till_no)? {
                return Err(StoreError::Invalid(format!(
                    "a shift is already open on this till (since {}): close it first",
                    open.opened_at
                )));
            }
            let record = ShiftOpened {
                id: Uuid::now_v7().to_string(),
                store: cmd.config.store_code.clone(),
                till_no: cmd.config.till_no,
                opened_at: cmd.stamp.at.clone(),
                business_day: cmd.stamp.day.clone(),
                float,
                opened_by: operator.as_ref().map(|o| o.staff_ref()),
            };
            cmd.record_in_ledger(&record)?;
            let detail = format!("float {}", audit::amount(&cmd.config, float));
            cmd.audit(
                Event::new(AuditEvent::ShiftOpen, detail)
                    .record(&record.id)
                    .by(record.opened_by.clone()),
            )?;
            Ok(record)
        })
    }

    /// Cash put into or taken out of the drawer, with a reason. Taking cash out needs a
    /// manager's approval on a till with staff.
    pub fn cash_movement(
        &mut self,
        direction: CashDirection,
        amount: Money,
        reason: &str,
        approval: Option<&Credentials>,
    ) -> Result<CashMovementRecord, StoreError> {
        let reason = reason.trim();
        if amount <= Money::ZERO {
            return Err(StoreError::Invalid(
                "a cash movement is more than zero".into(),
            ));
        }
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "a cash movement needs a reason (at most 200 characters)".into(),
            ));
        }
        let operator = self.acting()?;
        let approver = self.approver(approval)?;
        let approved_by = match direction {
            CashDirection::Out => {
                approval_for(Approval::CashPaidOut, operator.as_ref(), approver.as_ref())?
            }
            CashDirection::In => None,
        };
        self.command(|cmd| {
            let shift =
                open_shift(cmd.conn(), cmd.config.till_no)?.ok_or(StoreError::NoOpenShift)?;
            let record = CashMovementRecord {
                id: Uuid::now_v7().to_string(),
                shift_id: shift.id,
                store: cmd.config.store_code.clone(),
                till_no: cmd.config.till_no,
                direction,
                amount,
                reason: reason.to_string(),
                created_at: cmd.stamp.at.clone(),
                business_day: cmd.stamp.day.clone(),
                staff: operator.as_ref().map(|o| o.staff_ref()),
                approved_by,
            };
            cmd.record_in_ledger(&record)?;
            let detail = format!("{}: {}", audit::amount(&cmd.config, amount), record.reason);
            cmd.audit(
                Event::new(
                    match direction {
                        CashDirection::In => AuditEvent::CashIn,
                        CashDirection::Out => AuditEvent::CashOut,
                    },
                    detail,
                )
                .record(&record.id)
                .by(record.staff.clone())
                .approved(record.approved_by.clone()),
            )?;
            Ok(record)
        })
    }

    /// The open shift's figures so far, with what the drawer should hold: on a till with staff
    /// a supervisor's (it would show a cashier the expected drawer before the blind count), so
    /// `approval` is a supervisor's PIN unless one is signed in. Logged.
    pub fn x_report(&mut self, approval: Option<&Credentials>) -> Result<ShiftReport, StoreError> {
        let operator = self.acting()?;
        let approver = self.approver(approval)?;
        let approved_by =
            approval_for(Approval::ShiftReport, operator.as_ref(), approver.as_ref())?;
        let config = self.config()?;
        let conn = self.fresh()?;
        let shift = open_shift(conn, config.till_no)?.ok_or(StoreError::NoOpenShift)?;
        let report = x_report(conn, &config, &shift)?;
        self.audit_alone(
            Event::new(
                AuditEvent::XReport,
                format!("shift opened {}", shift.opened_at),
            )
            .record(&shift.id)
            .by(operator.map(|o| o.staff_ref()))
            .approved(approved_by),
        )?;
        Ok(report)
    }

    /// Closes the open shift with the cashier's blind count (cash, and the card terminal's
    /// total if counted): the Z report, with expected and difference per tender, sealed in the
    /// close record. A count that is refused closes nothing.
    pub fn close_shift(&mut self, counts: &[TenderCount]) -> Result<ShiftReport, StoreError> {
        let mut counted: Vec<TenderAmount> = Vec::new();
        for count in counts {
            if counted.iter().any(|c| c.kind == count.kind) {
                return Err(StoreError::Invalid(format!(
                    "{} is counted twice",
                    count.kind.as_str()
                )));
            }
            counted.push(TenderAmount {
                kind: count.kind,
                amount: count.total()?,
            });
        }
        if !counted.iter().any(|c| c.kind == TenderKind::Cash) {
            return Err(StoreError::Invalid(
                "count the cash in the drawer to close the shift".into(),
            ));
        }
        let operator = self.acting()?;
        self.command(|cmd| {
            let config = cmd.config.clone();
            let stamp = (cmd.stamp.at.clone(), cmd.stamp.day.clone());
            let shift = open_shift(cmd.conn(), config.till_no)?.ok_or(StoreError::NoOpenShift)?;
            let mut report = x_report(cmd.conn(), &config, &shift)?;
            report.kind = ReportKind::Z;
            report.closed_at = Some(stamp.0.to_string());
            report.closed_by = operator.as_ref().map(|o| o.name.clone());
            report.difference = counted
                .iter()
                .map(|c| {
                    let expected = report
                        .expected
                        .iter()
                        .find(|e| e.kind == c.kind)
                        .map_or(Money::ZERO, |e| e.amount);
                    Ok(TenderAmount {
                        kind: c.kind,
                        amount: c.amount.checked_sub(expected)?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            report.counted = counted.clone();
            let record = ShiftClosed {
                id: Uuid::now_v7().to_string(),
                shift_id: shift.id.clone(),
                store: config.store_code.clone(),
                till_no: config.till_no,
                closed_at: stamp.0.clone(),
                business_day: stamp.1.clone(),
                closed_by: operator.as_ref().map(|o| o.staff_ref()),
                counted: report.counted.clone(),
                expected: report.expected.clone(),
                difference: report.difference.clone(),
                report: serde_json::to_value(&report)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            };
            cmd.record_in_ledger(&record)?;
            let cash = |list: &[TenderAmount]| {
                list.iter()
                    .find(|t| t.kind == TenderKind::Cash)
                    .map_or(Money::ZERO, |t| t.amount)
            };
            cmd.audit(
                Event::new(
                    AuditEvent::ShiftClose,
                    format!(
                        "cash counted {}, expected {}, difference {}",
                        audit::amount(&config, cash(&record.counted)),
                        audit::amount(&config, cash(&record.expected)),
                        audit::amount(&config, cash(&record.difference))
                    ),
                )
                .record(&record.id)
                .by(record.closed_by.clone()),
            )?;
            Ok(report)
        })
    }

    /// A closed shift's Z report as it was sealed, marked as a copy; or the open shift's X.
    pub fn shift_report(&self, shift_id: &str) -> Result<ShiftReport, StoreError> {
        let config = self.config()?;
        let closed: Option<String> = self
            .conn
            .prepare_cached("SELECT record FROM shift_closes WHERE shift_id = ?1")?
            .query_row([shift_id.trim()], |r| r.get(0))
            .optional()?;
        if let Some(json) = closed {
            let record: ShiftClosed =
                serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let mut report: ShiftReport = serde_json::from_value(record.report)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            report.copy = true;
            return Ok(report);
        }
        match open_shift(&self.conn, config.till_no)? {
            Some(open) if open.id == shift_id.trim() => x_report(self.fresh()?, &config, &open),
            _ => Err(StoreError::Invalid(format!(
                "no shift {:?} on this till",
                shift_id.trim()
            ))),
        }
    }

    /// This till's shifts, newest first: (shift, closed at).
    pub fn shifts(&self, limit: u32) -> Result<Vec<(ShiftOpened, Option<String>)>, StoreError> {
        let config = self.config()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.record, c.closed_at FROM shifts s LEFT JOIN shift_closes c ON c.shift_id = s.id
             WHERE s.till_no = ?1
             ORDER BY strftime('%Y-%m-%dT%H:%M:%fZ', s.opened_at) DESC, s.id DESC LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![config.till_no, limit], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(json, closed)| {
                Ok((
                    serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    closed,
                ))
            })
            .collect()
    }
}
