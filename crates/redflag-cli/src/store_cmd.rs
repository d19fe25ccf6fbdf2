//! The store subcommands: `ingest`, `find`, `dups`, `cluster`, `show`, `judge`. Every decision is
//! made by `redflag-store` (access, linking) and `redflag-core` (assessment, selectors); this file
//! reads inputs, builds the viewer and prints.
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use redflag_core::{Document, Engine};
use redflag_store::cluster::Settings;
use redflag_store::{
    NewDoc, PgStore, Role, SelectorKey, Signature, SqliteStore, Store, Tlp, Verdict, Viewer,
    Watchlist,
};

use crate::BadInput;
use crate::input::{Input, InputError, InputOptions, Pending, Reader};

/// Documents per transaction: each committed batch is acknowledged on stderr.
const BATCH: usize = 1000;

/// Where the store is and who is asking.
#[derive(Args, Clone)]
pub struct StoreArgs {
    /// The database: a SQLite file, or a PostgreSQL URL (`postgres://user@host:port/db`)
    /// [default: redflag.db in the working directory].
    #[arg(
        long,
        value_name = "PATH|URL",
        default_value = "redflag.db",
        global = true
    )]
    db: PathBuf,
    /// Your organisation [default: $REDFLAG_ORG, else `local`].
    #[arg(long, value_name = "ORG", global = true)]
    org: Option<String>,
    /// Your role in it: reader, analyst or admin [default: $REDFLAG_ROLE, else analyst].
    #[arg(long, value_name = "ROLE", value_parser = parse_role, global = true)]
    role: Option<Role>,
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

fn parse_tlp(s: &str) -> Result<Tlp, String> {
    s.parse()
}

impl StoreArgs {
    pub(crate) fn viewer(&self) -> anyhow::Result<Viewer> {
        let org = match &self.org {
            Some(o) => o.clone(),
            None => std::env::var("REDFLAG_ORG").unwrap_or_else(|_| "local".into()),
        };
        if org.trim().is_empty() {
            return Err(BadInput("--org must not be empty".into()).into());
        }
        let role = match self.role {
            Some(r) => r,
            None => match std::env::var("REDFLAG_ROLE") {
                Ok(r) => r.parse().map_err(BadInput)?,
                Err(_) => Role::Analyst,
            },
        };
        Ok(Viewer::new(org, role))
    }

    /// The PostgreSQL URL, when `--db` is one.
    fn pg_url(&self) -> Option<String> {
        let s = self.db.to_string_lossy();
        (s.starts_with("postgres://") || s.starts_with("postgresql://")).then(|| s.into_owned())
    }

    /// The database as shown to people: a URL without its password.
    pub(crate) fn db_label(&self) -> String {
        match self.pg_url() {
            Some(u) => match (u.find("://"), u.rfind('@')) {
                (Some(i), Some(at)) if at > i => {
                    let user = &u[i + 3..at];
                    let user = user.split(':').next().unwrap_or("");
                    format!("{}{user}{}", &u[..i + 3], &u[at..])
                }
                _ => u,
            },
            None => self.db.display().to_string(),
        }
    }

    pub(crate) fn open(&self) -> anyhow::Result<Box<dyn Store + Send>> {
        if let Some(url) = self.pg_url() {
            let s = PgStore::open(&url).with_context(|| format!("opening {}", self.db_label()))?;
            return Ok(Box::new(s));
        }
        let s = SqliteStore::open(&self.db)
            .with_context(|| format!("opening {}", self.db.display()))?;
        Ok(Box::new(s))
    }
}

/// Output format of the store commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// JSON.
    Json,
}

/// `redflag ingest`.
#[derive(Args)]
pub struct IngestArgs {
    /// Input files (JSONL, CSV, text; gzip recognised); `-` reads stdin.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Marking of the documents: CLEAR, GREEN, AMBER, AMBER+STRICT, RED [default: AMBER]. Documents
    /// whose distress assessment is flagged are RED whatever is given.
    #[arg(long, value_name = "MARKING", value_parser = parse_tlp)]
    tlp: Option<Tlp>,
    /// Input format, instead of the extension or sniffing.
    #[arg(long, value_enum, value_name = "FORMAT")]
    input: Option<crate::input::InputFormat>,
    /// Text input: one document per line instead of one per file.
    #[arg(long)]
    lines: bool,
    /// CSV: the column holding the text.
    #[arg(long, value_name = "NAME", default_value = "text")]
    text_column: String,
    /// CSV: the column holding the id.
    #[arg(long, value_name = "NAME")]
    id_column: Option<String>,
    /// Warn about each bad record and go on.
    #[arg(long)]
    skip_bad: bool,
    /// Load the packs from DIR instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    packs: Option<PathBuf>,
    /// When the documents were observed, RFC 3339 with its offset (e.g. 2025-03-01T08:00:00+06:30):
    /// stored in UTC with the offset kept. A JSONL record's own `observed_at` (and `source`, else the
    /// file name) wins [default: now].
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    observed_at: Option<(String, i32)>,
    /// Documents per transaction (each committed batch is acknowledged).
    #[arg(long, value_name = "N", default_value_t = BATCH, value_parser = parse_batch)]
    batch: usize,
    #[command(flatten)]
    store: StoreArgs,
}

