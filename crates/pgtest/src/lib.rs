//! A throw-away PostgreSQL server for tests.
//!
//! [`TempPostgres::start`] makes a cluster in a new temporary directory (`initdb`), and runs
//! `postgres` on it with no TCP listener (`listen_addresses = ''`) and its Unix socket in that
//! directory, so it takes no port and any number can run side by side. `fsync` stays on: the
//! tests that kill the server are about what survives. Tests share one server per test binary
//! through [`TempPostgres::shared`] and take a database each ([`TempPostgres::fresh_database`]);
//! a test that kills or restarts the server starts one of its own.
//!
//! [`StandbyPair::start`] runs two: a primary and a synchronous standby streaming from it, each in
//! a directory of its own, for the tests of a failover ([`TempPostgres::kill`] the primary,
//! [`TempPostgres::promote`] the standby); its URLs name both servers, and a client finds
//! whichever accepts writes.
//!
//! The binaries are found through `pg_config --bindir`, else under `/usr/lib/postgresql/*/bin`;
//! `cargo xtask test` installs Debian's `postgresql` when they are missing. PostgreSQL refuses to
//! run as root, so as root the server runs as the `postgres` user (`setpriv`).

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// How long a start may take before the test fails: a new cluster's first start, or a restart
/// that waits for the killed server's backends to go.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A PostgreSQL server of its own, stopped and deleted on drop.
#[derive(Debug)]
pub struct TempPostgres {
    dir: tempfile::TempDir,
    bindir: PathBuf,
    as_postgres_user: bool,
    postmaster: Mutex<Option<Child>>,
    databases: AtomicU64,
    /// The port, which also names the Unix socket (`.s.PGSQL.<port>`).
    port: u16,
}

impl TempPostgres {
    /// Makes a cluster in a new temporary directory and starts a server on it.
    ///
    /// # Panics
    ///
    /// If PostgreSQL is not installed, or the server does not start.
    pub fn start() -> TempPostgres {
        let server = TempPostgres::initialised();
        server.spawn_postmaster();
        reap_when_gone(&server);
        server
    }

    /// A server that also listens on TCP, on 127.0.0.1 at a free port (returned), with TLS:
    /// `cert` (PEM, the server's certificate first) and its PEM `key`. It takes TCP connections
    /// over TLS only (`hostssl`; `hostnossl` is rejected), so a session that gets in is
    /// encrypted; its Unix socket and [`TempPostgres::url`] stay as they are.
    ///
    /// # Panics
    ///
    /// As [`TempPostgres::start`]; and if no free port is found.
    pub fn start_tls(cert: &str, key: &str) -> (TempPostgres, u16) {
        let mut server = TempPostgres::initialised();
        // The port is free now; another process could take it before the server does, which
        // only fails this test's start.
        server.port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("no free port on 127.0.0.1")
            .port();
        for (name, pem) in [("server.crt", cert), ("server.key", key)] {
            let path = server.data().join(name);
            std::fs::write(&path, pem).expect("cannot write the server's certificate");
            // The server refuses a key others may read.
            run(Command::new("chmod").arg("600").arg(&path));
            if server.as_postgres_user {
                run(Command::new("chown").arg("postgres:").arg(&path));
            }
        }
        std::fs::write(
            server.data().join("pg_hba.conf"),
            "local all all trust\n\
             hostssl all all 127.0.0.1/32 trust\n\
             hostnossl all all 127.0.0.1/32 reject\n",
        )
        .expect("cannot write pg_hba.conf");
        server.configure(&format!(
            "listen_addresses = '127.0.0.1'\nport = {}\nssl = on\n\
             ssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'",
            server.port
        ));
        server.spawn_postmaster();
        reap_when_gone(&server);
        let port = server.port;
        (server, port)
    }

    /// A new cluster, configured to listen only on its socket, not started.
    fn initialised() -> TempPostgres {
        let server = TempPostgres::empty();
        // --no-sync: the cluster's first files need not survive a power cut, only the tests'
        // commits do, and those the server fsyncs.
        run(server.command("initdb").arg("-D").arg(server.data()).args([
            "-U",
            "postgres",
            "--auth=trust",
            "--no-locale",
            "-E",
            "UTF8",
            "--no-sync",
        ]));
        server.configure(&format!(
            "listen_addresses = ''\nunix_socket_directories = '{}'\nfsync = on\n\
             synchronous_commit = on\nshared_buffers = 16MB\nmax_connections = 300",
            server.dir.path().display()
        ));
        server
    }

