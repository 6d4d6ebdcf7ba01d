//! Time stamps on records: compared as instants, written back exactly as they were read.
//!
//! A till stamps its records with its local time and UTC offset (`2026-11-23T10:00:00.000+01:00`,
//! which receipts show); head office stamps in UTC (`2026-11-23T09:00:00.000Z`). Records of both
//! meet in the same documents (a resolution is written by either), so their text does not sort:
//! `10:00+01:00` is before `09:30Z`. A [`Timestamp`] holds the instant as a chrono
//! [`DateTime<FixedOffset>`] (the writer's offset kept) and the text it was read from, so that
//! comparing, ordering and hashing go by the instant while the wire format (and the audit chain's
//! hashes over it) stays byte for byte what the writer wrote. See
//! docs/adr/0010-times-as-instants.md.

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// An instant as a replica stamped it: RFC 3339 with the writer's offset.
///
/// Ordered by instant (then by text, so that two stamps of the same instant written with
/// different offsets still sort the same way on every replica). Equal only when both the instant
/// and the text are. On the wire it is the RFC 3339 string, unchanged.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    instant: DateTime<FixedOffset>,
    text: Box<str>,
}

impl Timestamp {
    /// Reads an RFC 3339 time with any offset (`Z`, `+01:00`, with or without fractions).
    pub fn parse(text: &str) -> Result<Timestamp, chrono::ParseError> {
        let instant = DateTime::parse_from_rfc3339(text)?;
        Ok(Timestamp {
            instant,
            text: text.into(),
        })
    }

    /// A till's stamp: local time with its offset, to the millisecond (`...T10:00:00.000+01:00`).
    pub fn local(at: DateTime<FixedOffset>) -> Timestamp {
        let text = at.to_rfc3339_opts(SecondsFormat::Millis, false);
        Timestamp::from_rendered(text)
    }

    /// Head office's stamp: UTC to the millisecond, written with `Z` (`...T09:00:00.000Z`).
    pub fn utc(at: DateTime<Utc>) -> Timestamp {
        let text = at.to_rfc3339_opts(SecondsFormat::Millis, true);
        Timestamp::from_rendered(text)
    }

    fn from_rendered(text: String) -> Timestamp {
        // Parsed back rather than kept, so the instant is exactly what the text says (the
        // rendering drops anything finer than a millisecond).
        let instant = DateTime::parse_from_rfc3339(&text).expect("chrono renders RFC 3339");
        Timestamp {
            instant,
            text: text.into_boxed_str(),
        }
    }

    /// The instant, with the offset it was written in (what a receipt shows).
    pub fn instant(&self) -> DateTime<FixedOffset> {
        self.instant
    }

    /// The instant in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.instant.with_timezone(&Utc)
    }

    /// The date where it was stamped (the writer's local date).
    pub fn local_date(&self) -> NaiveDate {
        self.instant.date_naive()
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant
            .cmp(&other.instant)
            .then_with(|| self.text.cmp(&other.text))
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text, f)
    }
}

impl std::str::FromStr for Timestamp {
    type Err = chrono::ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    fn from(at: DateTime<FixedOffset>) -> Self {
        Timestamp::local(at)
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Timestamp::utc(at)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(|e| {
            serde::de::Error::custom(format!("not an RFC 3339 time: {:?} ({e})", truncate(&text)))
        })
    }
}

