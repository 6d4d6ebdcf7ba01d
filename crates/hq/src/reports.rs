//! Reports for the console (and anyone else who asks head office): sales by day and by store,
//! takings and refunds by tender, tax by rate, returns by reason, drawer differences at shift
//! close, over a period of business days, for the stores a viewer sees. Read from the figures
//! kept as records arrive (`daily_sales`, `crate::daily_figures`), never from a scan of sales.

use crate::daily_figures::Measure;
use crate::error::HqError;
use crate::hq::Hq;
use crate::storage::{FigureGrouping, FigureTotal};
use crate::viewer::Viewer;
use chrono::{Days, NaiveDate};
use std::collections::BTreeMap;

/// The longest period one report covers: a year, by day.
pub const MAX_REPORT_DAYS: u64 = 366;

/// Sales, returns and voids of one day or one store. `net` is takings less returns and voids.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SalesRow {
    pub sales: i64,
    pub takings: i64,
    pub web_sales: i64,
    pub returns: i64,
    pub returned: i64,
    pub voids: i64,
    pub voided: i64,
}

impl SalesRow {
    pub fn net(&self) -> i64 {
        self.takings - self.returned - self.voided
    }
}

/// One tender kind: what sales took and what returns refunded with it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TenderRow {
    pub sales: i64,
    pub taken: i64,
    pub refunds: i64,
    pub refunded: i64,
}

/// One tax rate: the sales that had it, their net and their tax.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaxRow {
    pub sales: i64,
    pub net: i64,
    pub tax: i64,
}

/// One day's drawer differences at shift close (counted less expected), by tender.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DrawerRow {
    pub closes: i64,
    pub difference: BTreeMap<String, i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The stores it covers (those the viewer sees, or the one asked for).
    pub stores: Vec<String>,
    /// Every day of the period, oldest first (days without sales included).
    pub days: Vec<(String, SalesRow)>,
    pub by_store: Vec<(String, SalesRow)>,
    pub tenders: BTreeMap<String, TenderRow>,
    /// By rate in basis points.
    pub taxes: BTreeMap<u32, TaxRow>,
    /// By reason ("" when none was given): count and amount.
    pub returns: BTreeMap<String, (i64, i64)>,
    pub drawer: BTreeMap<String, DrawerRow>,
}

fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

impl Hq {
    /// The report of `from` to `to` (both included, at most [`MAX_REPORT_DAYS`]) for `store`, or
    /// for every store the viewer sees.
    pub async fn report(
        &self,
        viewer: &Viewer,
        from: NaiveDate,
        to: NaiveDate,
        store: Option<&str>,
    ) -> Result<Report, HqError> {
        let span = to.signed_duration_since(from).num_days();
        if span < 0 || span >= i64::try_from(MAX_REPORT_DAYS).unwrap_or(i64::MAX) {
            return Err(HqError::BadRequest(format!(
                "a report covers 1 to {MAX_REPORT_DAYS} days, from its first day to its last"
            )));
        }
        if let Some(store) = store {
            viewer.check(store)?;
        }
        let stores: Vec<String> = self
            .storage
            .stores()
            .await?
            .into_iter()
            .map(|s| s.info.code)
            .filter(|code| viewer.sees(code) && store.is_none_or(|s| s == code))
            .collect();
        if let Some(store) = store {
            if !stores.iter().any(|s| s == store) {
                return Err(HqError::NotFound(format!("no store {store:?}")));
            }
        }
        // Every store: no list to send (and none to match row by row).
        let filter: Vec<String> = if store.is_none() && *viewer == Viewer::Chain {
            Vec::new()
        } else {
            stores.clone()
        };
        let (first, last) = (day_key(from), day_key(to));
        let (by_day, by_store, daily) = tokio::try_join!(
            self.storage
                .figure_totals(&first, &last, &filter, FigureGrouping::Day),
            self.storage
                .figure_totals(&first, &last, &filter, FigureGrouping::Store),
            self.storage.daily_sales(&first, &last),
        )?;

        let mut days: BTreeMap<String, SalesRow> = (0..=span.unsigned_abs())
            .filter_map(|n| from.checked_add_days(Days::new(n)))
            .map(|d| (day_key(d), SalesRow::default()))
            .collect();
        let mut per_store: BTreeMap<String, SalesRow> = stores
            .iter()
            .map(|s| (s.clone(), SalesRow::default()))
            .collect();
        let covered: std::collections::HashSet<&str> = stores.iter().map(String::as_str).collect();
        for row in daily.iter().filter(|d| covered.contains(d.store.as_str())) {
            for target in [
                days.get_mut(&row.business_day),
                per_store.get_mut(&row.store),
            ]
            .into_iter()
            .flatten()
            {
                target.sales += row.sales;
                target.takings += row.total;
                if row.channel == "web" {
                    target.web_sales += row.sales;
                }
            }
        }
        let mut report = Report {
            from,
            to,
            stores: stores.clone(),
            days: Vec::new(),
            by_store: Vec::new(),
            tenders: BTreeMap::new(),
            taxes: BTreeMap::new(),
            returns: BTreeMap::new(),
            drawer: BTreeMap::new(),
        };
        for total in &by_day {
            if let Some(row) = days.get_mut(&total.group) {
                add_to_sales_row(row, total);
            }
            add_to_period(&mut report, total);
        }
        for total in &by_store {
            if let Some(row) = per_store.get_mut(&total.group) {
                add_to_sales_row(row, total);
            }
        }
        report.days = days.into_iter().collect();
        report.by_store = per_store.into_iter().collect();
        Ok(report)
    }
}

