//! The overview: where the stores the user sees stand. Each store's sales today and over the last
//! 30 days, with the web channel's part and a chart per day for each channel; when it last synced,
//! its tills online, what waits at them, and its open exceptions. The figures come from head
//! office's daily sales (kept as sales arrive), never from a scan of every sale.
//! `?until=YYYY-MM-DD` looks at the 30 days up to another day.

use super::layout::{error_page, message_page, page};
use super::sales_chart::sales_chart;
use super::{ConsoleState, SignedIn};
use crate::viewer::Viewer;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Days, NaiveDate, Utc};
use kassa_domain::money::format_in;
use kassa_domain::{Currency, Money};
use maud::html;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Days the overview covers, the last one included.
const DAYS: u64 = 30;

#[derive(Deserialize)]
pub(super) struct OverviewQuery {
    until: Option<String>,
}

/// One store's figures over the period.
struct StoreFigures {
    code: String,
    name: String,
    currency: Currency,
    last_sync: Option<chrono::DateTime<Utc>>,
    /// Sales and total per day, oldest first.
    per_day: Vec<(i64, i64)>,
    /// Of which the web channel's (orders head office took), per day.
    web_per_day: Vec<(i64, i64)>,
    /// Tills that synced in the last minutes, of those that ever did.
    tills_online: usize,
    tills_seen: usize,
    /// What the tills reported as not yet confirmed by head office at their last sync: sales,
    /// their amount, and other records.
    waiting: (i64, i64, i64),
    open_exceptions: usize,
}