/// `redflag find`.
#[derive(Args)]
pub struct FindArgs {
    /// A phone number, handle, wallet, e-mail, link or domain in any written form.
    #[arg(required = true, num_args = 1.., value_name = "SELECTOR")]
    selector: Vec<String>,
    /// Only this kind (phone, telegram, whatsapp, line, wechat, signal, zalo, email, url, domain, btc, eth, tron).
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    #[command(flatten)]
    store: StoreArgs,
}

/// `redflag dups`.
#[derive(Args)]
pub struct DupsArgs {
    /// Estimated Jaccard similarity from which two texts are one template.
    #[arg(long, default_value_t = redflag_store::minhash::DEFAULT_THRESHOLD)]
    threshold: f64,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    #[command(flatten)]
    store: StoreArgs,
}

/// `redflag cluster`.
#[derive(Args)]
pub struct ClusterArgs {
    /// Rebuild every link and cluster instead of adding the new documents.
    #[arg(long)]
    full: bool,
    /// A selector in more documents than this is a hub and links nothing.
    #[arg(long, value_name = "N", default_value_t = Settings::default().hub_contents)]
    hub_documents: u64,
    /// …or in more distinct (org, source) pairs than this.
    #[arg(long, value_name = "N", default_value_t = Settings::default().hub_sources)]
    hub_sources: u64,
    /// Template similarity threshold.
    #[arg(long, value_name = "X", default_value_t = redflag_store::minhash::DEFAULT_THRESHOLD)]
    dup_threshold: f64,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    #[command(flatten)]
    store: StoreArgs,
}

/// `redflag show`.
#[derive(Args)]
pub struct ShowArgs {
    #[command(subcommand)]
    what: ShowWhat,
    /// Output format.
    #[arg(long, value_enum, default_value = "text", global = true)]
    format: Format,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Subcommand)]
enum ShowWhat {
    /// A cluster (by its id or any member's document id): members, selectors by kind, links and
    /// why, first/last seen, places, and calling codes and places month by month (relocation).
    Cluster {
        /// Cluster id or document id.
        id: i64,
    },
    /// A stored document with its observations and selectors.
    Doc {
        /// Document id.
        id: i64,
    },
}

/// `redflag judge`.
#[derive(Args)]
pub struct JudgeArgs {
    /// The selector, in any written form.
    #[arg(value_name = "SELECTOR")]
    selector: String,
    /// confirmed, rejected, or allow (never links, never raises).
    #[arg(long, value_parser = parse_verdict)]
    verdict: Verdict,
    /// Only this kind.
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
    /// A note kept with the judgement.
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    store: StoreArgs,
}

fn parse_time(s: &str) -> Result<(String, i32), String> {
    redflag_store::parse_rfc3339(s)
        .ok_or_else(|| format!("{s:?} is not an RFC 3339 time such as 2025-03-01T08:00:00+06:30"))
}

fn parse_batch(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{s:?} is not a positive number")),
    }
}

fn parse_verdict(s: &str) -> Result<Verdict, String> {
    s.parse()
}

fn engine_version(engine: &Engine) -> Arc<str> {
    let v: Vec<String> = engine
        .packs()
        .iter()
        .map(|p| format!("{}@{}", p.id, p.version))
        .collect();
    Arc::from(v.join(","))
}

enum Msg {
    Batch(Vec<Pending>),
    Error(InputError),
}

