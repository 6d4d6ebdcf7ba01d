//! `kassa-hq store add|list|rotate-key`, `enroll-code`, `revoke` and `till rotate|revoke`: stores and the
//! tills that may sync with them.

use crate::output::print_json;
use kassa_hq::admin::{parse_tax_class, DEFAULT_TAX_CLASSES};
use kassa_hq::HqError;
use kassa_protocol::{EnrollmentCode, StoreInfo};
use std::path::Path;

/// The tax classes of a store added without `--tax-class` (the Dutch rates).

#[derive(clap::Subcommand)]
pub enum StoreCommand {
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
    /// A new receipt key for the store: its tills are certified under it at their next sync.
    /// Receipts printed under the old key stay checkable, unless --distrust-old.
    RotateKey {
        code: String,
        /// Also stop trusting every earlier key of the store (a key thought stolen): receipts
        /// printed under them no longer check at any till once it has synced.
        #[arg(long)]
        distrust_old: bool,
    },
}

/// A till of a store: `STORE TILL`.
#[derive(clap::Args)]
pub struct TillArgs {
    store: String,
    till: u16,
}

pub async fn run(data: &Path, command: StoreCommand) -> Result<(), HqError> {
    match command {
        StoreCommand::Add {
            code,
            currency,
            tax_mode,
            name,
            cash_increment,
            tax_classes,
        } => {
            let specs = if tax_classes.is_empty() {
                DEFAULT_TAX_CLASSES.map(String::from).to_vec()
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
            print_json(
                &crate::database::open(data)
                    .await?
                    .create_store(&info)
                    .await?,
            );
        }
        StoreCommand::List => print_json(&crate::database::open(data).await?.stores().await?),
        StoreCommand::RotateKey { code, distrust_old } => {
            let hq = crate::database::open(data).await?;
            hq.rotate_store_key(&code, distrust_old).await?;
            let keys: Vec<_> = hq
                .trusted_store_keys()
                .await?
                .into_iter()
                .filter(|k| k.store == code)
                .collect();
            print_json(&keys);
        }
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct EnrollCodeArgs {
    #[command(flatten)]
    till: TillArgs,
    /// Also show the code as a QR code (on stderr) for the till's scanner.
    #[arg(long)]
    qr: bool,
}

/// Prints the code, with head office's authority fingerprint when it has a private one (`tls
/// init`), so the till trusts exactly this head office from its first request.
pub async fn enroll_code(data: &Path, args: EnrollCodeArgs) -> Result<(), HqError> {
    let TillArgs { store, till } = args.till;
    let pin = kassa_hq::tls::private_ca_pin(data)?;
    let made = crate::database::open(data)
        .await?
        .create_enroll_code(&store, till)
        .await?;
    let code = EnrollmentCode {
        secret: made.code,
        pin,
    }
    .to_string();
    println!("{code}");
    if args.qr {
        eprintln!("{}", terminal_qr(&code)?);
    }
    Ok(())
}

/// The code as a QR code drawn with half-block characters, light on dark so it scans from a
/// terminal with a dark background as well.
fn terminal_qr(text: &str) -> Result<String, HqError> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::new(text.as_bytes())
        .map_err(|e| HqError::BadRequest(format!("the code does not fit a QR code: {e}")))?;
    Ok(code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

#[derive(clap::Subcommand)]
pub enum TillCommand {
    /// A new device token for the till, printed once; the old token stops working at once.
    Rotate(TillArgs),
    /// Revoke every device token of the till (as `kassa-hq revoke`).
    Revoke(TillArgs),
}

pub async fn till(data: &Path, command: TillCommand) -> Result<(), HqError> {
    match command {
        TillCommand::Rotate(TillArgs { store, till }) => {
            let token = crate::database::open(data)
                .await?
                .rotate_till_token(&store, till)
                .await?;
            println!("new device token for till {till} of {store} (shown once): {token}");
            Ok(())
        }
        TillCommand::Revoke(args) => revoke(data, args).await,
    }
}

pub async fn revoke(data: &Path, TillArgs { store, till }: TillArgs) -> Result<(), HqError> {
    println!(
        "revoked {} device(s)",
        crate::database::open(data)
            .await?
            .revoke_till(&store, till)
            .await?
    );
    Ok(())
}
