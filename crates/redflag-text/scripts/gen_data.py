#!/usr/bin/env python3
"""Regenerate redflag-text's derived data files and Zawgyi test fixtures.

Run once by a maintainer (never by the build or the tests):

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install myanmartools opencc-python-reimplemented pyicu-wheels
    /tmp/venv/bin/python crates/redflag-text/scripts/gen_data.py

Writes, relative to the crate:
  data/zawgyi/zawgyiUnicodeModel.dat   copied from the `myanmartools` package (Apache-2.0)
  data/zawgyi/zawgyi_to_unicode.rules  the CLDR "Zawgyi-my" transform as compiled by ICU (one typo fixed)
  data/opencc/ts_characters.tsv        OpenCC TSCharacters, first candidate, chains resolved (Apache-2.0)
  tests/fixtures/zawgyi_probability.tsv  expected `myanmartools` probabilities
  tests/fixtures/zawgyi_to_unicode.tsv   expected ICU conversions with the committed rules
  tests/fixtures/myanmartools_compatibility.tsv  the upstream compatibility table
"""
import os
import random
import shutil
import sys
from importlib import metadata, resources
from pathlib import Path

import icu
import myanmartools
import opencc
import unicodedata

CRATE = Path(__file__).resolve().parent.parent
DATA = CRATE / "data"
FIX = CRATE / "tests" / "fixtures"

# The CLDR source writes `\1u36` where `\u1036` (ANUSVARA) is meant; ICU compiles the typo into the
# characters U+0001 '3' '6' 'u'. We ship the intended rule.
TYPO = "\\u000136u"
FIXED = "\\u1036"


def write_model():
    src = resources.files("myanmartools.resources") / "zawgyiUnicodeModel.dat"
    shutil.copyfile(src, DATA / "zawgyi" / "zawgyiUnicodeModel.dat")
    comp = resources.files("myanmartools.resources") / "compatibility.tsv"
    shutil.copyfile(comp, FIX / "myanmartools_compatibility.tsv")


def rules_text():
    rules = icu.Transliterator.createInstance("Zawgyi-my").toRules(True)
    assert TYPO in rules, "ICU rules changed: re-check the typo fix"
    return rules.replace(TYPO, FIXED)


def write_rules(rules):
    header = (
        "# Zawgyi -> Unicode Burmese conversion rules.\n"
        "# Source: CLDR transform my-t-my-s0-zawgyi (\"Zawgyi-my\"), the rule set published with Google's\n"
        "# myanmar-tools and shipped in ICU; this is ICU " + icu.ICU_VERSION + "'s compiled form (variables and\n"
        "# [:WSpace:] expanded), produced by scripts/gen_data.py. Unicode License v3 (see data/NOTICE.md).\n"
        "# Change from the source: in the visarga rule `\\1u36` (a typo ICU reads as U+0001 '3' '6' 'u') is\n"
        "# written as the intended \\u1036.\n"
        "# Syntax (ICU transliteration subset): `pattern > replacement ;`, phases separated by `::Null;`.\n"
        "# Patterns: \\uXXXX, [sets] with ranges and ^, (groups), possessive * and +, ^ and $ anchors.\n"
        "# Replacements: \\uXXXX, $n, and | to place the cursor.\n"
    )
    (DATA / "zawgyi" / "zawgyi_to_unicode.rules").write_text(header + rules + "\n", encoding="utf-8")


def write_t2s():
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        key, vals = line.split("\t")
        first = vals.split(" ")[0]
        assert len(key) == 1 and len(first) == 1, line
        if key != first:
            table[key] = first
    # Resolve chains (a -> b -> c) so that folding is idempotent.
    for k in list(table):
        v = table[k]
        seen = {k}
        while v in table and v not in seen:
            seen.add(v)
            v = table[v]
        table[k] = v
    for k, v in table.items():
        assert unicodedata.normalize("NFKC", v) == v and unicodedata.normalize("NFKC", k) == k
    out = ["# Traditional -> Simplified Chinese, one character each: TRAD<TAB>SIMP.",
           "# Derived from OpenCC's TSCharacters.txt (Apache-2.0; as shipped in the PyPI package",
           "# opencc-python-reimplemented 0.1.7) by scripts/gen_data.py: first candidate, chains resolved.",
           "# See data/NOTICE.md."]
    out += [f"{k}\t{table[k]}" for k in sorted(table)]
    (DATA / "opencc" / "ts_characters.tsv").write_text("\n".join(out) + "\n", encoding="utf-8")


def samples():
    lines = []
    for line in (FIX / "burmese_samples.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def random_myanmar(rng, n):
    pool = [chr(c) for c in range(0x1000, 0x10A0)] + [" ", " ", "\u200b", "a", "1", "\u2009", "\ua9e5", "\uaa70"]
    return "".join(rng.choice(pool) for _ in range(n))


def fmt(x):
    if x == float("-inf"):
        return "-inf"
    return repr(x)


def main():
    write_model()
    rules = rules_text()
    write_rules(rules)
    write_t2s()

    det = myanmartools.ZawgyiDetector()
    to_zg = icu.Transliterator.createInstance("my-Zawgyi")
    ours = icu.Transliterator.createFromRules("zg", rules, icu.UTransDirection.FORWARD)
    builtin = icu.Transliterator.createInstance("Zawgyi-my")
    rng = random.Random(20261123)

    uni = samples()
    zg = [to_zg.transliterate(s) for s in uni]
    words = []
    for s in uni[:6] + uni[17:]:
        words += s.split(" ")
    zwords = [to_zg.transliterate(w) for w in words]
    garbage = [random_myanmar(rng, rng.randint(1, 24)) for _ in range(80)]
    extra = ["", "hello world", "ascii mixed with " + uni[18], uni[19] + " \u200b " + uni[20],
             "\u1031\u1000", "\u1000\u1031", "\ua9e0\ua9e1\u1000", "\u2000\u1000\u200b", "\u1040\u1044 \u104e"]

    with open(FIX / "zawgyi_probability.tsv", "w", encoding="utf-8") as f:
        f.write("# expected probability from myanmartools " + metadata.version("myanmartools") + " ZawgyiDetector<TAB>text\n")
        for s in uni + zg + words + zwords + garbage + extra:
            assert "\t" not in s and "\n" not in s
            f.write(f"{fmt(det.get_zawgyi_probability(s))}\t{s}\n")

    diffs = 0
    with open(FIX / "zawgyi_to_unicode.tsv", "w", encoding="utf-8") as f:
        f.write("# Zawgyi input<TAB>expected Unicode (ICU " + icu.ICU_VERSION + " running data/zawgyi/zawgyi_to_unicode.rules)\n")
        for s in zg + zwords + garbage + extra:
            out = ours.transliterate(s)
            if out != builtin.transliterate(s):
                diffs += 1
            f.write(f"{s}\t{out}\n")
    print(f"conversions differing from ICU's built-in Zawgyi-my (typo fix): {diffs}", file=sys.stderr)


if __name__ == "__main__":
    main()
