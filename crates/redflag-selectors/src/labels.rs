//! Labels: the words around a selector that say what it is — platform names, phone words,
//! hotline and official words, web words, place names — in en, id/ms, tl, vi, th, zh, my, km.
//!
//! All patterns go into one Aho-Corasick automaton (leftmost-longest, ASCII case-insensitive),
//! run once per text. Latin patterns must stand as words (no ASCII letter or digit before, no
//! ASCII letter after; digits may follow: `WA081…`); Thai, Khmer, Burmese and Chinese have no
//! spaces, so their patterns match anywhere, and longer words that merely contain a label
//! (ออนไลน์ "online" contains ไลน์ "LINE") are listed as [`Label::Ignore`] to shadow it.
//!
//! A *weak* label is also an ordinary word ("line", "signal", "WA", 飞机 "aeroplane"); it counts
//! only when it sits right before the selector, separated by punctuation alone (see
//! [`adjacent`]).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::Kind;
use crate::scan::{Features, char_at, char_before};

/// What a label says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    /// A messaging platform we extract.
    Platform(Kind),
    /// Another social platform (Facebook, Instagram, TikTok …): a handle after it is not ours.
    Social,
    /// A phone word: "tel", "โทร", "电话" …; also platforms addressed by number but not
    /// extracted as a kind (Viber).
    Phone,
    /// A word that makes a digit run something else: order, OTP, account, tracking …
    NotPhone,
    /// A generic hotline word; businesses use it too (Vietnamese ads: "Hotline/Zalo: 09…").
    Hotline,
    /// An official body: embassy, police, ministry, anti-trafficking …
    Official,
    /// A web word: "web:", "url:", "link", เว็บ, 网址 …
    Web,
    /// A place name; the value is the ISO region.
    Place(&'static str),
    /// A longer word that contains a label but is not one.
    Ignore,
}

/// One label occurrence.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    pub label: Label,
    pub weak: bool,
    /// An English word that is also the label ("line", "signal" in lower or title case).
    pub word: bool,
    /// The country of an official body named by an acronym of one country only (IACAT, PDRM):
    /// evidence for the region of local numbers, like a place.
    pub region: Option<&'static str>,
}

/// Official bodies whose name says the country ([`Hit::region`]).
const ORG_REGIONS: &[(&str, &str)] = &[
    ("iacat", "PH"),
    ("dmw", "PH"),
    ("poea", "PH"),
    ("owwa", "PH"),
    ("pdrm", "MY"),
    ("nsrc", "MY"),
];

use Kind::{Line, Signal, Telegram, Wechat, Whatsapp, Zalo};
use Label::{Hotline, Ignore, NotPhone, Official, Phone, Place, Platform, Social, Web};

const S: bool = false; // strong
const W: bool = true; // weak

