//! Character tables shared by the views.
use std::sync::OnceLock;

/// Invisible characters both views delete: zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner,
/// BOM), bidi controls, soft hyphen, variation selectors, tag characters, and the other
/// Default_Ignorable code points obfuscators use to break up words, numbers and handles.
pub(crate) fn is_ignorable(c: char) -> bool {
    let c = c as u32;
    if c < 0xAD {
        return false;
    }
    matches!(
        c,
        0xAD | 0x34F
            | 0x61C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFF8
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

/// ASCII value of a decimal digit of the scripts we serve (Thai, Lao, Khmer, Myanmar, Arabic-Indic,
/// Extended Arabic-Indic, full-width), or `None`.
pub(crate) fn native_digit(c: char) -> Option<u8> {
    let c = c as u32;
    let zero = match c {
        0x0E50..=0x0E59 => 0x0E50, // Thai
        0x0ED0..=0x0ED9 => 0x0ED0, // Lao
        0x17E0..=0x17E9 => 0x17E0, // Khmer
        0x1040..=0x1049 => 0x1040, // Myanmar
        0x0660..=0x0669 => 0x0660, // Arabic-Indic
        0x06F0..=0x06F9 => 0x06F0, // Extended Arabic-Indic
        0xFF10..=0xFF19 => 0xFF10, // full-width
        _ => return None,
    };
    Some(b'0' + (c - zero) as u8)
}

/// Full-width ASCII (U+FF01–U+FF5E) and the ideographic space, to ASCII.
pub(crate) fn narrow(c: char) -> Option<u8> {
    match c as u32 {
        v @ 0xFF01..=0xFF5E => Some((v - 0xFF01 + 0x21) as u8),
        0x3000 => Some(b' '),
        _ => None,
    }
}

/// Cyrillic, Greek and Latin-extension look-alikes of Latin lower-case letters (after lower-casing:
/// an upper-case look-alike such as Cyrillic `М` arrives here as `м`). Only applied inside words that
/// are Latin already (see the match view).
pub(crate) fn confusable(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic
        'а' => 'a',
        'в' => 'b',
        'ԁ' => 'd',
        'е' | 'ё' | 'є' => 'e',
        'һ' | 'н' => 'h',
        'і' | 'ї' | 'ӏ' => 'i',
        'ј' => 'j',
        'к' => 'k',
        'м' => 'm',
        'о' => 'o',
        'р' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' => 't',
        'с' => 'c',
        'ѵ' => 'v',
        'ԝ' => 'w',
        'х' => 'x',
        'у' | 'ү' => 'y',
        // Greek
        'α' => 'a',
        'β' => 'b',
        'ε' => 'e',
        'η' => 'n',
        'ι' => 'i',
        'κ' => 'k',
        'μ' => 'u',
        'ν' => 'v',
        'ο' => 'o',
        'ρ' => 'p',
        'τ' => 't',
        'υ' => 'u',
        'χ' => 'x',
        'γ' => 'y',
        'ω' => 'w',
        'ϲ' => 'c',
        'ϳ' => 'j',
        // Latin letters without a decomposition that read as a plain letter
        'ɑ' => 'a',
        'ɡ' => 'g',
        'ı' => 'i',
        'ɩ' => 'i',
        'ȷ' => 'j',
        'ʟ' => 'l',
        'ɴ' => 'n',
        'ʀ' => 'r',
        'ʏ' => 'y',
        'ᴠ' => 'v',
        _ => return None,
    })
}

/// Look-alikes that ordinary Russian or Greek words do not use (Serbian, Ukrainian, Kazakh, Old
/// Cyrillic letters, Latin IPA letters): a word of look-alikes with one of these is a disguised Latin
/// word, not Cyrillic or Greek text.
pub(crate) fn is_strong_confusable(c: char) -> bool {
    matches!(
        c,
        'ԁ' | 'є' | 'һ' | 'і' | 'ї' | 'ӏ' | 'ј' | 'ԛ' | 'ѕ' | 'ѵ' | 'ԝ' | 'ү' | 'ϲ' | 'ϳ'
    ) || (confusable(c).is_some() && is_latin_ext(c))
        || matches!(c as u32, 0x250..=0x2AF | 0x1D00..=0x1D7F)
}

/// Latin letters with a stroke or bar, which have no canonical decomposition, to their base letter.
/// (`đ` is the Vietnamese one; the rest are look-alikes used the same way.)
pub(crate) fn stroke_fold(c: char) -> Option<char> {
    Some(match c {
        'đ' | 'ð' => 'd',
        'ł' => 'l',
        'ø' => 'o',
        'ħ' => 'h',
        'ŧ' => 't',
        'ƀ' => 'b',
        'ǥ' => 'g',
        'ɨ' => 'i',
        'ƶ' => 'z',
        _ => return None,
    })
}

/// Leet digits read as letters inside Latin words.
pub(crate) fn leet(b: u8) -> Option<u8> {
    Some(match b {
        b'0' => b'o',
        b'1' => b'i',
        b'3' => b'e',
        b'4' => b'a',
        b'5' => b's',
        b'7' => b't',
        _ => return None,
    })
}

/// Latin letters that may carry diacritics to fold (Latin-1 Supplement to Latin Extended-B, Latin
/// Extended Additional — where Vietnamese lives — and Latin Extended-C/D/E).
pub(crate) fn is_latin_ext(c: char) -> bool {
    matches!(c as u32, 0xC0..=0x24F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xAB30..=0xAB6F)
}

