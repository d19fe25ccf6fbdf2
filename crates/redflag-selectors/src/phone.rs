//! Phone numbers.
//!
//! # Candidates
//! A hand-written scanner collects *digit runs*: groups of ASCII digits joined by at most three
//! separator characters (space, `-`, `.`, `>`, parentheses, dashes, no-break and thin spaces),
//! optionally led by `+`. Spaced-out digits (`0 9 7 2 3 4 5 6 7 8`), `1>9>0>0>1>9>9>5` and
//! `+855 (0)97 234 5678` are single runs; a run holding several numbers
//! (`081 234 5678 089 123 4567`) is split greedily into the longest segments that validate. A
//! `/` ends a run: it separates alternatives (`1068/1069`) and dates (`25/01 - 24/02`).
//!
//! # Validation and region
//! Only segments of plausible length and shape are checked: against libphonenumber's metadata
//! compiled once for the SEA regions (`plan`), through the `phonenumber` crate for any other
//! country. `+CC…` and `00CC…` numbers carry their country. A local number (trunk `0`, a
//! Chinese mobile `1[3-9]…`, a `1800`/`1900` service number) is read in every *plausible
//! region*: the caller's default region, the countries of the text's international numbers, the
//! places it names, and its languages ([`crate::SEA_REGIONS`]). Valid in exactly one, that is
//! its region; in several, one selector per region, each `ambiguous`. Valid in none, the other
//! SEA regions are tried when the text gives no evidence at all, or when the number is labelled
//! and has 9+ digits (a shorter number valid somewhere by chance is usually a service code); a
//! Zalo label pins Vietnam. A run is first segmented with the plausible regions only, so that a
//! long reading valid elsewhere cannot swallow two local numbers.
//!
//! # False positives
//! Dates (`12/05/2024`, `2024-05-12`), year ranges, thousands-grouped amounts
//! (`19.137.909 VNĐ`), amounts next to a currency, digits glued to letters (`TH1234567890`,
//! tracking codes) and numbers right after "order", "OTP", "account" … are not phones. A number
//! that starts with neither `+`, `00`, a trunk `0` nor a Chinese mobile prefix needs a phone or
//! platform label ("Zalo: 912345678", "Tel 1800 123 456"). Invalid candidates are kept only
//! when they are explicit (`+…`) or labelled; an unlabelled local digit run valid nowhere is
//! more likely an account or order number than a phone.
//!
//! # Labels and role
//! Platform labels before a number ("WhatsApp: +66…", "Zalo 09…") or right after it ("(WA)")
//! add a selector of that platform with the same E.164 value (WhatsApp, Signal, Zalo, LINE,
//! WeChat — all reachable by number; a Telegram label adds none, Telegram being reached by
//! username). The phone selector is always emitted too, so that one number links across
//! platforms. The role is `hotline` when the number is in `data/hotlines.toml`, when an official
//! body is named right before it ("Embassy", ตำรวจ, 大使馆), or when a hotline word is and an
//! official body is named on the same line — a bare "Hotline:" is not enough, since Vietnamese
//! and Thai recruiters label their own numbers so.

use phonenumber::country::Id;

use crate::labels::{Hit, Label, Labels, adjacent};
use crate::region::{self, Regions};
use crate::scan::{Out, char_at, char_before, floor_boundary, line_bounds, window_start};
use crate::{Context, Kind, Role, Selector, Validation};
use crate::{handles, hotline, plan};

/// One reading of a number.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reading {
    pub value: String,
    pub region: Option<String>,
    pub valid: bool,
    /// The region was guessed outside the text's evidence.
    pub ambiguous: bool,
}

impl Reading {
    fn new(value: String, region: Option<String>, valid: bool) -> Reading {
        Reading {
            value,
            region,
            valid,
            ambiguous: false,
        }
    }

    /// A reading under a compiled plan.
    fn in_plan(p: &plan::Plan, national: &str, valid: bool) -> Reading {
        let region = (p.region != "001").then(|| p.region.clone());
        Reading::new(format!("+{}{national}", p.code), region, valid)
    }
}

