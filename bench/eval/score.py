#!/usr/bin/env python3
"""Score redflag on the held-out evaluation set (bench/eval/evalset.jsonl).

Runs `redflag scan --input jsonl --format jsonl` on the set (or reads a ready output with
--predictions) and reports, per language and overall:

* for each positive label, the share whose own task reaches band medium or above
  (lure -> `lure`, scam -> `scam`, distress -> `distress`): recall;
* for genuine texts, the share flagged by ANY task at medium or above: false-positive rate;
* a confusion summary: which task fired on which label.

Targets (from the issue): >= 80 % of lures, scams and pleas flagged by their own task, and
<= 5 % of genuine texts flagged by any task. Writes a Markdown table to stdout and the full
figures, with 95 % Wilson intervals and the ids of every miss, to bench/eval/results.json.

Standard library only. Exit codes: 0 done (whatever the figures, unless --fail-under),
1 targets missed with --fail-under, 2 bad input or a failed redflag run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
LABELS = ("lure", "scam", "distress", "genuine")
POSITIVE = ("lure", "scam", "distress")
TASKS = ("lure", "scam", "distress")
FLAGGED = frozenset({"medium", "high", "critical"})
KNOWN_BANDS = frozenset({"none", "low", "medium", "high", "critical"})
# Report order: the eight languages of the issue, Indonesian and Malay also merged as one.
LANG_ORDER = ("en", "id", "ms", "tl", "vi", "th", "zh", "my", "km")
MERGED = {"id+ms": ("id", "ms")}
RECALL_TARGET = 0.80
FPR_TARGET = 0.05


class BadInput(Exception):
    """The set, the predictions or the redflag run is unusable."""


def load_set(path: Path) -> list[dict]:
    items, seen = [], set()
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                it = json.loads(line)
            except json.JSONDecodeError as e:
                raise BadInput(f"{path}:{n}: not JSON ({e})") from e
            for key in ("id", "lang", "label", "text"):
                if not isinstance(it.get(key), str) or not it[key]:
                    raise BadInput(f"{path}:{n}: missing or empty field {key!r}")
            if it["label"] not in LABELS:
                raise BadInput(f"{path}:{n}: unknown label {it['label']!r}")
            if it["id"] in seen:
                raise BadInput(f"{path}:{n}: duplicate id {it['id']!r}")
            seen.add(it["id"])
            items.append(it)
    if not items:
        raise BadInput(f"{path}: empty set")
    return items


def scan_input(items: list[dict], give_lang: bool) -> bytes:
    """The records redflag sees: id, text, kind and (unless language detection is tested) lang.

    Labels, sources and notes are withheld so nothing but the text can inform the scores."""
    lines = []
    for it in items:
        rec = {"id": it["id"], "text": it["text"]}
        if it.get("kind"):
            rec["kind"] = it["kind"]
        if give_lang:
            rec["lang"] = it["lang"]
        lines.append(json.dumps(rec, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def run_redflag(binary: Path, items: list[dict], give_lang: bool, extra: list[str]) -> list[str]:
    if not binary.is_file() or not os.access(binary, os.X_OK):
        raise BadInput(f"no executable redflag at {binary} (build it, or pass --redflag or --predictions)")
    cmd = [str(binary), "scan", "--input", "jsonl", "--format", "jsonl", *extra, "-"]
    proc = subprocess.run(cmd, input=scan_input(items, give_lang), capture_output=True, check=False)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise BadInput(f"{' '.join(cmd)} exited with {proc.returncode}: {err[-2000:]}")
    return proc.stdout.decode("utf-8").splitlines()


def band_of(report: dict, task: str) -> str:
    """A task's band from one output object; tolerates a distress block nested as `assessment`."""
    block = report.get(task)
    if not isinstance(block, dict):
        raise BadInput(f"report {report.get('id')!r}: no {task!r} object")
    band = block.get("band")
    if band is None and isinstance(block.get("assessment"), dict):
        band = block["assessment"].get("band")
    if not isinstance(band, str) or band.lower() not in KNOWN_BANDS:
        raise BadInput(f"report {report.get('id')!r}: {task} band {band!r} is not one of {sorted(KNOWN_BANDS)}")
    return band.lower()


