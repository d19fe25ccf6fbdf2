//! Vietnamese syllable shape, for Vietnamese typed without diacritics.
//!
//! Every Vietnamese word is one written syllable: (initial consonant) + vowel nucleus + (final
//! consonant or glide), with spelling rules for `c/k`, `g/gh` and `ng/ngh` (Wikipedia, "Vietnamese
//! alphabet" and "Vietnamese phonology": syllable structure, the 8 final consonants
//! `c ch m n ng nh p t`). Once diacritics are folded away, a Vietnamese text is still almost
//! entirely such syllables, while English, Indonesian, Malay and Tagalog texts are mostly not
//! (polysyllabic words, clusters like `nd`, `st`, letters `f w z j`). [`is_syllable`] tests that
//! shape on a folded, lower-case ASCII word.

/// Whether `w` (lower-case ASCII, diacritics folded) has the shape of a Vietnamese syllable.
pub(crate) fn is_syllable(w: &str) -> bool {
    let b = w.as_bytes();
    if b.is_empty() || b.len() > 7 {
        return false;
    }
    if !b
        .iter()
        .all(|c| c.is_ascii_lowercase() && !matches!(c, b'f' | b'j' | b'w' | b'z'))
    {
        return false;
    }
    // `gi` alone is the word "gì"; before a vowel `gi` may be the initial (gia = gi + a) or `g`
    // plus a rhyme starting with i (giêng, gìn): try both.
    if b == b"gi" {
        return true;
    }
    if b.starts_with(b"gi") && rhyme_ok(Initial::Other, &b[2..]) {
        return true;
    }
    let (initial, len) = initial(b);
    rhyme_ok(initial, &b[len..])
}

/// The spelling class of an initial consonant: `k`, `gh`, `ngh` only before front vowels
/// (e, i, y); `c`, `g`, `ng` never before them; `qu` never before `u`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Initial {
    FrontOnly,
    NotFront,
    Qu,
    Other,
    /// Not a Vietnamese initial (p alone, or a consonant cluster).
    Invalid,
}

/// The initial consonant of `b` (longest match) and its length in bytes.
fn initial(b: &[u8]) -> (Initial, usize) {
    use Initial::*;
    let c0 = b[0];
    let c1 = b.get(1).copied().unwrap_or(0);
    let c2 = b.get(2).copied().unwrap_or(0);
    match (c0, c1, c2) {
        (b'n', b'g', b'h') => (FrontOnly, 3),
        (b'n', b'g', _) => (NotFront, 2),
        (b'g', b'h', _) => (FrontOnly, 2),
        (b'q', b'u', _) => (Qu, 2),
        (b'n', b'h', _)
        | (b'c', b'h', _)
        | (b'k', b'h', _)
        | (b'p', b'h', _)
        | (b't', b'h', _)
        | (b't', b'r', _) => (Other, 2),
        (b'k', ..) => (FrontOnly, 1),
        (b'c' | b'g', ..) => (NotFront, 1),
        (b'b' | b'd' | b'h' | b'l' | b'm' | b'n' | b'r' | b's' | b't' | b'v' | b'x', ..) => {
            (Other, 1)
        }
        (b'a' | b'e' | b'i' | b'o' | b'u' | b'y', ..) => (Other, 0),
        _ => (Invalid, 0),
    }
}

fn rhyme_ok(initial: Initial, rest: &[u8]) -> bool {
    let Some(&first) = rest.first() else {
        return false;
    };
    let front = matches!(first, b'e' | b'i' | b'y');
    let spelled = match initial {
        Initial::Invalid => false,
        Initial::FrontOnly => front,
        Initial::NotFront => !front,
        Initial::Qu => first != b'u',
        Initial::Other => true,
    };
    if !spelled {
        return false;
    }
    // The final consonant, longest match (ch, ng, nh before c, n).
    let n = rest.len();
    let fin_len = match rest {
        [.., b'c', b'h'] | [.., b'n', b'g'] | [.., b'n', b'h'] => 2,
        [.., b'c' | b'm' | b'n' | b'p' | b't'] => 1,
        _ => 0,
    };
    let (nucleus, fin) = rest.split_at(n - fin_len);
    nucleus_ok(nucleus, fin)
}

fn nucleus_ok(nucleus: &[u8], fin: &[u8]) -> bool {
    // Nuclei that may or may not take a final consonant.
    let free = matches!(
        nucleus,
        b"a" | b"e" | b"i" | b"o" | b"u" | b"y" | b"oa" | b"oe" | b"ua" | b"ue" | b"uy"
    );
    let allowed = if fin.is_empty() {
        // Nuclei ending in a glide (i y o u) or in -a after i/u/uy take no final consonant.
        free || matches!(
            nucleus,
            b"ai"
                | b"ao"
                | b"au"
                | b"ay"
                | b"eo"
                | b"eu"
                | b"iu"
                | b"oi"
                | b"ui"
                | b"uu"
                | b"oai"
                | b"oay"
                | b"oeo"
                | b"uay"
                | b"uoi"
                | b"uou"
                | b"uyu"
                | b"ieu"
                | b"yeu"
                | b"ia"
                | b"uya"
        )
    } else {
        // iê, uô/ươ, yê, uyê and oo (xoong) need a final once folded.
        free || matches!(nucleus, b"ie" | b"uo" | b"ye" | b"uye" | b"oo")
    };
    if !allowed {
        return false;
    }
    let last = nucleus[nucleus.len() - 1];
    match fin {
        // `ch` and `nh` follow front or low vowels only (ach, ich, êch, anh, inh, uynh, oanh).
        b"ch" | b"nh" => matches!(last, b'a' | b'e' | b'i' | b'y'),
        // A bare `i` never takes `c` or `ng` (Vietnamese writes ich, inh).
        b"c" | b"ng" => nucleus != b"i",
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::is_syllable;

    #[test]
    fn vietnamese_syllables_pass() {
        for w in [
            "khong", "nguoi", "nghiem", "duoc", "viec", "luong", "quy", "khach", "thanh", "toan",
            "gi", "giay", "nhieu", "chuyen", "tuyen", "khuya", "xuong", "truong", "ngay", "oi",
            "a", "y", "uong", "yeu", "quoc", "thuoc", "nghi", "kinh", "ke", "ghe", "xoong", "uy",
            "tuan",
        ] {
            assert!(is_syllable(w), "{w}");
        }
    }

    #[test]
    fn other_words_fail() {
        for w in [
            "yang", "untuk", "dengan", "you", "for", "and", "with", "free", "mga", "ng", "ko",
            "ka", "get", "ngi", "nghe2", "", "quu", "online", "ic", "ing", "cie", "die", "ach2",
            "strong", "nguoii",
        ] {
            assert!(!is_syllable(w), "{w}");
        }
    }
}
