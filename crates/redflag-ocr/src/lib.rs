//! # redflag-ocr
//!
//! Recruitment ads travel as posters and screenshots, and Line/WeChat IDs as QR codes. This crate gets
//! the text out of an image so the engine can assess it like any other:
//! - **OCR** by Debian's `tesseract` command-line program (not a libtesseract binding: no C library or
//!   bindgen at build time, a crash or a pathological image cannot take the caller down with it, and a
//!   run is killed after a timeout). A first pass with several scripts' models tells the script of the
//!   text (Tesseract's own script detection, `--psm 0`, misnamed rendered Khmer, Burmese and Chinese in
//!   trials), which chooses the models of the second pass (`tsv` output: words with their confidence);
//!   the text is rebuilt line by line, without spaces between words of scripts written without them
//!   (Thai, Lao, Khmer, Burmese, Chinese).
//! - **QR codes** by `rqrr` (pure Rust) on the decoded image.
//! - **Bad input**: the format and dimensions are read from the header before anything is decoded; an
//!   image over [`MAX_PIXELS`] or not PNG/JPEG/WebP is refused with a clear error; decoding runs under
//!   `image`'s allocation limits.
#![warn(missing_docs)]

mod assess;
mod tesseract;

use std::fmt;
use std::io::Cursor;

use serde::Serialize;

pub use assess::{ImageAssessment, QrFound, assess_image};
pub use tesseract::{FIRST_PASS_LANGS, Ocr, OcrOptions, langs_for_script, ocr, script_of};

/// The largest image accepted, in pixels (width × height): 100 megapixels.
pub const MAX_PIXELS: u64 = 100_000_000;

/// Why an image could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageError(pub String);

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ImageError {}

/// What the header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImageInfo {
    /// `png`, `jpeg` or `webp`.
    pub format: &'static str,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Whether the bytes start like an image redflag reads (PNG, JPEG, WebP).
pub fn looks_like_image(bytes: &[u8]) -> bool {
    matches!(
        image::guess_format(bytes),
        Ok(image::ImageFormat::Png | image::ImageFormat::Jpeg | image::ImageFormat::WebP)
    )
}

/// Read the format and dimensions from the header only, and refuse what redflag will not decode.
pub fn probe(bytes: &[u8]) -> Result<ImageInfo, ImageError> {
    let format = match image::guess_format(bytes) {
        Ok(image::ImageFormat::Png) => "png",
        Ok(image::ImageFormat::Jpeg) => "jpeg",
        Ok(image::ImageFormat::WebP) => "webp",
        Ok(f) => {
            return Err(ImageError(format!(
                "{f:?} images are not read (PNG, JPEG, WebP)"
            )));
        }
        Err(_) => return Err(ImageError("not a PNG, JPEG or WebP image".into())),
    };
    let (width, height) = if format == "png" {
        // Signature, then the IHDR chunk: length, type, width, height (big-endian).
        let be =
            |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        if bytes.len() < 24 || &bytes[12..16] != b"IHDR" {
            return Err(ImageError("corrupt png image: no IHDR header".into()));
        }
        (be(16), be(20))
    } else {
        image::ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| ImageError(format!("unreadable {format} header: {e}")))?
            .into_dimensions()
            .map_err(|e| ImageError(format!("corrupt {format} image: {e}")))?
    };
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(ImageError(format!(
            "{width}×{height} pixels ({:.0} megapixels) is over the {} megapixel limit",
            pixels as f64 / 1e6,
            MAX_PIXELS / 1_000_000
        )));
    }
    if width == 0 || height == 0 {
        return Err(ImageError(format!(
            "empty {format} image ({width}×{height})"
        )));
    }
    Ok(ImageInfo {
        format,
        width,
        height,
    })
}

/// Decode (after [`probe`]) to 8-bit grey, under allocation limits.
pub fn decode_luma(bytes: &[u8]) -> Result<image::GrayImage, ImageError> {
    let info = probe(bytes)?;
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImageError(format!("unreadable {} header: {e}", info.format)))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(info.width);
    limits.max_image_height = Some(info.height);
    // RGBA8 of the largest accepted image, plus the grey copy.
    limits.max_alloc = Some(MAX_PIXELS * 5);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| ImageError(format!("corrupt {} image: {e}", info.format)))?;
    Ok(img.to_luma8())
}

/// The contents of every QR code found in the image, in the order found.
pub fn decode_qr(grey: &image::GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        grey.width() as usize,
        grey.height() as usize,
        |x, y| grey.get_pixel(x as u32, y as u32).0[0],
    );
    let mut out = Vec::new();
    for grid in prepared.detect_grids() {
        if let Ok((_, content)) = grid.decode()
            && !out.contains(&content)
        {
            out.push(content);
        }
    }
    out
}

/// A QR code's content that is a chat-app contact link (`line.me`, `t.me`, `wa.me`, `u.wechat.com`),
/// which the selector extractor turns into a handle.
pub fn is_contact_link(content: &str) -> bool {
    let lower = content.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    [
        "line.me/",
        "t.me/",
        "wa.me/",
        "u.wechat.com/",
        "qr.line.me/",
        "telegram.me/",
    ]
    .iter()
    .any(|p| rest.starts_with(p))
}
