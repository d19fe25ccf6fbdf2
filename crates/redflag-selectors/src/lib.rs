//! Extraction and validation of contact *selectors* — phone numbers, messaging handles, e-mail
//! addresses, URLs and domains, crypto wallets — from the selector view of a text.
//!
//! # Input
//! [`extract`] expects the *selector view* produced by `redflag-text`: digits of every script are
//! already ASCII, defanged forms are refanged (`hxxps://a[.]com` → `https://a.com`) and zero-width
//! characters are gone, but case and look-alike letters are kept (base58 and EIP-55 depend on
//! them). Obfuscation by spacing and punctuation is still present and handled here:
//! `+855 (0)97 234 5678`, `0 9 7 2 3 4 5 6 7 8`, `t e l e: @ j0b_thai`, `pinaswin,com`.
//!
//! # Pipeline
//! 1. One byte pass computes cheap features (digits, `@`, `.`, long alphanumeric tokens); each
//!    extractor below runs only when its feature is present.
//! 2. One Aho-Corasick pass finds every *label* (platform names, phone words, hotline words,
//!    place names) in all eight languages; labels give handles their platform, phone numbers
//!    their platform and role, and local numbers their region.
//! 3. Candidates come from patterns (one regex for links and e-mail, a token scan for wallets, a
//!    hand-written digit-run scanner for phones) and are then validated against maintained
//!    libraries: libphonenumber's metadata from `phonenumber` (its patterns compiled once here,
//!    since the crate's own shared regex cache thrashes), `bech32` (BIP-173/BIP-350), `bs58`
//!    (Base58Check), `sha3` (EIP-55 Keccak-256), `url` and `psl` (public-suffix list).
//! 4. Invalid candidates that still look like their kind are kept with `valid = false`; nothing
//!    that was recognised is silently dropped, and nothing is guessed silently: a local phone
//!    number valid in several plausible regions, or a bare `@handle` whose platform is unknown,
//!    yields one selector per reading, each marked [`Selector::ambiguous`].
//!
//! # Rules worth knowing
//! - **Region of a local number** (no country code): the plausible regions are the caller's
//!   [`Context::default_region`], the countries of the text's international numbers, the places
//!   it names (Poipet, ปอยเปต, 妙瓦底 … in all scripts) and its languages ([`SEA_REGIONS`]). The
//!   number is read in each; valid in one → that region, in several → one ambiguous selector
//!   each. Valid in none: the other SEA regions are tried when the text gives no evidence, or
//!   when the number is labelled and has 9+ digits. A Zalo label means Vietnam.
//! - **Numbers on platforms**: `wa.me/…`, `zalo.me/…`, `signal.me/#p/…` and labelled numbers
//!   ("WhatsApp: +66…", "Zalo 09…", "(WA)" after it) give a platform selector whose value is the
//!   E.164 number **and** a phone selector with the same value and span, so that one number
//!   links documents across platforms. LINE and WeChat labels do the same (both find contacts by
//!   number); a digit-only "LINE ID" that is no valid number stays a LINE ID. A Telegram label
//!   adds only the phone.
//! - **Platform links** (`t.me`, `wa.me`, `line.me`, `lin.ee`, `chat.whatsapp.com`, `zalo.me`,
//!   `signal.me` …) become platform selectors, not `url`/`domain`: their domain names the
//!   platform, not the actor. Unrecognised paths on those hosts stay URLs.
//! - **Bare `@handles`**: a platform label just before decides; otherwise the platforms the text
//!   names; otherwise an ambiguous Telegram reading (and LINE in Thai text) when the handle has
//!   valid syntax; another social network's label means it is not ours. An `@` inside an e-mail
//!   address is never a handle.
//! - **E-mail** values are lower-cased whole (providers treat local parts case-insensitively;
//!   linking should not split on case); dots and `+tags` are kept.
//! - **URLs** are normalised by the `url` crate; bare host names count only with a known public
//!   suffix, and word-like endings (`.live`, `.me`, `.it` …) need more evidence (a digit or
//!   hyphen, a path, `www.`, a "Web:" label); a capital after the dot ("Services.Today") marks a
//!   sentence, not a host. The comma form `name,com` is read for common TLDs.
//! - **Role** `hotline`: a number listed in `data/hotlines.toml` (with sources), or one named as
//!   an embassy's, police or anti-trafficking line; a generic "Hotline:" alone is not enough,
//!   because Vietnamese and Thai recruiters label their own numbers that way. Listed short codes
//!   (`1300`, `117`) are extracted only after a phone, hotline or official label, with value
//!   `+CC` followed by the code.
//! - **Not phones**: dates, year ranges, thousands-grouped amounts, amounts next to a currency,
//!   digits glued to letters (tracking codes, IBANs), USSD codes (`*110#`), numbers right after
//!   "order", "OTP", "account" …, and digits inside links, e-mail addresses and wallets.
//!
//! # Example
//! ```
//! use redflag_selectors::{extract, Context, Kind};
//!
//! let text = "Việc nhẹ lương cao! Zalo: 0912 345 678, TG: @j0b_thai";
//! let sels = extract(text, &Context { langs: &["vi"], ..Default::default() });
//! let phone = sels.iter().find(|s| s.kind == Kind::Phone).unwrap();
//! assert_eq!(phone.value, "+84912345678");
//! assert!(phone.valid);
//! assert_eq!(&text[phone.start..phone.end], "0912 345 678");
//! assert!(sels.iter().any(|s| s.kind == Kind::Zalo && s.value == "+84912345678"));
//! assert!(sels.iter().any(|s| s.kind == Kind::Telegram && s.value == "j0b_thai"));
//! ```
#![warn(missing_docs)]

