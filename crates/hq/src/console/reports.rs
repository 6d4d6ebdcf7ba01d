//! Reports: sales by day (with a chart) and by store, takings and refunds by tender, tax by
//! rate, returns by reason, drawer differences at shift close, and for one store its shifts with
//! their Z reports; over a period of business days, for the stores the user sees. Each table has
//! a CSV download; the page prints cleanly (the stylesheet hides the navigation and forms).
//! Figures come from `crate::reports`, never from the page.

use super::layout::{error_page, message_page, page};
use super::{ConsoleState, SignedIn};
use crate::reports::{Report, SalesRow};
use crate::viewer::Viewer;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Days, NaiveDate, Utc};
use kassa_domain::{format_amount, Currency, Money, TenderKind};
use maud::{html, Markup};
use serde::Deserialize;

/// The period shown when none is asked for: the last 30 days.
const DEFAULT_DAYS: u64 = 30;

#[derive(Deserialize)]
pub(super) struct ReportQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    store: String,
}

/// The period asked for, or the last 30 days; `None` when a day is not one.
fn period(query: &ReportQuery) -> Option<(NaiveDate, NaiveDate)> {
    let parse = |text: &str, default: NaiveDate| {
        if text.is_empty() {
            return Some(default);
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    };
    let to = parse(&query.to, Utc::now().date_naive())?;
    let default_from = to
        .checked_sub_days(Days::new(DEFAULT_DAYS - 1))
        .unwrap_or(to);
    Some((parse(&query.from, default_from)?, to))
}

/// The report and the currency its amounts are in (the covered stores'), or the page saying
/// why not.
async fn report_for(
    state: &ConsoleState,
    signed_in: &SignedIn,
    query: &ReportQuery,
) -> Result<(Report, Currency), Box<Response>> {
    let Some((from, to)) = period(query) else {
        return Err(Box::new(message_page(
            StatusCode::BAD_REQUEST,
            "Not a day",
            "Give days as YYYY-MM-DD.",
        )));
    };
    let viewer = Viewer::from(&signed_in.user);
    let store = Some(query.store.as_str()).filter(|s| !s.is_empty());
    let report = state
        .hq
        .report(&viewer, from, to, store)
        .await
        .map_err(|e| Box::new(error_page(&e)))?;
    let stores = state
        .hq
        .stores()
        .await
        .map_err(|e| Box::new(error_page(&e)))?;
    let currency = stores
        .iter()
        .find(|s| report.stores.contains(&s.code))
        .and_then(|s| Currency::from_iso(&s.currency).ok())
        .unwrap_or(Currency {
            code: "EUR".into(),
            minor_digits: 2,
        });
    Ok((report, currency))
}

fn rate(rate_bp: u32) -> String {
    let (whole, fraction) = (rate_bp / 100, rate_bp % 100);
    if fraction == 0 {
        format!("{whole}%")
    } else {
        format!(
            "{whole}.{}%",
            format!("{fraction:02}").trim_end_matches('0')
        )
    }
}

fn tender_name(kind: &str) -> String {
    TenderKind::parse(kind).map_or_else(|| kind.to_string(), |k| k.as_str().to_string())
}

/// A section's CSV: its header and rows, amounts as decimals in the currency's minor digits.
fn csv_rows(report: &Report, section: &str, digits: u8) -> Option<Vec<Vec<String>>> {
    let money = |minor: i64| format_amount(Money::from_minor(minor), digits);
    let sales = |label: &str, rows: &[(String, SalesRow)]| {
        let mut out = vec![vec![
            label.to_string(),
            "sales".into(),
            "web_sales".into(),
            "takings".into(),
            "returns".into(),
            "returned".into(),
            "voids".into(),
            "voided".into(),
            "net".into(),
        ]];
        for (key, row) in rows {
            out.push(vec![
                key.clone(),
                row.sales.to_string(),
                row.web_sales.to_string(),
                money(row.takings),
                row.returns.to_string(),
                money(row.returned),
                row.voids.to_string(),
                money(row.voided),
                money(row.net()),
            ]);
        }
        out
    };
    Some(match section {
        "days" => sales("day", &report.days),
        "stores" => sales("store", &report.by_store),
        "tenders" => {
            let mut out = vec![vec![
                "tender".into(),
                "sales".into(),
                "taken".into(),
                "refunds".into(),
                "refunded".into(),
            ]];
            for (kind, row) in &report.tenders {
                out.push(vec![
                    tender_name(kind),
                    row.sales.to_string(),
                    money(row.taken),
                    row.refunds.to_string(),
                    money(row.refunded),
                ]);
            }
            out
        }
        "taxes" => {
            let mut out = vec![vec![
                "rate".into(),
                "sales".into(),
                "net".into(),
                "tax".into(),
                "gross".into(),
            ]];
            for (rate_bp, row) in &report.taxes {
                out.push(vec![
                    rate(*rate_bp),
                    row.sales.to_string(),
                    money(row.net),
                    money(row.tax),
                    money(row.net + row.tax),
                ]);
            }
            out
        }
        "returns" => {
            let mut out = vec![vec!["reason".into(), "returns".into(), "amount".into()]];
            for (reason, (count, amount)) in &report.returns {
                out.push(vec![reason.clone(), count.to_string(), money(*amount)]);
            }
            out
        }
        "drawer" => {
            let mut out = vec![vec![
                "day".into(),
                "closes".into(),
                "cash_difference".into(),
                "card_difference".into(),
            ]];
            for (day, row) in &report.drawer {
                let of = |k: &str| money(row.difference.get(k).copied().unwrap_or(0));
                out.push(vec![
                    day.clone(),
                    row.closes.to_string(),
                    of("cash"),
                    of("card"),
                ]);
            }
            out
        }
        _ => return None,
    })
}

/// RFC 4180 text; a field a spreadsheet would run as a formula is quoted behind an apostrophe.
fn csv_text(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        let fields: Vec<String> = row
            .iter()
            .map(|field| {
                let field = if field.starts_with(['=', '+', '@']) {
                    format!("'{field}")
                } else {
                    field.clone()
                };
                if field.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", field.replace('"', "\"\""))
                } else {
                    field
                }
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

pub(super) async fn csv(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Path(section): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Response {
    let section = section.strip_suffix(".csv").unwrap_or(&section).to_string();
    let (report, currency) = match report_for(&state, &signed_in, &query).await {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    let Some(rows) = csv_rows(&report, &section, currency.minor_digits) else {
        return message_page(
            StatusCode::NOT_FOUND,
            "No such report",
            "Choose a report from the page.",
        );
    };
    let name = format!(
        "kassa-{section}-{}-{}{}.csv",
        report.from,
        report.to,
        if query.store.is_empty() {
            String::new()
        } else {
            format!("-{}", report.stores.join("-"))
        }
    );
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        csv_text(&rows),
    )
        .into_response()
}

pub(super) async fn page_handler(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Query(query): Query<ReportQuery>,
) -> Response {
    let (report, currency) = match report_for(&state, &signed_in, &query).await {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    let shifts = if query.store.is_empty() {
        Vec::new()
    } else {
        let viewer = Viewer::from(&signed_in.user);
        match state.hq.shifts_for(&viewer, &query.store).await {
            Ok(all) => all
                .into_iter()
                .filter(|s| {
                    let day = s
                        .close
                        .as_ref()
                        .map_or(&s.shift.business_day, |c| &c.business_day);
                    (report.from.to_string()..=report.to.to_string()).contains(day)
                })
                .collect(),
            Err(e) => return error_page(&e),
        }
    };
    let all_stores = match state.hq.stores().await {
        Ok(stores) => stores,
        Err(e) => return error_page(&e),
    };
    let viewer = Viewer::from(&signed_in.user);
    let digits = currency.minor_digits;
    let money = |minor: i64| format_amount(Money::from_minor(minor), digits);
    let link = |section: &str| {
        format!(
            "/console/reports/{section}.csv?from={}&to={}&store={}",
            report.from, report.to, query.store
        )
    };
    let sales_table = |id: &str, label: &str, rows: &[(String, SalesRow)]| -> Markup {
        let total = rows.iter().fold(SalesRow::default(), |mut sum, (_, r)| {
            sum.sales += r.sales;
            sum.web_sales += r.web_sales;
            sum.takings += r.takings;
            sum.returns += r.returns;
            sum.returned += r.returned;
            sum.voids += r.voids;
            sum.voided += r.voided;
            sum
        });
        html! {
            table id=(id) {
                thead { tr {
                    th scope="col" { (label) } th scope="col" class="num" { "Sales" } th scope="col" class="num" { "of which web" }
                    th scope="col" class="num" { "Takings" } th scope="col" class="num" { "Returns" } th scope="col" class="num" { "Returned" }
                    th scope="col" class="num" { "Voids" } th scope="col" class="num" { "Voided" } th scope="col" class="num" { "Net" }
                } }
                tbody { @for (key, row) in rows {
                    tr data-row=(key) {
                        th scope="row" { (key) } td class="num" { (row.sales) } td class="num" { (row.web_sales) }
                        td class="num" data-minor=(row.takings) { (money(row.takings)) } td class="num" { (row.returns) }
                        td class="num" { (money(row.returned)) } td class="num" { (row.voids) } td class="num" { (money(row.voided)) }
                        td class="num" data-minor=(row.net()) { (money(row.net())) }
                    }
                } }
                tfoot { tr {
                    th scope="row" { "Total" } td class="num" data-total="sales" { (total.sales) } td class="num" { (total.web_sales) }
                    td class="num" data-total="takings" data-minor=(total.takings) { (money(total.takings)) } td class="num" { (total.returns) }
                    td class="num" { (money(total.returned)) } td class="num" { (total.voids) } td class="num" { (money(total.voided)) }
                    td class="num" data-total="net" data-minor=(total.net()) { (money(total.net())) }
                } }
            }
        }
    };
    let net_per_day: Vec<i64> = report.days.iter().map(|(_, r)| r.net()).collect();
    let markup = page(
        "Reports",
        Some(&signed_in),
        html! {
            form class="filters" method="get" action="/console/reports" {
                label { "From" input type="date" name="from" value=(report.from) required; }
                label { "To" input type="date" name="to" value=(report.to) required; }
                label { "Store"
                    select name="store" {
                        option value="" { "All my stores" }
                        @for s in all_stores.iter().filter(|s| viewer.sees(&s.code)) {
                            option value=(s.code) selected[s.code == query.store] { (s.code) }
                        }
                    }
                }
                button type="submit" { "Show" }
            }
            p class="muted" { "Business days " (report.from) " to " (report.to) "; " (report.stores.join(", ")) "; amounts in " (currency.code) "." }

            section id="report-days" {
                h2 { "Sales by day" } p class="download" { a href=(link("days")) { "Download CSV" } }
                (super::sales_chart::sales_chart(&format!("Net sales per day, {} in all", money(net_per_day.iter().sum())), &net_per_day))
                (sales_table("days", "Day", &report.days))
            }
            section id="report-stores" {
                h2 { "Sales by store" } p class="download" { a href=(link("stores")) { "Download CSV" } }
                (sales_table("stores", "Store", &report.by_store))
            }
            section id="report-tenders" {
                h2 { "By tender" } p class="download" { a href=(link("tenders")) { "Download CSV" } }
                table id="tenders" {
                    thead { tr { th scope="col" { "Tender" } th scope="col" class="num" { "Sales" } th scope="col" class="num" { "Taken" } th scope="col" class="num" { "Refunds" } th scope="col" class="num" { "Refunded" } } }
                    tbody { @for (kind, row) in &report.tenders {
                        tr data-row=(kind) { th scope="row" { (tender_name(kind)) } td class="num" { (row.sales) } td class="num" data-minor=(row.taken) { (money(row.taken)) } td class="num" { (row.refunds) } td class="num" { (money(row.refunded)) } }
                    } }
                }
            }
            section id="report-taxes" {
                h2 { "By tax rate" } p class="download" { a href=(link("taxes")) { "Download CSV" } }
                table id="taxes" {
                    thead { tr { th scope="col" { "Rate" } th scope="col" class="num" { "Sales" } th scope="col" class="num" { "Net" } th scope="col" class="num" { "Tax" } th scope="col" class="num" { "Gross" } } }
                    tbody { @for (rate_bp, row) in &report.taxes {
                        tr data-row=(rate_bp) { th scope="row" { (rate(*rate_bp)) } td class="num" { (row.sales) } td class="num" { (money(row.net)) } td class="num" data-minor=(row.tax) { (money(row.tax)) } td class="num" { (money(row.net + row.tax)) } }
                    } }
                }
            }
            section id="report-returns" {
                h2 { "Returns by reason" } p class="download" { a href=(link("returns")) { "Download CSV" } }
                @if report.returns.is_empty() { p { "No returns." } } @else {
                    table id="returns" {
                        thead { tr { th scope="col" { "Reason" } th scope="col" class="num" { "Returns" } th scope="col" class="num" { "Amount" } } }
                        tbody { @for (reason, (count, amount)) in &report.returns {
                            tr { th scope="row" { @if reason.is_empty() { span class="muted" { "(none given)" } } @else { (reason) } } td class="num" { (count) } td class="num" { (money(*amount)) } }
                        } }
                    }
                }
            }
            section id="report-drawer" {
                h2 { "Drawer differences at shift close" } p class="download" { a href=(link("drawer")) { "Download CSV" } }
                @if report.drawer.is_empty() { p { "No shift closed in this period." } } @else {
                    table id="drawer" {
                        thead { tr { th scope="col" { "Day" } th scope="col" class="num" { "Closes" } th scope="col" class="num" { "Cash" } th scope="col" class="num" { "Card" } } }
                        tbody { @for (day, row) in &report.drawer {
                            @let cash = row.difference.get("cash").copied().unwrap_or(0);
                            tr { th scope="row" { (day) } td class="num" { (row.closes) }
                                td class=(if cash < 0 { "num refusal" } else { "num" }) { (money(cash)) }
                                td class="num" { (money(row.difference.get("card").copied().unwrap_or(0))) } }
                        } }
                    }
                }
            }
            @if !query.store.is_empty() {
                section id="report-shifts" {
                    h2 { "Shifts of " (query.store) " with their Z reports" }
                    @if shifts.is_empty() { p { "No shift in this period." } } @else {
                        table id="shifts" {
                            thead { tr {
                                th scope="col" { "Till" } th scope="col" { "Opened" } th scope="col" { "By" } th scope="col" { "Closed" }
                                th scope="col" class="num" { "Cash expected" } th scope="col" class="num" { "Cash counted" } th scope="col" class="num" { "Difference" }
                            } }
                            tbody { @for s in &shifts {
                                @let cash = |list: &[kassa_replica::shifts::TenderAmount]| list.iter().find(|t| t.kind == TenderKind::Cash).map(|t| t.amount.minor());
                                tr {
                                    td { (s.shift.till_no) } td { (s.shift.opened_at.to_string()) }
                                    td { (s.shift.opened_by.as_ref().map_or("", |p| p.name.as_str())) }
                                    @match &s.close {
                                        Some(close) => {
                                            td { (close.closed_at.to_string()) }
                                            td class="num" { (cash(&close.expected).map(money).unwrap_or_default()) }
                                            td class="num" { (cash(&close.counted).map(money).unwrap_or_default()) }
                                            td class="num" { (cash(&close.difference).map(money).unwrap_or_default()) }
                                        }
                                        None => { td { "open" } td {} td {} td {} }
                                    }
                                }
                            } }
                        }
                    }
                }
            }
        },
    );
    Html(markup.into_string()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_it_must_and_defuses_formulas() {
        let rows = vec![
            vec!["reason".to_string(), "amount".to_string()],
            vec!["torn, \"badly\"".to_string(), "1.00".to_string()],
            vec!["=HYPERLINK(\"x\")".to_string(), "-2.50".to_string()],
        ];
        assert_eq!(
            csv_text(&rows),
            "reason,amount\r\n\"torn, \"\"badly\"\"\",1.00\r\n\"'=HYPERLINK(\"\"x\"\")\",-2.50\r\n"
        );
        assert_eq!(rate(2100), "21%");
        assert_eq!(rate(550), "5.5%");
    }
}
