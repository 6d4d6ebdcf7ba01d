//! `kassa-hq`: runs the head office server, and admin subcommands on the same data directory.
//!
//! Exit codes: 0 success, 2 bad input (one line on stderr), 1 internal error.

use clap::{Parser, Subcommand};
use kassa_hq::{Hq, HqError};
use kassa_protocol::{StockLine, StoreInfo, TaxClassInfo};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "kassa-hq",
    version,
    about = "Kassa head office server and admin tool"
)]
struct Cli {
    /// The data directory (database and admin token).
    #[arg(long, env = "KASSA_HQ_DATA")]
    data: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8750")]
        listen: String,
    },
    /// Stores.
    #[command(subcommand)]
    Store(StoreCommand),
    /// Make a one-time enrollment code for a till (printed once).
    EnrollCode { store: String, till: u16 },
    /// Revoke every device token of a till.
    Revoke { store: String, till: u16 },
    /// Catalogue.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Stock of a store.
    #[command(subcommand)]
    Stock(StockCommand),
    /// Online orders for pickup.
    #[command(subcommand)]
    Order(OrderCommand),
    /// Staff and their PINs (sent to every till on its next sync).
    #[command(subcommand)]
    Staff(StaffCommand),
    /// A store's shifts with their Z reports (newest first).
    Shifts { store: String },
    /// A till's audit trail as head office has it.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// What merging revealed in every store (over-pickups, over-returns, negative stock, ...).
    Exceptions,
    /// Close an exception with a note.
    Resolve {
        id: String,
        #[arg(long)]
        note: String,
        #[arg(long)]
        by: Option<String>,
    },
    /// Print the admin token (made on first use, kept in the data directory).
    AdminToken,
    /// Set up demo store AMS1 with a generated catalogue and stock of every product.
    Demo {
        #[arg(long, default_value_t = 5_000)]
        products: u64,
    },
}

#[derive(Subcommand)]
enum StoreCommand {
    Add {
        code: String,
        #[arg(long)]
        currency: String,
        #[arg(long)]
        tax_mode: String,
        #[arg(long)]
        name: Option<String>,
        /// Cash rounding step in minor units (5 = to 0.05).
        #[arg(long, default_value_t = 1)]
        cash_increment: i64,
        /// CODE=RATE% (default: standard=21%, reduced=9%, zero=0%).
        #[arg(long = "tax-class")]
        tax_classes: Vec<String>,
    },
    List,
}