fn truncate(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{ResolutionRecord, SaleRecord};
    use crate::orders::OrderRecord;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn times_compare_as_instants_not_as_text() {
        // 10:00 at +01:00 is 09:00Z: before 09:30Z, though it sorts after it as text.
        assert!(ts("2026-12-01T10:00:00.000+01:00") < ts("2026-12-01T09:30:00.000Z"));
        assert!(ts("2026-12-01T10:30:00+01:00") < ts("2026-12-01T10:00:00Z"));
        // A till's clock falling back an hour (DST): the later stamp sorts later.
        assert!(ts("2026-10-25T02:30:00.000+02:00") < ts("2026-10-25T02:10:00.000+01:00"));
        // The same instant in two offsets: not equal (different text), but ordered the same way
        // everywhere, and adjacent.
        let (a, b) = (
            ts("2026-12-01T10:00:00.000+01:00"),
            ts("2026-12-01T09:00:00.000Z"),
        );
        assert_ne!(a, b);
        assert_eq!(a.instant(), b.instant());
        assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
        assert!(Timestamp::parse("yesterday").is_err());
    }

    #[test]
    fn stamps_render_as_the_till_and_head_office_always_wrote_them() {
        let local = DateTime::parse_from_rfc3339("2026-11-23T10:00:00.123456+01:00").unwrap();
        assert_eq!(
            Timestamp::local(local).as_str(),
            "2026-11-23T10:00:00.123+01:00"
        );
        let zero = DateTime::parse_from_rfc3339("2026-11-23T10:00:00+00:00").unwrap();
        assert_eq!(
            Timestamp::local(zero).as_str(),
            "2026-11-23T10:00:00.000+00:00"
        );
        assert_eq!(
            Timestamp::utc(local.with_timezone(&Utc)).as_str(),
            "2026-11-23T09:00:00.123Z"
        );
        assert_eq!(
            ts("2026-11-23T10:00:00.000+01:00").local_date().to_string(),
            "2026-11-23"
        );
    }

    /// Records as tills and head office wrote them before times were typed: they parse, and write
    /// back byte for byte (documents are immutable and audit entries are hashed over the text).
    #[test]
    fn records_already_written_parse_and_reserialise_identically() {
        let sale = r#"{"id":"0193a0c0-0000-7000-8000-000000000001","receipt_no":"AMS1-1-1","store_code":"AMS1","till_no":1,"seq":1,"created_at":"2026-11-23T10:00:00.000+01:00","business_day":"2026-11-23","currency":"EUR","tax_mode":"inclusive","lines":[],"taxes":[],"subtotal":0,"discount_total":0,"tax_total":0,"total":0,"cash_rounding":0,"amount_due":0,"tendered":0,"change":0,"tenders":[]}"#;
        let parsed: SaleRecord = serde_json::from_str(sale).unwrap();
        assert_eq!(parsed.created_at.instant().offset().local_minus_utc(), 3600);
        assert_eq!(serde_json::to_string(&parsed).unwrap(), sale);

        let order = r#"{"id":"o1","order_no":"W1001","store":"AMS1","customer_name":"Ada","pickup_code_hash":"x","lines":[],"total":0,"paid_online":0,"currency":"EUR","created_at":"2026-11-23T09:00:00.000Z","pickup_by":"2026-12-07T09:00:00.000Z","shipped_at":null}"#;
        let parsed: OrderRecord = serde_json::from_str(order).unwrap();
        assert_eq!(serde_json::to_string(&parsed).unwrap(), order);

        // A resolution may come from either writer; neither changes on the way through.
        for created_at in [
            "2026-11-23T10:00:00.000+01:00",
            "2026-11-23T09:00:00.000Z",
            "2026-11-23T09:00:00+00:00",
            "2026-11-23T09:00:00.5Z",
        ] {
            let json = format!(
                r#"{{"id":"r1","exception_id":"e1","note":"ok","resolved_by":null,"written_by":"hq","store":"AMS1","created_at":"{created_at}"}}"#
            );
            let parsed: ResolutionRecord = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
        }
    }

    #[test]
    fn a_record_with_a_time_that_is_not_rfc_3339_is_refused() {
        let json = r#"{"id":"r1","exception_id":"e1","note":"ok","resolved_by":null,"written_by":"hq","store":"AMS1","created_at":"23/11/2026 10:00"}"#;
        let err = serde_json::from_str::<ResolutionRecord>(json).unwrap_err();
        assert!(err.to_string().contains("not an RFC 3339 time"), "{err}");
    }
}
