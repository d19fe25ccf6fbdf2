//! Golden files: for every text under `tests/corpus/<lang>/`, its bands, scores, rules that fired and
//! selectors, as a snapshot in `tests/snapshots/`. A change in packs, normaliser or extractor shows up
//! here as a reviewable diff (`cargo insta review`, or `INSTA_UPDATE=always cargo test`).
use redflag_core::{Assessment, Document, Engine, Lang};
use serde::Serialize;

#[derive(Serialize)]
struct TaskSummary {
    band: String,
    score: f64,
    rules: Vec<String>,
}

#[derive(Serialize)]
struct Summary {
    lang: String,
    lure: TaskSummary,
    scam: TaskSummary,
    distress: TaskSummary,
    urgency: u8,
    flags: Vec<String>,
    selectors: Vec<String>,
}

fn task(a: &Assessment) -> TaskSummary {
    TaskSummary {
        band: a.band.name().to_string(),
        score: (a.score * 1000.0).round() / 1000.0,
        rules: a
            .findings
            .iter()
            .map(|f| format!("{} {:+} «{}»", f.rule, f.weight, f.text))
            .collect(),
    }
}

#[test]
fn corpus() {
    let engine = Engine::builtin().expect("bundled packs");
    insta::glob!("corpus/*/*.txt", |path| {
        let text = std::fs::read_to_string(path).expect("utf-8 corpus file");
        let text = text.trim_end();
        // The folder names the language the text is written in; detection must agree with it.
        let want = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|s| s.to_str())
            .and_then(Lang::from_code);
        let r = engine.analyze(&Document::new("g", text));
        let s = Summary {
            lang: r.lang.clone(),
            lure: task(&r.lure),
            scam: task(&r.scam),
            distress: task(&r.distress.assessment),
            urgency: r.distress.urgency,
            flags: r.distress.flags.clone(),
            selectors: r
                .selectors
                .iter()
                .map(|s| {
                    format!(
                        "{:?} {} {:?} valid={} {:?}",
                        s.kind, s.value, s.raw, s.valid, s.role
                    )
                })
                .collect(),
        };
        insta::assert_yaml_snapshot!(s);
        if let Some(want) = want {
            let ok = r.lang == want.code() || (want == Lang::Ms && r.lang == "id");
            assert!(
                ok,
                "{}: detected {} for a {} text",
                path.display(),
                r.lang,
                want.code()
            );
        }
    });
}
