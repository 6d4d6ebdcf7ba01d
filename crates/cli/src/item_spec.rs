//! Parsing what a cashier types on the command line: `ITEM[xQTY]` and `--pay` tenders.

use crate::failure::Failure;
use kassa_domain::{parse_amount, TenderKind};
use kassa_store::{LineRequest, TenderRequest};

/// `MILK`, `MILKx3`, `4006381333931x2`. The quantity is what follows the last `x`, when that is a
/// (possibly signed) number; a SKU that itself ends in `x<digits>` can be given as `SKUx1`.
pub fn parse_item(text: &str) -> Result<LineRequest, Failure> {
    let (code, quantity) = match text.rsplit_once('x') {
        Some((code, qty)) if !code.is_empty() && is_integer(qty) => {
            let quantity = qty
                .parse::<i64>()
                .map_err(|_| Failure::bad(format!("quantity {qty:?} in {text:?} is too large")))?;
            (code, quantity)
        }
        _ => (text, 1),
    };
    if code.trim().is_empty() {
        return Err(Failure::bad(format!("item {text:?} has no sku or barcode")));
    }
    Ok(LineRequest::new(code.trim(), quantity))
}

fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `cash`, `cash:20`, `card:12.50`, `card:12.50:REF`, `card::REF`, `credit::CODE` (an empty
/// amount means "what is left to pay"; a credit tender's reference is the credit code).
pub fn parse_tender(text: &str, minor_digits: u8) -> Result<TenderRequest, Failure> {
    let mut parts = text.splitn(3, ':');
    let kind_text = parts.next().unwrap_or_default();
    let kind = TenderKind::parse(kind_text)
        .filter(|k| matches!(k, TenderKind::Cash | TenderKind::Card | TenderKind::Credit))
        .ok_or_else(|| {
            Failure::bad(format!(
                "unknown tender {kind_text:?} in {text:?}: use cash, card or credit"
            ))
        })?;
    let amount = match parts.next() {
        None | Some("") => None,
        Some(amount) => Some(
            parse_amount(amount, minor_digits)
                .map_err(|e| Failure::bad(format!("--pay {text}: {e}")))?,
        ),
    };
    let reference = parts.next().map(str::to_string);
    if kind == TenderKind::Cash && reference.is_some() {
        return Err(Failure::bad(format!(
            "--pay {text}: cash takes no reference"
        )));
    }
    if kind == TenderKind::Credit && reference.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(Failure::bad(format!(
            "--pay {text}: give the credit code, e.g. credit::CR-ABC"
        )));
    }
    Ok(TenderRequest {
        kind,
        amount,
        reference,
    })
}

/// A line to hand over or take back: `SKUxQTY`, and for returns `SKUxQTY:damaged`.
pub fn parse_line(text: &str) -> Result<(String, i64, bool), Failure> {
    let (item, damaged) = match text.rsplit_once(':') {
        Some((item, "damaged")) => (item, true),
        Some((_, other)) => {
            return Err(Failure::bad(format!(
                "line {text:?}: {other:?} is not a condition (use SKUxQTY or SKUxQTY:damaged)"
            )))
        }
        None => (text, false),
    };
    let line = parse_item(item)?;
    Ok((line.code, line.quantity, damaged))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kassa_domain::Money;

    #[test]
    fn parses_items() {
        let cases = [
            ("MILK", "MILK", 1),
            ("MILKx3", "MILK", 3),
            ("BOX-XL", "BOX-XL", 1),
            ("4006381333931x12", "4006381333931", 12),
            ("MILKx-2", "MILK", -2),
            ("x5", "x5", 1),
        ];
        for (text, code, qty) in cases {
            let line = parse_item(text).unwrap();
            assert_eq!((line.code.as_str(), line.quantity), (code, qty), "{text}");
        }
        assert!(parse_item("MILKx99999999999999999999").is_err());
    }

    #[test]
    fn parses_tenders() {
        let t = parse_tender("card:12.50:TRM-1", 2).unwrap();
        assert_eq!(
            (t.kind, t.amount, t.reference.as_deref()),
            (
                TenderKind::Card,
                Some(Money::from_minor(1250)),
                Some("TRM-1")
            )
        );
        assert_eq!(parse_tender("cash", 2).unwrap().amount, None);
        assert_eq!(parse_tender("card::REF", 2).unwrap().amount, None);
        assert!(parse_tender("cheque:5", 2).is_err());
        assert!(parse_tender("cash:1.234", 2).is_err());
        assert!(parse_tender("cash:5:REF", 2).is_err());
        assert_eq!(
            parse_tender("credit::CR-7", 2)
                .unwrap()
                .reference
                .as_deref(),
            Some("CR-7")
        );
        assert!(parse_tender("credit:5", 2).is_err());
        assert!(parse_tender("exchange:5", 2).is_err());
    }
}
