//! Images made here: known texts in each script rendered by pango-view (Noto / Khmer OS fonts), rotated
//! and speckled, then read back by Tesseract; a QR code generated with the `qrcode` crate; bad images.
//! Needs `tesseract` (with redflag's language data) and `pango-view`: scripts/test.sh installs them and
//! sets REDFLAG_REQUIRE_OCR, which turns their absence into a failure instead of a skip.
use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;

use image::{GrayImage, Luma};
use redflag_core::Engine;
use redflag_ocr::{OcrOptions, assess_image, decode_luma, decode_qr, is_contact_link, ocr, probe};

fn tools() -> bool {
    let ok = |p: &str| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let present = ok("tesseract") && ok("pango-view");
    if !present {
        assert!(
            std::env::var_os("REDFLAG_REQUIRE_OCR").is_none(),
            "REDFLAG_REQUIRE_OCR is set but tesseract or pango-view is missing"
        );
        eprintln!("skipped: tesseract or pango-view not installed");
    }
    present
}

/// Render `text` with `font` to PNG bytes.
fn render(text: &str, font: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.png");
    let st = Command::new("pango-view")
        .args([
            "-q",
            "--margin=30",
            "-w",
            "560",
            "--background=white",
            "--foreground=black",
        ])
        .arg(format!("--font={font}"))
        .arg(format!("--text={text}"))
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success(), "pango-view failed");
    std::fs::read(&out).unwrap()
}

fn png(img: &GrayImage) -> Vec<u8> {
    let mut v = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut v), image::ImageFormat::Png)
        .unwrap();
    v
}

/// Rotate by `deg` (bilinear, white fill) and flip `noise` of the pixels to random grey levels.
fn degrade(bytes: &[u8], deg: f64, noise: f64, seed: u64) -> Vec<u8> {
    let src = decode_luma(bytes).unwrap();
    let (w, h) = (src.width() as f64, src.height() as f64);
    let (s, c) = deg.to_radians().sin_cos();
    let mut out = GrayImage::from_pixel(src.width(), src.height(), Luma([255]));
    let mut state = seed | 1;
    let mut rnd = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for y in 0..src.height() {
        for x in 0..src.width() {
            let (dx, dy) = (x as f64 - w / 2.0, y as f64 - h / 2.0);
            let (sx, sy) = (c * dx + s * dy + w / 2.0, -s * dx + c * dy + h / 2.0);
            let mut v = 255.0;
            if sx >= 0.0 && sy >= 0.0 && sx < w - 1.0 && sy < h - 1.0 {
                let (x0, y0) = (sx.floor() as u32, sy.floor() as u32);
                let (fx, fy) = (sx - sx.floor(), sy - sy.floor());
                let p = |x: u32, y: u32| f64::from(src.get_pixel(x, y).0[0]);
                v = p(x0, y0) * (1.0 - fx) * (1.0 - fy)
                    + p(x0 + 1, y0) * fx * (1.0 - fy)
                    + p(x0, y0 + 1) * (1.0 - fx) * fy
                    + p(x0 + 1, y0 + 1) * fx * fy;
            }
            if rnd() < noise {
                v = rnd() * 255.0;
            }
            out.put_pixel(x, y, Luma([v.round() as u8]));
        }
    }
    png(&out)
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::builtin().unwrap());

