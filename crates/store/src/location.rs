use std::fmt;
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;

use postgres::NoTls;
use postgres::config::Host;
use rusqlite::Connection;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::pg::tls::Check;

use crate::error::StoreError;
use crate::{pg, schema};

/// Where the store keeps its data: an SQLite data directory (one node) or a PostgreSQL
/// database (one or several nodes).
///
/// `Display` and `Debug` never show a password: a PostgreSQL location prints as a URL rebuilt
/// from its user, hosts, ports and database name only.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// The data directory holding [`crate::DB_FILE`].
    Sqlite(PathBuf),
    /// A `postgresql://` URL, as libpq and the `postgres` crate read it.
    Postgres(String),
}

impl Location {
    /// Reads a `postgresql://` or `postgres://` URL (a Unix socket directory goes percent-encoded
    /// in the host: `postgresql://user@%2Frun%2Fpostgresql/db`); anything else is refused.
    ///
    /// TLS as libpq's parameters say (see `pg/tls.rs`): `sslmode=verify-full` (the server's
    /// certificate signed by a root of `sslrootcert`, a PEM file, and issued for the host),
    /// `verify-ca` or `require` (signed by one, whatever host it names), `disable`, or `prefer`,
    /// the default, which this build takes as `disable` (it never encrypts with a certificate it
    /// cannot check). A Unix socket has no TLS.
    pub fn parse(s: &str) -> Result<Location, StoreError> {
        pg_config(s)?;
        Ok(Location::Postgres(s.to_owned()))
    }
}

/// A PostgreSQL location's driver configuration (which it derefs to) and the TLS its
/// connections use.
#[derive(Clone)]
pub(crate) struct PgConfig {
    driver: postgres::Config,
    tls: Option<MakeRustlsConnect>,
}

impl Deref for PgConfig {
    type Target = postgres::Config;

    fn deref(&self) -> &postgres::Config {
        &self.driver
    }
}

impl DerefMut for PgConfig {
    fn deref_mut(&mut self) -> &mut postgres::Config {
        &mut self.driver
    }
}

impl PgConfig {
    /// Opens a session, over TLS when the location asks for it.
    pub(crate) fn connect(&self) -> Result<postgres::Client, postgres::Error> {
        match &self.tls {
            Some(tls) => self.driver.connect(tls.clone()),
            None => self.driver.connect(NoTls),
        }
    }
}

/// The driver's configuration for `url`, checked as [`Location::parse`] documents.
pub(crate) fn pg_config(url: &str) -> Result<PgConfig, StoreError> {
    if !(url.starts_with("postgresql://") || url.starts_with("postgres://")) {
        return Err(StoreError::InvalidLocation(
            "expected a postgresql:// or postgres:// URL".into(),
        ));
    }
    let (driver, tls) = driver_config(url)?;
    let tls = match tls {
        Tls::Clear => None,
        Tls::Checked { roots, check } => Some(pg::tls::connector(&roots, check)?),
    };
    Ok(PgConfig { driver, tls })
}

/// The driver's configuration of `url`, and the TLS it asks for, its root file not read yet.
fn driver_config(url: &str) -> Result<(postgres::Config, Tls), StoreError> {
    let (driver_url, tls) = tls_of(url)?;
    // The driver's parse errors name the offending option, never the password.
    let driver = driver_url
        .parse()
        .map_err(|e: postgres::Error| StoreError::InvalidLocation(e.to_string()))?;
    Ok((driver, tls))
}

/// What a URL's `sslmode` and `sslrootcert` ask for.
enum Tls {
    Clear,
    Checked { roots: PathBuf, check: Check },
}

/// `url` without the TLS parameters the driver does not know (`sslrootcert`, `sslmode=verify-ca`
/// and `verify-full`, given to it as `require`), and the TLS they ask for.
fn tls_of(url: &str) -> Result<(String, Tls), StoreError> {
    let invalid = |why: &str| StoreError::InvalidLocation(why.to_owned());
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut mode = "prefer".to_owned();
    let mut roots = None;
    let mut kept = Vec::new();
    for param in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = param.split_once('=').unwrap_or((param, ""));
        match key {
            "sslmode" => mode = decode(value).ok_or_else(|| invalid("sslmode: not UTF-8"))?,
            "sslrootcert" => {
                let path = decode(value).ok_or_else(|| invalid("sslrootcert: not UTF-8"))?;
                roots = Some(PathBuf::from(path));
            }
            _ => kept.push(param),
        }
    }
    let tls = match (mode.as_str(), roots) {
        ("disable" | "prefer", None) => Tls::Clear,
        ("disable" | "prefer", Some(_)) => {
            return Err(invalid(
                "sslrootcert: given with sslmode=disable or prefer, which connect in the clear; \
                 say sslmode=verify-full to check the server against it",
            ));
        }
        ("require" | "verify-ca" | "verify-full", None) => {
            return Err(invalid(&format!(
                "sslrootcert: sslmode={mode} needs the certificates that sign the server's (a PEM \
                 file): this build never takes a server's certificate on trust"
            )));
        }
        ("require" | "verify-ca", Some(roots)) => Tls::Checked {
            roots,
            check: Check::Chain,
        },
        ("verify-full", Some(roots)) => Tls::Checked {
            roots,
            check: Check::ChainAndName,
        },
        (other, _) => {
            return Err(invalid(&format!(
                "sslmode: `{other}` is not one of disable, prefer, require, verify-ca, verify-full"
            )));
        }
    };
    if matches!(tls, Tls::Checked { .. }) {
        kept.push("sslmode=require");
    } else {
        kept.push("sslmode=disable");
    }
    Ok((format!("{base}?{}", kept.join("&")), tls))
}