/// Parse digits written with a country code (no `+`). Tolerates a trunk `0` kept after the
/// country code (`+855 0 97…`).
pub(crate) fn parse_international(digits: &str) -> Reading {
    let invalid = || Reading::new(format!("+{digits}"), None, false);
    let Some((code, rest)) = plan::split_code(digits) else {
        return invalid();
    };
    match plan::for_number(code, rest) {
        Some((p, true)) => Reading::in_plan(p, rest, true),
        Some((p, false)) => {
            let trunk = rest
                .strip_prefix('0')
                .and_then(|r| Some((plan::for_number(code, r)?, r)));
            match trunk {
                Some(((q, true), r)) => Reading::in_plan(q, r, true),
                _ => Reading::in_plan(p, rest, false),
            }
        }
        None => invalid(),
    }
}

/// A local number's reading in one region if it is valid there: checked against the compiled
/// plan, allocating only for a valid number (this is the hot path).
pub(crate) fn valid_local(id: Id, digits: &str) -> Option<Reading> {
    let p = plan::for_id(id)?;
    let national = p.national(digits);
    p.is_valid(national)
        .then(|| Reading::in_plan(p, national, true))
}

/// Parse a local number in one region, valid or not.
pub(crate) fn parse_local(id: Id, digits: &str) -> Reading {
    match plan::for_id(id) {
        Some(p) => {
            let national = p.national(digits);
            Reading::in_plan(p, national, p.is_valid(national))
        }
        None => Reading::new(digits.to_string(), Some(region::code(id)), false),
    }
}

/// A group of digits inside a run.
#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
}

#[derive(Debug)]
struct Run {
    /// Byte offset of a leading `+`.
    plus: Option<usize>,
    groups: Vec<Group>,
}

const MAX_GROUPS: usize = 40;

/// Segments tried per run (a run has at most [`MAX_GROUPS`] groups).
const MAX_ATTEMPTS: usize = 120;

fn is_sep(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '-'
            | '.'
            | '('
            | ')'
            | '>'
            | '\u{a0}'
            | '\u{2007}'
            | '\u{2009}'
            | '\u{202f}'
            | '\u{2010}'..='\u{2015}'
    )
}

/// Collect digit runs outside claimed spans.
fn runs(text: &str, out: &mut Out) -> Vec<Run> {
    let b = text.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let mut plus = None;
        let first = if b[i] == b'+' {
            let d = if b.get(i + 1) == Some(&b' ') {
                i + 2
            } else {
                i + 1
            };
            if !b.get(d).is_some_and(u8::is_ascii_digit) {
                i += 1;
                continue;
            }
            plus = Some(i);
            d
        } else if b[i].is_ascii_digit() {
            i
        } else {
            i += 1;
            continue;
        };
        let mut groups = Vec::new();
        let mut p = first;
        loop {
            let gs = p;
            while p < b.len() && b[p].is_ascii_digit() {
                p += 1;
            }
            groups.push(Group { start: gs, end: p });
            if groups.len() >= MAX_GROUPS {
                break;
            }
            // Up to three separator chars, then a digit.
            let mut q = p;
            let mut n = 0;
            while n < 3 {
                match char_at(text, q) {
                    Some(c) if is_sep(c) => {
                        q += c.len_utf8();
                        n += 1;
                    }
                    _ => break,
                }
            }
            if n > 0 && b.get(q).is_some_and(u8::is_ascii_digit) {
                p = q;
            } else {
                break;
            }
        }
        let end = groups.last().map_or(p, |g| g.end);
        i = end.max(i + 1);
        // Groups inside a link, e-mail or wallet are not ours ("…/r/xt2 0795881839").
        let before = groups.len();
        groups.retain(|g| !out.is_claimed(g.start, g.end));
        if groups.is_empty() {
            continue;
        }
        if groups.len() < before {
            plus = None;
            let contiguous = groups
                .windows(2)
                .all(|w| !out.is_claimed(w[0].end, w[1].start));
            if !contiguous {
                continue;
            }
        }
        runs.push(Run { plus, groups });
    }
    runs
}

/// What the labels around a segment say.
#[derive(Debug, Default, Clone)]
struct LabelInfo {
    platforms: Vec<Kind>,
    /// A phone or platform label names it.
    phone: bool,
    /// A phone or hotline word (not only a platform) names it.
    word: bool,
    /// The nearest label says it is something else (order, OTP, account …).
    not_phone: bool,
    hotline: bool,
    official: bool,
}

fn usable(h: &Hit, text: &str, labels: &Labels, sel_start: usize) -> bool {
    !h.weak
        || adjacent(&text[h.end..sel_start])
        || adjacent_over_labels(text, labels, h.end, sel_start)
}