mod handles;
mod hotline;
mod labels;
mod phone;
mod plan;
mod region;
mod scan;
pub mod wallets;
mod web;

use serde::{Deserialize, Serialize};

pub use region::SEA_REGIONS;

/// Selector kinds. What `valid` means differs per kind; see [`Validation`].
///
/// | kind | canonical `value` | `valid` means |
/// |---|---|---|
/// | `phone` | E.164 (`+66812345678`); listed short hotline codes as `+CC` + code | valid in the numbering plan (libphonenumber metadata) |
/// | `telegram` | lower-case username, or the invite URL `https://t.me/+HASH` | username/invite syntax |
/// | `whatsapp` | E.164 of the account's number, or the invite/channel URL | numbering plan, or invite syntax |
/// | `line` | lower-case LINE ID, `@id` for official accounts, or the link URL | LINE ID syntax |
/// | `wechat` | lower-case WeChat ID (or E.164 when given as a number) | WeChat ID syntax |
/// | `signal` | E.164, or lower-case `nickname.NN` username, or the link URL | numbering plan, or username syntax |
/// | `zalo` | E.164 of the account's number, or the group/link URL | numbering plan |
/// | `email` | lower-cased address | syntax and a registrable domain under the public-suffix list |
/// | `url` | URL normalised by the `url` crate | parses and its host has a public suffix |
/// | `domain` | registrable domain (eTLD+1), ASCII/punycode | has a known public suffix |
/// | `btc` | as given (bech32 lower-cased) | Base58Check (P2PKH/P2SH) or BIP-350 bech32/bech32m checksum |
/// | `eth` | EIP-55 checksummed form | mixed case matches EIP-55; single-case has no checksum to check |
/// | `tron` | as given | Base58Check with version byte 0x41 |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A telephone number.
    Phone,
    /// A Telegram username or invite link.
    Telegram,
    /// A WhatsApp account (by number) or invite/channel link.
    Whatsapp,
    /// A LINE ID, official account or link.
    Line,
    /// A WeChat ID.
    Wechat,
    /// A Signal number, username or link.
    Signal,
    /// An e-mail address.
    Email,
    /// A URL.
    Url,
    /// A registrable domain.
    Domain,
    /// A Bitcoin address.
    Btc,
    /// An Ethereum (EVM) address.
    Eth,
    /// A TRON address.
    Tron,
    /// A Zalo account (by number) or link; Zalo is the main messenger in Vietnam.
    Zalo,
}

