#!/usr/bin/env python3
"""Validate bench/selectors/testset.jsonl.

Checks, each a hard error:
  * every line is a JSON object with id (sel-NNNN, unique, in order), lang, text, expect, tags;
  * sizes: >= 320 texts, >= 35 per language (id and ms counted together), >= 40 negatives;
  * canonical forms: phone/whatsapp numbers are E.164 and valid per libphonenumber's plan
    (`phonenumbers`); handles lower-case and well-formed for their service; e-mail lower-case;
    url has a scheme, a lower-case host and no defanging left; domain is its own registrable
    domain (public-suffix list, via tldextract's bundled snapshot, offline) and every url's
    registrable domain is listed as a domain of the same text;
  * wallets: btc base58check / bech32 / bech32m, eth EIP-55 (canonical = checksummed form),
    tron base58check with 0x41, each with `valid` present and equal to what the checksum says;
  * region_ambiguous groups list exactly the regions (of MM KH LA TH VN ID MY PH CN) where the
    number is valid, or (tag `context-region`) at least two of them that the text gives
    evidence for;
  * every expected value can actually be found in its text once the text is put in a simple
    selector view (digits mapped, invisible characters dropped, refanged) - catches typos;
  * no expected phone number or wallet occurs in /work/shared/data (`--shared-data`, if present).

Warnings (printed, not fatal) flag text that *looks* like an unlisted selector, for review.

Usage: python3 check_testset.py [--testset FILE] [--shared-data DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import phonenumbers as pn
import tldextract

from walletlib import btc_valid, eth_checksum, eth_valid, tron_valid

LANGS = ["en", "id", "ms", "tl", "vi", "th", "zh", "my", "km"]
KINDS = {"phone", "telegram", "whatsapp", "line", "wechat", "signal", "zalo", "email", "url", "domain", "btc", "eth", "tron"}
ROLES = {"contact", "victim", "hotline"}
# Listed hotline short codes (crates/redflag-selectors/data/hotlines.toml), as +CC + code → code.
SHORT_CODES = {"661441": "1441", "661300": "1300", "661155": "1155", "855117": "117", "631343": "1343"}
REGIONS = ["MM", "KH", "LA", "TH", "VN", "ID", "MY", "PH", "CN"]
EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

HANDLE_RE = {
    "telegram": re.compile(r"[a-z][a-z0-9_]{3,31}"),  # 4+ allows the odd short legacy name
    "line": re.compile(r"@?[a-z0-9._-]{3,20}"),  # `@` marks an official account
    "wechat": re.compile(r"[a-z][a-z0-9_-]{5,19}"),
    "signal": re.compile(r"[a-z_][a-z0-9_]{2,31}\.[0-9]{2,9}"),
}
INVITE_RE = {
    "telegram": re.compile(r"https://t\.me/\+[A-Za-z0-9_-]{10,}"),  # joinchat/ links canonicalise to +
    "whatsapp": re.compile(r"https://chat\.whatsapp\.com/[A-Za-z0-9]{15,}"),
}
EMAIL_RE = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+")
URL_RE = re.compile(r"(https?)://([a-z0-9.-]+)(/[^\s]*)?")

# Digits of the scripts in the set (Thai, Khmer, Burmese, full-width, Arabic-Indic) to ASCII.
DIGITS = {}
for base in (0x0E50, 0x17E0, 0x1040, 0xFF10, 0x0660, 0x06F0):
    for i in range(10):
        DIGITS[chr(base + i)] = str(i)
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def selector_view(text: str) -> str:
    """A deliberately simple refang/normalise, independent of the project's normaliser."""
    t = "".join(DIGITS.get(c, c) for c in text).translate(INVISIBLE)
    # Full-width ASCII (U+FF01-FF5E) to ASCII, as the selector view's width mapping does.
    t = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in t)
    t = re.sub(r"hxxp", "http", t, flags=re.IGNORECASE)
    t = re.sub(r"\s*[\[\(\{]\s*(\.|dot)\s*[\]\)\}]\s*", ".", t, flags=re.IGNORECASE)
    t = re.sub(r"\s*[\[\(\{]\s*(@|at)\s*[\]\)\}]\s*", "@", t, flags=re.IGNORECASE)
    return t


