#!/usr/bin/env python3
"""Tests for score.py and overlap_check.py (standard library only).

Run: python3 -m unittest bench/eval/test_eval_tools.py
Besides the synthetic cases, it checks the committed evalset.jsonl against the rules of its README:
fields, unique ids, >= 20 items per language, genuine >= 40 %, non-verbatim under half of each label.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import unittest
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # keep bench/eval free of __pycache__
sys.path.insert(0, str(HERE))

import overlap_check  # noqa: E402
import score  # noqa: E402


def report(i: str, lure="none", scam="none", distress="none", lang="en", nested=False) -> str:
    d = {"score": 0.5, "findings": [], "urgency": 0, "flags": []}
    if nested:
        d["assessment"] = {"score": 0.5, "band": distress, "findings": []}
    else:
        d["band"] = distress
    return json.dumps({"id": i, "lang": lang, "lure": {"score": 0.5, "band": lure, "findings": []},
                       "scam": {"score": 0.5, "band": scam, "findings": []}, "distress": d, "selectors": []})


ITEMS = [
    {"id": "a", "lang": "en", "label": "lure", "text": "t1", "verbatim": True},
    {"id": "b", "lang": "en", "label": "lure", "text": "t2", "verbatim": False},
    {"id": "c", "lang": "id", "label": "scam", "text": "t3", "verbatim": True},
    {"id": "d", "lang": "ms", "label": "distress", "text": "t4", "verbatim": True},
    {"id": "e", "lang": "ms", "label": "genuine", "text": "t5", "verbatim": True},
    {"id": "f", "lang": "en", "label": "genuine", "text": "t6", "verbatim": True},
]


class ScoreTests(unittest.TestCase):
    def preds(self, lines):
        return score.parse_predictions(lines, ITEMS)

    def test_recall_counts_only_the_own_task(self):
        lines = [
            report("a", lure="medium"),
            report("b", scam="critical"),  # a lure flagged only as scam is a miss for lure
            report("c", scam="low"),  # low is not flagged
            report("d", distress="high", nested=True),
            report("e", lure="medium"),  # genuine flagged by any task: false positive
            report("f"),
        ]
        res = score.evaluate(ITEMS, self.preds(lines))
        a = res["sections"]["all"]
        self.assertEqual((a["lure"]["k"], a["lure"]["n"]), (1, 2))
        self.assertEqual(a["lure"]["verbatim_only"]["k"], 1)
        self.assertEqual((a["scam"]["k"], a["scam"]["n"]), (0, 1))
        self.assertEqual((a["distress"]["k"], a["distress"]["n"]), (1, 1))
        self.assertEqual((a["positives"]["k"], a["positives"]["n"]), (2, 4))
        self.assertEqual((a["genuine_flagged"]["k"], a["genuine_flagged"]["n"]), (1, 2))
        self.assertEqual(a["confusion"]["lure"], {"n": 2, "lure": 1, "scam": 1, "distress": 0, "none": 0})
        self.assertEqual(a["confusion"]["scam"]["none"], 1)
        self.assertIs(a["meets_targets"]["recall>=0.80"], False)
        self.assertIs(a["meets_targets"]["genuine_flagged<=0.05"], False)
        self.assertIn("id+ms", res["sections"])
        self.assertEqual(res["sections"]["id+ms"]["count"], 3)
        self.assertEqual([m["id"] for m in res["misses"]["positives_missed"]], ["b", "c"])
        self.assertEqual([m["id"] for m in res["misses"]["genuine_flagged"]], ["e"])

    def test_all_flagged_meets_targets(self):
        lines = [report("a", lure="high"), report("b", lure="medium"), report("c", scam="critical"),
                 report("d", distress="medium"), report("e"), report("f", lure="low")]
        a = score.evaluate(ITEMS, self.preds(lines))["sections"]["all"]
        self.assertEqual(a["meets_targets"], {"recall>=0.80": True, "genuine_flagged<=0.05": True})

    def test_order_and_count_are_enforced(self):
        good = [report(i) for i in "abcdef"]
        with self.assertRaises(score.BadInput):
            self.preds(good[:-1])
        with self.assertRaises(score.BadInput):
            self.preds([good[1], good[0], *good[2:]])
        bad_band = [*good[:-1], report("f", lure="orange")]
        with self.assertRaises(score.BadInput):
            self.preds(bad_band)

    def test_langid_merges_id_and_ms(self):
        lines = [report("a"), report("b"), report("c", lang="ms"), report("d", lang="id"), report("e", lang="ms"),
                 report("f", lang="und")]
        li = score.evaluate(ITEMS, self.preds(lines))["langid"]
        self.assertEqual(li["exact"]["k"], 3)
        self.assertEqual(li["id_ms_merged"]["k"], 5)

    def test_wilson(self):
        self.assertIsNone(score.wilson(0, 0))
        lo, hi = score.wilson(8, 10)
        self.assertTrue(0.44 < lo < 0.5 and 0.94 < hi < 0.97)

    def test_scan_input_withholds_labels(self):
        recs = [json.loads(x) for x in score.scan_input(ITEMS, give_lang=False).decode().splitlines()]
        self.assertEqual(set(recs[0]), {"id", "text"})
        recs = [json.loads(x) for x in score.scan_input(ITEMS, give_lang=True).decode().splitlines()]
        self.assertEqual(set(recs[0]), {"id", "text", "lang"})

    def test_main_with_predictions_file(self):
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            s = d / "set.jsonl"
            s.write_text("".join(json.dumps(x) + "\n" for x in ITEMS))
            p = d / "pred.jsonl"
            p.write_text("\n".join(report(i, lure="high", scam="high", distress="high") for i in "abcdef") + "\n")
            out = d / "r.json"
            buf = io.StringIO()
            with redirect_stdout(buf):
                rc = score.main(["--set", str(s), "--predictions", str(p), "--out", str(out), "--fail-under"])
            self.assertEqual(rc, 1)  # every genuine text flagged: the false-positive target is missed
            self.assertIn("| **all** | 6 |", buf.getvalue())
            self.assertEqual(json.loads(out.read_text())["sections"]["all"]["genuine_flagged"]["k"], 2)
            with redirect_stdout(io.StringIO()):
                self.assertEqual(score.main(["--set", str(s), "--predictions", str(d / "missing"), "--out", str(out)]), 2)


class OverlapTests(unittest.TestCase):
    def run_check(self, pack_toml: str, evals: list[str], *extra: str) -> int:
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            (d / "packs").mkdir()
            (d / "packs" / "lure.toml").write_text(pack_toml, encoding="utf-8")
            s = d / "set.jsonl"
            s.write_text("".join(json.dumps({"id": f"e{i}", "text": t}, ensure_ascii=False) + "\n"
                                 for i, t in enumerate(evals)), encoding="utf-8")
            with redirect_stdout(io.StringIO()):
                return overlap_check.main(["--set", str(s), "--packs", str(d / "packs"), *extra])

    LONG = "Hiring customer service staff in Phnom Penh, salary $1500, free flight and housing"

    def test_overlap_in_rule_example_table(self):
        pack = '[[rule]]\nid = "r"\n[[rule.example]]\ntext = """ad: HIRING  customer service staff in\nphnom penh, salary $1500"""\n'
        self.assertEqual(self.run_check(pack, [self.LONG]), 1)

    def test_overlap_in_inline_examples_array(self):
        pack = '[[rule]]\nid = "r"\nexamples = [ { text = "x Hiring customer service staff in Phnom Penh, salary", matches = true } ]\n'
        self.assertEqual(self.run_check(pack, [self.LONG]), 1)

    def test_no_overlap_below_threshold(self):
        pack = '[[rule]]\nid = "r"\nexamples = [ { text = "customer service staff in Phnom Penh", matches = true } ]\n'
        self.assertEqual(self.run_check(pack, [self.LONG]), 0)

    def test_short_eval_text_caught_whole(self):
        pack = '[[rule]]\nid = "r"\n[[rule.example]]\ntext = "She wrote: Mẹ ơi, cứu con! please"\n'
        self.assertEqual(self.run_check(pack, ["Mẹ ơi, cứu con"]), 1)
        self.assertEqual(self.run_check(pack, ["cứu"]), 0)  # below --short: too generic to count

    def test_against_data_files(self):
        pack = '[[rule]]\nid = "r"\n'
        with tempfile.TemporaryDirectory() as d:
            data = Path(d) / "sms.csv"
            data.write_text('label,text\nspam,"' + self.LONG.upper() + '"\n', encoding="utf-8")
            self.assertEqual(self.run_check(pack, [self.LONG], "--against", str(data)), 1)

    def test_missing_packs_is_usage_error(self):
        with tempfile.TemporaryDirectory() as d, redirect_stdout(io.StringIO()):
            s = Path(d) / "set.jsonl"
            s.write_text('{"id":"a","text":"x"}\n')
            self.assertEqual(overlap_check.main(["--set", str(s), "--packs", str(Path(d) / "none")]), 2)


class EvalSetRules(unittest.TestCase):
    """The committed set keeps the rules stated in README.md."""

    @classmethod
    def setUpClass(cls):
        cls.items = score.load_set(HERE / "evalset.jsonl")

    def test_fields(self):
        for it in self.items:
            self.assertRegex(it["id"], r"^ev-\d{4}$")
            self.assertIn(it["kind"], {"job_ad", "message", "post", "report"})
            self.assertIsInstance(it["verbatim"], bool)
            self.assertTrue(it["source"].strip() and it["source_url"].startswith("http"), it["id"])
            self.assertIn(it["lang"], score.LANG_ORDER)

    def test_balance(self):
        n = len(self.items)
        self.assertGreaterEqual(n, 240)
        per_lang = Counter(it["lang"] for it in self.items)
        for lang in ("en", "tl", "vi", "th", "zh", "my", "km"):
            self.assertGreaterEqual(per_lang[lang], 20, lang)
        self.assertGreaterEqual(per_lang["id"] + per_lang["ms"], 20)
        self.assertGreaterEqual(sum(it["label"] == "genuine" for it in self.items) / n, 0.40)
        for lab in score.LABELS:
            sel = [it for it in self.items if it["label"] == lab]
            self.assertLess(sum(not it["verbatim"] for it in sel) / len(sel), 0.5, lab)

    def test_every_language_has_every_label(self):
        have = {(it["lang"], it["label"]) for it in self.items}
        for lang in score.LANG_ORDER:
            for lab in score.LABELS:
                self.assertIn((lang, lab), have)

    def test_texts_unique(self):
        texts = Counter(overlap_check.normalise(it["text"]) for it in self.items)
        self.assertEqual([t for t, c in texts.items() if c > 1], [])


if __name__ == "__main__":
    unittest.main()


class DevSetRules(unittest.TestCase):
    """bench/dev/devset.jsonl: the scorer reads it (`--set`), it covers every language and label, and it
    shares no 40-character stretch with the held-out set (checked without printing any eval text)."""

    DEV = HERE.parent / "dev" / "devset.jsonl"

    def test_loads_and_covers_every_language_and_label(self):
        items = score.load_set(self.DEV)
        self.assertGreaterEqual(len(items), 200)
        for it in items:
            self.assertRegex(it["id"], r"^dv-[a-z]{2}-\d{3}$")
            self.assertFalse(it["verbatim"])
        seen = Counter((it["lang"], it["label"]) for it in items)
        for lang in score.LANG_ORDER:
            for lab in score.LABELS:
                self.assertGreaterEqual(seen[(lang, lab)], 3, (lang, lab))

    def test_no_overlap_with_the_eval_set(self):
        evals = overlap_check.load_eval(HERE / "evalset.jsonl")
        dev = overlap_check.against_texts([self.DEV])
        found = overlap_check.find_overlaps(evals, dev, 40, 10)
        self.assertEqual(len(found), 0, "a dev text overlaps the eval set: run overlap_check.py --against bench/dev")