struct Case {
    script: &'static str,
    font: &'static str,
    text: &'static str,
    phrases: &'static [&'static str],
    selectors: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        script: "Latin",
        font: "Noto Sans 24",
        text: "URGENT HIRING: customer service in Sihanoukville. No experience needed, salary 1500 USD, free flight and visa. Contact Telegram @hr_kh_jobs",
        phrases: &["no experience needed", "free flight", "sihanoukville"],
        selectors: &["hr_kh_jobs"],
    },
    Case {
        script: "Thai",
        font: "Noto Sans Thai 26",
        text: "รับสมัครงานด่วน ไม่ต้องมีประสบการณ์ เงินเดือนสูง ทำงานที่กัมพูชา ตั๋วเครื่องบินฟรี ติดต่อ Line ID: @job_th99",
        phrases: &["ไม่ต้องมีประสบการณ์", "เงินเดือนสูง", "กัมพูชา"],
        selectors: &["job_th99"],
    },
    Case {
        script: "Han",
        font: "Noto Sans CJK SC 26",
        text: "高薪招聘 无需经验 包吃包住 机票报销 工作地点柬埔寨 联系 Telegram @cn_jobs_88",
        phrases: &["无需经验", "包吃包住", "柬埔寨"],
        selectors: &["cn_jobs_88"],
    },
    Case {
        script: "Latin",
        font: "Noto Sans 24",
        text: "Tuyển gấp nhân viên, không cần kinh nghiệm, lương cao, làm việc tại Campuchia. Liên hệ Telegram @vn_tuyendung",
        phrases: &["không cần kinh nghiệm", "lương cao", "campuchia"],
        selectors: &["vn_tuyendung"],
    },
    Case {
        script: "Khmer",
        font: "Khmer OS 26",
        text: "ការងារងាយស្រួល ប្រាក់ខែខ្ពស់ មិនត្រូវការបទពិសោធន៍ Telegram @kh_work_01",
        phrases: &["ប្រាក់ខែខ្ពស់", "មិនត្រូវការបទពិសោធន៍"],
        selectors: &["kh_work_01"],
    },
    Case {
        script: "Myanmar",
        font: "Noto Sans Myanmar 26",
        text: "အလုပ်ခေါ်နေသည် လစာကောင်း အတွေ့အကြုံမလိုပါ Telegram @mm_jobs_22",
        phrases: &["လစာကောင်း", "အတွေ့အကြုံမလိုပါ"],
        selectors: &["mm_jobs_22"],
    },
];

#[test]
fn rendered_posters_are_read_in_every_script_with_their_phrases_and_selectors() {
    if !tools() {
        return;
    }
    let opts = OcrOptions::default();
    let mut missed = Vec::new();
    for (i, c) in CASES.iter().enumerate() {
        let clean = render(c.text, c.font);
        let noisy = degrade(&clean, 1.5, 0.01, i as u64 + 7);
        for (variant, bytes) in [("clean", &clean), ("rotated+noise", &noisy)] {
            let a = assess_image(&ENGINE, "t", bytes, &opts).unwrap();
            assert_eq!(
                a.ocr.script.as_deref(),
                Some(c.script),
                "{variant} {}: {:?}",
                c.text,
                a.ocr.text
            );
            assert!(
                a.ocr.mean_confidence > 30.0,
                "{variant}: confidence {}",
                a.ocr.mean_confidence
            );
            let got = squash(&a.ocr.text);
            for p in c.phrases {
                if !got.contains(&squash(p)) {
                    missed.push(format!(
                        "{variant} {}: phrase {p:?} not in {:?}",
                        c.script, a.ocr.text
                    ));
                }
            }
            for s in c.selectors {
                if !a
                    .report
                    .selectors
                    .iter()
                    .any(|x| x.value.trim_start_matches('@') == *s)
                {
                    missed.push(format!(
                        "{variant} {}: selector {s} not in {:?}",
                        c.script, a.ocr.text
                    ));
                }
            }
        }
    }
    let total: usize = CASES
        .iter()
        .map(|c| 2 * (c.phrases.len() + c.selectors.len()))
        .sum();
    let recall = 1.0 - missed.len() as f64 / total as f64;
    eprintln!(
        "recall {recall:.3} ({} of {total} missed)\n{}",
        missed.len(),
        missed.join("\n")
    );
    // Measured 0.84 (2026-11-23, tesseract 5.3.0; 7 of 44 missed): Khmer and Burmese lose vowel signs
    // and asat, chi_tra wins some characters of a simplified poster, noise breaks Thai words.
    assert!(recall >= 0.8, "recall {recall:.3}:\n{}", missed.join("\n"));
}