/// Whether only punctuation and further platform or phone labels stand between `from` and
/// `to`: a chain of labels ("WA/Telegram: +62…", "W.A / Tel: 08…") names the number with each.
fn adjacent_over_labels(text: &str, labels: &Labels, from: usize, to: usize) -> bool {
    let mut gap = String::new();
    let mut pos = from;
    for h in labels.within(from, to) {
        if !matches!(h.label, Label::Platform(_) | Label::Phone) || h.start < pos {
            return false;
        }
        gap.push_str(&text[pos..h.start]);
        gap.push(' ');
        pos = h.end;
    }
    pos > from && {
        gap.push_str(&text[pos..to]);
        adjacent(&gap)
    }
}

fn label_info(
    text: &str,
    labels: &Labels,
    start: usize,
    end: usize,
    floor: usize,
    prev_end: usize,
) -> LabelInfo {
    let mut info = LabelInfo::default();
    let mut nearest_phone_like = None;
    for h in labels.before(start, floor) {
        if !usable(h, text, labels, start) {
            continue;
        }
        // Right after the previous number, a platform label is that number's: "0812… (WA) / 0878…".
        let trailing = prev_end > 0 && h.start >= prev_end && adjacent(&text[prev_end..h.start]);
        if trailing && matches!(h.label, Label::Platform(_)) && h.start - prev_end <= 3 {
            continue;
        }
        match h.label {
            Label::Platform(k) => {
                if !info.platforms.contains(&k) {
                    info.platforms.push(k);
                }
                info.phone = true;
                nearest_phone_like.get_or_insert(h.end);
            }
            Label::Phone => {
                info.phone = true;
                info.word = true;
                nearest_phone_like.get_or_insert(h.end);
            }
            Label::NotPhone if nearest_phone_like.is_none() && start - h.end <= 24 => {
                info.not_phone = true
            }
            Label::Hotline => {
                info.hotline = true;
                info.phone = true;
                info.word = true;
                nearest_phone_like.get_or_insert(h.end);
            }
            Label::Official => info.official = true,
            _ => {}
        }
    }
    // A platform named right after: "081584650877 (WA)", "0812345678 Line".
    let ceil = floor_boundary(text, (end + 6).min(text.len()));
    for h in labels.after(end, ceil) {
        // "… 0878-1190-4462 / Line: kerja_bkk01": a label with its own colon names what follows.
        let own = text[h.end..].trim_start().starts_with([':', '：', '=']);
        if let Label::Platform(k) = h.label
            && !own
            && adjacent(&text[end..h.start])
            && !info.platforms.contains(&k)
        {
            info.platforms.push(k);
            info.phone = true;
        }
    }
    info
}

/// Currency words and symbols that make an adjacent digit run an amount.
const CURRENCY: &[&str] = &[
    "$",
    "฿",
    "₫",
    "₱",
    "¥",
    "€",
    "£",
    "៛",
    "元",
    "块",
    "萬",
    "万",
    "%",
    "usd",
    "usdt",
    "thb",
    "vnd",
    "vnđ",
    "đ",
    "dong",
    "đồng",
    "rp",
    "rm",
    "php",
    "baht",
    "บาท",
    "kyat",
    "ကျပ်",
    "riel",
    "រៀល",
    "triệu",
    "trieu",
    "nghìn",
    "ngàn",
    "tỷ",
    "peso",
    "pesos",
    "ringgit",
    "rupiah",
    "yuan",
    "rmb",
    "k",
];

fn currency_near(text: &str, start: usize, end: usize) -> bool {
    let before = text[floor_boundary(text, start.saturating_sub(12))..start]
        .trim_end()
        .to_lowercase();
    let after = text[end..crate::scan::ceil_boundary(text, (end + 12).min(text.len()))]
        .trim_start()
        .to_lowercase();
    CURRENCY.iter().any(|c| {
        let word = c.chars().all(|ch| ch.is_ascii_alphabetic());
        let ends = before.ends_with(c)
            && (!word
                || !before[..before.len() - c.len()]
                    .ends_with(|ch: char| ch.is_ascii_alphabetic()));
        let starts = after.starts_with(c)
            && (!word || !after[c.len()..].starts_with(|ch: char| ch.is_ascii_alphabetic()));
        ends || starts
    })
}

/// `*110#`, `*155*34#`: operator codes, not numbers.
fn is_ussd(text: &str, start: usize, end: usize) -> bool {
    matches!(char_before(text, start), Some('*' | '#'))
        || matches!(char_at(text, end), Some('*' | '#'))
}

