//! Messaging handles: Telegram, LINE, WeChat, Signal (and WhatsApp/Zalo links), from labels
//! ("TG: j0b_thai", "ไลน์ : abc123", "微信：abc123"), bare `@handles` and platform links.
//!
//! # Which platform a bare `@handle` belongs to
//! 1. A platform label within the line above or 64 bytes before it decides ("ID line @abc" →
//!    LINE, "✈️ @abc" → Telegram); a label of another social network (Instagram, TikTok …) means
//!    it is not one of ours and nothing is emitted.
//! 2. Otherwise the platforms the text names anywhere (labels and links) decide: one platform →
//!    that platform; several → one selector per platform, each `ambiguous`.
//! 3. A text that names no platform at all gets a Telegram reading marked `ambiguous` (bare
//!    `@handles` in Southeast Asian scam ads are mostly Telegram) and, in Thai text, a LINE
//!    official-account reading too (`@abc123` is how Thai ads write LINE OA IDs); each reading
//!    only when the handle is valid for that platform. A text naming only other social networks
//!    gets nothing.
//!
//! E-mail local parts are never handles: an `@` preceded by a local-part character is skipped.

use url::Url;

use crate::labels::{Hit, Label, Labels, adjacent};
use crate::scan::{Out, char_at, char_before, window_start};
use crate::{Kind, Role, Selector, Validation, hotline, phone};

/// Telegram usernames: 5–32 of `a-z 0-9 _`, starting with a letter, no trailing or doubled `_`.
pub(crate) fn telegram_valid(h: &str) -> bool {
    let b = h.as_bytes();
    (5..=32).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
        && !h.ends_with('_')
        && !h.contains("__")
}

/// LINE IDs: 4–20 of `a-z 0-9 . - _`; official accounts `@` + 3–20 of the same.
pub(crate) fn line_valid(id: &str) -> bool {
    let (body, min) = match id.strip_prefix('@') {
        Some(b) => (b, 3),
        None => (id, 4),
    };
    (min..=20).contains(&body.len())
        && body
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"._-".contains(&c))
}

/// WeChat IDs: 6–20 of `a-z 0-9 _ -`, starting with a letter.
pub(crate) fn wechat_valid(id: &str) -> bool {
    let b = id.as_bytes();
    (6..=20).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_' || *c == b'-')
}

/// Signal usernames: a 3–32 character nickname (`a-z 0-9 _`, not starting with a digit), a dot,
/// a 2–9 digit discriminator that is not `00` and has no leading zero beyond two digits.
pub(crate) fn signal_valid(u: &str) -> bool {
    let Some((nick, disc)) = u.rsplit_once('.') else {
        return false;
    };
    let nb = nick.as_bytes();
    (3..=32).contains(&nb.len())
        && !nb[0].is_ascii_digit()
        && nb
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
        && (2..=9).contains(&disc.len())
        && disc.bytes().all(|c| c.is_ascii_digit())
        && disc != "00"
        && !(disc.len() > 2 && disc.starts_with('0'))
}

/// Invite hashes (Telegram `t.me/+HASH`, WhatsApp `chat.whatsapp.com/CODE`).
fn invite_valid(h: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&h.len())
        && h.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
}

fn handle_valid(kind: Kind, value: &str) -> bool {
    match kind {
        Kind::Telegram => telegram_valid(value),
        Kind::Line => line_valid(value),
        Kind::Wechat => wechat_valid(value),
        Kind::Signal => signal_valid(value),
        _ => false,
    }
}

fn sel(
    kind: Kind,
    value: String,
    start: usize,
    end: usize,
    valid: bool,
    validation: Validation,
) -> Selector {
    Selector {
        kind,
        value,
        start,
        end,
        valid,
        role: Role::Contact,
        ambiguous: false,
        validation,
        region: None,
    }
}

const PLATFORM_HOSTS: &[&str] = &[
    "t.me",
    "telegram.me",
    "telegram.dog",
    "wa.me",
    "api.whatsapp.com",
    "web.whatsapp.com",
    "whatsapp.com",
    "chat.whatsapp.com",
    "line.me",
    "page.line.me",
    "lin.ee",
    "signal.me",
    "signal.group",
    "zalo.me",
    "weixin.qq.com",
    "u.wechat.com",
];

