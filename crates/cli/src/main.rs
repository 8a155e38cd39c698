//! The `deconflict` command line: parties and tokens against a data
//! directory, and (with the service) `serve` and `demo`.

mod admin;

use clap::{Parser, Subcommand};
use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

/// deconflict: a coordination and deconfliction service for parties that
/// share a conflict zone but not trust.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Manage the parties taking part (one of them may be the coordinator).
    Party {
        #[command(subcommand)]
        command: admin::PartyCommand,
    },
    /// Issue, list and revoke bearer tokens; a token acts for one party in one role.
    Token {
        #[command(subcommand)]
        command: admin::TokenCommand,
    },
}

/// Where the service keeps its database.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct DataDir {
    /// The data directory (created if missing); holds `deconflict.db`.
    #[arg(long = "data", env = "DECONFLICT_DATA", default_value = "deconflict-data")]
    pub(crate) path: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Party { command } => admin::party(command),
        Command::Token { command } => admin::token(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("deconflict: {err}");
            let mut source = err.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}
