//! `redflag`: the command-line shell over `redflag-core`.
//!
//! Every decision (scores, bands, reasons, selectors) is made by the library; this binary reads inputs,
//! fans documents out over the cores, and writes reports in input order.
mod calibrate;
mod check;
mod datasets;
mod image_cmd;
mod input;
mod packs;
mod render;
mod scan;
mod serve_cmd;
mod store_cmd;
mod thread_cmd;
mod train;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use redflag_core::Lang;

use crate::input::InputFormat;
use crate::render::OutputFormat;

/// Analysing a document makes many short-lived allocations (views, offset maps, findings, JSON):
/// mimalloc's thread-local free lists serve them faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXIT_CODES: &str = "\
Exit codes:
  0  success (with --skip-bad: every good record was processed; the skipped ones were reported on stderr)
  1  I/O error, a broken or missing rule pack, or `packs test` found a failure
  2  bad input (invalid UTF-8, malformed JSON, missing column or field, empty file) or bad usage";

#[derive(Parser)]
#[command(
    name = "redflag",
    version,
    about = "Explainable red flags for trafficking lures, scams and distress, with validated selectors.",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Score documents from files or stdin: one report per document, in input order.
    #[command(after_help = SCAN_HELP)]
    Scan(ScanArgs),
    /// Explain one text in full: every finding, its span and explanation, and every selector.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Inspect and test rule packs.
    #[command(subcommand)]
    Packs(PacksCommand),
    /// Scan documents and keep them in the store with their assessments and selectors.
    Ingest(store_cmd::IngestArgs),
    /// Find stored documents and clusters by a selector in any written form.
    Find(store_cmd::FindArgs),
    /// List near-duplicate template families in the store.
    Dups(store_cmd::DupsArgs),
    /// Link stored documents by shared selectors and templates, and update the clusters.
    Cluster(store_cmd::ClusterArgs),
    /// Show a stored cluster or document.
    Show(store_cmd::ShowArgs),
    /// Record an analyst's verdict on a selector: confirmed, rejected or allow.
    Judge(store_cmd::JudgeArgs),
    /// Load watchlists and allow-lists of known selectors into the store.
    Watchlist(store_cmd::WatchlistArgs),
    /// Export what you may share: STIX 2.1, MISP, FollowTheMoney, or a graph (GraphML, GEXF, DOT).
    Export(store_cmd::ExportArgs),
    /// Serve the web application (public checker, analyst workspace, screening, admin, JSON API).
    Serve(serve_cmd::ServeArgs),
    /// Manage the web application's users.
    #[command(subcommand)]
    User(serve_cmd::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Apply retention per marking (the audit chain stays whole).
    Purge(serve_cmd::PurgeArgs),
    /// Import a partner's STIX 2.1 bundle or MISP event into the store.
    Import(store_cmd::ImportArgs),
    /// Write a cluster's case report: one self-contained HTML file (graph, relocation timeline,
    /// selectors, documents with their reasons highlighted).
    Report(store_cmd::ReportArgs),
    /// Train a classifier model on labelled texts (seeded train/dev split; figures on the dev split).
    #[command(after_help = EXIT_CODES)]
    Train(train::TrainArgs),
    /// Evaluate a model: precision, recall, F1, ROC-AUC, PR-AUC, confusion matrix and threshold.
    #[command(after_help = EXIT_CODES)]
    Eval(train::EvalArgs),
}

const SCAN_HELP: &str = "\
Input formats (from the extension, optionally followed by .gz; else sniffed; --input overrides):
  .txt            one document per file (or one per line with --lines)
  .jsonl .ndjson  one JSON object per line: \"text\" (required), \"id\", \"lang\", \"kind\" (optional)
  .csv            a header row; --text-column (default text), --id-column (default id, if present), lang
Gzip is recognised by its magic bytes. On stdin (`-` or no FILE), a first line that parses as a JSON
object means JSONL; anything else is text.

JSONL output is the stable contract: one object per document, in input order (see USAGE.md).

Exit codes:
  0  success (with --skip-bad: every good record was processed; the skipped ones were reported on stderr)
  1  I/O error, a broken or missing rule pack
  2  bad input (invalid UTF-8, malformed JSON, missing column or field, empty file) or bad usage";

/// When to colour terminal output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal and NO_COLOR is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    fn enabled(self) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                // https://no-color.org: any non-empty NO_COLOR disables colour.
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
                !no_color && !dumb && std::io::stdout().is_terminal()
            }
        }
    }
}

