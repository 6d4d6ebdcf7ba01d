//! Staff at the till: the list head office sends (one writer, versioned, like the catalogue), PIN
//! sign-in with a lock after wrong PINs, who is at the till now, and approvals by a second
//! person's PIN.
//!
//! A till that knows no staff yet (a stand-alone demo, or before its first sync) runs as a
//! single-operator till: records name no one and approvals cannot be checked (see
//! docs/adr/0005-staff-and-approvals.md). Once head office has sent staff, every write needs a
//! signed-in operator and approvals need a PIN.

use crate::attempts;
use crate::audit::Event;
use crate::error::StoreError;
use crate::till::{begin, Till};
use kassa_domain::staff::{pin_matches, validate_pin_for, MIN_APPROVER_PIN_DIGITS};
use kassa_domain::{Approval, Role, StaffMember};
use kassa_replica::audit::AuditEvent;
use kassa_replica::ledger::StaffRef;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// Someone signed in at the till, or approving: who they are and what they may do.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub id: String,
    pub name: String,
    pub role: Role,
}

impl Operator {
    pub fn staff_ref(&self) -> StaffRef {
        StaffRef {
            id: self.id.clone(),
            name: self.name.clone(),
        }
    }
}

/// A second person's name (or staff id) and PIN, typed to approve something.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub staff: String,
    pub pin: String,
}

/// A staff member as the sign-in screen lists them: never the PIN hash.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffListing {
    pub id: String,
    pub name: String,
    pub role: Role,
}

struct StaffRow {
    member: StaffMember,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StaffRow> {
    let role: String = r.get(2)?;
    Ok(StaffRow {
        member: StaffMember {
            id: r.get(0)?,
            name: r.get(1)?,
            role: Role::parse(&role).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, e.into())
            })?,
            pin_hash: r.get(3)?,
            active: r.get(4)?,
        },
    })
}

/// A staff member by id, else by name (any case); an active one before an inactive namesake.
pub(crate) fn find(conn: &Connection, who: &str) -> Result<Option<StaffMember>, StoreError> {
    let who = who.trim();
    let found = conn
        .prepare_cached(
            "SELECT id, name, role, pin_hash, active FROM staff
             WHERE id = ?1 OR name = ?1 COLLATE NOCASE
             ORDER BY id = ?1 DESC, active DESC, id LIMIT 1",
        )?
        .query_row([who], row)
        .optional()?;
    Ok(found.map(|r| r.member))
}

/// Whether this till has ever had staff: then every write needs someone signed in. Fails closed:
/// staff are only ever deactivated, never deleted, so a sync that deactivates everyone leaves a
/// till nobody can use until head office makes someone active again, not an open till.
pub(crate) fn staff_mode(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM staff)")?
        .query_row([], |r| r.get(0))?)
}

/// Who may let `action` happen: the operator themselves when their role may, else the approver
/// whose PIN was typed. `None` on a till with no staff (no operator, as [`Till::acting`] says),
/// where nothing can be checked.
pub(crate) fn approval_for(
    action: Approval,
    operator: Option<&Operator>,
    approver: Option<&Operator>,
) -> Result<Option<StaffRef>, StoreError> {
    let Some(operator) = operator else {
        return Ok(None);
    };
    if operator.role.may_approve(action) {
        return Ok(Some(operator.staff_ref()));
    }
    match approver {
        Some(approver) if approver.role.may_approve(action) => Ok(Some(approver.staff_ref())),
        Some(approver) => Err(StoreError::NotPermitted {
            name: approver.name.clone(),
            role: approver.role.to_string(),
            action: action.describe().into(),
            least: action.least_role().to_string(),
        }),
        None => Err(StoreError::ApprovalRequired {
            action: action.describe().into(),
            least: action.least_role().to_string(),
        }),
    }
}

impl Till {
    /// Applies head office's staff changes in one transaction and remembers their version.
    /// Someone signed in who was made inactive is signed out.
    pub fn apply_staff_update(
        &mut self,
        version: i64,
        members: &[StaffMember],
    ) -> Result<(), StoreError> {
        let tx = begin(&mut self.conn)?;
        for member in members {
            tx.prepare_cached(
                "INSERT INTO staff (id, name, role, pin_hash, active) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET name = ?2, role = ?3, pin_hash = ?4, active = ?5",
            )?
            .execute(params![
                member.id,
                member.name,
                member.role.as_str(),
                member.pin_hash,
                member.active
            ])?;
        }
        tx.execute(
            "UPDATE device SET staff_version = max(staff_version, ?1) WHERE id = 1",
            [version],
        )?;
        // A PIN changed here and not yet sent stays the PIN here.
        crate::pin_change::keep_pending(&tx)?;
        tx.commit()?;
        if let Some(operator) = &self.operator {
            match find(&self.conn, &operator.id)? {
                Some(m) if m.active => {
                    self.operator = Some(Operator {
                        id: m.id,
                        name: m.name,
                        role: m.role,
                    })
                }
                _ => self.operator = None,
            }
        }
        Ok(())
    }

