//! Engine behaviour on a small fixed pack set (tests/data/mini), independent of the shipped packs.
use proptest::prelude::*;
use redflag_core::{Band, Document, Engine, ErrorKind, PackSource};

const MINI: [(&str, &str); 4] = [
    ("lure.toml", include_str!("data/mini/lure.toml")),
    ("scam.toml", include_str!("data/mini/scam.toml")),
    ("distress.toml", include_str!("data/mini/distress.toml")),
    (
        "calibration.toml",
        include_str!("data/mini/calibration.toml"),
    ),
];

fn mini() -> Engine {
    engine_with(&[])
}

/// The mini packs with some files replaced.
fn engine_with(replace: &[(&str, &str)]) -> Engine {
    try_engine(replace).expect("mini packs load")
}

fn try_engine(replace: &[(&str, &str)]) -> Result<Engine, redflag_core::Error> {
    let sources: Vec<PackSource> = MINI
        .iter()
        .map(|(f, t)| PackSource {
            file: f,
            text: replace
                .iter()
                .find(|(rf, _)| rf == f)
                .map_or(*t, |(_, rt)| rt),
        })
        .collect();
    Engine::from_sources(&sources)
}

fn chars(s: &str, start: usize, end: usize) -> String {
    s.chars().skip(start).take(end - start).collect()
}

#[test]
fn examples_pass() {
    assert_eq!(mini().check_examples(), vec![]);
}

#[test]
fn rules_fire_once_and_score_is_logistic() {
    let e = mini();
    let text = "No experience! no experience. Work in Sihanoukville.";
    let r = e.analyze(&Document::new("a", text));
    let ids: Vec<&str> = r.lure.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(
        ids,
        ["lure.no_experience", "lure.hotspot"],
        "largest contribution first, each rule once"
    );
    let expected = 1.0 / (1.0 + (-(-4.0 + 2.0 + 2.5f64)).exp());
    assert!(
        (r.lure.score - expected).abs() < 1e-12,
        "{} vs {expected}",
        r.lure.score
    );
    assert_eq!(r.lure.band, Band::Medium);
    assert_eq!(r.scam.band, Band::None);
    assert_eq!(
        r.lure.findings[0].text, "No experience",
        "first occurrence, original case"
    );
}

#[test]
fn context_lowers_the_score() {
    let e = mini();
    let lure = e.analyze(&Document::new("1", "No experience, KK Park, Sihanoukville"));
    let warned = e.analyze(&Document::new(
        "2",
        "Police warn: no experience, KK Park, Sihanoukville",
    ));
    assert!(lure.lure.band.is_flagged());
    assert!(warned.lure.score < lure.lure.score);
    assert_eq!(warned.lure.findings[0].rule, "lure.warning");
    assert!(warned.lure.findings[0].weight < 0.0);
}

#[test]
fn latin_phrases_respect_word_boundaries() {
    let e = mini();
    let r = e.analyze(&Document::new(
        "1",
        "visit sihanoukvilles and nonoexperience",
    ));
    assert!(r.lure.findings.is_empty(), "{:?}", r.lure.findings);
}

#[test]
fn offsets_are_chars_into_the_original() {
    let e = mini();
    let text = "งานง่าย ไม่ต้องมีประสบการณ์ ที่ Sihanoukville";
    let r = e.analyze(&Document::new("1", text));
    assert_eq!(r.lure.findings.len(), 2);
    for f in &r.lure.findings {
        assert_eq!(chars(text, f.start, f.end), f.text);
    }
    let th = r
        .lure
        .findings
        .iter()
        .find(|f| f.rule == "lure.no_experience")
        .unwrap();
    assert_eq!(th.text, "ไม่ต้องมีประสบการณ์");
}

#[test]
fn explanation_in_the_texts_language_with_english_fallback() {
    let e = mini();
    let r = e.analyze(&Document {
        id: "1".into(),
        text: "Việc nhẹ, không cần kinh nghiệm",
        lang: redflag_core::Lang::from_code("vi"),
        kind: None,
    });
    let f = &r.lure.findings[0];
    assert_eq!(
        (f.explain_lang.as_str(), f.explain_status.as_str()),
        ("vi", "machine")
    );
    let r = e.analyze(&Document {
        id: "1".into(),
        text: "Sihanoukville",
        lang: redflag_core::Lang::from_code("vi"),
        kind: None,
    });
    assert_eq!(r.lure.findings[0].explain_lang, "en");
}

#[test]
fn distress_flags_and_urgency() {
    let e = mini();
    let r = e.analyze(&Document::new(
        "1",
        "please help me, we are beaten every day",
    ));
    assert!(r.distress.assessment.band.is_flagged());
    assert_eq!(r.distress.flags, ["violence"]);
    assert_eq!(r.distress.urgency, 2);
    let r = e.analyze(&Document::new("1", "please help me move the sofa"));
    assert_eq!(r.distress.urgency, 0, "{:?}", r.distress);
}