/// Separators between groups `i..=j`, as text.
fn seps<'t>(text: &'t str, groups: &[Group]) -> Vec<&'t str> {
    groups
        .windows(2)
        .map(|w| &text[w[0].end..w[1].start])
        .collect()
}

/// A date, a year range, or a thousands-grouped amount.
fn looks_like_date_or_amount(text: &str, groups: &[Group]) -> bool {
    let lens: Vec<usize> = groups.iter().map(|g| g.end - g.start).collect();
    let s = seps(text, groups);
    let same_sep = s.windows(2).all(|w| w[0] == w[1]);
    let date_sep = s
        .iter()
        .all(|x| matches!(*x, "/" | "-" | "." | " / " | " - " | ". "));
    if groups.len() == 3 && same_sep && date_sep {
        let (a, b, c) = (lens[0], lens[1], lens[2]);
        if (a <= 2 && b <= 2 && (c == 2 || c == 4)) || (a == 4 && b <= 2 && c <= 2) {
            return true;
        }
    }
    if groups.len() == 2 && date_sep && lens == [4, 4] {
        let year = |g: &Group| {
            text[g.start..g.end]
                .parse::<u32>()
                .is_ok_and(|y| (1900..=2700).contains(&y))
        };
        if year(&groups[0]) && year(&groups[1]) {
            return true;
        }
    }
    // 19.137.909 — amounts never start with 0.
    if groups.len() >= 2
        && !text[groups[0].start..].starts_with('0')
        && lens[0] <= 3
        && lens[1..].iter().all(|&l| l == 3)
        && s.iter().all(|x| *x == ".")
    {
        return true;
    }
    false
}

struct Ctx<'a, 't> {
    text: &'t str,
    labels: &'a Labels,
    regions: Regions,
    /// Regions of the text's languages (Indonesian and Malay both give ID and MY: they are
    /// hard to tell apart), of the places it names, and the caller's: see [`narrow`].
    lang_regions: Vec<Id>,
    place_regions: Vec<Id>,
    default_region: Vec<Id>,
    /// Calling codes of `regions`, as digits.
    codes: Vec<String>,
}

/// How hard [`interpret`] tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Valid readings in the plausible regions only.
    Evidence,
    /// Also valid readings in other SEA regions (see the fallback rule).
    Fallback,
    /// Also one invalid reading for an explicit or labelled candidate.
    KeepInvalid,
}

