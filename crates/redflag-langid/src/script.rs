//! Which writing system a character belongs to.
//!
//! Block ranges follow the Unicode Character Database (`Blocks.txt`, `Scripts.txt`); digits and
//! punctuation inside a script's block are not letters and carry no language.

/// The scripts redflag tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Script {
    /// Latin letters, including full-width, circled and mathematical look-alikes.
    Latin,
    /// Thai.
    Thai,
    /// Lao.
    Lao,
    /// Khmer.
    Khmer,
    /// Myanmar (Burmese in Unicode or Zawgyi encoding; also Shan, Mon, Karen).
    Myanmar,
    /// Han ideographs (Chinese characters, also used in Japanese).
    Han,
    /// Hiragana and katakana.
    Kana,
    /// Hangul.
    Hangul,
    /// Cyrillic.
    Cyrillic,
    /// Greek.
    Greek,
    /// Any other letter (Arabic, Hebrew, Indic scripts, …).
    Other,
}

impl Script {
    /// Every script, in a fixed order (the index into per-script counters).
    pub(crate) const ALL: [Script; 11] = [
        Script::Latin,
        Script::Thai,
        Script::Lao,
        Script::Khmer,
        Script::Myanmar,
        Script::Han,
        Script::Kana,
        Script::Hangul,
        Script::Cyrillic,
        Script::Greek,
        Script::Other,
    ];

    /// Position in [`Script::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// What a character contributes to tokenisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// A letter of this script.
    Letter(Script),
    /// A combining mark (continues the current word).
    Mark,
    /// Invisible characters that must not split a word (zero-width space/joiners, soft hyphen,
    /// variation selectors): spammers put them inside words to dodge filters.
    Invisible,
    /// Apostrophe: inside a word only between two letters.
    Apostrophe,
    /// Digit (any script).
    Digit,
    /// Whitespace.
    Space,
    /// Punctuation, symbols, emoji.
    Other,
}

/// Classes of the ASCII characters, looked up rather than matched: most text is mostly ASCII.
const ASCII: [Class; 128] = {
    let mut t = [Class::Other; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = match b {
            b'a'..=b'z' | b'A'..=b'Z' => Class::Letter(Script::Latin),
            b'0'..=b'9' => Class::Digit,
            b'\'' => Class::Apostrophe,
            b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => Class::Space,
            _ => Class::Other,
        };
        i += 1;
    }
    t
};

/// Classify one character.
#[inline(always)]
pub(crate) fn classify(c: char) -> Class {
    if c.is_ascii() {
        ASCII[c as usize]
    } else {
        classify_non_ascii(c)
    }
}