/// A letter after which Latin diacritics are folded away.
pub(crate) fn is_latin_base(c: char) -> bool {
    c.is_ascii_alphabetic() || (is_latin_ext(c) && c.is_alphabetic())
}

/// Combining diacritics folded away after a Latin letter.
pub(crate) fn is_latin_diacritic(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Letters that take part in Latin words for confusable folding: Latin, IPA, Greek, Cyrillic.
pub(crate) fn is_wordish_letter(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || (matches!(c as u32, 0xC0..=0x52F | 0x1D00..=0x1DBF | 0x1E00..=0x1FFF | 0x2C60..=0x2C7F | 0xA640..=0xA69F | 0xA720..=0xA7FF | 0xAB30..=0xAB6F)
            && c.is_alphabetic())
}

/// Scripts without case, where lower-casing can be skipped without a table lookup.
pub(crate) fn is_caseless_fast(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x0FFF | 0x1000..=0x109F | 0x1780..=0x17FF | 0x3040..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Typographic quotation marks and apostrophes → their ASCII forms (match view only): news sites print
/// `I’m` and `“help”` where a pack phrase says `i'm`, and NFKC leaves these characters alone.
pub(crate) fn quote_fold(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{02BC}' | '\u{2032}' => Some('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => Some('"'),
        _ => None,
    }
}

/// Traditional → simplified Chinese, one character to one, from OpenCC's TSCharacters.
pub(crate) fn t2s(c: char) -> Option<char> {
    let t = t2s_table();
    let v = c as u32;
    if (DENSE_LO..=DENSE_HI).contains(&v) {
        let s = t.dense[(v - DENSE_LO) as usize];
        return (s != '\0').then_some(s);
    }
    if v < 0x2E80 {
        return None;
    }
    t.sparse
        .binary_search_by_key(&c, |&(k, _)| k)
        .ok()
        .map(|i| t.sparse[i].1)
}

const DENSE_LO: u32 = 0x3400;
const DENSE_HI: u32 = 0x9FFF;

struct T2s {
    /// Simplified form per code point of U+3400–U+9FFF (`'\0'` = unchanged): one array index per
    /// Han character instead of a binary search.
    dense: Vec<char>,
    sparse: Vec<(char, char)>,
}

static TS_DATA: &str = include_str!("../data/opencc/ts_characters.tsv");

fn t2s_table() -> &'static T2s {
    static T: OnceLock<T2s> = OnceLock::new();
    T.get_or_init(|| {
        let mut dense = vec!['\0'; (DENSE_HI - DENSE_LO + 1) as usize];
        let mut sparse = Vec::new();
        for line in TS_DATA
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let mut it = line.split('\t').map(|f| f.chars().next());
            if let (Some(Some(k)), Some(Some(v))) = (it.next(), it.next()) {
                if (DENSE_LO..=DENSE_HI).contains(&(k as u32)) {
                    dense[(k as u32 - DENSE_LO) as usize] = v;
                } else {
                    sparse.push((k, v));
                }
            }
        }
        sparse.sort_unstable();
        T2s { dense, sparse }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t2s_table_loads_and_folds() {
        assert_eq!(t2s('國'), Some('国'));
        assert_eq!(t2s('們'), Some('们'));
        assert_eq!(t2s('薴'), Some('苎')); // a resolved chain
        assert_eq!(t2s('国'), None);
        assert_eq!(t2s('a'), None);
        let n = TS_DATA.lines().filter(|l| !l.starts_with('#')).count();
        assert!(n > 3900, "{n}");
        // Idempotent: no simplified form is itself folded.
        for line in TS_DATA.lines().filter(|l| !l.starts_with('#')) {
            let v = line
                .split('\t')
                .nth(1)
                .and_then(|s| s.chars().next())
                .unwrap();
            assert_eq!(t2s(v), None, "{line}");
        }
    }

    #[test]
    fn digits_and_width() {
        assert_eq!(native_digit('๕'), Some(b'5'));
        assert_eq!(native_digit('៩'), Some(b'9'));
        assert_eq!(native_digit('၀'), Some(b'0'));
        assert_eq!(native_digit('٣'), Some(b'3'));
        assert_eq!(native_digit('۷'), Some(b'7'));
        assert_eq!(native_digit('５'), Some(b'5'));
        assert_eq!(native_digit('5'), None);
        assert_eq!(narrow('Ａ'), Some(b'A'));
        assert_eq!(narrow('～'), Some(b'~'));
        assert_eq!(narrow('\u{3000}'), Some(b' '));
        assert_eq!(narrow('a'), None);
    }

    #[test]
    fn ignorables_do_not_include_visible_text() {
        for c in [
            '\u{200B}',
            '\u{200D}',
            '\u{202E}',
            '\u{2066}',
            '\u{AD}',
            '\u{FE0F}',
            '\u{FEFF}',
            '\u{E0041}',
        ] {
            assert!(is_ignorable(c), "{c:?}");
        }
        for c in [
            'a', ' ', 'ก', '\u{0E33}', '\u{1039}', '\u{17D2}', '中', '\u{0301}',
        ] {
            assert!(!is_ignorable(c), "{c:?}");
        }
    }
}
