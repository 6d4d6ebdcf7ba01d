//! `kassa`: a headless till and admin tool over the same `Till` service the desktop app uses.
//!
//! Exit codes: 0 success, 2 bad input (one line on stderr, nothing changed), 3 head office
//! unreachable (try again when online), 1 internal error.

mod args;
mod commands;
mod failure;
mod item_spec;
mod output;
mod receipt_text;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let is_help = matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            );
            let _ = e.print();
            return if is_help {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("kassa: {}", failure.message());
            ExitCode::from(failure.exit_code())
        }
    }
}
