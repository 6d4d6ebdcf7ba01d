//! Online orders at the till: list and show them, hand them over.

use crate::args::OrdersCommand;
use crate::failure::Failure;
use crate::item_spec::{parse_line, parse_tender};
use crate::output::{print_json, Amounts};
use kassa_store::{OrderView, PickupLineRequest, PickupRequest};
use std::path::Path;

fn describe(order: &OrderView, money: &Amounts) -> String {
    let status = serde_json::to_value(order.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut text = format!(
        "{}  {}  {}{}  total {}  balance {}\n",
        order.order_no,
        order.customer_name,
        status.replace('_', " "),
        if order.overdue { " (overdue)" } else { "" },
        money.fmt(order.total),
        money.fmt(order.balance)
    );
    for line in &order.lines {
        text.push_str(&format!(
            "  {:<12} {:<28} {} of {} handed over\n",
            line.sku, line.name, line.picked_up, line.ordered
        ));
    }
    text
}

pub fn run(path: &Path, command: OrdersCommand, json: bool) -> Result<(), Failure> {
    let (till, money) = super::open_initialised(path)?;
    let orders = match command {
        OrdersCommand::List { query } => till.find_orders(query.as_deref().unwrap_or(""))?,
        OrdersCommand::Show { order } => vec![till.order(&order)?],
    };
    if json {
        return print_json(&orders);
    }
    if orders.is_empty() {
        println!("No orders waiting for pickup.");
    }
    for order in &orders {
        print!("{}", describe(order, &money));
    }
    Ok(())
}

pub fn pickup(
    path: &Path,
    order: &str,
    code: &str,
    lines: &[String],
    tenders: &[String],
    json: bool,
) -> Result<(), Failure> {
    let (mut till, money) = super::open_initialised(path)?;
    super::sign_in(&mut till)?;
    let lines = lines
        .iter()
        .map(|l| {
            let (code, quantity, damaged) = parse_line(l)?;
            if damaged {
                return Err(Failure::bad(format!(
                    "--line {l}: a pickup has no condition"
                )));
            }
            Ok(PickupLineRequest { code, quantity })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let tenders = tenders
        .iter()
        .map(|t| parse_tender(t, money.minor_digits))
        .collect::<Result<Vec<_>, _>>()?;
    let record = till
        .pickup(&PickupRequest {
            order: order.into(),
            code: code.into(),
            lines,
            tenders,
        })
        .map_err(|e| money.explain(e))?;
    if json {
        return print_json(&record);
    }
    println!(
        "Handed over order {} (receipt {}):",
        record.order_no, record.receipt_no
    );
    for line in &record.lines {
        println!("  {} x {}", line.quantity, line.sku);
    }
    if record.amount_due.minor() > 0 {
        println!(
            "Paid {} at the till, change {}",
            money.fmt(record.amount_due),
            money.fmt(record.change)
        );
    }
    let left = till.order(&record.order_no)?;
    print!("{}", describe(&left, &money));
    Ok(())
}