fn read_all(mut reader: Reader, size: usize, tx: SyncSender<Msg>) {
    let mut batch = Vec::with_capacity(size);
    while let Some(item) = reader.next_record() {
        match item {
            Ok(p) => {
                batch.push(p);
                if batch.len() >= size && tx.send(Msg::Batch(std::mem::take(&mut batch))).is_err() {
                    return;
                }
            }
            Err(e) => {
                if !batch.is_empty() && tx.send(Msg::Batch(std::mem::take(&mut batch))).is_err() {
                    return;
                }
                if tx.send(Msg::Error(e)).is_err() {
                    return;
                }
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(Msg::Batch(batch));
    }
}

/// A record's source and observation time: its JSONL `source` and `observed_at` when given (the
/// time RFC 3339 with its offset), else the file's name and `--observed-at` (else, at store time,
/// now). A bad value is an error naming the file, line and field.
fn provenance(
    given: Option<Box<crate::input::Provenance>>,
    loc: &crate::input::Location,
    default_time: Option<&(String, i32)>,
) -> Result<(String, Option<(String, i32)>), String> {
    use serde_json::Value;
    let given = given.map(|b| *b).unwrap_or_default();
    let source = match given.source {
        None | Some(Value::Null) => loc.file.to_string(),
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(Value::String(_)) => {
            return Err(format!("{loc}: field \"source\" is empty"));
        }
        Some(v) => {
            return Err(format!(
                "{loc}: field \"source\" must be a string, found {}",
                crate::input::json_type(&v)
            ));
        }
    };
    let observed = match given.observed_at {
        None | Some(Value::Null) => default_time.cloned(),
        Some(Value::String(s)) => Some(redflag_store::parse_rfc3339(&s).ok_or_else(|| {
            format!(
                "{loc}: field \"observed_at\": {s:?} is not an RFC 3339 time such as 2025-03-01T08:00:00+06:30"
            )
        })?),
        Some(v) => {
            return Err(format!(
                "{loc}: field \"observed_at\" must be a string (RFC 3339), found {}",
                crate::input::json_type(&v)
            ));
        }
    };
    Ok((source, observed))
}

/// `redflag ingest`: read, analyse in parallel, store batch by batch (one transaction each).
pub fn ingest(a: IngestArgs) -> anyhow::Result<()> {
    let viewer = a.store.viewer()?;
    let mut store = a.store.open()?;
    // Selectors on the watchlists the viewer may read raise the scam score (redflag_core::watchlist).
    let engine =
        crate::packs::load_engine(a.packs.as_deref())?.with_watchlists(store.watchlists(&viewer)?);
    let version = engine_version(&engine);
    let inputs = Input::from_args(&a.files);
    let total: Option<u64> = inputs.iter().map(Input::size).sum();
    let bytes = Arc::new(AtomicU64::new(0));
    let reader = Reader::new(
        inputs,
        InputOptions {
            format: a.input,
            lines: a.lines,
            text_column: a.text_column,
            id_column: a.id_column,
        },
        bytes.clone(),
    );
    let (tx, rx) = sync_channel(2);
    let size = a.batch;
    let handle = std::thread::Builder::new()
        .name("redflag-reader".into())
        .spawn(move || read_all(reader, size, tx))?;
    let bar = match total {
        Some(t) => ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::hidden()).with_style(
            ProgressStyle::with_template(
                "{bar:40} {binary_bytes}/{binary_total_bytes} {msg} [{elapsed_precise}, ETA {eta}]",
            )
            .expect("valid template"),
        ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()),
    };
    let tty = io::stderr().is_terminal();
    if tty {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    let started = Instant::now();
    // The writer thread commits batch k while this thread analyses batch k + 1.
    let (wtx, wrx) = sync_channel::<Vec<NewDoc>>(1);
    let wbar = bar.clone();
    let wviewer = viewer.clone();
    let writer = std::thread::Builder::new()
        .name("redflag-writer".into())
        .spawn(move || -> anyhow::Result<(redflag_store::IngestOutcome, u64)> {
            let mut sum = redflag_store::IngestOutcome::default();
            let mut committed = 0u64;
            for good in wrx {
                let out = store.ingest(&wviewer, &good)?;
                committed += good.len() as u64;
                sum += out;
                if tty {
                    wbar.set_message(format!("{committed} documents committed"));
                } else {
                    eprintln!(
                        "redflag ingest: committed {committed} documents ({} stored, {} already stored)",
                        sum.stored, sum.already_stored
                    );
                }
            }
            Ok((sum, committed))
        })?;
    let finish =
        |writer: std::thread::JoinHandle<anyhow::Result<(redflag_store::IngestOutcome, u64)>>| {
            writer
                .join()
                .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?
        };
    let mut skipped = 0u64;
    let mut failure: Option<anyhow::Error> = None;
    for msg in rx {
        match msg {
            Msg::Batch(batch) => {
                let docs: Vec<Result<NewDoc, String>> = batch
                    .into_par_iter()
                    .map(|p| {
                        let number = p.number;
                        let loc = p.loc.clone();
                        let mut rec = p.decode().map_err(|e| e.to_string())?;
                        let (source, observed) =
                            provenance(rec.provenance.take(), &loc, a.observed_at.as_ref())?;
                        let given_id = rec.id != number.to_string();
                        let report = engine.analyze(&Document {
                            id: rec.id.clone(),
                            text: &rec.text,
                            lang: rec.lang,
                            kind: rec.kind,
                        });
                        Ok(NewDoc {
                            source,
                            source_id: given_id.then_some(rec.id),
                            utc_offset_min: observed.as_ref().map(|t| t.1),
                            observed_at: observed.map(|t| t.0),
                            kind: rec.kind.map(|k| k.name().to_string()),
                            tlp: NewDoc::marking(a.tlp, &report),
                            signature: Signature::of(&rec.text),
                            text: rec.text,
                            report,
                            engine: version.clone(),
                        })
                    })
                    .collect();
                let mut good = Vec::with_capacity(docs.len());
                let mut bad = None;
                for d in docs {
                    match d {
                        Ok(d) => good.push(d),
                        Err(e) if a.skip_bad => {
                            bar.suspend(|| eprintln!("warning: skipped {e}"));
                            skipped += 1;
                        }
                        Err(e) => {
                            bad = Some(e);
                            break;
                        }
                    }
                }
                // The good records before a bad one are still stored, as `scan` still prints them.
                if !good.is_empty() && wtx.send(good).is_err() {
                    break; // the writer failed: its error is reported below
                }
                if let Some(e) = bad {
                    failure = Some(BadInput(e).into());
                    break;
                }
                bar.set_position(bytes.load(Ordering::Relaxed));
            }
            Msg::Error(e) if e.io => {
                failure = Some(anyhow::anyhow!("{e}"));
                break;
            }
            Msg::Error(e) if a.skip_bad => {
                bar.suspend(|| eprintln!("warning: skipped {e}"));
                skipped += 1;
            }
            Msg::Error(e) => {
                failure = Some(BadInput(e.to_string()).into());
                break;
            }
        }
    }
    drop(wtx);
    let written = finish(writer);
    bar.finish_and_clear();
    let (sum, committed) = written?;
    if let Some(e) = failure {
        eprintln!("redflag ingest: {committed} documents committed before the error");
        return Err(e);
    }
    handle
        .join()
        .map_err(|_| anyhow::anyhow!("the reader thread panicked"))?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "ingested {committed} documents into {} as {}: {} stored ({} new texts), {} already stored, {skipped} skipped; {:.1} s, {:.0} documents/s",
        a.store.db_label(),
        viewer.org,
        sum.stored,
        sum.new_contents,
        sum.already_stored,
        secs,
        committed as f64 / secs.max(1e-9)
    );
    Ok(())
}

/// Every canonical reading of a selector as written: what the extractor makes of it, plus the
/// value itself for handles given bare.
fn keys_for(engine: &Engine, written: &str, kind: Option<&str>) -> Vec<SelectorKey> {
    let mut keys: Vec<SelectorKey> = Vec::new();
    let mut push = |k: &str, v: String| {
        if kind.is_none_or(|want| want == k) && !keys.iter().any(|x| x.kind == k && x.value == v) {
            keys.push(SelectorKey {
                kind: k.to_string(),
                value: v,
            });
        }
    };
    let report = engine.analyze(&Document::new("query", written));
    for s in &report.selectors {
        push(s.kind.as_str(), s.value.clone());
    }
    // A bare handle or a value already canonical: try it as written (lower-cased for handles).
    let bare = written.trim().trim_start_matches('@');
    if !bare.is_empty() && !bare.contains(char::is_whitespace) {
        for k in ["telegram", "line", "wechat", "signal", "email", "domain"] {
            push(k, bare.to_lowercase());
        }
        if written.trim().starts_with('@') {
            push("line", format!("@{}", bare.to_lowercase()));
        }
        for k in ["btc", "eth", "tron", "url"] {
            push(k, bare.to_string());
        }
    }
    keys
}

fn print_json<T: serde::Serialize>(v: &T) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, v)?;
    writeln!(out)?;
    Ok(())
}

