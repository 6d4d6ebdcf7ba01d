//! `kassa-hq`: runs the head office server, and admin subcommands on the same data directory.
//! One module per command; this file only parses the command line and maps the outcome to an
//! exit code.
//!
//! Exit codes: 0 success, 2 bad input or refused (one line on stderr), 1 internal or I/O error.

mod admin_log;
mod admin_token;
mod api_tokens;
mod audit;
mod backup;
mod catalog;
mod database;
mod demo;
mod exceptions;
mod findings;
mod orders;
mod output;
mod serve;
mod shifts;
mod staff;
mod stock;
mod stores;
mod tls;
mod users;

use clap::{Parser, Subcommand};
use kassa_hq::HqError;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "kassa-hq",
    version,
    about = "Kassa head office server and admin tool"
)]
struct Cli {
    /// The data directory (admin token, TLS files, and the SQLite database unless
    /// `--database` is given).
    #[arg(long, env = "KASSA_HQ_DATA")]
    data: PathBuf,
    /// Run on PostgreSQL instead of the data directory's SQLite database:
    /// `postgres://user:password@host/dbname`. Any number of head office nodes may share one.
    #[arg(long, env = "KASSA_HQ_DATABASE", hide_env_values = true)]
    database: Option<String>,
    /// Connections this node keeps to PostgreSQL at most.
    #[arg(long, env = "KASSA_HQ_DATABASE_CONNECTIONS", default_value_t = kassa_hq::storage::DEFAULT_POSTGRES_CONNECTIONS)]
    database_connections: usize,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API.
    Serve(serve::Args),
    /// Stores.
    #[command(subcommand)]
    Store(stores::StoreCommand),
    /// Make a one-time enrollment code for a till (printed once; `--qr` shows it to scan).
    EnrollCode(stores::EnrollCodeArgs),
    /// TLS: a private certificate authority for a head office without a public certificate.
    #[command(subcommand)]
    Tls(tls::TlsCommand),
    /// Revoke every device token of a till.
    Revoke(stores::TillArgs),
    /// A till's device: rotate its token or revoke it.
    #[command(subcommand)]
    Till(stores::TillCommand),
    /// Catalogue.
    #[command(subcommand)]
    Catalog(catalog::CatalogCommand),
    /// Stock of a store.
    #[command(subcommand)]
    Stock(stock::StockCommand),
    /// Online orders for pickup.
    #[command(subcommand)]
    Order(orders::OrderCommand),
    /// Staff and their PINs (sent to every till on its next sync).
    #[command(subcommand)]
    Staff(staff::StaffCommand),
    /// A store's shifts with their Z reports (newest first).
    Shifts(shifts::Args),
    /// A till's audit trail as head office has it.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// What merging revealed in every store (over-pickups, over-returns, negative stock, ...).
    Exceptions,
    /// Close an exception with a note.
    Resolve(exceptions::ResolveArgs),
    /// What head office held or flagged in tills' syncs, and decisions on held changes.
    #[command(subcommand)]
    Findings(findings::FindingsCommand),
    /// Print the admin token (made on first use, kept in the data directory).
    AdminToken,
    /// Scoped API tokens: admin, orders (the web shop), read (reports).
    #[command(subcommand)]
    Token(api_tokens::TokenCommand),
    /// People who sign in to the head office console.
    #[command(subcommand)]
    User(users::UserCommand),
    /// Set up demo store AMS1 with a generated catalogue and stock of every product.
    Demo(demo::Args),
    /// Write a consistent copy of the database to a new file, while head office serves.
    Backup(backup::Args),
}

/// Runs the command, and writes it to the admin log when it changes something.
async fn run_logged(cli: Cli, args: Vec<String>) -> Result<(), HqError> {
    database::choose(cli.database.clone(), cli.database_connections);
    let data = cli.data.clone();
    let action = admin_log::action(&args);
    let outcome = run(cli).await;
    if let Some(action) = action {
        admin_log::record(&data, &action, &outcome).await;
    }
    outcome
}

async fn run(cli: Cli) -> Result<(), HqError> {
    let data = cli.data.as_path();
    match cli.command {
        Command::Serve(args) => serve::run(data, args).await,
        Command::Store(command) => stores::run(data, command).await,
        Command::EnrollCode(args) => stores::enroll_code(data, args).await,
        Command::Tls(command) => tls::run(data, command),
        Command::Revoke(till) => stores::revoke(data, till).await,
        Command::Till(command) => stores::till(data, command).await,
        Command::Catalog(command) => catalog::run(data, command).await,
        Command::Stock(command) => stock::run(data, command).await,
        Command::Order(command) => orders::run(data, command).await,
        Command::Staff(command) => staff::run(data, command).await,
        Command::Shifts(args) => shifts::run(data, args).await,
        Command::Audit(command) => audit::run(data, command).await,
        Command::Exceptions => exceptions::list(data).await,
        Command::Resolve(args) => exceptions::resolve(data, args).await,
        Command::Findings(command) => findings::run(data, command).await,
        Command::AdminToken => admin_token::print(data),
        Command::Token(command) => api_tokens::run(data, command).await,
        Command::User(command) => users::run(data, command).await,
        Command::Demo(args) => demo::run(data, args).await,
        Command::Backup(args) => backup::run(data, args).await,
    }
}

/// Bad input and refusals (4xx) are the caller's to fix: exit 2. Anything else (storage, I/O,
/// inconsistent data) is ours: exit 1.
fn exit_code(error: &HqError) -> ExitCode {
    ExitCode::from(if error.status() >= 500 { 1 } else { 2 })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let cli = match Cli::try_parse_from(&args) {
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
    // Head office's service is async (its storage may be a pooled database server): every
    // command runs on one runtime.
    let outcome = tokio::runtime::Runtime::new()
        .map_err(|e| HqError::Io(format!("cannot start the async runtime: {e}")))
        .and_then(|runtime| runtime.block_on(run_logged(cli, args)));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kassa-hq: {e}");
            exit_code(&e)
        }
    }
}