def parse_predictions(lines: list[str], items: list[dict]) -> dict[str, dict]:
    """One report per input, in input order, `id` echoing the input's: anything else is an error."""
    reports = [json.loads(ln) for ln in lines if ln.strip()]
    if len(reports) != len(items):
        raise BadInput(f"{len(reports)} reports for {len(items)} inputs")
    out = {}
    for it, rep in zip(items, reports, strict=True):
        if str(rep.get("id")) != it["id"]:
            raise BadInput(f"report order broken: expected id {it['id']!r}, got {rep.get('id')!r}")
        out[it["id"]] = {
            "lang": rep.get("lang"),
            "bands": {t: band_of(rep, t) for t in TASKS},
        }
    return out


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float] | None:
    """95 % Wilson score interval of k/n; honest about tiny per-language counts."""
    if n == 0:
        return None
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (round(max(0.0, c - h), 4), round(min(1.0, c + h), 4))


def rate(k: int, n: int) -> dict:
    return {"k": k, "n": n, "rate": round(k / n, 4) if n else None, "ci95": wilson(k, n)}


def evaluate(items: list[dict], preds: dict[str, dict]) -> dict:
    groups: dict[str, list[dict]] = defaultdict(list)
    for it in items:
        groups[it["lang"]].append(it)
    order = [lg for lg in LANG_ORDER if lg in groups] + sorted(set(groups) - set(LANG_ORDER))
    sections = {lg: groups[lg] for lg in order}
    for name, members in MERGED.items():
        merged = [it for lg in members for it in groups.get(lg, [])]
        if merged and all(lg in groups for lg in members):
            sections[name] = merged
    sections["all"] = list(items)

    per = {name: summarise(members, preds) for name, members in sections.items()}
    misses = {
        "positives_missed": [
            {"id": it["id"], "lang": it["lang"], "label": it["label"], "bands": preds[it["id"]]["bands"]}
            for it in items
            if it["label"] in POSITIVE and preds[it["id"]]["bands"][it["label"]] not in FLAGGED
        ],
        "genuine_flagged": [
            {"id": it["id"], "lang": it["lang"], "kind": it.get("kind"), "bands": preds[it["id"]]["bands"]}
            for it in items
            if it["label"] == "genuine" and any(b in FLAGGED for b in preds[it["id"]]["bands"].values())
        ],
    }
    return {"sections": per, "misses": misses, "langid": langid(items, preds)}


def summarise(members: list[dict], preds: dict[str, dict]) -> dict:
    out: dict = {"count": len(members)}
    pos_k = pos_n = 0
    for lab in POSITIVE:
        sel = [it for it in members if it["label"] == lab]
        k = sum(preds[it["id"]]["bands"][lab] in FLAGGED for it in sel)
        out[lab] = rate(k, len(sel))
        verb = [it for it in sel if it.get("verbatim")]
        out[lab]["verbatim_only"] = rate(sum(preds[it["id"]]["bands"][lab] in FLAGGED for it in verb), len(verb))
        pos_k += k
        pos_n += len(sel)
    out["positives"] = rate(pos_k, pos_n)
    gen = [it for it in members if it["label"] == "genuine"]
    fp = [it for it in gen if any(b in FLAGGED for b in preds[it["id"]]["bands"].values())]
    out["genuine_flagged"] = rate(len(fp), len(gen))
    # Which task(s) fired on which gold label: a text may count under several tasks.
    confusion = {}
    for lab in LABELS:
        sel = [it for it in members if it["label"] == lab]
        fired = Counter()
        for it in sel:
            hit = [t for t in TASKS if preds[it["id"]]["bands"][t] in FLAGGED]
            fired.update(hit)
            if not hit:
                fired["none"] += 1
        confusion[lab] = {"n": len(sel), **{t: fired.get(t, 0) for t in (*TASKS, "none")}}
    out["confusion"] = confusion
    out["meets_targets"] = {
        "recall>=0.80": None if pos_n == 0 else pos_k / pos_n >= RECALL_TARGET,
        "genuine_flagged<=0.05": None if not gen else len(fp) / len(gen) <= FPR_TARGET,
    }
    return out


def langid(items: list[dict], preds: dict[str, dict]) -> dict:
    """How often the reported language equals the gold one (exact, and with id/ms as one)."""
    exact = loose = 0
    for it in items:
        got = (preds[it["id"]]["lang"] or "").lower()
        exact += got == it["lang"]
        loose += got == it["lang"] or {got, it["lang"]} <= {"id", "ms"}
    return {"exact": rate(exact, len(items)), "id_ms_merged": rate(loose, len(items))}