fn preview(text: &str, n: usize) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s: String = one.chars().take(n).collect();
    if one.chars().count() > n {
        s.push('…');
    }
    s
}

fn print_doc(out: &mut impl Write, d: &redflag_store::DocView) -> io::Result<()> {
    let band = |t: &str| d.bands.get(t).map_or("?", String::as_str);
    let cluster = d
        .cluster
        .map_or_else(|| "no cluster".to_string(), |c| format!("cluster {c}"));
    writeln!(
        out,
        "document {} [{}] lure {} · scam {} · distress {} · {cluster}",
        d.id,
        d.lang,
        band("lure"),
        band("scam"),
        band("distress")
    )?;
    for o in &d.observations {
        writeln!(
            out,
            "  seen {} by {} in {}{} (TLP:{})",
            o.observed_at,
            o.org,
            o.source,
            o.source_id
                .as_deref()
                .map_or(String::new(), |s| format!(" #{s}")),
            o.tlp
        )?;
    }
    for s in &d.selectors {
        writeln!(
            out,
            "  {} {} ({}, {}{})",
            s.kind,
            s.value,
            s.role,
            s.state,
            s.unlinked_because
                .as_deref()
                .map_or(String::new(), |w| format!("; links nothing: {w}"))
        )?;
        if !s.watchlists.is_empty() {
            writeln!(out, "    on watchlist: {}", s.watchlists.join(", "))?;
        }
    }
    writeln!(out, "  {}", preview(&d.text, 160))
}