/// Whether a host is a messaging platform's link host.
pub(crate) fn is_platform_host(host: &str) -> bool {
    let host = host.strip_prefix("www.").unwrap_or(host);
    PLATFORM_HOSTS.contains(&host) || host.ends_with(".t.me")
}

/// Telegram paths that are features, not accounts.
const TG_RESERVED: &[&str] = &[
    "share",
    "login",
    "proxy",
    "socks",
    "addstickers",
    "addemoji",
    "addtheme",
    "setlanguage",
    "c",
    "iv",
    "bg",
    "confirmphone",
    "boost",
    "addlist",
    "contact",
    "invoice",
    "m",
    "k",
    "a",
    "z",
    "s",
];

/// Read a messaging-platform link; `None` when the link is not to an account, invite or group
/// (it then stays a plain URL).
pub(crate) fn platform_link(u: &Url, start: usize, end: usize) -> Option<Vec<Selector>> {
    let host = u.host_str().unwrap_or("").to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let segs: Vec<&str> = u
        .path_segments()
        .map(|s| s.filter(|x| !x.is_empty()).collect())
        .unwrap_or_default();
    let seg = |i: usize| segs.get(i).copied().unwrap_or("");
    let url_value = |kind: Kind, v: String, valid: bool| {
        Some(vec![sel(kind, v, start, end, valid, Validation::Syntax)])
    };
    let handle = |kind: Kind, h: &str| {
        let v = h.to_ascii_lowercase();
        if v.is_empty()
            || !v
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"_.-@".contains(&c))
        {
            return None;
        }
        let valid = handle_valid(kind, &v);
        Some(vec![sel(kind, v, start, end, valid, Validation::Syntax)])
    };
    if u.scheme() == "line" {
        // line://ti/p/~id: the host is the first path segment.
        let mut s = vec![host];
        s.extend(segs.iter().copied());
        return line_link(&s, start, end);
    }
    if u.scheme() == "tg" {
        let domain = u.query_pairs().find(|(k, _)| k == "domain")?.1.into_owned();
        return handle(Kind::Telegram, &domain);
    }
    match host {
        "t.me" | "telegram.me" | "telegram.dog" => {
            let first = seg(0);
            if let Some(rest) = first
                .strip_prefix('+')
                .or_else(|| first.strip_prefix("%2B"))
            {
                if !rest.is_empty() && rest.bytes().all(|c| c.is_ascii_digit()) {
                    return Some(number_selectors(rest, &[], start, end));
                }
                return url_value(
                    Kind::Telegram,
                    format!("https://t.me/+{rest}"),
                    invite_valid(rest, 16, 32),
                );
            }
            if first.eq_ignore_ascii_case("joinchat") && !seg(1).is_empty() {
                let h = seg(1);
                return url_value(
                    Kind::Telegram,
                    format!("https://t.me/+{h}"),
                    invite_valid(h, 16, 32),
                );
            }
            if first == "s" && !seg(1).is_empty() {
                return handle(Kind::Telegram, seg(1));
            }
            if first.is_empty() || TG_RESERVED.contains(&first.to_ascii_lowercase().as_str()) {
                return None;
            }
            if !first
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_')
            {
                return None;
            }
            handle(Kind::Telegram, first)
        }
        h if h.ends_with(".t.me") => handle(Kind::Telegram, h.trim_end_matches(".t.me")),
        "wa.me" => {
            let (first, second) = (seg(0), seg(1));
            let digits = |s: &str| {
                !s.is_empty()
                    && s.trim_start_matches('+')
                        .bytes()
                        .all(|c| c.is_ascii_digit())
            };
            if digits(first) {
                Some(number_selectors(
                    first.trim_start_matches('+'),
                    &[Kind::Whatsapp],
                    start,
                    end,
                ))
            } else if first == "c" && digits(second) {
                Some(number_selectors(second, &[Kind::Whatsapp], start, end))
            } else if matches!(first, "message" | "qr") && !second.is_empty() {
                url_value(
                    Kind::Whatsapp,
                    format!("https://wa.me/{first}/{second}"),
                    invite_valid(second, 8, 32),
                )
            } else {
                None
            }
        }
        "api.whatsapp.com" | "web.whatsapp.com" | "whatsapp.com" => {
            if seg(0) == "channel" && !seg(1).is_empty() {
                let c = seg(1);
                return url_value(
                    Kind::Whatsapp,
                    format!("https://whatsapp.com/channel/{c}"),
                    invite_valid(c, 16, 32),
                );
            }
            let phone = u.query_pairs().find(|(k, _)| k == "phone")?.1.into_owned();
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            (!digits.is_empty()).then(|| number_selectors(&digits, &[Kind::Whatsapp], start, end))
        }
        "chat.whatsapp.com" => {
            let code = if seg(0) == "invite" { seg(1) } else { seg(0) };
            (!code.is_empty()).then_some(())?;
            url_value(
                Kind::Whatsapp,
                format!("https://chat.whatsapp.com/{code}"),
                invite_valid(code, 20, 24),
            )
        }
        "line.me" => {
            let s: &[&str] = if seg(0).eq_ignore_ascii_case("r") {
                &segs[1..]
            } else {
                &segs
            };
            line_link(s, start, end)
        }
        "page.line.me" => {
            let id = seg(0).trim_start_matches('@');
            handle(Kind::Line, &format!("@{id}"))
        }
        "lin.ee" => (!seg(0).is_empty()).then_some(()).and_then(|_| {
            url_value(
                Kind::Line,
                format!("https://lin.ee/{}", seg(0)),
                invite_valid(seg(0), 4, 32),
            )
        }),
        "signal.me" => {
            let frag = u.fragment()?;
            if let Some(num) = frag.strip_prefix("p/") {
                let digits: String = num.chars().filter(char::is_ascii_digit).collect();
                return Some(number_selectors(&digits, &[Kind::Signal], start, end));
            }
            url_value(
                Kind::Signal,
                format!("https://signal.me/#{frag}"),
                frag.starts_with("eu/") && frag.len() > 3,
            )
        }
        "signal.group" => {
            let frag = u.fragment()?;
            url_value(
                Kind::Signal,
                format!("https://signal.group/#{frag}"),
                frag.len() > 8,
            )
        }
        "zalo.me" => {
            let first = seg(0);
            if !first.is_empty() && first.bytes().all(|c| c.is_ascii_digit()) {
                Some(number_selectors(first, &[Kind::Zalo], start, end))
            } else if first == "g" && !seg(1).is_empty() {
                url_value(
                    Kind::Zalo,
                    format!("https://zalo.me/g/{}", seg(1)),
                    invite_valid(seg(1), 6, 32),
                )
            } else {
                None
            }
        }
        "weixin.qq.com" if seg(0) == "r" && !seg(1).is_empty() => url_value(
            Kind::Wechat,
            format!("https://weixin.qq.com/r/{}", seg(1)),
            invite_valid(seg(1), 8, 64),
        ),
        "u.wechat.com" if !seg(0).is_empty() => url_value(
            Kind::Wechat,
            format!("https://u.wechat.com/{}", seg(0)),
            invite_valid(seg(0), 8, 64),
        ),
        _ => None,
    }
}