#[derive(Subcommand)]
enum OrderCommand {
    /// Take a web order from a JSON file (format in the README); the same external id twice is
    /// one order.
    Add { file: PathBuf },
    /// Orders with what the tills handed over.
    List {
        #[arg(long)]
        store: Option<String>,
    },
    /// Cancel an order that is not all handed over.
    Cancel {
        order_no: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Expire every order past its pickup date (no-shows).
    Expire,
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Add a staff member. The PIN (4 to 8 digits) is hashed at once and never stored.
    Add {
        #[arg(long)]
        name: String,
        /// cashier, supervisor or manager
        #[arg(long)]
        role: String,
        #[arg(long, env = "KASSA_STAFF_PIN", hide_env_values = true)]
        pin: String,
    },
    /// Everyone, with their role and whether they are active (never their PIN).
    List,
    /// Give someone (name or id) a new PIN.
    Pin {
        who: String,
        #[arg(long, env = "KASSA_STAFF_PIN", hide_env_values = true)]
        pin: String,
    },
    /// A leaver can no longer sign in at any till once it has synced.
    Deactivate {
        who: String,
    },
    Activate {
        who: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the chain of a till (`AMS1-1`); exit 1 naming the first broken entry.
    Verify { till: String },
    /// Every entry of a till, oldest first.
    List { till: String },
}

#[derive(Subcommand)]
enum CatalogCommand {
    Import { file: PathBuf },
}

#[derive(Subcommand)]
enum StockCommand {
    /// Goods received: SKUxQTY...
    Receive { store: String, lines: Vec<String> },
    /// A stock count: SKUxQTY... (what is on the shelf)
    Count { store: String, lines: Vec<String> },
}

fn admin_token(data: &Path) -> Result<String, HqError> {
    if let Ok(token) = std::env::var("KASSA_HQ_ADMIN_TOKEN") {
        if !token.trim().is_empty() {
            return Ok(token.trim().to_string());
        }
    }
    let path = data.join("admin-token");
    if let Ok(token) = std::fs::read_to_string(&path) {
        return Ok(token.trim().to_string());
    }
    std::fs::create_dir_all(data)
        .map_err(|e| HqError::BadRequest(format!("cannot create {}: {e}", data.display())))?;
    let token = kassa_hq::tokens::random_secret(24);
    std::fs::write(&path, format!("{token}\n"))
        .map_err(|e| HqError::Io(format!("cannot write {}: {e}", path.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(token)
}

fn parse_tax_class(spec: &str) -> Result<TaxClassInfo, HqError> {
    let bad = || {
        HqError::BadRequest(format!(
            "tax class {spec:?}: use CODE=RATE%, e.g. standard=21%"
        ))
    };
    let (code, rate) = spec.split_once('=').ok_or_else(bad)?;
    match kassa_domain::Discount::parse(rate.trim(), 2) {
        Ok(kassa_domain::Discount::Percent(bp)) => Ok(TaxClassInfo {
            code: code.trim().into(),
            name: code.trim().into(),
            rate_bp: bp,
        }),
        _ => Err(bad()),
    }
}

fn parse_lines(lines: &[String]) -> Result<Vec<StockLine>, HqError> {
    if lines.is_empty() {
        return Err(HqError::BadRequest("give at least one SKUxQTY".into()));
    }
    lines
        .iter()
        .map(|l| {
            let (sku, qty) = l
                .rsplit_once('x')
                .ok_or_else(|| HqError::BadRequest(format!("{l:?}: use SKUxQTY")))?;
            let quantity = qty.parse().map_err(|_| {
                HqError::BadRequest(format!("{l:?}: quantity {qty:?} is not a whole number"))
            })?;
            Ok(StockLine {
                sku: sku.to_string(),
                quantity,
            })
        })
        .collect()
}

fn print_json<T: serde::Serialize>(value: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

fn run(cli: Cli) -> Result<(), HqError> {
    let open = || Hq::open(&cli.data);
    match cli.command {
        Command::Serve { listen } => {
            let token = admin_token(&cli.data)?;
            let hq = Arc::new(open()?);
            let runtime = tokio::runtime::Runtime::new()
                .map_err(|e| HqError::Io(format!("cannot start the server: {e}")))?;
            runtime.block_on(async move {
                // A malformed address is the caller's mistake (exit 2); a port in use is the
                // machine's (exit 1), and neither is corrupt data.
                let address: std::net::SocketAddr = listen.parse().map_err(|_| {
                    HqError::BadRequest(format!(
                        "cannot listen on {listen:?}: give an address and port, e.g. 127.0.0.1:8750"
                    ))
                })?;
                let listener = tokio::net::TcpListener::bind(address)
                    .await
                    .map_err(|e| HqError::Io(format!("cannot listen on {listen}: {e}")))?;
                let addr = listener
                    .local_addr()
                    .map_err(|e| HqError::Io(e.to_string()))?;
                println!(
                    "kassa-hq listening on http://{addr} (data in {})",
                    cli.data.display()
                );
                kassa_hq::serve(listener, hq, token)
                    .await
                    .map_err(|e| HqError::Io(format!("the server stopped: {e}")))
            })
        }
        Command::Store(StoreCommand::Add {
            code,
            currency,
            tax_mode,
            name,
            cash_increment,
            tax_classes,
        }) => {
            let specs = if tax_classes.is_empty() {
                vec![
                    "standard=21%".to_string(),
                    "reduced=9%".into(),
                    "zero=0%".into(),
                ]
            } else {
                tax_classes
            };
            let info = StoreInfo {
                name: name.unwrap_or_else(|| code.clone()),
                code,
                currency: currency.to_ascii_uppercase(),
                tax_mode,
                cash_increment,
                tax_classes: specs
                    .iter()
                    .map(|s| parse_tax_class(s))
                    .collect::<Result<_, _>>()?,
            };
            print_json(&open()?.create_store(&info)?);
            Ok(())
        }
        Command::Store(StoreCommand::List) => {
            print_json(&open()?.stores()?);
            Ok(())
        }
        Command::EnrollCode { store, till } => {
            let code = open()?.create_enroll_code(&store, till)?;
            println!("{}", code.code);
            Ok(())
        }
        Command::Revoke { store, till } => {
            println!("revoked {} device(s)", open()?.revoke_till(&store, till)?);
            Ok(())
        }
        Command::Catalog(CatalogCommand::Import { file }) => {
            let bytes = std::fs::read(&file)
                .map_err(|e| HqError::BadRequest(format!("cannot read {}: {e}", file.display())))?;
            let (version, count) = open()?.import_catalogue_csv(&bytes)?;
            println!("catalogue version {version}: {count} products");
            Ok(())
        }
        Command::Stock(StockCommand::Receive { store, lines }) => {
            print_json(&open()?.record_stock(
                &store,
                kassa_hq::MovementKind::Receipt,
                &parse_lines(&lines)?,
                None,
            )?);
            Ok(())
        }
        Command::Stock(StockCommand::Count { store, lines }) => {
            print_json(&open()?.record_stock(
                &store,
                kassa_hq::MovementKind::Count,
                &parse_lines(&lines)?,
                None,
            )?);
            Ok(())
        }
        Command::Demo { products } => {
            if !(1..=300_000).contains(&products) {
                return Err(HqError::BadRequest(
                    "--products must be between 1 and 300000".into(),
                ));
            }
            let hq = open()?;
            let tax_classes = kassa_domain::demo_catalogue::DEMO_TAX_CLASSES
                .iter()
                .map(|(code, name, bp)| TaxClassInfo {
                    code: code.to_string(),
                    name: name.to_string(),
                    rate_bp: *bp,
                })
                .collect();
            hq.create_store(&StoreInfo {
                code: "AMS1".into(),
                name: "Kassa Demo Amsterdam".into(),
                currency: "EUR".into(),
                tax_mode: "inclusive".into(),
                cash_increment: 5,
                tax_classes,
            })?;
            let catalogue: Vec<_> =
                kassa_domain::demo_catalogue::demo_catalogue(products).collect();
            let (version, count) = hq.import_catalogue(&catalogue)?;
            let lines: Vec<StockLine> = catalogue
                .iter()
                .map(|p| StockLine {
                    sku: p.sku.clone(),
                    quantity: 24,
                })
                .collect();
            hq.record_stock(
                "AMS1",
                kassa_hq::MovementKind::Receipt,
                &lines,
                Some("demo opening stock".into()),
            )?;
            println!("demo store AMS1: catalogue version {version} with {count} products, 24 of each in stock");
            let demo_orders = if products >= 4 {
                vec![
                    ("W1001", "Ada Lovelace", true, ["D000000", "D000001"]),
                    ("W1002", "Grace Hopper", false, ["D000002", "D000003"]),
                ]
            } else {
                Vec::new()
            };
            for (external_id, customer, paid, skus) in demo_orders {
                let accepted = hq.add_order(&kassa_protocol::OrderIntake {
                    external_id: external_id.into(),
                    store: "AMS1".into(),
                    customer_name: customer.into(),
                    lines: skus
                        .iter()
                        .map(|sku| kassa_protocol::OrderIntakeLine {
                            sku: (*sku).into(),
                            quantity: 1,
                            unit_price: None,
                        })
                        .collect(),
                    paid,
                    pickup_code: Some("123456".into()),
                    hold_days: None,
                    shipped: false,
                })?;
                println!(
                    "demo order {} for {customer} ({}), pickup code {}",
                    accepted.order_no,
                    if paid {
                        "paid online"
                    } else {
                        "to pay at pickup"
                    },
                    accepted.pickup_code
                );
            }
            // Demo staff with well-known PINs, so the demo shows sign-in and approvals.
            for (name, role, pin) in [
                ("Carl", kassa_domain::Role::Cashier, "1111"),
                ("Sofia", kassa_domain::Role::Supervisor, "2222"),
                ("Maria", kassa_domain::Role::Manager, "3333"),
            ] {
                hq.add_staff(&kassa_protocol::NewStaff {
                    name: name.into(),
                    role,
                    pin: pin.into(),
                })?;
                println!("demo staff {name} ({role}), PIN {pin}");
            }
            Ok(())
        }
        Command::Order(OrderCommand::Add { file }) => {
            let bytes = std::fs::read(&file)
                .map_err(|e| HqError::BadRequest(format!("cannot read {}: {e}", file.display())))?;
            let intake: kassa_protocol::OrderIntake = serde_json::from_slice(&bytes)
                .map_err(|e| HqError::BadRequest(format!("{}: {e}", file.display())))?;
            print_json(&open()?.add_order(&intake)?);
            Ok(())
        }
        Command::Order(OrderCommand::List { store }) => {
            print_json(&open()?.orders(store.as_deref())?);
            Ok(())
        }
        Command::Order(OrderCommand::Cancel { order_no, note }) => {
            print_json(&open()?.cancel_order(&order_no, "cancelled", note)?);
            Ok(())
        }
        Command::Order(OrderCommand::Expire) => {
            let expired = open()?.expire_orders()?;
            println!("expired {} order(s)", expired.len());
            Ok(())
        }
        Command::Staff(StaffCommand::Add { name, role, pin }) => {
            let role =
                kassa_domain::Role::parse(&role).map_err(|e| HqError::BadRequest(e.to_string()))?;
            print_json(&open()?.add_staff(&kassa_protocol::NewStaff { name, role, pin })?);
            Ok(())
        }
        Command::Staff(StaffCommand::List) => {
            print_json(&open()?.staff()?);
            Ok(())
        }
        Command::Staff(StaffCommand::Pin { who, pin }) => {
            print_json(&open()?.set_staff_pin(&who, &pin)?);
            Ok(())
        }
        Command::Staff(StaffCommand::Deactivate { who }) => {
            print_json(&open()?.set_staff_active(&who, false)?);
            Ok(())
        }
        Command::Staff(StaffCommand::Activate { who }) => {
            print_json(&open()?.set_staff_active(&who, true)?);
            Ok(())
        }
        Command::Shifts { store } => {
            print_json(&open()?.shifts(&store)?);
            Ok(())
        }
        Command::Audit(AuditCommand::List { till }) => {
            print_json(&open()?.audit_entries(&till)?);
            Ok(())
        }
        Command::Audit(AuditCommand::Verify { till }) => {
            let check = open()?.verify_audit(&till)?;
            print_json(&check);
            match check.first_break {
                None => Ok(()),
                Some(b) => Err(HqError::Corrupt(format!(
                    "the audit log of {} is broken at entry {}: {}",
                    check.till, b.seq, b.why
                ))),
            }
        }
        Command::Exceptions => {
            print_json(&open()?.exceptions()?);
            Ok(())
        }
        Command::Resolve { id, note, by } => {
            print_json(&open()?.resolve_exception(&kassa_protocol::ResolveRequest {
                id,
                note,
                resolved_by: by,
            })?);
            Ok(())
        }
        Command::AdminToken => {
            println!("{}", admin_token(&cli.data)?);
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let help = matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            );
            let _ = e.print();
            return if help {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kassa-hq: {e}");
            ExitCode::from(if e.status() >= 500 { 1 } else { 2 })
        }
    }
}