/// `redflag find`.
pub fn find(a: FindArgs) -> anyhow::Result<()> {
    let viewer = a.store.viewer()?;
    let engine = Engine::builtin()?;
    let store = a.store.open()?;
    let written = a.selector.join(" ");
    let keys = keys_for(&engine, &written, a.kind.as_deref());
    let docs = store.find(&viewer, &keys)?;
    if a.format == Format::Json {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            searched: Vec<String>,
            documents: &'a [redflag_store::DocView],
        }
        return print_json(&Out {
            searched: keys
                .iter()
                .map(|k| format!("{}:{}", k.kind, k.value))
                .collect(),
            documents: &docs,
        });
    }
    let mut out = io::stdout().lock();
    let extracted: Vec<String> = engine
        .analyze(&Document::new("query", &written))
        .selectors
        .iter()
        .map(|s| format!("{} {}", s.kind.as_str(), s.value))
        .collect();
    if !extracted.is_empty() {
        writeln!(out, "searching {}", extracted.join(", "))?;
    }
    let mut clusters: Vec<i64> = docs.iter().filter_map(|d| d.cluster).collect();
    clusters.sort_unstable();
    clusters.dedup();
    writeln!(
        out,
        "{} documents, {} clusters{}",
        docs.len(),
        clusters.len(),
        if clusters.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                clusters
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    )?;
    for d in &docs {
        print_doc(&mut out, d)?;
    }
    Ok(())
}

/// `redflag dups`.
pub fn dups(a: DupsArgs) -> anyhow::Result<()> {
    if !(0.0..=1.0).contains(&a.threshold) {
        return Err(BadInput("--threshold must be in [0, 1]".into()).into());
    }
    let viewer = a.store.viewer()?;
    let store = a.store.open()?;
    let fams = store.dups(&viewer, a.threshold)?;
    if a.format == Format::Json {
        return print_json(&fams);
    }
    let mut out = io::stdout().lock();
    writeln!(out, "{} template families", fams.len())?;
    for f in &fams {
        let ids: Vec<String> = f.members.iter().map(i64::to_string).collect();
        writeln!(
            out,
            "{} documents (similarity ≥ {:.2}): {}\n  {}",
            f.members.len(),
            f.min_similarity,
            ids.join(" "),
            preview(&f.sample, 120)
        )?;
    }
    Ok(())
}

