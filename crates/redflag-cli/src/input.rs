//! Reading documents: formats, compression, record numbering, and errors that name the file and line.
//!
//! Work is split so that only what must be sequential runs on the reader thread: opening files,
//! decompressing, cutting lines and CSV records. Decoding a record (UTF-8 check, JSON parse, field
//! checks) happens in [`Pending::decode`], which the scanner runs in parallel. A record that fails to
//! decode is a [`BadRecord`]; a problem with a whole file (empty, missing CSV column, corrupt gzip) is an
//! [`InputError`].
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use clap::ValueEnum;
use redflag_core::Lang;
use serde::Deserialize;

/// Input formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Plain text: one document per file, or per line with --lines.
    Text,
    /// One JSON object per line with a `text` field.
    Jsonl,
    /// CSV with a header row.
    Csv,
}

/// How to read the inputs.
#[derive(Debug, Clone)]
pub struct InputOptions {
    /// Forced format; else from the extension, else sniffed.
    pub format: Option<InputFormat>,
    /// Text: one document per line.
    pub lines: bool,
    /// CSV text column.
    pub text_column: String,
    /// CSV id column (explicit: must exist).
    pub id_column: Option<String>,
}

/// The name stdin goes by in messages.
pub const STDIN: &str = "<stdin>";

const BOM: &[u8] = b"\xEF\xBB\xBF";
const GZIP_MAGIC: &[u8] = b"\x1F\x8B";
const READ_BUFFER: usize = 256 * 1024;

/// Where a record came from: file and 1-based line (none for a whole-file document).
#[derive(Debug, Clone)]
pub struct Location {
    /// The file as named on the command line, or `<stdin>`.
    pub file: Arc<str>,
    /// 1-based line where the record starts.
    pub line: Option<u64>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}", self.file),
            None => f.write_str(&self.file),
        }
    }
}

/// A decoded record, ready for the engine.
#[derive(Debug)]
pub struct Record {
    /// The input's id or the record number.
    pub id: String,
    /// The text.
    pub text: String,
    /// The language the input gave, if redflag knows it.
    pub lang: Option<Lang>,
    /// The kind of text the input gave (JSONL `kind`).
    pub kind: Option<redflag_core::DocKind>,
    /// JSONL `source` and `observed_at` as given (read by `ingest`, which checks them; `scan`
    /// ignores them).
    pub provenance: Option<Box<Provenance>>,
}

/// Where and when a record says it was seen (JSONL fields `source`, `observed_at`), unchecked.
#[derive(Debug, Default)]
pub struct Provenance {
    /// `source`.
    pub source: Option<serde_json::Value>,
    /// `observed_at`.
    pub observed_at: Option<serde_json::Value>,
}

/// A record that cannot be read; the others still can.
#[derive(Debug)]
pub struct BadRecord {
    /// Where.
    pub loc: Location,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for BadRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.loc, self.message)
    }
}

/// A problem with a file as a whole.
#[derive(Debug)]
pub struct InputError {
    /// Where.
    pub loc: Location,
    /// What is wrong.
    pub message: String,
    /// True for I/O failures (exit 1); false for bad data (exit 2, or skipped with --skip-bad).
    pub io: bool,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.loc, self.message)
    }
}

/// A record cut from its file but not yet decoded.
#[derive(Debug)]
pub struct Pending {
    /// 1-based record number across all inputs (the id when the input gives none).
    pub number: u64,
    /// Where it starts.
    pub loc: Location,
    payload: Payload,
}

#[derive(Debug)]
enum Payload {
    /// A JSONL line.
    Json(Vec<u8>),
    /// A text line or a whole text file.
    Text(Vec<u8>),
    /// CSV fields (None: the row is too short to have that column).
    Csv {
        text: Option<Vec<u8>>,
        id: Option<Vec<u8>>,
        lang: Option<Vec<u8>>,
        text_column: Arc<str>,
    },
}

impl Pending {
    /// Bytes it holds (for bounding batches).
    pub fn size(&self) -> usize {
        match &self.payload {
            Payload::Json(b) | Payload::Text(b) => b.len(),
            Payload::Csv { text, id, lang, .. } => [text, id, lang]
                .iter()
                .map(|f| f.as_ref().map_or(0, Vec::len))
                .sum(),
        }
    }