/// The readings of groups `i..=j` of a run, or `None` when the segment is not a phone number.
fn interpret(
    cx: &Ctx,
    run: &Run,
    i: usize,
    j: usize,
    info: &LabelInfo,
    mode: Mode,
) -> Option<Vec<Reading>> {
    let keep_invalid = mode == Mode::KeepInvalid;
    let text = cx.text;
    let groups = &run.groups[i..=j];
    let intl = i == 0 && run.plus.is_some();
    let mut digits = String::with_capacity(20);
    for (k, g) in groups.iter().enumerate() {
        let d = &text[g.start..g.end];
        // "+855 (0)97…": the bracketed trunk zero is not dialled from abroad.
        let bracketed = text[..g.start].ends_with('(') && text[g.end..].starts_with(')');
        if intl && k > 0 && d == "0" && bracketed {
            continue;
        }
        digits.push_str(d);
    }
    let start = if intl {
        run.plus.unwrap_or(groups[0].start)
    } else {
        groups[0].start
    };
    let end = groups[groups.len() - 1].end;
    if info.not_phone && !intl {
        return None;
    }
    // Digits glued to letters are codes ("TH1234567890", "0812345678abc"), unless a label
    // touches them ("Tel0812…", "0812…WA").
    let glued_before = !intl
        && char_before(text, start).is_some_and(|c| c.is_ascii_alphabetic())
        && cx
            .labels
            .before(start, 0)
            .next()
            .is_none_or(|h| h.end != start);
    let glued_after = char_at(text, end).is_some_and(|c| c.is_ascii_alphabetic())
        && !cx.labels.after(end, end + 1).any(|h| h.start == end);
    if glued_before || glued_after {
        return None;
    }
    // Decimal or comma-grouped continuation: "1,234,567", "3.1415926".
    let cont = |c: Option<char>, d: Option<char>| {
        matches!(c, Some('.' | ',')) && d.is_some_and(|d| d.is_ascii_digit())
    };
    if !intl
        && cont(
            char_before(text, start),
            start.checked_sub(1).and_then(|p| char_before(text, p)),
        )
    {
        return None;
    }
    if cont(char_at(text, end), char_at(text, end + 1)) || char_at(text, end) == Some('%') {
        return None;
    }
    if is_ussd(text, start, end) {
        return None;
    }

    let n = digits.len();
    if intl || (digits.starts_with("00") && (9..=17).contains(&n)) {
        let d = if intl { &digits[..] } else { &digits[2..] };
        if !(7..=15).contains(&d.len()) {
            return None;
        }
        let r = parse_international(d);
        // `00…` is also how bank accounts start: an invalid one needs a label.
        return (r.valid || (keep_invalid && (intl || info.phone))).then(|| vec![r]);
    }
    if !(7..=13).contains(&n) || looks_like_date_or_amount(text, groups) {
        return None;
    }
    let trunk = digits.starts_with('0');
    let cn_mobile =
        n == 11 && digits.starts_with('1') && matches!(digits.as_bytes()[1], b'3'..=b'9');
    let plausible_cc = || {
        !trunk
            && cx
                .codes
                .iter()
                .any(|cc| digits.starts_with(cc.as_str()) && n >= cc.len() + 8)
    };
    // Toll-free and premium prefixes shared across the region ("Tu van mien phi 1800 9000").
    let service = !trunk && (digits.starts_with("1800") || digits.starts_with("1900"));
    if !trunk && !cn_mobile && !info.phone && !service {
        if !plausible_cc() {
            return None;
        }
        let r = parse_international(&digits);
        return r.valid.then(|| vec![r]);
    }
    if !trunk && currency_near(text, start, end) {
        return None;
    }
    let mut out: Vec<Reading> = Vec::new();
    let mut guessed = false;
    if !trunk && !cn_mobile {
        // Digits without a trunk prefix: maybe written with the country code, as Vietnamese
        // operators do ("Thue bao 84912345678"). Unlabelled, the code must be a plausible one.
        let r = parse_international(&digits);
        if r.valid {
            return Some(vec![r]);
        }
    }
    let try_regions = |ids: &mut dyn Iterator<Item = Id>, out: &mut Vec<Reading>| {
        for id in ids {
            if let Some(r) = valid_local(id, &digits)
                && !out.iter().any(|o| o.value == r.value)
            {
                out.push(r);
            }
        }
    };
    if cn_mobile {
        try_regions(&mut std::iter::once(Id::CN), &mut out);
    } else {
        // Zalo accounts are Vietnamese numbers: the label outweighs the text's other evidence.
        let zalo = info.platforms.contains(&Kind::Zalo).then_some(Id::VN);
        match zalo {
            Some(vn) => try_regions(&mut std::iter::once(vn), &mut out),
            None => {
                try_regions(&mut cx.regions.iter(), &mut out);
                narrow(cx, &mut out);
            }
        }
        // Regions without evidence: tried when the text gives none, or for a labelled number
        // long enough not to be a service code valid somewhere by chance.
        // Every SEA plan dials a trunk 0: without one (and not a service number) a local
        // reading outside the evidence would be a coincidence ("(732) 387 7583").
        let fallback = mode != Mode::Evidence
            && zalo.is_none()
            && (trunk || service)
            && (cx.regions.iter().next().is_none() || (info.phone && n >= 9));
        if out.is_empty() && fallback && (info.phone || !service) {
            guessed = true;
            let mut rest = region::SEA_IDS
                .iter()
                .copied()
                .filter(|id| !cx.regions.contains(*id));
            try_regions(&mut rest, &mut out);
        }
    }
    if !out.is_empty() {
        // Read outside the evidence: the region is a guess, whatever the count.
        if guessed {
            for r in &mut out {
                r.ambiguous = true;
            }
        }
        return Some(out);
    }
    if keep_invalid && info.phone {
        let r = match cx.regions.iter().next() {
            Some(id) => parse_local(id, &digits),
            None => Reading::new(digits.clone(), None, false),
        };
        return Some(vec![Reading { valid: false, ..r }]);
    }
    None
}