#[derive(Args)]
struct ScanArgs {
    /// Input files; `-` (or none) reads stdin.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Read FILE as a chat export (WhatsApp text, Telegram Desktop JSON, Line text) and assess it as a
    /// thread: the scam stages it goes through, pleas anywhere, and every message on its own.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["files", "input", "lines"])]
    thread: Option<PathBuf>,
    /// The chat export's format, instead of sniffing it: whatsapp, telegram or line.
    #[arg(long, value_name = "FORMAT", requires = "thread", value_parser = thread_cmd::parse_format)]
    thread_format: Option<redflag_threads::Format>,
    /// Offset from UTC of the export's local times (WhatsApp and Line give none; Telegram's JSON does),
    /// e.g. +07:00 [default: +00:00].
    #[arg(long, value_name = "OFFSET", requires = "thread", value_parser = thread_cmd::parse_offset, allow_hyphen_values = true)]
    tz_offset: Option<i32>,
    /// Input format, instead of the extension or sniffing.
    #[arg(long, value_enum, value_name = "FORMAT")]
    input: Option<InputFormat>,
    /// Text input: one document per line instead of one per file.
    #[arg(long)]
    lines: bool,
    /// CSV: the column holding the text.
    #[arg(long, value_name = "NAME", default_value = "text")]
    text_column: String,
    /// CSV: the column holding the id (default: `id` when the header has it; else the record number).
    #[arg(long, value_name = "NAME")]
    id_column: Option<String>,
    /// Output format [default: table when stdout is a terminal, else jsonl].
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<OutputFormat>,
    /// Language of records that do not give one (skips detection).
    #[arg(long, value_name = "CODE", value_parser = parse_lang)]
    lang: Option<Lang>,
    /// Load lure.toml, scam.toml, distress.toml and calibration.toml from DIR instead of the built-in packs.
    #[arg(long, value_name = "DIR")]
    packs: Option<PathBuf>,
    /// Rules only: leave out the built-in classifier models (job_ads, messages).
    #[arg(long)]
    no_models: bool,
    /// A watchlist file (JSON array of strings, or one selector per line): a listed contact raises
    /// the scam score, with the list (named after the file) as the reason. Repeatable.
    #[arg(long, value_name = "FILE")]
    watchlist: Vec<PathBuf>,
    /// An allow-list file (same format): its values never raise. Repeatable.
    #[arg(long, value_name = "FILE")]
    allowlist: Vec<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Warn about each bad record on stderr and go on, instead of stopping with exit code 2.
    #[arg(long)]
    skip_bad: bool,
    /// Colour in table output.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    color: ColorChoice,
}

/// How `check` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    /// Human-readable explanation.
    Text,
    /// The report as pretty-printed JSON.
    Json,
}

#[derive(Args)]
struct CheckArgs {
    /// The text to explain (several words are joined with spaces); `-` reads it from stdin.
    #[arg(required_unless_present = "image", num_args = 1.., value_name = "TEXT")]
    text: Vec<String>,
    /// Explain the text of an image (PNG, JPEG, WebP) instead: OCR by Tesseract, QR codes decoded.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["text", "lang"])]
    image: Option<PathBuf>,
    /// The text's language, instead of detecting it.
    #[arg(long, value_name = "CODE", value_parser = parse_lang)]
    lang: Option<Lang>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text", value_name = "FORMAT")]
    format: CheckFormat,
    /// Load the packs from DIR instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    packs: Option<PathBuf>,
    /// Rules only: leave out the built-in classifier models.
    #[arg(long)]
    no_models: bool,
    /// Colour.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    color: ColorChoice,
}

