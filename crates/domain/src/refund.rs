//! Refunds: what returning part of a sale line is worth, and which tenders the money goes back to.

use crate::error::DomainError;
use crate::money::Money;
use crate::rounding::{div_round_half_away, to_money};
use crate::tender::{Tender, TenderKind};

/// The refund for returning `quantity` more units of a line that sold `sold` units for `amount`,
/// when `already` units were returned before.
///
/// The line's value is split by cumulative quantity: returning units `already+1 ..= already+quantity`
/// refunds `round(amount * (already + quantity) / sold) - round(amount * already / sold)`. However
/// a line is returned in parts, the parts add up to exactly `amount`: never a cent more.
pub fn refund_share(
    amount: Money,
    sold: i64,
    already: i64,
    quantity: i64,
) -> Result<Money, DomainError> {
    if sold <= 0 || quantity <= 0 || already < 0 || already + quantity > sold {
        return Err(DomainError::ReturnExceedsSold {
            sold,
            already,
            quantity,
        });
    }
    let value_of = |units: i64| {
        to_money(div_round_half_away(
            i128::from(amount.minor()) * i128::from(units),
            i128::from(sold),
        ))
    };
    value_of(already + quantity)?.checked_sub(value_of(already)?)
}

/// Splits a refund over the tenders the sale was paid with: non-cash tenders first, in order, each
/// up to what it paid less what was refunded to it before (matched by kind and reference); the rest
/// goes back as cash. Money goes back where it came from before any cash leaves the drawer.
///
/// `paid` are the sale's tenders with cash net of change (see [`net_paid`]).
pub fn refund_to_original(
    refund: Money,
    paid: &[Tender],
    refunded_before: &[Tender],
) -> Result<Vec<Tender>, DomainError> {
    let mut left = refund;
    let mut out: Vec<Tender> = Vec::new();
    for tender in paid.iter().filter(|t| !t.kind.is_cash()) {
        if left <= Money::ZERO {
            break;
        }
        let before = Money::sum(
            refunded_before
                .iter()
                .filter(|r| r.kind == tender.kind && r.reference == tender.reference)
                .map(|r| r.amount),
        )?;
        let room = tender.amount.checked_sub(before)?;
        let take = if room < left { room } else { left };
        if take > Money::ZERO {
            out.push(Tender {
                kind: tender.kind,
                amount: take,
                reference: tender.reference.clone(),
            });
            left = left.checked_sub(take)?;
        }
    }
    if left > Money::ZERO {
        out.push(Tender {
            kind: TenderKind::Cash,
            amount: left,
            reference: None,
        });
    }
    Ok(out)
}

/// A sale's tenders with the cash ones reduced by the change given (what really stayed in the
/// drawer), dropping cash that was all given back.
pub fn net_paid(tenders: &[Tender], change: Money) -> Result<Vec<Tender>, DomainError> {
    let mut change_left = change;
    let mut out = Vec::with_capacity(tenders.len());
    for tender in tenders {
        if tender.kind.is_cash() && change_left > Money::ZERO {
            let take = if change_left < tender.amount {
                change_left
            } else {
                tender.amount
            };
            change_left = change_left.checked_sub(take)?;
            let kept = tender.amount.checked_sub(take)?;
            if kept > Money::ZERO {
                out.push(Tender {
                    amount: kept,
                    ..tender.clone()
                });
            }
        } else {
            out.push(tender.clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(minor: i64) -> Money {
        Money::from_minor(minor)
    }
    fn t(kind: TenderKind, minor: i64, reference: Option<&str>) -> Tender {
        Tender {
            kind,
            amount: m(minor),
            reference: reference.map(str::to_string),
        }
    }

    #[test]
    fn share_table() {
        // (amount, sold, already, quantity) -> refund
        let cases = [
            (1000, 3, 0, 1, 333),
            (1000, 3, 1, 1, 334),
            (1000, 3, 2, 1, 333),
            (1000, 3, 0, 3, 1000),
            (999, 2, 0, 1, 500),
            (999, 2, 1, 1, 499),
            (0, 5, 0, 2, 0),
        ];
        for (amount, sold, already, quantity, want) in cases {
            assert_eq!(
                refund_share(m(amount), sold, already, quantity),
                Ok(m(want)),
                "{amount} {sold} {already} {quantity}"
            );
        }
    }

    #[test]
    fn share_refuses_more_than_sold() {
        assert!(refund_share(m(1000), 2, 1, 2).is_err());
        assert!(refund_share(m(1000), 2, 0, 0).is_err());
        assert!(refund_share(m(1000), 0, 0, 1).is_err());
        assert!(refund_share(m(1000), 2, -1, 1).is_err());
    }

    proptest! {
        #[test]
        fn parts_always_add_up_to_the_line(amount in 0i64..10_000_000, sold in 1i64..50, cuts in proptest::collection::vec(1i64..10, 0..10)) {
            let mut already = 0;
            let mut refunded = 0;
            for cut in cuts {
                let quantity = cut.min(sold - already);
                if quantity == 0 { break; }
                refunded += refund_share(m(amount), sold, already, quantity).unwrap().minor();
                already += quantity;
            }
            if already < sold {
                refunded += refund_share(m(amount), sold, already, sold - already).unwrap().minor();
            }
            prop_assert_eq!(refunded, amount);
        }
    }

    #[test]
    fn refunds_cards_before_cash() {
        let paid = [
            t(TenderKind::Cash, 500, None),
            t(TenderKind::Card, 700, Some("T-9")),
        ];
        assert_eq!(
            refund_to_original(m(900), &paid, &[]).unwrap(),
            vec![
                t(TenderKind::Card, 700, Some("T-9")),
                t(TenderKind::Cash, 200, None)
            ]
        );
        // The card already took 600 back in an earlier return: only 100 more fits on it.
        let before = [t(TenderKind::Card, 600, Some("T-9"))];
        assert_eq!(
            refund_to_original(m(300), &paid, &before).unwrap(),
            vec![
                t(TenderKind::Card, 100, Some("T-9")),
                t(TenderKind::Cash, 200, None)
            ]
        );
    }

    #[test]
    fn net_paid_takes_change_off_cash() {
        let tenders = [
            t(TenderKind::Card, 500, Some("A")),
            t(TenderKind::Cash, 1000, None),
        ];
        assert_eq!(
            net_paid(&tenders, m(300)).unwrap(),
            vec![
                t(TenderKind::Card, 500, Some("A")),
                t(TenderKind::Cash, 700, None)
            ]
        );
        assert_eq!(
            net_paid(&[t(TenderKind::Cash, 300, None)], m(300)).unwrap(),
            vec![]
        );
    }
}
