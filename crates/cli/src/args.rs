//! The command line, as clap sees it.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "kassa",
    version,
    about = "Kassa: an offline-first till. Headless till and admin tool."
)]
pub struct Cli {
    /// The till database (default: the platform data directory, e.g. ~/.local/share/kassa/till.db).
    #[arg(long, global = true, env = "KASSA_DB")]
    pub db: Option<PathBuf>,
    /// Print machine-readable JSON (money as integer minor units).
    #[arg(long, global = true)]
    pub json: bool,
    #[command(flatten)]
    pub session: SessionArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Who is at the till for this command, and who approves. Needed once head office has sent
/// staff; PINs are best passed in the environment (`KASSA_PIN`, `KASSA_APPROVER_PIN`), not on the
/// command line where other users' `ps` can see them.
#[derive(Args, Debug, Default)]
pub struct SessionArgs {
    /// Sign in as this staff member (name or id) for this command.
    #[arg(long, global = true, env = "KASSA_STAFF")]
    pub staff: Option<String>,
    #[arg(long, global = true, env = "KASSA_PIN", hide_env_values = true)]
    pub pin: Option<String>,
    /// A supervisor or manager approving a void, a discount past the limit, a return the policy
    /// flags, or a resolution.
    #[arg(long, global = true, env = "KASSA_APPROVER")]
    pub approver: Option<String>,
    #[arg(
        long,
        global = true,
        env = "KASSA_APPROVER_PIN",
        hide_env_values = true
    )]
    pub approver_pin: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Set up this till: store code, till number, currency, tax mode.
    Init(InitArgs),
    /// Set up a demo store (if needed) and seed a generated catalogue.
    Demo(DemoArgs),
    /// Catalogue: import a CSV file, find products.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Ring up and pay a sale, then print the receipt.
    Sell(SellArgs),
    /// Look at completed sales.
    #[command(subcommand)]
    Sale(SaleCommand),
    /// Void a completed sale (a new record; the sale stays as it was).
    Void(VoidArgs),
    /// Reports.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Enroll this till with head office, trading a one-time code for a device token.
    Enroll {
        /// Head office address, e.g. http://127.0.0.1:8750
        #[arg(long)]
        hq: String,
        #[arg(long)]
        code: String,
    },
    /// Run one sync round with head office and print what moved.
    Sync,
    /// Online or offline, last successful sync, and what head office has not confirmed yet.
    Status,
    /// Rebuild the projections from the documents; with --verify, compare and report differences.
    Rebuild {
        #[arg(long)]
        verify: bool,
    },
    /// Stock of a SKU at this store as this till knows it: on hand, reserved, available.
    Stock { sku: String },
    /// Online orders for pickup at this store.
    #[command(subcommand)]
    Orders(OrdersCommand),
    /// Hand over an online order (all of it, or --line SKUxQTY ...), taking any balance due.
    Pickup {
        /// Order number, or the QR code's text.
        order: String,
        /// The pickup code the customer shows.
        #[arg(long)]
        code: String,
        #[arg(long = "line")]
        lines: Vec<String>,
        /// A tender for the balance: cash, cash:AMOUNT, card:AMOUNT[:REF], credit::CODE.
        #[arg(long = "pay")]
        tenders: Vec<String>,
    },
    /// Take goods back and refund them.
    Return(ReturnArgs),
    /// Take goods back and sell others in one transaction; the difference is paid or refunded.
    Exchange {
        #[command(flatten)]
        ret: ReturnArgs,
        /// The items the customer takes instead: ITEM[xQTY].
        #[arg(long = "take", required = true)]
        take: Vec<String>,
        /// Tenders for a difference to pay.
        #[arg(long = "pay")]
        tenders: Vec<String>,
    },
    /// Print a sale's receipt again (marked COPY) on a receipt printer, or write it as HTML.
    Print {
        receipt_no: String,
        /// device:/dev/usb/lp0, tcp:HOST:9100 or file:PATH (default: KASSA_PRINTER).
        #[arg(long)]
        to: Option<String>,
        /// Write a printable HTML receipt to this file instead.
        #[arg(long)]
        html: Option<PathBuf>,
    },
    /// Open the cash drawer through the receipt printer's kick connector.
    Drawer {
        #[arg(long)]
        to: Option<String>,
    },
    /// Shifts and the cash drawer: open, cash in/out, X report, close with a blind count.
    #[command(subcommand)]
    Shift(ShiftCommand),
    /// The till's hash-chained audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Staff this till knows (from head office), and whether it needs someone signed in.
    Staff,
    /// Check a staff member's PIN at this till (--staff and --pin) and print who they are.
    SignIn,
    /// Change your own PIN at this till (--staff and --pin, the new one in KASSA_NEW_PIN): a
    /// supervisor's or manager's PIN under 6 digits must be changed at its next use. Head office
    /// takes it at the next sync.
    ChangePin {
        #[arg(long, env = "KASSA_NEW_PIN", hide_env_values = true)]
        new_pin: String,
    },
    /// Balance of a store credit code.
    Credit { code: String },
    /// What merging revealed in this store: over-pickups, over-returns, negative stock, ...
    Exceptions,
    /// Close an exception with a manager's note (a record that syncs).
    Resolve {
        id: String,
        #[arg(long)]
        note: String,
        /// The manager resolving it.
        #[arg(long)]
        by: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ShiftCommand {
    /// Open a shift with the float counted into the drawer (e.g. 150.00).
    Open {
        #[arg(long)]
        float: String,
    },
    /// Cash put into the drawer.
    CashIn {
        amount: String,
        #[arg(long)]
        reason: String,
    },
    /// Cash taken out of the drawer (a manager approves on a till with staff).
    CashOut {
        amount: String,
        #[arg(long)]
        reason: String,
    },
    /// The open shift so far, with what the drawer should hold.
    X,
    /// Close with a blind count: --cash TOTAL or --coins VALUExCOUNT..., and --card TOTAL
    /// from the card terminal. Prints the Z report.
    Close {
        #[arg(long)]
        cash: Option<String>,
        #[arg(long = "coins")]
        coins: Vec<String>,
        #[arg(long)]
        card: Option<String>,
    },
    /// A shift's report: the Z of a closed shift (marked COPY), or the X of the open one.
    Show { shift_id: String },
    /// This till's shifts, newest first.
    List {
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// The newest entries: sales, voids, returns, pickups, approvals, sign-ins, refused PINs.
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Check the whole chain; exit 1 naming the first broken entry.
    Verify,
}

#[derive(Subcommand, Debug)]
pub enum OrdersCommand {
    /// Orders waiting for pickup, or those matching a number, QR code or customer name.
    List { query: Option<String> },
    /// One order with its lines and pickups.
    Show { order: String },
}

#[derive(Args, Debug)]
pub struct ReturnArgs {
    /// The receipt number (or, with --order, the online order number).
    pub number: Option<String>,
    /// NUMBER is an online order picked up earlier.
    #[arg(long)]
    pub order: bool,
    /// A return with no receipt (needs a manager's approval; refund as cash or credit).
    #[arg(long)]
    pub no_receipt: bool,
    /// A line to take back: SKUxQTY, or SKUxQTY:damaged (not restocked). None: everything left.
    #[arg(long = "line")]
    pub lines: Vec<String>,
    /// Where the money goes: original (the sale's tenders), cash or credit.
    #[arg(long, default_value = "original")]
    pub refund: String,
    /// On a till with no staff: the manager approving a return the policy says needs it. A till
    /// with staff takes --approver and --approver-pin instead.
    #[arg(long)]
    pub approved_by: Option<String>,
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum TaxModeArg {
    Inclusive,
    Exclusive,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Store code, upper-case letters and digits (e.g. AMS1).
    #[arg(long)]
    pub store: String,
    /// This till's number in the store (1-999).
    #[arg(long)]
    pub till: u16,
    /// ISO 4217 currency code (e.g. EUR).
    #[arg(long)]
    pub currency: String,
    /// Whether shelf prices include tax (inclusive) or tax is added at the till (exclusive).
    #[arg(long, value_enum)]
    pub tax_mode: TaxModeArg,
    /// Round cash payments to this step, e.g. 0.05 (default: no rounding).
    #[arg(long)]
    pub cash_rounding: Option<String>,
    /// A tax class as CODE=RATE%, repeatable (default: standard=21%, reduced=9%, zero=0%).
    #[arg(long = "tax-class")]
    pub tax_classes: Vec<String>,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// How many products to generate (up to 300000).
    #[arg(long, default_value_t = 5_000)]
    pub products: u64,
}

#[derive(Subcommand, Debug)]
pub enum CatalogCommand {
    /// Import products from a CSV file (columns in the README). A bad row imports nothing.
    Import {
        file: PathBuf,
        /// Import the good rows and report the bad ones instead of refusing the file.
        #[arg(long)]
        skip_bad_rows: bool,
    },
    /// Find products by barcode, SKU, or words of the name.
    Find {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
}

#[derive(Args, Debug)]
pub struct SellArgs {
    /// Items as SKU or barcode, optionally with a quantity: MILK, 4006381333931x2.
    #[arg(required = true)]
    pub items: Vec<String>,
    /// A tender: cash, cash:AMOUNT, card:AMOUNT[:REF] (AMOUNT like 12.50; left out = what is due).
    #[arg(long = "pay", required = true)]
    pub tenders: Vec<String>,
    /// A discount on the whole basket: 10% or an amount such as 2.50.
    #[arg(long)]
    pub discount: Option<String>,
    /// Also print the receipt (device:PATH, tcp:HOST:9100 or file:PATH). The sale is saved
    /// first: if the printer fails, `kassa print RECEIPT_NO` prints it again.
    #[arg(long)]
    pub print: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum SaleCommand {
    /// Show a sale by its receipt number.
    Show { receipt_no: String },
}

#[derive(Args, Debug)]
pub struct VoidArgs {
    pub receipt_no: String,
    #[arg(long)]
    pub reason: String,
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// Totals by tender and by tax rate for one business day.
    Day {
        /// The business day, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
    },
}