/// (pattern, label, weak). Latin patterns are lower-case (matching is ASCII case-insensitive).
#[rustfmt::skip]
const TABLE: &[(&str, Label, bool)] = &[
    // --- Telegram ---
    ("telegram", Platform(Telegram), S), ("telegram id", Platform(Telegram), S), ("tele", Platform(Telegram), W),
    ("tg", Platform(Telegram), W), ("tlg", Platform(Telegram), W), ("telegr", Platform(Telegram), W),
    ("✈", Platform(Telegram), W), ("✈️", Platform(Telegram), W),
    ("เทเลแกรม", Platform(Telegram), S), ("เทเลแกม", Platform(Telegram), S), ("เทเล", Platform(Telegram), W),
    ("电报", Platform(Telegram), S), ("電報", Platform(Telegram), S), ("纸飞机", Platform(Telegram), S),
    ("紙飛機", Platform(Telegram), S), ("飞机", Platform(Telegram), W), ("飛機", Platform(Telegram), W),
    ("tg号", Platform(Telegram), S), ("飞机号", Platform(Telegram), S), ("飛機號", Platform(Telegram), S),
    ("တယ်လီဂရမ်", Platform(Telegram), S), ("တယ်လီ", Platform(Telegram), W),
    ("តេឡេក្រាម", Platform(Telegram), S), ("តេលេក្រាម", Platform(Telegram), S), ("តេឡេ", Platform(Telegram), W),
    // --- WhatsApp ---
    ("whatsapp", Platform(Whatsapp), S), ("whats app", Platform(Whatsapp), S), ("whatapp", Platform(Whatsapp), S),
    ("watsapp", Platform(Whatsapp), S), ("whatsap", Platform(Whatsapp), S), ("wasap", Platform(Whatsapp), S),
    ("wa", Platform(Whatsapp), W), ("w/a", Platform(Whatsapp), W), ("w.a", Platform(Whatsapp), W),
    ("w a", Platform(Whatsapp), W), ("w.a.", Platform(Whatsapp), W),
    ("วอทส์แอป", Platform(Whatsapp), S), ("วอทส์แอพ", Platform(Whatsapp), S), ("วอทแอป", Platform(Whatsapp), S),
    ("วอทแอพ", Platform(Whatsapp), S), ("วอทสแอพ", Platform(Whatsapp), S), ("วอทสแอป", Platform(Whatsapp), S),
    ("វ៉ាត់សាប់", Platform(Whatsapp), S), ("វ៉ាតសាប", Platform(Whatsapp), S), ("ဝက်ဆပ်", Platform(Whatsapp), S),
    // --- LINE ---
    ("line", Platform(Line), W), ("line id", Platform(Line), S), ("lineid", Platform(Line), S),
    ("id line", Platform(Line), S), ("id-line", Platform(Line), S), ("line@", Platform(Line), S),
    ("@line", Platform(Line), S), ("add line", Platform(Line), S), ("line official", Platform(Line), S),
    ("line oa", Platform(Line), S), ("加line", Platform(Line), S), ("加line好友", Platform(Line), S),
    ("line号", Platform(Line), S), ("line號", Platform(Line), S), ("ไลน์ไอดี้", Platform(Line), S), ("official line", Platform(Line), S), ("line openchat", Platform(Line), S), ("l1ne", Platform(Line), S),
    ("ไลน์", Platform(Line), S), ("ไลน์ไอดี", Platform(Line), S), ("ไอดีไลน์", Platform(Line), S),
    ("แอดไลน์", Platform(Line), S), ("เพิ่มไลน์", Platform(Line), S), ("ลายน์", Platform(Line), S),
    ("ไลน์แอด", Platform(Line), S), ("ออนไลน์", Ignore, S), ("ออฟไลน์", Ignore, S), ("ไลน์แมน", Ignore, S),
    ("လိုင်း", Platform(Line), W), ("ឡាញ", Platform(Line), W),
    // --- WeChat ---
    ("wechat", Platform(Wechat), S), ("we chat", Platform(Wechat), S), ("wechat id", Platform(Wechat), S),
    ("weixin", Platform(Wechat), S), ("wx", Platform(Wechat), W), ("vx", Platform(Wechat), W),
    ("v信", Platform(Wechat), S), ("微信", Platform(Wechat), S), ("微信号", Platform(Wechat), S),
    ("微信號", Platform(Wechat), S), ("微訊", Platform(Wechat), S), ("加微", Platform(Wechat), S),
    ("加微信", Platform(Wechat), S), ("加微信号", Platform(Wechat), S), ("加微信號", Platform(Wechat), S),
    ("微信号码", Platform(Wechat), S), ("微信號碼", Platform(Wechat), S),
    ("加v", Platform(Wechat), S), ("加vx", Platform(Wechat), S), ("薇信", Platform(Wechat), S),
    ("威信", Platform(Wechat), W), ("卫星", Platform(Wechat), W), ("绿泡泡", Platform(Wechat), S),
    ("วีแชท", Platform(Wechat), S), ("วีแชต", Platform(Wechat), S), ("ဝီချက်", Platform(Wechat), S),
    ("វីឆាត", Platform(Wechat), S),
    // --- Signal ---
    ("signal", Platform(Signal), W), ("signal id", Platform(Signal), S), ("signal app", Platform(Signal), S),
    ("ซิกแนล", Platform(Signal), W),
    // --- Zalo ---
    ("zalo", Platform(Zalo), S), ("za lo", Platform(Zalo), S),
    ("zalopay", Ignore, S), ("zalora", Ignore, S), ("zaloapp", Ignore, S),
    // --- other social platforms ---
    ("facebook", Social, S), ("fb", Social, W), ("instagram", Social, S), ("ig", Social, W),
    ("tiktok", Social, S), ("tik tok", Social, S), ("twitter", Social, S), ("messenger", Social, S),
    ("kakao", Social, S), ("kakaotalk", Social, S), ("skype", Social, S), ("snapchat", Social, S),
    ("youtube", Social, S), ("qq", Social, W), ("抖音", Social, S), ("脸书", Social, S), ("เฟสบุ๊ค", Social, S),
    ("เฟซบุ๊ก", Social, S), ("ติ๊กต๊อก", Social, S), ("ไอจี", Social, S),
    // --- phone words (and Viber, addressed by number) ---
    ("tel", Phone, S), ("tel.", Phone, S), ("telp", Phone, S), ("telp.", Phone, S), ("tlp", Phone, S),
    ("telepon", Phone, S), ("telefon", Phone, S), ("telephone", Phone, S), ("phone", Phone, S),
    ("ph", Phone, W), ("mobile", Phone, S), ("mob", Phone, W), ("cell", Phone, S), ("cellphone", Phone, S),
    ("call", Phone, S), ("call me", Phone, S), ("contact", Phone, S), ("contact us", Phone, S), ("landline", Phone, S),
    ("viber", Phone, S), ("hp", Phone, W), ("no hp", Phone, S), ("no. hp", Phone, S), ("nomor", Phone, S),
    ("hubungi", Phone, S), ("hub", Phone, W), ("sms", Phone, W), ("text", Phone, W), ("txt", Phone, W),
    ("tawagan", Phone, S), ("numero", Phone, W), ("cp", Phone, W), ("cp#", Phone, S), ("nombor telefon", Phone, S),
    ("sđt", Phone, S), ("sdt", Phone, S), ("số điện thoại", Phone, S), ("so dien thoai", Phone, S),
    ("điện thoại", Phone, S), ("dien thoai", Phone, S), ("đt", Phone, W), ("gọi", Phone, S), ("liên hệ", Phone, S),
    ("lien he", Phone, S), ("lh", Phone, W), ("goi", Phone, S), ("thuê bao", Phone, S), ("thue bao", Phone, S),
    ("tb", Phone, W), ("so dt", Phone, S), ("dt", Phone, W), ("td", Phone, W), ("hỗ trợ", Phone, S),
    ("ho tro", Phone, S), ("tư vấn", Phone, S), ("tu van", Phone, S),
    ("โทร", Phone, S), ("โทร.", Phone, S), ("เบอร์", Phone, S), ("เบอร์โทร", Phone, S), ("ติดต่อ", Phone, S),
    ("มือถือ", Phone, S), ("โทรศัพท์", Phone, S), ("หมายเลขโทรศัพท์", Phone, S), ("โทรทัศน์", Ignore, S),
    ("电话", Phone, S), ("電話", Phone, S), ("手机", Phone, S), ("手機", Phone, S), ("联系", Phone, S),
    ("聯繫", Phone, S), ("联系方式", Phone, S), ("致电", Phone, S), ("拨打", Phone, S), ("撥打", Phone, S),
    ("ဖုန်း", Phone, S), ("ဖုန်းနံပါတ်", Phone, S), ("ဆက်သွယ်ရန်", Phone, S), ("ဗိုင်ဘာ", Phone, S),
    ("ទូរស័ព្ទ", Phone, S), ("លេខទូរស័ព្ទ", Phone, S), ("ទំនាក់ទំនង", Phone, S),
    // --- not phone numbers ---
    ("order", NotPhone, S), ("order no", NotPhone, S), ("invoice", NotPhone, S), ("ref", NotPhone, S),
    ("reference", NotPhone, S), ("tracking", NotPhone, S), ("awb", NotPhone, S), ("resi", NotPhone, S),
    ("otp", NotPhone, S), ("code", NotPhone, S), ("kode", NotPhone, S), ("pin", NotPhone, S),
    ("password", NotPhone, S), ("account", NotPhone, S), ("acct", NotPhone, S), ("a/c", NotPhone, S),
    ("rekening", NotPhone, S), ("rek", NotPhone, S), ("norek", NotPhone, S), ("iban", NotPhone, S),
    ("nik", NotPhone, S), ("ktp", NotPhone, S), ("passport", NotPhone, S), ("serial", NotPhone, S),
    ("imei", NotPhone, S), ("transaction", NotPhone, S), ("txn", NotPhone, S), ("trx", NotPhone, S),
    ("mã", NotPhone, S), ("stk", NotPhone, S), ("số tài khoản", NotPhone, S), ("tài khoản", NotPhone, S),
    ("đơn hàng", NotPhone, S), ("mã số", NotPhone, S),
    ("รหัส", NotPhone, S), ("บัญชี", NotPhone, S), ("เลขที่บัญชี", NotPhone, S), ("พัสดุ", NotPhone, S),
    ("เลขพัสดุ", NotPhone, S), ("ยอดเงิน", NotPhone, S),
    ("验证码", NotPhone, S), ("驗證碼", NotPhone, S), ("订单", NotPhone, S), ("訂單", NotPhone, S),
    ("账号", NotPhone, S), ("帳號", NotPhone, S), ("卡号", NotPhone, S), ("单号", NotPhone, S), ("银行卡", NotPhone, S),
    ("គណនី", NotPhone, S), ("ဘဏ်", NotPhone, S),
    // --- generic hotline words ---
    ("hotline", Hotline, S), ("hot line", Hotline, S), ("helpline", Hotline, S), ("help line", Hotline, S),
    ("emergency", Hotline, S), ("actionline", Hotline, S),
    ("สายด่วน", Hotline, S), ("热线", Hotline, S), ("熱線", Hotline, S), ("专线", Hotline, S),
    ("đường dây nóng", Hotline, S), ("duong day nong", Hotline, S), ("tổng đài", Hotline, S),
    ("talian", Hotline, S), ("tong dai", Hotline, S), ("cskh", Hotline, S), ("ខ្សែទូរស័ព្ទបន្ទាន់", Hotline, S),
    // --- official bodies ---
    ("embassy", Official, S), ("consulate", Official, S), ("police", Official, S), ("polis", Official, S),
    ("polisi", Official, S), ("pulis", Official, S), ("pulisya", Official, S), ("kedutaan", Official, S),
    ("embahada", Official, S), ("konsulat", Official, S), ("ministry", Official, S), ("kementerian", Official, S),
    ("iom", Official, S), ("unodc", Official, S), ("pdrm", Official, S), ("dmw", Official, S),
    ("poea", Official, S), ("owwa", Official, S), ("anti-trafficking", Official, S),
    ("anti trafficking", Official, S), ("human trafficking", Official, S), ("iacat", Official, S),
    ("nsrc", Official, S), ("công an", Official, S), ("đại sứ quán", Official, S), ("dai su quan", Official, S),
    ("lãnh sự", Official, S), ("สถานทูต", Official, S), ("สถานเอกอัครราชทูต", Official, S), ("กงสุล", Official, S),
    ("ตำรวจ", Official, S), ("กระทรวง", Official, S), ("大使馆", Official, S), ("大使館", Official, S),
    ("领事馆", Official, S), ("領事館", Official, S), ("警察", Official, S), ("报警", Official, S),
    ("公安", Official, S), ("反诈", Official, S), ("反詐", Official, S), ("领事保护", Official, S),
    ("သံရုံး", Official, S), ("ရဲ", Official, W), ("ស្ថានទូត", Official, S), ("ប៉ូលិស", Official, S),
    ("នគរបាល", Official, S),
    // --- web words ---
    ("web", Web, S), ("website", Web, S), ("url", Web, S), ("uri", Web, S), ("link", Web, S), ("site", Web, S),
    ("visit", Web, S), ("situs", Web, S), ("เว็บ", Web, S), ("เว็บไซต์", Web, S), ("ลิงก์", Web, S),
    ("ลิ้งค์", Web, S), ("网址", Web, S), ("網址", Web, S), ("网站", Web, S), ("網站", Web, S), ("链接", Web, S),
    ("trang web", Web, S), ("វេបសាយ", Web, S),
    // --- places (hotspots and countries) ---
    ("cambodia", Place("KH"), S), ("kampuchea", Place("KH"), S), ("kamboja", Place("KH"), S),
    ("campuchia", Place("KH"), S), ("cambodge", Place("KH"), S), ("sihanoukville", Place("KH"), S),
    ("preah sihanouk", Place("KH"), S), ("kampong som", Place("KH"), S), ("phnom penh", Place("KH"), S),
    ("poipet", Place("KH"), S), ("bavet", Place("KH"), S), ("siem reap", Place("KH"), S),
    ("koh kong", Place("KH"), S), ("kampot", Place("KH"), S),
    ("กัมพูชา", Place("KH"), S), ("เขมร", Place("KH"), S), ("ปอยเปต", Place("KH"), S), ("สีหนุ", Place("KH"), S),
    ("พนมเปญ", Place("KH"), S), ("柬埔寨", Place("KH"), S), ("西港", Place("KH"), S), ("金边", Place("KH"), S),
    ("金邊", Place("KH"), S), ("波贝", Place("KH"), S), ("木牌", Place("KH"), S), ("巴域", Place("KH"), S),
    ("ကမ္ဘောဒီးယား", Place("KH"), S), ("កម្ពុជា", Place("KH"), S), ("ព្រះសីហនុ", Place("KH"), S),
    ("ភ្នំពេញ", Place("KH"), S), ("ប៉ោយប៉ែត", Place("KH"), S), ("បាវិត", Place("KH"), S),
    ("myanmar", Place("MM"), S), ("burma", Place("MM"), S), ("myawaddy", Place("MM"), S),
    ("myawadi", Place("MM"), S), ("yangon", Place("MM"), S), ("rangoon", Place("MM"), S),
    ("mandalay", Place("MM"), S), ("shwe kokko", Place("MM"), S), ("kk park", Place("MM"), S),
    ("tachileik", Place("MM"), S), ("laukkaing", Place("MM"), S), ("miến điện", Place("MM"), S),
    ("พม่า", Place("MM"), S), ("เมียวดี", Place("MM"), S), ("ย่างกุ้ง", Place("MM"), S),
    ("ท่าขี้เหล็ก", Place("MM"), S), ("缅甸", Place("MM"), S), ("緬甸", Place("MM"), S), ("妙瓦底", Place("MM"), S),
    ("仰光", Place("MM"), S), ("大其力", Place("MM"), S), ("果敢", Place("MM"), S), ("缅北", Place("MM"), S),
    ("မြန်မာ", Place("MM"), S), ("မြဝတီ", Place("MM"), S), ("ရန်ကုန်", Place("MM"), S),
    ("တာချီလိတ်", Place("MM"), S), ("មីយ៉ាន់ម៉ា", Place("MM"), S),
    ("laos", Place("LA"), S), ("lao pdr", Place("LA"), S), ("vientiane", Place("LA"), S),
    ("golden triangle", Place("LA"), S), ("bokeo", Place("LA"), S), ("ton pheung", Place("LA"), S),
    ("lào", Place("LA"), S), ("ลาว", Place("LA"), S), ("เวียงจันทน์", Place("LA"), S), ("สามเหลี่ยมทองคำ", Place("LA"), S),
    ("老挝", Place("LA"), S), ("老撾", Place("LA"), S), ("金三角", Place("LA"), S), ("万象", Place("LA"), S),
    ("လာအို", Place("LA"), S), ("ឡាវ", Place("LA"), S),
    ("thailand", Place("TH"), S), ("bangkok", Place("TH"), S), ("mae sot", Place("TH"), S),
    ("chiang rai", Place("TH"), S), ("pattaya", Place("TH"), S), ("thái lan", Place("TH"), S),
    ("ประเทศไทย", Place("TH"), S), ("กรุงเทพ", Place("TH"), S), ("แม่สอด", Place("TH"), S),
    ("泰国", Place("TH"), S), ("泰國", Place("TH"), S), ("曼谷", Place("TH"), S), ("湄索", Place("TH"), S),
    ("ထိုင်း", Place("TH"), S), ("ဘန်ကောက်", Place("TH"), S), ("ថៃ", Place("TH"), S), ("បាងកក", Place("TH"), S),
    ("vietnam", Place("VN"), S), ("viet nam", Place("VN"), S), ("việt nam", Place("VN"), S),
    ("hanoi", Place("VN"), S), ("hà nội", Place("VN"), S), ("ho chi minh", Place("VN"), S),
    ("hồ chí minh", Place("VN"), S), ("saigon", Place("VN"), S), ("sài gòn", Place("VN"), S),
    ("เวียดนาม", Place("VN"), S), ("越南", Place("VN"), S), ("ဗီယက်နမ်", Place("VN"), S), ("វៀតណាម", Place("VN"), S),
    ("indonesia", Place("ID"), S), ("jakarta", Place("ID"), S), ("印尼", Place("ID"), S),
    ("อินโดนีเซีย", Place("ID"), S),
    ("malaysia", Place("MY"), S), ("kuala lumpur", Place("MY"), S),
    ("johor", Place("MY"), S), ("sabah", Place("MY"), S), ("sarawak", Place("MY"), S), ("penang", Place("MY"), S),
    ("selangor", Place("MY"), S), ("kemboja", Place("KH"), S), ("马来西亚", Place("MY"), S),
    ("馬來西亞", Place("MY"), S), ("มาเลเซีย", Place("MY"), S),
    ("philippines", Place("PH"), S), ("pilipinas", Place("PH"), S), ("manila", Place("PH"), S),
    ("菲律宾", Place("PH"), S), ("菲律賓", Place("PH"), S), ("ฟิลิปปินส์", Place("PH"), S),
    ("china", Place("CN"), S), ("中国大陆", Place("CN"), S), ("中國大陸", Place("CN"), S),
];