impl Kind {
    /// The serialised (lower-case) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Phone => "phone",
            Kind::Telegram => "telegram",
            Kind::Whatsapp => "whatsapp",
            Kind::Line => "line",
            Kind::Wechat => "wechat",
            Kind::Signal => "signal",
            Kind::Email => "email",
            Kind::Url => "url",
            Kind::Domain => "domain",
            Kind::Btc => "btc",
            Kind::Eth => "eth",
            Kind::Tron => "tron",
            Kind::Zalo => "zalo",
        }
    }
}

/// Whose selector this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A recruiter's or scammer's contact (the default).
    Contact,
    /// A victim's own selector; decided by the caller (rescue pleas, screenings), never here.
    Victim,
    /// A public hotline: a number in `data/hotlines.toml`, or one labelled as an embassy's,
    /// police's or anti-trafficking line in the text.
    Hotline,
}

/// What `valid` was checked against, for one selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validation {
    /// The phone number is valid in its country's numbering plan (libphonenumber metadata).
    NumberingPlan,
    /// A short hotline code listed in `data/hotlines.toml` (short codes are outside E.164).
    ShortCode,
    /// Syntax only: the platform's rules for IDs, usernames or invite codes; for an
    /// all-lower or all-upper ETH address, the hex syntax (it carries no checksum).
    Syntax,
    /// A checksum: Base58Check, bech32/bech32m (BIP-173/BIP-350) or EIP-55 mixed case.
    Checksum,
    /// The URL parses and its host (or the e-mail's domain) has a known public suffix.
    PublicSuffix,
}

/// One extracted selector; `start..end` are byte offsets into the text given to [`extract`]
/// and always lie on `char` boundaries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selector {
    /// The kind.
    pub kind: Kind,
    /// The canonical value (see [`Kind`]).
    pub value: String,
    /// Start of the raw span (bytes).
    pub start: usize,
    /// End of the raw span (bytes, exclusive).
    pub end: usize,
    /// Whether the candidate validated; what that means is in `validation`.
    pub valid: bool,
    /// Whose selector this is.
    pub role: Role,
    /// Not determined by evidence: one of several readings of the same span (a local number
    /// valid in more than one plausible region, a bare `@handle` on an unknown platform — the
    /// other readings are emitted beside it with the same span), or a reading in a region the
    /// text gives no hint of.
    pub ambiguous: bool,
    /// What `valid` was checked against.
    pub validation: Validation,
    /// ISO 3166 region of a phone number (also on platform selectors addressed by number).
    pub region: Option<String>,
}

impl Selector {
    /// A minimal text that extracts back to this selector (same kind and value): the value
    /// itself for phones, e-mail, URLs and wallets, a link for domains, and a labelled or linked
    /// form for handles (`t.me/handle`, `WeChat: id`, `wa.me/<number>` …).
    pub fn canonical_text(&self) -> String {
        let digits = || self.value.trim_start_matches('+').to_string();
        let is_number = self.value.starts_with('+');
        let is_link = self.value.starts_with("https://");
        match self.kind {
            Kind::Phone if self.validation == Validation::ShortCode => {
                let region = self.region.as_deref().unwrap_or("");
                let cc = region::country_code(region)
                    .map(|c| c.to_string())
                    .unwrap_or_default();
                let code = digits()
                    .strip_prefix(cc.as_str())
                    .map(str::to_string)
                    .unwrap_or_else(digits);
                format!(
                    "Hotline {code} ({})",
                    region::english_name(region).unwrap_or(region)
                )
            }
            Kind::Telegram if is_link => self.value.clone(),
            Kind::Telegram => format!("t.me/{}", self.value),
            Kind::Whatsapp if is_number => format!("wa.me/{}", digits()),
            Kind::Zalo if is_number => format!("zalo.me/{}", digits()),
            Kind::Signal if is_number => format!("signal.me/#p/{}", self.value),
            Kind::Line if self.value.starts_with('@') => format!("line.me/R/ti/p/{}", self.value),
            Kind::Line if is_number => format!("LINE: {}", self.value),
            Kind::Line if !is_link => format!("line.me/ti/p/~{}", self.value),
            Kind::Wechat if !is_link => format!("WeChat: {}", self.value),
            Kind::Signal if !is_link => format!("Signal: {}", self.value),
            // A bare name ending in a word-like suffix needs more than itself (see `web`).
            Kind::Domain => format!("https://{}/", self.value),
            _ => self.value.clone(),
        }
    }
}