/// `redflag cluster`.
pub fn cluster(a: ClusterArgs) -> anyhow::Result<()> {
    if !(0.0..=1.0).contains(&a.dup_threshold) {
        return Err(BadInput("--dup-threshold must be in [0, 1]".into()).into());
    }
    let viewer = a.store.viewer()?;
    let mut store = a.store.open()?;
    let settings = Settings {
        hub_contents: a.hub_documents,
        hub_sources: a.hub_sources,
        dup_threshold: a.dup_threshold,
        full: a.full,
    };
    let run = store.cluster(&viewer, &settings)?;
    if a.format == Format::Json {
        return print_json(&run);
    }
    let ov = &run.overview;
    println!(
        "{} run: {} new documents, {} selector links and {} template links added, {} selectors link nothing; {:.2} s",
        run.mode,
        run.new_documents,
        run.selector_links,
        run.template_links,
        run.unlinked_selectors,
        run.seconds
    );
    let phases: Vec<String> = run
        .phases
        .iter()
        .map(|(name, secs)| format!("{name} {secs:.2}"))
        .collect();
    println!("  seconds by phase: {}", phases.join(", "));
    println!(
        "{} clusters among the {} documents you can see; the largest has {} ({:.1} % of them){}",
        ov.clusters.len(),
        ov.documents,
        ov.clusters.first().map_or(0, |c| c.1),
        ov.largest_share * 100.0,
        if ov.largest_share > 0.2 && ov.documents >= 100 {
            " — a giant component usually means the linking is wrong: check hubs"
        } else {
            ""
        }
    );
    for (id, size) in ov.clusters.iter().take(20) {
        println!("  cluster {id}: {size} documents");
    }
    Ok(())
}

/// `redflag show`.
pub fn show(a: ShowArgs) -> anyhow::Result<()> {
    let viewer = a.store.viewer()?;
    let store = a.store.open()?;
    let mut out = io::stdout().lock();
    match a.what {
        ShowWhat::Doc { id } => {
            let Some(d) = store.document(&viewer, id)? else {
                return Err(BadInput(format!("no document {id}")).into());
            };
            if a.format == Format::Json {
                return print_json(&d);
            }
            print_doc(&mut out, &d)?;
        }
        ShowWhat::Cluster { id } => {
            let Some(c) = store.show_cluster(&viewer, id)? else {
                return Err(BadInput(format!("no cluster {id}")).into());
            };
            if a.format == Format::Json {
                return print_json(&c);
            }
            writeln!(
                out,
                "cluster {}: {} documents, first seen {}, last seen {}, TLP:{}",
                c.id,
                c.members.len(),
                c.first_seen,
                c.last_seen,
                c.tlp
            )?;
            writeln!(out, "members:")?;
            for m in &c.members {
                writeln!(
                    out,
                    "  {} [{}] {} lure {} · scam {} · distress {}",
                    m.id, m.lang, m.first_seen, m.bands[0], m.bands[1], m.bands[2]
                )?;
            }
            writeln!(out, "selectors:")?;
            for (kind, sels) in &c.selectors {
                for s in sels {
                    writeln!(
                        out,
                        "  {kind} {} — {} documents, {}{}{}",
                        s.value,
                        s.documents,
                        s.state,
                        s.unlinked_because
                            .as_deref()
                            .map_or(String::new(), |w| format!("; links nothing: {w}")),
                        if s.watchlists.is_empty() {
                            String::new()
                        } else {
                            format!("; on watchlist {}", s.watchlists.join(", "))
                        }
                    )?;
                }
            }
            writeln!(out, "links:")?;
            for l in &c.links {
                writeln!(out, "  {} — {}: {}", l.a, l.b, l.why)?;
            }
            if !c.places.is_empty() {
                writeln!(out, "places:")?;
                for (_, name, country, n) in &c.places {
                    writeln!(out, "  {name} ({country}): {n} documents")?;
                }
            }
            writeln!(out, "timeline (month: calling codes; places):")?;
            for m in &c.timeline {
                let codes: Vec<String> = m
                    .calling_codes
                    .iter()
                    .map(|(k, v)| format!("{k}×{v}"))
                    .collect();
                let places: Vec<String> =
                    m.places.iter().map(|(k, v)| format!("{k}×{v}")).collect();
                writeln!(
                    out,
                    "  {}: {}; {}",
                    m.month,
                    if codes.is_empty() {
                        "-".into()
                    } else {
                        codes.join(" ")
                    },
                    if places.is_empty() {
                        "-".into()
                    } else {
                        places.join(" ")
                    }
                )?;
            }
        }
    }
    Ok(())
}

/// `redflag judge`.
pub fn judge(a: JudgeArgs) -> anyhow::Result<()> {
    let viewer = a.store.viewer()?;
    let engine = Engine::builtin()?;
    let mut store = a.store.open()?;
    let keys = keys_for(&engine, &a.selector, a.kind.as_deref());
    let mut judged = Vec::new();
    for k in &keys {
        if store.judge(&viewer, k, a.verdict, a.note.as_deref())? {
            judged.push(format!("{} {}", k.kind, k.value));
        }
    }
    if judged.is_empty() {
        return Err(BadInput(format!("no stored selector matches {:?}", a.selector)).into());
    }
    println!(
        "{} {}; run `redflag cluster` to apply",
        a.verdict.as_str(),
        judged.join(", ")
    );
    Ok(())
}

