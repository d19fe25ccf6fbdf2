//! Engine behaviour on a small fixed pack set (tests/data/mini), independent of the shipped packs.
use proptest::prelude::*;
use redflag_core::{Band, Document, Engine, ErrorKind, PackSource, Task};

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

/// The mini lure pack with its warning context declared for the given tasks.
fn lure_warning_for(tasks: &str) -> String {
    include_str!("data/mini/lure.toml").replace(
        "category = \"context\"\nweight = -3.0\n",
        &format!("category = \"context\"\nweight = -3.0\ntasks = {tasks}\n"),
    )
}

#[test]
fn a_rule_counts_for_the_tasks_it_declares() {
    let text = "Police warn: usdt, please help me, beaten";
    let plain = mini().analyze(&Document::new("1", text));
    assert!(plain.scam.findings.iter().all(|f| f.rule != "lure.warning"));
    assert!(plain.distress.assessment.band.is_flagged());

    let pack = lure_warning_for(r#"["lure", "scam", "distress"]"#);
    let e = engine_with(&[("lure.toml", &pack)]);
    assert_eq!(e.check_examples(), vec![]);
    let r = e.analyze(&Document::new("1", text));
    for (task, a, before) in [
        ("lure", &r.lure, &plain.lure),
        ("scam", &r.scam, &plain.scam),
        (
            "distress",
            &r.distress.assessment,
            &plain.distress.assessment,
        ),
    ] {
        let f = a.findings.iter().find(|f| f.rule == "lure.warning");
        let f = f.unwrap_or_else(|| panic!("{task}: the warning counts: {:?}", a.findings));
        assert_eq!(f.text, "Police warn");
        assert_eq!(f.weight, -3.0);
        let sum: f64 = a.findings.iter().map(|f| f.weight).sum();
        let bias = e.calibration().get(Task::from_name(task).unwrap()).bias;
        assert!((a.score - 1.0 / (1.0 + (-(bias + sum)).exp())).abs() < 1e-12);
        if task != "lure" {
            assert!(
                a.score < before.score,
                "{task}: {} !< {}",
                a.score,
                before.score
            );
        }
    }
    assert!(
        !r.distress.assessment.band.is_flagged(),
        "the warning dampens the plea"
    );
    assert_eq!(r.distress.urgency, 0);

    // Only the tasks listed: the scam score is untouched.
    let pack = lure_warning_for(r#"["distress", "lure"]"#);
    let r = engine_with(&[("lure.toml", &pack)]).analyze(&Document::new("1", text));
    assert_eq!(r.scam, plain.scam);
    assert!(
        r.distress
            .assessment
            .findings
            .iter()
            .any(|f| f.rule == "lure.warning")
    );
}

#[test]
fn bad_tasks_name_file_line_and_rule() {
    for (tasks, want) in [
        (r#"["lure", "scams"]"#, "unknown task \"scams\""),
        (
            r#"["scam", "distress"]"#,
            "must include the pack's own task \"lure\"",
        ),
        (r#"["lure", "lure"]"#, "listed twice"),
        ("[]", "tasks is empty"),
    ] {
        let got = err_of("lure.toml", &lure_warning_for(tasks));
        assert!(
            got.starts_with("lure.toml: rule lure.warning: line 51: "),
            "{got}"
        );
        assert!(got.contains(want), "want {want:?} in {got:?}");
    }
    let got = err_of("lure.toml", &lure_warning_for("\"scam\""));
    assert!(got.starts_with("lure.toml:51:"), "{got}");
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

mod classifier {
    use redflag_core::model::{Example, TrainOptions, train};
    use redflag_core::{DocKind, Document, Engine, Lang};

    /// A tiny model trained on synthetic English texts (written for this test), for kind `message`.
    fn toy_model() -> redflag_core::model::Model {
        let scam = [
            "claim your prize now at the link",
            "your prize is waiting claim it at the link",
            "winner claim the cash prize link today",
            "prize claim link expires tonight",
        ];
        let ham = [
            "see you at lunch tomorrow",
            "the meeting moved to three",
            "can you bring the books tomorrow",
            "thanks for dinner last night",
        ];
        let mut ex = Vec::new();
        for r in 0..4 {
            for s in scam {
                ex.push((format!("{s} {r}"), true));
            }
            for h in ham {
                ex.push((format!("{h} {r}"), false));
            }
        }
        let ex: Vec<Example> = ex
            .iter()
            .map(|(t, l)| Example {
                text: t,
                label: *l,
                weight: 1.0,
            })
            .collect();
        let mut m = train(
            &ex,
            &TrainOptions {
                name: "toy".into(),
                task: "scam".into(),
                langs: vec!["en".into()],
                kinds: vec!["message".into()],
                hash_bits: 12,
                c_grid: vec![10.0],
                max_weight: 1.4,
                ..TrainOptions::default()
            },
        )
        .unwrap();
        m.info.threshold = 0.5;
        m
    }

    fn doc<'a>(text: &'a str, lang: &str, kind: Option<DocKind>) -> Document<'a> {
        Document {
            id: "1".into(),
            text,
            lang: Lang::from_code(lang),
            kind,
        }
    }

    #[test]
    fn a_model_adds_one_capped_finding_for_its_kind_and_language_only() {
        let e = super::mini().with_models(vec![toy_model()]);
        let text = "claim your prize at the link";
        let r = e.analyze(&doc(text, "en", Some(DocKind::Message)));
        let f: Vec<_> = r
            .scam
            .findings
            .iter()
            .filter(|f| f.rule == "model.toy")
            .collect();
        assert_eq!(f.len(), 1, "{:?}", r.scam.findings);
        let f = f[0];
        assert_eq!(
            (f.category.as_str(), f.explain_status.as_str()),
            ("classifier", "generated")
        );
        assert!(f.weight > 0.0 && f.weight <= 1.4);
        assert!(
            f.explain.contains("trained on message texts in en"),
            "{}",
            f.explain
        );
        // The finding's text is exactly the original at its offsets.
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[f.start..f.end].iter().collect::<String>(), f.text);
        assert!(r.lure.findings.iter().all(|f| f.category != "classifier"));
        // Another language, another kind: no finding. No kind: a short text counts as a message.
        for d in [
            doc(text, "id", Some(DocKind::Message)),
            doc(text, "en", Some(DocKind::JobAd)),
            doc(text, "en", Some(DocKind::Other)),
        ] {
            let r = e.analyze(&d);
            assert!(
                r.scam.findings.iter().all(|f| f.rule != "model.toy"),
                "{d:?}"
            );
        }
        let r = e.analyze(&doc(text, "en", None));
        assert!(r.scam.findings.iter().any(|f| f.rule == "model.toy"));
        // Deterministic.
        assert_eq!(r, e.analyze(&doc(text, "en", None)));
        // A genuine-looking text: no finding.
        let r = e.analyze(&doc(
            "see you at lunch tomorrow",
            "en",
            Some(DocKind::Message),
        ));
        assert!(r.scam.findings.iter().all(|f| f.rule != "model.toy"));
    }

    #[test]
    fn the_builtin_models_load_and_never_flag_alone() {
        let e = Engine::builtin().unwrap();
        let names: Vec<&str> = e.models().iter().map(|m| m.info.name.as_str()).collect();
        assert_eq!(names, ["job_ads", "messages"]);
        for m in e.models() {
            let bias = e
                .calibration()
                .get(redflag_core::Task::from_name(&m.info.task).unwrap())
                .bias;
            assert!(
                m.info.max_weight < -bias,
                "{}: cap {} must stay below |bias| {}",
                m.info.name,
                m.info.max_weight,
                -bias
            );
        }
        assert_eq!(DocKind::parse("SMS"), DocKind::Message);
        assert_eq!(DocKind::parse("job-ad"), DocKind::JobAd);
        assert_eq!(DocKind::parse("post"), DocKind::Other);
    }
}
