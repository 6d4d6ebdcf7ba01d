//! Staff changes as a console user may make them: an admin everyone's, a store manager only
//! people who work in their stores alone (changing someone who also works elsewhere would change
//! another store's staff). The rule is here, beside the services, not in the page.

use crate::error::HqError;
use crate::hq::Hq;
use crate::viewer::Viewer;
use kassa_protocol::{NewStaff, StaffSummary};

impl Viewer {
    /// Whether this viewer may change someone who works in `stores`.
    fn may_change_staff_of(&self, stores: &[String]) -> bool {
        !stores.is_empty() && stores.iter().all(|s| self.sees(s.trim()))
    }
}

impl Hq {
    /// Everyone who works in a store the viewer sees.
    pub async fn staff_for(&self, viewer: &Viewer) -> Result<Vec<StaffSummary>, HqError> {
        let mut staff = self.staff().await?;
        staff.retain(|s| s.stores.iter().any(|store| viewer.sees(store)));
        Ok(staff)
    }

    pub async fn add_staff_for(
        &self,
        viewer: &Viewer,
        new: &NewStaff,
    ) -> Result<StaffSummary, HqError> {
        if !new.stores.is_empty() && !viewer.may_change_staff_of(&new.stores) {
            return Err(HqError::Forbidden(
                "a store manager adds staff to their own stores only".into(),
            ));
        }
        self.add_staff(new).await
    }

    pub async fn set_staff_pin_for(
        &self,
        viewer: &Viewer,
        id: &str,
        pin: &str,
    ) -> Result<StaffSummary, HqError> {
        self.check_staff_change(viewer, id).await?;
        self.set_staff_pin(id, pin).await
    }

    pub async fn set_staff_active_for(
        &self,
        viewer: &Viewer,
        id: &str,
        active: bool,
    ) -> Result<StaffSummary, HqError> {
        self.check_staff_change(viewer, id).await?;
        self.set_staff_active(id, active).await
    }

    /// Refuses a change to someone the viewer does not see as if they did not exist, and to
    /// someone who also works in a store the viewer does not see.
    async fn check_staff_change(&self, viewer: &Viewer, id: &str) -> Result<(), HqError> {
        let entry = self.storage.staff_member(id).await?;
        let Some(entry) = entry.filter(|e| e.stores.iter().any(|s| viewer.sees(s))) else {
            return Err(HqError::NotFound(format!(
                "no staff member {:?}",
                id.chars().take(64).collect::<String>()
            )));
        };
        if !viewer.may_change_staff_of(&entry.stores) {
            return Err(HqError::Forbidden(format!(
                "{} also works in stores that are not yours; head office changes them",
                entry.member.name
            )));
        }
        Ok(())
    }
}
