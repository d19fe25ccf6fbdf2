//! Running `tesseract`: the script pass, the text pass, the TSV.
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::ImageError;

/// How to run Tesseract.
#[derive(Debug, Clone)]
pub struct OcrOptions {
    /// The program (default `tesseract` on the PATH).
    pub program: PathBuf,
    /// A run taking longer is killed.
    pub timeout: Duration,
    /// Language models instead of choosing them from the script (`tha+eng`).
    pub langs: Option<String>,
}

impl Default for OcrOptions {
    fn default() -> OcrOptions {
        OcrOptions {
            program: PathBuf::from("tesseract"),
            timeout: Duration::from_secs(60),
            langs: None,
        }
    }
}

/// Text read from an image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ocr {
    /// The text, line by line (empty when the image has none).
    pub text: String,
    /// Mean word confidence, 0–100 (0 when no word was read).
    pub mean_confidence: f64,
    /// Words read.
    pub words: usize,
    /// The script the first pass saw (`Latin`, `Thai`, `Khmer`, `Myanmar`, `Han`), if it read letters.
    pub script: Option<String>,
    /// The language models used (`tha+eng`).
    pub langs: String,
}

/// Tesseract language models for a script as Tesseract's OSD names it. English is added to every
/// script: posters mix in Latin handles, numbers and URLs.
pub fn langs_for_script(script: &str) -> &'static str {
    match script {
        "Thai" => "tha+eng",
        "Han" | "HanS" | "HanT" | "Japanese" | "Korean" => "chi_sim+chi_tra+eng",
        "Khmer" => "khm+eng",
        "Myanmar" => "mya+eng",
        _ => "eng+vie+ind",
    }
}

fn run(
    opts: &OcrOptions,
    bytes: &[u8],
    args: &[&str],
) -> Result<(bool, String, String), ImageError> {
    let mut child = Command::new(&opts.program)
        .arg("stdin")
        .arg("stdout")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            ImageError(format!(
                "cannot run {} ({e}): install Debian's tesseract-ocr and its language data",
                opts.program.display()
            ))
        })?;
    let mut stdin = child.stdin.take().expect("piped");
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut so = child.stdout.take().expect("piped");
    let mut se = child.stderr.take().expect("piped");
    let out_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = so.read_to_end(&mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = se.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) if start.elapsed() > opts.timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ImageError(format!(
                    "tesseract took over {} s on this image and was stopped",
                    opts.timeout.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(ImageError(format!("waiting for tesseract: {e}"))),
        }
    };
    let _ = writer.join();
    let out = String::from_utf8_lossy(&out_t.join().unwrap_or_default()).into_owned();
    let err = String::from_utf8_lossy(&err_t.join().unwrap_or_default()).into_owned();
    Ok((status.success(), out, err))
}

/// The models of the first pass, which only has to tell the script (Tesseract's own orientation and
/// script detection, `--psm 0`, named Latin or Arabic for rendered Khmer, Burmese and Chinese in trials).
pub const FIRST_PASS_LANGS: &str = "eng+tha+khm+mya+chi_sim";

/// The dominant script of a text, by letters: Thai, Khmer, Myanmar, Han or Latin; `None` without letters.
pub fn script_of(text: &str) -> Option<&'static str> {
    let mut counts = [0usize; 5];
    for c in text.chars() {
        let i = match c {
            '\u{0e00}'..='\u{0e7f}' => 0,
            '\u{1780}'..='\u{17ff}' => 1,
            '\u{1000}'..='\u{109f}' => 2,
            '\u{3400}'..='\u{9fff}' => 3,
            c if c.is_alphabetic() => 4,
            _ => continue,
        };
        counts[i] += 1;
    }
    let names = ["Thai", "Khmer", "Myanmar", "Han", "Latin"];
    // A non-Latin script wins with a quarter of the letters: posters add Latin handles and URLs to any
    // language, and the Thai model of the first pass reads Vietnamese diacritics as a few Thai letters.
    let (best, n) = counts[..4]
        .iter()
        .enumerate()
        .max_by_key(|(_, n)| **n)
        .map(|(i, n)| (i, *n))
        .unwrap_or((4, 0));
    let letters: usize = counts.iter().sum();
    if n >= 4 && n * 4 >= letters {
        Some(names[best])
    } else if counts[4] > 0 {
        Some("Latin")
    } else {
        None
    }
}

