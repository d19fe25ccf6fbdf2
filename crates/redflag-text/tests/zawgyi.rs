//! The Zawgyi detector and converter against their references: `myanmartools` (Python) for the
//! probability, ICU running the same CLDR rules for the conversion. Fixtures are produced by
//! `scripts/gen_data.py`; see `data/NOTICE.md`.
use redflag_text::zawgyi;

fn rows(fixture: &str) -> impl Iterator<Item = (&str, &str)> {
    fixture
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (a, b) = l
                .split_once('\t')
                .unwrap_or_else(|| panic!("bad fixture line {l:?}"));
            (a, b)
        })
}

#[track_caller]
fn assert_close(got: f64, want: f64, text: &str) {
    if want == f64::NEG_INFINITY {
        assert_eq!(got, want, "{text:?}");
        return;
    }
    assert!(
        (got - want).abs() <= 1e-6,
        "{text:?}: got {got}, want {want}"
    );
    // Tighter: the same f32 ratios summed in the same order give the same logit.
    if want > 0.0 && want < 1.0 && got > 0.0 {
        assert!(
            ((got - want) / want).abs() < 1e-9,
            "{text:?}: got {got}, want {want}"
        );
    }
}

#[test]
fn probability_agrees_with_myanmartools() {
    let fixture = include_str!("fixtures/zawgyi_probability.tsv");
    let mut n = 0;
    let (mut zg, mut uni) = (0, 0);
    for (want, text) in rows(fixture) {
        let want: f64 = want
            .parse()
            .unwrap_or_else(|_| panic!("bad probability {want:?}"));
        assert_close(zawgyi::probability(text), want, text);
        n += 1;
        zg += usize::from(want > zawgyi::THRESHOLD);
        uni += usize::from(want < 0.05 && want != f64::NEG_INFINITY);
    }
    assert!(
        n > 250 && zg > 40 && uni > 40,
        "fixture too thin: {n} rows, {zg} Zawgyi, {uni} Unicode"
    );
}

#[test]
fn probability_agrees_with_the_upstream_compatibility_table() {
    // Upstream values come from the Java client, which differs from the Python one only on
    // characters the Python lookup misses (none in this table); compare at 1e-6.
    for (want, text) in rows(include_str!("fixtures/myanmartools_compatibility.tsv")) {
        let want: f64 = if want == "-Infinity" {
            f64::NEG_INFINITY
        } else {
            want.parse().unwrap()
        };
        let got = zawgyi::probability(text);
        if want == f64::NEG_INFINITY {
            assert_eq!(got, want, "{text:?}");
        } else {
            assert!(
                (got - want).abs() <= 1e-6,
                "{text:?}: got {got}, want {want}"
            );
        }
    }
}

#[test]
fn conversion_agrees_with_icu() {
    let fixture = include_str!("fixtures/zawgyi_to_unicode.tsv");
    let mut n = 0;
    let mut changed = 0;
    for (input, want) in rows(fixture) {
        assert_eq!(zawgyi::to_unicode(input), want, "converting {input:?}");
        n += 1;
        changed += usize::from(input != want);
    }
    assert!(
        n > 150 && changed > 100,
        "fixture too thin: {n} rows, {changed} changed"
    );
}

#[test]
fn known_pairs() {
    for (zg, uni) in [
        ("မ္း", "မ်း"),                      // myanmar-tools' README example
        ("ေငြပို႔ပါ", "ငွေပို့ပါ"),              // send money
        ("ကြၽန္ေတာ့္ကို ကူညီပါ", "ကျွန်တော့်ကို ကူညီပါ"), // please help me
        ("ပတ္စပို႔", "ပတ်စပို့"),                 // passport
        ("ႏိုင္ငံ", "နိုင်ငံ"),                    // country
    ] {
        assert_eq!(zawgyi::to_unicode(zg), uni, "{zg:?}");
        assert!(
            zawgyi::is_zawgyi(zg) || zg.chars().count() < 4,
            "{zg:?} p={}",
            zawgyi::probability(zg)
        );
        assert!(
            !zawgyi::is_zawgyi(uni),
            "{uni:?} p={}",
            zawgyi::probability(uni)
        );
    }
}

#[test]
fn foreign_text_has_no_probability() {
    assert_eq!(zawgyi::probability(""), f64::NEG_INFINITY);
    assert_eq!(zawgyi::probability("hello 123"), f64::NEG_INFINITY);
    assert!(!zawgyi::is_zawgyi("hello"));
    // Affixes outside Burmese do not change the score.
    let core = "ေငြပို႔ပါ";
    assert_eq!(
        zawgyi::probability(&format!("hello {core} world")),
        zawgyi::probability(core)
    );
}

#[test]
fn threshold_is_myanmar_tools_recommendation() {
    assert_eq!(zawgyi::THRESHOLD, 0.95);
}