    /// Decode into a record.
    pub fn decode(self) -> Result<Record, BadRecord> {
        let loc = self.loc;
        let number = self.number;
        let bad = |message: String| BadRecord {
            loc: loc.clone(),
            message,
        };
        match self.payload {
            Payload::Text(bytes) => {
                let text = String::from_utf8(bytes).map_err(|e| {
                    let b = e.as_bytes();
                    let at = e.utf8_error().valid_up_to();
                    if loc.line.is_some() {
                        bad(format!(
                            "invalid UTF-8 at byte {} of the line (0x{:02x})",
                            at + 1,
                            b[at]
                        ))
                    } else {
                        let line = b[..at].iter().filter(|&&c| c == b'\n').count() + 1;
                        let col = at
                            - b[..at]
                                .iter()
                                .rposition(|&c| c == b'\n')
                                .map_or(0, |p| p + 1)
                            + 1;
                        BadRecord {
                            loc: Location {
                                file: loc.file.clone(),
                                line: Some(line as u64),
                            },
                            message: format!(
                                "invalid UTF-8 at byte {col} of the line (0x{:02x})",
                                b[at]
                            ),
                        }
                    }
                })?;
                Ok(Record {
                    id: number.to_string(),
                    text,
                    lang: None,
                    kind: None,
                    provenance: None,
                })
            }
            Payload::Json(bytes) => decode_json(&bytes, number).map_err(bad),
            Payload::Csv {
                text,
                id,
                lang,
                text_column,
            } => {
                let field = |name: &str, v: Vec<u8>| {
                    String::from_utf8(v).map_err(|e| {
                        format!(
                            "invalid UTF-8 in column {name:?} at byte {}",
                            e.utf8_error().valid_up_to() + 1
                        )
                    })
                };
                let text = text.ok_or_else(|| {
                    bad(format!(
                        "the row has no {text_column:?} field (too few fields)"
                    ))
                })?;
                let text = field(&text_column, text).map_err(&bad)?;
                let id = match id.map(|v| field("id", v)).transpose().map_err(&bad)? {
                    Some(s) if !s.is_empty() => s,
                    _ => number.to_string(),
                };
                let lang = lang.map(|v| field("lang", v)).transpose().map_err(&bad)?;
                Ok(Record {
                    id,
                    text,
                    lang: lang.as_deref().and_then(lang_of),
                    kind: None,
                    provenance: None,
                })
            }
        }
    }
}

/// The fields redflag reads from a JSONL object; others are ignored.
#[derive(Deserialize)]
struct JsonRecord {
    #[serde(default)]
    text: Option<serde_json::Value>,
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    lang: Option<serde_json::Value>,
    #[serde(default)]
    kind: Option<serde_json::Value>,
    #[serde(default)]
    source: Option<serde_json::Value>,
    #[serde(default)]
    observed_at: Option<serde_json::Value>,
}

pub fn json_type(v: &serde_json::Value) -> &'static str {
    use serde_json::Value::*;
    match v {
        Null => "null",
        Bool(_) => "a boolean",
        Number(_) => "a number",
        String(_) => "a string",
        Array(_) => "an array",
        Object(_) => "an object",
    }
}

fn decode_json(line: &[u8], number: u64) -> Result<Record, String> {
    // A derived struct would also accept a JSON array positionally; only objects are records.
    match line.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => {}
        _ => {
            return Err(match serde_json::from_slice::<serde_json::Value>(line) {
                Ok(v) => format!("not a JSON object (found {})", json_type(&v)),
                Err(e) => json_error(&e),
            });
        }
    }
    let rec: JsonRecord = serde_json::from_slice(line).map_err(|e| json_error(&e))?;
    let text = match rec.text {
        Some(serde_json::Value::String(s)) => s,
        None | Some(serde_json::Value::Null) => return Err("no \"text\" field".into()),
        Some(v) => {
            return Err(format!(
                "field \"text\" must be a string, found {}",
                json_type(&v)
            ));
        }
    };
    let id = match rec.id {
        None | Some(serde_json::Value::Null) => number.to_string(),
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(v) => {
            return Err(format!(
                "field \"id\" must be a string or a number, found {}",
                json_type(&v)
            ));
        }
    };
    let lang = match rec.lang {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => lang_of(&s),
        Some(v) => {
            return Err(format!(
                "field \"lang\" must be a string, found {}",
                json_type(&v)
            ));
        }
    };
    let kind = match rec.kind {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(redflag_core::DocKind::parse(&s)),
        Some(v) => {
            return Err(format!(
                "field \"kind\" must be a string, found {}",
                json_type(&v)
            ));
        }
    };
    let provenance = match (rec.source, rec.observed_at) {
        (None, None) => None,
        (source, observed_at) => Some(Box::new(Provenance {
            source,
            observed_at,
        })),
    };
    Ok(Record {
        id,
        text,
        lang,
        kind,
        provenance,
    })
}

