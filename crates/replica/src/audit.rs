//! The audit trail: every till keeps an append-only, hash-chained log of what happened at it
//! (sales, voids, returns, pickups, approvals, sign-ins, shift and cash events). Each entry
//! carries the hash of the one before, so changing, removing or reordering any entry breaks the
//! chain from there on. The entries also travel in the till's ledger documents, so head office
//! holds a copy it can check the same way.

use crate::ledger::StaffRef;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What an audit entry records. On the wire (and in the hash) it is its snake_case name; a name
/// this build does not know (an entry from a newer till) is kept as [`AuditEvent::Other`], so head
/// office and older tills still read and verify that till's chain.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AuditEvent {
    Sale,
    Void,
    Return,
    Pickup,
    Resolution,
    SignIn,
    PinRefused,
    Lock,
    ShiftOpen,
    CashIn,
    CashOut,
    XReport,
    ShiftClose,
    Reprint,
    DrawerOpen,
    /// Someone changed their own PIN at the till (a short approver PIN, at its next use).
    PinChange,
    /// A kind this build does not know, as written.
    Other(String),
}

impl AuditEvent {
    /// Every kind this build writes.
    pub const KNOWN: [AuditEvent; 16] = [
        AuditEvent::Sale,
        AuditEvent::Void,
        AuditEvent::Return,
        AuditEvent::Pickup,
        AuditEvent::Resolution,
        AuditEvent::SignIn,
        AuditEvent::PinRefused,
        AuditEvent::Lock,
        AuditEvent::ShiftOpen,
        AuditEvent::CashIn,
        AuditEvent::CashOut,
        AuditEvent::XReport,
        AuditEvent::ShiftClose,
        AuditEvent::Reprint,
        AuditEvent::DrawerOpen,
        AuditEvent::PinChange,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            AuditEvent::Sale => "sale",
            AuditEvent::Void => "void",
            AuditEvent::Return => "return",
            AuditEvent::Pickup => "pickup",
            AuditEvent::Resolution => "resolution",
            AuditEvent::SignIn => "sign_in",
            AuditEvent::PinRefused => "pin_refused",
            AuditEvent::Lock => "lock",
            AuditEvent::ShiftOpen => "shift_open",
            AuditEvent::CashIn => "cash_in",
            AuditEvent::CashOut => "cash_out",
            AuditEvent::XReport => "x_report",
            AuditEvent::ShiftClose => "shift_close",
            AuditEvent::Reprint => "reprint",
            AuditEvent::DrawerOpen => "drawer_open",
            AuditEvent::PinChange => "pin_change",
            AuditEvent::Other(name) => name,
        }
    }

    /// The kind named `name` (any other name is kept as [`AuditEvent::Other`]).
    pub fn from_name(name: &str) -> AuditEvent {
        AuditEvent::KNOWN
            .into_iter()
            .find(|e| e.as_str() == name)
            .unwrap_or_else(|| AuditEvent::Other(name.to_string()))
    }
}

impl std::fmt::Display for AuditEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AuditEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AuditEvent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(AuditEvent::from_name(&String::deserialize(deserializer)?))
    }
}

/// The `prev_hash` of a till's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    /// `{store}-{till}`: whose chain this is.
    pub till: String,
    /// 1, 2, 3, ... per till, never reused.
    pub seq: i64,
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub at: Timestamp,
    /// What happened (`sale`, `void`, `shift_close`, ... on the wire).
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub event: AuditEvent,
    /// The record the event made, if any.
    pub record_id: Option<String>,
    pub staff: Option<StaffRef>,
    pub approved_by: Option<StaffRef>,
    /// A short human summary (receipt number, amount, reason).
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

fn field(hasher: &mut Sha256, value: &str) {
    // Length-prefixed, so no two different entries hash the same bytes.
    hasher.update((value.len() as u64).to_be_bytes());
    hasher.update(value.as_bytes());
}

fn staff_field(hasher: &mut Sha256, staff: &Option<StaffRef>) {
    match staff {
        Some(s) => {
            field(hasher, "1");
            field(hasher, &s.id);
            field(hasher, &s.name);
        }
        None => field(hasher, "0"),
    }
}