pub(super) async fn page_handler(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Query(query): Query<OverviewQuery>,
) -> Response {
    let until = match query
        .until
        .as_deref()
        .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"))
    {
        None => Utc::now().date_naive(),
        Some(Ok(day)) => day,
        Some(Err(_)) => {
            return message_page(
                StatusCode::BAD_REQUEST,
                "Not a day",
                "Give the day as YYYY-MM-DD.",
            )
        }
    };
    let Some(from) = until.checked_sub_days(Days::new(DAYS - 1)) else {
        return message_page(
            StatusCode::BAD_REQUEST,
            "Not a day",
            "That day is too early.",
        );
    };
    // The same rule the API's read services apply (crate::viewer).
    let viewer = Viewer::from(&signed_in.user);
    let day_key = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let (first, last) = (day_key(from), day_key(until));
    let (stores, daily, contacts, exceptions) = match tokio::try_join!(
        state.hq.storage().stores(),
        state.hq.storage().daily_sales(&first, &last),
        state.hq.storage().till_contacts(),
        state.hq.exceptions_for(&viewer),
    ) {
        Ok(found) => found,
        Err(e) => return error_page(&e),
    };
    let index: BTreeMap<String, usize> = (0..DAYS)
        .filter_map(|n| from.checked_add_days(Days::new(n)))
        .enumerate()
        .map(|(i, d)| (day_key(d), i))
        .collect();
    let mut figures: Vec<StoreFigures> = stores
        .into_iter()
        .filter(|row| viewer.sees(&row.info.code))
        .map(|row| StoreFigures {
            currency: Currency::from_iso(&row.info.currency).unwrap_or(Currency {
                code: row.info.currency.clone(),
                minor_digits: 2,
            }),
            code: row.info.code,
            name: row.info.name,
            last_sync: row.last_sync_at,
            per_day: vec![(0, 0); index.len()],
            web_per_day: vec![(0, 0); index.len()],
            tills_online: 0,
            tills_seen: 0,
            waiting: (0, 0, 0),
            open_exceptions: 0,
        })
        .collect();
    let now = Utc::now();
    for contact in &contacts {
        let Some(store) = figures.iter_mut().find(|f| f.code == contact.store) else {
            continue;
        };
        store.tills_seen += 1;
        store.tills_online += usize::from(super::is_online(contact.last_seen_at, now));
        if let Some(report) = &contact.report {
            store.waiting.0 += report.pending_sales;
            store.waiting.1 += report.pending_amount;
            store.waiting.2 += report.pending_other;
        }
    }
    for exception in exceptions.iter().filter(|e| e.resolution.is_none()) {
        if let Some(store) = figures.iter_mut().find(|f| f.code == exception.store) {
            store.open_exceptions += 1;
        }
    }
    for day in daily {
        let (Some(store), Some(i)) = (
            figures.iter_mut().find(|f| f.code == day.store),
            index.get(&day.business_day),
        ) else {
            continue;
        };
        store.per_day[*i].0 += day.sales;
        store.per_day[*i].1 += day.total;
        if day.channel == "web" {
            store.web_per_day[*i].0 += day.sales;
            store.web_per_day[*i].1 += day.total;
        }
    }
    let money = |f: &StoreFigures, minor: i64| format_in(Money::from_minor(minor), &f.currency);
    let markup = page(
        "Overview",
        Some(&signed_in),
        html! {
            p { "Sales of the " (DAYS) " days from " (day_key(from)) " to " (day_key(until)) ", by business day." }
            @if figures.is_empty() {
                p { "No stores yet." }
            } @else {
                table id="store-sales" {
                    thead { tr {
                        th scope="col" { "Store" }
                        th scope="col" class="num" { "Sales on " (day_key(until)) }
                        th scope="col" class="num" { "Total on " (day_key(until)) }
                        th scope="col" class="num" { "Sales, " (DAYS) " days" }
                        th scope="col" class="num" { "Total, " (DAYS) " days" }
                        th scope="col" class="num" { "Of which web, " (DAYS) " days" }
                        th scope="col" { "Per day: tills, web" }
                        th scope="col" { "Last sync (UTC)" }
                        th scope="col" class="num" { "Tills online" }
                        th scope="col" class="num" { "Waiting at tills" }
                        th scope="col" class="num" { "Open exceptions" }
                    } }
                    tbody {
                        @for store in &figures {
                            @let (today_sales, today_total) = store.per_day.last().copied().unwrap_or((0, 0));
                            @let sales: i64 = store.per_day.iter().map(|d| d.0).sum();
                            @let total: i64 = store.per_day.iter().map(|d| d.1).sum();
                            @let web_sales: i64 = store.web_per_day.iter().map(|d| d.0).sum();
                            @let web_total: i64 = store.web_per_day.iter().map(|d| d.1).sum();
                            @let till_totals: Vec<i64> = store.per_day.iter().zip(&store.web_per_day).map(|(all, web)| all.1 - web.1).collect();
                            @let web_totals: Vec<i64> = store.web_per_day.iter().map(|d| d.1).collect();
                            tr data-store=(store.code) {
                                th scope="row" { (store.code) " " span class="muted" { (store.name) } }
                                td class="num" data-figure="today-sales" { (today_sales) }
                                td class="num" data-figure="today-total" data-minor=(today_total) { (money(store, today_total)) }
                                td class="num" data-figure="period-sales" { (sales) }
                                td class="num" data-figure="period-total" data-minor=(total) { (money(store, total)) }
                                td class="num" data-figure="period-web" data-minor=(web_total) { (web_sales) " orders, " (money(store, web_total)) }
                                td {
                                    (sales_chart(&format!("{}: till sales per day, {} in {} days", store.code, money(store, total - web_total), DAYS), &till_totals))
                                    (sales_chart(&format!("{}: web orders per day, {} in {} days", store.code, money(store, web_total), DAYS), &web_totals))
                                }
                                td { @match store.last_sync {
                                    Some(at) => (at.format("%Y-%m-%d %H:%M")),
                                    None => "never",
                                } }
                                td class="num" data-figure="tills-online" { (store.tills_online) " of " (store.tills_seen) }
                                td class="num" data-figure="waiting" {
                                    (store.waiting.0) " sales, " (money(store, store.waiting.1))
                                    @if store.waiting.2 > 0 { ", " (store.waiting.2) " other" }
                                }
                                td class="num" data-figure="open-exceptions" {
                                    @if store.open_exceptions > 0 {
                                        a href={"/console/exceptions?store=" (store.code)} { (store.open_exceptions) }
                                    } @else { "0" }
                                }
                            }
                        }
                    }
                }
            }
        },
    );
    Html(markup.into_string()).into_response()
}
