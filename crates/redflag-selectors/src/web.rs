//! URLs, domains and e-mail addresses.
//!
//! One ASCII regex finds, in a single pass, links with a scheme, e-mail addresses, bare host
//! names (`jobs-kh.com`, `www.x.com/path`) and the comma form seen in Philippine SMS
//! (`pinaswin,com`). Bare host names must end in a known public suffix. Only the usual suspects
//! (`.com`, `.net`, `.org`, `.info`, `.xyz` …, multi-label suffixes like `.co.th`, and two-letter
//! country codes that are not words) pass on that alone; any other ending (`.live`, `.promo`,
//! `.me`, `.it`, `.py` …), or one written with a capital after the dot, needs more evidence — a
//! digit or hyphen in the name, a path, `www.`, or a web label before it ("Web:", เว็บ, 网址) —
//! because SMS often drops the space after a full stop ("thanks.it was", "AGAIN.call me").
//!
//! Links to messaging platforms (`t.me/…`, `wa.me/…`, `line.me/…`) become selectors of that
//! platform instead of URLs (see `handles::platform_link`): the domain names the platform, not
//! the actor, and would only make a hub.

use std::sync::LazyLock;

use regex::Regex;

use crate::handles;
use crate::labels::{Label, Labels};
use crate::scan::{Out, char_at, char_before};
use crate::{Kind, Role, Selector, Validation};

static WEB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi-u)
          (?:https?|ftp|tg|line)://[a-z0-9\-._~:/?\#\[\]@!$&()*+,;=%']+
        | (?:[a-z0-9._%+\-]{1,64}@[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?)+)
        | (?:(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9\-]{1,23}
              (?::[0-9]{2,5})?(?:[/?\#][a-z0-9\-._~:/?\#\[\]@!$&()*+,;=%']*)?)
        | (?:[a-z0-9][a-z0-9\-]{2,62},(?:com|net|org|info|xyz|vip|ph))",
    )
    .expect("static regex")
});

/// Longer top-level domains commonly written bare ("jobs-kh.com"); any other gTLD (`.live`,
/// `.promo`, `.call` …) is also an English word often enough to need more evidence.
const BARE_TLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "xyz", "vip", "mobi", "asia", "gov", "edu", "int",
];

/// Two-letter country codes that are also everyday words or abbreviations in our languages
/// ("me", "my", "it", Indonesian "sy", "yg" …) or file extensions (`.py`, `.rs`, `.sh`).
const WORDY_CC: &[&str] = &[
    "ai", "am", "an", "as", "at", "be", "by", "co", "do", "ga", "go", "he", "hi", "id", "if", "im",
    "in", "is", "it", "la", "ma", "md", "me", "ml", "mo", "my", "na", "ne", "no", "ok", "pa", "pe",
    "pl", "pm", "ps", "py", "re", "rs", "sa", "sh", "so", "sy", "tk", "to", "tv", "us", "ws",
];

/// Whether a web label ("Web:", "URL", เว็บ, 网址 …) ends within 32 bytes before `pos`.
fn web_label_before(labels: &Labels, text: &str, pos: usize) -> bool {
    let floor = crate::scan::floor_boundary(text, pos.saturating_sub(32));
    labels.before(pos, floor).any(|h| h.label == Label::Web)
}

/// Strip trailing punctuation that ends sentences rather than URLs; keep balanced `)`.
fn trim_url(s: &str) -> &str {
    let mut s = s;
    loop {
        let Some(last) = s.chars().next_back() else {
            return s;
        };
        let strip = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' | ']' | '}' => true,
            ')' => s.matches('(').count() < s.matches(')').count(),
            _ => false,
        };
        if !strip {
            return s;
        }
        s = &s[..s.len() - 1];
    }
}

/// Which alternative of [`WEB`] matched, read off the match itself (cheaper than captures:
/// alternatives are tried in order, so a scheme wins over e-mail, e-mail over a host name).
enum Shape {
    Scheme,
    Email,
    Host,
    Comma,
}

fn shape(m: &str) -> Shape {
    let head = m.find(['/', '?', '#']).unwrap_or(m.len());
    if m[..head].ends_with(':') && m[head..].starts_with("//") {
        Shape::Scheme
    } else if m
        .find('@')
        .is_some_and(|at| !m[..at].contains(['/', '?', '#', ':']))
    {
        Shape::Email
    } else if m.find(',').is_some_and(|c| !m[..c].contains('.')) {
        Shape::Comma
    } else {
        Shape::Host
    }
}

/// The bytes [`WEB`] can match: every match is a run of them (the classes are ASCII, without
/// whitespace, and there are no anchors or look-arounds).
const fn web_bytes() -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric();
        b += 1;
    }
    let extra = b"-._~:/?#[]@!$&()*+,;=%'";
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    t
}
static WEB_BYTES: [bool; 256] = web_bytes();

