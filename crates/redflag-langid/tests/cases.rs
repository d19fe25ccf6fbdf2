//! Data-driven cases: one text, the expected main language, and the languages that must (and must
//! not) be present.

use Lang::*;
use redflag_langid::{Lang, detect};

/// `text` must come out as `lang`, with exactly `present` (in any order after the main language).
#[track_caller]
fn check(text: &str, lang: Lang, present: &[Lang]) {
    let d = detect(text);
    assert_eq!(d.lang, lang, "main language of {text:?}: {d:?}");
    let mut got = d.present.clone();
    let mut want = present.to_vec();
    got.sort();
    want.sort();
    assert_eq!(got, want, "present for {text:?}: {d:?}");
    if lang != Und {
        assert_eq!(d.present.first(), Some(&lang), "main language first: {d:?}");
    }
}

#[test]
fn nothing_to_read() {
    for t in [
        "",
        "   ",
        "12345 678",
        "!!! ??? ... 😀😀 ☎️ 0812-3456-789",
        "https://t.me/+abc123",
        "@handle_99",
    ] {
        check(t, Und, &[]);
        assert_eq!(detect(t).confidence, 0.0);
    }
}

#[test]
fn script_languages() {
    let cases: &[(&str, Lang)] = &[
        ("รับสมัครพนักงานแอดมิน ไม่ต้องมีประสบการณ์ รายได้ดี", Th),
        ("ก", Th),
        ("ក្រុមហ៊ុនកំពុងជ្រើសរើសបុគ្គលិក ប្រាក់ខែខ្ពស់", Km),
        ("ကုမ္ပဏီမှ ဝန်ထမ်းများ ခေါ်ယူနေပါသည်", My),
        // Zawgyi-encoded Burmese uses the same block.
        ("ေက်းဇူးတင္ပါသည္", My),
        ("高薪招聘客服人员，无需经验", Zh),
        ("誠聘業務員，底薪加提成", Zh),
    ];
    for &(t, l) in cases {
        check(t, l, &[l]);
    }
}

#[test]
fn scripts_redflag_does_not_know_are_und() {
    for t in [
        "こんにちは、お仕事を探していますか",
        "日本の会社で働きませんか",
        "안녕하세요 좋은 일자리가 있습니다",
        "Привет, есть хорошая работа за границей",
        "ສະບາຍດີ ມີວຽກເຮັດ",
        "مرحبا لدينا وظيفة لك",
        "Γεια σας, έχουμε δουλειά",
    ] {
        check(t, Und, &[]);
    }
}

#[test]
fn latin_languages() {
    check(
        "Congratulations! You have won a prize, reply YES to claim it today",
        En,
        &[En],
    );
    check(
        "We are hiring customer service staff, no experience needed, free housing",
        En,
        &[En],
    );
    check("lam viec online luong cao khong can kinh nghiem", Vi, &[Vi]);
    check(
        "Làm việc online lương cao, không cần kinh nghiệm, bao ăn ở",
        Vi,
        &[Vi],
    );
    check(
        "Quy khach vui long thanh toan hoa don truoc ngay 15",
        Vi,
        &[Vi],
    );
    check("Salamat po sa inyong tulong, pupunta ako bukas", Tl, &[Tl]);
    check(
        "Gaji Rp 5 juta, bisa kerja dari rumah, silakan hubungi kami",
        Id,
        &[Id],
    );
    check(
        "Jawatan kosong, gaji RM3000 sebulan, sila hubungi kami sekarang",
        Ms,
        &[Ms],
    );
    check(
        "Kerja sambilan, boleh buat dari rumah, tahniah kerana terpilih",
        Ms,
        &[Ms],
    );
}

#[test]
fn indonesian_and_malay_undecided_is_id_with_both() {
    check("Selamat pagi, apa kabar?", Id, &[Id, Ms]);
    check("Terima kasih atas pesanan anda", Id, &[Id, Ms]);
}

#[test]
fn mixed_text_lists_every_language() {
    // Taglish.
    check(
        "Hiring po kami ng customer service, no experience needed, may libreng tirahan at pagkain",
        Tl,
        &[Tl, En],
    );
    // A Thai ad with an English sentence.
    check(
        "รับสมัครพนักงานแอดมิน ไม่ต้องมีประสบการณ์ รายได้ดีมาก ทำงานที่บ้านได้ Contact us now for more information about this job",
        Th,
        &[Th, En],
    );
    // A Chinese ad with Latin handles: the handles are no English.
    check(
        "高薪招聘客服，无需经验，加Telegram @jobs_hr88 或 WhatsApp 联系",
        Zh,
        &[Zh],
    );
    // Vietnamese bank SMS with an English OTP notice.
    let d = detect(
        "Ma OTP cua quy khach la 123456, khong chia se cho bat ky ai. Your OTP is 123456, do not share it with anyone.",
    );
    let mut p = d.present.clone();
    p.sort();
    assert_eq!(p, vec![En, Vi], "{d:?}");
    // English with one Indonesian word is English only.
    check(
        "Meet me di the station at five, then we go for dinner together",
        En,
        &[En],
    );
}

#[test]
fn obfuscation_does_not_hide_the_language() {
    // Cyrillic look-alikes inside English words.
    check("Cоngrаtulаtiоns, yоu hаvе wоn а frее prizе", En, &[En]);
    // Zero-width spaces inside words.
    check(
        "khong\u{200B} can kinh\u{200B} nghiem, luong cao, lam viec tai nha",
        Vi,
        &[Vi],
    );
    // Full-width Latin.
    check(
        "ｗｅ ａｒｅ ｈｉｒｉｎｇ ｎｏｗ ｆｏｒ ｔｈｅ ｊｏｂ",
        En,
        &[En],
    );
}

#[test]
fn short_texts_are_a_guess_with_low_confidence() {
    for t in ["Hi", "OK", "ok lah", "Aaaa"] {
        let d = detect(t);
        assert_ne!(d.lang, Und, "{t}: {d:?}");
        assert!(d.confidence < 0.5, "{t}: {d:?}");
    }
    let long = detect("Congratulations! You have won a prize, reply YES to claim it today");
    assert!(long.confidence > 0.8, "{long:?}");
}

#[test]
fn long_texts_are_sampled_across_their_length() {
    // 400 KB of English with a Thai paragraph every ~4 KB: the Thai is found in the sampled windows.
    let en = "We are hiring customer service staff for our office abroad, no experience needed. ";
    let th = "รับสมัครพนักงานแอดมิน ไม่ต้องมีประสบการณ์ รายได้ดีมาก ทำงานที่บ้านได้ ";
    let mut text = String::new();
    while text.len() < 400_000 {
        for _ in 0..48 {
            text.push_str(en);
        }
        text.push_str(th);
    }
    let d = detect(&text);
    assert_eq!(d.lang, En, "{d:?}");
    assert!(d.present.contains(&Th), "{d:?}");

    // Vietnamese only after the read prefix: the windows still see it.
    let mut text = en.repeat(200);
    while text.len() < 2_000_000 {
        text.push_str("Làm việc online lương cao, không cần kinh nghiệm. ");
    }
    let d = detect(&text);
    let mut p = d.present.clone();
    p.sort();
    assert_eq!(p, vec![En, Vi], "{d:?}");
}

#[test]
fn codes_round_trip() {
    for l in Lang::ALL {
        assert_eq!(Lang::from_code(l.code()), Some(l));
        assert_eq!(l.to_string(), l.code());
    }
    assert_eq!(Lang::from_code("fil"), Some(Tl));
    assert_eq!(Lang::from_code("xx"), None);
}
