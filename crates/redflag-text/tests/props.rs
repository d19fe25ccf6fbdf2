//! Property tests: both views never panic, are idempotent, and map every span back onto original
//! character boundaries, monotonically.
use proptest::prelude::*;
use redflag_text::{View, match_view, normalise_phrase, selector_view, snap_to_graphemes};

/// Characters that exercise every step: ASCII words, digits, separators and refang brackets;
/// invisibles and bidi controls; combining marks; Thai (with SARA AM), Burmese (Unicode and
/// Zawgyi-only code points), Khmer, Vietnamese, Chinese (traditional), Cyrillic and Greek
/// look-alikes, full-width forms, native digits and odd spaces.
const ALPHABET: &[&str] = &[
    "a",
    "b",
    "e",
    "t",
    "l",
    "g",
    "o",
    "x",
    "h",
    "p",
    "s",
    "d",
    "T",
    "E",
    "J",
    "O",
    "0",
    "1",
    "3",
    "4",
    "7",
    "9",
    " ",
    " ",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    ".",
    "-",
    "_",
    "*",
    "/",
    ":",
    "@",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    "dot",
    "at",
    "hxxp",
    "hXXps",
    "\u{200B}",
    "\u{200C}",
    "\u{200D}",
    "\u{2060}",
    "\u{FEFF}",
    "\u{202E}",
    "\u{2066}",
    "\u{AD}",
    "\u{FE0F}",
    "\u{0301}",
    "\u{0308}",
    "\u{0323}",
    "\u{0345}",
    "\u{0344}",
    "ก",
    "ท",
    "ำ",
    "\u{0E48}",
    "\u{0E38}",
    "า",
    "๑",
    "๕",
    "က",
    "င",
    "ပ",
    "\u{1031}",
    "\u{103A}",
    "\u{103B}",
    "\u{1039}",
    "\u{1037}",
    "\u{102D}",
    "\u{102F}",
    "\u{1025}",
    "\u{102E}",
    "\u{1040}",
    "\u{1044}",
    "\u{106A}",
    "\u{107E}",
    "\u{1094}",
    "\u{108F}",
    "\u{1064}",
    "ក",
    "ម",
    "\u{17D2}",
    "\u{17B6}",
    "\u{17C1}",
    "\u{17CB}",
    "១",
    "ế",
    "ạ",
    "đ",
    "Đ",
    "ư",
    "ơ",
    "\u{1EC7}",
    "國",
    "們",
    "薴",
    "学",
    "а",
    "е",
    "о",
    "р",
    "с",
    "М",
    "Т",
    "ж",
    "α",
    "ο",
    "Σ",
    "ς",
    "ｊ",
    "０",
    "Ａ",
    "［",
    "．",
    "\u{3000}",
    "\u{A0}",
    "ﬁ",
    "İ",
    "ß",
    "ẞ",
    "ǅ",
    "Ω",
    "K",
    "٣",
    "۷",
    "\u{1100}",
    "\u{1161}",
    "\u{11A8}",
    "가",
    "😀",
    "\u{1F3FB}",
    "𝐣",
];

fn tricky() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 0..40).prop_map(|v| v.concat())
}

/// Longer texts, so that the 64-byte block paths run.
fn long_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 40..240).prop_map(|v| v.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        tricky(),
        long_text(),
        "\\PC{0,40}",
        ".{0,20}",
        "[\u{1000}-\u{109F}\u{200B} a0\n]{0,30}"
    ]
}

/// Every sampled span maps inside the original, on char boundaries, monotonically.
fn check_map(original: &str, v: &View) -> Result<(), TestCaseError> {
    let n = v.len();
    let mut points: Vec<usize> = (0..=n)
        .filter(|&i| v.as_str().is_char_boundary(i))
        .collect();
    if points.len() > 24 {
        let step = points.len() / 24 + 1;
        points = points
            .into_iter()
            .step_by(step)
            .chain(std::iter::once(n))
            .collect();
    }
    let mut prev: Option<(usize, usize, std::ops::Range<usize>)> = None;
    for (k, &s) in points.iter().enumerate() {
        for &e in &points[k..] {
            let r = v.original_range(s, e);
            prop_assert!(
                r.start <= r.end && r.end <= original.len(),
                "{s}..{e} -> {r:?} of {}",
                original.len()
            );
            prop_assert!(
                original.is_char_boundary(r.start) && original.is_char_boundary(r.end),
                "{r:?}"
            );
            if s < e {
                // Monotone in both ends (over non-empty spans).
                let r_first = v.original_range(points[0].min(s), e);
                prop_assert!(r_first.start <= r.start);
                if let Some((ps, pe, pr)) = &prev
                    && *ps <= s
                    && *pe <= e
                {
                    prop_assert!(
                        pr.start <= r.start && pr.end <= r.end,
                        "{ps}..{pe}->{pr:?} vs {s}..{e}->{r:?}"
                    );
                }
                prev = Some((s, e, r));
            }
        }
    }
    // A span of the whole view covers everything that produced it.
    if n > 0 {
        let whole = v.original_range(0, n);
        prop_assert!(whole.end <= original.len());
    }
    Ok(())
}