def pct(r: dict) -> str:
    return "–" if r["rate"] is None else f"{100 * r['rate']:.0f}% ({r['k']}/{r['n']})"


def markdown(result: dict, meta: dict) -> str:
    rows = [
        "| language | n | lure → lure | scam → scam | distress → distress | all positives | genuine flagged | targets |",
        "|---|---:|---|---|---|---|---|---|",
    ]
    for name, s in result["sections"].items():
        t = s["meets_targets"]
        ok = {True: "✓", False: "✗", None: "–"}
        rows.append(
            f"| {'**all**' if name == 'all' else name} | {s['count']} | {pct(s['lure'])} | {pct(s['scam'])} | "
            f"{pct(s['distress'])} | {pct(s['positives'])} | {pct(s['genuine_flagged'])} | "
            f"recall {ok[t['recall>=0.80']]} fp {ok[t['genuine_flagged<=0.05']]} |"
        )
    conf = result["sections"]["all"]["confusion"]
    crow = [
        "",
        "Confusion (all languages): how many texts of each gold label each task flagged (band ≥ medium);",
        "a text can be flagged by several tasks.",
        "",
        "| gold label | n | lure fired | scam fired | distress fired | none fired |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for lab, c in conf.items():
        crow.append(f"| {lab} | {c['n']} | {c['lure']} | {c['scam']} | {c['distress']} | {c['none']} |")
    a = result["sections"]["all"]
    verb = " ".join(f"{lab} {pct(a[lab]['verbatim_only'])};" for lab in POSITIVE)
    li = result["langid"]
    tail = [
        "",
        f"Verbatim-only recall (all languages): {verb}",
        f"Reported language = gold: {pct(li['exact'])}, counting id/ms as one: {pct(li['id_ms_merged'])}"
        + ("" if meta["detect_lang"] else " (gold language was given to redflag; use --detect-lang to test detection)"),
        f"Targets: ≥ {RECALL_TARGET:.0%} of positives flagged by their own task, ≤ {FPR_TARGET:.0%} of genuine texts "
        "flagged by any task. Per-language counts are small: see the 95 % intervals in results.json.",
    ]
    return "\n".join(rows + crow + tail) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", type=Path, default=HERE / "evalset.jsonl", help="the evaluation set (JSONL)")
    ap.add_argument("--redflag", type=Path, default=REPO / "target" / "release" / "redflag", help="the binary to run")
    ap.add_argument("--predictions", type=Path, help="score this `redflag scan --format jsonl` output instead of running")
    ap.add_argument("--out", type=Path, default=HERE / "results.json", help="where to write the figures (JSON)")
    ap.add_argument("--detect-lang", action="store_true", help="withhold the gold language so redflag must detect it")
    ap.add_argument("--packs", type=Path, help="passed to `redflag scan --packs`")
    ap.add_argument("--threads", type=int, help="passed to `redflag scan --threads`")
    ap.add_argument("--fail-under", action="store_true", help="exit 1 when the overall targets are missed")
    args = ap.parse_args(argv)

    try:
        items = load_set(args.set)
        if args.predictions:
            lines = args.predictions.read_text(encoding="utf-8").splitlines()
            source = str(args.predictions)
        else:
            extra = []
            if args.packs:
                extra += ["--packs", str(args.packs)]
            if args.threads:
                extra += ["--threads", str(args.threads)]
            lines = run_redflag(args.redflag, items, not args.detect_lang, extra)
            source = str(args.redflag)
        preds = parse_predictions(lines, items)
    except (BadInput, OSError, json.JSONDecodeError) as e:
        print(f"score.py: {e}", file=sys.stderr)
        return 2

    result = evaluate(items, preds)
    meta = {"set": str(args.set), "items": len(items), "predictions_from": source, "detect_lang": args.detect_lang,
            "recall_target": RECALL_TARGET, "genuine_flagged_target": FPR_TARGET, "flagged_bands": sorted(FLAGGED)}
    result = {"meta": meta, **result}
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    sys.stdout.write(markdown(result, meta))
    print(f"\nfull figures: {args.out}")
    if args.fail_under and not all(v is not False for v in result["sections"]["all"]["meets_targets"].values()):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