/// Platform names that also get a letter-spaced variant ("t e l e g r a m"); the selector view
/// keeps such spacing, unlike the match view.
const SPACED: &[&str] = &[
    "telegram",
    "tele",
    "whatsapp",
    "wechat",
    "line",
    "zalo",
    "signal",
    "ไลน์",
    "ไลน์ไอดี",
    "ไอดีไลน์",
    "เทเลแกรม",
    "วีแชท",
    "微信",
    "微信号",
    "微信號",
    "电报",
    "電報",
    "纸飞机",
];

/// Thai vowel and tone marks: written on their base letter, so "ไ ล น์" spaces clusters.
fn combining(c: char) -> bool {
    matches!(c as u32, 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E)
}

/// A label written with a space between its letters (a mark stays on its letter).
fn spaced(p: &str) -> String {
    let mut out = String::new();
    for c in p.chars() {
        if !out.is_empty() && !combining(c) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

struct Automaton {
    ac: AhoCorasick,
    /// Per pattern: label, weak, whether its first / last char is an ASCII letter or digit.
    meta: Vec<(Label, bool, bool, bool)>,
}

static AUTOMATON: LazyLock<Automaton> = LazyLock::new(|| {
    let mut pats: Vec<String> = Vec::new();
    let mut meta = Vec::new();
    let mut add = |p: String, label: Label, weak: bool| {
        let first = p.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        let last = p
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        pats.push(p);
        meta.push((label, weak, first, last));
    };
    for &(p, label, weak) in TABLE {
        add(p.to_string(), label, weak);
        if SPACED.contains(&p) {
            add(spaced(p), label, weak);
        }
    }
    // A full DFA: a few hundred patterns, many of them two letters long, match often; the
    // DFA's per-byte cost beats the NFA's (measured on the SMS sets).
    let ac = AhoCorasickBuilder::new()
        .kind(Some(AhoCorasickKind::DFA))
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(&pats)
        .expect("label patterns are plain literals");
    Automaton { ac, meta }
});

/// Whether an explicit separator follows a label: `:`, `：`, `=`, `@`, or "id".
fn separator_follows(text: &str, end: usize) -> bool {
    let rest = text[end..].trim_start();
    rest.starts_with([':', '：', '=', '@'])
        || (rest.len() >= 2
            && rest.as_bytes()[..2].eq_ignore_ascii_case(b"id")
            && !rest[2..].starts_with(|c: char| c.is_ascii_alphanumeric()))
}

/// Whether `rest` starts with digits that run on into letters or `_`.
fn glued_identifier(rest: &[u8]) -> bool {
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0
        && rest
            .get(digits)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
}

/// The labels of one text, in order.
#[derive(Debug, Default)]
pub(crate) struct Labels {
    hits: Vec<Hit>,
}

impl Labels {
    pub fn find(text: &str, feats: &Features) -> Labels {
        if !(feats.letters || feats.non_ascii) {
            return Labels::default();
        }
        let auto = &*AUTOMATON;
        let mut hits = Vec::new();
        for m in auto.ac.find_iter(text) {
            let (label, weak, first, last) = auto.meta[m.pattern().as_usize()];
            if label == Label::Ignore {
                continue;
            }
            // Latin labels stand as words; digits may follow ("WA081…", "Tel0812…"). An
            // underscore joins words into one handle ("@jobs_thailand_ph").
            if first
                && char_before(text, m.start())
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                continue;
            }
            if last && char_at(text, m.end()).is_some_and(|c| c.is_ascii_alphabetic() || c == '_') {
                continue;
            }
            // Digits may follow ("WA081…"), but not an identifier that merely starts like a
            // label ("wa0a_b", "tg2024x").
            if last && glued_identifier(&text.as_bytes()[m.end()..]) {
                continue;
            }
            // "line" and "signal" are English words first: unless written in capitals they
            // count only before a separator ("line: abc", not "land line 0905…").
            let matched = &text[m.start()..m.end()];
            let word = matches!(label, Label::Platform(Kind::Line | Kind::Signal))
                && (matched.eq_ignore_ascii_case("line") || matched.eq_ignore_ascii_case("signal"))
                && matched.bytes().any(|b| b.is_ascii_lowercase());
            if word && !separator_follows(text, m.end()) {
                continue;
            }
            let region = if label == Label::Official {
                ORG_REGIONS
                    .iter()
                    .find(|(o, _)| matched.eq_ignore_ascii_case(o))
                    .map(|(_, r)| *r)
            } else {
                None
            };
            hits.push(Hit {
                start: m.start(),
                end: m.end(),
                label,
                weak,
                word,
                region,
            });
        }
        Labels { hits }
    }

    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }

    pub fn all(&self) -> &[Hit] {
        &self.hits
    }

    /// Labels ending in `floor..=pos`, nearest first.
    pub fn before(&self, pos: usize, floor: usize) -> impl Iterator<Item = &Hit> {
        let i = self.hits.partition_point(|h| h.end <= pos);
        self.hits[..i]
            .iter()
            .rev()
            .take_while(move |h| h.end >= floor)
            .filter(move |h| h.start >= floor)
    }

    /// Labels starting in `pos..ceil`, nearest first.
    pub fn after(&self, pos: usize, ceil: usize) -> impl Iterator<Item = &Hit> {
        let i = self.hits.partition_point(|h| h.start < pos);
        self.hits[i..].iter().take_while(move |h| h.start < ceil)
    }

    /// Labels starting in `from..to`.
    pub fn within(&self, from: usize, to: usize) -> impl Iterator<Item = &Hit> {
        self.after(from, to).filter(move |h| h.end <= to)
    }

    /// Regions named by place labels or by a country's official body, in order of appearance.
    pub fn places(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.hits.iter().filter_map(|h| match h.label {
            Label::Place(r) => Some(r),
            _ => h.region,
        })
    }
}