    /// The version of the staff list this till has from head office.
    pub fn staff_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT staff_version FROM device WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?
            .unwrap_or(0))
    }

    /// Active staff, by name, for the sign-in screen.
    pub fn staff(&self) -> Result<Vec<StaffListing>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, role, pin_hash, active FROM staff WHERE active = 1
             ORDER BY name COLLATE NOCASE, id",
        )?;
        let rows = stmt.query_map([], row)?;
        let mut out = Vec::new();
        for r in rows {
            let m = r?.member;
            out.push(StaffListing {
                id: m.id,
                name: m.name,
                role: m.role,
            });
        }
        Ok(out)
    }

    /// Whether this till needs someone signed in (it has had staff from head office).
    pub fn staff_required(&self) -> Result<bool, StoreError> {
        staff_mode(&self.conn)
    }

    /// Checks a PIN: five wrong ones in a row lock that person's prompt for five minutes. The
    /// PIN is never stored or logged; only its argon2 hash is compared. A right PIN that is too
    /// short for the person's role (set before approvers needed 6 digits) lets nobody in: they
    /// must choose a new one first ([`Till::change_pin`]).
    pub fn check_pin(&mut self, who: &str, pin: &str) -> Result<Operator, StoreError> {
        let member = self.verify_pin(who, pin)?;
        if validate_pin_for(member.role, pin).is_err() {
            return Err(StoreError::PinChangeRequired {
                name: member.name,
                role: member.role.to_string(),
                min: MIN_APPROVER_PIN_DIGITS,
            });
        }
        Ok(Operator {
            id: member.id,
            name: member.name,
            role: member.role,
        })
    }

    /// [`Till::check_pin`] without the length rule: the person, if `pin` is theirs and they are
    /// active.
    pub(crate) fn verify_pin(&mut self, who: &str, pin: &str) -> Result<StaffMember, StoreError> {
        let member = find(&self.conn, who)?.ok_or_else(|| StoreError::UnknownStaff(who.into()))?;
        let subject = format!("staff:{}", member.id);
        let whose = Some(StaffRef {
            id: member.id.clone(),
            name: member.name.clone(),
        });
        if let Some(until) = attempts::locked_until(&self.conn, &subject, self.clock.as_ref())? {
            self.audit_alone(
                Event::new(AuditEvent::PinRefused, format!("locked until {until}")).by(whose),
            )?;
            return Err(StoreError::PinLocked {
                name: member.name,
                until,
            });
        }
        if !pin_matches(pin, &member.pin_hash) {
            let left = attempts::record_failure(&self.conn, &subject, self.clock.as_ref())?;
            self.audit_alone(
                Event::new(
                    AuditEvent::PinRefused,
                    format!("wrong pin, {left} tries left"),
                )
                .by(whose),
            )?;
            return Err(StoreError::WrongPin {
                name: member.name,
                left,
            });
        }
        attempts::clear(&self.conn, &subject)?;
        if !member.active {
            return Err(StoreError::StaffInactive(member.name));
        }
        Ok(member)
    }

    /// Signs someone in (switching cashier signs the last one out).
    pub fn sign_in(&mut self, who: &str, pin: &str) -> Result<Operator, StoreError> {
        let operator = self.check_pin(who, pin)?;
        self.audit_alone(
            Event::new(
                AuditEvent::SignIn,
                format!("{} ({})", operator.name, operator.role),
            )
            .by(Some(operator.staff_ref())),
        )?;
        self.operator = Some(operator.clone());
        Ok(operator)
    }

    /// Locks the till: nobody is signed in until someone types their PIN.
    pub fn lock(&mut self) -> Result<(), StoreError> {
        if let Some(operator) = self.operator.take() {
            self.audit_alone(
                Event::new(AuditEvent::Lock, operator.name.clone()).by(Some(operator.staff_ref())),
            )?;
        }
        Ok(())
    }

    pub fn operator(&self) -> Option<&Operator> {
        self.operator.as_ref()
    }

    /// Who is making a record: the operator, `None` on a till with no staff, refused when the
    /// till has staff and is locked.
    pub(crate) fn acting(&self) -> Result<Option<Operator>, StoreError> {
        if !staff_mode(&self.conn)? {
            return Ok(None);
        }
        let operator = self.operator.clone().ok_or(StoreError::SignInRequired)?;
        // Another connection (the app's background sync) may have applied a deactivation.
        let active: Option<bool> = self
            .conn
            .prepare_cached("SELECT active FROM staff WHERE id = ?1")?
            .query_row([&operator.id], |r| r.get(0))
            .optional()?;
        match active {
            Some(true) => Ok(Some(operator)),
            _ => Err(StoreError::StaffInactive(operator.name)),
        }
    }

    /// Checks an approver's PIN before a command's transaction opens, so that a wrong PIN is
    /// counted even though the command is refused.
    pub(crate) fn approver(
        &mut self,
        credentials: Option<&Credentials>,
    ) -> Result<Option<Operator>, StoreError> {
        credentials
            .map(|c| self.check_pin(&c.staff, &c.pin))
            .transpose()
    }
}
