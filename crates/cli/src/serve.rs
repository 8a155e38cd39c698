//! `deconflict serve` and `deconflict demo`: the HTTP service on a data
//! directory, and the same service on a fresh store loaded with the demo
//! scenario; HTTPS when a certificate and key are configured.

use crate::config::{ServeConfig, Settings, TlsFiles};
use deconflict_model::{Actor, ObjectRef};
use deconflict_server::tls::{Identity, ServerConfig};
use deconflict_server::{AppState, MetricsToken, shutdown_signal};
use deconflict_service::scenario::{IRAQ, Loaded, Scenario};
use deconflict_store::{Directory, IssuedToken, Location, Role, db_path};
use std::error::Error;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Logs to standard error with the configured filter.
fn init_tracing(filter: &str) -> Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .map_err(|e| format!("log: `{filter}` is not a log filter: {e}"))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// The certificate and key when they are set, and the HTTPS configuration
/// serving them; read before anything else so that a bad file stops the
/// start at once.
fn tls(settings: &Settings) -> Result<Option<(Identity, Arc<ServerConfig>)>> {
    let read = |files: &TlsFiles| -> Result<_> {
        let identity = Identity::read(&files.cert, &files.key)?;
        let https = identity.https()?;
        Ok((identity, https))
    };
    settings.tls.as_ref().map(read).transpose()
}

/// Binds the listen address; the URL the service is reached at.
async fn bind(settings: &Settings, tls: bool) -> Result<(TcpListener, String)> {
    let listener = TcpListener::bind(settings.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.listen))?;
    let scheme = if tls { "https" } else { "http" };
    let url = format!("{scheme}://{}", listener.local_addr()?);
    Ok((listener, url))
}

/// The Cursor-on-Target listeners the settings ask for, each with the TLS
/// configuration it speaks and the address a TAK client is given. In the
/// demo, a port already taken is a warning: the map still works without
/// TAK clients.
async fn bind_cot(
    settings: &Settings,
    state: &AppState,
    identity: Option<&Identity>,
    required: bool,
) -> Result<Vec<CotListener>> {
    // Over TLS, devices may present the certificates the service issued.
    let tls = identity.map(|i| state.cot_tls(i)).transpose()?;
    let wanted = [(settings.cot, None, "tcp"), (settings.cot_tls, tls, "tls")];
    let mut listeners = Vec::new();
    for (addr, tls, scheme) in wanted {
        let Some(addr) = addr else { continue };
        match TcpListener::bind(addr).await {
            Ok(listener) => {
                let url = format!("{scheme}://{}", listener.local_addr()?);
                listeners.push(CotListener { listener, tls, url });
            }
            Err(e) if required => {
                return Err(format!("cannot take Cursor-on-Target on {addr}: {e}").into());
            }
            Err(e) => eprintln!(
                "deconflict: no Cursor-on-Target on {addr} ({e}); choose another with --cot-listen"
            ),
        }
    }
    Ok(listeners)
}

struct CotListener {
    listener: TcpListener,
    tls: Option<Arc<ServerConfig>>,
    url: String,
}

/// Serves, over TLS when configured, until SIGINT or SIGTERM, with the
/// Cursor-on-Target listeners beside it.
async fn run(
    listener: TcpListener,
    tls: Option<Arc<ServerConfig>>,
    state: AppState,
    cot: Vec<CotListener>,
    cot_token: Option<String>,
) -> Result<()> {
    let cot: Vec<_> = cot
        .into_iter()
        .map(|c| {
            let serving = deconflict_server::cot::serve_cot(
                c.listener,
                c.tls,
                state.clone(),
                cot_token.clone(),
                std::future::pending(),
            );
            tokio::spawn(async move {
                if let Err(e) = serving.await {
                    eprintln!("deconflict: Cursor-on-Target stopped: {e}");
                }
            })
        })
        .collect();
    let served = run_http(listener, tls, state).await;
    cot.iter().for_each(tokio::task::JoinHandle::abort);
    served
}

