//! Language identification for redflag's languages: English, Indonesian, Malay, Tagalog,
//! Vietnamese, Thai, Chinese, Burmese and Khmer.
//!
//! **Script first.** Letters are counted per writing system: Thai letters mean Thai, Khmer letters
//! Khmer, Myanmar letters Burmese (Zawgyi-encoded Burmese uses the same code points), Han
//! ideographs without kana Chinese. Lao, Hangul, kana, Cyrillic, Arabic and the rest are reported
//! as [`Lang::Und`].
//!
//! **Then words, for Latin script.** English, Indonesian/Malay, Tagalog and Vietnamese are told
//! apart by word evidence (function words and the vocabulary of SMS and job ads, see `words.rs`),
//! by Vietnamese diacritics, by the shape of Vietnamese syllables when the diacritics were not
//! typed ("lam viec online luong cao"), and by `whatlang`'s trigram model restricted to those four
//! languages. Indonesian and Malay are one group unless variety-specific words (`bisa`/`boleh`,
//! `uang`/`wang`, `Rp`/`RM` amounts) separate them; undecided, the answer is [`Lang::Id`] with both
//! in [`Detection::present`].
//!
//! **Mixed text is normal.** [`Detection::present`] lists every language with real evidence: enough
//! letters of its script, or at least two words that only it uses. Links, handles, e-mail
//! addresses, codes in capitals and brand names ("Telegram", "USDT") are no evidence, so a Chinese
//! ad with Latin handles is Chinese only. `Und` itself never appears in `present`.
//!
//! **Obfuscation.** Words are read through Cyrillic/Greek look-alikes, zero-width characters,
//! full-width and mathematical letters, and combining (NFD) diacritics.
//!
//! **Bounded cost.** Texts over 24 KiB are read through a sample (the first 8 KiB and eight 1 KiB
//! windows spread evenly over the rest), so a 50 MB document costs what a 16 KiB one does; the
//! prefix and the windows weigh alike, so a document whose body is in another language than its
//! first pages reports both.
//!
//! ```
//! use redflag_langid::{detect, Lang};
//! let d = detect("lam viec online luong cao khong can kinh nghiem");
//! assert_eq!(d.lang, Lang::Vi);
//! let d = detect("Kerja sambilan, gaji RM3000 sebulan, sila hubungi kami sekarang");
//! assert_eq!(d.lang, Lang::Ms);
//! ```

#![warn(missing_docs)]

mod latin;
mod script;
mod vi;
mod words;

use std::fmt;
use std::sync::OnceLock;

use latin::{L_EN, L_MALAY, L_TL, L_VI, LATIN_LANGS, Scan};
use script::Script;

/// A language redflag knows, or `Und`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// English.
    En,
    /// Indonesian.
    Id,
    /// Malay (Malaysia, Brunei, Singapore).
    Ms,
    /// Tagalog / Filipino.
    Tl,
    /// Vietnamese.
    Vi,
    /// Thai.
    Th,
    /// Chinese.
    Zh,
    /// Burmese.
    My,
    /// Khmer.
    Km,
    /// Undetermined: no letters, or a language redflag does not know.
    Und,
}

impl Lang {
    /// Every value, in declaration order.
    pub const ALL: [Lang; 10] = [
        Lang::En,
        Lang::Id,
        Lang::Ms,
        Lang::Tl,
        Lang::Vi,
        Lang::Th,
        Lang::Zh,
        Lang::My,
        Lang::Km,
        Lang::Und,
    ];