/// A local number valid in several plausible regions. A country known only from another number
/// in the text (its `+CC`) yields to the text's languages, the places it names and the caller's
/// region: a foreign number is written with its country code, so the one written without is
/// usually from the writer's side ("his number +95 9…, call me on 012 …"). For the same reason a
/// place does not count when the text writes that country's numbers with their code ("my
/// brother in Thailand, +66 …; call me on 096 …" in Khmer: Cambodian). Where the languages
/// themselves cannot tell (Indonesian and Malay, both read as ID and MY), a place named decides.
/// A language against a place (a Thai ad for a job in Poipet) stays ambiguous.
fn narrow(cx: &Ctx, out: &mut Vec<Reading>) {
    let region_in = |r: &Reading, set: &[Id]| {
        r.region
            .as_deref()
            .and_then(region::id)
            .is_some_and(|id| set.contains(&id))
    };
    let retain = |out: &mut Vec<Reading>, keep: &dyn Fn(&Reading) -> bool| {
        let n = out.iter().filter(|r| keep(r)).count();
        if n > 0 && n < out.len() {
            out.retain(|r| keep(r));
        }
    };
    if out.len() > 1 {
        retain(out, &|r| {
            region_in(r, &cx.lang_regions)
                || region_in(r, &cx.place_regions)
                || region_in(r, &cx.default_region)
        });
    }
    if out.len() > 1 && out.iter().all(|r| region_in(r, &cx.lang_regions)) {
        retain(out, &|r| region_in(r, &cx.place_regions));
    }
}

/// Regions a language ties a local number to (see [`narrow`]).
fn lang_regions(langs: &[&str]) -> Vec<Id> {
    let mut v = Vec::new();
    let mut push = |code: &str| {
        if let Some(id) = region::id(code)
            && !v.contains(&id)
        {
            v.push(id);
        }
    };
    for lang in langs {
        let lang = lang
            .split(['-', '_'])
            .next()
            .unwrap_or(lang)
            .to_ascii_lowercase();
        match lang.as_str() {
            "id" | "ms" => {
                push("ID");
                push("MY");
            }
            l => {
                if let Some(code) = region::for_lang(l) {
                    push(code);
                }
            }
        }
    }
    v
}

/// Plausible regions for local numbers, strongest evidence first.
fn regions(ctx: &Context, labels: &Labels, runs: &[Run], text: &str, out: &Out) -> Regions {
    let mut r = Regions::default();
    if let Some(d) = ctx.default_region {
        r.add_code(&d.to_ascii_uppercase());
    }
    for run in runs.iter().filter(|r| r.plus.is_some()) {
        let digits: String = run
            .groups
            .iter()
            .map(|g| &text[g.start..g.end])
            .collect::<String>();
        let digits = &digits[..digits.len().min(15)];
        if let Some((code, national)) = plan::split_code(digits)
            && let Some((p, _)) = plan::for_number(code, national)
        {
            r.add_code(&p.region);
        }
    }
    for s in out.sels.iter().filter(|s| s.kind == Kind::Phone) {
        if let Some(code) = &s.region {
            r.add_code(code);
        }
    }
    for place in labels.places() {
        r.add_code(place);
    }
    for lang in ctx.langs {
        if let Some(code) = region::for_lang(lang) {
            r.add_code(code);
        }
    }
    r
}

fn role(text: &str, labels: &Labels, value: &str, info: &LabelInfo, start: usize) -> Role {
    if hotline::is_listed(value) || info.official {
        return Role::Hotline;
    }
    if info.hotline {
        let (ls, le) = line_bounds(text, start, 256);
        if labels.within(ls, le).any(|h| h.label == Label::Official) {
            return Role::Hotline;
        }
    }
    Role::Contact
}