#[test]
fn json_contract_shape() {
    let e = mini();
    let r = e.analyze(&Document::new("7", "please help me, beaten"));
    let v = serde_json::to_value(&r).unwrap();
    for k in ["id", "lang", "lure", "scam", "distress", "selectors"] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(v["id"], "7");
    for k in ["score", "band", "findings", "urgency", "flags"] {
        assert!(v["distress"].get(k).is_some(), "distress.{k}");
    }
    let f = &v["distress"]["findings"][0];
    for k in ["rule", "category", "start", "end", "text", "explain"] {
        assert!(f.get(k).is_some(), "finding.{k}");
    }
}

fn err_of(file: &str, text: &str) -> String {
    try_engine(&[(file, text)])
        .expect_err("must fail")
        .to_string()
}

const HEAD: &str = "[pack]\nid = \"lure\"\ntask = \"lure\"\nversion = \"t\"\n";

fn rule(body: &str) -> String {
    format!("{HEAD}\n[[rule]]\nid = \"lure.x\"\ncategory = \"c\"\nweight = 1.0\n{body}")
}

#[test]
fn broken_packs_name_file_rule_and_reason() {
    let ok_tail = "[rule.phrases]\nen = [\"abc\"]\n[rule.explain]\nen = { text = \"t\", status = \"reviewed\" }\n";
    let cases = [
        (rule(ok_tail), "lure.toml: rule lure.x: missing source"),
        (
            rule(
                "source = \"s\"\n[rule.phrases]\nth = [\"งาน\"]\n[rule.explain]\nen = { text = \"t\", status = \"reviewed\" }\nth = { text = \"t\", status = \"machine\" }\n",
            ),
            "shorter than 4 grapheme clusters",
        ),
        (
            rule(
                "source = \"s\"\n[rule.patterns]\nen = ['(']\n[rule.explain]\nen = { text = \"t\", status = \"reviewed\" }\n",
            ),
            "does not compile",
        ),
        (
            rule(&format!(
                "source = \"s\"\n{}",
                ok_tail.replace("reviewed", "done")
            )),
            "status must be",
        ),
        (
            rule(
                "source = \"s\"\n[rule.phrases]\nvi = [\"abc\"]\n[rule.explain]\nen = { text = \"t\", status = \"reviewed\" }\n",
            ),
            "no explanation in \"vi\"",
        ),
        (
            rule(&format!("source = \"s\"\nwieght = 2\n{ok_tail}")),
            "lure.toml:11: unknown field `wieght`",
        ),
        (
            format!("{HEAD}\n[[rule]]\nid = \"scam.x\"\n"),
            "rule scam.x: id must start with \"lure.\"",
        ),
        (rule("source = \"s\"\nweight = -1\n"), "lure.toml:"),
    ];
    for (text, want) in cases {
        let got = err_of("lure.toml", &text);
        assert!(got.contains(want), "want {want:?} in {got:?}");
    }
    let e = try_engine(&[("lure.toml", "[pack]\nid = \"lure\"\n")]).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Syntax { .. }), "{e:?}");
    let got = err_of(
        "calibration.toml",
        "method = \"x\"\n[task.lure]\nbias = 0\nlow = 0.5\nmedium = 0.4\nhigh = 0.8\ncritical = 0.9\n",
    );
    assert!(got.contains("calibration.toml"), "{got}");
}

#[test]
fn context_weight_sign_is_checked() {
    let text = rule("source = \"s\"\n[rule.phrases]\nen = [\"abc\"]\n[rule.explain]\nen = { text = \"t\", status = \"reviewed\" }\n")
        .replace("category = \"c\"", "category = \"context\"");
    assert!(err_of("lure.toml", &text).contains("negative weight"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn analyze_never_panics_and_spans_hold(text in "\\PC{0,200}") {
        let e = mini();
        let r = e.analyze(&Document::new("p", &text));
        let n = text.chars().count();
        for a in [&r.lure, &r.scam, &r.distress.assessment] {
            prop_assert!((0.0..=1.0).contains(&a.score));
            for f in &a.findings {
                prop_assert!(f.start <= f.end && f.end <= n);
                prop_assert_eq!(chars(&text, f.start, f.end), f.text.clone());
            }
        }
        for s in &r.selectors {
            prop_assert!(s.start <= s.end && s.end <= n);
            prop_assert_eq!(chars(&text, s.start, s.end), s.raw.clone());
        }
    }

    #[test]
    fn lure_words_in_noise(prefix in "[a-z ]{0,30}", suffix in "[ .,!]{1,5}[a-z ]{0,30}") {
        let e = mini();
        let text = format!("{prefix}Sihanoukville{suffix}");
        let r = e.analyze(&Document::new("p", &text));
        let fired = r.lure.findings.iter().any(|f| f.rule == "lure.hotspot");
        let bounded = prefix.is_empty() || prefix.ends_with(' ');
        prop_assert_eq!(fired, bounded);
    }
}
