//! Head office link: enroll, sync, status, rebuild, stock.

use crate::failure::Failure;
use crate::output::print_json;
use serde::Serialize;
use std::path::Path;

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Failure::from)
}

pub fn enroll(path: &Path, hq: &str, code: &str, json: bool) -> Result<(), Failure> {
    let mut till = super::open(path)?;
    let response = runtime()?.block_on(kassa_sync::enroll(&mut till, hq, code))?;
    if json {
        #[derive(Serialize)]
        struct Enrolled<'a> {
            store: &'a str,
            till_no: u16,
            hq: &'a str,
        }
        return print_json(&Enrolled {
            store: &response.store.code,
            till_no: response.till_no,
            hq,
        });
    }
    println!(
        "Enrolled as till {} of store {} ({}) with head office {hq}",
        response.till_no, response.store.code, response.store.name
    );
    Ok(())
}

pub fn sync(path: &Path, json: bool) -> Result<(), Failure> {
    let (mut till, _) = super::open_initialised(path)?;
    let result = runtime()?.block_on(kassa_sync::sync_once(&mut till));
    let report = match result {
        Ok(report) => report,
        // Being offline is not a failure of the command's input, nor an internal error: the till
        // carries on, and says so.
        // It exits 3 (offline), after saying what waits.
        Err(kassa_sync::SyncError::Offline(why)) => {
            let status = till.sync_status()?;
            if json {
                print_json(
                    &serde_json::json!({ "online": false, "error": why, "pending_sales": status.pending_sales }),
                )?;
            } else {
                println!(
                    "Offline ({why}); {} sale(s) wait for head office",
                    status.pending_sales
                );
            }
            return Err(kassa_sync::SyncError::Offline(why).into());
        }
        Err(e) => return Err(e.into()),
    };
    if json {
        return print_json(&report);
    }
    println!(
        "Synced in {} exchange(s): {} message(s) sent, {} received, {} new record(s), catalogue v{} ({} product(s) updated), {} B up / {} B down; {} sale(s) not yet at head office",
        report.exchanges,
        report.messages_sent,
        report.messages_received,
        report.records_received,
        report.catalogue_version,
        report.products_updated,
        report.bytes_sent,
        report.bytes_received,
        report.pending_sales
    );
    Ok(())
}

pub fn status(path: &Path, json: bool) -> Result<(), Failure> {
    let (till, money) = super::open_initialised(path)?;
    let status = till.sync_status()?;
    if json {
        return print_json(&status);
    }
    let line = if !status.enrolled {
        "Stand-alone (not enrolled with head office)".to_string()
    } else if status.online {
        format!("Online with {}", status.hq_url.as_deref().unwrap_or("?"))
    } else if let Some(since) = &status.offline_since {
        format!(
            "Offline since {since} ({})",
            status.last_error.as_deref().unwrap_or("no answer")
        )
    } else {
        "Not synced yet".to_string()
    };
    println!("{line}");
    println!(
        "Last successful sync: {}",
        status.last_success_at.as_deref().unwrap_or("never")
    );
    println!(
        "Not yet at head office: {} sale(s), {}; {} return(s)/pickup(s)",
        status.pending_sales,
        money.fmt(status.pending_amount),
        status.pending_other
    );
    Ok(())
}

pub fn rebuild(path: &Path, verify: bool, json: bool) -> Result<(), Failure> {
    let (mut till, _) = super::open_initialised(path)?;
    if !verify {
        let added = till.project_all()?;
        if json {
            return print_json(&serde_json::json!({ "rows_added": added }));
        }
        println!("Projected {added} record(s) that were missing");
        return Ok(());
    }
    let report = till.rebuild_verify()?;
    if json {
        print_json(&report)?;
    } else {
        println!(
            "Checked {} document(s): {} sale(s), {} void(s); {} difference(s)",
            report.documents,
            report.sales_in_documents,
            report.voids_in_documents,
            report.differences.len()
        );
        for difference in &report.differences {
            println!("  {difference}");
        }
    }
    if report.differences.is_empty() {
        Ok(())
    } else {
        Err(Failure::Internal(anyhow::anyhow!(
            "{} difference(s) between the projections and the documents",
            report.differences.len()
        )))
    }
}

pub fn stock(path: &Path, sku: &str, json: bool) -> Result<(), Failure> {
    let (mut till, _) = super::open_initialised(path)?;
    let position = till.stock_position(sku)?;
    if json {
        return print_json(&serde_json::json!({
            "sku": sku,
            "on_hand": position.on_hand,
            "reserved": position.reserved,
            "available": position.available,
        }));
    }
    println!(
        "{sku}: {} on hand, {} reserved for online orders, {} available",
        position.on_hand, position.reserved, position.available
    );
    Ok(())
}
