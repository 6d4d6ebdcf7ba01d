//! Staff administration: head office adds people, sets PINs (hashed here with argon2 and a
//! random salt; the PIN itself is never stored or logged), says which stores they work in, and
//! deactivates leavers. Every change is a new staff list version that tills fetch on their next
//! sync; a till receives only its own store's people.

use crate::error::HqError;
use crate::hq::Hq;
use crate::storage::StaffEntry;
use chrono::Utc;
use kassa_domain::staff::{hash_pin, validate_pin_for, validate_staff_name};
use kassa_domain::{StaffError, StaffMember};
use kassa_protocol::{NewStaff, StaffSummary};

/// More stores than any one person works in; bounds what a request can make us write.
const MAX_STORES_PER_PERSON: usize = 256;

fn bad(e: StaffError) -> HqError {
    HqError::BadRequest(e.to_string())
}

fn hashed(pin: &str) -> Result<String, HqError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| HqError::Corrupt(format!("random source: {e}")))?;
    hash_pin(pin, &salt).map_err(bad)
}

fn summary(entry: StaffEntry) -> StaffSummary {
    StaffSummary {
        id: entry.member.id,
        name: entry.member.name,
        role: entry.member.role,
        active: entry.member.active,
        stores: entry.stores,
        version: entry.version,
    }
}

/// The stores as given, trimmed, upper-cased, sorted and without repeats; at least one.
fn store_list(stores: &[String]) -> Result<Vec<String>, HqError> {
    if stores.len() > MAX_STORES_PER_PERSON {
        return Err(HqError::BadRequest(format!(
            "at most {MAX_STORES_PER_PERSON} stores per person"
        )));
    }
    let mut list: Vec<String> = stores.iter().map(|s| s.trim().to_uppercase()).collect();
    list.sort();
    list.dedup();
    if list.is_empty() || list.iter().any(String::is_empty) {
        return Err(HqError::BadRequest(
            "name the stores this person works in (at least one, e.g. --store AMS1)".into(),
        ));
    }
    Ok(list)
}

impl Hq {
    pub async fn add_staff(&self, new: &NewStaff) -> Result<StaffSummary, HqError> {
        let name = validate_staff_name(&new.name).map_err(bad)?;
        validate_pin_for(new.role, &new.pin).map_err(bad)?;
        let stores = store_list(&new.stores)?;
        let member = StaffMember {
            id: uuid::Uuid::now_v7().to_string(),
            name,
            role: new.role,
            pin_hash: hashed(&new.pin)?,
            active: true,
        };
        let version = self
            .storage
            .put_staff(&member, Some(&stores), Utc::now())
            .await?;
        Ok(summary(StaffEntry {
            member,
            version,
            stores,
        }))
    }

    pub async fn staff(&self) -> Result<Vec<StaffSummary>, HqError> {
        Ok(self
            .storage
            .staff()
            .await?
            .into_iter()
            .map(summary)
            .collect())
    }

    async fn change_staff(
        &self,
        who: &str,
        stores: Option<Vec<String>>,
        change: impl FnOnce(&mut StaffMember) -> Result<(), HqError>,
    ) -> Result<StaffSummary, HqError> {
        let mut entry = self
            .storage
            .staff_member(who)
            .await?
            .ok_or_else(|| HqError::NotFound(format!("no staff member {who:?}")))?;
        change(&mut entry.member)?;
        entry.version = self
            .storage
            .put_staff(&entry.member, stores.as_deref(), Utc::now())
            .await?;
        if let Some(stores) = stores {
            entry.stores = stores;
        }
        Ok(summary(entry))
    }

    /// A new PIN (the old one stops working on each till at its next sync).
    pub async fn set_staff_pin(&self, who: &str, pin: &str) -> Result<StaffSummary, HqError> {
        self.change_staff(who, None, |m| {
            validate_pin_for(m.role, pin).map_err(bad)?;
            m.pin_hash = hashed(pin)?;
            Ok(())
        })
        .await
    }

    /// Deactivates a leaver (or brings someone back); records keep naming them.
    pub async fn set_staff_active(&self, who: &str, active: bool) -> Result<StaffSummary, HqError> {
        self.change_staff(who, None, |m| {
            m.active = active;
            Ok(())
        })
        .await
    }

    /// The stores someone works in from now on: the tills of a store they leave drop them (and
    /// the hash of their PIN) at their next sync; a store they join receives them.
    pub async fn set_staff_stores(
        &self,
        who: &str,
        stores: &[String],
    ) -> Result<StaffSummary, HqError> {
        let stores = store_list(stores)?;
        self.change_staff(who, Some(stores), |_| Ok(())).await
    }
}
