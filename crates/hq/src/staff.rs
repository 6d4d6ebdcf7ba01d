//! Staff administration: head office adds people, sets PINs (hashed here with argon2 and a
//! random salt; the PIN itself is never stored or logged), and deactivates leavers. Every change
//! is a new staff list version that tills fetch on their next sync.

use crate::error::HqError;
use crate::hq::Hq;
use chrono::Utc;
use kassa_domain::staff::{hash_pin, validate_pin_for, validate_staff_name};
use kassa_domain::{StaffError, StaffMember};
use kassa_protocol::{NewStaff, StaffSummary};

fn bad(e: StaffError) -> HqError {
    HqError::BadRequest(e.to_string())
}

fn hashed(pin: &str) -> Result<String, HqError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| HqError::Corrupt(format!("random source: {e}")))?;
    hash_pin(pin, &salt).map_err(bad)
}

fn summary(member: StaffMember, version: i64) -> StaffSummary {
    StaffSummary {
        id: member.id,
        name: member.name,
        role: member.role,
        active: member.active,
        version,
    }
}

impl Hq {
    pub async fn add_staff(&self, new: &NewStaff) -> Result<StaffSummary, HqError> {
        let name = validate_staff_name(&new.name).map_err(bad)?;
        validate_pin_for(new.role, &new.pin).map_err(bad)?;
        let member = StaffMember {
            id: uuid::Uuid::now_v7().to_string(),
            name,
            role: new.role,
            pin_hash: hashed(&new.pin)?,
            active: true,
        };
        let version = self.storage.put_staff(&member, Utc::now()).await?;
        Ok(summary(member, version))
    }

    pub async fn staff(&self) -> Result<Vec<StaffSummary>, HqError> {
        Ok(self
            .storage
            .staff()
            .await?
            .into_iter()
            .map(|(m, v)| summary(m, v))
            .collect())
    }

    async fn change_staff(
        &self,
        who: &str,
        change: impl FnOnce(&mut StaffMember) -> Result<(), HqError>,
    ) -> Result<StaffSummary, HqError> {
        let mut member = self
            .storage
            .staff_member(who)
            .await?
            .ok_or_else(|| HqError::NotFound(format!("no staff member {who:?}")))?;
        change(&mut member)?;
        let version = self.storage.put_staff(&member, Utc::now()).await?;
        Ok(summary(member, version))
    }

    /// A new PIN (the old one stops working on each till at its next sync).
    pub async fn set_staff_pin(&self, who: &str, pin: &str) -> Result<StaffSummary, HqError> {
        self.change_staff(who, |m| {
            validate_pin_for(m.role, pin).map_err(bad)?;
            m.pin_hash = hashed(pin)?;
            Ok(())
        })
        .await
    }

    /// Deactivates a leaver (or brings someone back); records keep naming them.
    pub async fn set_staff_active(&self, who: &str, active: bool) -> Result<StaffSummary, HqError> {
        self.change_staff(who, |m| {
            m.active = active;
            Ok(())
        })
        .await
    }
}