def digit_stream(text: str) -> str:
    return re.sub(r"\D", "", selector_view(text))


def e164_ok(v: str) -> tuple[bool, pn.PhoneNumber | None]:
    if not re.fullmatch(r"\+[1-9][0-9]{6,14}", v):
        return False, None
    n = pn.parse(v)
    return pn.is_valid_number(n) and pn.format_number(n, pn.PhoneNumberFormat.E164) == v, n


def regions_valid(nsn_with_trunk: str) -> list[str]:
    out = []
    for r in REGIONS:
        try:
            n = pn.parse(nsn_with_trunk, r)
        except pn.NumberParseException:
            continue
        if pn.is_valid_number(n) and pn.region_code_for_number(n) == r:
            out.append(r)
    return out


def number_runs(view: str) -> list[str]:
    """Digit runs that could be one written phone number (separators allowed inside)."""
    return [re.sub(r"\D", "", m.group(0)) for m in re.finditer(r"\+?\d[\d\s.\-()]{5,}\d", view)]


def as_e164(run: str, region: str) -> str:
    return pn.format_number(pn.parse(run, region), pn.PhoneNumberFormat.E164)


def registrable(host: str) -> str:
    return EXTRACT(host).top_domain_under_public_suffix


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--testset", default=str(HERE / "testset.jsonl"))
    ap.add_argument("--shared-data", default="/work/shared/data")
    ap.add_argument("--quiet", action="store_true", help="hide warnings")
    args = ap.parse_args()

    errors: list[str] = []
    warnings: list[str] = []
    recs = []
    for i, line in enumerate(Path(args.testset).read_text(encoding="utf-8").splitlines(), 1):
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"line {i}: invalid JSON: {e}")
            continue
        recs.append(r)

    def err(r, msg):
        errors.append(f"{r.get('id', '?')}: {msg}")

    ids = Counter()
    for n, r in enumerate(recs, 1):
        if set(r) != {"id", "lang", "text", "expect", "tags"}:
            err(r, f"fields {sorted(r)}")
            continue
        ids[r["id"]] += 1
        if r["id"] != f"sel-{n:04d}":
            err(r, "id out of sequence")
        if r["lang"] not in LANGS:
            err(r, f"lang {r['lang']}")
        text = r["text"]
        if not text.strip() or unicodedata.normalize("NFC", text) != text:
            err(r, "empty or not NFC")
        view = selector_view(text)
        lview = view.lower()
        flat = re.sub(r"\s", "", lview)
        digits = digit_stream(text)
        neg = "negative" in r["tags"]
        if neg != (not r["expect"]):
            err(r, "negative tag must match an empty expectation")
        seen = set()
        groups: dict[str, list[str]] = {}
        domains = {e["value"] for e in r["expect"] if e["kind"] == "domain"}
        for e in r["expect"]:
            k, v = e.get("kind"), e.get("value")
            if k not in KINDS or not isinstance(v, str):
                err(r, f"bad kind/value {e}")
                continue
            if (k, v) in seen:
                err(r, f"duplicate {k} {v}")
            seen.add((k, v))
            if e.get("role") not in ROLES:
                err(r, f"bad role {e}")
            extra = set(e) - {"kind", "value", "role", "valid", "region_ambiguous", "group"}
            if extra:
                err(r, f"unknown fields {extra}")
            if k == "phone" and "short-code" in r["tags"] and re.fullmatch(r"\+\d{4,9}", v) and v[1:] in SHORT_CODES:
                if v[1:][-len(SHORT_CODES[v[1:]]):] not in digits:
                    err(r, f"short code {v} not in text")
                continue
            if k in ("phone", "whatsapp", "zalo", "signal", "line", "wechat") and v.startswith("+"):
                ok, num = e164_ok(v)
                if not ok:
                    err(r, f"{k} {v} not valid E.164")
                    continue
                nsn = pn.national_significant_number(num)
                if nsn not in digits:
                    err(r, f"{k} {v}: digits {nsn} not in text")
                if e.get("region_ambiguous"):
                    groups.setdefault(e["group"], []).append(v)
            elif k == "whatsapp":
                if not INVITE_RE["whatsapp"].fullmatch(v):
                    err(r, f"whatsapp {v} neither E.164 nor a chat invite")
                elif v.split("://", 1)[1].lower() not in flat:
                    err(r, f"invite {v} not in text")
            elif k in ("phone", "zalo"):
                err(r, f"{k} {v} not E.164")
            elif k == "telegram" and v.startswith("https://"):
                if not INVITE_RE["telegram"].fullmatch(v):
                    err(r, f"telegram invite {v} malformed")
                elif v.split("+", 1)[1] not in re.sub(r"\s", "", view):
                    err(r, f"invite {v} not in text")
            elif k in HANDLE_RE:
                if not HANDLE_RE[k].fullmatch(v):
                    err(r, f"{k} handle {v!r} malformed or not lower-case")
                elif v not in lview:
                    err(r, f"{k} {v} not in text")
            elif k == "email":
                if not EMAIL_RE.fullmatch(v):
                    err(r, f"email {v} malformed/not lower-case")
                elif v not in flat.replace("(at)", "@"):
                    err(r, f"email {v} not in text")
            elif k == "url":
                m = URL_RE.fullmatch(v)
                if not m:
                    err(r, f"url {v} malformed (scheme, lower-case host)")
                    continue
                if "[" in v or "(dot)" in v or "hxxp" in v:
                    err(r, f"url {v} still defanged")
                if v.split("://", 1)[1].lower() not in flat:
                    err(r, f"url {v} not in text")
                reg = registrable(m.group(2))
                if reg not in domains:
                    err(r, f"url {v}: registrable domain {reg} not listed")
            elif k == "domain":
                if v != v.lower() or registrable(v) != v:
                    err(r, f"domain {v} is not a registrable domain (eTLD+1 = {registrable(v)!r})")
                if (
                    v not in flat
                    and v.replace(".", ",") not in flat
                    and v.replace(".", "点") not in flat
                    and v.replace(".", "點") not in flat
                ):
                    err(r, f"domain {v} not in text")
            elif k in ("btc", "eth", "tron"):
                if "valid" not in e:
                    err(r, f"wallet {v} without `valid`")
                    continue
                real = {"btc": btc_valid, "eth": eth_valid, "tron": tron_valid}[k](v)
                if real != e["valid"]:
                    err(r, f"{k} {v}: labelled valid={e['valid']} but checksum says {real}")
                if k == "btc" and v[:3].lower() == "bc1" and e["valid"] and v != v.lower():
                    err(r, f"bech32 {v} must be lower-case")
                if k == "eth" and e["valid"] and v != eth_checksum(v):
                    err(r, f"eth {v} is not the EIP-55 form {eth_checksum(v)}")
                if k == "eth" and not e["valid"] and (v == v.lower() or v[2:] == v[2:].upper()):
                    err(r, f"broken eth {v} must be mixed-case to be detectably broken")
                if v.lower() not in lview:
                    err(r, f"{k} {v} not in text")
        nums = {(e["kind"], e["value"]) for e in r["expect"] if e["value"].startswith("+")}
        for k, v in nums:
            if k != "phone" and ("phone", v) not in nums:
                err(r, f"{k} {v}: a number on a platform is also a phone (convention)")
        for g, vals in groups.items():
            want = set()
            for run in number_runs(view):
                cands = {as_e164(run, reg) for reg in regions_valid(run)}
                if cands & set(vals):
                    want |= cands
            # Evidence in the text may narrow the candidates (README: phone); without any, the
            # group must hold every region that accepts the number.
            if not set(vals) <= want or len(vals) < 2:
                err(r, f"ambiguous group {g}: listed {sorted(vals)}, valid candidates {sorted(want)}")
            elif set(vals) != want and "context-region" not in r["tags"]:
                err(r, f"ambiguous group {g}: listed {sorted(vals)} of {sorted(want)} without `context-region`")
        if not args.quiet:
            lint(r, view, warnings)

    for i, c in ids.items():
        if c > 1:
            errors.append(f"{i}: duplicate id")

    by_lang = Counter("id/ms" if r["lang"] in ("id", "ms") else r["lang"] for r in recs)
    negs = sum("negative" in r["tags"] for r in recs)
    if len(recs) < 320:
        errors.append(f"only {len(recs)} texts")
    for lang in ["en", "id/ms", "tl", "vi", "th", "zh", "my", "km"]:
        if by_lang[lang] < 35:
            errors.append(f"only {by_lang[lang]} texts in {lang}")
    if negs < 40:
        errors.append(f"only {negs} negatives")

    errors += shared_data_overlap(recs, Path(args.shared_data))

    kinds = Counter(e["kind"] for r in recs for e in r["expect"])
    print(f"{len(recs)} texts, {negs} negatives; per language: {dict(sorted(by_lang.items()))}")
    print(f"expected selectors per kind: {dict(sorted(kinds.items()))}")
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


