//! `kassa-hq tls init`: a private certificate authority and server certificate for a head office
//! without a public certificate. Enrollment codes then carry the authority's fingerprint.

use kassa_hq::tls::{init_private_ca, tls_dir};
use kassa_hq::HqError;
use std::path::Path;

#[derive(clap::Subcommand)]
pub enum TlsCommand {
    /// Make the authority and a server certificate in DATA/tls (once: tills trust it).
    Init {
        /// Host names and IP addresses tills reach head office by (repeat for several).
        #[arg(long = "name", default_values_t = ["localhost".to_string(), "127.0.0.1".to_string()])]
        names: Vec<String>,
    },
}

pub fn run(data: &Path, command: TlsCommand) -> Result<(), HqError> {
    match command {
        TlsCommand::Init { names } => {
            let (files, pin) = init_private_ca(&tls_dir(data), &names)?;
            println!("head office authority fingerprint: {pin}");
            println!(
                "serve with: kassa-hq serve --tls-cert {} --tls-key {}",
                files.cert.display(),
                files.key.display()
            );
            println!(
                "keep {} offline once the server certificate is made; enrollment codes now carry the fingerprint",
                files.ca_key.display()
            );
            Ok(())
        }
    }
}