    /// A server that is not there yet: its directory (the `postgres` user's when we are root),
    /// no cluster in it, nothing running.
    fn empty() -> TempPostgres {
        let bindir = bindir().unwrap_or_else(|| {
            panic!(
                "PostgreSQL is not installed (no initdb from `pg_config --bindir` or under \
                 /usr/lib/postgresql/*/bin); `cargo xtask test` installs it \
                 (or: apt-get install postgresql)"
            )
        });
        let as_postgres_user = running_as_root();
        let dir = tempfile::Builder::new()
            .prefix("pgtest-")
            .tempdir()
            .expect("cannot make a temporary directory");
        if as_postgres_user {
            run(Command::new("chown").arg("postgres:").arg(dir.path()));
        }
        TempPostgres {
            dir,
            bindir,
            as_postgres_user,
            postmaster: Mutex::new(None),
            databases: AtomicU64::new(0),
            port: 5432,
        }
    }

    /// Appends `lines` to the cluster's `postgresql.conf`; a setting given again there wins.
    fn configure(&self, lines: &str) {
        let mut conf = OpenOptions::new()
            .append(true)
            .open(self.data().join("postgresql.conf"))
            .expect("cannot open postgresql.conf");
        writeln!(conf, "{lines}").expect("cannot write postgresql.conf");
    }

