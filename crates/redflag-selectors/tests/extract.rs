//! Data-driven cases per kind, in the eight languages, with the obfuscations seen in real ads
//! and the false-positive traps around them. All numbers are made up (libphonenumber-style
//! example ranges); handles are invented.

use redflag_selectors::Kind::{self, *};
use redflag_selectors::{Context, Role, Selector, Validation, extract};

fn run(text: &str, langs: &[&str]) -> Vec<Selector> {
    let sels = extract(
        text,
        &Context {
            langs,
            ..Default::default()
        },
    );
    for s in &sels {
        assert!(s.start < s.end && s.end <= text.len(), "{s:?}");
        assert!(
            text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
            "{s:?}"
        );
    }
    sels
}

/// The selectors of `text` are exactly `expected` as (kind, value, valid), in any order.
#[track_caller]
fn check(text: &str, langs: &[&str], expected: &[(Kind, &str, bool)]) {
    let sels = run(text, langs);
    let mut got: Vec<(Kind, String, bool)> = sels
        .iter()
        .map(|s| (s.kind, s.value.clone(), s.valid))
        .collect();
    let mut want: Vec<(Kind, String, bool)> = expected
        .iter()
        .map(|(k, v, ok)| (*k, v.to_string(), *ok))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "\ntext: {text}\nselectors: {sels:#?}");
}

/// The single selector of `kind` in `text`.
#[track_caller]
fn one(text: &str, langs: &[&str], kind: Kind) -> Selector {
    let sels = run(text, langs);
    let of: Vec<_> = sels.iter().filter(|s| s.kind == kind).cloned().collect();
    assert_eq!(of.len(), 1, "\ntext: {text}\nselectors: {sels:#?}");
    of.into_iter().next().unwrap()
}

const TH_MOBILE: &str = "+66812345678";
const KH_MOBILE: &str = "+855972345678";
const VN_MOBILE: &str = "+84912345678";

// ---------------------------------------------------------------- phone: formats and obfuscation

#[test]
fn phone_formats() {
    check(
        "call +855 (0)97 234 5678 now",
        &[],
        &[(Phone, KH_MOBILE, true)],
    );
    check("call +855 97 234 5678", &[], &[(Phone, KH_MOBILE, true)]);
    check("call 00855 97 234 5678", &[], &[(Phone, KH_MOBILE, true)]);
    check("call +8550972345678", &[], &[(Phone, KH_MOBILE, true)]);
    check("โทร 097-234-5678", &["km"], &[(Phone, KH_MOBILE, true)]);
    check(
        "โทร 0 9 7 2 3 4 5 6 7 8",
        &["km"],
        &[(Phone, KH_MOBILE, true)],
    );
    check("Tel:081.234.5678", &["th"], &[(Phone, TH_MOBILE, true)]);
    check("Tel0812345678", &["th"], &[(Phone, TH_MOBILE, true)]);
    check(
        "Lien he: 1>9>0>0>1>2>3>4",
        &["vi"],
        &[(Phone, "+8419001234", true)],
    );
    // Two numbers in one run are split.
    check(
        "โทร 081 234 5678 089 123 4567",
        &["th"],
        &[(Phone, TH_MOBILE, true), (Phone, "+66891234567", true)],
    );
    check(
        "โทร 081-234-5678/089-123-4567",
        &["th"],
        &[(Phone, TH_MOBILE, true), (Phone, "+66891234567", true)],
    );
    // The span is the number as written.
    let text = "ติดต่อ (+855) 97 234 5678 ด่วน";
    let s = one(text, &["th"], Phone);
    assert_eq!(&text[s.start..s.end], "+855) 97 234 5678");
}

