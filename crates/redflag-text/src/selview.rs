//! The selector view: what the selector extractors see.
//!
//! Only two things change, so that phone numbers, URLs, handles and addresses read plainly while case
//! and look-alike letters (which base58, EIP-55 checksums and handles depend on) are kept:
//! 1. **characters**: invisible characters deleted (they break up numbers and handles); Thai, Lao,
//!    Khmer, Myanmar, Arabic-Indic and full-width digits to ASCII; full-width ASCII and the
//!    ideographic space to ASCII;
//! 2. **refanging**: `hxxp`/`hXXps` → `http(s)`; `[.]` `(.)` `{.}` `[dot]` `(dot)` → `.`; `[at]` `(at)`
//!    `[@]` → `@`; `[:]` → `:`; `[://]` → `://`; `[/]` → `/`; and ` dot ` between a domain label and a
//!    top-level domain (or another label followed by a dot). Bracket runs are consumed whole
//!    (`[[.]]`), and spaces around a bracketed dot or at between two labels go with it
//!    (`user (at) mail (dot) com`).
use std::ops::Range;

use crate::charinfo::{SEL_MAP, decode, info, maybe_sel_map, next_non_ascii, utf8_len};
use crate::map::OffsetMap;
use crate::out::Out;
use crate::{simd, tables};

/// Build the selector view of `src` (`inner` maps `src` to the original, if `src` is a view).
pub(crate) fn normalise(src: &str, inner: Option<&OffsetMap>) -> (String, OffsetMap) {
    match map_chars(src, inner) {
        None => refang(src, inner),
        Some((text, map)) => refang(&text, Some(&map)),
    }
}

/// Step 1; `None` if nothing changes (always so for ASCII text).
fn map_chars(src: &str, inner: Option<&OffsetMap>) -> Option<(String, OffsetMap)> {
    let b = src.as_bytes();
    let mut out: Option<Out<'_>> = None;
    let mut pending = 0;
    let mut i = next_non_ascii(b, 0);
    while i < b.len() {
        if !maybe_sel_map(b[i], b.get(i + 1).copied().unwrap_or(0)) {
            i += utf8_len(b[i]);
            if i < b.len() && b[i] < 0x80 {
                i = next_non_ascii(b, i);
            }
            continue;
        }
        let (c, len) = decode(b, i);
        if info(c) & SEL_MAP != 0 {
            let o = out.get_or_insert_with(|| Out::new(src.len(), inner));
            if i > pending {
                o.push(&src[pending..i], pending..i, true);
            }
            if let Some(d) = tables::native_digit(c).or_else(|| tables::narrow(c)) {
                let s = [d];
                o.push(std::str::from_utf8(&s).unwrap_or(" "), i..i + len, false);
            }
            // else: invisible, deleted
            pending = i + len;
        }
        i += len;
        if i < b.len() && b[i] < 0x80 {
            i = next_non_ascii(b, i);
        }
    }
    let mut o = out?;
    o.push(&src[pending..], pending..src.len(), true);
    Some(o.finish(src.len()))
}

/// Top-level domains common in scam links, for ` dot ` refanging.
const TLDS: &[&str] = &[
    "app", "asia", "biz", "buzz", "cc", "cf", "click", "club", "cn", "co", "com", "cyou", "email",
    "fun", "ga", "gg", "gq", "hk", "icu", "id", "in", "info", "io", "jp", "kh", "kr", "la", "life",
    "link", "live", "ly", "me", "ml", "mm", "mobi", "my", "name", "net", "online", "org", "ph",
    "pro", "pw", "ru", "sg", "shop", "site", "space", "store", "su", "tech", "th", "tk", "to",
    "today", "top", "tv", "tw", "uk", "us", "vip", "vn", "website", "win", "work", "world", "ws",
    "xyz",
];

fn is_label_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

fn is_open(b: u8) -> bool {
    matches!(b, b'[' | b'(' | b'{')
}