    /// BCP-47 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Id => "id",
            Lang::Ms => "ms",
            Lang::Tl => "tl",
            Lang::Vi => "vi",
            Lang::Th => "th",
            Lang::Zh => "zh",
            Lang::My => "my",
            Lang::Km => "km",
            Lang::Und => "und",
        }
    }

    /// Parse a code (`fil` is accepted for Tagalog).
    pub fn from_code(s: &str) -> Option<Lang> {
        Some(match s {
            "en" => Lang::En,
            "id" => Lang::Id,
            "ms" => Lang::Ms,
            "tl" | "fil" => Lang::Tl,
            "vi" => Lang::Vi,
            "th" => Lang::Th,
            "zh" => Lang::Zh,
            "my" => Lang::My,
            "km" => Lang::Km,
            "und" => Lang::Und,
            _ => return None,
        })
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Result of detection.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// The main language.
    pub lang: Lang,
    /// Confidence in [0,1]: low for short texts and close calls (an undecided Indonesian/Malay
    /// text is below a decided one). For `Und`, how sure it is that the text is in a script
    /// redflag does not know; 0 when there are no letters at all.
    pub confidence: f64,
    /// Every language plausibly present (main first), for mixed text.
    pub present: Vec<Lang>,
}

/// Bytes read in full from the start of a long text.
const PREFIX: usize = 8 * 1024;
/// Windows sampled from the rest of a long text, and the size of each.
const WINDOWS: usize = 8;
const WINDOW: usize = 1024;

/// Han characters carry about a word each, so one counts for more than one alphabetic letter
/// when scripts compete for the main language; Hangul blocks are whole syllables.
const HAN_WEIGHT: f64 = 2.5;
const HANGUL_WEIGHT: f64 = 2.0;

/// A script language is present with at least this many (weighted) letters…
const MIN_SCRIPT_UNITS: f64 = 10.0;
/// …that make up this share of all letters, or with [`MANY_UNITS`] whatever the share.
const MIN_SCRIPT_SHARE: f64 = 0.05;
const MANY_UNITS: f64 = 40.0;

/// A Latin language other than the main one is present with at least this many words that only
/// it uses, and this share of the main Latin language's score.
const MIN_EXCLUSIVE_WORDS: u32 = 2;
const MIN_LATIN_SHARE: f32 = 0.1;

/// Weight of whatlang's vote (times its confidence) next to the word evidence.
const WHATLANG_WEIGHT: f32 = 1.0;

/// Detect the language of a text.
pub fn detect(text: &str) -> Detection {
    let mut scan = Scan::default();
    for window in sample(text) {
        scan.feed(window);
    }
    decide(&scan)
}

/// The parts of `text` that are read: all of it when short, else a prefix and spread windows.
fn sample(text: &str) -> Vec<&str> {
    if text.len() <= PREFIX + WINDOWS * WINDOW * 2 {
        return vec![text];
    }
    let mut out = Vec::with_capacity(WINDOWS + 1);
    out.push(&text[..floor_boundary(text, PREFIX)]);
    let span = text.len() - PREFIX - WINDOW;
    for k in 0..WINDOWS {
        let start = ceil_boundary(text, PREFIX + span * (k + 1) / WINDOWS);
        let end = floor_boundary(text, (start + WINDOW).min(text.len()));
        let mut w = &text[start.min(end)..end];
        // Start at a word boundary when one is near, so no word is read cut in half.
        if let Some(p) = w.find(char::is_whitespace).filter(|&p| p < 32) {
            w = &w[p..];
        }
        out.push(w);
    }
    out
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Weighted letter counts per candidate language.
struct Units {
    /// Thai, Khmer, Burmese, Chinese.
    th: f64,
    km: f64,
    my: f64,
    zh: f64,
    /// Letters of words that carry Latin-script language.
    latin: f64,
    /// Scripts of languages redflag does not know (including Japanese).
    und: f64,
}

impl Units {
    fn of(scan: &Scan) -> Units {
        let n = |s: Script| scan.letters[s.index()] as f64;
        let (han, kana) = (n(Script::Han), n(Script::Kana));
        // Kana among Han characters means Japanese (Chinese text never has kana).
        let japanese = kana >= 2.0 && kana >= 0.05 * (han + kana);
        let (zh, jp) = if japanese {
            (0.0, han * HAN_WEIGHT + kana)
        } else {
            (han * HAN_WEIGHT, kana)
        };
        Units {
            th: n(Script::Thai),
            km: n(Script::Khmer),
            my: n(Script::Myanmar),
            zh,
            latin: n(Script::Latin),
            und: jp
                + n(Script::Lao)
                + n(Script::Hangul) * HANGUL_WEIGHT
                + n(Script::Cyrillic)
                + n(Script::Greek)
                + n(Script::Other),
        }
    }

    fn total(&self) -> f64 {
        self.th + self.km + self.my + self.zh + self.latin + self.und
    }
}

/// The Latin-script verdict.
struct LatinVerdict {
    /// Main Latin language, if any Latin letters were read.
    main: Option<Lang>,
    /// Confidence in `main` among the Latin languages.
    confidence: f64,
    /// Latin languages that are plausible, with their share of the Latin evidence and whether the
    /// evidence is real (words only that language uses) rather than the best guess.
    present: Vec<(Lang, f64, bool)>,
}

fn whatlang_detector() -> &'static whatlang::Detector {
    static DETECTOR: OnceLock<whatlang::Detector> = OnceLock::new();
    DETECTOR.get_or_init(|| {
        use whatlang::Lang as W;
        whatlang::Detector::with_allowlist(vec![W::Eng, W::Ind, W::Tgl, W::Vie])
    })
}

