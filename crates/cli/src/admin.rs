//! `deconflict party …` and `deconflict token …`: the directory of parties
//! and credentials, managed offline against the data directory. A running
//! server reads the same tables on every request, so changes apply at once.

use crate::{DataDir, Output};
use clap::Subcommand;
use deconflict_store::{Directory, Role};
use serde_json::json;
use std::error::Error;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub(crate) enum PartyCommand {
    /// Add a party, e.g. `deconflict party add joc --coordinator`.
    Add {
        /// Lowercase name: a letter, then letters, digits, `_` or `-` (at most 32).
        name: String,
        /// This party is the coordinating authority (at most one).
        #[arg(long)]
        coordinator: bool,
        #[command(flatten)]
        data: DataDir,
    },
    /// List the parties.
    List {
        #[command(flatten)]
        data: DataDir,
        /// `text` (tab-separated) or `json` (an array of objects).
        #[arg(long, value_enum, default_value_t)]
        output: Output,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Issue a token and print only the token on standard output (it is shown
    /// once and stored only as a SHA-256 digest).
    Create {
        /// The party the token acts for.
        #[arg(long)]
        party: String,
        /// viewer (reads), operator (declares and submits), approver
        /// (coordinator only: clears, holds, overrides) or auditor (reads the record).
        #[arg(long)]
        role: Role,
        #[command(flatten)]
        data: DataDir,
        /// `text` (the token alone) or `json` (an object with the token and
        /// its credential's `id`, `party` and `role`).
        #[arg(long, value_enum, default_value_t)]
        output: Output,
    },
    /// Revoke a credential by its id (see `token list`); applies at once, also
    /// to a running server.
    Revoke {
        /// The credential id, `cred_` and 8 hex digits.
        id: String,
        #[command(flatten)]
        data: DataDir,
    },
    /// List credentials (never their tokens).
    List {
        #[command(flatten)]
        data: DataDir,
        /// `text` (tab-separated) or `json` (an array of objects).
        #[arg(long, value_enum, default_value_t)]
        output: Output,
    },
}

pub(crate) fn party(command: PartyCommand) -> Result<(), Box<dyn Error>> {
    match command {
        PartyCommand::Add {
            name,
            coordinator,
            data,
        } => {
            let party = Directory::open_at(&data.location()?)?.add_party(&name, coordinator)?;
            let role = if party.coordinator {
                " (coordinator)"
            } else {
                ""
            };
            eprintln!("added party {}{role}", party.name);
        }
        PartyCommand::List { data, output } => {
            let parties = Directory::open_at(&data.existing()?)?.parties()?;
            let rows = parties.iter().map(|party| {
                let role = if party.coordinator {
                    "coordinator"
                } else {
                    "party"
                };
                (
                    format!("{}\t{role}", party.name),
                    json!({
                        "name": party.name,
                        "coordinator": party.coordinator,
                        "created_ms": party.created_ms,
                    }),
                )
            });
            write_rows(output, rows);
        }
    }
    Ok(())
}

pub(crate) fn token(command: TokenCommand) -> Result<(), Box<dyn Error>> {
    match command {
        TokenCommand::Create {
            party,
            role,
            data,
            output,
        } => {
            let issued = Directory::open_at(&data.existing()?)?.issue_token(&party, role)?;
            match output {
                Output::Text => println!("{}", issued.token),
                Output::Json => println!(
                    "{}",
                    json!({
                        "token": issued.token,
                        "id": issued.credential.id,
                        "party": issued.credential.party,
                        "role": issued.credential.role.to_string(),
                    })
                ),
            }
            eprintln!(
                "issued {} for {} as {}",
                issued.credential.id, issued.credential.party, issued.credential.role
            );
        }
        TokenCommand::Revoke { id, data } => {
            let revoked = Directory::open_at(&data.existing()?)?.revoke(&id)?;
            eprintln!(
                "revoked {} ({} {})",
                revoked.id, revoked.party, revoked.role
            );
        }
        TokenCommand::List { data, output } => {
            let credentials = Directory::open_at(&data.existing()?)?.credentials()?;
            let rows = credentials.iter().map(|c| {
                let state = if c.revoked_ms.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                (
                    format!("{}\t{}\t{}\t{state}", c.id, c.party, c.role),
                    json!({
                        "id": c.id,
                        "party": c.party,
                        "role": c.role.to_string(),
                        "state": state,
                        "created_ms": c.created_ms,
                        "revoked_ms": c.revoked_ms,
                    }),
                )
            });
            write_rows(output, rows);
        }
    }
    Ok(())
}

/// Writes each row as its text line, or all of them as one JSON array.
fn write_rows(output: Output, rows: impl Iterator<Item = (String, serde_json::Value)>) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (e.g. `| head`) is not an error worth reporting.
    match output {
        Output::Text => {
            for (line, _) in rows {
                if writeln!(out, "{line}").is_err() {
                    break;
                }
            }
        }
        Output::Json => {
            let rows: Vec<serde_json::Value> = rows.map(|(_, row)| row).collect();
            let _ = writeln!(out, "{}", serde_json::Value::Array(rows));
        }
    }
}
