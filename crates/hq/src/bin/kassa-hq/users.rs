//! `kassa-hq user add|list`: people who sign in to the head office console, with a role (admin,
//! store-manager for their stores, analyst to read). Passwords are made here and printed once;
//! none is ever taken on the command line, where it would stay in the shell's history.

use crate::output::print_json;
use kassa_hq::console_users::ConsoleRole;
use kassa_hq::HqError;
use std::path::Path;

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Add a console user; their password is printed once (only its hash is kept).
    Add {
        name: String,
        /// admin (everything), store-manager (their stores) or analyst (read only).
        #[arg(long)]
        role: String,
        /// A store a store manager runs (repeat for several).
        #[arg(long = "store")]
        stores: Vec<String>,
    },
    /// Every console user with their role and stores (never a password or its hash).
    List,
}

pub async fn run(data: &Path, command: UserCommand) -> Result<(), HqError> {
    let hq = crate::database::open(data).await?;
    match command {
        UserCommand::Add { name, role, stores } => {
            let role = ConsoleRole::parse(&role)?;
            let (user, password) = hq.add_console_user(&name, role, &stores, None).await?;
            println!(
                "console user {:?} ({}) added; password (shown once): {password}",
                user.name,
                user.role.as_str()
            );
        }
        UserCommand::List => print_json(&hq.console_users().await?),
    }
    Ok(())
}