    /// One server for the whole test binary, started on first use. It is never dropped (it is
    /// a static): a watcher process stops it and deletes its directory when the binary exits.
    pub fn shared() -> &'static TempPostgres {
        static SHARED: OnceLock<TempPostgres> = OnceLock::new();
        SHARED.get_or_init(TempPostgres::start)
    }

    /// The URL of the `postgres` database, which every server has.
    pub fn url(&self) -> String {
        self.url_of("postgres")
    }

    /// Creates a new, empty database and returns its URL, so tests share a server but no data.
    pub fn fresh_database(&self) -> String {
        let name = self.create_database();
        self.url_of(&name)
    }

    /// Creates a new, empty database and returns its name.
    fn create_database(&self) -> String {
        let n = self.databases.fetch_add(1, Ordering::Relaxed) + 1;
        let name = format!("test_{n}");
        self.execute(&format!("CREATE DATABASE {name}"));
        name
    }

    /// Kills the server with SIGKILL, as a crash would: no shutdown, no checkpoint, and no
    /// backend left to finish what it was doing (every process of the server goes at once).
    pub fn kill(&self) {
        let mut postmaster = self
            .postmaster
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(mut child) = postmaster.take() {
            // As root the server runs as `postgres`, which a signal from root still reaches.
            // Stopped first, so that it starts no backend while its children are listed; each
            // backend is a session of its own, so there is no group to kill instead.
            let postmaster = child.id();
            let _ = Command::new("kill")
                .args(["-STOP", &postmaster.to_string()])
                .status();
            // The signal lands when the postmaster next runs, which may finish a fork first.
            let deadline = Instant::now() + Duration::from_secs(1);
            while state_of(postmaster).is_some_and(|state| state != 'T')
                && Instant::now() < deadline
            {
                std::thread::sleep(Duration::from_millis(1));
            }
            // The postmaster last: a backend that saw it die first would still answer its client.
            let mut kill = Command::new("kill");
            kill.arg("-KILL");
            for backend in children_of(postmaster) {
                kill.arg(backend.to_string());
            }
            kill.arg(postmaster.to_string());
            if !kill.status().is_ok_and(|status| status.success()) {
                let _ = child.kill();
            }
            let _ = child.wait();
        }
    }

    /// Promotes a standby ([`StandbyPair`]) to a primary, and waits until it accepts writes.
    ///
    /// # Panics
    ///
    /// If the server is not a standby, or the promotion does not finish within a minute.
    pub fn promote(&self) {
        run(self
            .command("pg_ctl")
            .args(["promote", "--wait", "--timeout=60", "-D"])
            .arg(self.data()));
    }

    /// Starts the server again after [`TempPostgres::kill`] (which it implies): it recovers
    /// from its write-ahead log first.
    pub fn restart(&self) {
        self.kill();
        self.spawn_postmaster();
    }

    fn url_of(&self, database: &str) -> String {
        format!(
            "postgresql://postgres@{}:{}/{database}",
            self.host(),
            self.port
        )
    }

    /// The server's socket directory, as the host of a URL.
    fn host(&self) -> String {
        encode(&self.dir.path().to_string_lossy())
    }

    /// Waits until a standby streams from this server and its commits wait for it.
    fn wait_for_synchronous_standby(&self) {
        let url = self.url();
        let deadline = Instant::now() + START_TIMEOUT;
        off_runtime(|| {
            let mut client = postgres::Client::connect(&url, postgres::NoTls)
                .expect("cannot connect to the test server");
            loop {
                let synchronous: i64 = client
                    .query_one(
                        "SELECT count(*) FROM pg_stat_replication
                         WHERE state = 'streaming' AND sync_state = 'sync'",
                        &[],
                    )
                    .and_then(|row| row.try_get(0))
                    .expect("cannot read pg_stat_replication");
                if synchronous > 0 {
                    return;
                }
                assert!(
                    Instant::now() < deadline,
                    "the standby did not become synchronous"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        });
    }

    /// Runs `sql` in the `postgres` database.
    fn execute(&self, sql: &str) {
        let url = self.url();
        off_runtime(|| {
            postgres::Client::connect(&url, postgres::NoTls)
                .expect("cannot connect to the test server")
                .batch_execute(sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        });
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A command running PostgreSQL's binary `name`, as `postgres` when we are root.
    fn command(&self, name: &str) -> Command {
        let program = self.bindir.join(name);
        if self.as_postgres_user {
            let mut command = Command::new("setpriv");
            command
                .args([
                    "--reuid=postgres",
                    "--regid=postgres",
                    "--clear-groups",
                    "--",
                ])
                .arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    /// Starts the postmaster and waits until it accepts connections. A restart right after a
    /// kill can find the killed server's backends still on their way out, which the new one
    /// refuses to start beside; it is tried again until they are gone.
    fn spawn_postmaster(&self) {
        let deadline = Instant::now() + START_TIMEOUT;
        let log_path = self.dir.path().join("postgres.log");
        loop {
            let log = File::options()
                .create(true)
                .append(true)
                .open(&log_path)
                .expect("cannot open the server's log");
            let mut child = self
                .command("postgres")
                .arg("-D")
                .arg(self.data())
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("cannot share the log file"))
                .stderr(log)
                .spawn()
                .expect("cannot run postgres");
            loop {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                let url = self.url();
                if off_runtime(|| postgres::Client::connect(&url, postgres::NoTls).is_ok()) {
                    *self
                        .postmaster
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner) = Some(child);
                    return;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                panic!("the test PostgreSQL server did not start; its log:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A primary and a synchronous standby streaming from it: a commit is acknowledged only once
/// the standby has flushed it, so a failover (kill the primary, [`TempPostgres::promote`] the
/// standby) loses no acknowledged commit.
///
/// The primary's commits wait for any standby (`synchronous_standby_names = '*'`,
/// `synchronous_commit = on`); the standby is made with `pg_basebackup -R`, on a socket
/// directory of its own, and asks for no standby of its own, so that once promoted it commits
/// alone.
#[derive(Debug)]
pub struct StandbyPair {
    /// The server that accepts writes at the start.
    pub primary: TempPostgres,
    /// The server that streams the primary's log, read-only until promoted.
    pub standby: TempPostgres,
}

impl StandbyPair {
    /// Starts a primary, makes a standby of it and starts that, and returns once the standby is
    /// streaming and synchronous.
    ///
    /// # Panics
    ///
    /// If PostgreSQL is not installed, or either server does not start, or the standby does not
    /// become synchronous within a minute.
    pub fn start() -> StandbyPair {
        let primary = TempPostgres::initialised();
        // Spelt out rather than left to the defaults: they are what replication needs.
        primary.configure(
            "wal_level = replica\nmax_wal_senders = 4\n\
             synchronous_commit = on\nsynchronous_standby_names = '*'",
        );
        {
            // initdb's own lines already let local sockets replicate; spelt out all the same,
            // as a server set up by hand needs it.
            let mut hba = OpenOptions::new()
                .append(true)
                .open(primary.data().join("pg_hba.conf"))
                .expect("cannot open pg_hba.conf");
            writeln!(hba, "local replication postgres trust").expect("cannot write pg_hba.conf");
        }
        primary.spawn_postmaster();
        reap_when_gone(&primary);

        let standby = TempPostgres::empty();
        run(standby
            .command("pg_basebackup")
            .arg("-D")
            .arg(standby.data())
            .arg("-h")
            .arg(primary.dir.path())
            .args([
                "-U",
                "postgres",
                "--write-recovery-conf",
                "--wal-method=stream",
                "--checkpoint=fast",
                "--no-sync",
            ]));
        // The copy has the primary's settings; this server listens elsewhere, and alone after a
        // promotion it would wait forever for a standby to acknowledge each commit.
        standby.configure(&format!(
            "unix_socket_directories = '{}'\nsynchronous_standby_names = ''",
            standby.dir.path().display()
        ));
        standby.spawn_postmaster();
        reap_when_gone(&standby);
        primary.wait_for_synchronous_standby();
        StandbyPair { primary, standby }
    }

    /// Creates a new, empty database (on the primary, and through it on the standby) and
    /// returns a URL naming both servers with `target_session_attrs=read-write`: a client tries
    /// them in turn and stays with the one that accepts writes.
    pub fn fresh_database(&self) -> String {
        let name = self.primary.create_database();
        format!(
            "postgresql://postgres@{},{}/{name}?target_session_attrs=read-write",
            self.primary.host(),
            self.standby.host()
        )
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let mut postmaster = self
            .postmaster
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(mut child) = postmaster.take() {
            // SIGQUIT is PostgreSQL's immediate shutdown: it ends the backends and frees the
            // shared memory, which SIGKILL would leave behind.
            let _ = Command::new("kill")
                .args(["-QUIT", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
        // The temporary directory deletes itself after this.
    }
}

/// Runs `f` on a thread of its own: the `postgres` driver blocks on a runtime of its own, which
/// tokio refuses to start inside another, so this makes the helpers callable from a
/// `#[tokio::test]` too.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        scope
            .spawn(f)
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Starts a watcher, in a session of its own so that a Ctrl-C of the tests does not reach it,
/// that stops the server and deletes its directory once this process has exited: the shared
/// server is a static and never dropped.
fn reap_when_gone(server: &TempPostgres) {
    let Some(postmaster) = server
        .postmaster
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .map(Child::id)
    else {
        return;
    };
    let script = format!(
        "while kill -0 {me} 2>/dev/null; do sleep 1; done
         pid=$(head -n 1 '{data}/postmaster.pid' 2>/dev/null || echo {postmaster})
         kill -QUIT \"$pid\" 2>/dev/null
         for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 \"$pid\" 2>/dev/null || break; sleep 1; done
         rm -rf '{dir}'",
        me = std::process::id(),
        data = server.data().display(),
        dir = server.dir.path().display(),
    );
    let _ = Command::new("setsid")
        .args(["sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
}

fn bindir() -> Option<PathBuf> {
    let has_initdb = |dir: &Path| dir.join("initdb").is_file();
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    if let Some(dir) = from_pg_config.filter(|dir| has_initdb(dir)) {
        return Some(dir);
    }
    // Debian's layout; the newest version wins.
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, dir)| has_initdb(dir))
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir)
}

/// The processes that are children of process `parent`.
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    processes
        .filter_map(|process| {
            let pid: u32 = process.ok()?.file_name().to_str()?.parse().ok()?;
            let ppid: u32 = stat_fields(pid)?.get(1)?.parse().ok()?;
            (ppid == parent).then_some(pid)
        })
        .collect()
}

/// The state of process `pid` (`T` once stopped), if it is there.
fn state_of(pid: u32) -> Option<char> {
    stat_fields(pid)?.first()?.chars().next()
}

/// The fields of `/proc/PID/stat` from the state on: the state, the parent, ...
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command's name, in parentheses, may hold anything; the fields follow its closing one.
    let (_, fields) = stat.rsplit_once(')')?;
    Some(fields.split_whitespace().map(str::to_owned).collect())
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

fn run(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Percent-encodes a socket directory for the host part of a URL.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
