"""Tests of the Python module: the JSONL contract of the CLI, Arrow input read in place, the GIL released
while scanning, and clear errors. Run by scripts/test.sh after `maturin develop`."""
import json
import os
import pathlib
import subprocess
import threading
import time

import pyarrow as pa
import pytest

import redflag

ROOT = pathlib.Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "ads.jsonl"
CLI = pathlib.Path(os.environ.get("REDFLAG_BIN", ROOT / "target" / "release" / "redflag"))

LURE = "URGENT HIRING! Customer service in Sihanoukville, no experience, salary $2000, free flight and visa. Telegram: @kh_hr_jobs2025"


def example_texts():
    return [json.loads(line)["text"] for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_same_contract_as_the_cli():
    if not CLI.exists():
        pytest.skip("the release CLI is not built") if not os.environ.get("REDFLAG_REQUIRE_PY") else pytest.fail(f"{CLI} missing")
    texts = example_texts()
    stdin = "".join(json.dumps({"text": t}) + "\n" for t in texts)
    out = subprocess.run([str(CLI), "scan", "--format", "jsonl", "--input", "jsonl", "-"],
                         input=stdin.encode(), capture_output=True, check=True).stdout.decode()
    cli = [json.loads(line) for line in out.splitlines()]
    assert redflag.scan(texts) == cli
    assert len(cli) == len(texts) and any(r["lure"]["band"] in ("medium", "high", "critical") for r in cli)


def test_arrow_input_gives_the_same_reports_as_a_list():
    texts = example_texts()
    as_list = redflag.scan(texts)
    for typ in (pa.string(), pa.large_string(), pa.string_view()):
        assert redflag.scan(pa.array(texts, type=typ)) == as_list, typ


def test_chunked_arrays_keep_record_numbers_and_order():
    texts = example_texts()
    half = len(texts) // 2
    chunked = pa.chunked_array([pa.array(texts[:half]), pa.array(texts[half:])])
    reports = redflag.scan(chunked)
    assert [r["id"] for r in reports] == [str(i) for i in range(1, len(texts) + 1)]
    assert reports == redflag.scan(texts)
    cols = redflag.scan_columns(chunked)
    assert cols["lure_band"] == [r["lure"]["band"] for r in reports]


def test_nulls_give_none():
    reports = redflag.scan(pa.array([LURE, None, "hi"]))
    assert reports[1] is None and reports[0]["lure"]["band"] != "none"
    assert redflag.scan([None, LURE])[0] is None
    cols = redflag.scan_columns(pa.array([None, LURE]))
    assert cols["lure_score"][0] is None and cols["lure_score"][1] > 0


def test_columns_match_the_reports():
    texts = example_texts()
    reports = redflag.scan(texts)
    cols = redflag.scan_columns(texts)
    assert set(len(v) for v in cols.values()) == {len(texts)}
    for task in ("lure", "scam", "distress"):
        assert cols[f"{task}_score"] == [r[task]["score"] for r in reports]
        assert cols[f"{task}_rules"] == [[f["rule"] for f in r[task]["findings"]] for r in reports]
    assert cols["selectors"] == [r["selectors"] for r in reports]
    # The columns make a table pyarrow can write to Parquet.
    table = pa.table(cols)
    assert table.num_rows == len(texts)


def test_kinds_choose_the_classifier():
    ad = example_texts()[0]
    as_ad = redflag.scan([ad], kinds="job_ad")[0]
    as_other = redflag.scan([ad], kinds=["other"])[0]
    assert not any(f["rule"].startswith("model.") for f in as_other["lure"]["findings"])
    assert as_ad["lure"]["score"] >= as_other["lure"]["score"]


def test_check_and_selectors():
    r = redflag.check("Contact wa.me/85597 234 5678 or t.me/jobs_kh", lang="en")
    kinds = {(s["kind"], s["value"]) for s in r["selectors"]}
    assert ("telegram", "jobs_kh") in kinds
    assert redflag.extract_selectors("Contact wa.me/85597 234 5678 or t.me/jobs_kh") == r["selectors"]
    s = redflag.extract_selectors("Telegram: @kh_hr_jobs2025")[0]
    assert (s["kind"], s["raw"], s["valid"]) == ("telegram", "@kh_hr_jobs2025", True)
    info = redflag.info()
    assert {p["task"] for p in info["packs"]} == {"lure", "scam", "distress"}


def test_scanning_releases_the_gil():
    texts = [LURE] * 40_000
    done = threading.Event()
    ticks = 0

    def work():
        redflag.scan(texts)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    time.sleep(0.01)
    # This loop only runs while the scanning thread does not hold the GIL.
    while not done.is_set():
        ticks += 1
    t.join()
    assert ticks > 10_000, ticks


@pytest.mark.parametrize(
    "call,error,message",
    [
        (lambda: redflag.scan(["ok", 3]), TypeError, "texts[1]"),
        (lambda: redflag.scan(["a", "b"], kinds=["job_ad"]), ValueError, "1 entries for 2 texts"),
        (lambda: redflag.scan(pa.array([1, 2])), TypeError, "string array"),
        (lambda: redflag.check("x", lang="xx"), ValueError, "unknown language"),
        (lambda: redflag.scan(["a"], kinds=[3]), TypeError, "kinds[0]"),
    ],
)
def test_bad_input_is_a_clear_error(call, error, message):
    with pytest.raises(error, match=message.replace("[", r"\[").replace("]", r"\]")):
        call()
