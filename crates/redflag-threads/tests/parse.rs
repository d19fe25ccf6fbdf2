//! Reading chat exports: each format on fixtures written for these tests (no real people), the
//! offsets and calendars, bad input, and parsers that never panic.
use proptest::prelude::*;
use redflag_threads::{Format, ParseOptions, Thread, parse, sniff};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn read(name: &str) -> Thread {
    parse(name, &fixture(name), &ParseOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn utc(t: &Thread, i: usize) -> String {
    t.messages[i].sent_at.unwrap().utc()
}

#[test]
fn whatsapp_ios_multiline_and_system_lines() {
    let t = read("whatsapp_ios_en.txt");
    assert_eq!(t.format, Format::WhatsApp);
    assert_eq!(
        t.messages.len(),
        9,
        "the encryption notice is not a message"
    );
    assert_eq!(t.speakers(), ["Grace Lin", "Tom Reyes"]);
    assert_eq!(t.messages[0].line, 2);
    assert_eq!(utc(&t, 0), "2024-03-02T08:41:10Z");
    assert_eq!(
        t.messages[3].text,
        "Good morning dear, have you eaten?\nI just finished my yoga class.\nThe weather in Singapore is lovely today"
    );
    assert!(!t.messages[0].sent_at.unwrap().offset_known);
}

#[test]
fn whatsapp_offset_given_by_the_caller() {
    let opts = ParseOptions {
        format: None,
        offset_minutes: Some(8 * 60),
    };
    let t = parse("x.txt", &fixture("whatsapp_ios_en.txt"), &opts).unwrap();
    let s = t.messages[0].sent_at.unwrap();
    assert_eq!(s.utc(), "2024-03-02T00:41:10Z");
    assert_eq!(s.local(), "2024-03-02T08:41:10+08:00");
}

#[test]
fn whatsapp_android_form() {
    let t = read("whatsapp_android_id.txt");
    assert_eq!(t.messages.len(), 7);
    assert_eq!(t.messages[1].speaker, "Dewi Lestari");
    assert_eq!(t.messages[1].text, "Bukan, salah nomor kak");
    assert_eq!(utc(&t, 4), "2024-04-12T20:30:00Z");
}

#[test]
fn whatsapp_month_first_and_twelve_hour_clock() {
    let t = read("whatsapp_us_ampm.txt");
    assert_eq!(utc(&t, 0), "2024-03-14T09:05:07Z");
    assert_eq!(utc(&t, 2), "2024-03-14T12:02:00Z", "12 PM is noon");
    assert_eq!(utc(&t, 3), "2024-03-15T00:45:13Z", "12 AM is midnight");
}

#[test]
fn telegram_offset_entities_service_and_deleted_accounts() {
    let t = read("telegram_zh.json");
    assert_eq!(t.format, Format::Telegram);
    assert_eq!(t.messages.len(), 8, "the service message is left out");
    let s = t.messages[0].sent_at.unwrap();
    assert!(s.offset_known);
    assert_eq!(s.local(), "2024-05-01T20:01:10+08:00");
    assert_eq!(s.utc(), "2024-05-01T12:01:10Z");
    assert!(
        t.messages[3]
            .text
            .contains("https://bit-gold-exchange.example/reg 每天收益30%")
    );
    assert_eq!(t.messages[4].text, "先充一点，入金5000 USDT就可以开始");
    assert_eq!(t.messages[7].speaker, "(deleted account)");
    assert_eq!(t.messages[7].text, "");
    let v = read("telegram_vi_plea.json");
    assert_eq!(
        v.messages[1].sent_at.unwrap().local(),
        "2024-06-10T19:20:00+07:00"
    );
}

#[test]
fn line_thai_buddhist_era_quotes_and_system_lines() {
    let t = read("line_th.txt");
    assert_eq!(t.format, Format::Line);
    assert_eq!(t.messages.len(), 8, "`unsent a message` lines are left out");
    assert_eq!(
        utc(&t, 0),
        "2024-07-01T10:02:00Z",
        "2567 BE is 2024 CE, dates day-first"
    );
    assert_eq!(t.messages[4].text, "วันนี้เหนื่อยมาก\nแต่ได้คุยกับคุณก็มีความสุขค่ะ");
    assert_eq!(utc(&t, 7), "2024-07-14T09:30:00Z");
    assert_eq!(t.messages[6].speaker, "สมชาย");
}

#[test]
fn line_english_month_first_and_clock_forms() {
    let t = read("line_en_ordinary.txt");
    assert_eq!(t.messages.len(), 3);
    assert_eq!(utc(&t, 0), "2024-08-13T19:45:00Z");
    assert_eq!(
        t.messages[1].text,
        "Great choice.\nI already have it at home"
    );
    assert_eq!(utc(&t, 2), "2024-08-14T08:10:00Z");
}

#[test]
fn sniffing() {
    assert_eq!(
        sniff(&fixture("whatsapp_android_id.txt")),
        Some(Format::WhatsApp)
    );
    assert_eq!(
        sniff(&fixture("telegram_vi_plea.json")),
        Some(Format::Telegram)
    );
    assert_eq!(sniff(&fixture("line_th.txt")), Some(Format::Line));
    assert_eq!(sniff("Dear diary,\ntoday was fine."), None);
}

fn error(file: &str, text: &str, format: Option<Format>) -> String {
    parse(
        file,
        text,
        &ParseOptions {
            format,
            offset_minutes: None,
        },
    )
    .expect_err("should not parse")
    .to_string()
}

#[test]
fn bad_input_names_the_file_and_line() {
    let e = error("notes.txt", "\n\nDear diary,\ntoday was fine.", None);
    assert!(e.starts_with("notes.txt:3: not a chat export"), "{e}");
    let e = error("a.txt", "[31/02/24, 10:00:00] A: hi\n", None);
    assert!(e.starts_with("a.txt:1: impossible date"), "{e}");
    let e = error("a.txt", "[01/02/24, 13:00:00 PM] A: hi\n", None);
    assert!(e.starts_with("a.txt:1: hour 13"), "{e}");
    let e = error(
        "a.txt",
        "hello\n[01/02/24, 10:00:00] A: hi\n",
        Some(Format::WhatsApp),
    );
    assert!(e.starts_with("a.txt:1: not a WhatsApp export"), "{e}");
    let e = error(
        "r.json",
        "{\n \"messages\": [\n  {\"from\": \"A\" \"text\": \"x\"}\n ]\n}",
        None,
    );
    assert!(e.starts_with("r.json:3: not valid JSON"), "{e}");
    let e = error(
        "r.json",
        r#"{"messages": [{"from": "A", "text": "x"}, {"from": "B", "date": "yesterday", "text": "y"}]}"#,
        None,
    );
    assert!(e.contains("messages[1].date"), "{e}");
    let e = error("r.json", r#"{"chats": {"list": []}}"#, None);
    assert!(e.contains("whole-account export"), "{e}");
    let e = error(
        "r.json",
        r#"{"messages": [{"from": 7, "text": "x"}]}"#,
        None,
    );
    assert!(e.contains("messages[0].from"), "{e}");
    let e = error("l.txt", "[LINE] Chat\n\n10:00\tA\thi\n", None);
    assert!(
        e.starts_with("l.txt:3: a Line message before any date header"),
        "{e}"
    );
    let e = error("e.json", r#"{"messages": []}"#, None);
    assert_eq!(e, "e.json: no messages in this telegram export");
    let e = error("e.txt", "", None);
    assert!(
        e.starts_with("e.txt:0: not a chat export") || e.starts_with("e.txt: not a chat export"),
        "{e}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic_on_arbitrary_text(s in "\\PC{0,300}", f in 0usize..4) {
        let format = [None, Some(Format::WhatsApp), Some(Format::Telegram), Some(Format::Line)][f];
        let _ = parse("p", &s, &ParseOptions { format, offset_minutes: Some(0) });
    }

    #[test]
    fn parsers_never_panic_on_mangled_exports(
        which in 0usize..7,
        cut in 0usize..4000,
        insert in "[\\[\\]0-9/:,.\\- \t\"{}AMP\n\u{e01}]{0,12}",
        f in 0usize..4,
    ) {
        let names = ["whatsapp_ios_en.txt", "whatsapp_android_id.txt", "whatsapp_us_ampm.txt", "telegram_zh.json",
                     "telegram_vi_plea.json", "line_th.txt", "line_en_ordinary.txt"];
        let mut text = fixture(names[which]);
        let mut at = cut.min(text.len());
        while !text.is_char_boundary(at) { at -= 1; }
        text.insert_str(at, &insert);
        let format = [None, Some(Format::WhatsApp), Some(Format::Telegram), Some(Format::Line)][f];
        if let Ok(t) = parse("p", &text, &ParseOptions { format, offset_minutes: Some(-330) }) {
            prop_assert!(!t.messages.is_empty());
            for (i, m) in t.messages.iter().enumerate() { prop_assert_eq!(m.index, i); }
        }
    }
}
