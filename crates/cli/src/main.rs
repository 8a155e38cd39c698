//! The `deconflict` command line: parties and tokens against a data
//! directory, `serve` and `demo`, `witness`, `verify`, and shell
//! `completions`.

mod admin;
mod config;
mod import;
mod serve;
mod verify;
mod witness;

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
    /// Serve the HTTP API on a data directory until SIGINT or SIGTERM.
    ///
    /// Every accepted command is in the log on disk before it is answered;
    /// at start-up the log is replayed into memory. Parties and tokens are
    /// managed with `party` and `token`, also while the service runs.
    Serve {
        #[command(flatten)]
        config: config::ServeConfig,
    },
    /// Run the service on a fresh store loaded with the Iraq demo scenario.
    ///
    /// Adds the parties joc (coordinator), coalition, isf, pmf, peshmerga and
    /// ocha, issues one token per party and role (approver only for joc),
    /// runs the scenario's declarations, activities, acknowledgements and
    /// clearances through the same path as the API, then serves and prints
    /// the URL and the tokens.
    Demo {
        #[command(flatten)]
        config: config::ServeConfig,
    },
    /// Keep a log honest: check that each of its checkpoints extends the
    /// last one accepted, and cosign it.
    ///
    /// Each round fetches the log's latest checkpoint, verifies the log's
    /// signature with the pinned log key and a consistency proof from the
    /// checkpoint accepted before, cosigns it and hands the cosignature to
    /// the log; only then is it remembered in the state file. A log that
    /// contradicts itself (a fork or a rollback) stops the witness with exit
    /// status 2 and its checkpoint saved as `STATE.fork`. Make a key first
    /// with `deconflict witness keygen`.
    Witness(witness::WitnessArgs),
    /// Import a party's list of sites (GeoJSON or CSV) into a running
    /// service, in batches, with a progress bar and a summary.
    ///
    /// Each batch is one command of `POST /v1/declarations/import`, keyed by
    /// the file's name and the batch's bytes: running the same import again
    /// skips what was imported and creates nothing twice. A refused batch
    /// stops it, naming each refused site by its index in the file.
    Import(import::ImportArgs),
    /// Check an evidence bundle offline and tell what it proves.
    ///
    /// The checkpoint must be signed by a log key given (named as the
    /// checkpoint's origin); witness keys given are reported as cosigned or
    /// absent; every entry must be in the checkpoint's tree and every
    /// revealed field must open its commitment. Prints one line per entry;
    /// exit status 1 with the reason if any part fails, 2 if a file or key
    /// cannot be read.
    Verify(verify::VerifyArgs),
    /// Print a shell's completion script for these commands, e.g.
    /// `deconflict completions bash > /etc/bash_completion.d/deconflict`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

/// Where the service keeps its database, found as `serve` finds it: each of
/// the flags (or its environment variable) over the same key of the config
/// file, over the default.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct DataDir {
    /// The data directory, which holds `deconflict.db` (`party add` creates
    /// it; the other commands refuse one that holds no store).
    /// [default: the config file's `data`; without a config file,
    /// deconflict-data]
    #[arg(long = "data", env = "DECONFLICT_DATA", value_name = "DIR")]
    pub(crate) path: Option<PathBuf>,
    /// A PostgreSQL database to keep the log and tables in instead of the
    /// data directory's SQLite file, as `postgresql://USER@HOST:PORT/DB`.
    /// [default: the config file's `store`]
    #[arg(long = "store", env = "DECONFLICT_STORE", value_name = "URL")]
    pub(crate) store: Option<String>,
    /// The TOML file `serve` reads: its `data` and `store` say where the
    /// store is, each unless `--data` or `--store` does.
    #[arg(long, env = "DECONFLICT_CONFIG", value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
}

impl DataDir {
    /// Where the tables are: a PostgreSQL database if one is named, else a
    /// data directory. A config file that names neither is refused rather
    /// than passed over for the default: that is relative to the directory
    /// the command runs in, seldom the one the service was started in.
    pub(crate) fn location(&self) -> Result<deconflict_store::Location, Box<dyn Error>> {
        let settings = config::ServeConfig {
            config: self.config.clone(),
            data: self.path.clone(),
            store: self.store.clone(),
            ..config::ServeConfig::default()
        };
        match (settings.location()?, &self.config) {
            (Some(location), _) => Ok(location),
            (None, Some(file)) => Err(format!(
                "config file `{}` names no store: add `data = \"DIR\"` or `store = \"URL\"` to it, \
                 or give --data DIR or --store URL",
                file.display()
            )
            .into()),
            (None, None) => Ok(deconflict_store::Location::Sqlite(PathBuf::from(
                config::DEFAULT_DATA,
            ))),
        }
    }

    /// [`DataDir::location`], refusing a data directory that holds no store:
    /// a mistyped `--data` must not make a new, empty one and answer from it.
    pub(crate) fn existing(&self) -> Result<deconflict_store::Location, Box<dyn Error>> {
        let location = self.location()?;
        if let deconflict_store::Location::Sqlite(path) = &location
            && !deconflict_store::db_path(path).exists()
        {
            return Err(format!(
                "{}: no store here (no {}); check --data or the config file, or make one with `deconflict party add`",
                path.display(),
                deconflict_store::DB_FILE
            )
            .into());
        }
        Ok(location)
    }
}

/// How a list command writes its rows, and `token create` what it issued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Output {
    /// Tab-separated columns, one row a line.
    #[default]
    Text,
    /// One JSON array of objects, for scripts.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: Result<(), Box<dyn Error>> = match cli.command {
        Command::Party { command } => admin::party(command),
        Command::Token { command } => admin::token(command),
        Command::Completions { shell } => {
            use clap::CommandFactory as _;
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "deconflict",
                &mut std::io::stdout(),
            );
            Ok(())
        }
        Command::Serve { config } => serve::serve(config),
        Command::Demo { config } => serve::demo(config),
        Command::Import(args) => import::run(args),
        Command::Witness(args) => return witness::main(args),
        Command::Verify(args) => return verify::main(args),
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
