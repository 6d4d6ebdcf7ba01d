//! `kassa-loadtest`: simulated tills against a head office (see `kassa_tests::loadtest`).
//!
//! Starts its own head office (`kassa-hq` beside this program) unless `--url` names one:
//!
//! ```text
//! cargo build --release -p kassa-hq -p kassa-tests --bins
//! target/release/kassa-loadtest --stores 5 --tills-per-store 20 --duration 120
//! target/release/kassa-loadtest --database postgres://kassa@127.0.0.1:55432/kassa --tls ...
//! ```

use clap::Parser;
use kassa_tests::loadtest::{self, head_office, Config, Spawn, Target};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(about = "Simulated tills syncing with a head office; checks every sale arrives once")]
struct Args {
    #[arg(long, default_value_t = 5)]
    stores: u32,
    #[arg(long, default_value_t = 20)]
    tills_per_store: u16,
    #[arg(long, default_value_t = 1_000)]
    products: u64,
    /// Days of past sales each till rings and syncs before the measured phases.
    #[arg(long, default_value_t = 0)]
    history_days: u32,
    #[arg(long, default_value_t = 200)]
    history_sales_per_day: u32,
    /// Sales each till rings offline before each catch-up wave (0: no catch-up).
    #[arg(long, default_value_t = 0)]
    backlog: u32,
    #[arg(long, default_value_t = 1)]
    catch_up_waves: u32,
    /// Seconds between a till's sales in the steady phase.
    #[arg(long, default_value = "30", value_parser = seconds)]
    sale_every: Duration,
    /// Seconds between a till's sync rounds in the steady phase.
    #[arg(long, default_value = "60", value_parser = seconds)]
    sync_every: Duration,
    /// Seconds of steady state (0: none).
    #[arg(long, default_value = "60", value_parser = seconds)]
    duration: Duration,
    /// Tills working at once.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// The generator's threads (as many as cores unless set): a till's round does its database
    /// and document work on the thread that runs it.
    #[arg(long)]
    threads: Option<usize>,
    /// Where the tills' databases go (a fresh temporary directory by default).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// A running head office (else one is started).
    #[arg(long, requires = "admin_token")]
    url: Option<String>,
    #[arg(long, env = "KASSA_HQ_ADMIN_TOKEN")]
    admin_token: Option<String>,
    /// The authority fingerprint of a running head office on TLS.
    #[arg(long)]
    pin: Option<String>,
    /// The process of a running head office, to measure its CPU and memory.
    #[arg(long)]
    hq_pid: Option<u32>,
    /// A running head office's database processes by command name (`postgres`), to measure
    /// their CPU (a started head office on PostgreSQL measures them itself).
    #[arg(long)]
    database_process: Option<String>,
    /// The started head office: PostgreSQL instead of SQLite.
    #[arg(long)]
    database: Option<String>,
    #[arg(long)]
    database_connections: Option<u32>,
    /// The started head office serves TLS (a private authority the tills pin).
    #[arg(long)]
    tls: bool,
    /// The `kassa-hq` program to start (default: beside this one).
    #[arg(long)]
    hq_bin: Option<PathBuf>,
}

/// Seconds with up to three decimals ("30", "0.5"), read without floating point.
fn seconds(text: &str) -> Result<Duration, String> {
    let bad = || format!("{text:?} is not a number of seconds (e.g. 30 or 0.5)");
    let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if whole.is_empty() && fraction.is_empty() || fraction.len() > 3 {
        return Err(bad());
    }
    let digits = |s: &str| s.is_empty() || s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return Err(bad());
    }
    let secs: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let millis: u64 = format!("{fraction:0<3}").parse().map_err(|_| bad())?;
    Ok(Duration::from_secs(secs) + Duration::from_millis(millis))
}

async fn run(args: Args) -> Result<bool, String> {
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| scratch.path().to_path_buf());
    let config = Config {
        stores: args.stores,
        tills_per_store: args.tills_per_store,
        products: args.products,
        history_days: args.history_days,
        history_sales_per_day: args.history_sales_per_day,
        backlog: args.backlog,
        catch_up_waves: args.catch_up_waves,
        sale_every: args.sale_every,
        sync_every: args.sync_every,
        duration: args.duration,
        concurrency: args.concurrency,
        dir: dir.join("tills"),
        store_prefix: "LT".into(),
    };
    config.validate()?;
    let _spawned;
    let target = match args.url {
        Some(url) => Target {
            url,
            admin_token: args.admin_token.unwrap_or_default(),
            pin: args.pin,
            pid: args.hq_pid,
            database_process: args.database_process,
        },
        None => {
            let spawned = head_office::spawn(&Spawn {
                binary: args
                    .hq_bin
                    .unwrap_or_else(head_office::binary_beside_this_program),
                data: dir.join("hq"),
                database: args.database,
                database_connections: args.database_connections,
                tls: args.tls,
            })?;
            let target = spawned.target.clone();
            _spawned = spawned;
            target
        }
    };
    eprintln!(
        "kassa-loadtest: {} tills against {}",
        config.tills(),
        target.url
    );
    let report = loadtest::run(&config, &target).await?;
    println!("{report}");
    Ok(report.check.exactly_once() && report.errors() == 0)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads.unwrap_or_else(cores).max(1))
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kassa-loadtest: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(3),
        Err(e) => {
            eprintln!("kassa-loadtest: {e}");
            ExitCode::FAILURE
        }
    }
}
