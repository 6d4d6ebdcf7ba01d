//! The one list of record kinds. For each kind: the map it lives in, the documents that hold it,
//! who may write it, and which exception rules read it. The till's projection, head office's
//! projection, `rebuild --verify`, the conflict check and the exception rules all walk this list,
//! so a new kind is added here once and every replica treats it the same way.

use crate::audit::AuditEntry;
use crate::doc_id::DocKind;
use crate::ledger::{ResolutionRecord, ReturnRecord, SaleRecord, VoidRecord};
use crate::orders::{OrderCancellation, OrderRecord, PickupCodeReset, PickupRecord};
use crate::shifts::{CashMovementRecord, ShiftClosed, ShiftOpened};
use kassa_domain::{hide_credit_codes, holds_credit_codes};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A kind of immutable record, stored as one JSON scalar under its id in one top-level map.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Sale,
    Void,
    Movement,
    Order,
    Pickup,
    Cancellation,
    Return,
    Resolution,
    Audit,
    ShiftOpen,
    CashMovement,
    ShiftClose,
    PickupCodeReset,
}

/// Who may write a kind's records into a document.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Writer {
    /// The till whose ledger it is (head office refuses any other actor in a till's ledger).
    OwningTill,
    /// Head office only.
    HeadOffice,
    /// Any till of the store, or head office (pickups in the store's orders document).
    StoreTillOrHeadOffice,
    /// Head office, in its own ledger of the store, or the till in its own ledger.
    LedgerOwner,
}

/// The exception rules a kind takes part in (`exceptions::detect` reads these records).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKind {
    OverPickup,
    CancelledOrderPickedUp,
    OverReturn,
    ReturnedAndVoided,
    NegativeStock,
    OverRedeemedCredit,
    Conflict,
}

impl ExceptionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionKind::OverPickup => "over_pickup",
            ExceptionKind::CancelledOrderPickedUp => "cancelled_order_picked_up",
            ExceptionKind::OverReturn => "over_return",
            ExceptionKind::ReturnedAndVoided => "returned_and_voided",
            ExceptionKind::NegativeStock => "negative_stock",
            ExceptionKind::OverRedeemedCredit => "over_redeemed_credit",
            ExceptionKind::Conflict => "conflict",
        }
    }
}

/// Everything the rest of the system needs to know about one kind.
#[derive(Copy, Clone, Debug)]
pub struct KindSpec {
    pub kind: RecordKind,
    /// The top-level map holding its records.
    pub map: &'static str,
    /// The documents that may hold it.
    pub docs: &'static [DocKind],
    pub writer: Writer,
    /// The exception rules that read it (every kind also takes part in `Conflict`).
    pub invariants: &'static [ExceptionKind],
    /// Maps added to single-writer documents after their skeleton was fixed: the one writer
    /// creates them on first use, so no two replicas create the same map concurrently.
    pub created_on_first_use: bool,
}

use DocKind::{HqLedger, Ledger, Orders};
use ExceptionKind as E;