#[test]
fn phone_false_positive_traps() {
    check(
        "Salary $1500/month, 15,000,000 VND, 19.137.909 VNĐ",
        &["en"],
        &[],
    );
    check(
        "Start 12/05/2024 or 2024-05-12 or 12.05.2024, from 10:30 to 18:00",
        &["en"],
        &[],
    );
    check("Years 2019-2024, BE 2566-2567", &["en"], &[]);
    check(
        "Your OTP is 123456. Order No. 0812345678 shipped.",
        &["en"],
        &[],
    );
    check(
        "IBAN TH12 3456 7890 1234 5678, card 4111 1111 1111 1111",
        &["en"],
        &[],
    );
    check("Tracking EE123456789TH, ref ABC0812345678", &["en"], &[]);
    check("Rp 1.500.000 transfer ke rek 1234567890", &["id"], &[]);
    check("ราคา 1,500 บาท วันที่ 12/05/2567 เวลา 10.30 น.", &["th"], &[]);
    check(
        "Tiền thưởng 15.000.000 đ, mã giao dịch 250207757676944",
        &["vi"],
        &[],
    );
    check("โทร *110# เพื่อยืมเงิน", &["th"], &[]);
    check("Version 3.1415926 build 20240512103000", &["en"], &[]);
    check("Bank account 0071000986547 at Vietcombank", &["en"], &[]);
    // Digits inside links, e-mail and wallets are theirs.
    check(
        "https://jobs-kh.com/job/0812345678",
        &[],
        &[
            (Url, "https://jobs-kh.com/job/0812345678", true),
            (Domain, "jobs-kh.com", true),
        ],
    );
}

#[test]
fn phone_without_trunk_needs_a_label() {
    // Written with the country code but no "+": Vietnamese operators and Zalo users do this.
    check(
        "Thuê bao 84912345678 vừa đăng nhập",
        &["vi"],
        &[(Phone, VN_MOBILE, true)],
    );
    check(
        "Zalo: 84912345678",
        &["vi"],
        &[(Phone, VN_MOBILE, true), (Zalo, VN_MOBILE, true)],
    );
    check("Ref 84912345678", &["en"], &[]);
    // Toll-free and premium prefixes.
    check(
        "Tư vấn miễn phí 1800 1234",
        &["vi"],
        &[(Phone, "+8418001234", true)],
    );
    // Chinese mobiles have no trunk prefix.
    check(
        "电话 131 2345 6789",
        &["zh"],
        &[(Phone, "+8613123456789", true)],
    );
}

#[test]
fn phone_invalid_is_kept_when_explicit_or_labelled() {
    let s = one("WhatsApp +66 12 345", &[], Phone);
    assert!(!s.valid && s.value.starts_with("+66"), "{s:?}");
    let s = one("Tel: 0000 000 000", &["th"], Phone);
    assert!(!s.valid, "{s:?}");
    // Unlabelled and valid nowhere: an account number, not a phone.
    check("ref 0000 000 000", &["th"], &[]);
}

// ---------------------------------------------------------------- phone: region inference

#[test]
fn region_from_language_place_and_other_numbers() {
    let s = one("โทร 081 234 5678", &["th"], Phone);
    assert_eq!(
        (s.value.as_str(), s.region.as_deref(), s.ambiguous),
        (TH_MOBILE, Some("TH"), false)
    );
    // Another number's country code decides.
    let sels = run("WhatsApp +855 97 234 5678 or 012 345 678", &["en"]);
    assert!(
        sels.iter()
            .any(|s| s.kind == Phone && s.value == "+85512345678" && !s.ambiguous),
        "{sels:#?}"
    );
    // The caller's region.
    let ctx = Context {
        langs: &[],
        default_region: Some("KH"),
    };
    let sels = extract("call 012 345 678", &ctx);
    assert_eq!(sels.len(), 1, "{sels:#?}");
    assert_eq!(sels[0].value, "+85512345678");
    // Burmese, Khmer, Lao places in every script.
    for place in ["Myawaddy", "မြဝတီ", "เมียวดี", "妙瓦底"] {
        let s = one(&format!("{place} call 09 212 3456"), &[], Phone);
        assert_eq!(s.region.as_deref(), Some("MM"), "{place}");
    }
}

#[test]
fn ambiguous_local_number_gives_one_selector_per_region() {
    // Thai text about a job in Poipet (Cambodia): 097 234 5678 is valid in both countries.
    let text = "งานที่ปอยเปต โทร 097 234 5678";
    let sels: Vec<_> = run(text, &["th"])
        .into_iter()
        .filter(|s| s.kind == Phone)
        .collect();
    let mut regions: Vec<_> = sels.iter().map(|s| s.region.clone().unwrap()).collect();
    regions.sort();
    assert_eq!(regions, ["KH", "TH"], "{sels:#?}");
    assert!(
        sels.iter()
            .all(|s| s.ambiguous && s.valid && (s.start, s.end) == (sels[0].start, sels[0].end))
    );
    // Valid only outside the text's evidence: a guess, marked so even when it is the only one.
    let sels: Vec<_> = run("Call 0812 3456 789", &["en"])
        .into_iter()
        .filter(|s| s.kind == Phone)
        .collect();
    assert!(
        !sels.is_empty() && sels.iter().all(|s| s.ambiguous),
        "{sels:#?}"
    );
    // No evidence at all: every SEA reading that validates, none chosen silently.
    let sels: Vec<_> = run("call 0812345678", &[])
        .into_iter()
        .filter(|s| s.kind == Phone)
        .collect();
    assert!(
        sels.len() > 1 && sels.iter().all(|s| s.ambiguous),
        "{sels:#?}"
    );
    assert!(sels.iter().any(|s| s.value == TH_MOBILE));
}

