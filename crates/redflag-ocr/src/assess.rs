//! An image assessed like any text: OCR text and QR contents joined into one text (QR contents on
//! lines of their own after the OCR text), analysed by the engine; spans point into that text, and
//! every QR code names its span and the selectors found in it.
use redflag_core::{Document, Engine, Report};
use serde::Serialize;

use crate::{
    ImageError, ImageInfo, Ocr, OcrOptions, decode_luma, decode_qr, is_contact_link, ocr, probe,
};

/// A QR code found in the image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QrFound {
    /// Its content.
    pub content: String,
    /// Start of the content in the assessed text (Unicode scalar values).
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
    /// Whether it is a chat-app contact link (line.me, t.me, wa.me, u.wechat.com).
    pub contact_link: bool,
    /// The selectors found in it (canonical values), each also in `report.selectors`.
    pub selectors: Vec<String>,
}

/// Everything redflag says about an image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageAssessment {
    /// Where the text came from: `ocr`.
    pub source: &'static str,
    /// The image's format and size.
    pub image: ImageInfo,
    /// The OCR result: its text, mean confidence, script and models.
    pub ocr: Ocr,
    /// QR codes.
    pub qr: Vec<QrFound>,
    /// The text assessed: the OCR text, then each QR content on its own line.
    pub text: String,
    /// The engine's report on `text`.
    pub report: Report,
}

/// Read an image (OCR and QR codes) and assess its text.
pub fn assess_image(
    engine: &Engine,
    id: &str,
    bytes: &[u8],
    opts: &OcrOptions,
) -> Result<ImageAssessment, ImageError> {
    let info = probe(bytes)?;
    let grey = decode_luma(bytes)?;
    let contents = decode_qr(&grey);
    drop(grey);
    let o = ocr(bytes, opts)?;
    let mut text = o.text.clone();
    let mut spans = Vec::new();
    for c in &contents {
        if !text.is_empty() {
            text.push('\n');
        }
        let start = text.chars().count();
        text.push_str(c);
        spans.push((start, text.chars().count()));
    }
    let report = engine.analyze(&Document::new(id, &text));
    let qr = contents
        .into_iter()
        .zip(spans)
        .map(|(content, (start, end))| QrFound {
            contact_link: is_contact_link(&content),
            selectors: report
                .selectors
                .iter()
                .filter(|s| s.start >= start && s.end <= end)
                .map(|s| s.value.clone())
                .collect(),
            content,
            start,
            end,
        })
        .collect();
    Ok(ImageAssessment {
        source: "ocr",
        image: info,
        ocr: o,
        qr,
        text,
        report,
    })
}
