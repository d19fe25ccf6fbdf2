//! One pass over a text: letters per script, and word evidence for the Latin-script languages.

use unicode_normalization::char::{decompose_canonical, decompose_compatible};

use crate::script::{Class, Script, classify};
use crate::vi::is_syllable;
use crate::words::{self, EN, ID, MALAY, MS, SLOTS, TL, VI, Weights};

/// Index of each Latin language in [`Evidence`] arrays.
pub(crate) const L_EN: usize = 0;
pub(crate) const L_TL: usize = 1;
pub(crate) const L_VI: usize = 2;
/// The Malay group (Indonesian and Malay together).
pub(crate) const L_MALAY: usize = 3;
pub(crate) const LATIN_LANGS: usize = 4;

/// How long the text fed to whatlang may grow: enough for its trigram statistics to settle,
/// bounded so that long documents cost no more than short ones.
const WHATLANG_MAX: usize = 512;

/// Diacritics that only Vietnamese uses among redflag's languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
enum ViMark {
    #[default]
    None,
    /// Grave, acute, tilde or circumflex: also French, Spanish, Portuguese, occasional Tagalog.
    Weak,
    /// Hook above, dot below, horn, breve, `đ`, a tilde on i/u/y, or two marks on one letter.
    Strong,
}

/// Word evidence collected over the Latin-script words of a text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Evidence {
    /// Summed word weights per Latin language (Vietnamese: words without diacritics only).
    pub score: [f32; LATIN_LANGS],
    /// Words whose weight for one language beats every other language (Vietnamese: words without
    /// diacritics only; see [`Evidence::vi_marked_words`]).
    pub exclusive: [u32; LATIN_LANGS],
    /// Vietnamese evidence from words written with Vietnamese diacritics.
    pub vi_marked: f32,
    /// Words with Vietnamese diacritics that have a Vietnamese syllable shape.
    pub vi_marked_words: u32,
    /// Indonesian-only and Malay-only evidence (within the Malay group).
    pub id: f32,
    /// See [`Evidence::id`].
    pub ms: f32,
    /// Latin words counted (links, handles, neutral words and words glued to digits excluded).
    pub words: u32,
    /// Of those, how many have the shape of a Vietnamese syllable once folded.
    pub vi_shaped: u32,
}

/// Everything one pass collects.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scan {
    /// Letters per script, indexed by [`Script::index`]. Latin counts only letters of words that
    /// carry language (not links, handles or codes).
    pub letters: [u64; Script::ALL.len()],
    /// Letters of neutral words (brands, platforms, units), kept apart from [`Scan::letters`] so
    /// that "WeChat" in a Chinese ad does not make it Latin-script.
    pub neutral_letters: u64,
    /// Latin word evidence.
    pub ev: Evidence,
    /// Folded Latin words joined by spaces, for whatlang.
    pub whatlang_text: String,
}

impl Scan {
    /// Scan one window of text (windows are independent: a word never spans two).
    pub(crate) fn feed(&mut self, text: &str) {
        let mut tok = Tokenizer::default();
        for chunk in text.split(char::is_whitespace) {
            if chunk.is_empty() {
                tok.currency_gap = tok.currency_gap.saturating_add(1);
                continue;
            }
            if is_link_like(chunk) {
                // Links, e-mail addresses and handles name no language; other scripts inside them
                // (an IDN domain) still count as letters.
                for c in chunk.chars() {
                    if let Class::Letter(s) = classify(c)
                        && !matches!(s, Script::Latin | Script::Cyrillic | Script::Greek)
                    {
                        self.letters[s.index()] += 1;
                    }
                }
                tok.currency = None;
                continue;
            }
            tok.chunk(chunk, self);
            tok.currency_gap = tok.currency_gap.saturating_add(1);
        }
    }