fn emit(
    cx: &Ctx,
    out: &mut Out,
    readings: Vec<Reading>,
    start: usize,
    end: usize,
    info: &LabelInfo,
) {
    // "Line ID: 5661667": an ID made of digits, not a phone number.
    let id_platforms: Vec<Kind> = info
        .platforms
        .iter()
        .copied()
        .filter(|k| matches!(k, Kind::Line | Kind::Wechat))
        .collect();
    if readings.iter().all(|r| !r.valid) && !id_platforms.is_empty() && !info.word {
        let id: String = cx.text[start..end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        for kind in id_platforms {
            let valid = if kind == Kind::Line {
                handles::line_valid(&id)
            } else {
                handles::wechat_valid(&id)
            };
            out.push(Selector {
                kind,
                value: id.clone(),
                start,
                end,
                valid,
                role: Role::Contact,
                ambiguous: false,
                validation: Validation::Syntax,
                region: None,
            });
        }
        return;
    }
    let several = readings.len() > 1;
    for r in readings {
        let ambiguous = several || r.ambiguous;
        let role = role(cx.text, cx.labels, &r.value, info, start);
        let platforms = info
            .platforms
            .iter()
            .copied()
            .filter(|k| *k != Kind::Telegram);
        for kind in std::iter::once(Kind::Phone).chain(platforms) {
            out.push(Selector {
                kind,
                value: r.value.clone(),
                start,
                end,
                valid: r.valid,
                role,
                ambiguous,
                validation: Validation::NumberingPlan,
                region: r.region.clone(),
            });
        }
    }
}

/// Short hotline codes ("โทร 1300", "call 117"): a lone 3–6 digit group with a phone, hotline
/// or official label, listed in `data/hotlines.toml` for a plausible region.
fn short_code(cx: &Ctx, out: &mut Out, run: &Run, info: &LabelInfo) {
    if run.plus.is_some() || run.groups.len() != 1 || !(info.phone || info.official) {
        return;
    }
    let g = run.groups[0];
    if char_at(cx.text, g.end).is_some_and(|c| c.is_ascii_alphanumeric())
        || currency_near(cx.text, g.start, g.end)
        || is_ussd(cx.text, g.start, g.end)
    {
        return;
    }
    let digits = &cx.text[g.start..g.end];
    let all: Vec<_> = hotline::short_codes(digits).collect();
    let in_region: Vec<_> = all
        .iter()
        .copied()
        .filter(|s| region::id(s.region).is_some_and(|id| cx.regions.contains(id)))
        .collect();
    let chosen = if in_region.is_empty() { all } else { in_region };
    let ambiguous = chosen.len() > 1;
    for s in chosen {
        out.push(Selector {
            kind: Kind::Phone,
            value: s.value(),
            start: g.start,
            end: g.end,
            valid: true,
            role: Role::Hotline,
            ambiguous,
            validation: Validation::ShortCode,
            region: Some(s.region.to_string()),
        });
    }
}

pub(crate) fn extract(text: &str, ctx: &Context, labels: &Labels, out: &mut Out) {
    let runs = runs(text, out);
    if runs.is_empty() {
        return;
    }
    let regions = regions(ctx, labels, &runs, text, out);
    let codes = regions
        .iter()
        .filter_map(region::calling_code)
        .map(|c| c.to_string())
        .collect();
    // A place whose numbers the text writes with their country code is where those numbers
    // are, not the writer (see [`narrow`]).
    let intl: Vec<Id> = runs
        .iter()
        .filter(|r| r.plus.is_some())
        .filter_map(|run| {
            let digits: String = run.groups.iter().map(|g| &text[g.start..g.end]).collect();
            let digits = &digits[..digits.len().min(15)];
            let (code, national) = plan::split_code(digits)?;
            let (p, _) = plan::for_number(code, national)?;
            region::id(&p.region)
        })
        .collect();
    let place_regions = labels
        .places()
        .filter_map(region::id)
        .filter(|id| !intl.contains(id))
        .collect();
    let cx = Ctx {
        text,
        labels,
        regions,
        lang_regions: lang_regions(ctx.langs),
        place_regions,
        default_region: ctx
            .default_region
            .and_then(|d| region::id(&d.to_ascii_uppercase()))
            .into_iter()
            .collect(),
        codes,
    };
    // Labels before another selector (a LINE ID, a link) are that selector's.
    let mut sel_ends: Vec<usize> = out.sels.iter().map(|s| s.end).collect();
    sel_ends.sort_unstable();
    let prev_sel_end = |s: usize| {
        let i = sel_ends.partition_point(|&e| e <= s);
        if i == 0 { 0 } else { sel_ends[i - 1] }
    };
    let mut prev_end = 0usize;
    // End of the last number emitted: a platform label right after it is that number's
    // ("0812… (WA)"), but not one right after an amount or a code ("RM 3,200. Whatsapp: 012…").
    let mut phone_end = 0usize;
    let mut prev_info: Option<LabelInfo> = None;
    for run in &runs {
        let run_start = run.plus.unwrap_or(run.groups[0].start);
        let run_end = run.groups[run.groups.len() - 1].end;
        let floor_of = |s: usize, prev_end: usize| {
            window_start(text, s, 64).max(prev_end).max(prev_sel_end(s))
        };
        let info_at = |s: usize,
                       e: usize,
                       prev_end: usize,
                       phone_end: usize,
                       prev_info: &Option<LabelInfo>| {
            let trail = if phone_end == prev_end { prev_end } else { 0 };
            let info = label_info(text, labels, s, e, floor_of(s, prev_end), trail);
            // A list continues the previous number's labels: "Tel/WA: 081…, 089…".
            let listed = prev_end > 0
                && phone_end == prev_end
                && s >= prev_end
                && s - prev_end <= 4
                && adjacent(&text[prev_end..s]);
            match prev_info {
                Some(p) if listed && info.platforms.is_empty() && !info.phone => p.clone(),
                _ => info,
            }
        };
        let digit_count: usize = run.groups.iter().map(|g| g.end - g.start).sum();
        if digit_count < 7 {
            let info = info_at(run_start, run_end, prev_end, phone_end, &prev_info);
            let before = out.sels.len();
            short_code(&cx, out, run, &info);
            if out.sels.len() > before {
                phone_end = run_end;
            }
            prev_end = run_end;
            continue;
        }
        // Greedy: from each group, the longest segment that validates — in the plausible
        // regions first, so that a long reading valid elsewhere does not swallow two numbers.
        let n = run.groups.len();
        let mut emitted = false;
        // Work per run is bounded: adversarial digit floods must not stall a scan.
        let mut budget = MAX_ATTEMPTS;
        for mode in [Mode::Evidence, Mode::Fallback] {
            if emitted {
                break;
            }
            let mut i = 0;
            let mut last_taken: Option<usize> = None;
            while i < n && budget > 0 {
                let mut taken = None;
                // A segment starts with "+", a trunk 0, a 1 (Chinese mobiles, toll-free), a
                // plausible country code, or else needs a label; decided once per start.
                let first = &text[run.groups[i].start..run.groups[i].end];
                let opens = (i == 0 && run.plus.is_some())
                    || first.starts_with(['0', '1'])
                    || cx.codes.iter().any(|c| c.starts_with(&first[..1]))
                    || {
                        let s = if i == 0 {
                            run_start
                        } else {
                            run.groups[i].start
                        };
                        info_at(s, run_end, prev_end, phone_end, &prev_info).phone
                    };
                // Inside one token ("978-0-306-40615-7", an ISBN; "1000-0812-…"), a number
                // does not start after digits it is glued to by '-' or '.', unless those
                // digits were a number of their own.
                let glued = i > 0
                    && last_taken != Some(i - 1)
                    && !text[run.groups[i - 1].end..run.groups[i].start]
                        .chars()
                        .any(char::is_whitespace);
                if !opens || glued {
                    i += 1;
                    continue;
                }
                let mut digits_to_j = Vec::with_capacity(n - i);
                let mut acc = 0;
                for g in &run.groups[i..] {
                    acc += g.end - g.start;
                    digits_to_j.push(acc);
                    if acc > 17 {
                        break;
                    }
                }
                for (off, &d) in digits_to_j.iter().enumerate().rev() {
                    if d > 17 {
                        continue;
                    }
                    if d < 7 {
                        break;
                    }
                    let j = i + off;
                    let s = if i == 0 {
                        run_start
                    } else {
                        run.groups[i].start
                    };
                    let e = run.groups[j].end;
                    let info = info_at(s, e, prev_end, phone_end, &prev_info);
                    budget = budget.saturating_sub(1);
                    if let Some(readings) = interpret(&cx, run, i, j, &info, mode) {
                        emit(&cx, out, readings, s, e, &info);
                        prev_end = e;
                        phone_end = e;
                        prev_info = Some(info);
                        taken = Some(j);
                        emitted = true;
                        break;
                    }
                }
                if taken.is_some() {
                    last_taken = taken;
                }
                i = taken.map_or(i + 1, |j| j + 1);
            }
        }
        if !emitted {
            // Nothing valid: keep one explicit or labelled candidate, invalid.
            let mut acc = 0;
            let j = run.groups.iter().take_while(|g| {
                acc += g.end - g.start;
                acc <= 16
            });
            let j = j.count().saturating_sub(1);
            let e = run.groups[j].end;
            let info = info_at(run_start, e, prev_end, phone_end, &prev_info);
            if let Some(readings) = interpret(&cx, run, 0, j, &info, Mode::KeepInvalid) {
                emit(&cx, out, readings, run_start, e, &info);
                prev_info = Some(info);
                phone_end = run_end;
            }
        }
        prev_end = prev_end.max(run_end);
    }
}