fn add_to_sales_row(row: &mut SalesRow, total: &FigureTotal) {
    match total.measure {
        Measure::Return => {
            row.returns += total.count;
            row.returned += total.amount;
        }
        Measure::Void => {
            row.voids += total.count;
            row.voided += total.amount;
        }
        _ => {}
    }
}

/// Adds one day's total to the period's breakdowns (by tender, rate, reason, and the drawer by
/// day).
fn add_to_period(report: &mut Report, total: &FigureTotal) {
    let key = total.key.clone();
    match total.measure {
        Measure::Tender => {
            let row = report.tenders.entry(key).or_default();
            row.sales += total.count;
            row.taken += total.amount;
        }
        Measure::Refund => {
            let row = report.tenders.entry(key).or_default();
            row.refunds += total.count;
            row.refunded += total.amount;
        }
        Measure::Tax | Measure::Net => {
            let Ok(rate) = key.parse::<u32>() else {
                return;
            };
            let row = report.taxes.entry(rate).or_default();
            if total.measure == Measure::Tax {
                row.sales += total.count;
                row.tax += total.amount;
            } else {
                row.net += total.amount;
            }
        }
        Measure::Return => {
            let row = report.returns.entry(key).or_default();
            row.0 += total.count;
            row.1 += total.amount;
        }
        Measure::ShiftDifference => {
            let row = report.drawer.entry(total.group.clone()).or_default();
            // Each close reports every counted tender: the cash line counts the closes.
            if key == "cash" {
                row.closes += total.count;
            }
            *row.difference.entry(key).or_default() += total.amount;
        }
        Measure::Void => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::suite::{figure_writes, store_info};

    async fn head_office() -> Hq {
        let hq = Hq::open_in_memory().unwrap();
        for code in ["AMS1", "RTM1"] {
            hq.storage()
                .create_store(&store_info(code), chrono::Utc::now())
                .await
                .unwrap();
        }
        for write in figure_writes() {
            hq.storage().apply_sync(write).await.unwrap();
        }
        hq
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[tokio::test]
    async fn a_report_adds_up_the_figures_of_the_stores_a_viewer_sees() {
        let hq = head_office().await;
        let report = hq
            .report(&Viewer::Chain, day("2026-11-22"), day("2026-11-24"), None)
            .await
            .unwrap();
        assert_eq!(report.stores, ["AMS1", "RTM1"]);
        let days: Vec<&str> = report.days.iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(
            days,
            ["2026-11-22", "2026-11-23", "2026-11-24"],
            "empty days too"
        );
        // Two till sales and a web order of 40.00.
        let ams_day = &report.days[1].1;
        assert_eq!(ams_day.web_sales, 1);
        assert_eq!(
            (
                ams_day.sales,
                ams_day.takings,
                ams_day.returns,
                ams_day.returned,
                ams_day.voids,
                ams_day.voided
            ),
            (3, 6500, 2, 800, 1, 1250)
        );
        assert_eq!(ams_day.net(), 6500 - 800 - 1250);
        assert_eq!(report.days[2].1.sales, 1, "RTM1's sale the next day");
        assert_eq!(report.tenders["card"].sales, 2);
        assert_eq!(report.tenders["card"].taken, 2500);
        assert_eq!(
            (
                report.tenders["cash"].taken,
                report.tenders["cash"].refunded
            ),
            (1250, 800)
        );
        assert_eq!(
            (report.taxes[&2100].net, report.taxes[&2100].tax),
            (1033, 217)
        );
        assert_eq!(report.returns["damaged"], (1, 500));
        assert_eq!(report.returns[""], (1, 300));
        let drawer = &report.drawer["2026-11-23"];
        assert_eq!((drawer.closes, drawer.difference["cash"]), (1, -150));

        // A store manager of RTM1: RTM1 only; AMS1 refused, as the API refuses it.
        let rtm = Viewer::of_stores(&["RTM1".into()]);
        let theirs = hq
            .report(&rtm, day("2026-11-22"), day("2026-11-24"), None)
            .await
            .unwrap();
        assert_eq!(theirs.stores, ["RTM1"]);
        assert_eq!(theirs.days.iter().map(|(_, r)| r.sales).sum::<i64>(), 1);
        assert!(theirs.returns.is_empty() && theirs.drawer.is_empty());
        assert!(matches!(
            hq.report(&rtm, day("2026-11-22"), day("2026-11-24"), Some("AMS1"))
                .await,
            Err(HqError::Forbidden(_))
        ));
        let one = hq
            .report(
                &Viewer::Chain,
                day("2026-11-23"),
                day("2026-11-23"),
                Some("AMS1"),
            )
            .await
            .unwrap();
        assert_eq!((one.by_store.len(), one.by_store[0].1.sales), (1, 3));

        // A period backwards or longer than a year is refused.
        for (from, to) in [("2026-11-24", "2026-11-23"), ("2025-01-01", "2026-11-23")] {
            assert!(matches!(
                hq.report(&Viewer::Chain, day(from), day(to), None).await,
                Err(HqError::BadRequest(_))
            ));
        }
        assert!(matches!(
            hq.report(
                &Viewer::Chain,
                day("2026-11-23"),
                day("2026-11-23"),
                Some("NOPE")
            )
            .await,
            Err(HqError::NotFound(_))
        ));
    }
}