// ---------------------------------------------------------------- platforms addressed by number

#[test]
fn whatsapp() {
    check(
        "WhatsApp: +66 81 234 5678",
        &[],
        &[(Phone, TH_MOBILE, true), (Whatsapp, TH_MOBILE, true)],
    );
    check(
        "wa.me/66812345678",
        &[],
        &[(Phone, TH_MOBILE, true), (Whatsapp, TH_MOBILE, true)],
    );
    check(
        "https://api.whatsapp.com/send?phone=66812345678&text=hi",
        &[],
        &[(Phone, TH_MOBILE, true), (Whatsapp, TH_MOBILE, true)],
    );
    check(
        "join chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv",
        &[],
        &[(
            Whatsapp,
            "https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv",
            true,
        )],
    );
    check(
        "Hub WA 0812-3456-789",
        &["id"],
        &[
            (Phone, "+628123456789", true),
            (Whatsapp, "+628123456789", true),
        ],
    );
    check(
        "hub 081584650877 (WA)",
        &["id"],
        &[
            (Phone, "+6281584650877", true),
            (Whatsapp, "+6281584650877", true),
        ],
    );
    // "WA" as a US state is not a label.
    check("US, WA, Seattle", &["en"], &[]);
}

#[test]
fn signal_and_zalo() {
    check(
        "Signal: +66 81 234 5678",
        &[],
        &[(Phone, TH_MOBILE, true), (Signal, TH_MOBILE, true)],
    );
    check(
        "signal.me/#p/+66812345678",
        &[],
        &[(Phone, TH_MOBILE, true), (Signal, TH_MOBILE, true)],
    );
    check("Signal: jobs_th.42", &[], &[(Signal, "jobs_th.42", true)]);
    check("no signal here", &["en"], &[]);
    check(
        "Liên hệ Zalo: 0912 345 678",
        &["vi"],
        &[(Phone, VN_MOBILE, true), (Zalo, VN_MOBILE, true)],
    );
    check(
        "zalo.me/84912345678",
        &["vi"],
        &[(Phone, VN_MOBILE, true), (Zalo, VN_MOBILE, true)],
    );
    check(
        "Thanh toán qua ZaloPay 0912345678",
        &["vi"],
        &[(Phone, VN_MOBILE, true)],
    );
}

// ---------------------------------------------------------------- telegram

#[test]
fn telegram() {
    for text in [
        "Telegram: @j0b_thai",
        "TG: j0b_thai",
        "t e l e: @ j0b_thai",
        "Contact Telegram: t e l e: @ j0b_thai",
        "Tele : @ j0b_thai",
        "✈️ @j0b_thai",
        "t.me/j0b_thai",
        "https://telegram.me/J0B_THAI",
        "เทเลแกรม: j0b_thai",
        "纸飞机 j0b_thai",
        "飞机：@j0b_thai",
        "电报 @j0b_thai",
        "တယ်လီဂရမ် @j0b_thai",
        "តេឡេក្រាម: j0b_thai",
    ] {
        check(text, &[], &[(Telegram, "j0b_thai", true)]);
    }
    check(
        "t.me/joinchat/AAAAAEHbEkejzxUjAUCzYA",
        &[],
        &[(Telegram, "https://t.me/+AAAAAEHbEkejzxUjAUCzYA", true)],
    );
    check(
        "t.me/+AAAAAEHbEkejzxUjAUCzYA",
        &[],
        &[(Telegram, "https://t.me/+AAAAAEHbEkejzxUjAUCzYA", true)],
    );
    // Syntax: labelled but impossible usernames are kept, invalid.
    check("Telegram: @1abc", &[], &[(Telegram, "1abc", false)]);
    // Prose after a label, flights and TV are not handles.
    check("Contact us via Telegram for more info", &["en"], &[]);
    check("坐飞机到金边", &["zh"], &[]);
    check("ดูเทเลวิชั่นทุกวัน", &["th"], &[]);
}