/// A LINE link's path (`ti/p/~id`, `ti/p/@oa`, `ti/p/<qr token>`, `ti/g/<group>`,
/// `ti/g2/<open chat>`), after `line.me/[R/]` or `line://`.
fn line_link(s: &[&str], start: usize, end: usize) -> Option<Vec<Selector>> {
    let at = |i: usize| s.get(i).copied().unwrap_or("");
    if !at(0).eq_ignore_ascii_case("ti") || at(2).is_empty() {
        return None;
    }
    let id = at(2).replace("%40", "@");
    let one = |value: String, valid: bool| {
        Some(vec![sel(
            Kind::Line,
            value,
            start,
            end,
            valid,
            Validation::Syntax,
        )])
    };
    let handle = |h: &str| {
        let v = h.to_ascii_lowercase();
        let ok = !v.is_empty()
            && v.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"_.-@".contains(&c));
        ok.then(|| one(v.clone(), line_valid(&v)))?
    };
    match at(1) {
        "p" if id.starts_with('~') => handle(&id[1..]),
        "p" if id.starts_with('@') => handle(&id),
        "p" | "g" | "g2" => one(
            format!("https://line.me/ti/{}/{}", at(1), at(2)),
            invite_valid(at(2), 6, 64),
        ),
        _ => None,
    }
}