/// A QR code (`qrcode` crate), scaled and given its quiet zone.
fn qr_png(content: &str, module: u32) -> Vec<u8> {
    let code = qrcode::QrCode::new(content.as_bytes()).unwrap();
    let n = code.width() as u32;
    let colors = code.to_colors();
    let size = (n + 8) * module;
    let mut img = GrayImage::from_pixel(size, size, Luma([255]));
    for y in 0..n {
        for x in 0..n {
            if colors[(y * n + x) as usize] == qrcode::Color::Dark {
                for dy in 0..module {
                    for dx in 0..module {
                        img.put_pixel((x + 4) * module + dx, (y + 4) * module + dy, Luma([0]));
                    }
                }
            }
        }
    }
    png(&img)
}

#[test]
fn a_line_link_in_a_qr_code_is_a_selector_found_in_a_qr_code() {
    let link = "https://line.me/ti/p/~job_th99";
    let bytes = qr_png(link, 6);
    assert_eq!(decode_qr(&decode_luma(&bytes).unwrap()), [link]);
    assert!(
        is_contact_link(link) && is_contact_link("t.me/x") && is_contact_link("https://wa.me/855")
    );
    assert!(!is_contact_link("https://example.com/line.me/"));
    if !tools() {
        return;
    }
    let a = assess_image(&ENGINE, "qr", &bytes, &OcrOptions::default()).unwrap();
    assert_eq!(a.qr.len(), 1);
    assert!(a.qr[0].contact_link);
    assert_eq!(a.qr[0].selectors, ["job_th99"]);
    let chars: Vec<char> = a.text.chars().collect();
    assert_eq!(
        chars[a.qr[0].start..a.qr[0].end].iter().collect::<String>(),
        link
    );
}

/// A PNG signature and IHDR chunk (with its CRC) declaring any size, and no pixel data.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut chunk = b"IHDR".to_vec();
    chunk.extend(w.to_be_bytes());
    chunk.extend(h.to_be_bytes());
    chunk.extend([8, 0, 0, 0, 0]);
    let mut crc = !0u32;
    for b in &chunk {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend(13u32.to_be_bytes());
    v.extend(chunk);
    v.extend((!crc).to_be_bytes());
    v
}

#[test]
fn bad_images_are_clear_errors_or_empty_results() {
    // Over 100 megapixels: refused from the header, nothing decoded.
    let e = probe(&png_header(20_000, 10_000)).unwrap_err().to_string();
    assert!(
        e.contains("200 megapixels") && e.contains("100 megapixel limit"),
        "{e}"
    );
    assert_eq!(probe(&png_header(640, 480)).unwrap().width, 640);
    // Corrupt: a header and no image data; garbage; a GIF.
    let e = decode_luma(&png_header(640, 480)).unwrap_err().to_string();
    assert!(e.starts_with("corrupt png image"), "{e}");
    let e = probe(b"hello, not an image").unwrap_err().to_string();
    assert_eq!(e, "not a PNG, JPEG or WebP image");
    let e = probe(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
        .unwrap_err()
        .to_string();
    assert!(e.contains("not read"), "{e}");
    let mut truncated = qr_png("x", 4);
    truncated.truncate(truncated.len() / 2);
    assert!(decode_luma(&truncated).is_err());
    if !tools() {
        return;
    }
    // No text: an empty result, not an error.
    let blank = png(&GrayImage::from_pixel(400, 300, Luma([255])));
    let o = ocr(&blank, &OcrOptions::default()).unwrap();
    assert_eq!((o.text.as_str(), o.words), ("", 0));
    let a = assess_image(&ENGINE, "blank", &blank, &OcrOptions::default()).unwrap();
    assert!(a.report.selectors.is_empty() && !a.report.lure.band.is_flagged());
    // A missing program is a clear error.
    let opts = OcrOptions {
        program: Path::new("/nonexistent/tesseract").into(),
        ..OcrOptions::default()
    };
    let e = ocr(&blank, &opts).unwrap_err().to_string();
    assert!(e.contains("install Debian's tesseract-ocr"), "{e}");
}