/// serde_json's message without its "at line 1 column N" (a JSONL record is one line), plus the column.
fn json_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let msg = msg.strip_suffix(&suffix).unwrap_or(&msg);
    if e.column() > 0 {
        format!("invalid JSON: {msg} at column {}", e.column())
    } else {
        format!("invalid JSON: {msg}")
    }
}

/// A language code from the input: a known code or its primary subtag (`en-US` → en); unknown codes
/// (e.g. `fr`) mean "detect".
pub fn lang_of(code: &str) -> Option<Lang> {
    let code = code.trim().to_ascii_lowercase();
    let primary = code.split(['-', '_']).next().unwrap_or("");
    Lang::from_code(&code)
        .or_else(|| Lang::from_code(primary))
        .filter(|l| *l != Lang::Und)
}

/// Read all of stdin as one UTF-8 text (for `check -`).
pub fn read_stdin_text() -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    io::stdin().read_to_end(&mut bytes)?;
    let bytes = bytes.strip_prefix(BOM).unwrap_or(&bytes).to_vec();
    String::from_utf8(bytes).map_err(|e| {
        crate::BadInput(format!(
            "{STDIN}: invalid UTF-8 at byte {}",
            e.utf8_error().valid_up_to() + 1
        ))
        .into()
    })
}

/// Counts bytes read from the underlying file (compressed bytes for gzip), for the progress bar.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

type BoxRead = Box<dyn BufRead + Send>;

/// One input: a path or stdin.
#[derive(Debug, Clone)]
pub enum Input {
    /// stdin.
    Stdin,
    /// A file.
    Path(PathBuf),
}

impl Input {
    /// From command-line arguments: none or `-` is stdin.
    pub fn from_args(files: &[PathBuf]) -> Vec<Input> {
        if files.is_empty() {
            return vec![Input::Stdin];
        }
        files
            .iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    Input::Stdin
                } else {
                    Input::Path(p.clone())
                }
            })
            .collect()
    }

    fn name(&self) -> Arc<str> {
        match self {
            Input::Stdin => STDIN.into(),
            Input::Path(p) => p.display().to_string().into(),
        }
    }

    /// The size in bytes, when known up front.
    pub fn size(&self) -> Option<u64> {
        match self {
            Input::Stdin => None,
            Input::Path(p) => std::fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len()),
        }
    }
}

/// The reader of one open file.
enum FileReader {
    /// JSONL, or text with --lines.
    Lines {
        r: BoxRead,
        json: bool,
        line: u64,
        gzip: bool,
        records: u64,
    },
    /// One document per file.
    Whole { r: BoxRead, gzip: bool },
    /// CSV.
    Csv {
        r: Box<csv::Reader<BoxRead>>,
        text: usize,
        id: Option<usize>,
        lang: Option<usize>,
        text_column: Arc<str>,
        gzip: bool,
        records: u64,
    },
}

/// Cuts records from a list of inputs, in order, numbering them across all inputs.
pub struct Reader {
    inputs: std::vec::IntoIter<Input>,
    opts: InputOptions,
    next_number: u64,
    current: Option<(Arc<str>, FileReader)>,
    bytes: Arc<AtomicU64>,
}

impl Reader {
    /// A reader over `inputs`; `bytes` counts the bytes read from them.
    pub fn new(inputs: Vec<Input>, opts: InputOptions, bytes: Arc<AtomicU64>) -> Reader {
        Reader {
            inputs: inputs.into_iter(),
            opts,
            next_number: 1,
            current: None,
            bytes,
        }
    }

