//! A PIN changed at the till: a supervisor or manager whose PIN is shorter than approvers need
//! (set before the rule) must choose a new one at its next use, offline or not. The new PIN's
//! hash works here at once and goes to head office with the next sync, which passes it to the
//! person's other tills; a change head office refuses (its PIN changed meanwhile) puts back the
//! PIN head office has.

use crate::audit::Event;
use crate::error::StoreError;
use crate::staff::Operator;
use crate::till::Till;
use kassa_domain::staff::{hash_pin, validate_pin_for, PinChange};
use kassa_replica::audit::AuditEvent;
use rusqlite::{params, Connection};

/// Puts the PINs changed here and not yet taken by head office back over what a staff update
/// wrote (head office's hash, which it had before it heard of the change).
pub(crate) fn keep_pending(conn: &Connection) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE staff SET pin_hash = (SELECT p.pin_hash FROM pin_changes p WHERE p.staff_id = staff.id)
         WHERE id IN (SELECT staff_id FROM pin_changes)",
    )?
    .execute([])?;
    Ok(())
}

impl Till {
    /// Changes someone's own PIN: `old_pin` must be theirs (wrong ones count towards the lock as
    /// at sign-in) and `new_pin` must suit their role. Returns them, as if signed in with it.
    pub fn change_pin(
        &mut self,
        who: &str,
        old_pin: &str,
        new_pin: &str,
    ) -> Result<Operator, StoreError> {
        let member = self.verify_pin(who, old_pin)?;
        validate_pin_for(member.role, new_pin)?;
        if new_pin == old_pin {
            return Err(StoreError::Invalid(
                "the new PIN must differ from the old one".into(),
            ));
        }
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).expect("the operating system's random source works");
        let new_hash = hash_pin(new_pin, &salt)?;
        let operator = Operator {
            id: member.id.clone(),
            name: member.name.clone(),
            role: member.role,
        };
        let staff_ref = operator.staff_ref();
        self.command(|cmd| {
            let at = cmd.stamp.at.as_str().to_string();
            let conn = cmd.conn();
            // A second change before a sync keeps the hash head office had as the one replaced.
            conn.execute(
                "INSERT INTO pin_changes (staff_id, replaces, pin_hash, changed_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (staff_id) DO UPDATE SET pin_hash = ?3, changed_at = ?4",
                params![member.id, member.pin_hash, new_hash, at],
            )?;
            conn.execute(
                "UPDATE staff SET pin_hash = ?2 WHERE id = ?1",
                params![member.id, new_hash],
            )?;
            cmd.audit(Event::new(AuditEvent::PinChange, member.name.clone()).by(Some(staff_ref)))?;
            Ok(())
        })?;
        Ok(operator)
    }

    /// PINs changed here that head office has not taken yet.
    pub fn pending_pin_changes(&self) -> Result<Vec<PinChange>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT staff_id, replaces, pin_hash FROM pin_changes ORDER BY changed_at, staff_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(PinChange {
                staff_id: r.get(0)?,
                replaces: r.get(1)?,
                pin_hash: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Head office answered a sync that carried `sent`: the changes it took are done; those it
    /// refused (`refused`, by staff id) put back the hash they replaced until its staff update
    /// says otherwise. A change made again since it was sent stays pending.
    pub fn settle_pin_changes(
        &mut self,
        sent: &[PinChange],
        refused: &[String],
    ) -> Result<(), StoreError> {
        let tx = crate::till::begin(&mut self.conn)?;
        for change in sent {
            let gone = tx.execute(
                "DELETE FROM pin_changes WHERE staff_id = ?1 AND pin_hash = ?2",
                params![change.staff_id, change.pin_hash],
            )?;
            if gone > 0 && refused.contains(&change.staff_id) {
                tx.execute(
                    "UPDATE staff SET pin_hash = ?2 WHERE id = ?1 AND pin_hash = ?3",
                    params![change.staff_id, change.replaces, change.pin_hash],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