/// Hints from the caller.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    /// Language codes of the text (ISO 639-1, e.g. `th`, `vi`, `km`), main first. They hint at
    /// the region of local phone numbers (see [`SEA_REGIONS`]).
    pub langs: &'a [&'a str],
    /// A region known for the source (ISO 3166 alpha-2, e.g. `KH`), such as the country of the
    /// reporting partner; taken as evidence for local phone numbers like the text's own hints.
    pub default_region: Option<&'a str>,
}

/// Extract selectors from a selector-view text, ordered by span then kind.
///
/// Never panics; spans lie inside `text` on `char` boundaries.
pub fn extract(text: &str, ctx: &Context) -> Vec<Selector> {
    let feats = scan::Features::of(text);
    if feats.is_empty() {
        return Vec::new();
    }
    let labels = labels::Labels::find(text, &feats);
    let mut out = scan::Out::new(text);
    if feats.wallet_tokens {
        wallets::extract(text, &mut out);
    }
    // A scheme link may hold none of those: `line://ti/p/~id`, `tg://resolve?domain=x`.
    if feats.dot
        || feats.comma
        || feats.at
        || memchr::memmem::find(text.as_bytes(), b"://").is_some()
    {
        web::extract(text, &labels, &mut out);
    }
    if feats.non_ascii && feats.letters {
        web::dian(text, &mut out);
    }
    if !labels.is_empty() || feats.at {
        handles::extract(text, ctx.langs, &labels, &mut out);
    }
    if feats.dot {
        handles::signal_shaped(text, &labels, &mut out);
    }
    if feats.digits {
        phone::extract(text, ctx, &labels, &mut out);
    }
    out.finish()
}

/// Invariant checks shared by the fuzz target and the corpus replay test; not a stable API.
#[doc(hidden)]
pub mod fuzzing {
    use super::{Context, extract};

    const LANGS: &[&str] = &["en", "th", "vi", "zh", "my", "km", "id", "ms", "tl"];
    const REGIONS: &[&str] = &["TH", "KH", "MM", "VN", "PH", "xx"];

    /// Decode a fuzz input (first byte: languages and region; rest: text, lossy UTF-8), run
    /// [`extract`] and panic if an output invariant is broken.
    pub fn check(data: &[u8]) {
        let (cfg, rest) = data.split_first().map_or((0, &[][..]), |(c, r)| (*c, r));
        let text = String::from_utf8_lossy(rest);
        let langs: Vec<&str> = (0..LANGS.len())
            .filter(|i| cfg & (1 << (i % 8)) != 0)
            .map(|i| LANGS[i])
            .collect();
        let region = (cfg >> 5 != 0).then(|| REGIONS[(cfg >> 5) as usize % REGIONS.len()]);
        let ctx = Context {
            langs: &langs[..langs.len().min(3)],
            default_region: region,
        };
        let sels = extract(&text, &ctx);
        let mut last = 0;
        for s in &sels {
            assert!(
                s.start < s.end && s.end <= text.len(),
                "span out of bounds: {s:?}"
            );
            assert!(
                text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
                "span splits a char: {s:?}"
            );
            assert!(s.start >= last, "not ordered by span: {s:?}");
            last = s.start;
            assert!(!s.value.is_empty(), "empty value: {s:?}");
            if s.valid && s.validation == super::Validation::NumberingPlan {
                assert!(
                    s.value.starts_with('+') && s.value[1..].bytes().all(|b| b.is_ascii_digit()),
                    "{s:?}"
                );
            }
        }
        assert_eq!(sels, extract(&text, &ctx), "not deterministic");
    }
}