fn spaceless(c: char) -> bool {
    matches!(c,
        '\u{0e00}'..='\u{0eff}'   // Thai, Lao
        | '\u{1000}'..='\u{109f}' // Myanmar
        | '\u{1780}'..='\u{17ff}' // Khmer
        | '\u{3000}'..='\u{30ff}' // CJK punctuation, kana
        | '\u{3400}'..='\u{9fff}' // Han
        | '\u{ff00}'..='\u{ffef}')
}

/// Rebuild text and confidence from Tesseract's TSV (level 5 rows are words).
pub(crate) fn from_tsv(tsv: &str) -> (String, f64, usize) {
    let mut text = String::new();
    let mut key = None;
    let mut sum = 0.0;
    let mut n = 0usize;
    for row in tsv.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let word = f[11].trim();
        let Ok(conf) = f[10].parse::<f64>() else {
            continue;
        };
        if word.is_empty() || conf < 0.0 {
            continue;
        }
        let k = (f[2], f[3], f[4]);
        match key {
            Some(p) if p == k => {
                let prev = text.chars().next_back();
                let next = word.chars().next();
                if !(prev.is_some_and(spaceless) && next.is_some_and(spaceless)) {
                    text.push(' ');
                }
            }
            Some((b, p, _)) if (b, p) != (k.0, k.1) => text.push_str("\n\n"),
            Some(_) => text.push('\n'),
            None => {}
        }
        key = Some(k);
        text.push_str(word);
        sum += conf;
        n += 1;
    }
    (text, if n == 0 { 0.0 } else { sum / n as f64 }, n)
}

/// OCR an image (already checked with [`crate::probe`]).
pub fn ocr(bytes: &[u8], opts: &OcrOptions) -> Result<Ocr, ImageError> {
    crate::probe(bytes)?;
    let pass = |langs: &str| -> Result<(String, f64, usize), ImageError> {
        let (ok, out, err) = run(opts, bytes, &["-l", langs, "--psm", "3", "tsv"])?;
        if !ok {
            let msg = err
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("failed");
            return Err(ImageError(format!("tesseract ({langs}): {msg}")));
        }
        Ok(from_tsv(&out))
    };
    let (script, langs, first) = match &opts.langs {
        Some(l) => (None, l.clone(), None),
        None => {
            let first = pass(FIRST_PASS_LANGS)?;
            let script = script_of(&first.0);
            let langs = langs_for_script(script.unwrap_or("Latin")).to_string();
            (script.map(str::to_string), langs, Some(first))
        }
    };
    let (text, mean_confidence, words) = match first {
        // Nothing read at all: no second pass.
        Some(f) if f.2 == 0 => f,
        _ => pass(&langs)?,
    };
    Ok(Ocr {
        text,
        mean_confidence: (mean_confidence * 10.0).round() / 10.0,
        words,
        script,
        langs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_lines_paragraphs_and_spaceless_scripts() {
        let h = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n";
        let rows = [
            "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t",
            "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\tEasy",
            "5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t80\tjob",
            "5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t70\tงาน",
            "5\t1\t1\t1\t2\t2\t0\t0\t1\t1\t60\tง่าย",
            "5\t1\t2\t1\t1\t1\t0\t0\t1\t1\t50\t@hr_kh",
            "5\t1\t2\t1\t1\t2\t0\t0\t1\t1\t-1\t ",
        ];
        let (t, c, n) = from_tsv(&(h.to_string() + &rows.join("\n")));
        assert_eq!(t, "Easy job\nงานง่าย\n\n@hr_kh");
        assert_eq!(n, 5);
        assert!((c - 70.0).abs() < 1e-9);
        assert_eq!(from_tsv(h), (String::new(), 0.0, 0));
    }

    #[test]
    fn languages_follow_the_script() {
        assert_eq!(langs_for_script("Thai"), "tha+eng");
        assert_eq!(langs_for_script("Han"), "chi_sim+chi_tra+eng");
        assert_eq!(langs_for_script("Cyrillic"), "eng+vie+ind");
        assert_eq!(script_of("งานง่าย Line @x"), Some("Thai"));
        assert_eq!(script_of("Call 0812345678 now"), Some("Latin"));
        assert_eq!(script_of("高薪招聘 WeChat"), Some("Han"));
        assert_eq!(script_of("1234 !!"), None);
        assert_eq!(
            script_of("Tuyén gap ททลท vién, khong can kinh nghiém, lung cao"),
            Some("Latin")
        );
    }
}