#[inline(never)]
fn classify_non_ascii(c: char) -> Class {
    let u = c as u32;
    match u {
        0xAD => Class::Invisible,
        0xC0..=0x24F if u != 0xD7 && u != 0xF7 => Class::Letter(Script::Latin),
        0x300..=0x36F => Class::Mark,
        0x370..=0x3FF if c.is_alphabetic() => Class::Letter(Script::Greek),
        0x400..=0x52F if c.is_alphabetic() => Class::Letter(Script::Cyrillic),
        0x483..=0x489 => Class::Mark,
        // Thai: letters and vowel/tone marks; not ฿ (E3F), ๏ (E4F), digits (E50–E59), ๚ ๛.
        0xE01..=0xE3A | 0xE40..=0xE4E => Class::Letter(Script::Thai),
        0xE50..=0xE59 => Class::Digit,
        0xE81..=0xECF | 0xEDC..=0xEDF => Class::Letter(Script::Lao),
        0xED0..=0xED9 => Class::Digit,
        // Myanmar: not digits (1040–1049, 1090–1099) nor punctuation (104A–104F).
        0x1040..=0x1049 | 0x1090..=0x1099 | 0xA9F0..=0xA9F9 => Class::Digit,
        0x1000..=0x109F | 0xAA60..=0xAA7F | 0xA9E0..=0xA9FF if !(0x104A..=0x104F).contains(&u) => {
            Class::Letter(Script::Myanmar)
        }
        // Khmer: not punctuation (17D4–17D6, 17D8–17DA), riel sign (17DB), digits.
        0x17E0..=0x17E9 | 0x17F0..=0x17F9 => Class::Digit,
        0x1780..=0x17D3 | 0x17D7 | 0x17DC | 0x17DD | 0x19E0..=0x19FF => {
            Class::Letter(Script::Khmer)
        }
        0x1100..=0x11FF | 0x3131..=0x318E | 0xA960..=0xA97F | 0xAC00..=0xD7AF | 0xD7B0..=0xD7FF => {
            Class::Letter(Script::Hangul)
        }
        0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F => Class::Mark,
        0x1E00..=0x1EFF => Class::Letter(Script::Latin),
        0x200B..=0x200D | 0x2060 | 0xFEFF | 0xFE00..=0xFE0F => Class::Invisible,
        0x2018 | 0x2019 => Class::Apostrophe,
        // Circled Latin letters (Ⓐ–ⓩ).
        0x24B6..=0x24E9 => Class::Letter(Script::Latin),
        // Hiragana, katakana (not the middle dot 30FB, which Chinese also uses), phonetic extensions,
        // half-width katakana.
        0x3041..=0x309F | 0x30A0..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => {
            Class::Letter(Script::Kana)
        }
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF => {
            Class::Letter(Script::Han)
        }
        // Full-width Latin letters and digits.
        0xFF21..=0xFF3A | 0xFF41..=0xFF5A => Class::Letter(Script::Latin),
        0xFF10..=0xFF19 => Class::Digit,
        // Mathematical alphanumeric symbols: Latin letters (bold, italic, script, …), then Greek,
        // then digits.
        0x1D400..=0x1D6A5 => Class::Letter(Script::Latin),
        0x1D6A8..=0x1D7CB => Class::Letter(Script::Greek),
        0x1D7CE..=0x1D7FF => Class::Digit,
        // Regional indicators, emoji and other symbols.
        _ if c.is_whitespace() => Class::Space,
        _ if c.is_numeric() => Class::Digit,
        _ if c.is_alphabetic() => Class::Letter(Script::Other),
        _ => Class::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_table() {
        let cases: &[(char, Class)] = &[
            ('a', Class::Letter(Script::Latin)),
            ('Ạ', Class::Letter(Script::Latin)),
            ('đ', Class::Letter(Script::Latin)),
            ('Ａ', Class::Letter(Script::Latin)),
            ('𝐀', Class::Letter(Script::Latin)),
            ('\u{301}', Class::Mark),
            ('ก', Class::Letter(Script::Thai)),
            ('ำ', Class::Letter(Script::Thai)),
            ('๕', Class::Digit),
            ('฿', Class::Other),
            ('ກ', Class::Letter(Script::Lao)),
            ('က', Class::Letter(Script::Myanmar)),
            ('၁', Class::Digit),
            ('။', Class::Other),
            ('ក', Class::Letter(Script::Khmer)),
            ('៣', Class::Digit),
            ('។', Class::Other),
            ('中', Class::Letter(Script::Han)),
            ('𠀀', Class::Letter(Script::Han)),
            ('の', Class::Letter(Script::Kana)),
            ('カ', Class::Letter(Script::Kana)),
            ('・', Class::Other),
            ('한', Class::Letter(Script::Hangul)),
            ('д', Class::Letter(Script::Cyrillic)),
            ('λ', Class::Letter(Script::Greek)),
            ('ع', Class::Letter(Script::Other)),
            ('\u{200B}', Class::Invisible),
            ('’', Class::Apostrophe),
            ('٣', Class::Digit),
            ('😀', Class::Other),
            ('\u{3000}', Class::Space),
            ('，', Class::Other),
        ];
        for &(c, want) in cases {
            assert_eq!(classify(c), want, "{c:?} U+{:04X}", c as u32);
        }
    }
}