/// The maximal runs of [`WEB_BYTES`] that hold a `.`, `,` or `:` (every alternative of [`WEB`]
/// needs one): searching them one by one finds exactly the matches a search of the whole text finds,
/// and most of a text (words, spaces, other scripts) is never handed to the regex.
fn web_runs(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            while i < b.len() && !WEB_BYTES[b[i] as usize] {
                i += 1;
            }
            let start = i;
            let mut punct = false;
            while i < b.len() && WEB_BYTES[b[i] as usize] {
                punct |= matches!(b[i], b'.' | b',' | b':');
                i += 1;
            }
            if punct {
                return Some((start, i));
            }
        }
        None
    })
}

pub(crate) fn extract(text: &str, labels: &Labels, out: &mut Out) {
    let matches = web_runs(text).flat_map(|(a, b)| {
        WEB.find_iter(&text[a..b])
            .map(move |m| (a + m.start(), m.as_str()))
    });
    for (start, raw) in matches {
        match shape(raw) {
            Shape::Scheme => {
                let raw = trim_url(raw);
                if raw.len() > raw.find("://").map_or(0, |p| p + 3) {
                    link(text, start, raw, true, out);
                }
            }
            Shape::Email => email(start, raw, out),
            Shape::Host => {
                if char_before(text, start)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || "@._-/".contains(c))
                {
                    continue;
                }
                let raw = trim_url(raw);
                if accept_bare(raw, labels, text, start) {
                    link(text, start, raw, false, out);
                }
            }
            Shape::Comma => {
                let glued = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                if glued(char_before(text, start)) || glued(char_at(text, start + raw.len())) {
                    continue; // "HOUSEKEEPER,COMMIS"
                }
                link(text, start, raw, false, out);
            }
        }
    }
}

/// The host part of a bare match (`host[:port][/path]`), lower-cased, commas read as dots.
fn bare_host(raw: &str) -> String {
    let end = raw.find([':', '/', '?', '#']).unwrap_or(raw.len());
    raw[..end].to_ascii_lowercase().replace(',', ".")
}

fn accept_bare(raw: &str, labels: &Labels, text: &str, start: usize) -> bool {
    let host = bare_host(raw);
    let Some(domain) = psl::domain(host.as_bytes()) else {
        return false;
    };
    let suffix = domain.suffix();
    if !suffix.is_known() {
        return false;
    }
    let suffix = std::str::from_utf8(suffix.as_bytes()).unwrap_or("");
    let sld = &host[..host.len() - suffix.len() - 1];
    let sld = sld.rsplit('.').next().unwrap_or(sld);
    let tld = suffix.rsplit('.').next().unwrap_or(suffix);
    // "berlaku.Promo", "AGAIN.call": a capital after the dot starts a sentence.
    let written_tld = &raw[host.len() - tld.len()..host.len()];
    let sentence = written_tld.starts_with(|c: char| c.is_ascii_uppercase())
        && !raw[..host.len()].bytes().all(|b| !b.is_ascii_lowercase());
    let common = if tld.len() == 2 {
        !WORDY_CC.contains(&tld)
    } else {
        BARE_TLDS.contains(&tld)
    };
    if host.starts_with("www.") {
        return true;
    }
    if sentence {
        return false; // "Services.Today", "B.Tech/B.E."
    }
    if suffix.contains('.') || common {
        return true;
    }
    let has_path = raw.len() > host.len();
    has_path
        || (sld.bytes().any(|b| b.is_ascii_digit() || b == b'-')
            && sld.bytes().any(|b| b.is_ascii_alphabetic()))
        || web_label_before(labels, text, start)
        || handles::is_platform_host(&host)
}

/// Emit a link: a platform selector, or a URL plus its registrable domain — or, for a bare host
/// name written without scheme or path (`jobs-kh.com`, `www.x.com`, `pinaswin,com`), the domain
/// alone: a URL would repeat it and add only a guessed scheme. A link written without a scheme
/// gets `https://`, as a browser would open it.
fn link(text: &str, start: usize, raw: &str, has_scheme: bool, out: &mut Out) {
    let end = start + raw.len();
    debug_assert!(text.is_char_boundary(end));
    let fixed;
    let as_url = if has_scheme {
        raw
    } else {
        fixed = format!("https://{}", raw.replacen(',', ".", 1));
        &fixed
    };
    let host_len = raw.find(['/', '?', '#']).unwrap_or(raw.len());
    let bare_domain =
        !has_scheme && !raw[..host_len].contains(':') && raw[host_len..].bytes().all(|b| b == b'/');
    let parsed = url::Url::parse(as_url).ok();
    out.claim(start, end);
    if let Some(u) = &parsed
        && let Some(sels) = handles::platform_link(u, start, end)
    {
        for s in sels {
            out.push(s);
        }
        return;
    }
    let base = Selector {
        kind: Kind::Url,
        value: raw.to_string(),
        start,
        end,
        valid: false,
        role: Role::Contact,
        ambiguous: false,
        validation: Validation::PublicSuffix,
        region: None,
    };
    let Some(u) = parsed else {
        out.push(base);
        return;
    };
    let host = u.host_str().unwrap_or("").to_string();
    let registrable = match u.host() {
        // A host with an empty label ("https://..com") has no registrable domain.
        Some(url::Host::Domain(d)) if d.split('.').all(|l| !l.is_empty()) => {
            psl::domain(d.as_bytes())
                .filter(|d| d.suffix().is_known())
                .and_then(|d| std::str::from_utf8(d.as_bytes()).ok().map(str::to_string))
        }
        _ => None,
    };
    if !(bare_domain && registrable.is_some()) {
        out.push(Selector {
            value: u.to_string(),
            valid: registrable.is_some(),
            ..base.clone()
        });
    }
    if let Some(reg) = registrable {
        let (ds, de) =
            host_span(raw, &host, &reg).map_or((start, end), |(s, e)| (start + s, start + e));
        out.push(Selector {
            kind: Kind::Domain,
            value: reg,
            start: ds,
            end: de,
            valid: true,
            ..base
        });
    }
}