#[test]
fn bare_handles() {
    // Nearby label decides.
    check("ID line @abc", &[], &[(Line, "@abc", true)]);
    check("Follow us on Instagram @j0b_thai", &[], &[]);
    // Named elsewhere in the text.
    check(
        "We use Telegram only.\n\nAdmin: @j0b_thai",
        &[],
        &[(Telegram, "j0b_thai", true)],
    );
    // Not named at all: a Telegram reading, marked ambiguous.
    let s = one("Contact @j0b_thai for the job", &["en"], Telegram);
    assert!(s.ambiguous && s.valid);
    // E-mail local parts are not handles.
    check(
        "mail hr@jobs-kh.com",
        &[],
        &[(Email, "hr@jobs-kh.com", true)],
    );
    // Too short for Telegram and no platform named: nothing is guessed.
    check("meet @home", &["en"], &[]);
}

// ---------------------------------------------------------------- line and wechat

#[test]
fn line() {
    check("สนใจติดต่อ LINE ID：coi6", &["th"], &[(Line, "coi6", true)]);
    check(
        "แอดไลน์ : abc123 หรือ โทร 081-234-5678",
        &["th"],
        &[(Line, "abc123", true), (Phone, TH_MOBILE, true)],
    );
    check("ไลน์ abc123", &["th"], &[(Line, "abc123", true)]);
    check(
        "ติดต่อฝ่ายบริการ@LINE：a3633",
        &["th"],
        &[(Line, "a3633", true)],
    );
    check(
        "L1ne：https://line.me/ti/p/~Abc.123",
        &["th"],
        &[(Line, "abc.123", true)],
    );
    check("line.me/R/ti/p/@em88", &[], &[(Line, "@em88", true)]);
    check(
        "https://lin.ee/bhLIhPq",
        &[],
        &[(Line, "https://lin.ee/bhLIhPq", true)],
    );
    check(
        "ไลน์ 0812345678",
        &["th"],
        &[(Phone, TH_MOBILE, true), (Line, TH_MOBILE, true)],
    );
    // A LINE ID made of digits that is no phone number.
    check(
        "แอดไลน์มาได้เลย ID:5661667",
        &["th"],
        &[(Line, "5661667", true)],
    );
    // "Online" contains ไลน์ and "line"; a line of work is not LINE.
    check("งานออนไลน์ abc123", &["th"], &[]);
    check("online: abc123, line up: abc123", &["en"], &[]);
    // The English word: a land line is a phone, a line of a poem is nothing.
    check(
        "call from a land line 0812345678",
        &["th"],
        &[(Phone, TH_MOBILE, true)],
    );
    check(
        "I just love this line: \"Hurt me with the truth\"",
        &["en"],
        &[],
    );
    check(
        "LINE 0812345678",
        &["th"],
        &[(Phone, TH_MOBILE, true), (Line, TH_MOBILE, true)],
    );
}

#[test]
fn wechat() {
    check("WeChat: abc_123", &[], &[(Wechat, "abc_123", true)]);
    check("微信：abc123", &["zh"], &[(Wechat, "abc123", true)]);
    check("加V：Abc12345", &["zh"], &[(Wechat, "abc12345", true)]);
    check("V信 abc_1234", &["zh"], &[(Wechat, "abc_1234", true)]);
    check("VX: abc12345", &[], &[(Wechat, "abc12345", true)]);
    check("wx: hello_123", &[], &[(Wechat, "hello_123", true)]);
    check("วีแชท: abc_123", &["th"], &[(Wechat, "abc_123", true)]);
    check(
        "WeChat/Line: abc123",
        &[],
        &[(Wechat, "abc123", true), (Line, "abc123", true)],
    );
    // WeChat IDs start with a letter and have 6–20 characters.
    check("微信：ab12", &["zh"], &[(Wechat, "ab12", false)]);
}

// ---------------------------------------------------------------- web

#[test]
fn email() {
    check(
        "Send CV to HR.Team@Jobs-KH.com.",
        &[],
        &[(Email, "hr.team@jobs-kh.com", true)],
    );
    check(
        "mail x@example.invalid",
        &[],
        &[(Email, "x@example.invalid", false)],
    );
    check("name@mail.com", &[], &[(Email, "name@mail.com", true)]);
}

