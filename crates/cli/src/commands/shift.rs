//! `kassa shift ...`: open with a float, cash in and out, X report, close with a blind count,
//! reprint a Z.

use crate::args::ShiftCommand;
use crate::failure::Failure;
use crate::output::{print_json, Amounts};
use kassa_domain::{parse_amount, Denomination, TenderCount, TenderKind};
use kassa_store::CashDirection;
use kassa_store::ShiftReport;
use std::path::Path;

fn amount(text: &str, money: &Amounts, what: &str) -> Result<kassa_domain::Money, Failure> {
    parse_amount(text.trim(), money.minor_digits).map_err(|e| Failure::bad(format!("{what}: {e}")))
}

/// `50.00x2`: two notes of 50.00.
fn denomination(text: &str, money: &Amounts) -> Result<Denomination, Failure> {
    let (value, count) = text
        .rsplit_once(['x', 'X'])
        .ok_or_else(|| Failure::bad(format!("--coins {text:?}: use VALUExCOUNT, e.g. 0.50x12")))?;
    Ok(Denomination {
        value: amount(value, money, "--coins")?,
        count: count
            .trim()
            .parse()
            .map_err(|_| Failure::bad(format!("--coins {text:?}: the count is a whole number")))?,
    })
}

pub fn run(path: &Path, command: ShiftCommand, json: bool) -> Result<(), Failure> {
    let (mut till, money) = super::open_initialised(path)?;
    if matches!(
        command,
        ShiftCommand::X
            | ShiftCommand::Open { .. }
            | ShiftCommand::CashIn { .. }
            | ShiftCommand::CashOut { .. }
            | ShiftCommand::Close { .. }
    ) {
        super::sign_in(&mut till)?;
    }
    match command {
        ShiftCommand::Open { float } => {
            let shift = till.open_shift(amount(&float, &money, "--float")?)?;
            if json {
                return print_json(&shift);
            }
            println!(
                "Shift {} open with a float of {}",
                shift.id,
                money.fmt(shift.float)
            );
            Ok(())
        }
        ShiftCommand::CashIn { amount: a, reason } => {
            cash_movement(&mut till, CashDirection::In, &a, &reason, &money, json)
        }
        ShiftCommand::CashOut { amount: a, reason } => {
            cash_movement(&mut till, CashDirection::Out, &a, &reason, &money, json)
        }
        ShiftCommand::X => {
            let report = till.x_report(super::approval()?.as_ref())?;
            print_report(&report, &money, json)
        }
        ShiftCommand::Close { cash, coins, card } => {
            let mut counts = Vec::new();
            match (cash, coins.is_empty()) {
                (Some(_), false) => {
                    return Err(Failure::bad(
                        "count cash with --cash or with --coins, not both",
                    ))
                }
                (Some(total), true) => counts.push(TenderCount {
                    kind: TenderKind::Cash,
                    amount: Some(amount(&total, &money, "--cash")?),
                    denominations: vec![],
                }),
                (None, false) => counts.push(TenderCount {
                    kind: TenderKind::Cash,
                    amount: None,
                    denominations: coins
                        .iter()
                        .map(|c| denomination(c, &money))
                        .collect::<Result<_, _>>()?,
                }),
                (None, true) => {}
            }
            if let Some(card) = card {
                counts.push(TenderCount {
                    kind: TenderKind::Card,
                    amount: Some(amount(&card, &money, "--card")?),
                    denominations: vec![],
                });
            }
            let report = till.close_shift(&counts)?;
            print_report(&report, &money, json)
        }
        ShiftCommand::Show { shift_id } => {
            let report = till.shift_report(&shift_id)?;
            print_report(&report, &money, json)
        }
        ShiftCommand::List { limit } => {
            let shifts = till.shifts(limit)?;
            if json {
                let list: Vec<_> = shifts
                    .iter()
                    .map(|(s, closed)| serde_json::json!({ "shift": s, "closed_at": closed }))
                    .collect();
                return print_json(&list);
            }
            for (shift, closed) in shifts {
                println!(
                    "{}  opened {}  {}  float {}",
                    shift.id,
                    shift
                        .opened_at
                        .as_str()
                        .chars()
                        .take(16)
                        .collect::<String>(),
                    closed.map_or("open".to_string(), |c| format!(
                        "closed {}",
                        c.chars().take(16).collect::<String>()
                    )),
                    money.fmt(shift.float)
                );
            }
            Ok(())
        }
    }
}

fn cash_movement(
    till: &mut kassa_store::Till,
    direction: CashDirection,
    text: &str,
    reason: &str,
    money: &Amounts,
    json: bool,
) -> Result<(), Failure> {
    let record = till.cash_movement(
        direction,
        amount(text, money, "AMOUNT")?,
        reason,
        super::approval()?.as_ref(),
    )?;
    if json {
        return print_json(&record);
    }
    let approved = record
        .approved_by
        .as_ref()
        .map(|a| format!(" (approved by {})", a.name))
        .unwrap_or_default();
    println!(
        "Cash {} {}: {}{approved}",
        match direction {
            CashDirection::In => "in",
            CashDirection::Out => "out",
        },
        money.fmt(record.amount),
        record.reason
    );
    Ok(())
}

fn print_report(report: &ShiftReport, money: &Amounts, json: bool) -> Result<(), Failure> {
    if json {
        return print_json(report);
    }
    if report.copy {
        println!("*** COPY ***");
    }
    println!(
        "{} report, till {}, shift {}",
        report.kind, report.till_no, report.shift_id
    );
    println!(
        "  opened {} by {}",
        report.opened_at.chars().take(16).collect::<String>(),
        report.opened_by.as_deref().unwrap_or("-")
    );
    if let Some(closed) = &report.closed_at {
        println!(
            "  closed {} by {}",
            closed.chars().take(16).collect::<String>(),
            report.closed_by.as_deref().unwrap_or("-")
        );
    }
    super::report::print_totals(&report.sales, money);
    println!("Cash drawer:");
    println!("  float           {:>10}", money.fmt(report.float));
    println!("  cash in         {:>10}", money.fmt(report.cash_in));
    println!("  cash out        {:>10}", money.fmt(report.cash_out));
    for m in &report.movements {
        println!(
            "    {:<4} {:>10}  {}",
            format!("{:?}", m.direction).to_lowercase(),
            money.fmt(m.amount),
            m.reason
        );
    }
    println!("Per tender (expected / counted / difference):");
    for e in &report.expected {
        let counted = report.counted.iter().find(|c| c.kind == e.kind);
        let difference = report.difference.iter().find(|d| d.kind == e.kind);
        println!(
            "  {:<8} {:>10} {:>10} {:>10}",
            e.kind.as_str(),
            money.fmt(e.amount),
            counted.map_or("-".into(), |c| money.fmt(c.amount)),
            difference.map_or("-".into(), |d| money.fmt(d.amount))
        );
    }
    Ok(())
}