    fn word(&mut self, w: &Word) {
        let table = words::table();
        let weights = table.get(w.folded.as_str());
        // Short unknown words in capitals are codes and acronyms (OTP refs, bank and brand names).
        let code = weights.is_none() && !w.has_lower && w.letters <= 5;
        if code || weights.is_some_and(|ws| ws.iter().all(|&x| x == 0.0)) {
            // Neutral: a brand, a platform, a unit. Letters, but not of any language.
            self.neutral_letters += u64::from(w.letters);
            return;
        }
        self.letters[Script::Latin.index()] += u64::from(w.letters);
        let ev = &mut self.ev;
        ev.words += 1;
        let shaped = is_syllable(&w.folded);
        ev.vi_shaped += u32::from(shaped);
        if w.vi == ViMark::Strong || (w.vi == ViMark::Weak && shaped) {
            // Strong marks exist only in Vietnamese, even on words run together or obfuscated.
            ev.vi_marked += match (w.vi, shaped) {
                (ViMark::Strong, true) => 1.5,
                _ => 1.0,
            };
            ev.vi_marked_words += 1;
        } else if let Some(ws) = weights {
            self.add_weights(ws);
        } else if let Some(slot) = morphology(&w.folded, shaped) {
            // Half the weight of a listed word: affixes and shapes are a weaker sign.
            let mut ws = [0.0; SLOTS];
            ws[slot] = 0.5;
            self.add_weights(&ws);
        }
        if self.whatlang_text.len() + w.folded.len() < WHATLANG_MAX {
            self.whatlang_text.push_str(&w.folded);
            self.whatlang_text.push(' ');
        }
    }
}

impl Scan {
    /// An amount in ringgit or rupiah: a strong sign of the country.
    fn currency(&mut self, slot: usize) {
        if slot == MS {
            self.ev.ms += 2.0;
        } else {
            self.ev.id += 2.0;
        }
    }

    fn add_weights(&mut self, ws: &Weights) {
        let ev = &mut self.ev;
        let per_lang = by_language(ws);
        for (s, x) in ev.score.iter_mut().zip(per_lang) {
            *s += x;
        }
        ev.id += ws[ID];
        ev.ms += ws[MS];
        if let Some(l) = unique_max(&per_lang) {
            ev.exclusive[l] += 1;
        }
    }
}

/// Weak evidence from the shape of a word no list knows: English, Malay/Indonesian and Tagalog
/// affixes, and syllables built the way only Vietnamese builds them. Returns the word-table slot.
fn morphology(w: &str, vi_shaped: bool) -> Option<usize> {
    let b = w.as_bytes();
    if vi_shaped {
        // Initials and rhymes English, Malay and Tagalog words do not have once folded.
        let vi = ["ngh", "ng", "nh", "kh", "gi", "qu", "tr", "ph"]
            .iter()
            .any(|p| w.starts_with(p))
            || ["uo", "ieu", "uye", "oai", "uy", "ie"]
                .iter()
                .any(|p| w.contains(p));
        return vi.then_some(VI);
    }
    if b.len() < 5 {
        return None;
    }
    // English derivational suffixes, which the other languages' words do not end in.
    if ["tion", "sion", "ness", "ment", "ful", "ly", "ies"]
        .iter()
        .any(|s| w.ends_with(s))
    {
        return Some(EN);
    }
    if b.len() < 6 {
        return None;
    }
    // Latin `-itas` loans: Malaysian spells them -iti (universiti, aktiviti, kualiti), Indonesian
    // -itas (universitas, aktivitas, kualitas).
    if w.ends_with("itas") {
        return Some(ID);
    }
    if w.ends_with("iti") {
        return Some(MS);
    }
    // Malay/Indonesian: suffixes -nya -kan -lah, and the verb/noun prefixes (meN-, ber-, ter-, peN-,
    // di-) when the word also ends like a Malay derivation (-an, -i), which English words with
    // `mem`, `ter`, `per` at the start rarely do.
    let malay = ["nya", "kan", "lah"].iter().any(|s| w.ends_with(s))
        || ([
            "meng", "meny", "mem", "men", "ber", "ter", "per", "peng", "pen", "di",
        ]
        .iter()
        .any(|p| w.starts_with(p))
            && ["an", "i"].iter().any(|s| w.ends_with(s)));
    if malay {
        return Some(MALAY);
    }
    // Tagalog verb prefixes before a consonant (mag-laro, nag-bayad), and the stacked prefixes
    // naka-, maka-, pinaka-, ipag-, magpa-, nagpa-, paki-.
    let consonant_after = |p: &str| b.get(p.len()).is_some_and(|c| !b"aeioung".contains(c));
    let tagalog = ["mag", "nag", "pag"]
        .iter()
        .any(|p| w.starts_with(p) && consonant_after(p))
        || ["naka", "maka", "pinaka", "ipag", "magpa", "nagpa", "paki"]
            .iter()
            .any(|p| w.starts_with(p));
    tagalog.then_some(TL)
}

/// Collapse the word-table slots into the four Latin languages.
fn by_language(ws: &[f32; SLOTS]) -> [f32; LATIN_LANGS] {
    let mut out = [0.0; LATIN_LANGS];
    out[L_EN] = ws[EN];
    out[L_TL] = ws[TL];
    out[L_VI] = ws[VI];
    out[L_MALAY] = ws[MALAY].max(ws[ID]).max(ws[MS]);
    out
}

