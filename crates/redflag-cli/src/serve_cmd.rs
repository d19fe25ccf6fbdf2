//! `redflag serve` (the web application), and the commands that bootstrap and keep it: `user add`,
//! `token create`, `audit verify`, `purge`. Every decision is in `redflag-server` and
//! `redflag-store`; this file reads arguments and prints.
use std::io::BufRead;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Subcommand};
use redflag_store::{Retention, Role, User, Workspace};

use crate::BadInput;
use crate::store_cmd::StoreArgs;

/// `redflag serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Store connections (each request takes one on the blocking pool).
    #[arg(long, default_value_t = 4)]
    connections: usize,
    /// Public requests (checker, sign-in) per minute per client address.
    #[arg(long, default_value_t = 60)]
    rate_per_minute: u32,
    /// An address the rate limiter never limits: for the load test's client on loopback only.
    #[arg(long, value_name = "IP")]
    rate_exempt: Vec<IpAddr>,
    /// Cookies without the Secure flag (only behind plain HTTP on something other than localhost).
    #[arg(long)]
    insecure_cookies: bool,
    /// The organisation that receives what people report through the public checker.
    #[arg(long, default_value = "public-reports")]
    public_org: String,
    #[command(flatten)]
    store: StoreArgs,
}

/// Start the server; stops on Ctrl-C.
pub fn serve(a: ServeArgs) -> anyhow::Result<()> {
    if let Some(ip) = a.rate_exempt.iter().find(|ip| !ip.is_loopback()) {
        return Err(BadInput(format!(
            "--rate-exempt {ip}: only loopback addresses may be exempt (it is for the local load test)"
        ))
        .into());
    }
    let engine =
        Arc::new(redflag_core::Engine::builtin().context("the built-in packs do not load")?);
    let mut conns = Vec::new();
    for _ in 0..a.connections.max(1) {
        conns.push(a.store.open()?);
    }
    let pool = redflag_server::StorePool::new(conns).map_err(anyhow::Error::msg)?;
    let config = redflag_server::Config {
        rate_per_minute: a.rate_per_minute,
        rate_exempt: a.rate_exempt.clone(),
        secure_cookies: !a.insecure_cookies,
        public_org: a.public_org.clone(),
        ..Default::default()
    };
    let state = redflag_server::State::new(engine, pool, config).map_err(anyhow::Error::msg)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    eprintln!(
        "redflag serve: listening on http://{} ({})",
        a.addr,
        a.store.db_label()
    );
    rt.block_on(redflag_server::serve(a.addr, Arc::new(state)))
        .with_context(|| format!("serving on {}", a.addr))?;
    Ok(())
}

/// `redflag user …`.
#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from $REDFLAG_PASSWORD, else the first line of stdin.
    Add(UserAddArgs),
}

/// `redflag user add`.
#[derive(Args)]
pub struct UserAddArgs {
    /// Login name.
    #[arg(long)]
    name: String,
    #[command(flatten)]
    store: StoreArgs,
}

fn password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("REDFLAG_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Add a user.
pub fn user(cmd: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add(a) = cmd;
    // --org and --role (viewer, analyst, admin) name the new user's organisation and role.
    let v = a.store.viewer()?;
    let (org, role) = (v.org, v.role);
    let pw = password()?;
    let mut s = a.store.open()?;
    let u = s
        .add_user(&org, &a.name, role, &pw)
        .map_err(|e| BadInput(e.to_string()))?;
    println!(
        "user {} added to {} as {} (id {})",
        u.name,
        u.org,
        u.role.as_str(),
        u.id
    );
    Ok(())
}

/// `redflag token create`.
#[derive(Args)]
pub struct TokenArgs {
    /// The user the token acts as.
    #[arg(long)]
    name: String,
    /// A label for the token.
    #[arg(long, default_value = "cli")]
    label: String,
    #[command(flatten)]
    store: StoreArgs,
}

/// Create an API token; printed once on stdout.
pub fn token(a: TokenArgs) -> anyhow::Result<()> {
    let org = a.store.viewer()?.org;
    let mut s = a.store.open()?;
    let u = s
        .user_by_name(&org, &a.name)?
        .ok_or_else(|| BadInput(format!("no user {:?} in {org:?}", a.name)))?;
    println!("{}", s.create_token(&u, u.id, &a.label)?);
    Ok(())
}

/// `redflag audit verify`.
#[derive(Args)]
pub struct AuditArgs {
    #[command(flatten)]
    store: StoreArgs,
}

/// Walk the audit chain; exit 1 when it is broken.
pub fn audit_verify(a: AuditArgs) -> anyhow::Result<()> {
    let mut s = a.store.open()?;
    let v = s.verify_audit()?;
    println!(
        "{} entries ({} from before the chain), head {}",
        v.entries,
        v.before_chain,
        if v.head.is_empty() { "-" } else { &v.head }
    );
    for p in &v.problems {
        println!("BROKEN {p}");
    }
    if v.ok() {
        println!("audit chain intact");
        Ok(())
    } else {
        Err(crate::Failed.into())
    }
}

/// `redflag purge`.
#[derive(Args)]
pub struct PurgeArgs {
    /// Days kept per marking, over the defaults (RED=90, AMBER and AMBER+STRICT=365, GREEN and
    /// CLEAR kept): e.g. `RED=30,GREEN=730`; `keep` keeps.
    #[arg(long, default_value = "")]
    retention: String,
    #[command(flatten)]
    store: StoreArgs,
}

/// Apply retention to the organisation's data.
pub fn purge(a: PurgeArgs) -> anyhow::Result<()> {
    let r = Retention::parse(&a.retention).map_err(BadInput)?;
    let org = a.store.viewer()?.org;
    let mut s = a.store.open()?;
    // The operator at the command line acts as the organisation's administrator.
    let admin = User {
        id: 0,
        org,
        name: "cli".into(),
        role: Role::Admin,
    };
    let p = s.purge(&admin, &r, redflag_store::workspace::now_unix())?;
    println!(
        "purged {} observations, {} contents, {} screenings; the audit chain is unchanged",
        p.observations, p.contents, p.screenings
    );
    Ok(())
}