#[test]
fn urls_and_domains() {
    check(
        "apply at https://jobs-kh.com/apply?id=7.",
        &[],
        &[
            (Url, "https://jobs-kh.com/apply?id=7", true),
            (Domain, "jobs-kh.com", true),
        ],
    );
    // A bare host name is a domain, nothing more; with a path it is also a URL, opened (as a
    // browser would) with https.
    check("jobs-kh.com", &[], &[(Domain, "jobs-kh.com", true)]);
    check("WWW.EM559.COM", &[], &[(Domain, "em559.com", true)]);
    check(
        "UrI: pinaswin,com",
        &["tl"],
        &[(Domain, "pinaswin.com", true)],
    );
    check(
        "Web: panalot.live/",
        &["tl"],
        &[(Domain, "panalot.live", true)],
    );
    check(
        "Daftar di bit.ly/LokerKamboja2024",
        &["id"],
        &[
            (Url, "https://bit.ly/LokerKamboja2024", true),
            (Domain, "bit.ly", true),
        ],
    );
    check(
        "http://jobs-kh.com",
        &[],
        &[
            (Url, "http://jobs-kh.com/", true),
            (Domain, "jobs-kh.com", true),
        ],
    );
    // The dot written as 点/點 in Chinese ads.
    check(
        "详情请看网址：xgzp88点com",
        &["zh"],
        &[(Domain, "xgzp88.com", true)],
    );
    check(
        "詳情請上網址 tw-job88點com 查詢",
        &["zh"],
        &[(Domain, "tw-job88.com", true)],
    );
    check("一点com都没有，三点半见", &["zh"], &[]);
    check(
        "http://shop.example.co.th/x",
        &[],
        &[
            (Url, "http://shop.example.co.th/x", true),
            (Domain, "example.co.th", true),
        ],
    );
    // A domain span points at the registrable domain inside the link.
    let text = "go to https://a.b.jobs-kh.com/x";
    let d = one(text, &[], Domain);
    assert_eq!(&text[d.start..d.end], "jobs-kh.com");
    // Traps: missing spaces after full stops, files, abbreviations.
    check(
        "thanks.it was fun. LET LIFE BEGIN AGAIN.call me",
        &["en"],
        &[],
    );
    check("see index.html and main.rs, e.g. this", &["en"], &[]);
    check("S&K Berlaku.Promo hari ini", &["id"], &[]);
    check(
        "Amazon Web Services.Today we grow; over-achievement.You; B.Tech/B.E.",
        &["en"],
        &[],
    );
    check("FLOOR HOUSEKEEPER,COMMIS", &["en"], &[]);
    // An IP host parses but has no public suffix.
    check(
        "http://192.0.2.7/login",
        &[],
        &[(Url, "http://192.0.2.7/login", false)],
    );
}

// ---------------------------------------------------------------- wallets

fn base58check(version: u8, payload: &[u8]) -> String {
    let mut v = vec![version];
    v.extend_from_slice(payload);
    bs58::encode(v).with_check().into_string()
}