impl AuditEntry {
    /// The hash this entry must carry: SHA-256 over every other field, the previous hash first.
    pub fn compute_hash(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"kassa-audit-v1\0");
        field(&mut hasher, &self.prev_hash);
        field(&mut hasher, &self.id);
        field(&mut hasher, &self.till);
        field(&mut hasher, &self.seq.to_string());
        field(&mut hasher, self.at.as_str());
        field(&mut hasher, self.event.as_str());
        field(
            &mut hasher,
            self.record_id.as_deref().unwrap_or("\u{0}none"),
        );
        staff_field(&mut hasher, &self.staff);
        staff_field(&mut hasher, &self.approved_by);
        field(&mut hasher, &self.detail);
        hex::encode(hasher.finalize())
    }

    /// Seals a new entry after `previous` (or as the first).
    pub fn next(previous: Option<(i64, &str)>, new: NewAuditEntry) -> AuditEntry {
        let NewAuditEntry {
            id,
            till,
            at,
            event,
            record_id,
            staff,
            approved_by,
            detail,
        } = new;
        let (seq, prev_hash) = match previous {
            Some((seq, hash)) => (seq + 1, hash.to_string()),
            None => (1, GENESIS.to_string()),
        };
        let mut entry = AuditEntry {
            id,
            till,
            seq,
            at,
            event,
            record_id,
            staff,
            approved_by,
            detail,
            prev_hash,
            hash: String::new(),
        };
        entry.hash = entry.compute_hash();
        entry
    }
}

/// What an entry says, before it is numbered and sealed into the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub id: String,
    /// `{store}-{till}`: whose chain this is.
    pub till: String,
    pub at: Timestamp,
    pub event: AuditEvent,
    pub record_id: Option<String>,
    pub staff: Option<StaffRef>,
    pub approved_by: Option<StaffRef>,
    pub detail: String,
}

/// Where a chain breaks: the first entry that does not follow from the ones before it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Break {
    pub seq: i64,
    pub id: String,
    pub why: String,
}