async fn run_http(
    listener: TcpListener,
    tls: Option<Arc<ServerConfig>>,
    state: AppState,
) -> Result<()> {
    match tls {
        Some(tls) => deconflict_server::serve_tls(listener, tls, state, shutdown_signal()).await?,
        None => deconflict_server::serve(listener, state, shutdown_signal()).await?,
    }
    eprintln!("deconflict: stopped");
    Ok(())
}

/// Serves a data directory until SIGINT or SIGTERM.
pub(crate) fn serve(config: ServeConfig) -> Result<()> {
    let settings = config.resolve(true)?;
    init_tracing(&settings.log)?;
    let (identity, tls) = tls(&settings)?.unzip();
    let data = settings.data.clone().expect("serve has a data directory");
    let store = settings
        .store
        .clone()
        .unwrap_or_else(|| Location::Sqlite(data.clone()));
    let state = configured(
        AppState::open_at(&store, Some(&data), settings.server.clone())?,
        &settings,
        identity.as_ref(),
    );
    runtime()?.block_on(async move {
        let (listener, url) = bind(&settings, tls.is_some()).await?;
        let cot = bind_cot(&settings, &state, identity.as_ref(), true).await?;
        for c in &cot {
            println!("deconflict: Cursor-on-Target on {}", c.url);
        }
        println!("deconflict: serving {store} on {url}");
        std::io::stdout().flush()?;
        run(listener, tls, state, cot, settings.cot_token.clone()).await
    })
}

/// A fresh store with the demo's parties, tokens and scenario, served.
pub(crate) fn demo(config: ServeConfig) -> Result<()> {
    let mut settings = config.resolve(false)?;
    // The operator scrapes `/metrics` with a token of its own: a fresh one,
    // printed, unless one is configured.
    let metrics_token = match settings.server.metrics_token {
        Some(_) => None,
        None => {
            let token = fresh_secret()?;
            settings.server.metrics_token = Some(MetricsToken::new(token.clone()));
            Some(token)
        }
    };
    init_tracing(&settings.log)?;
    let (identity, tls) = tls(&settings)?.unzip();
    let temp;
    let (dir, removed) = match &settings.data {
        Some(dir) => {
            if db_path(dir).exists() {
                return Err(format!(
                    "{} already holds a deconflict database; the demo needs a fresh one \
                     (serve this one with `deconflict serve --data {}`)",
                    dir.display(),
                    dir.display()
                )
                .into());
            }
            (dir.clone(), false)
        }
        None => {
            temp = tempfile::Builder::new()
                .prefix("deconflict-demo-")
                .tempdir()?;
            (temp.path().to_owned(), true)
        }
    };
    let scenario = Scenario::parse(IRAQ)?;
    let tokens = issue_tokens(&dir, &scenario)?;
    let state = configured(
        AppState::open(&dir, settings.server.clone())?,
        &settings,
        identity.as_ref(),
    );
    runtime()?.block_on(async move {
        let loaded = scenario
            .load(&state, now_ms(), |party, role| {
                let (_, _, issued) = tokens
                    .iter()
                    .find(|(p, r, _)| p == party && r.as_str() == role.as_str())?;
                let coordinator = scenario
                    .parties
                    .iter()
                    .any(|p| p.name == party && p.coordinator);
                Some(Actor::new(
                    party,
                    role,
                    issued.credential.id.clone(),
                    coordinator,
                ))
            })
            .await?;
        let (listener, url) = bind(&settings, tls.is_some()).await?;
        let cot = bind_cot(&settings, &state, identity.as_ref(), false).await?;
        let cot_urls: Vec<&str> = cot.iter().map(|c| c.url.as_str()).collect();
        let welcome = Welcome {
            url: &url,
            cot: &cot_urls,
            dir: &dir,
            removed,
            metrics_token: metrics_token.as_deref(),
        };
        print_welcome(&settings, &welcome, &scenario, &loaded, &tokens)?;
        run(listener, tls, state, cot, settings.cot_token.clone()).await
    })
}

/// The service as configured beyond its store: the tile source under the
/// console's shapes and, over TLS, the certificate enrolled devices are told
/// to trust.
fn configured(state: AppState, settings: &Settings, identity: Option<&Identity>) -> AppState {
    if let Some(identity) = identity {
        state.enrol_against(identity);
    }
    match &settings.tiles {
        Some(tiles) => state.with_tiles(tiles.clone()),
        None => state,
    }
}