/// A URL's percent-encoded value, decoded.
fn decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(dir) => write!(f, "{}", dir.display()),
            Location::Postgres(url) => match driver_config(url) {
                Ok((config, _)) => write_redacted(f, &config),
                // Unparsable text may hold a password anywhere: show none of it.
                Err(_) => f.write_str("postgresql://(invalid URL)"),
            },
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(dir) => f.debug_tuple("Sqlite").field(dir).finish(),
            Location::Postgres(_) => write!(f, "Postgres({self})"),
        }
    }
}

fn write_redacted(f: &mut fmt::Formatter<'_>, config: &postgres::Config) -> fmt::Result {
    f.write_str("postgresql://")?;
    if let Some(user) = config.get_user() {
        write!(f, "{}@", encode(user.as_bytes()))?;
    }
    let ports = config.get_ports();
    for (i, host) in config.get_hosts().iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        match host {
            Host::Tcp(name) => f.write_str(name)?,
            Host::Unix(path) => f.write_str(&encode(path.as_os_str().as_encoded_bytes()))?,
        }
        // One port applies to every host; otherwise they pair up.
        let port = if ports.len() == 1 {
            ports.first()
        } else {
            ports.get(i)
        };
        if let Some(port) = port {
            write!(f, ":{port}")?;
        }
    }
    write!(
        f,
        "/{}",
        encode(config.get_dbname().unwrap_or_default().as_bytes())
    )
}

fn encode(bytes: &[u8]) -> String {
    use fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, &b| {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
        out
    })
}

/// One connection to either backend, for the tables other than the log's writer and readers.
#[derive(Debug)]
pub(crate) enum Db {
    Sqlite(Connection),
    // Boxed: the driver's client is several times the size of SQLite's connection.
    Postgres(Box<pg::Client>),
}

impl Db {
    pub(crate) fn open(location: &Location) -> Result<Db, StoreError> {
        Ok(match location {
            Location::Sqlite(dir) => Db::Sqlite(schema::open(dir)?),
            Location::Postgres(url) => Db::Postgres(Box::new(pg::Client::open(url)?)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_postgres_urls_are_accepted() {
        for good in [
            "postgresql://u@db.example:5433/deconflict",
            "postgres://u:pw@db.example/deconflict?sslmode=disable",
            "postgresql://postgres@%2Ftmp%2Fpg/test_1",
        ] {
            assert!(
                matches!(Location::parse(good), Ok(Location::Postgres(_))),
                "{good}"
            );
        }
        for bad in [
            "/var/lib/deconflict",
            "host=/tmp user=postgres",
            "mysql://x/y",
            "postgresql://u@h/db?nonsense=1",
        ] {
            let err = Location::parse(bad).unwrap_err();
            assert!(
                matches!(err, StoreError::InvalidLocation(_)),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn tls_parameters_are_checked_and_named_when_wrong() {
        let roots = tempfile::NamedTempFile::new().unwrap();
        let ca = rcgen::generate_simple_self_signed(vec!["ca.example".into()]).unwrap();
        std::fs::write(roots.path(), ca.cert.pem()).unwrap();
        let file = roots.path().display().to_string();
        let encoded = file.replace('/', "%2F");
        for good in [
            format!("postgresql://u@h/db?sslmode=verify-full&sslrootcert={file}"),
            format!("postgresql://u@h/db?sslrootcert={encoded}&sslmode=verify-ca"),
            format!("postgresql://u@h/db?sslmode=require&sslrootcert={file}&connect_timeout=3"),
        ] {
            let location = Location::parse(&good).unwrap_or_else(|e| panic!("{good}: {e}"));
            assert_eq!(location.to_string(), "postgresql://u@h:5432/db");
        }
        let not_pem = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(not_pem.path(), "not a certificate").unwrap();
        let cases = [
            (
                "sslmode=require".to_owned(),
                "sslrootcert: sslmode=require needs",
            ),
            (
                "sslmode=verify-full".to_owned(),
                "sslrootcert: sslmode=verify-full needs",
            ),
            (
                "sslmode=verify-full&sslrootcert=/no/such/file".to_owned(),
                "sslrootcert: /no/such/file: cannot read it",
            ),
            (
                format!(
                    "sslmode=verify-full&sslrootcert={}",
                    not_pem.path().display()
                ),
                "holds no PEM certificate",
            ),
            (
                format!("sslmode=prefer&sslrootcert={file}"),
                "sslrootcert: given with",
            ),
            ("sslmode=allow".to_owned(), "sslmode: `allow` is not one of"),
        ];
        for (query, says) in cases {
            let url = format!("postgresql://u:secret@h/db?{query}");
            let err = Location::parse(&url).unwrap_err();
            assert!(
                matches!(err, StoreError::InvalidLocation(_)),
                "{query}: {err}"
            );
            assert!(err.to_string().contains(says), "{query}: {err}");
            assert!(!err.to_string().contains("secret"), "{query}: {err}");
        }
    }

    #[test]
    fn the_password_is_never_shown() {
        let location =
            Location::parse("postgres://admin:hunter2@a.example,b.example:6432/prod").unwrap();
        assert_eq!(
            location.to_string(),
            "postgresql://admin@a.example:5432,b.example:6432/prod"
        );
        assert!(!format!("{location:?}").contains("hunter2"));
        let socket = Location::parse("postgresql://postgres@%2Ftmp%2Fx/test_1").unwrap();
        assert_eq!(
            socket.to_string(),
            "postgresql://postgres@%2Ftmp%2Fx:5432/test_1"
        );
    }
}