proptest! {
    // 768 cases by default; PROPTEST_CASES=100000 for a longer hunt.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(768),
        .. ProptestConfig::default()
    })]

    #[test]
    fn match_view_maps_and_is_idempotent(s in any_text()) {
        let v = match_view(&s);
        check_map(&s, &v)?;
        let again = match_view(v.as_str());
        prop_assert_eq!(again.as_str(), v.as_str(), "input {:?}", s);
        prop_assert_eq!(normalise_phrase(&s), v.as_str());
    }

    #[test]
    fn selector_view_maps_and_is_idempotent(s in any_text()) {
        let v = selector_view(&s);
        check_map(&s, &v)?;
        let again = selector_view(v.as_str());
        prop_assert_eq!(again.as_str(), v.as_str(), "input {:?}", s);
    }

    #[test]
    fn graphemes_snap_outward(s in any_text(), a in 0usize..200, b in 0usize..200) {
        let (a, b) = (a.min(s.len()), b.min(s.len()));
        let (a, b) = (a.min(b), a.max(b));
        let r = snap_to_graphemes(&s, a..b);
        prop_assert!(r.start <= r.end && r.end <= s.len());
        prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
        let mut a2 = a;
        while !s.is_char_boundary(a2) { a2 -= 1; }
        prop_assert!(r.start <= a2);
        if a < b { prop_assert!(r.end >= b); }
        // Snapping is stable.
        prop_assert_eq!(snap_to_graphemes(&s, r.clone()), r);
    }

    #[test]
    fn zawgyi_probability_is_a_probability(s in any_text()) {
        let p = redflag_text::zawgyi::probability(&s);
        prop_assert!(p == f64::NEG_INFINITY || (0.0..=1.0).contains(&p));
        let _ = redflag_text::zawgyi::to_unicode(&s);
    }
}

/// Monotonicity over all pairs of a small text, exhaustively.
#[test]
fn original_range_is_monotone_exhaustively() {
    for text in [
        "Ａb\u{200B}c  Đà\tx",
        "t e l e g r a m j0b",
        "ทำ งาน國",
        "ေငြပို႔ပါ x",
        "a [.] b hxxp://x",
    ] {
        for v in [match_view(text), selector_view(text)] {
            let pts: Vec<usize> = (0..=v.len())
                .filter(|&i| v.as_str().is_char_boundary(i))
                .collect();
            for &s1 in &pts {
                for &s2 in pts.iter().filter(|&&x| x >= s1) {
                    for &e1 in pts.iter().filter(|&&x| x > s2) {
                        for &e2 in pts.iter().filter(|&&x| x >= e1) {
                            let (a, b) = (v.original_range(s1, e1), v.original_range(s2, e2));
                            assert!(
                                a.start <= b.start && a.end <= b.end,
                                "{text:?}: {s1}..{e1}->{a:?}, {s2}..{e2}->{b:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Inputs property tests once shrank to (each found a real bug), kept as plain regression cases.
#[test]
fn former_failures() {
    for s in [
        "а\u{323}",                                // a Cyrillic look-alike with a Latin diacritic
        "a\u{200b}\u{301}",                        // a combining mark behind an invisible
        "ế \u{200b}\u{301}",                       // the same after a spaced-out letter
        "ế\u{301}\u{1039}",                        // a diacritic composing past a lower-class mark
        "  \u{e48}\u{103a}",                       // marks after a collapsed space
        "a a\nế",                                  // a line break inside a spaced-out word
        "\u{1037}\u{102d}aၤaa\t\u{102d}\u{200b}ေ", // a Zawgyi conversion cycle
        "ế０ﬁᅡ",                                    // a chunk half word, half not
        "ếа\u{301}ᅡ",                               // a look-alike split from its diacritic
        "0 a\na\n \n a",                           // a long whitespace gap in a spaced-out word
    ] {
        if let Err(e) = redflag_text::testing::check_invariants(s) {
            panic!("{s:?}: {e}");
        }
    }
}
