use kassa_domain::{Product, StaffMember};
use serde::{Deserialize, Serialize};

/// One Automerge sync message for one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMessage {
    pub doc_id: String,
    #[serde(with = "crate::bytes")]
    pub message: Vec<u8>,
}

/// `POST /v1/sync`: the till's messages, and the catalogue version it has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRequest {
    pub protocol: u32,
    pub docs: Vec<DocMessage>,
    pub catalogue_since: i64,
    /// The staff list version the till has (0: none). Absent from older tills.
    #[serde(default)]
    pub staff_since: i64,
    /// [`receipt_keys_digest`] of the stores' receipt keys the till holds: head office sends
    /// its list when its own digest differs (a key added, rotated or no longer trusted).
    #[serde(default)]
    pub receipt_keys_digest: String,
    /// The newest entry of the till's audit chain (none while it is empty): head office anchors
    /// it, and flags a chain that later goes back or forks.
    #[serde(default)]
    pub audit_head: Option<AuditHead>,
    /// The till's entry at the number head office anchored last (`hash` empty when the till no
    /// longer has it): proof that the history head office saw is still the till's history.
    #[serde(default)]
    pub audit_at_anchor: Option<AuditHead>,
    /// PINs changed at the till (a short approver PIN, at its next use), at most
    /// [`MAX_PIN_CHANGES_PER_SYNC`]; only hashes.
    #[serde(default)]
    pub pin_changes: Vec<kassa_domain::staff::PinChange>,
    /// The heads the till signed last for the documents of this request, with its device key.
    #[serde(default)]
    pub signed_heads: Vec<SignedHeads>,
    /// Head office's cursor of this store's document changes that the till was told about
    /// (protocol 2): only documents changed after it are announced. `None`: announce every one.
    #[serde(default)]
    pub docs_since: Option<i64>,
    /// What the till says about itself (its software, and what it held that head office had not
    /// confirmed when it made this request), for head office's console. Absent from older tills.
    #[serde(default, rename = "till", skip_serializing_if = "Option::is_none")]
    pub till_report: Option<TillReport>,
}

/// A till's report of itself, in every sync request. Short field names: it travels each round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TillReport {
    /// The till's software version (at most [`MAX_VERSION_CHARS`] printable characters).
    #[serde(rename = "v")]
    pub version: String,
    /// Its sales head office had not confirmed, and their amount (minor units).
    #[serde(rename = "s")]
    pub pending_sales: i64,
    #[serde(rename = "a")]
    pub pending_amount: i64,
    /// Its returns and pickups head office had not confirmed.
    #[serde(rename = "o")]
    pub pending_other: i64,
}

/// Longest software version a till may report.
pub const MAX_VERSION_CHARS: usize = 32;

impl TillReport {
    /// Whether head office may keep it as it is: a short printable version, counts and an
    /// amount in range (a till cannot hold more than it could ever sell).
    pub fn is_plausible(&self) -> bool {
        let version_ok = !self.version.is_empty()
            && self.version.chars().count() <= MAX_VERSION_CHARS
            && self.version.chars().all(|c| c.is_ascii_graphic());
        let count_ok = |n: i64| (0..=100_000_000).contains(&n);
        version_ok
            && count_ok(self.pending_sales)
            && count_ok(self.pending_other)
            && self.pending_amount.unsigned_abs() <= kassa_domain::MAX_AMOUNT.minor().unsigned_abs()
    }
}

impl SyncRequest {
    /// A request at this protocol version carrying `docs` and nothing else: no versions held
    /// (everything is sent back), no cursor, no audit head, no PIN changes, no signatures.
    pub fn new(docs: Vec<DocMessage>) -> SyncRequest {
        SyncRequest {
            protocol: crate::PROTOCOL_VERSION,
            docs,
            catalogue_since: 0,
            staff_since: 0,
            receipt_keys_digest: String::new(),
            audit_head: None,
            audit_at_anchor: None,
            pin_changes: Vec::new(),
            signed_heads: Vec::new(),
            docs_since: None,
            till_report: None,
        }
    }
}

/// A device's signature over one document's heads (see `kassa_domain::heads_signature`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedHeads {
    pub doc_id: String,
    pub heads: Vec<String>,
    pub signature: String,
}

/// More PIN changes than a store's staff make between two syncs; head office refuses the rest.
pub const MAX_PIN_CHANGES_PER_SYNC: usize = 64;