/// Whether `gap` (the text between a label and a selector) holds only punctuation, symbols,
/// emoji and filler words like "id" or "no", so that the label plainly names the selector.
pub(crate) fn adjacent(gap: &str) -> bool {
    if gap.chars().count() > 24 {
        return false;
    }
    let mut word = String::new();
    let flush = |w: &mut String| -> bool {
        let ok = w.is_empty()
            || matches!(
                w.to_ascii_lowercase().as_str(),
                "id" | "no"
                    | "nr"
                    | "num"
                    | "number"
                    | "nomor"
                    | "hp"
                    | "at"
                    | "on"
                    | "via"
                    | "me"
                    | "us"
                    | "is"
                    | "acc"
                    | "account"
                    | "username"
                    | "user"
                    | "official"
                    | "oa"
                    // possessives: "WA dia", "WhatsApp ko", "Telegram niya", "my"
                    | "my"
                    | "his"
                    | "her"
                    | "our"
                    | "dia"
                    | "saya"
                    | "aku"
                    | "ku"
                    | "kami"
                    | "ko"
                    | "niya"
                    | "mo"
                    | "po"
                    | "ng"
                    | "anh"
                    | "em"
            );
        w.clear();
        ok
    };
    for c in gap.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
            continue;
        }
        if !flush(&mut word) {
            return false;
        }
        let ok = c.is_whitespace()
            || c.is_ascii_punctuation()
            || matches!(
                c,
                '：' | '（'
                    | '）'
                    | '【'
                    | '】'
                    | '「'
                    | '」'
                    | '，'
                    | '。'
                    | '・'
                    | '•'
                    | '·'
                    | '…'
                    | '号'
                    | '號'
            )
            || matches!(c as u32, 0x2000..=0x2BFF | 0x1F000..=0x1FAFF | 0xFE0F);
        if !ok {
            return false;
        }
    }
    flush(&mut word)
}
