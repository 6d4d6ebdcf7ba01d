//! `kassa-hq staff add|list|pin|stores|deactivate|activate`: the people who may sign in at the
//! tills of their stores.

use crate::output::print_json;
use kassa_hq::HqError;
use std::path::Path;

#[derive(clap::Subcommand)]
pub enum StaffCommand {
    /// Add a staff member. The PIN (4 to 8 digits) is hashed at once and never stored.
    Add {
        #[arg(long)]
        name: String,
        /// cashier, supervisor or manager
        #[arg(long)]
        role: String,
        #[arg(long, env = "KASSA_STAFF_PIN", hide_env_values = true)]
        pin: String,
        /// A store they work in (repeat for several); only its tills receive them.
        #[arg(long = "store", required = true)]
        stores: Vec<String>,
    },
    /// Everyone, with their role and whether they are active (never their PIN).
    List,
    /// Give someone (name or id) a new PIN.
    Pin {
        who: String,
        #[arg(long, env = "KASSA_STAFF_PIN", hide_env_values = true)]
        pin: String,
    },
    /// The stores someone works in from now on (repeat --store); a store they leave drops them.
    Stores {
        who: String,
        #[arg(long = "store", required = true)]
        stores: Vec<String>,
    },
    /// A leaver can no longer sign in at any till once it has synced.
    Deactivate {
        who: String,
    },
    Activate {
        who: String,
    },
}

pub async fn run(data: &Path, command: StaffCommand) -> Result<(), HqError> {
    let hq = crate::database::open(data).await?;
    match command {
        StaffCommand::Add {
            name,
            role,
            pin,
            stores,
        } => {
            let role =
                kassa_domain::Role::parse(&role).map_err(|e| HqError::BadRequest(e.to_string()))?;
            print_json(
                &hq.add_staff(&kassa_protocol::NewStaff {
                    name,
                    role,
                    pin,
                    stores,
                })
                .await?,
            );
        }
        StaffCommand::List => print_json(&hq.staff().await?),
        StaffCommand::Pin { who, pin } => print_json(&hq.set_staff_pin(&who, &pin).await?),
        StaffCommand::Stores { who, stores } => {
            print_json(&hq.set_staff_stores(&who, &stores).await?)
        }
        StaffCommand::Deactivate { who } => print_json(&hq.set_staff_active(&who, false).await?),
        StaffCommand::Activate { who } => print_json(&hq.set_staff_active(&who, true).await?),
    }
    Ok(())
}
