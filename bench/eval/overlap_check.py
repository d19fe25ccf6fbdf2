#!/usr/bin/env python3
"""Check that no evaluation text leaked into the rule packs (or, with --against, into training data).

An eval text leaks when its normalised form (NFC, lower-case, whitespace runs collapsed to one space)
shares a substring of --min characters (default 40) with the normalised text of a rule example in
packs/*.toml. Examples are read with tomllib from every rule: `[[rule.example]]` tables,
`examples = [{ text = ... }]` arrays and plain strings in either. An eval text shorter than --min
leaks when it appears whole inside an example (or an example appears whole inside it) and is at least
--short characters long, so a short plea copied into a pack is still caught.

--against PATH (repeatable) also checks every string in .toml/.json/.jsonl files and every cell or line
of .csv/.tsv/.txt files under PATH (recursively), e.g. the labelled training sets.

Standard library only. Exit codes: 0 no overlap, 1 overlap found (each pair is listed),
2 usage error (no packs found, unreadable or invalid file).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tomllib
import unicodedata
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
WS = re.compile(r"\s+")


def normalise(s: str) -> str:
    return WS.sub(" ", unicodedata.normalize("NFC", s).lower()).strip()


class Usage(Exception):
    """A missing or unreadable input: exit 2."""


def load_eval(path: Path) -> list[tuple[str, str]]:
    out = []
    try:
        with path.open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    it = json.loads(line)
                    if not isinstance(it.get("text"), str):
                        raise Usage(f"{path}:{n}: no text")
                    out.append((str(it.get("id", n)), normalise(it["text"])))
    except (OSError, json.JSONDecodeError) as e:
        raise Usage(f"{path}: {e}") from e
    return out


def example_texts(value) -> Iterator[str]:
    """Texts inside a rule's `example`/`examples` value: tables with `text`, or plain strings."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        if isinstance(value.get("text"), str):
            yield value["text"]
    elif isinstance(value, list):
        for v in value:
            yield from example_texts(v)


def pack_examples(packs_dir: Path) -> list[tuple[str, str]]:
    files = sorted(packs_dir.glob("*.toml"))
    if not files:
        raise Usage(f"no *.toml packs in {packs_dir}")
    out = []
    for f in files:
        try:
            data = tomllib.loads(f.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise Usage(f"{f}: {e}") from e
        rules = data.get("rule", [])
        if isinstance(rules, dict):
            rules = [rules]
        for i, rule in enumerate(rules):
            if not isinstance(rule, dict):
                continue
            rid = rule.get("id", f"#{i}")
            for key in ("example", "examples"):
                for j, text in enumerate(example_texts(rule.get(key))):
                    out.append((f"{f.name}:{rid}:{key}[{j}]", normalise(text)))
    return out


def strings_in(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)


def file_texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every string in a data file; unknown extensions are skipped."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            for j, s in enumerate(strings_in(tomllib.loads(path.read_text(encoding="utf-8")))):
                yield f"{path}:{j}", s
        elif suffix == ".json":
            for j, s in enumerate(strings_in(json.loads(path.read_text(encoding="utf-8")))):
                yield f"{path}:{j}", s
        elif suffix in (".jsonl", ".ndjson"):
            with path.open(encoding="utf-8", errors="replace") as f:
                for n, line in enumerate(f, 1):
                    if line.strip():
                        for s in strings_in(json.loads(line)):
                            yield f"{path}:{n}", s
        elif suffix in (".csv", ".tsv"):
            with path.open(encoding="utf-8", errors="replace", newline="") as f:
                reader = csv.reader(f, delimiter="\t" if suffix == ".tsv" else ",")
                for n, row in enumerate(reader, 1):
                    for cell in row:
                        yield f"{path}:{n}", cell
        elif suffix == ".txt" or path.name == "SMSSpamCollection":
            with path.open(encoding="utf-8", errors="replace") as f:
                for n, line in enumerate(f, 1):
                    yield f"{path}:{n}", line
    except (OSError, json.JSONDecodeError, tomllib.TOMLDecodeError, csv.Error) as e:
        raise Usage(f"{path}: {e}") from e


def against_texts(paths: list[Path]) -> list[tuple[str, str]]:
    out = []
    for p in paths:
        if not p.exists():
            raise Usage(f"{p}: no such file or directory")
        files = [p] if p.is_file() else sorted(q for q in p.rglob("*") if q.is_file())
        for f in files:
            out.extend((w, normalise(t)) for w, t in file_texts(f) if t.strip())
    return out


def find_overlaps(evals: list[tuple[str, str]], others: list[tuple[str, str]], k: int, short: int):
    """Pairs (eval id, where, shared text). Every k-gram of the eval texts goes into one index, so each
    other text is scanned once whatever the number of eval texts."""
    index: dict[str, str] = {}
    shorts = []
    for eid, t in evals:
        if len(t) >= k:
            for i in range(len(t) - k + 1):
                index.setdefault(t[i : i + k], eid)
        elif len(t) >= short:
            shorts.append((eid, t))
    found, seen = [], set()
    for where, t in others:
        for i in range(len(t) - k + 1):
            eid = index.get(t[i : i + k])
            if eid is not None and (eid, where) not in seen:
                seen.add((eid, where))
                found.append((eid, where, t[i : i + k]))
        for eid, s in shorts:
            if (eid, where) not in seen and (s in t or (len(t) >= short and t in s)):
                seen.add((eid, where))
                found.append((eid, where, s if s in t else t))
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", type=Path, default=HERE / "evalset.jsonl", help="the evaluation set (JSONL)")
    ap.add_argument("--packs", type=Path, default=REPO / "packs", help="directory of *.toml rule packs")
    ap.add_argument("--against", type=Path, action="append", default=[], help="also check data files under PATH")
    ap.add_argument("--min", type=int, default=40, help="shared substring length that counts as overlap")
    ap.add_argument("--short", type=int, default=10, help="shortest eval text checked whole when under --min")
    args = ap.parse_args(argv)
    if args.min < 1 or args.short < 1:
        print("overlap_check.py: --min and --short must be positive", file=sys.stderr)
        return 2
    try:
        evals = load_eval(args.set)
        examples = pack_examples(args.packs)
        extra = against_texts(args.against)
    except Usage as e:
        print(f"overlap_check.py: {e}", file=sys.stderr)
        return 2

    found = find_overlaps(evals, examples + extra, args.min, args.short)
    print(f"{len(evals)} eval texts; {len(examples)} pack examples; {len(extra)} other strings; "
          f"overlap = a shared {args.min}-character substring after normalisation")
    for eid, where, shared in found:
        print(f"OVERLAP {eid} <-> {where}: {shared!r}")
    if found:
        print(f"{len(found)} overlap(s): remove them from the packs/training data or from the eval set")
        return 1
    print("no overlap")
    return 0


if __name__ == "__main__":
    sys.exit(main())