/// The index of the strictly largest positive value, if there is one.
pub(crate) fn unique_max(xs: &[f32; LATIN_LANGS]) -> Option<usize> {
    let (best, &v) = xs.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
    let unique = v > 0.0 && xs.iter().enumerate().all(|(i, &x)| i == best || x < v);
    unique.then_some(best)
}

/// A word being built.
#[derive(Debug, Default)]
struct Word {
    /// Lower case, diacritics folded, confusable Cyrillic/Greek mapped to Latin.
    folded: String,
    /// Latin letters in it.
    letters: u32,
    /// Cyrillic or Greek letters in it (a word mixing them with Latin is a homoglyph trick).
    foreign: u32,
    /// Cyrillic/Greek letters that have no Latin look-alike.
    unmapped: u32,
    foreign_script: Option<Script>,
    vi: ViMark,
    /// Any lower-case letter (a word in capitals that no list knows is likely a code).
    has_lower: bool,
    /// Combining marks after the last letter.
    marks_on_last: u8,
}

#[derive(Debug, Default)]
struct Tokenizer {
    word: Word,
    /// The word being built touches a digit on its left (`30hari`, `wp8luck`).
    digit_before: bool,
    /// `RM` or `Rp` just ended: the Malay-group slot it would vote for if digits follow.
    currency: Option<usize>,
    /// Characters since that currency word (a space or a dot may sit between `Rp` and `35.000`).
    currency_gap: u8,
}

impl Tokenizer {
    fn chunk(&mut self, chunk: &str, scan: &mut Scan) {
        let mut chars = chunk.chars().peekable();
        while let Some(c) = chars.next() {
            match classify(c) {
                Class::Letter(s @ (Script::Latin | Script::Cyrillic | Script::Greek)) => {
                    self.push_letter(c, s);
                }
                Class::Letter(s) => {
                    self.end(false, scan);
                    scan.letters[s.index()] += 1;
                }
                Class::Mark => {
                    // A combining mark (text in NFD): judged on the letter it follows; two marks
                    // on one letter (e + circumflex + acute = ế) are Vietnamese.
                    let w = &mut self.word;
                    if w.letters + w.foreign > 0 {
                        w.marks_on_last = w.marks_on_last.saturating_add(1);
                        let level = if w.marks_on_last >= 2 {
                            ViMark::Strong
                        } else {
                            mark_level(c, w.folded.chars().last())
                        };
                        w.vi = w.vi.max(level);
                    }
                }
                Class::Invisible => {}
                Class::Apostrophe => {
                    let next_is_letter = chars
                        .peek()
                        .is_some_and(|&n| matches!(classify(n), Class::Letter(Script::Latin)));
                    if self.word.letters > 0 && next_is_letter {
                        self.word.folded.push('\'');
                    } else {
                        self.end(false, scan);
                    }
                }
                Class::Digit => {
                    if let Some(slot) = self.currency.take().filter(|_| self.currency_gap <= 2) {
                        // `RM 1500`, `Rp. 35.000`: the amount follows after a space or a dot.
                        scan.currency(slot);
                    }
                    self.end(true, scan);
                    self.digit_before = true;
                    self.currency = None;
                }
                Class::Space | Class::Other => {
                    self.end(false, scan);
                    self.digit_before = false;
                    self.currency_gap = self.currency_gap.saturating_add(1);
                }
            }
        }
        self.end(false, scan);
        self.digit_before = false;
    }

    fn push_letter(&mut self, c: char, s: Script) {
        let w = &mut self.word;
        w.has_lower |= c.is_lowercase();
        w.marks_on_last = 0;
        if s == Script::Latin {
            w.letters += 1;
            w.vi = w.vi.max(fold_latin(c, &mut w.folded));
        } else {
            w.foreign += 1;
            w.foreign_script = Some(s);
            match confusable(c) {
                Some(a) => w.folded.push(a),
                None => {
                    w.unmapped += 1;
                    w.folded.extend(c.to_lowercase());
                }
            }
        }
    }

