use crate::args::ReportCommand;
use crate::failure::Failure;
use crate::output::print_json;
use chrono::NaiveDate;
use std::path::Path;

pub fn run(path: &Path, command: ReportCommand, json: bool) -> Result<(), Failure> {
    match command {
        ReportCommand::Day { date } => {
            let day = match date {
                Some(text) => Some(
                    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                        .map_err(|_| Failure::bad(format!("--date {text:?}: use YYYY-MM-DD")))?,
                ),
                None => None,
            };
            let (till, money) = super::open_initialised(path)?;
            let report = till.day_report(day)?;
            if json {
                return print_json(&report);
            }
            println!("Day report {} ({})", report.business_day, report.currency);
            print_totals(&report, &money);
            Ok(())
        }
    }
}

/// The figures of a day or a shift report.
pub fn print_totals(report: &kassa_store::DayReport, money: &crate::output::Amounts) {
    println!(
        "  sales  {:>5}  {:>12}",
        report.sales_count,
        money.fmt(report.sales_total)
    );
    println!(
        "  voids  {:>5}  {:>12}",
        report.voids_count,
        money.fmt(report.voids_total)
    );
    println!("  net           {:>12}", money.fmt(report.net_total));
    println!(
        "  returns {:>4}  {:>12}",
        report.returns_count,
        money.fmt(report.returns_total)
    );
    println!(
        "  pickups {:>4}  {:>12} taken at the till",
        report.pickups_count,
        money.fmt(report.pickup_payments)
    );
    println!("  discounts given {:>10}", money.fmt(report.discount_total));
    println!("  cash rounding   {:>10}", money.fmt(report.cash_rounding));
    println!("By tender (sales / voided / refunded / pickups / net):");
    for t in &report.tenders {
        println!(
            "  {:<8} {:>10} {:>10} {:>10} {:>10} {:>10}",
            t.kind.as_str(),
            money.fmt(t.sales),
            money.fmt(t.voided),
            money.fmt(t.refunded),
            money.fmt(t.pickups),
            money.fmt(t.net)
        );
    }
    println!("By tax rate (net / tax / gross):");
    for t in &report.taxes {
        let bp = t.rate.basis_points();
        println!(
            "  {:>3}.{:02}% {:>12} {:>12} {:>12}",
            bp / 100,
            bp % 100,
            money.fmt(t.net),
            money.fmt(t.tax),
            money.fmt(t.gross)
        );
    }
}