/// A number inside a link (always international, written without `+`; a leading `0` is read as
/// a Vietnamese local number for Zalo): a phone selector plus one per platform, same value.
fn number_selectors(digits: &str, platforms: &[Kind], start: usize, end: usize) -> Vec<Selector> {
    let reading = if digits.starts_with('0') && platforms == [Kind::Zalo] {
        phone::parse_local(phonenumber::country::Id::VN, digits)
    } else {
        phone::parse_international(digits)
    };
    let role = if hotline::is_listed(&reading.value) {
        Role::Hotline
    } else {
        Role::Contact
    };
    std::iter::once(Kind::Phone)
        .chain(platforms.iter().copied())
        .map(|kind| Selector {
            kind,
            value: reading.value.clone(),
            start,
            end,
            valid: reading.valid,
            role,
            ambiguous: false,
            validation: Validation::NumberingPlan,
            region: reading.region.clone(),
        })
        .collect()
}

/// Kinds a handle can be on (WhatsApp and Zalo have no usernames).
fn handle_kind(label: Label) -> Option<Kind> {
    match label {
        Label::Platform(k @ (Kind::Telegram | Kind::Line | Kind::Wechat | Kind::Signal)) => Some(k),
        _ => None,
    }
}

/// Words that follow a label in prose and are not IDs.
const STOP: &[&str] = &[
    "id", "and", "or", "me", "us", "at", "to", "the", "for", "add", "here", "now", "please", "via",
    "with", "group", "channel", "only", "contact", "official", "account", "app", "chat", "number",
    "link", "is", "are", "on", "in", "line", "telegram", "wechat", "whatsapp", "zalo", "signal",
    "tg", "wa", "dan", "atau", "hoặc", "và",
];

fn is_id_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'-'
}

pub(crate) fn extract(text: &str, langs: &[&str], labels: &Labels, out: &mut Out) {
    labelled(text, labels, out);
    if memchr::memchr(b'@', text.as_bytes()).is_some() {
        bare(text, langs, labels, out);
    }
}

/// Whether `word` (ASCII, lower-case) occurs in `text` in any case, not inside a longer Latin word.
fn mentions_word(text: &str, word: &str) -> bool {
    let b = text.as_bytes();
    let n = word.len();
    (0..b.len().saturating_sub(n - 1)).any(|i| {
        b[i..i + n].eq_ignore_ascii_case(word.as_bytes())
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && (i + n == b.len() || !b[i + n].is_ascii_alphanumeric())
    })
}

/// Signal usernames have a shape of their own (`nickname.42`), so in a text that names Signal
/// anywhere (even with a weak label: "let's move to Signal … my username is rich_mentor.77") a
/// token of exactly that shape is taken as one, however far from the label.
pub(crate) fn signal_shaped(text: &str, labels: &Labels, out: &mut Out) {
    let names_signal = labels
        .all()
        .iter()
        .any(|h| h.label == Label::Platform(Kind::Signal))
        || out.sels.iter().any(|s| s.kind == Kind::Signal)
        // The label reader drops "signal" as an English word unless a separator follows; here the
        // username's shape is the evidence, so the bare word (any case) is enough.
        || mentions_word(text, "signal");
    if !names_signal {
        return;
    }
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !(b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_id_byte(b[i]) {
            i += 1;
        }
        let mut end = i;
        while end > start && b[end - 1] == b'.' {
            end -= 1;
        }
        // Part of an e-mail address, a URL or an @handle: those have their own readers.
        // A colon before is a label's ("Signal：rich.77", full-width colons fold to ':').
        let attached = |c: u8| matches!(c, b'@' | b'/' | b':' | b'#' | b'=' | b'?' | b'&');
        if (start > 0 && b[start - 1] != b':' && attached(b[start - 1]))
            || (end < b.len() && attached(b[end]))
        {
            continue;
        }
        let value = text[start..end].to_ascii_lowercase();
        // The web reader claims every dotted token it tries as a domain, so ask whether a
        // selector was actually emitted there rather than whether the span was read.
        let taken = out.sels.iter().any(|s| s.start < end && start < s.end);
        if signal_valid(&value) && !taken {
            out.push(sel(
                Kind::Signal,
                value,
                start,
                end,
                true,
                Validation::Syntax,
            ));
            out.claim(start, end);
        }
    }
}