/// The registry, in a fixed order (projections run in it: a sale before its void).
pub const KINDS: &[KindSpec] = &[
    KindSpec {
        kind: RecordKind::Sale,
        map: "sales",
        docs: &[Ledger],
        writer: Writer::OwningTill,
        invariants: &[E::OverReturn, E::OverRedeemedCredit],
        created_on_first_use: false,
    },
    KindSpec {
        kind: RecordKind::Void,
        map: "voids",
        docs: &[Ledger],
        writer: Writer::OwningTill,
        invariants: &[E::ReturnedAndVoided],
        created_on_first_use: false,
    },
    KindSpec {
        kind: RecordKind::Return,
        map: "returns",
        docs: &[Ledger],
        writer: Writer::OwningTill,
        invariants: &[E::OverReturn, E::ReturnedAndVoided, E::OverRedeemedCredit],
        created_on_first_use: true,
    },
    KindSpec {
        kind: RecordKind::Resolution,
        map: "resolutions",
        docs: &[Ledger, HqLedger],
        writer: Writer::LedgerOwner,
        invariants: &[],
        created_on_first_use: true,
    },
    KindSpec {
        kind: RecordKind::Audit,
        map: "audit",
        docs: &[Ledger],
        writer: Writer::OwningTill,
        invariants: &[],
        created_on_first_use: true,
    },
    KindSpec {
        kind: RecordKind::ShiftOpen,
        map: "shift_opens",
        docs: &[Ledger],
        writer: Writer::OwningTill,
        invariants: &[],
        created_on_first_use: true,
    },
    KindSpec {
        kind: RecordKind::CashMovement,
        map: "cash_movements",
        docs: &[Ledger],
        writer: Writer::OwningTill,
        invariants: &[],
        created_on_first_use: true,
    },
    KindSpec {
        kind: RecordKind::ShiftClose,
        map: "shift_closes",
        docs: &[Ledger],
        writer: Writer::OwningTill,
        invariants: &[],
        created_on_first_use: true,
    },
    KindSpec {
        kind: RecordKind::Movement,
        map: "movements",
        docs: &[HqLedger],
        writer: Writer::HeadOffice,
        invariants: &[],
        created_on_first_use: false,
    },
    KindSpec {
        kind: RecordKind::Order,
        map: "orders",
        docs: &[Orders],
        writer: Writer::HeadOffice,
        invariants: &[E::OverPickup, E::CancelledOrderPickedUp],
        created_on_first_use: false,
    },
    KindSpec {
        kind: RecordKind::Cancellation,
        map: "cancellations",
        docs: &[Orders],
        writer: Writer::HeadOffice,
        invariants: &[E::CancelledOrderPickedUp],
        created_on_first_use: false,
    },
    KindSpec {
        kind: RecordKind::PickupCodeReset,
        map: "pickup_code_resets",
        docs: &[Orders],
        writer: Writer::HeadOffice,
        invariants: &[],
        created_on_first_use: true,
    },
    KindSpec {
        kind: RecordKind::Pickup,
        map: "pickups",
        docs: &[Orders],
        writer: Writer::StoreTillOrHeadOffice,
        invariants: &[E::OverPickup, E::CancelledOrderPickedUp],
        created_on_first_use: false,
    },
];

impl RecordKind {
    pub fn spec(self) -> &'static KindSpec {
        KINDS
            .iter()
            .find(|s| s.kind == self)
            .expect("every kind is in the registry (tested)")
    }

    pub fn map_name(self) -> &'static str {
        self.spec().map
    }

    /// The kind's name where it is stored or sent as text (head office's record index).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Sale => "sale",
            RecordKind::Void => "void",
            RecordKind::Movement => "movement",
            RecordKind::Order => "order",
            RecordKind::Pickup => "pickup",
            RecordKind::Cancellation => "cancellation",
            RecordKind::Return => "return",
            RecordKind::Resolution => "resolution",
            RecordKind::Audit => "audit",
            RecordKind::ShiftOpen => "shift_open",
            RecordKind::CashMovement => "cash_movement",
            RecordKind::ShiftClose => "shift_close",
            RecordKind::PickupCodeReset => "pickup_code_reset",
        }
    }

    /// The kind of a stored name ([`RecordKind::as_str`]).
    pub fn parse(name: &str) -> Option<RecordKind> {
        KINDS.iter().map(|s| s.kind).find(|k| k.as_str() == name)
    }

    pub(crate) fn created_on_first_use(self) -> bool {
        self.spec().created_on_first_use
    }
}

/// The kinds a document of `kind` may hold, in registry order.
pub fn kinds_in(kind: DocKind) -> impl Iterator<Item = RecordKind> {
    KINDS
        .iter()
        .filter(move |s| s.docs.contains(&kind))
        .map(|s| s.kind)
}

/// A record type of the registry: its kind, its id, and the key head office indexes it by.
pub trait Record: Serialize + DeserializeOwned + Clone {
    const KIND: RecordKind;
    fn id(&self) -> &str;
    /// What the record is about (the order of a pickup, the sale of a return, a shift...).
    fn subject(&self) -> Option<&str> {
        None
    }
    /// The record with the secrets it carries replaced by what stands for them (a store credit
    /// code by its key), or `None` when it carries none (no copy made: a sale's hot path).
    /// Applied to every record written and every record read, so a record from before keys
    /// reads like a new one.
    fn hidden(&self) -> Option<Self> {
        None
    }
    /// [`Record::hidden`] in place. Idempotent.
    fn hide_secrets(&mut self) {
        if let Some(hidden) = self.hidden() {
            *self = hidden;
        }
    }
}