fn latin_verdict(scan: &Scan) -> LatinVerdict {
    let ev = &scan.ev;
    if scan.letters[Script::Latin.index()] == 0 {
        return LatinVerdict {
            main: None,
            confidence: 0.0,
            present: Vec::new(),
        };
    }
    // Vietnamese without diacritics: its syllable words count in full only when the text as a
    // whole is made of Vietnamese-shaped syllables (English has "can", "the", "to" too).
    let shaped = if ev.words == 0 {
        0.0
    } else {
        ev.vi_shaped as f32 / ev.words as f32
    };
    let gate = ((shaped - 0.45) / 0.3).clamp(0.15, 1.0);
    let mut score = ev.score;
    score[L_VI] = ev.vi_marked + gate * ev.score[L_VI];
    let mut exclusive = ev.exclusive;
    exclusive[L_VI] = ev.vi_marked_words + if gate >= 0.6 { ev.exclusive[L_VI] } else { 0 };

    let mut total = score;
    // whatlang's trigrams on one or two words are noise, and when the words have spoken clearly
    // it adds nothing but time: it votes only on three or more words with an unclear verdict.
    if ev.words >= 3
        && !decisive(&score)
        && let Some(info) = whatlang_detector().detect(&scan.whatlang_text)
    {
        let l = match info.lang() {
            whatlang::Lang::Eng => Some(L_EN),
            whatlang::Lang::Ind => Some(L_MALAY),
            whatlang::Lang::Tgl => Some(L_TL),
            whatlang::Lang::Vie => Some(L_VI),
            _ => None,
        };
        if let Some(l) = l {
            total[l] += WHATLANG_WEIGHT * info.confidence() as f32;
        }
    }

    let mut order: Vec<usize> = (0..LATIN_LANGS).collect();
    order.sort_by(|&a, &b| total[b].total_cmp(&total[a]).then(a.cmp(&b)));
    let (top, second) = (total[order[0]], total[order[1]]);
    if top <= 0.0 {
        // Latin letters but no word we know: a guess, flagged as such by a low confidence.
        return LatinVerdict {
            main: Some(Lang::En),
            confidence: 0.05,
            present: vec![(Lang::En, 1.0, false)],
        };
    }
    let (malay_main, malay_split) = split_malay(ev.id, ev.ms);
    let to_lang = |l: usize| match l {
        L_EN => Lang::En,
        L_TL => Lang::Tl,
        L_VI => Lang::Vi,
        _ => malay_main,
    };
    let main = order[0];
    let margin = f64::from((top - second) / top);
    let amount = 1.0 - (-f64::from(top) / 2.5).exp();
    let mut confidence = margin * amount;
    if main == L_MALAY && !malay_split {
        confidence *= 0.8;
    }

    let sum: f32 = total.iter().sum();
    let mut present = Vec::new();
    for &l in &order {
        let is_main = l == main;
        let real = exclusive[l] >= MIN_EXCLUSIVE_WORDS && total[l] >= MIN_LATIN_SHARE * top;
        if !(is_main || real) {
            continue;
        }
        let share = f64::from(total[l] / sum);
        present.push((to_lang(l), share, real));
        if l == L_MALAY && !malay_split {
            present.push((Lang::Ms, share, real));
        }
    }
    LatinVerdict {
        main: Some(to_lang(main)),
        confidence,
        present,
    }
}

