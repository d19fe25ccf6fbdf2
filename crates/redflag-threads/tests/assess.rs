//! Threads assessed as a whole, on the fixtures: stages with their messages as reasons, a plea anywhere
//! raising distress, ordinary chats left alone; golden summaries of every fixture.
use std::fmt::Write;
use std::sync::LazyLock;

use redflag_core::{Band, Engine};
use redflag_threads::{ParseOptions, StageSet, ThreadAssessment, assess, parse};

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::builtin().unwrap());
static STAGES: LazyLock<StageSet> =
    LazyLock::new(|| StageSet::builtin(&StageSet::known_names(&ENGINE)).unwrap());

fn run(name: &str) -> ThreadAssessment {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let t = parse(name, &text, &ParseOptions::default()).unwrap();
    assess(&ENGINE, &STAGES, name, &t)
}

fn stage_ids(a: &ThreadAssessment) -> Vec<&str> {
    a.scam.stages.iter().map(|s| s.stage.as_str()).collect()
}

#[test]
fn a_pig_butchering_thread_goes_through_its_stages() {
    let a = run("whatsapp_ios_en.txt");
    assert_eq!(
        stage_ids(&a),
        [
            "opener",
            "trust",
            "move_app",
            "pitch",
            "deposit",
            "fees_to_withdraw"
        ]
    );
    assert!(a.scam.in_order);
    assert!(a.scam.band >= Band::High, "{:?}", a.scam.band);
    let fees = a.scam.stages.last().unwrap();
    assert_eq!(
        fees.messages.iter().map(|m| m.index).collect::<Vec<_>>(),
        [7, 8]
    );
    assert!(
        fees.messages[1]
            .cues
            .iter()
            .any(|c| c == "scam.pay_to_withdraw")
    );
    assert!(
        a.selectors
            .iter()
            .any(|s| s.value == "grace_lin_sg" && s.messages == [4])
    );
    assert_eq!(a.messages.len(), 9);
}

#[test]
fn the_stages_alone_flag_a_thread_whose_messages_are_each_mild() {
    // No message here fires a scam rule on its own strongly; the sequence does.
    let text = "[01/05/24, 09:00:00] A: Who is this? Sorry to bother you\n\
                [02/05/24, 08:00:00] A: Good morning dear, have you eaten?\n\
                [03/05/24, 20:00:00] A: Add me on Telegram, easier to talk\n\
                [05/05/24, 20:00:00] A: I do crypto trading with big data analysis\n\
                [06/05/24, 20:00:00] A: Buy USDT for your first deposit\n";
    let t = parse("s.txt", text, &ParseOptions::default()).unwrap();
    let a = assess(&ENGINE, &STAGES, "s.txt", &t);
    assert_eq!(
        stage_ids(&a),
        ["opener", "trust", "move_app", "pitch", "deposit"]
    );
    assert!(a.scam.stage_score >= 0.5, "{}", a.scam.stage_score);
    assert!(a.scam.band.is_flagged());
    // The same messages shuffled lose the order bonus.
    let shuffled: String = text.lines().rev().map(|l| format!("{l}\n")).collect();
    let t = parse("s.txt", &shuffled, &ParseOptions::default()).unwrap();
    let b = assess(&ENGINE, &STAGES, "s.txt", &t);
    assert!(!b.scam.in_order);
    assert!(b.scam.stage_score < a.scam.stage_score);
}

#[test]
fn a_plea_anywhere_raises_the_threads_distress() {
    let a = run("telegram_vi_plea.json");
    assert!(a.distress.band >= Band::High);
    assert!(a.distress.urgency >= 2);
    assert!(a.distress.flags.iter().any(|f| f == "violence"));
    assert_eq!(
        a.distress
            .messages
            .iter()
            .map(|m| m.index)
            .collect::<Vec<_>>(),
        [1, 2]
    );
    assert!(!a.scam.band.is_flagged());
}

#[test]
fn ordinary_chats_are_not_flagged() {
    for f in ["whatsapp_us_ampm.txt", "line_en_ordinary.txt"] {
        let a = run(f);
        assert!(
            !a.scam.band.is_flagged() && !a.distress.band.is_flagged() && !a.lure.band.is_flagged(),
            "{f}"
        );
        assert_eq!(a.scam.first_flagged, None);
        assert!(a.scam.stages.is_empty(), "{f}: {:?}", stage_ids(&a));
    }
}

fn summary(a: &ThreadAssessment) -> String {
    let mut s = String::new();
    let span = a
        .span
        .map(|(x, y)| format!("{} .. {}", x.utc(), y.utc()))
        .unwrap_or_default();
    writeln!(
        s,
        "{} {} messages={} speakers={:?} {span}",
        a.id,
        a.format.name(),
        a.message_count,
        a.speakers
    )
    .unwrap();
    writeln!(
        s,
        "scam {} {:.2} stages={:.2} in_order={} first_flagged={:?} strongest={:?}",
        a.scam.band.name(),
        a.scam.score,
        a.scam.stage_score,
        a.scam.in_order,
        a.scam.first_flagged,
        a.scam.strongest_message
    )
    .unwrap();
    for st in &a.scam.stages {
        let ms: Vec<String> = st
            .messages
            .iter()
            .map(|m| format!("#{} {}", m.index, m.cues.join("|")))
            .collect();
        writeln!(s, "  {} {}", st.stage, ms.join("; ")).unwrap();
    }
    writeln!(
        s,
        "distress {} {:.2} urgency={} flags={:?} messages={:?}",
        a.distress.band.name(),
        a.distress.score,
        a.distress.urgency,
        a.distress.flags,
        a.distress
            .messages
            .iter()
            .map(|m| m.index)
            .collect::<Vec<_>>()
    )
    .unwrap();
    writeln!(s, "lure {} {:.2}", a.lure.band.name(), a.lure.score).unwrap();
    for sel in &a.selectors {
        writeln!(s, "selector {} {:?}", sel.value, sel.messages).unwrap();
    }
    s
}

#[test]
fn golden_summaries() {
    let mut all = String::new();
    for f in [
        "whatsapp_ios_en.txt",
        "whatsapp_android_id.txt",
        "whatsapp_us_ampm.txt",
        "telegram_zh.json",
        "telegram_vi_plea.json",
        "line_th.txt",
        "line_en_ordinary.txt",
    ] {
        all += &summary(&run(f));
        all.push('\n');
    }
    insta::assert_snapshot!("fixtures", all);
}