/// `redflag watchlist`.
#[derive(Args)]
pub struct WatchlistArgs {
    #[command(subcommand)]
    what: WatchlistWhat,
}

#[derive(Subcommand)]
enum WatchlistWhat {
    /// Load a list of known selectors (a JSON array of strings, or one per line; `#` comments).
    Add {
        /// The list file.
        file: PathBuf,
        /// Its name, shown wherever an entry appears.
        #[arg(long)]
        name: String,
        /// Where it comes from [default: the file name].
        #[arg(long)]
        source: Option<String>,
        /// Its licence.
        #[arg(long, default_value = "unknown")]
        licence: String,
        /// An allow-list (a platform's support line, an embassy hotline): its entries never link.
        #[arg(long)]
        allow: bool,
        /// Read entries given bare as this kind (e.g. telegram for a list of handles).
        #[arg(long, value_name = "KIND")]
        kind: Option<String>,
        /// Who may see that the list names a selector [default: CLEAR, for published lists].
        #[arg(long, value_parser = parse_tlp, default_value = "CLEAR")]
        tlp: Tlp,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// `redflag watchlist add`.
pub fn watchlist(a: WatchlistArgs) -> anyhow::Result<()> {
    let WatchlistWhat::Add {
        file,
        name,
        source,
        licence,
        allow,
        kind,
        tlp,
        store,
    } = a.what;
    let viewer = store.viewer()?;
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let engine = Engine::builtin()?;
    let parsed = redflag_core::ListFile::parse(&engine, &text, kind.as_deref())
        .map_err(|e| BadInput(format!("{}: {e}", file.display())))?;
    let unread = parsed.unread;
    let entries: Vec<SelectorKey> = parsed
        .entries
        .into_iter()
        .map(|(kind, value)| SelectorKey { kind, value })
        .collect();
    let list = Watchlist {
        source: source.unwrap_or_else(|| file.display().to_string()),
        name,
        licence,
        allow,
        tlp,
        entries,
    };
    let mut st = store.open()?;
    let n = st.add_watchlist(&viewer, &list)?;
    println!(
        "{} {:?}: {n} selectors from {} entries ({unread} not recognised as a selector){}",
        if allow { "allow-list" } else { "watchlist" },
        list.name,
        parsed.read,
        if allow {
            "; run `redflag cluster` to apply"
        } else {
            ""
        }
    );
    Ok(())
}

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A STIX 2.1 bundle (OpenCTI, TAXII clients).
    Stix,
    /// A MISP event (JSON).
    Misp,
    /// FollowTheMoney entities, one JSON object per line (Aleph).
    Ftm,
    /// GraphML (Gephi, yEd, networkx).
    Graphml,
    /// GEXF 1.3 (Gephi).
    Gexf,
    /// Graphviz DOT.
    Dot,
}

/// `redflag export`.
#[derive(Args)]
pub struct ExportArgs {
    /// Format.
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// Only this cluster (its id or any member's document id) [default: every document you can
    /// see; for the graph formats, every cluster].
    #[arg(long, value_name = "ID")]
    cluster: Option<i64>,
    /// The most restrictive marking to export: CLEAR, GREEN, AMBER or AMBER+STRICT. TLP:RED is
    /// never exported, nor are victims' selectors or a rescue plea's text.
    #[arg(long, value_name = "MARKING", value_parser = parse_tlp, default_value = "AMBER")]
    max_tlp: Tlp,
    /// Output file.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[command(flatten)]
    store: StoreArgs,
}

/// `redflag export`: what the viewer may share, in an exchange or graph format.
pub fn export(a: ExportArgs) -> anyhow::Result<()> {
    use redflag_exchange::share::{Policy, Scope, collect, redact_graph};
    let viewer = a.store.viewer()?;
    let store = a.store.open()?;
    let scope = a.cluster.map_or(Scope::All, Scope::Cluster);
    let policy = Policy { max_tlp: a.max_tlp };
    let no_cluster = || BadInput(format!("no cluster {}", a.cluster.unwrap_or(0)));
    let Some(shared) = collect(&*store, &viewer, scope, policy)? else {
        return Err(no_cluster().into());
    };
    let (text, what) = match a.format {
        ExportFormat::Stix | ExportFormat::Misp | ExportFormat::Ftm => {
            let f = match a.format {
                ExportFormat::Stix => redflag_exchange::Format::Stix,
                ExportFormat::Misp => redflag_exchange::Format::Misp,
                _ => redflag_exchange::Format::Ftm,
            };
            let r = redflag_exchange::render(&shared, f);
            (r.text, r.summary)
        }
        ExportFormat::Graphml | ExportFormat::Gexf | ExportFormat::Dot => {
            let Some(g) = redflag_store::export::Graph::of_clusters(&*store, &viewer, a.cluster)?
            else {
                return Err(no_cluster().into());
            };
            let g = redact_graph(g, &shared);
            let what = format!("{} nodes, {} edges", g.nodes.len(), g.edges.len());
            let t = match a.format {
                ExportFormat::Graphml => g.graphml(),
                ExportFormat::Gexf => g.gexf(),
                _ => g.dot(),
            };
            (t, what)
        }
    };
    std::fs::write(&a.out, text).with_context(|| format!("writing {}", a.out.display()))?;
    println!("{what} written to {}", a.out.display());
    let w = shared.withheld;
    if w.documents + w.texts + w.selectors > 0 {
        println!(
            "left out: {} documents marked above TLP:{} or RED, {} texts (rescue pleas, victims' numbers), {} selectors (victims', hotlines, rejected, unvalidated)",
            w.documents,
            policy.ceiling(),
            w.texts,
            w.selectors
        );
    }
    Ok(())
}

/// Import formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// A STIX 2.1 bundle.
    Stix,
    /// A MISP event (JSON).
    Misp,
}