/// Whether word evidence alone settles the Latin language: enough of it, and a clear lead.
fn decisive(score: &[f32; LATIN_LANGS]) -> bool {
    let mut sorted = *score;
    sorted.sort_by(|a, b| b.total_cmp(a));
    sorted[0] >= 4.0 && sorted[1] <= 0.5 * sorted[0]
}

/// Indonesian or Malay from the variety-specific evidence; the flag says whether the evidence
/// separated them (when it does not, the answer is Indonesian and both are present).
fn split_malay(id: f32, ms: f32) -> (Lang, bool) {
    if ms >= 2.0 && ms >= 2.0 * id {
        (Lang::Ms, true)
    } else if id >= 1.5 && id >= 2.0 * ms {
        (Lang::Id, true)
    } else {
        (Lang::Id, false)
    }
}

fn decide(scan: &Scan) -> Detection {
    let units = Units::of(scan);
    let total = units.total();
    if total == 0.0 {
        if scan.neutral_letters > 0 {
            // Only words like "OK", "VIP", "Telegram": Latin script, language unknown. A guess.
            return Detection {
                lang: Lang::En,
                confidence: 0.05,
                present: vec![Lang::En],
            };
        }
        return Detection {
            lang: Lang::Und,
            confidence: 0.0,
            present: Vec::new(),
        };
    }
    let latin = latin_verdict(scan);

    // Candidates compete on weighted letters; the Latin block competes as a whole.
    let mut cands: Vec<(Lang, f64)> = vec![
        (Lang::Th, units.th),
        (Lang::Km, units.km),
        (Lang::My, units.my),
        (Lang::Zh, units.zh),
        (Lang::Und, units.und),
    ];
    if let Some(l) = latin.main {
        cands.push((l, units.latin));
    }
    cands.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (lang, main_units) = cands[0];
    let share = main_units / total;
    let length = 1.0 - (-main_units / 8.0).exp();
    let confidence = if Some(lang) == latin.main {
        share * latin.confidence
    } else {
        share * length
    };

    let mut present: Vec<(Lang, f64)> = Vec::new();
    for &(l, u) in &cands {
        let is_latin = Some(l) == latin.main;
        if l == Lang::Und || is_latin {
            continue;
        }
        if l == lang
            || (u >= MIN_SCRIPT_UNITS && (u >= MIN_SCRIPT_SHARE * total || u >= MANY_UNITS))
        {
            present.push((l, u));
        }
    }
    // Latin languages: when the Latin block is the main one, its best language is present even as
    // a guess; otherwise the block must hold enough letters and each language needs real evidence.
    let latin_main = Some(lang) == latin.main;
    let latin_block = latin_main
        || (units.latin >= MIN_SCRIPT_UNITS
            && (units.latin >= MIN_SCRIPT_SHARE * total || units.latin >= MANY_UNITS));
    if latin_block {
        for &(l, s, real) in &latin.present {
            if real || (latin_main && Some(l) == latin.main) || (latin_main && l == Lang::Ms) {
                present.push((l, units.latin * s));
            }
        }
    }
    present.sort_by(|a, b| (b.0 == lang).cmp(&(a.0 == lang)).then(b.1.total_cmp(&a.1)));
    let mut langs: Vec<Lang> = Vec::with_capacity(present.len());
    for (l, _) in present {
        if !langs.contains(&l) {
            langs.push(l);
        }
    }
    Detection {
        lang,
        confidence: confidence.clamp(0.0, 1.0),
        present: langs,
    }
}