/// Checks a till's entries in `seq` order: numbered 1, 2, 3, ... with no gap, each linked to the
/// one before and carrying its own hash. `complete: false` allows the chain to start after 1 and
/// to have gaps (head office may not have every day's document yet), checking links only between
/// consecutive entries.
pub fn verify_chain(entries: &[AuditEntry], complete: bool) -> Result<(), Break> {
    let broken = |e: &AuditEntry, why: String| Break {
        seq: e.seq,
        id: e.id.clone(),
        why,
    };
    let mut previous: Option<&AuditEntry> = None;
    for entry in entries {
        if entry.compute_hash() != entry.hash {
            return Err(broken(entry, "its contents do not match its hash".into()));
        }
        match previous {
            None if complete && (entry.seq != 1 || entry.prev_hash != GENESIS) => {
                return Err(broken(entry, "the log does not start at entry 1".into()))
            }
            Some(p) if entry.seq == p.seq + 1 && entry.prev_hash != p.hash => {
                return Err(broken(entry, format!("it does not follow entry {}", p.seq)))
            }
            Some(p) if entry.seq <= p.seq => {
                return Err(broken(
                    entry,
                    format!("it repeats or precedes entry {}", p.seq),
                ))
            }
            Some(p) if complete && entry.seq != p.seq + 1 => {
                return Err(broken(
                    entry,
                    format!("entries {} to {} are missing", p.seq + 1, entry.seq - 1),
                ))
            }
            _ => {}
        }
        if let Some(p) = previous {
            if entry.till != p.till {
                return Err(broken(entry, format!("it belongs to till {}", entry.till)));
            }
        }
        previous = Some(entry);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let prev = out.last().map(|e| (e.seq, e.hash.as_str()));
            let entry = AuditEntry::next(
                prev,
                NewAuditEntry {
                    id: format!("id-{i}"),
                    till: "AMS1-1".into(),
                    at: Timestamp::parse(&format!("2026-11-26T10:00:{i:02}+01:00")).unwrap(),
                    event: AuditEvent::Sale,
                    record_id: Some(format!("sale-{i}")),
                    staff: Some(StaffRef {
                        id: "s1".into(),
                        name: "Carl".into(),
                    }),
                    approved_by: None,
                    detail: format!("AMS1-1-{i} total 1.29"),
                },
            );
            out.push(entry);
        }
        out
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify_chain(&chain(5), true), Ok(()));
        assert_eq!(verify_chain(&[], true), Ok(()));
    }

    #[test]
    fn any_change_names_the_first_broken_entry() {
        let mut edited = chain(5);
        edited[2].detail = "AMS1-1-2 total 0.01".into();
        assert_eq!(verify_chain(&edited, true).unwrap_err().seq, 3);

        // Re-sealing the edited entry does not help: the next one no longer follows it.
        edited[2].hash = edited[2].compute_hash();
        let err = verify_chain(&edited, true).unwrap_err();
        assert_eq!(
            (err.seq, err.why.as_str()),
            (4, "it does not follow entry 3")
        );

        let mut removed = chain(5);
        removed.remove(1);
        assert_eq!(verify_chain(&removed, true).unwrap_err().seq, 3);
        // Head office may lack a day's document: gaps are allowed when the chain is partial, a
        // wrong link is not.
        assert_eq!(verify_chain(&removed, false), Ok(()));

        let mut swapped = chain(4);
        swapped.swap(1, 2);
        assert_eq!(verify_chain(&swapped, true).unwrap_err().seq, 3);

        let mut event = chain(3);
        event[1].event = AuditEvent::Void;
        assert_eq!(verify_chain(&event, true).unwrap_err().seq, 2);

        let mut staff = chain(3);
        staff[0].staff = None;
        assert_eq!(verify_chain(&staff, true).unwrap_err().seq, 1);
    }

    #[test]
    fn event_kinds_keep_their_wire_names_and_unknown_ones_survive() {
        for event in AuditEvent::KNOWN {
            let json = serde_json::to_string(&event).unwrap();
            assert_eq!(json, format!("\"{}\"", event.as_str()));
            assert_eq!(serde_json::from_str::<AuditEvent>(&json).unwrap(), event);
        }
        assert_eq!(
            serde_json::to_string(&AuditEvent::ShiftClose).unwrap(),
            "\"shift_close\""
        );
        // An entry from a newer till: read, kept as written, and its hash still checks.
        let mut entries = chain(2);
        entries[1].event = AuditEvent::from_name("gift_card_sold");
        entries[1].hash = entries[1].compute_hash();
        let json = serde_json::to_string(&entries[1]).unwrap();
        assert!(json.contains("\"event\":\"gift_card_sold\""), "{json}");
        let back: AuditEntry = serde_json::from_str(&json).unwrap();
        assert_eq!(back, entries[1]);
        assert_eq!(verify_chain(&[entries[0].clone(), back], true), Ok(()));
    }

    /// An entry as a till wrote it before event kinds and times were typed (its hash worked out
    /// independently of this code): it reads, verifies, and writes back unchanged.
    #[test]
    fn an_entry_written_before_types_still_verifies_and_round_trips() {
        let json = r#"{"id":"0193a0c0-0000-7000-8000-0000000000a1","till":"AMS1-1","seq":1,"at":"2026-11-23T10:00:00.000+01:00","event":"sale","record_id":"sale-1","staff":{"id":"s1","name":"Carl"},"approved_by":null,"detail":"AMS1-1-1 total 1.29","prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","hash":"f329b29f6a507899fbfdc6ca95006153c3f029d9d4df7023f337eb2f4b3416fd"}"#;
        let entry: AuditEntry = serde_json::from_str(json).unwrap();
        assert_eq!(entry.event, AuditEvent::Sale);
        assert_eq!(verify_chain(std::slice::from_ref(&entry), true), Ok(()));
        assert_eq!(serde_json::to_string(&entry).unwrap(), json);
    }
}