fn is_close(b: u8) -> bool {
    matches!(b, b']' | b')' | b'}')
}

/// A bracketed defang at `i`: its end and replacement.
fn bracket_at(b: &[u8], i: usize) -> Option<(usize, &'static str)> {
    let mut k = i;
    while k < b.len() && k - i < 3 && is_open(b[k]) {
        k += 1;
    }
    if k == i {
        return None;
    }
    const TOKENS: [(&[u8], &str); 7] = [
        (b"://", "://"),
        (b"dot", "."),
        (b".", "."),
        (b"at", "@"),
        (b"@", "@"),
        (b":", ":"),
        (b"/", "/"),
    ];
    let (len, rep) = TOKENS.iter().find_map(|(t, r)| {
        let end = k + t.len();
        (end <= b.len() && b[k..end].eq_ignore_ascii_case(t)).then_some((t.len(), *r))
    })?;
    let mut e = k + len;
    let s = e;
    while e < b.len() && e - s < 3 && is_close(b[e]) {
        e += 1;
    }
    (e > s).then_some((e, rep))
}

/// `hxxp`/`hxxps` (any case) at `i`, followed by `:` or `[`: end of the scheme and its replacement.
fn hxxp_at(b: &[u8], i: usize) -> Option<(usize, &'static str)> {
    if i > 0 && b[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    let w = b.get(i..i + 4)?;
    if !w.eq_ignore_ascii_case(b"hxxp") {
        return None;
    }
    let (end, rep) = if b.get(i + 4).is_some_and(|c| c.eq_ignore_ascii_case(&b's')) {
        (i + 5, "https")
    } else {
        (i + 4, "http")
    };
    matches!(b.get(end), Some(b':' | b'[')).then_some((end, rep))
}

/// ` dot ` at `i` (the leading space) between a label and a TLD-like label (or a chain of labels
/// ending in one, or in a real dot).
fn dot_word_at(b: &[u8], mut i: usize) -> bool {
    if i == 0 || !is_label_byte(b[i - 1]) {
        return false;
    }
    // A chain of at most 8 labels: enough for real host names, and linear time on any input.
    for _ in 0..8 {
        if b.len() < i + 5
            || b[i] != b' '
            || !b[i + 1..i + 4].eq_ignore_ascii_case(b"dot")
            || b[i + 4] != b' '
        {
            return false;
        }
        let s = i + 5;
        let mut e = s;
        while e < b.len() && is_label_byte(b[e]) {
            e += 1;
        }
        if e == s {
            return false;
        }
        let label = &b[s..e];
        if TLDS
            .iter()
            .any(|t| t.as_bytes().eq_ignore_ascii_case(label))
            || (b.get(e) == Some(&b'.') && b.get(e + 1).is_some_and(u8::is_ascii_alphanumeric))
        {
            return true;
        }
        i = e; // maybe another ` dot ` follows this label
    }
    false
}

/// Bytes where the refang scan stops: bracket openers, the `x` of `hxxp`, the `d` of ` dot `.
const TRIGGERS: &[u8] = b"[({xXdD";

static TRIGGER: [bool; 256] = {
    let mut t = [false; 256];
    let bytes = *b"[({xXdD";
    let mut k = 0;
    while k < bytes.len() {
        t[bytes[k] as usize] = true;
        k += 1;
    }
    t
};

/// Step 2.
fn refang(src: &str, inner: Option<&OffsetMap>) -> (String, OffsetMap) {
    let b = src.as_bytes();
    let mut out = Out::new(src.len(), inner);
    let mut pending = 0;
    let mut i = 0;
    let emit = |out: &mut Out<'_>, pending: &mut usize, r: Range<usize>, rep: &str| {
        if r.start > *pending {
            out.push(&src[*pending..r.start], *pending..r.start, true);
        }
        // Same-length ASCII replacements (hxxp → http) keep a one-to-one map.
        let linear = rep.len() == r.len() && src[r.clone()].is_ascii();
        out.push(rep, r.clone(), linear);
        *pending = r.end;
    };
    while i < b.len() {
        // Skip to the next byte that can start (or, for `hxxp` and ` dot `, sit inside) a pattern,
        // 64 bytes at a time where possible.
        while let Some(block) = b
            .get(i..i + 64)
            .and_then(|s| <&[u8; 64]>::try_from(s).ok())
            .filter(|_| simd::enabled())
        {
            let m = simd::matches(block, TRIGGERS);
            if m != 0 {
                i += m.trailing_zeros() as usize;
                break;
            }
            i += 64;
        }
        while i < b.len() && !TRIGGER[b[i] as usize] {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        match b[i] {
            b'[' | b'(' | b'{' => {
                if let Some((end, rep)) = bracket_at(b, i) {
                    // Spaces on both sides between two labels go with a bracketed `.` or `@`.
                    let joiner = rep == "." || rep == "@";
                    let left = i >= 2 && b[i - 1] == b' ' && is_label_byte(b[i - 2]) && i > pending;
                    let right = b.get(end) == Some(&b' ')
                        && b.get(end + 1).is_some_and(|&c| is_label_byte(c));
                    let touches_left = (i >= 1 && is_label_byte(b[i - 1])) || left;
                    let touches_right = b.get(end).is_some_and(|&c| is_label_byte(c)) || right;
                    let start = if joiner && left && touches_right {
                        i - 1
                    } else {
                        i
                    };
                    let stop = if joiner && right && touches_left {
                        end + 1
                    } else {
                        end
                    };
                    emit(&mut out, &mut pending, start..stop, rep);
                    i = stop;
                    continue;
                }
            }
            b'x' | b'X' if i >= 1 && i > pending && matches!(b[i - 1], b'h' | b'H') => {
                if let Some((end, rep)) = hxxp_at(b, i - 1) {
                    emit(&mut out, &mut pending, i - 1..end, rep);
                    i = end;
                    continue;
                }
            }
            b'd' | b'D' if i >= 1 && i > pending && b[i - 1] == b' ' && dot_word_at(b, i - 1) => {
                emit(&mut out, &mut pending, i - 1..i + 4, ".");
                i += 4;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if b.len() > pending {
        out.push(&src[pending..], pending..b.len(), true);
    }
    out.finish(src.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracket_forms() {
        assert_eq!(bracket_at(b"[.]", 0), Some((3, ".")));
        assert_eq!(bracket_at(b"(DOT)x", 0), Some((5, ".")));
        assert_eq!(bracket_at(b"[[.]]", 0), Some((5, ".")));
        assert_eq!(bracket_at(b"{at}", 0), Some((4, "@")));
        assert_eq!(bracket_at(b"[://]", 0), Some((5, "://")));
        assert_eq!(bracket_at(b"[.", 0), None);
        assert_eq!(bracket_at(b"[ . ]", 0), None);
        assert_eq!(bracket_at(b"(a)", 0), None);
    }

    #[test]
    fn hxxp_needs_a_scheme_context() {
        assert_eq!(hxxp_at(b"hxxps://", 0), Some((5, "https")));
        assert_eq!(hxxp_at(b"HXXP[:]", 0), Some((4, "http")));
        assert_eq!(hxxp_at(b"hxxp", 0), None);
        assert_eq!(hxxp_at(b"ahxxp:", 1), None);
    }

    #[test]
    fn dot_word_needs_labels() {
        assert!(dot_word_at(b"example dot com", 7));
        assert!(dot_word_at(b"a dot b dot vip", 1));
        assert!(dot_word_at(b"mail dot example.org", 4));
        assert!(!dot_word_at(b"a dot matrix", 1));
        assert!(!dot_word_at(b"polka dot dress", 5));
        assert!(!dot_word_at(b" dot com", 0));
    }
}