def lint(r: dict, view: str, warnings: list[str]) -> None:
    """Point at things that look like selectors but are not expected (for a human to judge)."""
    exp = {e["value"].lower() for e in r["expect"]}
    exp_digits = {re.sub(r"\D", "", e["value"]) for e in r["expect"] if e["kind"] in ("phone", "whatsapp")}
    for m in re.finditer(r"@\s?([A-Za-z0-9_.]{4,})", view):
        h = m.group(1).lower().rstrip(".")
        if not any(h in x for x in exp):
            warnings.append(f"{r['id']}: unlisted @{h}")
    # Digit runs that libphonenumber would accept in a plausible region.
    for m in re.finditer(r"(?<![A-Za-z0-9])\+?\d[\d\s.\-()]{6,}\d(?![A-Za-z0-9])", view):
        run = re.sub(r"\D", "", m.group(0))
        if any(run in d or d.endswith(run.lstrip("0")) for d in exp_digits):
            continue
        regs = regions_valid(run) if not m.group(0).startswith("+") else ["intl"] if e164_ok("+" + run)[0] else []
        if regs:
            warnings.append(f"{r['id']}: unlisted number-like {m.group(0)!r} valid in {regs}")


def shared_data_overlap(recs: list[dict], root: Path) -> list[str]:
    """Our numbers and wallets must be invented: none may occur in the shared datasets."""
    if not root.is_dir():
        return []
    needles = {}
    for r in recs:
        for e in r["expect"]:
            if e["kind"] in ("phone", "whatsapp") and e["value"].startswith("+"):
                nsn = pn.national_significant_number(pn.parse(e["value"]))
                needles[nsn] = (r["id"], e["value"])
            elif e["kind"] in ("btc", "eth", "tron"):
                needles[e["value"].lower()] = (r["id"], e["value"])
    out = []
    for f in sorted(root.rglob("*")):
        if not f.is_file() or f.stat().st_size > 200_000_000:
            continue
        data = f.read_bytes().decode("utf-8", "replace").lower()
        # Digit runs with the usual separators removed, indexed by their last 7 digits.
        runs: dict[str, set[str]] = {}
        for run in re.findall(r"\d{7,}", re.sub(r"[ .\-()]", "", data)):
            runs.setdefault(run[-7:], set()).add(run)
        for nd, (rid, v) in needles.items():
            if nd.isdigit():
                if any(run.endswith(nd) for run in runs.get(nd[-7:], ())):
                    out.append(f"{rid}: {v} occurs in {f}")
            elif nd in data:
                out.append(f"{rid}: {v} occurs in {f}")
    return out


if __name__ == "__main__":
    sys.exit(main())
