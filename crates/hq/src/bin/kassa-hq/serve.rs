//! `kassa-hq serve`: the HTTP API on an address until the process ends.

use crate::admin_token::admin_token;
use kassa_hq::{Hq, HqError};
use std::path::Path;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value = "127.0.0.1:8750")]
    listen: String,
}

pub async fn run(data: &Path, Args { listen }: Args) -> Result<(), HqError> {
    let token = admin_token(data)?;
    let hq = Arc::new(Hq::open(data)?);
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
    println!(
        "kassa-hq listening on http://{addr} (data in {})",
        data.display()
    );
    kassa_hq::serve(listener, hq, token)
        .await
        .map_err(|e| HqError::Io(format!("the server stopped: {e}")))
}
