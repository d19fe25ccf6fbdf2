//! Property tests: no panics and sound spans on arbitrary input; every validated selector's
//! canonical text extracts back to it; generated selectors are found in noisy multilingual text.

use proptest::prelude::*;
use redflag_selectors::{Context, Kind, Selector, extract};

const LANGS: &[&str] = &["en", "th", "vi", "zh", "my", "km", "id", "ms", "tl"];

fn langs() -> impl Strategy<Value = Vec<&'static str>> {
    proptest::sample::subsequence(LANGS, 0..3)
}

fn check_spans(text: &str, sels: &[Selector]) {
    for s in sels {
        assert!(s.start < s.end && s.end <= text.len(), "{s:?}");
        assert!(
            text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
            "{s:?}"
        );
    }
}

/// Text made of the characters selectors are made of, in every script we read.
fn selectorish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            "[0-9]{1,4}",
            "[ +()\\-./@:,_~#*>]",
            "[a-zA-Z]{1,6}",
            Just("line".to_string()),
            Just("ไลน์".to_string()),
            Just("โทร".to_string()),
            Just("微信".to_string()),
            Just("✈️".to_string()),
            Just("WhatsApp".to_string()),
            Just("t.me/".to_string()),
            Just("https://".to_string()),
            Just("0x".to_string()),
            Just(".com".to_string()),
            Just("ទូរស័ព្ទ".to_string()),
            Just("ဖုန်း".to_string()),
            Just("\n".to_string()),
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>(), langs in langs()) {
        let sels = extract(&text, &Context { langs: &langs, ..Default::default() });
        check_spans(&text, &sels);
    }

    #[test]
    fn selectorish_text_has_sound_spans_and_round_trips(text in selectorish(), langs in langs()) {
        let sels = extract(&text, &Context { langs: &langs, ..Default::default() });
        check_spans(&text, &sels);
        for s in sels.iter().filter(|s| s.valid && !s.ambiguous) {
            let again = extract(&s.canonical_text(), &Context::default());
            prop_assert!(
                again.iter().any(|t| t.kind == s.kind && t.value == s.value && t.valid),
                "{:?} -> {:?} -> {:?}", s, s.canonical_text(), again
            );
        }
    }
}

/// A generated selector: its text, kind and canonical value.
#[derive(Debug, Clone)]
struct Planted {
    text: String,
    kind: Kind,
    value: String,
}

fn handle() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{3,12}_[a-z0-9]{1,6}"
}

fn planted() -> impl Strategy<Value = Planted> {
    let tg = (
        handle(),
        prop::sample::select(vec![
            "Telegram: @",
            "TG: ",
            "✈️ @",
            "t.me/",
            "เทเลแกรม: ",
            "纸飞机 ",
        ]),
    )
        .prop_map(|(h, l)| Planted {
            text: format!("{l}{h}"),
            kind: Kind::Telegram,
            value: h,
        });
    let line = (
        handle(),
        prop::sample::select(vec!["LINE ID: ", "ไลน์ : ", "แอดไลน์：", "line.me/ti/p/~"]),
    )
        .prop_map(|(h, l)| Planted {
            text: format!("{l}{h}"),
            kind: Kind::Line,
            value: h.chars().take(20).collect(),
        })
        .prop_filter("LINE IDs have at most 20 characters", |p| {
            p.text.len() - p.text.find(&p.value).unwrap_or(0) <= 20
        });
    let wechat = (
        handle(),
        prop::sample::select(vec!["WeChat: ", "微信：", "加V：", "VX: "]),
    )
        .prop_map(|(h, l)| Planted {
            text: format!("{l}{h}"),
            kind: Kind::Wechat,
            value: h,
        })
        .prop_filter("WeChat IDs have at most 20 characters", |p| {
            p.value.len() <= 20
        });
    // Thai mobiles 08x/09x/06x, written in several styles.
    let phone = (
        prop::sample::select(vec!["81", "89", "91", "95", "61", "65"]),
        1_000_000u32..9_999_999,
        0usize..4,
    )
        .prop_map(|(p, n, style)| {
            let d = format!("{p}{n:07}");
            let text = match style {
                0 => format!("+66 {} {} {}", &d[..2], &d[2..5], &d[5..]),
                1 => format!("โทร 0{}-{}-{}", &d[..2], &d[2..5], &d[5..]),
                2 => format!("Tel: 0{}", d),
                _ => format!("WhatsApp: +66{d}"),
            };
            Planted {
                text,
                kind: Kind::Phone,
                value: format!("+66{d}"),
            }
        });
    let eth = proptest::collection::vec(any::<u8>(), 20).prop_map(|b| {
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        let addr = format!("0x{hex}");
        let value = redflag_selectors::wallets::eip55(&addr).unwrap_or_default();
        Planted {
            text: format!("USDT ERC20 {addr}"),
            kind: Kind::Eth,
            value,
        }
    });
    let tron = proptest::collection::vec(any::<u8>(), 20).prop_map(|b| {
        let mut v = vec![0x41];
        v.extend(b);
        let a = bs58::encode(v).with_check().into_string();
        Planted {
            text: format!("TRC20: {a}"),
            kind: Kind::Tron,
            value: a,
        }
    });
    let domain = "[a-z]{3,10}-[a-z0-9]{2,6}".prop_map(|d| Planted {
        text: format!("https://{d}.com/apply"),
        kind: Kind::Domain,
        value: format!("{d}.com"),
    });
    prop_oneof![tg, line, wechat, phone, eth, tron, domain]
}

fn filler() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "งานง่าย รายได้ดี",
        "việc nhẹ lương cao",
        "高薪招聘",
        "gaji tinggi",
        "no experience needed",
        "ការងារ",
        "အလုပ်",
        "trabaho",
        "salary $1500/month",
        "ราคา 1,500 บาท",
        "12/05/2024",
        "",
        "!!!",
        "👉",
    ])
    .prop_map(str::to_string)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn planted_selectors_are_found(parts in proptest::collection::vec((filler(), planted()), 1..5), lang in prop::sample::select(LANGS)) {
        let mut text = String::new();
        for (f, p) in &parts {
            text.push_str(f);
            text.push('\n');
            text.push_str(&p.text);
            text.push_str(" \n");
        }
        // The planted phones are Thai; Thai is always among the hints, as langid would say.
        let langs = [lang, "th"];
        let sels = extract(&text, &Context { langs: &langs, ..Default::default() });
        check_spans(&text, &sels);
        for (_, p) in &parts {
            prop_assert!(
                sels.iter().any(|s| s.kind == p.kind && s.value == p.value && s.valid),
                "missing {:?}\ntext: {}\ngot: {:#?}", p, text, sels
            );
        }
    }
}
