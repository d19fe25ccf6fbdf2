//! Property tests: `detect` never panics, is deterministic, and its output is well-formed, on any
//! text, including long texts whose sampling windows cut through multi-byte characters.

use proptest::prelude::*;
use redflag_langid::{Detection, Lang, detect};

fn well_formed(d: &Detection) -> Result<(), TestCaseError> {
    prop_assert!(
        d.confidence.is_finite() && (0.0..=1.0).contains(&d.confidence),
        "{d:?}"
    );
    if d.lang != Lang::Und {
        prop_assert_eq!(
            d.present.first(),
            Some(&d.lang),
            "main language first: {:?}",
            d
        );
    }
    prop_assert!(!d.present.contains(&Lang::Und), "{d:?}");
    let mut seen = d.present.clone();
    seen.sort();
    seen.dedup();
    prop_assert_eq!(seen.len(), d.present.len(), "no duplicates: {:?}", d);
    Ok(())
}

/// Pieces of text in the scripts detect cares about, to mix with arbitrary characters.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        Just("không cần kinh nghiệm ".to_string()),
        Just("khong can kinh nghiem ".to_string()),
        Just("gaji RM3000 sila ".to_string()),
        Just("Rp. 35.000 saja ".to_string()),
        Just("salamat po ".to_string()),
        Just("the job is yours ".to_string()),
        Just("รับสมัครพนักงาน ".to_string()),
        Just("ក្រុមហ៊ុន ".to_string()),
        Just("ကုမ္ပဏီ ".to_string()),
        Just("高薪招聘 ".to_string()),
        Just("こんにちは ".to_string()),
        Just("t.me/abc_1 ".to_string()),
        Just("\u{200B}\u{301}'’ ".to_string()),
        "[a-zA-Z0-9 .,'@/_-]{0,40}",
        "\\PC{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_text(s in any::<String>()) {
        let d = detect(&s);
        well_formed(&d)?;
        prop_assert_eq!(d, detect(&s));
    }

    #[test]
    fn mixed_pieces(pieces in proptest::collection::vec(piece(), 0..12)) {
        let s: String = pieces.concat();
        let d = detect(&s);
        well_formed(&d)?;
        prop_assert_eq!(d, detect(&s));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Long texts go through the sampler, whose windows start and end at arbitrary byte offsets.
    #[test]
    fn long_texts(pieces in proptest::collection::vec(piece(), 1..6), len in 16_000usize..60_000) {
        let unit: String = pieces.concat();
        prop_assume!(!unit.is_empty());
        let mut s = String::new();
        while s.len() < len {
            s.push_str(&unit);
        }
        let d = detect(&s);
        well_formed(&d)?;
        prop_assert_eq!(d, detect(&s));
    }
}