/// Where the registrable domain sits inside the raw link text, if it is written there in ASCII.
fn host_span(raw: &str, host: &str, reg: &str) -> Option<(usize, usize)> {
    let after = raw.find("://").map_or(0, |p| p + 3);
    let rest = &raw[after..];
    let host_end = after + rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let auth = &raw[after..host_end];
    let host_start = after + auth.rfind('@').map_or(0, |p| p + 1);
    let written = &raw[host_start..host_end];
    let written = written
        .split(':')
        .next()
        .unwrap_or(written)
        .replace(',', ".");
    if !written.eq_ignore_ascii_case(host) {
        return None;
    }
    let s = host_start + written.len() - reg.len();
    Some((s, s + reg.len()))
}

fn email(start: usize, raw: &str, out: &mut Out) {
    let end = start + raw.len();
    // A trailing dot or hyphen belongs to the sentence.
    let raw = raw.trim_end_matches(['.', '-']);
    let end = end - (end - start - raw.len());
    let Some((local, domain)) = raw.rsplit_once('@') else {
        return;
    };
    let value = raw.to_ascii_lowercase();
    let dom = domain.to_ascii_lowercase();
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let domain_ok =
        dom.len() <= 253 && psl::domain(dom.as_bytes()).is_some_and(|d| d.suffix().is_known());
    out.claim(start, end);
    out.push(Selector {
        kind: Kind::Email,
        value,
        start,
        end,
        valid: local_ok && domain_ok && raw.len() <= 254,
        role: Role::Contact,
        ambiguous: false,
        validation: Validation::PublicSuffix,
        region: None,
    });
}

/// Top-level domains written after 点/點 ("dot") in Chinese ads: `xgzp88点com`.
const DIAN_TLDS: &[&str] = &[
    "com", "net", "org", "cc", "vip", "xyz", "top", "info", "cn", "hk", "tw", "me", "co", "io",
];

/// Domains with the dot written as 点 or 點 (`xgzp88点com`, `tw-job88點com`): ASCII name, the
/// character, a listed top-level domain not running on into letters. The domain alone is
/// emitted (such texts give no scheme or path).
pub(crate) fn dian(text: &str, out: &mut Out) {
    let b = text.as_bytes();
    for dot in ["点", "點"] {
        for (i, _) in text.match_indices(dot) {
            let mut s = i;
            while s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'-') {
                s -= 1;
            }
            let after = i + dot.len();
            let mut e = after;
            while e < b.len() && b[e].is_ascii_alphabetic() {
                e += 1;
            }
            let name = &text[s..i];
            let tld = text[after..e].to_ascii_lowercase();
            if name.len() < 2
                || !name.bytes().any(|c| c.is_ascii_alphabetic())
                || name.starts_with('-')
                || name.ends_with('-')
                || !DIAN_TLDS.contains(&tld.as_str())
                || (e < b.len() && b[e].is_ascii_digit())
                || out.is_claimed(s, e)
            {
                continue;
            }
            let domain = format!("{}.{tld}", name.to_ascii_lowercase());
            let Some(reg) = psl::domain(domain.as_bytes())
                .filter(|d| d.suffix().is_known())
                .and_then(|d| std::str::from_utf8(d.as_bytes()).ok().map(str::to_string))
            else {
                continue;
            };
            out.claim(s, e);
            out.push(Selector {
                kind: Kind::Domain,
                value: reg,
                start: s,
                end: e,
                valid: true,
                role: Role::Contact,
                ambiguous: false,
                validation: Validation::PublicSuffix,
                region: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs_find_what_the_whole_text_finds() {
        for text in [
            "see https://jobs-kh.com/a?b=1, or mail hr@job.co.th. WA: wa.me/855123 pinaswin,com",
            "ติดต่อ line://ti/p/~abc และ www.x.com 你好 a@b.c",
            "no links here at all",
            "end. of: sentence, x@y Gaji:10jt tg://resolve?domain=x",
        ] {
            let whole: Vec<(usize, &str)> = super::WEB
                .find_iter(text)
                .map(|m| (m.start(), m.as_str()))
                .collect();
            let runs: Vec<(usize, &str)> = super::web_runs(text)
                .flat_map(|(a, b)| {
                    super::WEB
                        .find_iter(&text[a..b])
                        .map(move |m| (a + m.start(), m.as_str()))
                })
                .collect();
            assert_eq!(whole, runs, "{text}");
            assert!(!whole.is_empty() || text.starts_with("no"));
        }
    }
}