    /// Finish the current word; `digit_after` says a digit ends it.
    fn end(&mut self, digit_after: bool, scan: &mut Scan) {
        let digit_before = std::mem::take(&mut self.digit_before);
        let w = &mut self.word;
        if w.letters == 0 && w.foreign == 0 {
            return;
        }
        if w.letters == 0 {
            // A Cyrillic or Greek word: letters of that script, no Latin evidence.
            if let Some(s) = w.foreign_script {
                scan.letters[s.index()] += u64::from(w.foreign);
            }
            w.reset();
            return;
        }
        // A homoglyph word counts as Latin when its foreign letters all have a Latin look-alike.
        w.letters += w.foreign - w.unmapped;
        let currency = match w.folded.as_str() {
            "rm" => Some(MS),
            "rp" => Some(ID),
            _ => None,
        };
        if let Some(slot) = currency.filter(|_| !digit_before) {
            if digit_after {
                // `RM1500`: the amount follows at once.
                scan.currency(slot);
            } else {
                self.currency = Some(slot);
                self.currency_gap = 0;
            }
        } else if !digit_before && !digit_after && w.unmapped == 0 {
            scan.word(w);
        }
        self.word.reset();
    }
}

impl Word {
    /// Empty the word, keeping its buffer.
    fn reset(&mut self) {
        let mut folded = std::mem::take(&mut self.folded);
        folded.clear();
        *self = Word {
            folded,
            ..Word::default()
        };
    }
}

/// Fold one non-digit Latin letter to lower-case ASCII, reporting any Vietnamese diacritic.
#[inline]
fn fold_latin(c: char, out: &mut String) -> ViMark {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return ViMark::None;
    }
    let special = match c {
        'đ' | 'Đ' => {
            out.push('d');
            return ViMark::Strong;
        }
        'ß' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' => "o",
        'ł' | 'Ł' => "l",
        'ı' => "i",
        'ð' | 'Ð' => "d",
        'þ' | 'Þ' => "th",
        _ => "",
    };
    if !special.is_empty() {
        out.push_str(special);
        return ViMark::None;
    }
    let u = c as u32;
    let compat = matches!(u, 0xFF21..=0xFF5A | 0x24B6..=0x24E9 | 0x1D400..=0x1D6A5);
    let mut base = None;
    let mut marks = ViMark::None;
    let mut n_marks = 0;
    let mut emit = |d: char| {
        if d.is_ascii_alphabetic() {
            let l = d.to_ascii_lowercase();
            base.get_or_insert(l);
            out.push(l);
        } else if (0x300..=0x36F).contains(&(d as u32)) {
            n_marks += 1;
            marks = marks.max(mark_level(d, base));
        } else {
            out.extend(d.to_lowercase());
        }
    };
    if compat {
        decompose_compatible(c, &mut emit);
    } else {
        decompose_canonical(c, &mut emit);
    }
    if n_marks >= 2 { ViMark::Strong } else { marks }
}

/// How Vietnamese a combining mark is, given the letter it sits on (if known).
fn mark_level(mark: char, base: Option<char>) -> ViMark {
    match mark as u32 {
        // Hook above, dot below, horn, breve.
        0x309 | 0x323 | 0x31B | 0x306 => ViMark::Strong,
        // A tilde on i, u or y is Vietnamese (Portuguese and Spanish use ã õ ñ).
        0x303 if matches!(base, Some('i' | 'u' | 'y')) => ViMark::Strong,
        0x300..=0x303 => ViMark::Weak,
        _ => ViMark::None,
    }
}

/// Cyrillic and Greek letters that look like Latin ones (the subset scam texts use to dodge
/// keyword filters; Unicode's confusables.txt lists them).
fn confusable(c: char) -> Option<char> {
    let lower = c.to_lowercase().next().unwrap_or(c);
    Some(match lower {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' => 'c',
        'ԁ' => 'd',
        'е' | 'ё' | 'ε' => 'e',
        'һ' | 'н' => 'h',
        'і' | 'ї' | 'ι' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'η' => 'n',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' => 'u',
        'ν' => 'v',
        'ԝ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        _ => return None,
    })
}