    /// The next record, or a problem with the current file (after which that file is abandoned).
    pub fn next_record(&mut self) -> Option<Result<Pending, InputError>> {
        loop {
            if self.current.is_none() {
                let input = self.inputs.next()?;
                match self.open(&input) {
                    Ok(r) => self.current = Some((input.name(), r)),
                    Err(e) => return Some(Err(e)),
                }
            }
            let (file, reader) = self.current.as_mut().expect("opened above");
            let file = file.clone();
            match next_in_file(&file, reader, self.next_number) {
                Ok(Some(p)) => {
                    self.next_number += 1;
                    return Some(Ok(p));
                }
                Ok(None) => self.current = None,
                Err(e) => {
                    self.current = None;
                    return Some(Err(e));
                }
            }
        }
    }

    fn open(&self, input: &Input) -> Result<FileReader, InputError> {
        let name = input.name();
        let at = |line: Option<u64>| Location {
            file: name.clone(),
            line,
        };
        let io_err = |e: io::Error| InputError {
            loc: at(None),
            message: format!("cannot read: {e}"),
            io: true,
        };
        let raw: Box<dyn Read + Send> = match input {
            Input::Stdin => Box::new(io::stdin()),
            Input::Path(p) => Box::new(File::open(p).map_err(|e| InputError {
                loc: at(None),
                message: format!("cannot open: {e}"),
                io: true,
            })?),
        };
        let counted = Counting {
            inner: raw,
            count: self.bytes.clone(),
        };
        let mut r: BoxRead = Box::new(BufReader::with_capacity(READ_BUFFER, counted));
        let empty = || InputError {
            loc: at(None),
            message: "empty input".into(),
            io: false,
        };
        let head = r.fill_buf().map_err(io_err)?;
        if head.is_empty() {
            return Err(empty());
        }
        // The magic bytes decide (a `.gz` name that is not gzip is read as it is): plain text never starts
        // with 0x1F 0x8B, which is not valid UTF-8.
        let gzip = head.starts_with(GZIP_MAGIC);
        if gzip {
            // Multi-member: `cat a.gz b.gz` and bgzip files are several gzip members in a row.
            r = Box::new(BufReader::with_capacity(
                READ_BUFFER,
                flate2::bufread::MultiGzDecoder::new(r),
            ));
            let head = r.fill_buf().map_err(|e| read_error(&name, None, e, true))?;
            if head.is_empty() {
                return Err(InputError {
                    loc: at(None),
                    message: "empty input (after gzip decompression)".into(),
                    io: false,
                });
            }
        }
        let format = match self.opts.format.or_else(|| match input {
            Input::Path(p) => format_from_extension(p),
            Input::Stdin => None,
        }) {
            Some(f) => f,
            None => {
                let (f, pushed) = sniff(r).map_err(|e| read_error(&name, Some(1), e, gzip))?;
                r = pushed;
                f
            }
        };
        Ok(match format {
            InputFormat::Jsonl => FileReader::Lines {
                r,
                json: true,
                line: 0,
                gzip,
                records: 0,
            },
            InputFormat::Text if self.opts.lines => FileReader::Lines {
                r,
                json: false,
                line: 0,
                gzip,
                records: 0,
            },
            InputFormat::Text => FileReader::Whole { r, gzip },
            InputFormat::Csv => self.open_csv(&name, r, gzip)?,
        })
    }

    fn open_csv(&self, name: &Arc<str>, r: BoxRead, gzip: bool) -> Result<FileReader, InputError> {
        let mut csv = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(r);
        let headers = csv
            .byte_headers()
            .map_err(|e| csv_error(name, e, gzip))?
            .clone();
        let names: Vec<String> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = if i == 0 {
                    h.strip_prefix(BOM).unwrap_or(h)
                } else {
                    h
                };
                String::from_utf8_lossy(h).trim().to_string()
            })
            .collect();
        let find = |col: &str| names.iter().position(|n| n == col);
        let missing = |col: &str| InputError {
            loc: Location {
                file: name.clone(),
                line: Some(1),
            },
            message: format!(
                "no column {col:?} in the header (columns: {})",
                names.join(", ")
            ),
            io: false,
        };
        let text = find(&self.opts.text_column).ok_or_else(|| missing(&self.opts.text_column))?;
        let id = match &self.opts.id_column {
            Some(c) => Some(find(c).ok_or_else(|| missing(c))?),
            None => find("id"),
        };
        Ok(FileReader::Csv {
            r: Box::new(csv),
            text,
            id,
            lang: find("lang"),
            text_column: self.opts.text_column.as_str().into(),
            gzip,
            records: 0,
        })
    }
}

