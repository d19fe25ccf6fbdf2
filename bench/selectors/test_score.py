#!/usr/bin/env python3
"""Tests for score.py on fake prediction files and a fake `redflag` binary (standard library only).

Run: python3 -m unittest bench/selectors/test_score.py -v
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import score

TESTSET = HERE / "testset.jsonl"


def load() -> list[dict]:
    return [json.loads(x) for x in TESTSET.read_text(encoding="utf-8").splitlines() if x.strip()]


def perfect(records: list[dict]) -> list[dict]:
    """What an ideal scanner would print: every expectation, with raw/offsets that agree."""
    out = []
    for r in records:
        sels = []
        for e in r["expect"]:
            # The set holds no spans, so point at the first character: it keeps raw == text[start:end].
            sels.append(
                {
                    "kind": e["kind"],
                    "value": e["value"],
                    "raw": r["text"][:1],
                    "start": 0,
                    "end": 1,
                    "valid": e.get("valid", True),
                    "role": e["role"],
                }
            )
        out.append({"id": r["id"], "lang": r["lang"], "lure": {}, "scam": {}, "distress": {}, "selectors": sels})
    return out


class ScoreTest(unittest.TestCase):
    def setUp(self) -> None:
        self.records = load()
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def run_score(self, preds: list[dict] | None, *extra: str) -> tuple[int, dict, str]:
        args = ["--results", str(self.dir / "results.json"), *extra]
        if preds is not None:
            p = self.dir / "pred.jsonl"
            p.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in preds), encoding="utf-8")
            args += ["--predictions", str(p)]
        buf, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(err):
            code = score.main(args)
        res = json.loads((self.dir / "results.json").read_text(encoding="utf-8")) if code != 2 else {}
        return code, res, buf.getvalue() + err.getvalue()

    def test_perfect_predictions_score_one(self) -> None:
        code, res, out = self.run_score(perfect(self.records), "--min", "1.0", "--strict")
        self.assertEqual(code, 0, out)
        n = sum(len(r["expect"]) for r in self.records)
        self.assertEqual(res["overall"]["tp"], n)
        self.assertEqual(res["overall"]["fp"] + res["overall"]["fn"], 0)
        for k, t in res["per_kind"].items():
            self.assertEqual((t["precision"], t["recall"]), (1.0, 1.0), k)
        self.assertEqual(res["offsets"]["violations"], 0)
        self.assertIn("| phone |", out)

    def test_miss_spurious_and_valid_flip_are_counted(self) -> None:
        preds = perfect(self.records)
        # Drop the first phone, add a spurious telegram on a negative, flip one broken wallet to valid.
        ph = next(p for p in preds if any(s["kind"] == "phone" for s in p["selectors"]))
        ph["selectors"] = [s for s in ph["selectors"] if s["kind"] != "phone"]
        dropped = sum(1 for e in next(r for r in self.records if r["id"] == ph["id"])["expect"] if e["kind"] == "phone")
        neg = next(p for p, r in zip(preds, self.records) if not r["expect"])
        neg["selectors"].append(
            {"kind": "telegram", "value": "not_there", "raw": "", "start": 0, "end": 0, "valid": True, "role": "contact"}
        )
        bad = next(p for p, r in zip(preds, self.records) if any(e.get("valid") is False for e in r["expect"]))
        flipped = next(s for s in bad["selectors"] if s["valid"] is False)
        flipped["valid"] = True
        code, res, out = self.run_score(preds, "--min", "0.99")
        self.assertEqual(code, 1, out)
        self.assertEqual(res["per_kind"]["phone"]["fn"], dropped)
        self.assertEqual(res["per_kind"]["telegram"]["fp"], 1)
        self.assertEqual(res["valid_mismatches"], 1)
        self.assertEqual(res["per_kind"][flipped["kind"]]["fp"], 1)
        self.assertEqual(res["per_kind"][flipped["kind"]]["fn"], 1)
        self.assertEqual(res["negatives"]["with_selectors"], 1)
        # --min 0 (the default) never fails on figures.
        self.assertEqual(self.run_score(preds)[0], 0)

    def test_offset_violations_and_strict(self) -> None:
        preds = perfect(self.records)
        victim = next(p for p in preds if p["selectors"])
        victim["selectors"][0]["raw"] = "definitely not this"
        victim2 = next(p for p in preds[1:] if p["selectors"] and p is not victim)
        victim2["selectors"][0]["end"] = 10**6
        code, res, _ = self.run_score(preds)
        self.assertEqual(code, 0)
        self.assertEqual(res["offsets"]["violations"], 2)
        self.assertEqual(self.run_score(preds, "--strict")[0], 1)

    def test_region_ambiguous_candidates_each_count(self) -> None:
        preds = perfect(self.records)
        rec = next(r for r in self.records if any(e.get("region_ambiguous") for e in r["expect"]))
        group = [e for e in rec["expect"] if e.get("region_ambiguous")]
        self.assertGreater(len(group), 1)
        p = next(x for x in preds if x["id"] == rec["id"])
        # A scanner that silently picks one region loses the other candidates.
        keep = group[0]["value"]
        p["selectors"] = [s for s in p["selectors"] if s["kind"] != "phone" or s["value"] == keep]
        _, res, _ = self.run_score(preds)
        self.assertEqual(res["per_kind"]["phone"]["fn"], len(group) - 1)

    def test_order_and_id_contract(self) -> None:
        preds = perfect(self.records)
        preds[0], preds[1] = preds[1], preds[0]
        del preds[-1]
        _, res, _ = self.run_score(preds)
        joined = " ".join(res["contract_violations"])
        self.assertIn("output objects for", joined)
        self.assertIn("out of order", joined)
        # Swapped records are still scored against the right text (fallback by id).
        self.assertEqual(res["overall"]["fp"], 0)
        self.assertEqual(res["overall"]["fn"], len(self.records[-1]["expect"]))

    def test_runs_a_binary_without_leaking_expectations(self) -> None:
        fake = self.dir / "redflag"
        perfect_file = self.dir / "perfect.jsonl"
        perfect_file.write_text("".join(json.dumps(x) + "\n" for x in perfect(self.records)), encoding="utf-8")
        fake.write_text(
            f"""#!{sys.executable}
import json, sys
args = sys.argv[1:]
assert args[:5] == ["scan", "--input", "jsonl", "--format", "jsonl"], args
rows = [json.loads(l) for l in open(args[5], encoding="utf-8")]
assert all(set(r) == {{"id", "text"}} for r in rows), "expectations or lang leaked"
sys.stdout.write(open({str(perfect_file)!r}, encoding="utf-8").read())
""",
            encoding="utf-8",
        )
        fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
        code, res, out = self.run_score(None, "--redflag", str(fake), "--min", "1.0")
        self.assertEqual(code, 0, out)
        self.assertEqual(res["source"]["redflag"], str(fake))
        # A failing binary is reported as exit 2.
        fake.write_text(f"#!{sys.executable}\nimport sys; sys.exit(3)\n", encoding="utf-8")
        self.assertEqual(self.run_score(None, "--redflag", str(fake))[0], 2)
        self.assertEqual(self.run_score(None, "--redflag", os.fspath(self.dir / "missing"))[0], 2)


if __name__ == "__main__":
    unittest.main()