#[test]
fn wallets() {
    let tron = base58check(0x41, &[7u8; 20]);
    assert!(tron.starts_with('T') && tron.len() == 34);
    check(&format!("USDT TRC20: {tron}"), &[], &[(Tron, &tron, true)]);
    let mut bad = tron.clone().into_bytes();
    bad[20] = if bad[20] == b'a' { b'b' } else { b'a' };
    let bad = String::from_utf8(bad).unwrap();
    check(&format!("USDT TRC20: {bad}"), &[], &[(Tron, &bad, false)]);
    let p2sh = base58check(0x05, &[9u8; 20]);
    check(&format!("BTC {p2sh}"), &[], &[(Btc, &p2sh, true)]);
    let p2pkh = base58check(0x00, &[3u8; 20]);
    check(&format!("转账到{p2pkh}。"), &["zh"], &[(Btc, &p2pkh, true)]);
    check(
        "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
        &[],
        &[(Btc, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", true)],
    );
    let s = one("ETH 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", &[], Eth);
    assert_eq!(s.value, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    assert!(s.valid && s.validation == Validation::Syntax);
    // A transaction hash is not an address; an English word is not base58.
    check(
        "tx 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed5aaeb6053f3e94c9b9a09f33",
        &[],
        &[],
    );
    check("Tincomprehensibilitiesxyzabcdefgh", &[], &[]);
}

// ---------------------------------------------------------------- roles

#[test]
fn hotline_roles() {
    let s = one(
        "If detained, call the embassy +855 23 123 456",
        &["en"],
        Phone,
    );
    assert_eq!(s.role, Role::Hotline);
    let s = one("สายด่วน 1300 (Thailand)", &["th"], Phone);
    assert_eq!(
        (s.value.as_str(), s.role, s.validation),
        ("+661300", Role::Hotline, Validation::ShortCode)
    );
    let s = one("Cambodian police hotline: 117", &["en"], Phone);
    assert_eq!((s.value.as_str(), s.role), ("+855117", Role::Hotline));
    let s = one("ប៉ូលិស 117", &["km"], Phone);
    assert_eq!(s.value, "+855117");
    let s = one("Call 1343 Actionline", &["tl"], Phone);
    assert_eq!((s.value.as_str(), s.role), ("+631343", Role::Hotline));
    // A listed full number is a hotline wherever it appears.
    let s = one("SMS +66 99 130 1300", &[], Phone);
    assert_eq!(s.role, Role::Hotline);
    // A recruiter's "Hotline" is a contact: Vietnamese ads label their own numbers so.
    let sels = run("Hotline/Zalo tuyển dụng: 0912.345.678", &["vi"]);
    assert!(sels.iter().all(|s| s.role == Role::Contact), "{sels:#?}");
    assert!(sels.iter().any(|s| s.kind == Zalo && s.value == VN_MOBILE));
    // A bare short number is not a hotline.
    check("ราคา 1300 บาท", &["th"], &[]);
    check("Room 117", &["en"], &[]);
}

// ---------------------------------------------------------------- every language, one ad each

#[test]
fn ads_in_eight_languages() {
    check(
        "Easy job in Sihanoukville, $1500/month! WhatsApp +855 97 234 5678, Telegram @j0b_thai",
        &["en"],
        &[
            (Phone, KH_MOBILE, true),
            (Whatsapp, KH_MOBILE, true),
            (Telegram, "j0b_thai", true),
        ],
    );
    check(
        // Cambodia is named, but 081 234 5678 is valid in Thailand only.
        "รับสมัครงานกัมพูชา เงินเดือน 35,000 บาท แอดไลน์ : abc123 โทร 081-234-5678",
        &["th"],
        &[(Line, "abc123", true), (Phone, TH_MOBILE, true)],
    );
    check(
        "Tuyển nhân viên CSKH tại Campuchia, lương 15.000.000 VNĐ. Zalo: 0912 345 678",
        &["vi"],
        &[(Phone, VN_MOBILE, true), (Zalo, VN_MOBILE, true)],
    );
    check(
        "西港高薪招聘，月薪3000U，包吃住。飞机：@j0b_thai 微信：abc_123",
        &["zh"],
        &[(Telegram, "j0b_thai", true), (Wechat, "abc_123", true)],
    );
    check(
        "Lowongan kerja di Kamboja gaji Rp 15.000.000, hub WA 0812-3456-789",
        &["id"],
        &[
            (Phone, "+628123456789", true),
            (Whatsapp, "+628123456789", true),
        ],
    );
    check(
        "Kerja di Kemboja, gaji RM 5,000. Hubungi 012-345 6789",
        &["ms"],
        // Kemboja (Cambodia) against a Malay writer: valid in both, so both readings.
        &[
            (Phone, "+60123456789", true),
            (Phone, "+855123456789", true),
        ],
    );
    check(
        "Trabaho sa Cambodia, sweldo P50,000. Text 0917 123 4567 o Telegram @j0b_thai",
        &["tl"],
        &[(Phone, "+639171234567", true), (Telegram, "j0b_thai", true)],
    );
    check(
        "ထိုင်းမှာ အလုပ် လစာ ၁၅၀၀ ဒေါ်လာ ဖုန်း 09 212 3456 တယ်လီဂရမ် @j0b_thai",
        &["my"],
        &[(Phone, "+9592123456", true), (Telegram, "j0b_thai", true)],
    );
    // A job in Thailand (ថៃ), a Khmer writer: the number reads in both countries.
    check(
        "ការងារនៅថៃ ប្រាក់ខែ ១៥០០ ដុល្លារ ទូរស័ព្ទ 097 234 5678 តេឡេក្រាម: j0b_thai",
        &["km"],
        &[
            (Phone, KH_MOBILE, true),
            (Phone, "+66972345678", true),
            (Telegram, "j0b_thai", true),
        ],
    );
}

#[test]
fn canonical_text_round_trips() {
    for text in [
        "WhatsApp +66 81 234 5678",
        "Telegram: @j0b_thai",
        "LINE ID: coi6",
        "ID line @abc",
        "微信：abc_123",
        "Signal: jobs_th.42",
        "Zalo: 0912 345 678",
        "t.me/+AAAAAEHbEkejzxUjAUCzYA",
        "สายด่วน 1300 (Thailand)",
        "HR@Jobs-KH.com https://jobs-kh.com/a",
    ] {
        for s in run(text, &["vi"]).iter().filter(|s| s.valid) {
            let again = run(&s.canonical_text(), &[]);
            assert!(
                again
                    .iter()
                    .any(|t| t.kind == s.kind && t.value == s.value && t.valid),
                "{s:?} -> {:?} -> {again:#?}",
                s.canonical_text()
            );
        }
    }
}

/// Found by the property test: a host with an empty label has no registrable domain.
#[test]
fn regression_empty_host_label_gives_no_domain() {
    check(
        "https://..com",
        &[],
        &[(Kind::Url, "https://..com/", false)],
    );
}

// ---------------------------------------------------------------- cases found by the benchmark

#[test]
fn line_ids_in_their_written_forms() {
    check("line://ti/p/~kh_work88", &[], &[(Line, "kh_work88", true)]);
    check(
        "Line ID: mai.thai2024 ok",
        &["en"],
        &[(Line, "mai.thai2024", true)],
    );
    // A word between the label and a colon: "LINE of my sister:".
    check(
        "ไลน์น้อง: nongfah_2003 ใครเห็นแจ้งด้วย",
        &["th"],
        &[(Line, "nongfah_2003", true)],
    );
    // Letter-spaced Thai label, marks kept on their letters.
    check(
        "งานแพ็คของ ไ ล น์ ไ อ ดี : hr.bkk55",
        &["th"],
        &[(Line, "hr.bkk55", true)],
    );
    check(
        "请加line：tw_hr_bkk 洽询",
        &["zh"],
        &[(Line, "tw_hr_bkk", true)],
    );
    check(
        "他的LINE是 ahong_tw88，拜托",
        &["zh"],
        &[(Line, "ahong_tw88", true)],
    );
    // `@` marks an official account, a namespace of its own.
    check(
        "แอดไลน์ @jobcambo88",
        &["th"],
        &[(Line, "@jobcambo88", true)],
    );
    // A Latin copula needs an ID-like token: "my LINE is broken" is prose.
    check(
        "my LINE is joy_ph2023",
        &["en"],
        &[(Line, "joy_ph2023", true)],
    );
    check("my LINE is broken today", &["en"], &[]);
}

#[test]
fn wechat_labels_with_add_and_spacing() {
    check(
        "有意者加微信：xg_zhaopin888",
        &["zh"],
        &[(Wechat, "xg_zhaopin888", true)],
    );
    check(
        "高薪急招！微 信 号：chen_xg_168",
        &["zh"],
        &[(Wechat, "chen_xg_168", true)],
    );
}

#[test]
fn handles_containing_place_names_are_handles() {
    check(
        "Mag-ingat sa @jobs_thailand_legit at @cambodia_hiring_ph",
        &["tl"],
        &[
            (Telegram, "jobs_thailand_legit", true),
            (Telegram, "cambodia_hiring_ph", true),
        ],
    );
    // The selector view folds a full-width colon to ':'.
    check(
        "微信不安全，我们用Signal聊:wang_invest.66",
        &["zh"],
        &[(Signal, "wang_invest.66", true)],
    );
}

#[test]
fn broken_eip55_is_kept_as_written() {
    let bad = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD";
    check(&format!("ETH: {bad}"), &[], &[(Eth, bad, false)]);
    // Single case carries no checksum: valid, canonicalised.
    check(
        "ETH 0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED",
        &[],
        &[(Eth, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", true)],
    );
}

#[test]
fn whatsapp_label_chains_and_spellings() {
    let wa = |text: &str, langs: &[&str], value: &str| {
        check(
            text,
            langs,
            &[(Phone, value, true), (Whatsapp, value, true)],
        );
    };
    wa("WA/Telegram: +62 896-2210-5583", &["id"], "+6289622105583");
    wa("Contact W.A +855 (0)97 234 5678", &["en"], KH_MOBILE);
    wa(
        "Kerja di Malaysia. W A : 0 8 1 2 5 5 3 0 9 1 8 2",
        &["id"],
        "+6281255309182",
    );
    wa(
        "Nomor WA dia +62 857-1194-3320, terakhir online",
        &["id"],
        "+6285711943320",
    );
    // A Telegram-labelled number is a phone only.
    check(
        "Tele: +66 81 234 5678",
        &["th"],
        &[(Phone, TH_MOBILE, true)],
    );
}

#[test]
fn language_decides_a_local_number_valid_in_several_regions() {
    // Khmer text: the writer's own number is Cambodian, the foreign one carries +95.
    let s: Vec<String> = run("លេខទូរស័ព្ទគាត់ +95 9 771 238 406។ ទាក់ទងខ្ញុំ 012 884 317", &["km"])
        .into_iter()
        .filter(|s| s.kind == Phone)
        .map(|s| s.value)
        .collect();
    assert_eq!(s, ["+959771238406", "+85512884317"]);
    // A language against a place stays ambiguous (a Khmer ad for a job in Thailand).
    let n = run("ការងារនៅថៃ ទូរស័ព្ទ 097 234 5678", &["km"])
        .into_iter()
        .filter(|s| s.kind == Phone && s.ambiguous)
        .count();
    assert_eq!(n, 2);
    // Malay or Indonesian: the language leaves MY and ID; a Malaysian body decides.
    let p = one(
        "PDRM ingatkan orang ramai. Mangsa boleh hubungi talian 03-2610 1559.",
        &["id"],
        Phone,
    );
    assert_eq!(p.value, "+60326101559");
    assert!(!p.ambiguous);
}

#[test]
fn a_platform_label_after_an_amount_is_the_next_numbers() {
    check(
        "Kerja kilang di Johor, gaji RM 3,200. Whatsapp: 012-448 7193 (Encik Faiz)",
        &["ms"],
        &[
            (Phone, "+60124487193", true),
            (Whatsapp, "+60124487193", true),
        ],
    );
    // Still: a label right after a number is that number's.
    check(
        "0812345678 (WA) / 0898765432",
        &["th"],
        &[
            (Phone, TH_MOBILE, true),
            (Whatsapp, TH_MOBILE, true),
            (Phone, "+66898765432", true),
        ],
    );
}

#[test]
fn a_place_whose_numbers_carry_their_code_is_not_the_writers() {
    // Khmer: the brother in Thailand (+66), the writer's own number local.
    let s: Vec<String> = run(
        "បងប្រុសខ្ញុំនៅថៃ លេខគាត់ +66 81 774 0392 ។ សូមទាក់ទងខ្ញុំ 096 712 4408",
        &["km"],
    )
    .into_iter()
    .filter(|s| s.kind == Phone)
    .map(|s| s.value)
    .collect();
    assert_eq!(s, ["+66817740392", "+855967124408"]);
}

#[test]
fn no_number_starts_inside_a_hyphenated_token() {
    check("ISBN 978-0-306-40615-7", &["en"], &[]);
    check("Parcel arrives soon. ISBN 978-0-306-40615-7", &[], &[]);
    // Two numbers in one spaced run still split.
    check(
        "โทร 081 234 5678 089 876 5432",
        &["th"],
        &[(Phone, TH_MOBILE, true), (Phone, "+66898765432", true)],
    );
}

#[test]
fn a_label_with_its_own_colon_names_what_follows() {
    check(
        "Info: WA 0878-1190-4462 / Line: kerja_bkk01",
        &["id"],
        &[
            (Phone, "+6287811904462", true),
            (Whatsapp, "+6287811904462", true),
            (Line, "kerja_bkk01", true),
        ],
    );
}

#[test]
fn a_countrys_official_body_is_region_evidence() {
    // IACAT is Philippine: 0917 330 2218 reads in PH only; 0966 301 8842 in PH and in Myanmar
    // (Myawaddy), so both readings.
    let text = "Police advisory: the numbers 0966 301 8842 and 0917 330 2218 recruit for compounds in Myawaddy. Report to the IACAT hotline.";
    let mut got: Vec<String> = run(text, &["en"])
        .into_iter()
        .filter(|s| s.kind == Phone)
        .map(|s| s.value)
        .collect();
    got.sort();
    assert_eq!(got, ["+639173302218", "+639663018842", "+959663018842"]);
}

#[test]
fn a_handle_does_not_stop_inside_a_latin_word() {
    check("ลดทันที 10บ. @Café Amazon ลูกค้าทรูใช้ได้", &["th"], &[]);
    check(
        "แอดไลน์ @jobcambo88ค่ะ",
        &["th"],
        &[(Line, "@jobcambo88", true)],
    );
}