/// `.txt`, `.jsonl`/`.ndjson`, `.csv`, each optionally followed by `.gz`.
fn format_from_extension(p: &Path) -> Option<InputFormat> {
    let name = p.file_name()?.to_str()?.to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let ext = name.rsplit_once('.')?.1;
    match ext {
        "txt" | "text" => Some(InputFormat::Text),
        "jsonl" | "ndjson" => Some(InputFormat::Jsonl),
        "csv" => Some(InputFormat::Csv),
        _ => None,
    }
}

/// Decide JSONL or text from the first non-blank line, and hand back a reader that still yields it.
fn sniff(mut r: BoxRead) -> io::Result<(InputFormat, BoxRead)> {
    let mut seen = Vec::new();
    let format = loop {
        let start = seen.len();
        if r.read_until(b'\n', &mut seen)? == 0 {
            break InputFormat::Text;
        }
        let line = &seen[start..];
        let line = if start == 0 {
            line.strip_prefix(BOM).unwrap_or(line)
        } else {
            line
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let is_object = matches!(
            serde_json::from_slice::<serde_json::Value>(line),
            Ok(serde_json::Value::Object(_))
        );
        break if is_object {
            InputFormat::Jsonl
        } else {
            InputFormat::Text
        };
    };
    Ok((format, Box::new(io::Cursor::new(seen).chain(r))))
}

/// A read failure: corrupt compressed data is bad input; anything else is I/O.
fn read_error(file: &Arc<str>, line: Option<u64>, e: io::Error, gzip: bool) -> InputError {
    let data = gzip
        && matches!(
            e.kind(),
            io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
        );
    InputError {
        loc: Location {
            file: file.clone(),
            line,
        },
        message: if data {
            format!("corrupt gzip data: {e}")
        } else {
            format!("read error: {e}")
        },
        io: !data,
    }
}

fn csv_error(file: &Arc<str>, e: csv::Error, gzip: bool) -> InputError {
    let line = e.position().map(|p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(io) => read_error(file, line, io, gzip),
        other => InputError {
            loc: Location {
                file: file.clone(),
                line,
            },
            message: format!("CSV error: {:?}", other),
            io: false,
        },
    }
}

fn next_in_file(
    file: &Arc<str>,
    reader: &mut FileReader,
    number: u64,
) -> Result<Option<Pending>, InputError> {
    let empty = |what: &str| InputError {
        loc: Location {
            file: file.clone(),
            line: None,
        },
        message: format!("empty input: {what}"),
        io: false,
    };
    match reader {
        FileReader::Lines {
            r,
            json,
            line,
            gzip,
            records,
        } => loop {
            let mut buf = Vec::new();
            let n = r
                .read_until(b'\n', &mut buf)
                .map_err(|e| read_error(file, Some(*line + 1), e, *gzip))?;
            if n == 0 {
                if *records == 0 {
                    return Err(empty(if *json { "no JSON records" } else { "no lines" }));
                }
                return Ok(None);
            }
            *line += 1;
            if buf.last() == Some(&b'\n') {
                buf.pop();
                if buf.last() == Some(&b'\r') {
                    buf.pop();
                }
            }
            if *line == 1 && buf.starts_with(BOM) {
                buf.drain(..BOM.len());
            }
            // Blank lines separate nothing in JSONL; in text every line is a document, so that the
            // record number stays the line number.
            if *json && buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            *records += 1;
            let loc = Location {
                file: file.clone(),
                line: Some(*line),
            };
            let payload = if *json {
                Payload::Json(buf)
            } else {
                Payload::Text(buf)
            };
            return Ok(Some(Pending {
                number,
                loc,
                payload,
            }));
        },
        FileReader::Whole { r, gzip } => {
            let mut buf = Vec::new();
            r.read_to_end(&mut buf)
                .map_err(|e| read_error(file, None, e, *gzip))?;
            if buf.is_empty() {
                // The file was consumed by the previous call.
                return Ok(None);
            }
            if buf.starts_with(BOM) {
                buf.drain(..BOM.len());
            }
            let loc = Location {
                file: file.clone(),
                line: None,
            };
            // A document that is only a BOM is empty text, still a document.
            Ok(Some(Pending {
                number,
                loc,
                payload: Payload::Text(buf),
            }))
        }
        FileReader::Csv {
            r,
            text,
            id,
            lang,
            text_column,
            gzip,
            records,
        } => {
            let mut rec = csv::ByteRecord::new();
            let more = r
                .read_byte_record(&mut rec)
                .map_err(|e| csv_error(file, e, *gzip))?;
            if !more {
                if *records == 0 {
                    return Err(empty("no CSV records after the header"));
                }
                return Ok(None);
            }
            *records += 1;
            let line = rec.position().map(|p| p.line());
            let get = |i: usize| rec.get(i).map(<[u8]>::to_vec);
            let payload = Payload::Csv {
                text: get(*text),
                id: id.and_then(get),
                lang: lang.and_then(get),
                text_column: text_column.clone(),
            };
            Ok(Some(Pending {
                number,
                loc: Location {
                    file: file.clone(),
                    line,
                },
                payload,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        let f = |s: &str| format_from_extension(Path::new(s));
        assert_eq!(f("a.txt"), Some(InputFormat::Text));
        assert_eq!(f("a.JSONL.gz"), Some(InputFormat::Jsonl));
        assert_eq!(f("dir.v2/a.ndjson"), Some(InputFormat::Jsonl));
        assert_eq!(f("a.csv.gz"), Some(InputFormat::Csv));
        assert_eq!(f("a.gz"), None);
        assert_eq!(f("README"), None);
        assert_eq!(f("a.json"), None);
    }

    #[test]
    fn json_records() {
        let r = decode_json(
            br#"{"text":"hi","id":7,"lang":"en-US","kind":"job_ad","extra":[1]}"#,
            3,
        )
        .unwrap();
        assert_eq!(
            (r.id.as_str(), r.text.as_str(), r.lang),
            ("7", "hi", Some(Lang::En))
        );
        let r = decode_json(br#"{"text":"hi","lang":"fr"}"#, 3).unwrap();
        assert_eq!((r.id.as_str(), r.lang), ("3", None));
        let err = |s: &str| decode_json(s.as_bytes(), 1).unwrap_err();
        assert_eq!(err(r#"{"id":1}"#), "no \"text\" field");
        assert_eq!(
            err(r#"{"text":5}"#),
            "field \"text\" must be a string, found a number"
        );
        assert_eq!(
            err(r#"{"text":"a","id":[1]}"#),
            "field \"id\" must be a string or a number, found an array"
        );
        assert_eq!(err(r#"["text"]"#), "not a JSON object (found an array)");
        assert_eq!(
            err(r#"{"text":"a" "id":1}"#),
            "invalid JSON: expected `,` or `}` at column 13"
        );
        assert!(
            err(r#"{"text":"a"#).starts_with("invalid JSON: EOF while parsing"),
            "{}",
            err(r#"{"text":"a"#)
        );
    }

    #[test]
    fn whole_text_utf8_error_names_line() {
        let p = Pending {
            number: 1,
            loc: Location {
                file: "x.txt".into(),
                line: None,
            },
            payload: Payload::Text(b"ok\nfine\nbad \xff here".to_vec()),
        };
        assert_eq!(
            p.decode().unwrap_err().to_string(),
            "x.txt:3: invalid UTF-8 at byte 5 of the line (0xff)"
        );
    }

    #[test]
    fn langs() {
        assert_eq!(lang_of("TH"), Some(Lang::Th));
        assert_eq!(lang_of("zh_Hant"), Some(Lang::Zh));
        assert_eq!(lang_of("fil"), Some(Lang::Tl));
        assert_eq!(lang_of("und"), None);
        assert_eq!(lang_of("de"), None);
    }
}