/// Words of "is" written between a label and its ID without a colon ("他的LINE是 abc"). The
/// non-Latin ones work as a separator; after a Latin one ("my LINE is …") the ID must still
/// look like one (a digit or `_`), since "Telegram is blocked" is prose.
const COPULAS: &[&str] = &[
    "是",
    "為",
    "为",
    "คือ",
    "គឺ",
    "is",
    "là",
    "ay",
    "adalah",
    "ialah",
];

/// A short word after a label that still leaves the ID named by it: a copula, or up to eight
/// non-Latin letters (whose, of the sister …) followed by a colon. Returns where it ends and
/// whether it counts as a separator.
fn filler(text: &str, pos: usize) -> Option<(usize, bool)> {
    let rest = &text[pos..];
    let word_end = rest
        .char_indices()
        .find(|&(_, c)| c.is_whitespace() || c.is_ascii_punctuation() || "：，。".contains(c))
        .map_or(rest.len(), |(i, _)| i);
    let word = &rest[..word_end];
    if word.is_empty() || word.chars().count() > 8 {
        return None;
    }
    if COPULAS.iter().any(|c| word.eq_ignore_ascii_case(c)) {
        return Some((pos + word_end, word.chars().all(|c| !c.is_ascii())));
    }
    let after = rest[word_end..].trim_start();
    (word.chars().all(|c| !c.is_ascii()) && after.starts_with([':', '：']))
        .then_some((pos + word_end, true))
}