/// Whether a whitespace-delimited chunk is a link, an e-mail address or a handle: it names no
/// language, and its letters must not be read as words.
fn is_link_like(chunk: &str) -> bool {
    let b = chunk.as_bytes();
    if b.iter()
        .any(|&c| matches!(c, b'@' | b'/' | b'_' | b'\\' | b'=' | b'?' | b'&'))
    {
        return true;
    }
    let lower_starts =
        |p: &str| b.len() >= p.len() && b[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    if lower_starts("www.") || lower_starts("http") && b.contains(&b':') {
        return true;
    }
    // `name.tld`: a dot between letters, followed by a plausible top-level domain.
    let mut i = 0;
    while let Some(pos) = b[i..].iter().position(|&c| c == b'.') {
        let dot = i + pos;
        i = dot + 1;
        if dot == 0 || !b[dot - 1].is_ascii_alphanumeric() {
            continue;
        }
        let tld_len = b[dot + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        let tld = &b[dot + 1..dot + 1 + tld_len];
        let end_ok = b
            .get(dot + 1 + tld_len)
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        // A two-letter country code counts in lower case only, or after another dotted label
        // (`co.id`): "thanks.Do you" is a missing space, "shop.vn" a domain.
        let cc =
            tld_len == 2 && (tld.iter().all(u8::is_ascii_lowercase) || b[..dot].contains(&b'.'));
        if end_ok && (cc || is_tld(tld)) {
            return true;
        }
    }
    false
}

/// Generic top-level domains common in scam links (any case).
fn is_tld(t: &[u8]) -> bool {
    const GENERIC: [&[u8]; 34] = [
        b"com", b"net", b"org", b"info", b"biz", b"xyz", b"top", b"vip", b"club", b"site",
        b"online", b"shop", b"app", b"link", b"live", b"life", b"win", b"bet", b"asia", b"pro",
        b"store", b"tech", b"fun", b"icu", b"cyou", b"buzz", b"sbs", b"lol", b"cc", b"io", b"me",
        b"gov", b"edu", b"html",
    ];
    t.len() <= 6 && GENERIC.iter().any(|g| g.eq_ignore_ascii_case(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Scan {
        let mut s = Scan::default();
        s.feed(text);
        s
    }

    #[test]
    fn links_are_not_words() {
        for t in [
            "https://example.com/job",
            "www.Example.org",
            "pinaswin.com",
            "jobs@example.com",
            "@recruiter_hr",
            "tsel.me",
            "sbet7now.com/SABONGNOW",
        ] {
            assert!(is_link_like(t), "{t}");
        }
        for t in ["hello", "now.Buruan", "2015.", "U.S", "Rp.35.000"] {
            assert!(!is_link_like(t), "{t}");
        }
    }

    #[test]
    fn folding() {
        let mut s = String::new();
        assert_eq!(fold_latin('ệ', &mut s), ViMark::Strong);
        assert_eq!(fold_latin('Đ', &mut s), ViMark::Strong);
        assert_eq!(fold_latin('é', &mut s), ViMark::Weak);
        assert_eq!(fold_latin('ũ', &mut s), ViMark::Strong);
        assert_eq!(fold_latin('ã', &mut s), ViMark::Weak);
        assert_eq!(fold_latin('Ｗ', &mut s), ViMark::None);
        assert_eq!(fold_latin('𝐛', &mut s), ViMark::None);
        assert_eq!(fold_latin('Ⓒ', &mut s), ViMark::None);
        assert_eq!(s, "edeuawbc");
    }

    #[test]
    fn words_digits_and_currency() {
        let s = scan("Gaji RM1500 sebulan");
        assert_eq!(s.ev.words, 2);
        assert!(s.ev.ms >= 2.0);
        let s = scan("hanya Rp. 35.000 saja");
        assert!(s.ev.id >= 3.0, "{:?}", s.ev);
        let s = scan("wp8luck 30hari");
        assert_eq!(s.ev.words, 0);
    }

    #[test]
    fn homoglyphs_are_read_as_latin() {
        // Cyrillic а, е, о, р in Latin words.
        let s = scan("tеlеgrаm pаyment cоde");
        assert_eq!(s.ev.words, 2, "{s:?}");
        assert_eq!(s.letters[Script::Cyrillic.index()], 0);
        let s = scan("привет");
        assert_eq!(s.letters[Script::Cyrillic.index()], 6);
        assert_eq!(s.ev.words, 0);
    }

    #[test]
    fn nfd_vietnamese_marks() {
        // "người" with combining marks (NFD).
        let s = scan("ngu\u{31b}o\u{31b}\u{300}i");
        assert_eq!(s.ev.vi_marked_words, 1, "{s:?}");
        assert_eq!(s.ev.vi_marked, 1.5, "horn is a strong mark");
        // "tiến": e + circumflex + acute, two marks on one letter.
        let s = scan("tie\u{302}\u{301}n");
        assert_eq!(s.ev.vi_marked, 1.5, "{s:?}");
        // "café" in NFD: one weak mark, and not a Vietnamese syllable.
        let s = scan("cafe\u{301}");
        assert_eq!(s.ev.vi_marked_words, 0, "{s:?}");
        // "ĩ" in NFD: a tilde on i is Vietnamese.
        let s = scan("ki\u{303}");
        assert_eq!(s.ev.vi_marked, 1.5, "{s:?}");
    }
}
