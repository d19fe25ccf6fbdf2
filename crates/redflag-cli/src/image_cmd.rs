//! Images (`redflag check --image FILE`, `redflag scan poster.png`): OCR and QR codes by `redflag-ocr`,
//! the text assessed like any other; this prints it and says it came from OCR, with its confidence.
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use redflag_core::Engine;
use redflag_ocr::{ImageAssessment, OcrOptions};

use crate::BadInput;
use crate::render::Style;

/// Image files larger than this are refused before reading (the pixel limit is checked from the header).
const MAX_IMAGE_BYTES: u64 = 200 << 20;

/// Whether a file starts like a PNG, JPEG or WebP image.
pub fn is_image_file(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .is_ok_and(|n| redflag_ocr::looks_like_image(&head[..n]))
}

/// Read and assess one image; a bad image is `BadInput` naming the file.
pub fn assess(engine: &Engine, path: &Path) -> anyhow::Result<ImageAssessment> {
    let name = path.display().to_string();
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read {name}"))?
        .len();
    if size > MAX_IMAGE_BYTES {
        return Err(BadInput(format!(
            "{name}: {size} bytes is over the {} MiB image limit",
            MAX_IMAGE_BYTES >> 20
        ))
        .into());
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {name}"))?;
    let id = path
        .file_name()
        .map_or(name.clone(), |f| f.to_string_lossy().into_owned());
    redflag_ocr::assess_image(engine, &id, &bytes, &OcrOptions::default())
        .map_err(|e| BadInput(format!("{name}: {e}")).into())
}

/// The header saying where the text came from.
pub fn origin(a: &ImageAssessment) -> String {
    let mut s = format!(
        "{} {}×{}: text from OCR (tesseract {}{}), mean confidence {:.1}, {} words\n",
        a.image.format,
        a.image.width,
        a.image.height,
        a.ocr.langs,
        a.ocr
            .script
            .as_deref()
            .map_or(String::new(), |x| format!(", script {x}")),
        a.ocr.mean_confidence,
        a.ocr.words
    );
    for q in &a.qr {
        s += &format!(
            "QR code: {}{}{}\n",
            q.content,
            if q.contact_link {
                " (chat contact link)"
            } else {
                ""
            },
            if q.selectors.is_empty() {
                String::new()
            } else {
                format!(" → selectors {}", q.selectors.join(", "))
            }
        );
    }
    if a.text.trim().is_empty() {
        s += "no text found in the image\n";
    }
    s
}

/// `check --image`: the full explanation of an image's text.
pub fn check(engine: &Engine, path: &Path, json: bool, color: bool) -> anyhow::Result<()> {
    let a = assess(engine, path)?;
    let out = if json {
        serde_json::to_string_pretty(&a)? + "\n"
    } else {
        origin(&a) + "\n" + &crate::check::explain(&a.text, &a.report, false, Style::new(color))
    };
    let mut so = std::io::stdout().lock();
    so.write_all(out.as_bytes())?;
    so.flush()?;
    Ok(())
}

/// `scan` of image files: one JSON object per image (jsonl), or the origin line and the report's bands.
pub fn scan(engine: &Engine, files: &[std::path::PathBuf], jsonl: bool) -> anyhow::Result<()> {
    let mut so = std::io::stdout().lock();
    for f in files {
        let a = assess(engine, f)?;
        if jsonl {
            writeln!(so, "{}", serde_json::to_string(&a)?)?;
        } else {
            let r = &a.report;
            write!(
                so,
                "{}  {}  lure {} {:.2}  scam {} {:.2}  distress {} {:.2}\n{}\n",
                f.display(),
                origin(&a).trim_end().replace('\n', "\n  "),
                r.lure.band.name(),
                r.lure.score,
                r.scam.band.name(),
                r.scam.score,
                r.distress.assessment.band.name(),
                r.distress.assessment.score,
                r.selectors
                    .iter()
                    .map(|s| format!("  selector {}", s.value))
                    .collect::<Vec<_>>()
                    .join("\n")
            )?;
        }
    }
    so.flush()?;
    Ok(())
}
