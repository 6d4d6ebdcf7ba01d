//! What a receipt says, independent of how it is printed.

use kassa_domain::{format_amount, Money, PrintableReceipt};

/// Printer paper: 42 characters a line on 80 mm paper in the standard font.
pub const WIDTH: usize = 42;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Normal,
    Bold,
    /// Double width and height: the store name, TOTAL, COPY.
    Large,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub style: Style,
    pub align: Align,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Line(Line),
    Rule,
    /// A QR code carrying this text.
    Qr(String),
    /// Feed and cut the paper.
    Cut,
}

fn text(style: Style, align: Align, text: impl Into<String>) -> Block {
    Block::Line(Line {
        text: text.into(),
        style,
        align,
    })
}

/// `left` and `right` on one line of `WIDTH`, the left cut short if both do not fit.
pub fn two_columns(left: &str, right: &str) -> String {
    let right_len = right.chars().count();
    let room = WIDTH.saturating_sub(right_len + 1).max(1);
    let left: String = left.chars().take(room).collect();
    let pad = WIDTH.saturating_sub(left.chars().count() + right_len);
    format!("{left}{}{right}", " ".repeat(pad))
}

/// A sale's receipt: store header, lines, totals, tenders and change, tax per rate, receipt
/// number, cashier, and the QR code of its signed receipt code (which any till checks
/// offline); a copy says COPY first.
pub fn receipt(r: &PrintableReceipt) -> Vec<Block> {
    let m = |money: Money| format_amount(money, r.minor_digits);
    let mut out = Vec::new();
    if r.copy {
        out.push(text(Style::Large, Align::Center, "COPY"));
    }
    if r.voided {
        out.push(text(Style::Large, Align::Center, "VOIDED"));
    }
    out.push(text(Style::Large, Align::Center, &r.store_name));
    out.push(text(
        Style::Normal,
        Align::Center,
        format!("Store {} · till {}", r.store_code, r.till_no),
    ));
    out.push(text(
        Style::Normal,
        Align::Left,
        two_columns(
            &format!("Receipt {}", r.receipt_no),
            &r.created_at
                .chars()
                .take(16)
                .collect::<String>()
                .replace('T', " "),
        ),
    ));
    if let Some(cashier) = &r.cashier {
        out.push(text(
            Style::Normal,
            Align::Left,
            format!("Cashier: {cashier}"),
        ));
    }
    out.push(Block::Rule);
    for line in &r.lines {
        out.push(text(
            Style::Normal,
            Align::Left,
            two_columns(&line.name, &m(line.gross)),
        ));
        out.push(text(
            Style::Normal,
            Align::Left,
            format!("  {} x {}", line.quantity, m(line.unit_price)),
        ));
        if let Some(reason) = &line.override_reason {
            out.push(text(
                Style::Normal,
                Align::Left,
                format!("  price changed: {reason}"),
            ));
        }
        if line.line_discount > Money::ZERO {
            out.push(text(
                Style::Normal,
                Align::Left,
                two_columns("  discount", &format!("-{}", m(line.line_discount))),
            ));
        }
    }
    out.push(Block::Rule);
    out.push(text(
        Style::Normal,
        Align::Left,
        two_columns("Subtotal", &m(r.subtotal)),
    ));
    if r.discount_total > Money::ZERO {
        out.push(text(
            Style::Normal,
            Align::Left,
            two_columns("Discounts", &format!("-{}", m(r.discount_total))),
        ));
    }
    out.push(text(
        Style::Bold,
        Align::Left,
        two_columns(&format!("TOTAL {}", r.currency), &m(r.total)),
    ));
    if r.cash_rounding != Money::ZERO {
        out.push(text(
            Style::Normal,
            Align::Left,
            two_columns("Cash rounding", &m(r.cash_rounding)),
        ));
        out.push(text(
            Style::Normal,
            Align::Left,
            two_columns("To pay", &m(r.amount_due)),
        ));
    }
    for t in &r.tenders {
        let label = match kassa_domain::shown_reference(t) {
            Some(reference) => format!("Paid {} ({reference})", t.kind.as_str()),
            None => format!("Paid {}", t.kind.as_str()),
        };
        out.push(text(
            Style::Normal,
            Align::Left,
            two_columns(&label, &m(t.amount)),
        ));
    }
    out.push(text(
        Style::Normal,
        Align::Left,
        two_columns("Change", &m(r.change)),
    ));
    out.push(Block::Rule);
    for tax in &r.taxes {
        let bp = tax.rate.basis_points();
        out.push(text(
            Style::Normal,
            Align::Left,
            two_columns(
                &format!("{}.{:02}% tax {}", bp / 100, bp % 100, m(tax.tax)),
                &format!("net {}", m(tax.net)),
            ),
        ));
    }
    out.push(Block::Qr(r.signed_code.clone()));
    out.push(text(Style::Normal, Align::Center, "Thank you"));
    out.push(Block::Cut);
    out
}