#[derive(Subcommand)]
enum PacksCommand {
    /// Load the packs, run every rule's examples and (with --data) the false-positive check.
    #[command(after_help = "\
Exit codes:
  0  the packs load, every example behaves as stated, and no phrase fires on more than 1 % of the
     genuine messages of any labelled dataset under --data
  1  anything else (the failures are listed)")]
    Test {
        /// Pack directory [default: the built-in packs].
        #[arg(long, value_name = "DIR")]
        packs: Option<PathBuf>,
        /// Labelled datasets (e.g. ../shared/data) for the false-positive check.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
    /// Fit the band cut-points of calibration.toml on the genuine texts of the labelled datasets.
    Calibrate {
        /// Pack directory [default: the built-in packs].
        #[arg(long, value_name = "DIR")]
        packs: Option<PathBuf>,
        /// Labelled datasets (e.g. ../shared/data).
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// Where to write the new calibration.toml [default: standard output].
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// List the packs: versions, rules per category and per language.
    List {
        /// Pack directory [default: the built-in packs].
        #[arg(long, value_name = "DIR")]
        packs: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a user; printed once.
    Create(serve_cmd::TokenArgs),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the audit log's hash chain; exit 1 when an entry was edited, inserted or removed.
    Verify(serve_cmd::AuditArgs),
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::from_code(s).ok_or_else(|| {
        format!("unknown language {s:?} (known: en, id, ms, tl, vi, th, zh, my, km, und)")
    })
}

/// An error caused by the input data rather than by the system: exit code 2.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// An outcome already reported to the user that still needs a non-zero exit (e.g. a failed pack test).
#[derive(Debug)]
pub struct Failed;

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("failed")
    }
}

impl std::error::Error for Failed {}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Scan(a) => {
            if let Some(n) = a.threads {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(usize::from(n))
                    .build_global()?;
            }
            let mut engine = packs::load_engine(a.packs.as_deref())?;
            if a.no_models {
                engine = engine.with_models(Vec::new());
            }
            if !a.watchlist.is_empty() || !a.allowlist.is_empty() {
                let lists = packs::load_watchlists(&engine, &a.watchlist, &a.allowlist)?;
                engine = engine.with_watchlists(lists);
            }
            let format = a.format.unwrap_or_else(|| {
                use std::io::IsTerminal;
                if std::io::stdout().is_terminal() {
                    OutputFormat::Table
                } else {
                    OutputFormat::Jsonl
                }
            });
            if let Some(file) = &a.thread {
                let stages = thread_cmd::load_stages(&engine, a.packs.as_deref())?;
                let opts = redflag_threads::ParseOptions {
                    format: a.thread_format,
                    offset_minutes: a.tz_offset,
                };
                return thread_cmd::run(&engine, &stages, file, &opts, format, a.color.enabled());
            }
            if !a.files.is_empty() && a.files.iter().all(|f| image_cmd::is_image_file(f)) {
                return image_cmd::scan(&engine, &a.files, format != OutputFormat::Table);
            }
            let opts = scan::ScanOptions {
                input: input::InputOptions {
                    format: a.input,
                    lines: a.lines,
                    text_column: a.text_column,
                    id_column: a.id_column,
                },
                lang: a.lang,
                format,
                color: a.color.enabled(),
                skip_bad: a.skip_bad,
            };
            scan::run(&engine, &a.files, &opts)
        }
        Command::Check(a) => {
            let mut engine = packs::load_engine(a.packs.as_deref())?;
            if a.no_models {
                engine = engine.with_models(Vec::new());
            }
            if let Some(img) = &a.image {
                return image_cmd::check(
                    &engine,
                    img,
                    a.format == CheckFormat::Json,
                    a.color.enabled(),
                );
            }
            let text = if a.text.len() == 1 && a.text[0] == "-" {
                input::read_stdin_text()?
            } else {
                a.text.join(" ")
            };
            check::run(
                &engine,
                &text,
                a.lang,
                a.format == CheckFormat::Json,
                a.color.enabled(),
            )
        }
        Command::Packs(PacksCommand::Test { packs, data }) => {
            packs::test(packs.as_deref(), data.as_deref())
        }
        Command::Train(a) => train::train(a),
        Command::Eval(a) => train::eval(a),
        Command::Packs(PacksCommand::List { packs }) => packs::list(packs.as_deref()),
        Command::Packs(PacksCommand::Calibrate { packs, data, out }) => calibrate::run(
            &packs::load_engine(packs.as_deref())?,
            &data,
            out.as_deref(),
        ),
        Command::Ingest(a) => store_cmd::ingest(a),
        Command::Find(a) => store_cmd::find(a),
        Command::Dups(a) => store_cmd::dups(a),
        Command::Cluster(a) => store_cmd::cluster(a),
        Command::Show(a) => store_cmd::show(a),
        Command::Judge(a) => store_cmd::judge(a),
        Command::Watchlist(a) => store_cmd::watchlist(a),
        Command::Export(a) => store_cmd::export(a),
        Command::Serve(a) => serve_cmd::serve(a),
        Command::User(c) => serve_cmd::user(c),
        Command::Token(TokenCommand::Create(a)) => serve_cmd::token(a),
        Command::Audit(AuditCommand::Verify(a)) => serve_cmd::audit_verify(a),
        Command::Purge(a) => serve_cmd::purge(a),
        Command::Import(a) => store_cmd::import(a),
        Command::Report(a) => store_cmd::report(a),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is::<Failed>() => ExitCode::from(1),
        Err(e) => {
            if let Some(io) = e.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::BrokenPipe
            {
                // `redflag … | head`: the reader has all it wanted.
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            if e.is::<BadInput>() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
