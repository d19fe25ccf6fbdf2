#!/usr/bin/env python3
"""Build testset.jsonl from the hand-written sources in src/*.txt and wallets.json.

The sources are plain text so that texts in eight scripts stay readable and reviewable:

    === [lang=ms] [neg] tag tag ...      starts a record (lang defaults to the file's name)
    text, one or more lines
    ---
    kind value [role=contact|victim|hotline] [valid=false] [amb=GROUP]

Placeholders, in texts and values:  {zwsp} {zwnj} {zwj} {wj} {nbsp} {shy}  invisible characters;
{w:NAME} a wallet from wallets.json (in a value: its canonical form, with `valid` taken from the
file), {w:NAME|upper} / {w:NAME|lower} the address written in that case.  A record without
expectation lines is a negative and must carry the `neg` tag.  Ids are assigned in file order.

Usage: python3 build_testset.py   (writes testset.jsonl next to this script)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from walletlib import eth_checksum

ORDER = ["en", "id", "tl", "vi", "th", "zh", "my", "km"]
INVISIBLE = {"zwsp": "\u200b", "zwnj": "\u200c", "zwj": "\u200d", "wj": "\u2060", "nbsp": "\u00a0", "shy": "\u00ad"}
PLACEHOLDER = re.compile(r"\{(zwsp|zwnj|zwj|wj|nbsp|shy|w:[a-z0-9_]+(?:\|upper|\|lower)?)\}")
ROLES = {"contact", "victim", "hotline"}


def wallet_written(w: dict, case: str | None) -> str:
    a = w["address"]
    if case == "upper":
        # Only bech32 (QR-code style) and Ethereum (no checksum) may be written in one case.
        return a.upper() if w["kind"] == "btc" else "0x" + a[2:].upper()
    if case == "lower":
        return a.lower()
    return a


def wallet_canonical(w: dict) -> str:
    a = w["address"]
    if not w["valid"]:
        return a  # nothing to canonicalise a failed checksum to: keep it as written
    if w["kind"] == "btc" and a[:3].lower() == "bc1":
        return a.lower()
    if w["kind"] == "eth":
        return eth_checksum(a)
    return a


def expand(s: str, wallets: dict, canonical: bool, used: set) -> str:
    def sub(m: re.Match) -> str:
        tok = m.group(1)
        if tok in INVISIBLE:
            return INVISIBLE[tok]
        name, _, case = tok[2:].partition("|")
        if name not in wallets:
            raise SystemExit(f"unknown wallet {name}")
        used.add(name)
        return wallet_canonical(wallets[name]) if canonical else wallet_written(wallets[name], case or None)

    return PLACEHOLDER.sub(sub, s)


def parse_file(path: Path, wallets: dict, used: set) -> list[dict]:
    default_lang = path.stem
    records: list[dict] = []
    cur: dict | None = None
    part = "text"
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("==="):
            if cur:
                records.append(cur)
            tags, lang, neg = [], default_lang, False
            for tok in line[3:].split():
                if tok.startswith("lang="):
                    lang = tok[5:]
                elif tok == "neg":
                    neg = True
                else:
                    tags.append(tok)
            cur = {"lang": lang, "neg": neg, "tags": tags, "text": [], "expect": [], "where": f"{path.name}:{lineno}"}
            part = "text"
            continue
        if cur is None:
            continue  # header comments
        if part == "text":
            if line == "---":
                part = "expect"
            else:
                cur["text"].append(line)
            continue
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        kind, value, *opts = line.split()
        e: dict = {"kind": kind, "value": expand(value, wallets, True, used)}
        m = re.fullmatch(r"\{w:([a-z0-9_]+)(?:\|\w+)?\}", value)
        if m:
            e["valid"] = wallets[m.group(1)]["valid"]
        role = "contact"
        for o in opts:
            k, _, v = o.partition("=")
            if k == "role" and v in ROLES:
                role = v
            elif k == "valid" and v in ("true", "false"):
                e["valid"] = v == "true"
            elif k == "amb":
                e["region_ambiguous"] = True
                e["group"] = v
            else:
                raise SystemExit(f"{cur['where']}: bad option {o!r}")
        e["role"] = role
        cur["expect"].append(e)
    if cur:
        records.append(cur)
    for r in records:
        while r["text"] and not r["text"][-1].strip():
            r["text"].pop()
        r["text"] = expand("\n".join(r["text"]), wallets, False, used)
        if r["neg"] != (not r["expect"]):
            raise SystemExit(f"{r['where']}: `neg` tag and empty expectation must go together")
    return records


def main() -> int:
    wallets = json.loads((HERE / "wallets.json").read_text(encoding="utf-8"))
    # The second batch's addresses (another seed) are named b2_<name>.
    b2 = json.loads((HERE / "wallets_b2.json").read_text(encoding="utf-8"))
    wallets.update({f"b2_{k}": v for k, v in b2.items()})
    used: set = set()
    records: list[dict] = []
    for lang in ORDER:
        records += parse_file(HERE / "src" / f"{lang}.txt", wallets, used)
    # Batch 2: written after the extractor was fixed against batch 1, to test those fixes on
    # texts they were not made from (tagged `batch2`; ids follow batch 1, so its ids are stable).
    for lang in ORDER:
        path = HERE / "src" / "b2" / f"{lang}.txt"
        if path.exists():
            for r in parse_file(path, wallets, used):
                r["tags"].append("batch2")
                records.append(r)
    with (HERE / "testset.jsonl").open("w", encoding="utf-8") as f:
        for i, r in enumerate(records, 1):
            tags = (["negative"] if r["neg"] else []) + r["tags"]
            obj = {"id": f"sel-{i:04d}", "lang": r["lang"], "text": r["text"], "expect": r["expect"], "tags": tags}
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} records to testset.jsonl ({len(used)} wallets used)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
