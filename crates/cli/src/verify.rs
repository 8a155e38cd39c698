//! `deconflict verify`: checks an evidence bundle offline, against keys
//! the user already trusts, and says in plain words what it proves.
//!
//! Exit status 0: every part of the bundle holds, and its story is printed.
//! 1: the bundle is rejected, and the first reason is printed. 2: it could
//! not be checked at all (a file that cannot be read, a key that does not
//! parse), which says nothing about the bundle.

use clap::Args;
use deconflict_ledger::VerifierKey;
use deconflict_record::{Bundle, BundleError, Verified};
use std::path::PathBuf;
use std::process::ExitCode;

/// The exit status of a bundle that does not hold.
const REJECTED_EXIT: u8 = 1;
/// The exit status of a check that could not be made.
const UNCHECKED_EXIT: u8 = 2;

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The evidence bundle, a JSON file.
    bundle: PathBuf,
    /// A key to trust: the log's verifier key (named as the log's origin)
    /// or a witness's. `@FILE` reads one key a line. Repeat for more keys.
    #[arg(long = "key", value_name = "VKEY", required = true)]
    keys: Vec<String>,
}

pub(crate) fn main(args: VerifyArgs) -> ExitCode {
    let path = &args.bundle;
    let inputs = std::fs::read(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
        .and_then(|bytes| Ok((bytes, read_keys(&args.keys)?)));
    let (bytes, keys) = match inputs {
        Ok(inputs) => inputs,
        Err(message) => {
            eprintln!("deconflict verify: {message}");
            return ExitCode::from(UNCHECKED_EXIT);
        }
    };
    match check(&bytes, &keys) {
        Ok(verified) => {
            println!("VERIFIED: {}", verified.summary());
            if let Some(about) = verified.about() {
                println!("{about}");
            }
            for line in verified.story() {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(reason) => {
            eprintln!("deconflict verify: REJECTED: {reason}");
            ExitCode::from(REJECTED_EXIT)
        }
    }
}

/// A file that is not a bundle is a rejected bundle, not a failed check.
fn check(bytes: &[u8], keys: &[VerifierKey]) -> Result<Verified, BundleError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| BundleError::Malformed("the file is not UTF-8 text".into()))?;
    Bundle::parse(text)?.verify(keys)
}

/// Every key given, a file of them read line by line (blank lines skipped).
fn read_keys(args: &[String]) -> Result<Vec<VerifierKey>, String> {
    let mut keys = Vec::new();
    for arg in args {
        match arg.strip_prefix('@') {
            Some(file) => {
                let text = std::fs::read_to_string(file)
                    .map_err(|e| format!("cannot read the keys in {file}: {e}"))?;
                for (n, line) in text.lines().enumerate() {
                    let line = line.trim();
                    if !line.is_empty() {
                        keys.push(parse_key(line, &format!("{file} line {}", n + 1))?);
                    }
                }
            }
            None => keys.push(parse_key(arg, "--key")?),
        }
    }
    Ok(keys)
}

fn parse_key(text: &str, place: &str) -> Result<VerifierKey, String> {
    VerifierKey::parse(text).map_err(|e| format!("{place}: {text:?} is not a verifier key: {e}"))
}
