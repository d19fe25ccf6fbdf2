//! `redflag scan`: a bounded pipeline. A reader thread cuts records into batches (bounded by count AND
//! bytes) and hands them over a channel of capacity [`QUEUED_BATCHES`]; the main thread decodes and
//! analyses each batch in parallel (rayon), then writes the outputs in input order. Memory therefore
//! stays at a few batches whatever the input size (plus the largest single record).
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use redflag_core::{Document, Engine, Lang};

use crate::BadInput;
use crate::input::{Input, InputError, InputOptions, Pending, Reader};
use crate::render::{OutputFormat, Renderer, Summary};

/// A batch ends at this many records…
const BATCH_RECORDS: usize = 2048;
/// …or at this many bytes of input, whichever comes first (a batch always holds at least one record).
const BATCH_BYTES: usize = 8 << 20;
/// Batches read ahead while one is analysed.
const QUEUED_BATCHES: usize = 2;
/// The progress bar appears only once a scan has taken this long: short inputs never flicker one.
const PROGRESS_AFTER: Duration = Duration::from_millis(1500);

/// Options for a scan.
pub struct ScanOptions {
    /// How to read.
    pub input: InputOptions,
    /// Language for records that give none.
    pub lang: Option<Lang>,
    /// Output format.
    pub format: OutputFormat,
    /// Colour (table only).
    pub color: bool,
    /// Warn and go on past bad records.
    pub skip_bad: bool,
}

enum Msg {
    /// Records, and the input bytes read once they were cut (the progress bar shows what is written,
    /// not what the reader has read ahead).
    Batch(Vec<Pending>, u64),
    Error(InputError),
}

fn read_all(mut reader: Reader, read_bytes: Arc<AtomicU64>, tx: SyncSender<Msg>) {
    let batch_msg =
        |b: &mut Vec<Pending>| Msg::Batch(std::mem::take(b), read_bytes.load(Ordering::Relaxed));
    let mut batch = Vec::new();
    let mut bytes = 0;
    while let Some(item) = reader.next_record() {
        match item {
            Ok(p) => {
                bytes += p.size();
                batch.push(p);
                if batch.len() >= BATCH_RECORDS || bytes >= BATCH_BYTES {
                    if tx.send(batch_msg(&mut batch)).is_err() {
                        return;
                    }
                    bytes = 0;
                }
            }
            Err(e) => {
                // The records before the error go first, so output order is input order.
                if !batch.is_empty() && tx.send(batch_msg(&mut batch)).is_err() {
                    return;
                }
                bytes = 0;
                if tx.send(Msg::Error(e)).is_err() {
                    return;
                }
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(batch_msg(&mut batch));
    }
}

/// Run a scan over `files` (none or `-`: stdin).
pub fn run(engine: &Engine, files: &[PathBuf], opts: &ScanOptions) -> anyhow::Result<()> {
    let inputs = Input::from_args(files);
    if inputs.iter().filter(|i| matches!(i, Input::Stdin)).count() > 1 {
        return Err(BadInput("stdin (`-`) can be read only once".into()).into());
    }
    let stdin_only = inputs.iter().all(|i| matches!(i, Input::Stdin));
    if stdin_only && io::stdin().is_terminal() {
        eprintln!("redflag: reading documents from the terminal; end with Ctrl-D");
    }
    let total: Option<u64> = inputs.iter().map(Input::size).sum();
    let read_bytes = Arc::new(AtomicU64::new(0));
    let reader = Reader::new(inputs, opts.input.clone(), read_bytes.clone());
    let (tx, rx) = sync_channel(QUEUED_BATCHES);
    let counter = read_bytes.clone();
    let handle = std::thread::Builder::new()
        .name("redflag-reader".into())
        .spawn(move || read_all(reader, counter, tx))?;

    let outcome = process(engine, rx, opts, total);
    // On success the reader has finished; on an early stop it may still block on stdin, so leave it.
    if outcome.is_ok() {
        handle
            .join()
            .map_err(|_| anyhow::anyhow!("the reader thread panicked"))?;
    }
    outcome
}

fn progress_bar(total: Option<u64>) -> ProgressBar {
    match total {
        Some(t) => ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::hidden()).with_style(
            ProgressStyle::with_template(
                "{bar:40} {binary_bytes}/{binary_total_bytes} {msg} [{elapsed_precise}, ETA {eta}]",
            )
            .expect("valid template"),
        ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()).with_style(
            ProgressStyle::with_template("{spinner} {binary_bytes} {msg} [{elapsed_precise}]")
                .expect("valid template"),
        ),
    }
}

fn process(
    engine: &Engine,
    rx: Receiver<Msg>,
    opts: &ScanOptions,
    total: Option<u64>,
) -> anyhow::Result<()> {
    let renderer = Renderer::new(opts.format, opts.color);
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(256 * 1024, stdout.lock());
    // A bar only where someone watches it: stderr is a terminal and stdout is not (a table on the same
    // terminal would be torn by it).
    let watch = io::stderr().is_terminal() && !io::stdout().is_terminal();
    let bar = progress_bar(total);
    let started = Instant::now();
    let mut summary = Summary::default();
    let mut skipped = 0u64;
    let mut written = 0u64;

    if let Some(h) = renderer.header() {
        out.write_all(h.as_bytes())?;
    }
    for msg in rx {
        match msg {
            Msg::Batch(batch, position) => {
                let outputs: Vec<_> = batch
                    .into_par_iter()
                    .map(|p| {
                        p.decode().map(|rec| {
                            let doc = Document {
                                id: rec.id,
                                text: &rec.text,
                                lang: rec.lang.or(opts.lang),
                                kind: rec.kind,
                            };
                            let report = engine.analyze(&doc);
                            let mut buf = Vec::with_capacity(1024);
                            renderer.render(&report, &mut buf);
                            (buf, Summary::of(&report))
                        })
                    })
                    .collect();
                for o in outputs {
                    match o {
                        Ok((buf, s)) => {
                            out.write_all(&buf)?;
                            summary.add(&s);
                            written += 1;
                        }
                        Err(bad) if opts.skip_bad => {
                            bar.suspend(|| eprintln!("warning: skipped {bad}"));
                            skipped += 1;
                        }
                        Err(bad) => {
                            out.flush()?;
                            bar.finish_and_clear();
                            return Err(BadInput(bad.to_string()).into());
                        }
                    }
                }
                bar.set_message(format!("{written} documents"));
                bar.set_position(position);
            }
            Msg::Error(e) if e.io => {
                out.flush()?;
                bar.finish_and_clear();
                return Err(anyhow::anyhow!("{e}"));
            }
            Msg::Error(e) if opts.skip_bad => {
                bar.suspend(|| eprintln!("warning: skipped {e}"));
                skipped += 1;
            }
            Msg::Error(e) => {
                out.flush()?;
                bar.finish_and_clear();
                return Err(BadInput(e.to_string()).into());
            }
        }
        if watch && bar.is_hidden() && started.elapsed() >= PROGRESS_AFTER {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
    if let Some(f) = renderer.footer(&summary) {
        out.write_all(f.as_bytes())?;
    }
    out.flush().context("writing the output")?;
    bar.finish_and_clear();
    if skipped > 0 {
        let s = if skipped == 1 { "" } else { "s" };
        eprintln!("warning: skipped {skipped} bad record{s}; {written} documents written");
    }
    Ok(())
}
