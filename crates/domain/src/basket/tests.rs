use super::*;

fn m(minor: i64) -> Money {
    Money::from_minor(minor)
}

fn line(sku: &str, price: i64, qty: i64, bp: u32) -> BasketLine {
    BasketLine {
        sku: sku.into(),
        name: sku.into(),
        unit_price: m(price),
        quantity: qty,
        tax_rate: TaxRate::from_basis_points(bp).unwrap(),
        discount: None,
        price_override: None,
    }
}

struct Case {
    name: &'static str,
    mode: TaxMode,
    lines: Vec<BasketLine>,
    discount: Option<Discount>,
    /// (rate bp, net, tax, gross) per rate
    taxes: &'static [(u32, i64, i64, i64)],
    discount_total: i64,
    total: i64,
}

fn cases() -> Vec<Case> {
    let with = |mut l: BasketLine, d: Discount| {
        l.discount = Some(d);
        l
    };
    let overridden = |mut l: BasketLine, price: i64| {
        l.price_override = Some(PriceOverride {
            price: m(price),
            reason: "damaged box".into(),
        });
        l
    };
    vec![
        Case {
            name: "inclusive, one rate",
            mode: TaxMode::Inclusive,
            lines: vec![line("A", 1210, 1, 2100)],
            discount: None,
            taxes: &[(2100, 1000, 210, 1210)],
            discount_total: 0,
            total: 1210,
        },
        Case {
            name: "inclusive, tax rounded once per rate not per line",
            mode: TaxMode::Inclusive,
            // three lines of 1.00 at 21 %: per line 17.36 -> 17 each = 51, per rate 52.07 -> 52
            lines: vec![
                line("A", 100, 1, 2100),
                line("B", 100, 1, 2100),
                line("C", 100, 1, 2100),
            ],
            discount: None,
            taxes: &[(2100, 248, 52, 300)],
            discount_total: 0,
            total: 300,
        },
        Case {
            name: "inclusive, several rates",
            mode: TaxMode::Inclusive,
            lines: vec![
                line("BREAD", 249, 2, 900),
                line("WINE", 899, 1, 2100),
                line("STAMP", 100, 3, 0),
            ],
            discount: None,
            // 498 at 9 %: 41.12 -> 41; 899 at 21 %: 156.02 -> 156
            taxes: &[(0, 300, 0, 300), (900, 457, 41, 498), (2100, 743, 156, 899)],
            discount_total: 0,
            total: 1697,
        },
        Case {
            name: "exclusive, several rates, tax added",
            mode: TaxMode::Exclusive,
            lines: vec![line("A", 1000, 1, 825), line("B", 199, 3, 600)],
            discount: None,
            // 1000 x 8.25 % = 82.5 -> 83; 597 x 6 % = 35.82 -> 36
            taxes: &[(600, 597, 36, 633), (825, 1000, 83, 1083)],
            discount_total: 0,
            total: 1716,
        },
        Case {
            name: "line discounts, percent and amount",
            mode: TaxMode::Inclusive,
            lines: vec![
                with(line("A", 999, 1, 2100), Discount::Percent(1000)),
                with(line("B", 500, 2, 900), Discount::Amount(m(150))),
            ],
            discount: None,
            // A: 99.9 -> 100 off, 899; B: 1000 - 150 = 850
            // 899 at 21 %: 156.02 -> 156; 850 at 9 %: 70.18 -> 70
            taxes: &[(900, 780, 70, 850), (2100, 743, 156, 899)],
            discount_total: 250,
            total: 1749,
        },
        Case {
            name: "basket discount split over rates",
            mode: TaxMode::Inclusive,
            lines: vec![line("A", 1000, 1, 2100), line("B", 3000, 1, 900)],
            discount: Some(Discount::Percent(1000)),
            // 400 off, shared 100 / 300: A 900 at 21 %: 156.2 -> 156; B 2700 at 9 %: 222.9 -> 223
            taxes: &[(900, 2477, 223, 2700), (2100, 744, 156, 900)],
            discount_total: 400,
            total: 3600,
        },
        Case {
            name: "basket amount discount with uneven split, exclusive",
            mode: TaxMode::Exclusive,
            lines: vec![
                line("A", 100, 1, 1000),
                line("B", 100, 1, 1000),
                line("C", 100, 1, 0),
            ],
            discount: Some(Discount::Amount(m(100))),
            // shares 34 / 33 / 33; rate 10 %: 66 + 67 = 133 -> 13.3 -> 13
            taxes: &[(0, 67, 0, 67), (1000, 133, 13, 146)],
            discount_total: 100,
            total: 213,
        },
        Case {
            name: "price override then line discount",
            mode: TaxMode::Exclusive,
            lines: vec![with(
                overridden(line("A", 2000, 2, 1000), 1500),
                Discount::Percent(5000),
            )],
            discount: None,
            taxes: &[(1000, 1500, 150, 1650)],
            discount_total: 1500,
            total: 1650,
        },
        Case {
            name: "100 % discount gives a zero total",
            mode: TaxMode::Inclusive,
            lines: vec![line("A", 500, 1, 2100)],
            discount: Some(Discount::Percent(10_000)),
            taxes: &[(2100, 0, 0, 0)],
            discount_total: 500,
            total: 0,
        },
    ]
}