macro_rules! record {
    ($ty:ty, $kind:ident, |$r:ident| $subject:expr) => {
        record!($ty, $kind, |$r| $subject, holds_no_secrets);
    };
    ($ty:ty, $kind:ident, |$r:ident| $subject:expr, $hide:path) => {
        impl Record for $ty {
            const KIND: RecordKind = RecordKind::$kind;
            fn id(&self) -> &str {
                &self.id
            }
            fn subject(&self) -> Option<&str> {
                let $r = self;
                $subject
            }
            fn hidden(&self) -> Option<Self> {
                $hide(self)
            }
        }
    };
}

/// A record kind that carries no secret.
fn holds_no_secrets<R>(_: &R) -> Option<R> {
    None
}

// What each record kind hides (see [`Record::hidden`]): store credit codes, as keys.
fn hide_sale_secrets(r: &SaleRecord) -> Option<SaleRecord> {
    holds_credit_codes(&r.tenders).then(|| {
        let mut hidden = r.clone();
        hide_credit_codes(&mut hidden.tenders);
        hidden
    })
}
fn hide_return_secrets(r: &ReturnRecord) -> Option<ReturnRecord> {
    holds_credit_codes(&r.refunds).then(|| {
        let mut hidden = r.clone();
        hide_credit_codes(&mut hidden.refunds);
        hidden
    })
}
fn hide_pickup_secrets(r: &PickupRecord) -> Option<PickupRecord> {
    holds_credit_codes(&r.tenders).then(|| {
        let mut hidden = r.clone();
        hide_credit_codes(&mut hidden.tenders);
        hidden
    })
}
fn hide_resolution_secrets(r: &ResolutionRecord) -> Option<ResolutionRecord> {
    let renamed = crate::exceptions::exception_id_without_code(&r.exception_id);
    (renamed != r.exception_id).then(|| ResolutionRecord {
        exception_id: renamed,
        ..r.clone()
    })
}

record!(SaleRecord, Sale, |r| Some(&r.receipt_no), hide_sale_secrets);
record!(VoidRecord, Void, |r| Some(&r.sale_id));
record!(
    ReturnRecord,
    Return,
    |r| r.source.subject_id(),
    hide_return_secrets
);
record!(
    ResolutionRecord,
    Resolution,
    |r| Some(&r.exception_id),
    hide_resolution_secrets
);
record!(AuditEntry, Audit, |r| Some(&r.till));
record!(ShiftOpened, ShiftOpen, |r| Some(&r.id));
record!(CashMovementRecord, CashMovement, |r| Some(&r.shift_id));
record!(ShiftClosed, ShiftClose, |r| Some(&r.shift_id));
record!(OrderRecord, Order, |r| Some(&r.order_no));
record!(OrderCancellation, Cancellation, |r| Some(&r.order_id));
record!(PickupCodeReset, PickupCodeReset, |r| Some(&r.order_id));
record!(
    PickupRecord,
    Pickup,
    |r| Some(&r.order_id),
    hide_pickup_secrets
);

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_kind_is_registered_once_with_its_own_map() {
        let all = [
            RecordKind::Sale,
            RecordKind::Void,
            RecordKind::Movement,
            RecordKind::Order,
            RecordKind::Pickup,
            RecordKind::Cancellation,
            RecordKind::Return,
            RecordKind::Resolution,
            RecordKind::Audit,
            RecordKind::ShiftOpen,
            RecordKind::CashMovement,
            RecordKind::ShiftClose,
            RecordKind::PickupCodeReset,
        ];
        assert_eq!(KINDS.len(), all.len());
        let maps: HashSet<_> = KINDS.iter().map(|s| s.map).collect();
        assert_eq!(maps.len(), KINDS.len(), "two kinds share a map");
        for kind in all {
            assert_eq!(kind.spec().kind, kind);
            assert!(!kind.spec().docs.is_empty(), "{kind:?} lives nowhere");
        }
    }

    #[test]
    fn skeleton_maps_are_exactly_the_kinds_not_created_on_first_use() {
        for doc in [Ledger, HqLedger, Orders] {
            let mut fixed: Vec<&str> = kinds_in(doc)
                .filter(|k| !k.created_on_first_use())
                .map(RecordKind::map_name)
                .collect();
            fixed.sort_unstable();
            let mut skeleton = crate::skeleton::top_level_maps(doc).to_vec();
            skeleton.sort_unstable();
            assert_eq!(fixed, skeleton, "{doc:?}");
        }
    }
}