/// A till's audit chain head: its newest entry's sequence number and hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

/// A store's public key for checking its receipt codes. A store has one current key, which
/// certifies its tills' keys, and may have older ones still trusted for receipts printed under
/// them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StoreKey {
    pub store: String,
    pub public_key: String,
    /// The key head office certifies this store's tills with now: a till whose certificate is
    /// under another asks for a new one.
    #[serde(default)]
    pub current: bool,
}

/// A digest of a set of store keys, whatever their order: what a till and head office compare
/// to tell whether the till's set is head office's.
pub fn receipt_keys_digest(keys: &[StoreKey]) -> String {
    use sha2::{Digest, Sha256};
    let mut sorted: Vec<&StoreKey> = keys.iter().collect();
    sorted.sort();
    let mut hash = Sha256::new();
    for key in sorted {
        hash.update(key.store.as_bytes());
        hash.update(b"\t");
        hash.update(key.public_key.to_ascii_lowercase().as_bytes());
        hash.update(if key.current { b"\t1\n" } else { b"\t0\n" });
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Staff changed since the till's version: PINs as argon2 hashes only, so the till can check
/// them offline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffUpdate {
    pub version: i64,
    pub members: Vec<StaffMember>,
}

/// Products changed since the till's version (all of them when it had none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueUpdate {
    pub version: i64,
    pub products: Vec<Product>,
}

/// A document and its heads (hex change hashes, sorted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocHeads {
    pub doc_id: String,
    pub heads: Vec<String>,
}

/// Head office's answer: its messages, the store's documents that changed since the till's
/// cursor (every one without a cursor, so the till can start syncing ones it lacks) with the new
/// cursor, the current stock epoch, and catalogue changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResponse {
    pub protocol: u32,
    pub docs: Vec<DocMessage>,
    pub store_docs: Vec<DocHeads>,
    /// The cursor `store_docs` brings the till to (protocol 2); `None` from a head office that
    /// lists every document (protocol 1), whose list is then the whole of what it holds.
    #[serde(default)]
    pub docs_cursor: Option<i64>,
    /// The newest protocol head office speaks (`protocol` is the request's, so a till one
    /// version behind understands the answer); a till speaks the lower of this and its own.
    #[serde(default)]
    pub hq_protocol: Option<u32>,
    pub stock_epoch: u32,
    pub catalogue: Option<CatalogueUpdate>,
    #[serde(default)]
    pub staff: Option<StaffUpdate>,
    /// Every store's trusted receipt keys, when the till's set differs (by digest): the till
    /// replaces its set with this one.
    #[serde(default)]
    pub receipt_keys: Option<Vec<StoreKey>>,
    /// The newest audit entry number head office has anchored for this till: the till proves
    /// it still holds that entry, unchanged, in its next sync.
    #[serde(default)]
    pub audit_anchor: Option<i64>,
    /// The staff ids of the request's PIN changes head office refused (the till puts back the
    /// PIN it replaced); the others were taken, and show in `staff`.
    #[serde(default)]
    pub pin_changes_refused: Vec<String>,
}

#[cfg(test)]
mod till_report_tests {
    use super::TillReport;

    #[test]
    fn a_report_out_of_bounds_is_not_plausible() {
        let good = TillReport {
            version: "0.9.1".into(),
            pending_sales: 3,
            pending_amount: 1250,
            pending_other: 0,
        };
        assert!(good.is_plausible());
        for bad in [
            TillReport {
                version: String::new(),
                ..good.clone()
            },
            TillReport {
                version: "x".repeat(33),
                ..good.clone()
            },
            TillReport {
                version: "1.0\n<script>".into(),
                ..good.clone()
            },
            TillReport {
                pending_sales: -1,
                ..good.clone()
            },
            TillReport {
                pending_other: i64::MAX,
                ..good.clone()
            },
            TillReport {
                pending_amount: i64::MIN,
                ..good.clone()
            },
        ] {
            assert!(!bad.is_plausible(), "{bad:?}");
        }
        // It travels under short names, and a request without one reads as before.
        let json = serde_json::to_string(&good).unwrap();
        assert_eq!(json, r#"{"v":"0.9.1","s":3,"a":1250,"o":0}"#);
        let old: super::SyncRequest =
            serde_json::from_str(r#"{"protocol":2,"docs":[],"catalogue_since":0}"#).unwrap();
        assert_eq!(old.till_report, None);
    }
}
