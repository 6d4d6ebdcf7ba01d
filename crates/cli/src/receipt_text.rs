//! The receipt as text, 42 columns wide like a till printer's paper.

use crate::output::Amounts;
use kassa_domain::TaxMode;
use kassa_store::Receipt;
use std::fmt::Write;

const WIDTH: usize = 42;

fn row(out: &mut String, left: &str, right: &str) {
    let left: String = left
        .chars()
        .take(WIDTH.saturating_sub(right.chars().count() + 1))
        .collect();
    let pad = WIDTH.saturating_sub(left.chars().count() + right.chars().count());
    let _ = writeln!(out, "{left}{}{right}", " ".repeat(pad));
}

fn percent(bp: u32) -> String {
    if bp.is_multiple_of(100) {
        format!("{}%", bp / 100)
    } else {
        let fraction = format!("{:02}", bp % 100);
        format!("{}.{}%", bp / 100, fraction.trim_end_matches('0'))
    }
}

pub fn render(receipt: &Receipt, money: &Amounts) -> String {
    let mut out = String::new();
    let rule = "-".repeat(WIDTH);
    if receipt.void.is_some() {
        let _ = writeln!(out, "{:^WIDTH$}", "*** VOIDED ***");
    }
    let _ = writeln!(
        out,
        "{:^WIDTH$}",
        format!(
            "Kassa - store {} till {}",
            receipt.store_code, receipt.till_no
        )
    );
    row(
        &mut out,
        &format!("Receipt {}", receipt.receipt_no),
        &receipt
            .created_at
            .as_str()
            .chars()
            .take(16)
            .collect::<String>()
            .replace('T', " "),
    );
    if let Some(cashier) = &receipt.cashier {
        let _ = writeln!(out, "Cashier: {}", cashier.name);
    }
    let _ = writeln!(out, "{rule}");
    for line in &receipt.lines {
        row(&mut out, &line.name, &money.fmt(line.gross));
        let mut detail = format!("  {} x {}", line.quantity, money.fmt(line.unit_price));
        if let Some(reason) = &line.override_reason {
            let _ = write!(detail, " (was {}: {reason})", money.fmt(line.list_price));
        }
        row(
            &mut out,
            &detail,
            &format!("{} {}", line.sku, percent(line.tax_rate.basis_points())),
        );
        if line.line_discount.minor() != 0 {
            row(
                &mut out,
                "  discount",
                &format!("-{}", money.fmt(line.line_discount)),
            );
        }
    }
    let _ = writeln!(out, "{rule}");
    row(&mut out, "Subtotal", &money.fmt(receipt.subtotal));
    let basket_discount: i64 = receipt
        .lines
        .iter()
        .map(|l| l.basket_discount.minor())
        .sum();
    if basket_discount != 0 {
        row(
            &mut out,
            "Basket discount",
            &format!(
                "-{}",
                money.fmt(kassa_domain::Money::from_minor(basket_discount))
            ),
        );
    }
    if receipt.tax_mode == TaxMode::Exclusive {
        row(&mut out, "Tax", &money.fmt(receipt.tax_total));
    }
    row(
        &mut out,
        &format!("TOTAL {}", receipt.currency),
        &money.fmt(receipt.total),
    );
    if receipt.cash_rounding.minor() != 0 {
        row(&mut out, "Cash rounding", &money.fmt(receipt.cash_rounding));
        row(&mut out, "To pay", &money.fmt(receipt.amount_due));
    }
    for tender in &receipt.tenders {
        let name = match kassa_domain::shown_reference(tender) {
            Some(reference) => format!("{} ({reference})", tender.kind.as_str()),
            None => tender.kind.as_str().to_string(),
        };
        row(&mut out, &format!("Paid {name}"), &money.fmt(tender.amount));
    }
    row(&mut out, "Change", &money.fmt(receipt.change));
    let _ = writeln!(out, "{rule}");
    let label = if receipt.tax_mode == TaxMode::Inclusive {
        "incl. tax"
    } else {
        "tax"
    };
    for tax in &receipt.taxes {
        row(
            &mut out,
            &format!(
                "{} {label} {}",
                percent(tax.rate.basis_points()),
                money.fmt(tax.tax)
            ),
            &format!("net {} gross {}", money.fmt(tax.net), money.fmt(tax.gross)),
        );
    }
    if let Some(void) = &receipt.void {
        let _ = writeln!(out, "{rule}");
        let _ = writeln!(
            out,
            "Voided {}: {}",
            void.created_at
                .chars()
                .take(16)
                .collect::<String>()
                .replace('T', " "),
            void.reason
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn formats_rates() {
        assert_eq!(percent(2100), "21%");
        assert_eq!(percent(825), "8.25%");
        assert_eq!(percent(950), "9.5%");
        assert_eq!(percent(0), "0%");
    }
}