/// IDs written right after a platform label: "Line ID: abc123", "TG: j0b_thai", "微信：abc_123",
/// "WeChat/Line: abc123" (each label of a chain gets the ID).
fn labelled(text: &str, labels: &Labels, out: &mut Out) {
    let hits = labels.all();
    let b = text.as_bytes();
    // Spans read here; a chain of labels ("WeChat/Line: abc") reads the same token twice.
    let mut read: Vec<(usize, usize)> = Vec::new();
    for (idx, h) in hits.iter().enumerate() {
        let Some(kind) = handle_kind(h.label) else {
            continue;
        };
        // Walk over separators, "id" words and further labels of the chain.
        let mut pos = h.end;
        let mut sep = false;
        let mut next = idx + 1;
        loop {
            while next < hits.len() && hits[next].start < pos {
                next += 1;
            }
            let Some(c) = char_at(text, pos) else { break };
            // Another label of the chain ("WeChat/Line: …"), before any ':'.
            if !sep
                && next < hits.len()
                && hits[next].start == pos
                && matches!(hits[next].label, Label::Platform(_))
            {
                pos = hits[next].end;
                continue;
            }
            let word_id = text[pos..].len() >= 2
                && b[pos..pos + 2].eq_ignore_ascii_case(b"id")
                && !char_at(text, pos + 2).is_some_and(|c| c.is_ascii_alphanumeric());
            if word_id {
                pos += 2;
                continue;
            }
            if matches!(c, ':' | '：' | '=' | '-' | '–' | '>' | '号' | '號' | '#') {
                sep = true;
            } else if !sep && let Some((q, strong)) = filler(text, pos) {
                // "ไลน์น้อง: x", "LINE是 x", "微信号码：x": a short word between label and ID.
                pos = q;
                sep = strong;
                continue;
            } else if !(c.is_whitespace()
                || matches!(
                    c,
                    '/' | '|' | '(' | '[' | '【' | '「' | '"' | '\'' | '·' | '•'
                )
                || matches!(c as u32, 0x2190..=0x2BFF | 0x1F000..=0x1FAFF | 0xFE0F | 0x200D))
            {
                break;
            }
            pos += c.len_utf8();
            if pos - h.end > 24 {
                break;
            }
        }
        let mut at = None;
        if b.get(pos) == Some(&b'@') {
            at = Some(pos);
            sep = true;
            pos += 1;
            if b.get(pos) == Some(&b' ') {
                pos += 1;
            }
        }
        let tok_start = pos;
        let mut tok_end = pos;
        while tok_end < b.len() && is_id_byte(b[tok_end]) {
            tok_end += 1;
        }
        while tok_end > tok_start && matches!(b[tok_end - 1], b'.' | b'-') {
            tok_end -= 1;
        }
        if tok_end == tok_start || tok_end - tok_start > 64 {
            continue;
        }
        let tok = &text[tok_start..tok_end];
        // Numbers are the phone extractor's; links and e-mail are already read.
        if tok
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b'-' || c == b'.')
            || text[tok_end..].starts_with("://")
        {
            continue;
        }
        if b.get(tok_end) == Some(&b'@') {
            continue;
        }
        let span_start = at.filter(|&a| a + 1 == tok_start).unwrap_or(tok_start);
        if read.last() != Some(&(span_start, tok_end)) && out.is_claimed(span_start, tok_end) {
            continue;
        }
        // No platform allows an ID of one or two characters: "Telegram: t e l e: @x" spells a
        // label out, it does not name an account.
        if tok.len() < 3 {
            continue;
        }
        let lower = tok.to_ascii_lowercase();
        if STOP.contains(&lower.as_str()) {
            continue;
        }
        let value = match (kind, at) {
            (Kind::Line, Some(_)) => format!("@{lower}"),
            _ => lower,
        };
        let valid = handle_valid(kind, &value);
        // Without a separator ("Telegram for more info") the token must look like an ID, and
        // after a weak label ("line up", "signal 5g") it must also be valid for the platform.
        let id_like = tok.bytes().any(|c| c.is_ascii_digit() || c == b'_');
        let accept =
            (sep && !(h.word && !id_like && at.is_none())) || (id_like && (!h.weak || valid));
        if !accept {
            continue;
        }
        out.push(sel(
            kind,
            value,
            span_start,
            tok_end,
            valid,
            Validation::Syntax,
        ));
        out.claim(span_start, tok_end);
        read.push((span_start, tok_end));
    }
}

/// Platforms a text names anywhere (strong labels and platform selectors found so far).
fn mentioned(labels: &Labels, out: &Out) -> (Vec<Kind>, bool) {
    let mut kinds = Vec::new();
    let mut social = false;
    for h in labels.all() {
        match h.label {
            Label::Social if !h.weak => social = true,
            l => {
                if let Some(k) = handle_kind(l)
                    && !h.weak
                    && !kinds.contains(&k)
                {
                    kinds.push(k);
                }
            }
        }
    }
    for s in &out.sels {
        if matches!(
            s.kind,
            Kind::Telegram | Kind::Line | Kind::Wechat | Kind::Signal
        ) && !kinds.contains(&s.kind)
        {
            kinds.push(s.kind);
        }
    }
    (kinds, social)
}

