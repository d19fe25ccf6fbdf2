#!/usr/bin/env python3
"""Score `redflag scan` selector extraction against bench/selectors/testset.jsonl.

Runs `redflag scan --input jsonl --format jsonl` on the test set (only `id` and `text` are sent,
plus `lang` with --pass-lang; the expectations never reach the binary), or reads a prediction file
given with --predictions, then reports precision and recall per selector kind, per language and
per obfuscation tag as Markdown tables and writes results.json.

Matching, per text: a predicted selector matches an expected one when kind and value are equal;
where the expectation states `valid`, the prediction's `valid` must agree too (a disagreement is
counted as one false positive plus one false negative, and reported separately). Selectors are
compared as sets per text: the same (kind, value) found twice in a text is one selector. Each
candidate of a `region_ambiguous` number is an expected selector of its own.

Also checked, for every predicted selector: `raw == text[start:end]` with offsets in Unicode code
points; the output has one object per input line, in input order, echoing `id`.

Exit status: 0 if every kind reaches --min in both precision and recall (kinds that were neither
expected nor predicted are skipped); 1 if one does not, or, with --strict, if any offset or
output-contract violation was found; 2 if the binary failed or its output could not be read.

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
KIND_ORDER = ["phone", "whatsapp", "zalo", "telegram", "line", "wechat", "signal", "email", "url", "domain", "btc", "eth", "tron"]
LANG_ORDER = ["en", "id", "ms", "tl", "vi", "th", "zh", "my", "km"]


class RunError(Exception):
    """The binary failed or its output broke the JSONL contract beyond scoring."""


def load_jsonl(path: Path) -> list[dict]:
    out = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise RunError(f"{path}:{n}: not JSON: {e}") from e
    return out


def run_redflag(binary: str, records: list[dict], pass_lang: bool, save: str | None) -> tuple[list[dict], float]:
    """Run the scanner on a stripped copy of the test set; return its parsed output and seconds taken."""
    if not Path(binary).exists():
        raise RunError(f"no redflag binary at {binary} (build it: cargo build --release -p redflag-cli)")
    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp) / "input.jsonl"
        with inp.open("w", encoding="utf-8") as f:
            for r in records:
                obj = {"id": r["id"], "text": r["text"]}
                if pass_lang:
                    obj["lang"] = r["lang"]
                f.write(json.dumps(obj, ensure_ascii=False) + "\n")
        cmd = [binary, "scan", "--input", "jsonl", "--format", "jsonl", str(inp)]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, check=False, capture_output=True, env={**os.environ, "NO_COLOR": "1"})
        secs = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RunError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode('utf-8', 'replace')[-2000:]}")
    text = proc.stdout.decode("utf-8")
    if save:
        Path(save).write_text(text, encoding="utf-8")
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as e:
            raise RunError(f"redflag output line {n} is not JSON: {e}") from e
    return out, secs


def align(records: list[dict], preds: list[dict], contract: list[str]) -> list[dict | None]:
    """Pair each test record with its output object: by position, falling back to id."""
    if len(preds) != len(records):
        contract.append(f"{len(preds)} output objects for {len(records)} input lines")
    by_id = {}
    for p in preds:
        pid = p.get("id")
        if not isinstance(pid, str):
            contract.append(f"output id {pid!r} is not a string")
        by_id.setdefault(str(pid), p)
    out: list[dict | None] = []
    for i, r in enumerate(records):
        p = preds[i] if i < len(preds) else None
        if p is None or str(p.get("id")) != r["id"]:
            if p is not None:
                contract.append(f"output #{i + 1} has id {p.get('id')!r}, expected {r['id']!r} (out of order?)")
            p = by_id.get(r["id"])
        out.append(p)
    return out


def ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


class Tally:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    @property
    def precision(self) -> float | None:
        return ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return ratio(self.tp, self.tp + self.fn)

    def as_dict(self) -> dict:
        return {
            "expected": self.tp + self.fn,
            "predicted": self.tp + self.fp,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
        }


def score(records: list[dict], preds: list[dict | None]) -> dict:
    kinds: dict[str, Tally] = defaultdict(Tally)
    langs: dict[str, Tally] = defaultdict(Tally)
    tags: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    offsets_checked = 0
    offset_errors: list[dict] = []
    contract: list[str] = []
    valid_mismatch = 0
    roles = Counter()  # (expected role, predicted role) over matched selectors
    lang_detect = Counter()
    errors: list[dict] = []
    neg_flagged = Counter()
    neg_total = Counter()
    missing_output = 0

    for r, p in zip(records, preds):
        text = r["text"]
        lang = r["lang"]
        expected = {(e["kind"], e["value"]): e for e in r["expect"]}
        if p is None:
            missing_output += 1
            sels = []
        else:
            sels = p.get("selectors")
            if not isinstance(sels, list):
                contract.append(f"{r['id']}: `selectors` is not a list")
                sels = []
            out_lang = p.get("lang")
            same = out_lang == lang or (lang in ("id", "ms") and out_lang in ("id", "ms", "id-ms", "id/ms", "ms-id"))
            lang_detect["agree" if same else "differ"] += 1
        predicted: dict[tuple[str, str], list[dict]] = {}
        for s in sels:
            if not isinstance(s, dict) or not isinstance(s.get("kind"), str) or not isinstance(s.get("value"), str):
                contract.append(f"{r['id']}: malformed selector {s!r}")
                continue
            predicted.setdefault((s["kind"], s["value"]), []).append(s)
            offsets_checked += 1
            st, en, raw = s.get("start"), s.get("end"), s.get("raw")
            ok = (
                isinstance(st, int)
                and isinstance(en, int)
                and isinstance(raw, str)
                and 0 <= st <= en <= len(text)
                and text[st:en] == raw
            )
            if not ok:
                offset_errors.append(
                    {
                        "id": r["id"],
                        "kind": s["kind"],
                        "value": s["value"],
                        "raw": raw,
                        "start": st,
                        "end": en,
                        "text_at_offsets": text[st:en] if isinstance(st, int) and isinstance(en, int) else None,
                    }
                )
        rec_err = {"id": r["id"], "lang": lang, "missed": [], "spurious": [], "valid_mismatch": []}
        matched = set()
        for key, e in expected.items():
            got = predicted.get(key)
            if got and "valid" in e and any(g.get("valid") is not e["valid"] for g in got):
                valid_mismatch += 1
                rec_err["valid_mismatch"].append({"kind": key[0], "value": key[1], "expected_valid": e["valid"]})
                got = None
            if got:
                matched.add(key)
                roles[(e.get("role"), got[0].get("role"))] += 1
        for key, e in expected.items():
            hit = key in matched
            for t in (kinds[key[0]], langs[lang], total, *(tags[tg] for tg in r["tags"])):
                if hit:
                    t.tp += 1
                else:
                    t.fn += 1
            if not hit:
                rec_err["missed"].append({"kind": key[0], "value": key[1]})
        for key, got in predicted.items():
            if key in matched:
                continue
            for t in (kinds[key[0]], langs[lang], total, *(tags[tg] for tg in r["tags"])):
                t.fp += 1
            rec_err["spurious"].append({"kind": key[0], "value": key[1], "raw": got[0].get("raw")})
        if not r["expect"]:
            neg_total[lang] += 1
            if predicted:
                neg_flagged[lang] += 1
        if rec_err["missed"] or rec_err["spurious"] or rec_err["valid_mismatch"]:
            rec_err["text"] = text
            errors.append(rec_err)

    if missing_output:
        contract.append(f"{missing_output} input lines had no output object")
    return {
        "overall": total.as_dict(),
        "per_kind": {k: kinds[k].as_dict() for k in sorted(kinds, key=kind_key)},
        "per_lang": {
            lang: {**langs[lang].as_dict(), "negatives": neg_total[lang], "negatives_with_selectors": neg_flagged[lang]}
            for lang in sorted(langs, key=lang_key)
        },
        "per_tag": {t: tags[t].as_dict() for t in sorted(tags)},
        "valid_mismatches": valid_mismatch,
        "offsets": {"checked": offsets_checked, "violations": len(offset_errors), "examples": offset_errors[:50]},
        "contract_violations": contract[:200],
        "roles": [{"expected": a, "predicted": b, "count": n} for (a, b), n in sorted(roles.items(), key=str)],
        "lang_detection": dict(lang_detect),
        "negatives": {"texts": sum(neg_total.values()), "with_selectors": sum(neg_flagged.values())},
        "errors": errors,
    }


def kind_key(k: str) -> tuple[int, str]:
    return (KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER), k)


def lang_key(lang: str) -> tuple[int, str]:
    return (LANG_ORDER.index(lang) if lang in LANG_ORDER else len(LANG_ORDER), lang)


def markdown(res: dict, records: list[dict], show_errors: int) -> str:
    lines = []
    n_texts = len(records)
    lines.append(f"## Selector accuracy ({n_texts} texts, {res['negatives']['texts']} negatives)\n")
    lines.append("| kind | expected | predicted | TP | FP | FN | precision | recall |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for k, t in res["per_kind"].items():
        lines.append(
            f"| {k} | {t['expected']} | {t['predicted']} | {t['tp']} | {t['fp']} | {t['fn']} | {fmt(t['precision'])} | {fmt(t['recall'])} |"
        )
    o = res["overall"]
    lines.append(
        f"| **all** | {o['expected']} | {o['predicted']} | {o['tp']} | {o['fp']} | {o['fn']} | **{fmt(o['precision'])}** | **{fmt(o['recall'])}** |"
    )
    lines.append("")
    texts_per_lang = Counter(r["lang"] for r in records)
    lines.append("| lang | texts | negatives (with selectors) | expected | TP | FP | FN | precision | recall |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for lang, t in res["per_lang"].items():
        lines.append(
            f"| {lang} | {texts_per_lang[lang]} | {t['negatives']} ({t['negatives_with_selectors']}) | {t['expected']} | {t['tp']} | {t['fp']} | {t['fn']} | {fmt(t['precision'])} | {fmt(t['recall'])} |"
        )
    lines.append("")
    obf = {
        k: v
        for k, v in res["per_tag"].items()
        if k.startswith("obf:") or k in ("broken-wallet", "ambiguous", "context-region", "no-diacritics", "traditional", "invite")
    }
    if obf:
        lines.append("| tag | expected | TP | FP | FN | precision | recall |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        for tag, t in obf.items():
            lines.append(
                f"| {tag} | {t['expected']} | {t['tp']} | {t['fp']} | {t['fn']} | {fmt(t['precision'])} | {fmt(t['recall'])} |"
            )
        lines.append("")
    off = res["offsets"]
    lines.append(f"- offsets: {off['violations']} of {off['checked']} predicted selectors have `raw != text[start:end]`")
    lines.append(f"- `valid` disagreements on matched selectors: {res['valid_mismatches']}")
    lines.append(f"- negatives with any selector: {res['negatives']['with_selectors']} of {res['negatives']['texts']}")
    roles = res["roles"]
    agree = sum(x["count"] for x in roles if x["expected"] == x["predicted"])
    total = sum(x["count"] for x in roles)
    lines.append(f"- role agrees on {agree} of {total} matched selectors" + (f" ({agree / total:.1%})" if total else ""))
    ld = res["lang_detection"]
    if ld:
        lines.append(
            f"- output `lang` agrees with the set's language on {ld.get('agree', 0)} of {sum(ld.values())} texts (id/ms as one)"
        )
    if res["contract_violations"]:
        lines.append(f"- output-contract violations: {len(res['contract_violations'])} (first: {res['contract_violations'][0]})")
    if show_errors and res["errors"]:
        lines.append(f"\n### First {min(show_errors, len(res['errors']))} of {len(res['errors'])} texts with errors\n")
        for e in res["errors"][:show_errors]:
            parts = []
            if e["missed"]:
                parts.append("missed " + ", ".join(f"{m['kind']}:{m['value']}" for m in e["missed"]))
            if e["spurious"]:
                parts.append("spurious " + ", ".join(f"{m['kind']}:{m['value']}" for m in e["spurious"]))
            if e["valid_mismatch"]:
                parts.append("valid≠ " + ", ".join(f"{m['kind']}:{m['value']}" for m in e["valid_mismatch"]))
            lines.append(f"- {e['id']} ({e['lang']}): " + "; ".join(parts))
    return "\n".join(lines)


def below(res: dict, minimum: float) -> list[str]:
    bad = []
    for k, t in res["per_kind"].items():
        for name in ("precision", "recall"):
            v = t[name]
            # No prediction at all for an expected kind: recall is 0 and fails; precision is moot.
            if v is not None and v < minimum:
                bad.append(f"{k} {name} {v:.3f} < {minimum}")
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--testset", default=str(HERE / "testset.jsonl"))
    ap.add_argument("--redflag", default=str(REPO / "target" / "release" / "redflag"), help="path to the redflag binary")
    ap.add_argument("--predictions", help="score this redflag-scan JSONL output instead of running the binary")
    ap.add_argument("--save-predictions", help="keep the binary's JSONL output in this file")
    ap.add_argument("--pass-lang", action="store_true", help="send each text's language to the scanner")
    ap.add_argument("--min", type=float, default=0.0, help="fail if any kind's precision or recall is below this")
    ap.add_argument("--strict", action="store_true", help="also fail on offset or output-contract violations")
    ap.add_argument("--results", default=str(HERE / "results.json"), help="where to write the JSON results")
    ap.add_argument("--show-errors", type=int, default=0, metavar="N", help="list the first N texts with errors")
    args = ap.parse_args(argv)

    records = load_jsonl(Path(args.testset))
    try:
        if args.predictions:
            preds, secs = load_jsonl(Path(args.predictions)), None
            source = {"predictions": args.predictions}
        else:
            preds, secs = run_redflag(args.redflag, records, args.pass_lang, args.save_predictions)
            source = {"redflag": args.redflag, "pass_lang": args.pass_lang, "seconds": round(secs, 3)}
    except RunError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    contract: list[str] = []
    aligned = align(records, preds, contract)
    res = score(records, aligned)
    res["contract_violations"] = contract + res["contract_violations"]
    res = {"source": source, "testset": str(args.testset), "min": args.min, **res}
    Path(args.results).write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(markdown(res, records, args.show_errors))
    failed = below(res, args.min)
    for f in failed:
        print(f"below --min: {f}", file=sys.stderr)
    if args.strict and (res["offsets"]["violations"] or res["contract_violations"]):
        print("strict: offset or output-contract violations", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
