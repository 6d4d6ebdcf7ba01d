use crate::args::CatalogCommand;
use crate::failure::Failure;
use crate::output::print_json;
use kassa_store::CatalogItem;
use std::path::Path;

pub fn run(path: &Path, command: CatalogCommand, json: bool) -> Result<(), Failure> {
    match command {
        CatalogCommand::Import {
            file,
            skip_bad_rows,
        } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| Failure::bad(format!("cannot read {}: {e}", file.display())))?;
            let (mut till, _) = super::open_initialised(path)?;
            let summary = till.import_catalogue_csv(&bytes, skip_bad_rows)?;
            if json {
                return print_json(&summary);
            }
            println!(
                "Imported {}: {} added, {} updated, {} skipped",
                file.display(),
                summary.added,
                summary.updated,
                summary.skipped.len()
            );
            for skipped in &summary.skipped {
                println!("  skipped line {}: {}", skipped.line, skipped.message);
            }
            Ok(())
        }
        CatalogCommand::Find { query, limit } => {
            let (till, money) = super::open_initialised(path)?;
            // A scan or a typed SKU is an exact hit; otherwise search the names.
            let items: Vec<CatalogItem> = match till.find_by_code(&query)? {
                Some(item) => vec![item],
                None => till.search(&query, limit)?,
            };
            if json {
                return print_json(&items);
            }
            if items.is_empty() {
                println!("No products match {query:?}");
            }
            for item in items {
                let inactive = if item.active { "" } else { "  (inactive)" };
                println!(
                    "{:<10} {:>9}  {}{inactive}",
                    item.sku,
                    money.fmt(item.price),
                    item.name
                );
            }
            Ok(())
        }
    }
}