/// Bare `@handles` (see the module docs for the platform rule).
fn bare(text: &str, langs: &[&str], labels: &Labels, out: &mut Out) {
    let thai = langs.iter().any(|l| l.eq_ignore_ascii_case("th"));
    let b = text.as_bytes();
    let mut doc: Option<(Vec<Kind>, bool)> = None;
    for at in memchr::memchr_iter(b'@', b) {
        if char_before(text, at).is_some_and(|c| c.is_ascii_alphanumeric() || "._%+-/".contains(c))
        {
            continue; // e-mail local part or a URL path
        }
        let start = at + 1;
        let mut end = start;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_' || b[end] == b'.')
        {
            end += 1;
        }
        while end > start && b[end - 1] == b'.' {
            end -= 1;
        }
        if end == start || end - start > 64 || out.is_claimed(at, end) {
            continue;
        }
        // "@Café Amazon": a Latin word that runs on past ASCII is a name, not a handle.
        if char_at(text, end)
            .is_some_and(|c| !c.is_ascii() && c.is_alphabetic() && (c as u32) < 0x250)
        {
            continue;
        }
        let tok = text[start..end].to_ascii_lowercase();
        // "@gmail.com" is a domain, "@LINE" a label.
        if tok.contains('.') && psl::suffix(tok.as_bytes()).is_some_and(|s| s.is_known()) {
            continue;
        }
        // "@LINE" is a label; "@jobs_thailand_ph" is a handle that merely contains a place name.
        let is_label = labels
            .within(at, end)
            .any(|h| h.start <= start && h.end >= end);
        if is_label || STOP.contains(&tok.as_str()) {
            continue;
        }
        // 1. A nearby label.
        let floor = window_start(text, at, 64);
        let near: Vec<&Hit> = labels
            .before(at, floor)
            .filter(|h| matches!(h.label, Label::Platform(_) | Label::Social))
            .filter(|h| !h.weak || adjacent(&text[h.end..at]))
            .collect();
        let mut kinds: Vec<Kind> = near.iter().filter_map(|h| handle_kind(h.label)).collect();
        kinds.dedup();
        let (kinds, ambiguous, guessed) = if !kinds.is_empty() {
            (kinds, false, false)
        } else if !near.is_empty() {
            continue; // another network's handle, or WhatsApp/Zalo (no usernames)
        } else {
            // 2./3. What the text names.
            let (named, social) = doc.get_or_insert_with(|| mentioned(labels, out)).clone();
            match named.len() {
                0 if social => continue,
                0 if thai => (vec![Kind::Telegram, Kind::Line], true, true),
                0 => (vec![Kind::Telegram], true, true),
                1 => (named, false, true),
                _ => (named, true, true),
            }
        };
        let ambiguous = ambiguous || kinds.len() > 1;
        for kind in kinds {
            let value = if kind == Kind::Line {
                format!("@{tok}")
            } else {
                tok.clone()
            };
            let valid = handle_valid(kind, &value);
            if guessed && !valid {
                continue; // a guess must at least look right
            }
            let mut s = sel(kind, value, at, end, valid, Validation::Syntax);
            s.ambiguous = ambiguous;
            out.push(s);
        }
        out.claim(at, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_usernames_far_from_their_label() {
        let got = crate::extract(
            "Let's move to Signal, it's safer. My username is rich_mentor.77 (not bob.007, see v2.10)",
            &crate::Context::default(),
        );
        let sig: Vec<&str> = got
            .iter()
            .filter(|s| s.kind == Kind::Signal)
            .map(|s| s.value.as_str())
            .collect();
        assert_eq!(sig, ["rich_mentor.77"], "{got:?}");
        let none = crate::extract("My username is rich_mentor.77", &crate::Context::default());
        assert!(
            none.iter().all(|s| s.kind != Kind::Signal),
            "no Signal named: {none:?}"
        );
    }

    #[test]
    fn syntax_rules() {
        assert!(telegram_valid("j0b_thai"));
        assert!(!telegram_valid("1abcde"));
        assert!(!telegram_valid("abcd"));
        assert!(!telegram_valid("abc__de"));
        assert!(!telegram_valid("abcde_"));
        assert!(
            line_valid("coi6") && line_valid("9xr8") && line_valid("@em88") && !line_valid("abc")
        );
        assert!(wechat_valid("abc_123") && !wechat_valid("1abcdef") && !wechat_valid("abc12"));
        assert!(signal_valid("bob.17") && signal_valid("_x_y.123") && !signal_valid("bob.00"));
        assert!(!signal_valid("bob.007") && !signal_valid("1bob.12") && !signal_valid("bob.1"));
    }
}
