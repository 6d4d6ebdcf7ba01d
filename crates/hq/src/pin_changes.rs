//! PINs changed at a till: a supervisor or manager whose PIN was too short chose a new one at
//! the till, maybe offline. Head office takes the new hash when the till may speak for that
//! person (they work in the till's store, and are active) and the change replaces the PIN head
//! office has now; anything else is refused and the till puts the old PIN back. Every change
//! taken is in the admin log. Head office cannot check the new PIN's length (it gets a hash):
//! a till running altered code could set a short one, which every till asks to change again.

use crate::error::HqError;
use crate::hq::Hq;
use crate::storage::Device;
use chrono::Utc;
use kassa_domain::staff::{is_pin_hash, PinChange};
use kassa_protocol::MAX_PIN_CHANGES_PER_SYNC;

impl Hq {
    /// Takes what it may of a sync's PIN changes; returns the staff ids of those refused.
    pub(crate) async fn take_pin_changes(
        &self,
        device: &Device,
        changes: &[PinChange],
    ) -> Result<Vec<String>, HqError> {
        let mut refused = Vec::new();
        for (i, change) in changes.iter().enumerate() {
            if i >= MAX_PIN_CHANGES_PER_SYNC || !self.take_pin_change(device, change).await? {
                refused.push(bounded_id(&change.staff_id));
            }
        }
        Ok(refused)
    }

    async fn take_pin_change(&self, device: &Device, change: &PinChange) -> Result<bool, HqError> {
        if change.staff_id.len() > 64 || !is_pin_hash(&change.pin_hash) {
            return Ok(false);
        }
        let Some(mut entry) = self.storage.staff_member(&change.staff_id).await? else {
            return Ok(false);
        };
        if entry.member.id != change.staff_id
            || !entry.member.active
            || !entry.stores.contains(&device.store)
        {
            return Ok(false);
        }
        if entry.member.pin_hash == change.pin_hash {
            // Taken already: the answer to the sync that carried it was lost.
            return Ok(true);
        }
        if entry.member.pin_hash != change.replaces {
            // Head office changed the PIN meanwhile: its PIN stands.
            return Ok(false);
        }
        entry.member.pin_hash = change.pin_hash.clone();
        self.storage
            .put_staff(&entry.member, None, Utc::now())
            .await?;
        self.log_admin_action(
            &format!("till:{}/{}", device.store, device.till_no),
            &format!("pin change for {} at the till", entry.member.name),
            "ok",
        )
        .await?;
        Ok(true)
    }
}

/// A staff id as it may be repeated back: bounded, whatever the till sent.
fn bounded_id(id: &str) -> String {
    id.chars().take(64).collect()
}
