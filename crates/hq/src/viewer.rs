//! Whose figures a caller may read: the whole chain's, or only some stores'. Head office's read
//! services are asked through a [`Viewer`], so a store manager in the console and a `read` API
//! token limited to stores are refused alike, by the same rule, wherever they ask.

use crate::console_users::{ConsoleRole, ConsoleUser};
use crate::hq::Hq;
use crate::HqError;
use kassa_protocol::{ExceptionEntry, OrderSummary, SalesFeed, StockAvailability};
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// Every store (an admin, an analyst, an unlimited token, head office's own command line).
    Chain,
    /// These stores only.
    Stores(BTreeSet<String>),
}

impl Viewer {
    /// A viewer limited to `stores`, or the whole chain when none are given.
    pub fn of_stores(stores: &[String]) -> Viewer {
        if stores.is_empty() {
            Viewer::Chain
        } else {
            Viewer::Stores(stores.iter().cloned().collect())
        }
    }

    pub fn sees(&self, store: &str) -> bool {
        match self {
            Viewer::Chain => true,
            Viewer::Stores(stores) => stores.contains(store),
        }
    }

    /// Refuses a store this viewer may not see, as one that does not exist would be refused:
    /// the answer says nothing about other stores.
    pub fn check(&self, store: &str) -> Result<(), HqError> {
        if self.sees(store) {
            Ok(())
        } else {
            Err(HqError::Forbidden(format!(
                "store {:?} is not one this caller may see",
                store.chars().take(16).collect::<String>()
            )))
        }
    }
}

impl From<&ConsoleUser> for Viewer {
    fn from(user: &ConsoleUser) -> Viewer {
        match user.role {
            ConsoleRole::Admin | ConsoleRole::Analyst => Viewer::Chain,
            ConsoleRole::StoreManager => Viewer::Stores(user.stores.iter().cloned().collect()),
        }
    }
}

/// Head office's reads, as a viewer may see them.
impl Hq {
    pub async fn sales_feed_for(
        &self,
        viewer: &Viewer,
        store: &str,
        day: &str,
    ) -> Result<SalesFeed, HqError> {
        viewer.check(store)?;
        self.sales_feed(store, day).await
    }

    pub async fn exceptions_for(&self, viewer: &Viewer) -> Result<Vec<ExceptionEntry>, HqError> {
        let mut all = self.exceptions().await?;
        all.retain(|e| viewer.sees(&e.store));
        Ok(all)
    }

    pub async fn orders_for(
        &self,
        viewer: &Viewer,
        store: Option<&str>,
    ) -> Result<Vec<OrderSummary>, HqError> {
        if let Some(store) = store {
            viewer.check(store)?;
        }
        let mut all = self.orders(store).await?;
        all.retain(|o| viewer.sees(&o.store));
        Ok(all)
    }

    pub async fn stock_availability_for(
        &self,
        viewer: &Viewer,
        sku: &str,
    ) -> Result<StockAvailability, HqError> {
        let mut availability = self.stock_availability(sku).await?;
        availability.stores.retain(|s| viewer.sees(&s.store));
        Ok(availability)
    }

    pub async fn findings_for(
        &self,
        viewer: &Viewer,
    ) -> Result<Vec<crate::storage::Finding>, HqError> {
        let mut all = self.findings().await?;
        all.retain(|f| viewer.sees(&f.store));
        Ok(all)
    }

    pub async fn shifts_for(
        &self,
        viewer: &Viewer,
        store: &str,
    ) -> Result<Vec<crate::shifts::ShiftSummary>, HqError> {
        viewer.check(store)?;
        self.shifts(store).await
    }

    /// Resolves an exception of a store the viewer sees (another store's is refused as if it
    /// did not exist, so nothing is learned about it).
    pub async fn resolve_exception_for(
        &self,
        viewer: &Viewer,
        request: &kassa_protocol::ResolveRequest,
    ) -> Result<kassa_replica::ledger::ResolutionRecord, HqError> {
        let id = request.id.trim();
        let visible = self
            .exceptions_for(viewer)
            .await?
            .iter()
            .any(|e| e.id == id);
        if !visible && *viewer != Viewer::Chain {
            return Err(HqError::NotFound(format!("no exception {id:?}")));
        }
        self.resolve_exception(request).await
    }

    /// A till's audit chain (`STORE-TILL`), if the viewer sees its store.
    pub async fn verify_audit_for(
        &self,
        viewer: &Viewer,
        till: &str,
    ) -> Result<crate::audit::AuditCheck, HqError> {
        let store = till.trim().rsplit_once('-').map_or("", |(store, _)| store);
        viewer.check(store)?;
        self.verify_audit(till).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limited_viewer_sees_its_stores_only() {
        assert!(Viewer::Chain.sees("ANY"));
        let ams = Viewer::of_stores(&["AMS1".into()]);
        assert!(ams.sees("AMS1") && !ams.sees("RTM1"));
        assert!(ams.check("RTM1").is_err());
        assert_eq!(Viewer::of_stores(&[]), Viewer::Chain);
    }
}
