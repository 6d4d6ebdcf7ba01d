//! One module per command; each opens the till, calls the `Till` service, and prints.

mod audit;
mod catalog;
mod credit;
mod demo;
mod exceptions;
mod init;
mod orders;
mod print;
mod replication;
mod report;
mod returns;
mod sale;
mod sell;
mod shift;
mod staff;
mod void;

use crate::args::{Cli, Command, SessionArgs};
use crate::failure::Failure;
use kassa_store::{Credentials, Till};
use std::path::PathBuf;
use std::sync::OnceLock;

/// This invocation's `--staff`/`--pin` and `--approver`/`--approver-pin`.
static SESSION: OnceLock<SessionArgs> = OnceLock::new();

fn pair(
    who: &Option<String>,
    pin: &Option<String>,
    what: &str,
) -> Result<Option<Credentials>, Failure> {
    match (who, pin) {
        (Some(staff), Some(pin)) => Ok(Some(Credentials {
            staff: staff.clone(),
            pin: pin.clone(),
        })),
        (None, None) => Ok(None),
        _ => Err(Failure::bad(format!("{what} needs both a name and a pin"))),
    }
}

fn session() -> &'static SessionArgs {
    SESSION.get_or_init(SessionArgs::default)
}

/// The approver given on the command line, if any.
pub fn approval() -> Result<Option<Credentials>, Failure> {
    let s = session();
    pair(&s.approver, &s.approver_pin, "--approver")
}

pub fn run(cli: Cli) -> Result<(), Failure> {
    let path = database_path(cli.db)?;
    let json = cli.json;
    pair(&cli.session.staff, &cli.session.pin, "--staff")?;
    pair(
        &cli.session.approver,
        &cli.session.approver_pin,
        "--approver",
    )?;
    let _ = SESSION.set(cli.session);
    if path.exists() {
        if let Ok(config) = kassa_store::Till::open(&path).and_then(|t| t.config()) {
            let _ = crate::failure::CURRENCY.set(config.currency);
        }
    }
    match cli.command {
        Command::Init(args) => init::run(&path, args, json),
        Command::Demo(args) => demo::run(&path, args, json),
        Command::Catalog(command) => catalog::run(&path, command, json),
        Command::Sell(args) => sell::run(&path, args, json),
        Command::Sale(command) => sale::run(&path, command, json),
        Command::Void(args) => void::run(&path, args, json),
        Command::Report(command) => report::run(&path, command, json),
        Command::Enroll { hq, code } => replication::enroll(&path, &hq, &code, json),
        Command::Sync => replication::sync(&path, json),
        Command::Status => replication::status(&path, json),
        Command::Rebuild { verify } => replication::rebuild(&path, verify, json),
        Command::Stock { sku } => replication::stock(&path, &sku, json),
        Command::Orders(command) => orders::run(&path, command, json),
        Command::Pickup {
            order,
            code,
            lines,
            tenders,
        } => orders::pickup(&path, &order, &code, &lines, &tenders, json),
        Command::Return(args) => returns::run(&path, args, json),
        Command::Exchange { ret, take, tenders } => {
            returns::exchange(&path, ret, &take, &tenders, json)
        }
        Command::Audit(command) => audit::run(&path, command, json),
        Command::Shift(command) => shift::run(&path, command, json),
        Command::Print {
            receipt_no,
            to,
            html,
        } => print::reprint(&path, &receipt_no, to.as_deref(), html.as_deref()),
        Command::Drawer { to } => print::drawer(&path, to.as_deref()),
        Command::Staff => staff::list(&path, json),
        Command::SignIn => staff::sign_in(&path, json),
        Command::ChangePin { new_pin } => staff::change_pin(&path, &new_pin, json),
        Command::Credit { code } => credit::balance(&path, &code, json),
        Command::Exceptions => exceptions::list(&path, json),
        Command::Resolve { id, note, by } => {
            exceptions::resolve(&path, &id, &note, by.as_deref(), json)
        }
    }
}

/// `--db`, else `KASSA_DB` (clap reads both), else the platform data directory.
fn database_path(explicit: Option<PathBuf>) -> Result<PathBuf, Failure> {
    if let Some(path) = explicit {
        if path.as_os_str().is_empty() {
            return Err(Failure::bad("--db must not be empty"));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() {
                return Err(Failure::bad(format!(
                    "folder {} does not exist",
                    parent.display()
                )));
            }
        }
        return Ok(path);
    }
    let dir = dirs::data_dir()
        .ok_or_else(|| {
            Failure::bad("no data directory on this system: pass --db PATH or set KASSA_DB")
        })?
        .join("kassa");
    std::fs::create_dir_all(&dir)?;
    Ok(dir.join("till.db"))
}

pub fn open(path: &std::path::Path) -> Result<Till, Failure> {
    Ok(Till::open(path)?)
}

/// Signs in whoever `--staff`/`--pin` name, for a command that writes (reading commands do not
/// sign in, so they leave no sign-in in the audit log).
pub fn sign_in(till: &mut Till) -> Result<(), Failure> {
    let s = session();
    if let Some(who) = pair(&s.staff, &s.pin, "--staff")? {
        till.sign_in(&who.staff, &who.pin)?;
    }
    Ok(())
}

/// Opens a till that must already be set up, with its money formatter.
pub fn open_initialised(path: &std::path::Path) -> Result<(Till, crate::output::Amounts), Failure> {
    let till = open(path)?;
    let config = till.config()?;
    Ok((
        till,
        crate::output::Amounts {
            minor_digits: config.currency.minor_digits,
        },
    ))
}