/// `redflag import`.
#[derive(Args)]
pub struct ImportArgs {
    /// Format.
    #[arg(long, value_enum)]
    format: ImportFormat,
    /// The file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[command(flatten)]
    store: StoreArgs,
}

/// `redflag import`: a partner's bundle or event into the store (checked whole before anything
/// is written).
pub fn import(a: ImportArgs) -> anyhow::Result<()> {
    use redflag_exchange::{Error as ExError, MAX_IMPORT_BYTES, import, misp, read_limited, stix};
    let viewer = a.store.viewer()?;
    let name = a.file.display().to_string();
    let bad = |e: ExError| -> anyhow::Error {
        match e {
            ExError::Invalid(_) | ExError::TooLarge { .. } => BadInput(e.to_string()).into(),
            e => e.into(),
        }
    };
    let bytes = read_limited(&a.file, MAX_IMPORT_BYTES).map_err(bad)?;
    let imported = match a.format {
        ImportFormat::Stix => stix::parse(&bytes, &name),
        ImportFormat::Misp => misp::parse(&bytes, &name),
    }
    .map_err(bad)?;
    let engine = Engine::builtin()?;
    let mut store = a.store.open()?;
    let out = import::apply(&mut *store, &viewer, &engine, &imported, &name)?;
    println!(
        "{} documents stored ({} new texts), {} already stored",
        out.documents.stored, out.documents.new_contents, out.documents.already_stored
    );
    if let Some((list, n)) = &out.watchlist {
        println!("{n} selectors no imported text carries, as watchlist {list:?}");
    }
    for u in &out.unrecognised {
        eprintln!("warning: not read as a selector: {u}");
    }
    for n in &out.not_read {
        eprintln!("note: {n}");
    }
    Ok(())
}

/// `redflag report`.
#[derive(Args)]
pub struct ReportArgs {
    /// The cluster (its id or any member's document id).
    #[arg(long, value_name = "ID")]
    cluster: i64,
    /// Output file (HTML).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[command(flatten)]
    store: StoreArgs,
}

/// `redflag report`: the case report of one cluster, as the viewer may see it.
pub fn report(a: ReportArgs) -> anyhow::Result<()> {
    let viewer = a.store.viewer()?;
    let store = a.store.open()?;
    let Some(r) = redflag_store::report::CaseReport::gather(&*store, &viewer, a.cluster)? else {
        return Err(BadInput(format!("no cluster {}", a.cluster)).into());
    };
    let html = r.html(&redflag_store::now_utc());
    std::fs::write(&a.out, html).with_context(|| format!("writing {}", a.out.display()))?;
    println!(
        "cluster {}: {} documents, {} selectors, TLP:{}; report written to {}",
        r.view.id,
        r.docs.len(),
        r.view.selectors.values().map(Vec::len).sum::<usize>(),
        r.view.tlp.as_str(),
        a.out.display()
    );
    Ok(())
}
