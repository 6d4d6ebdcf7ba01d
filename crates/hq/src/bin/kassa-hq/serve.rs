//! `kassa-hq serve`: the HTTP API on an address until the process ends.

use crate::admin_token::admin_token;
use kassa_hq::HqError;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value = "127.0.0.1:8750")]
    listen: String,
    /// PEM certificate chain (server certificate first; `tls init` makes one in DATA/tls).
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key of the server certificate.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Memory, in MiB, of the loaded documents this node keeps between requests (0 keeps none):
    /// each counted by an estimate of what it takes loaded, not by its stored size.
    #[arg(
        long,
        env = "KASSA_HQ_DOCUMENT_CACHE_MB",
        default_value_t = DEFAULT_CACHE_MB,
        value_parser = clap::value_parser!(u32).range(0..=262_144)
    )]
    document_cache_mb: u32,
}

const DEFAULT_CACHE_MB: u32 = (kassa_hq::DEFAULT_CACHE_BYTES / (1024 * 1024)) as u32;

pub async fn run(
    data: &Path,
    Args {
        listen,
        tls_cert,
        tls_key,
        document_cache_mb,
    }: Args,
) -> Result<(), HqError> {
    // Certificate problems are found before the port is taken, so a mistake exits at once.
    let tls = match (&tls_cert, &tls_key) {
        (Some(cert), Some(key)) => Some(kassa_hq::tls::server_config(cert, key)?),
        _ => None,
    };
    // Every waiting client holds a file descriptor: take what the system allows (a login
    // shell's soft limit is often 1,024, the hard one far more), and say so when it is little.
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) if limit < 4_096 => eprintln!(
            "kassa-hq: only {limit} open files allowed; raise the limit (LimitNOFILE=65536 for a \
             systemd service) so slow or hostile clients cannot use them all"
        ),
        Ok(_) => {}
        Err(e) => eprintln!("kassa-hq: cannot read the open files limit: {e}"),
    }
    let token = admin_token(data)?;
    let hq = Arc::new(crate::database::open(data).await?);
    hq.set_enrollment_pin(kassa_hq::tls::private_ca_pin(data)?);
    let cache_bytes =
        usize::try_from(u64::from(document_cache_mb) * 1024 * 1024).map_err(|_| {
            HqError::BadRequest("--document-cache-mb is more than this machine can address".into())
        })?;
    hq.set_document_cache_bytes(cache_bytes);
    // A malformed address is the caller's mistake (exit 2); a port in use is the machine's
    // (exit 1), and neither is corrupt data.
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
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!(
        "kassa-hq listening on {scheme}://{addr} ({})",
        hq.describe_storage()
    );
    // The console's first admin, made when head office has no console user: the password is
    // printed here once and kept nowhere but as a hash.
    // Written without println!, which panics when nobody reads stdout any more (a supervisor
    // that read only the address line): head office keeps serving either way.
    if let Some(password) = hq.first_console_admin().await? {
        let mut stdout = std::io::stdout();
        let printed = writeln!(
            stdout,
            "kassa-hq console user {:?} made; password (shown once): {password}",
            kassa_hq::console_users::FIRST_ADMIN
        )
        .and_then(|()| stdout.flush());
        if printed.is_err() {
            eprintln!(
                "kassa-hq: could not print the console's first admin password; add an admin \
                 with `kassa-hq user add NAME --role admin`"
            );
        }
    }
    if tls.is_none() && !addr.ip().is_loopback() {
        eprintln!(
            "kassa-hq: serving plain http on {addr}: tills refuse it except on this machine; \
             give --tls-cert and --tls-key"
        );
    }
    let served = match tls {
        Some(config) => kassa_hq::serve_tls(listener, hq, token, config).await,
        None => kassa_hq::serve(listener, hq, token).await,
    };
    served.map_err(|e| HqError::Io(format!("the server stopped: {e}")))
}