#[test]
fn pricing_table() {
    for case in cases() {
        let basket = Basket {
            lines: case.lines.clone(),
            discount: case.discount,
        };
        let priced =
            price_basket(&basket, case.mode).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let taxes: Vec<(u32, i64, i64, i64)> = priced
            .taxes
            .iter()
            .map(|t| {
                (
                    t.rate.basis_points(),
                    t.net.minor(),
                    t.tax.minor(),
                    t.gross.minor(),
                )
            })
            .collect();
        assert_eq!(taxes, case.taxes, "{}: taxes", case.name);
        assert_eq!(
            priced.discount_total.minor(),
            case.discount_total,
            "{}: discount",
            case.name
        );
        assert_eq!(priced.total.minor(), case.total, "{}: total", case.name);
        assert_reproducible_from_lines(&priced, case.name);
    }
}

/// Totals must be recomputable from the stored lines alone.
fn assert_reproducible_from_lines(priced: &PricedBasket, name: &str) {
    let amounts: i64 = priced.lines.iter().map(|l| l.amount.minor()).sum();
    let line_tax: i64 = priced.lines.iter().map(|l| l.tax.minor()).sum();
    assert_eq!(
        line_tax,
        priced.tax_total.minor(),
        "{name}: line taxes add up to the tax total"
    );
    for l in &priced.lines {
        let recomputed = l.gross.minor() - l.line_discount.minor() - l.basket_discount.minor();
        assert_eq!(recomputed, l.amount.minor(), "{name}: line {}", l.sku);
    }
    let total = match priced.mode {
        TaxMode::Inclusive => amounts,
        TaxMode::Exclusive => amounts + line_tax,
    };
    assert_eq!(total, priced.total.minor(), "{name}: total from lines");
    let subtotal: i64 = priced.lines.iter().map(|l| l.gross.minor()).sum();
    assert_eq!(
        subtotal - priced.discount_total.minor(),
        amounts,
        "{name}: subtotal minus discounts"
    );
}

#[test]
fn refuses_bad_lines() {
    let price = |lines: Vec<BasketLine>, discount| {
        price_basket(&Basket { lines, discount }, TaxMode::Inclusive)
    };
    assert_eq!(price(vec![], None), Err(DomainError::EmptyBasket));
    assert!(matches!(
        price(vec![line("A", 100, 0, 0)], None),
        Err(DomainError::InvalidQuantity { got: 0, .. })
    ));
    assert!(matches!(
        price(vec![line("A", 100, -2, 0)], None),
        Err(DomainError::InvalidQuantity { got: -2, .. })
    ));
    assert!(matches!(
        price(vec![line("A", 100, MAX_QUANTITY + 1, 0)], None),
        Err(DomainError::InvalidQuantity { .. })
    ));
    assert_eq!(
        price(vec![line("A", i64::MAX / 2, 3, 0)], None),
        Err(DomainError::Overflow)
    );
    assert_eq!(
        price(
            vec![
                line("A", i64::MAX / 2, 1, 0),
                line("B", i64::MAX / 2 + 10, 1, 0)
            ],
            None
        ),
        Err(DomainError::Overflow)
    );
    assert!(matches!(
        price(vec![line("A", 100, 1, 0)], Some(Discount::Amount(m(101)))),
        Err(DomainError::DiscountTooLarge { .. })
    ));
    let mut no_reason = line("A", 100, 1, 0);
    no_reason.price_override = Some(PriceOverride {
        price: m(50),
        reason: " ".into(),
    });
    assert_eq!(
        price(vec![no_reason], None),
        Err(DomainError::OverrideWithoutReason)
    );
    let mut too_much = line("A", 100, 1, 0);
    too_much.discount = Some(Discount::Amount(m(200)));
    assert!(matches!(
        price(vec![too_much], None),
        Err(DomainError::DiscountTooLarge { .. })
    ));
}

#[test]
fn parses_discounts() {
    assert_eq!(Discount::parse("10%", 2), Ok(Discount::Percent(1000)));
    assert_eq!(Discount::parse("12.5%", 2), Ok(Discount::Percent(1250)));
    assert_eq!(Discount::parse("2.50", 2), Ok(Discount::Amount(m(250))));
    assert!(Discount::parse("101%", 2).is_err());
    assert!(Discount::parse("-5%", 2).is_err());
    assert!(Discount::parse("abc", 2).is_err());
}
