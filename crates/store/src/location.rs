use std::fmt;
use std::path::PathBuf;

use postgres::config::{Host, SslMode};
use rusqlite::Connection;

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
    /// in the host: `postgresql://user@%2Frun%2Fpostgresql/db`). Anything else is refused, as is
    /// `sslmode=require`: this build speaks to PostgreSQL without TLS (`disable`, or `prefer`,
    /// which then connects in the clear), so use a Unix socket or a trusted network.
    pub fn parse(s: &str) -> Result<Location, StoreError> {
        pg_config(s)?;
        Ok(Location::Postgres(s.to_owned()))
    }
}

/// The driver's configuration for `url`, checked as [`Location::parse`] documents.
pub(crate) fn pg_config(url: &str) -> Result<postgres::Config, StoreError> {
    if !(url.starts_with("postgresql://") || url.starts_with("postgres://")) {
        return Err(StoreError::InvalidLocation(
            "expected a postgresql:// or postgres:// URL".into(),
        ));
    }
    // The driver's parse errors name the offending option, never the password.
    let config: postgres::Config = url
        .parse()
        .map_err(|e: postgres::Error| StoreError::InvalidLocation(e.to_string()))?;
    if !matches!(config.get_ssl_mode(), SslMode::Disable | SslMode::Prefer) {
        return Err(StoreError::InvalidLocation(
            "TLS to PostgreSQL is not supported by this build; use sslmode=disable over a Unix \
             socket or a trusted network"
                .into(),
        ));
    }
    Ok(config)
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(dir) => write!(f, "{}", dir.display()),
            Location::Postgres(url) => match url.parse::<postgres::Config>() {
                Ok(config) => write_redacted(f, &config),
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
        let err = Location::parse("postgresql://u:secret@h/db?sslmode=require").unwrap_err();
        assert!(err.to_string().contains("TLS"), "{err}");
        assert!(!err.to_string().contains("secret"));
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