/// Adds the scenario's parties and issues one token per party and role
/// (approver only for the coordinator).
fn issue_tokens(dir: &Path, scenario: &Scenario) -> Result<Vec<(String, Role, IssuedToken)>> {
    let mut directory = Directory::open(dir)?;
    let mut tokens = Vec::new();
    for party in &scenario.parties {
        directory.add_party(&party.name, party.coordinator)?;
        for role in Role::ALL {
            if role == Role::Approver && !party.coordinator {
                continue;
            }
            let issued = directory.issue_token(&party.name, role)?;
            tokens.push((party.name.clone(), role, issued));
        }
    }
    Ok(tokens)
}

/// Where the demo is.
struct Welcome<'a> {
    url: &'a str,
    cot: &'a [&'a str],
    dir: &'a Path,
    removed: bool,
    /// The metrics token made for the demo; `None` when one was configured.
    metrics_token: Option<&'a str>,
}

/// 32 random bytes in hex: the demo's metrics token.
fn fresh_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random bytes from the system: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn print_welcome(
    settings: &Settings,
    welcome: &Welcome,
    scenario: &Scenario,
    loaded: &Loaded,
    tokens: &[(String, Role, IssuedToken)],
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let url = welcome.url;
    let removed = if welcome.removed {
        " (removed on exit)"
    } else {
        ""
    };
    writeln!(out, "deconflict demo: {}", scenario.title)?;
    writeln!(out, "  url:      {url}")?;
    writeln!(out, "  openapi:  {url}/v1/openapi.json")?;
    match welcome.metrics_token {
        Some(token) => writeln!(
            out,
            "  metrics:  {url}/metrics with the operator's token {token}"
        )?,
        None => writeln!(
            out,
            "  metrics:  {url}/metrics with the configured metrics token"
        )?,
    }
    for cot in welcome.cot {
        writeln!(out, "  cot:      {cot}")?;
    }
    if settings.tls.is_some() {
        writeln!(
            out,
            "  tak:      enrol a device's certificate at {url} (TAK's port 8446): any user \
             name, a party's token as the password"
        )?;
    }
    writeln!(out, "  data:     {}{removed}", welcome.dir.display())?;
    let incidents = loaded
        .objects
        .values()
        .filter(|o| matches!(o, ObjectRef::Incident(_)))
        .count();
    writeln!(
        out,
        "  scenario: {} ({} steps: {} declarations and activities, {incidents} incidents; every time \
         relative to now, the historical incidents' too)",
        scenario.name,
        scenario.steps.len(),
        loaded.objects.len() - incidents,
    )?;
    if let Some(limit) = settings.server.rate_limit {
        writeln!(
            out,
            "  limits:   {} requests/s per token (burst {})",
            limit.per_second, limit.burst
        )?;
    }
    writeln!(out)?;
    writeln!(out, "{:<10}  {:<9}  TOKEN", "PARTY", "ROLE")?;
    for (party, role, issued) in tokens {
        writeln!(out, "{party:<10}  {:<9}  {}", role.as_str(), issued.token)?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "For the curl tour in README.md, paste into another shell:"
    )?;
    writeln!(out, "  export DCF={url}")?;
    if let Some(token) = welcome.metrics_token {
        writeln!(out, "  export DCF_METRICS={token}")?;
    }
    for (party, role) in [
        ("joc", Role::Approver),
        ("coalition", Role::Operator),
        ("pmf", Role::Operator),
        ("ocha", Role::Operator),
        ("ocha", Role::Viewer),
    ] {
        if let Some((_, _, issued)) = tokens.iter().find(|(p, r, _)| p == party && *r == role) {
            writeln!(
                out,
                "  export {}_{}={}",
                party.to_uppercase(),
                role.as_str().to_uppercase(),
                issued.token
            )?;
        }
    }
    writeln!(out)?;
    writeln!(out, "Ctrl-C stops the service.")?;
    out.flush()?;
    Ok(())
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
