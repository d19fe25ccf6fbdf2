"""The PySpark job on Spark's local mode: every document scored in one Parquet row with the module's
contract, and the link table made only of shared, non-hub contact selectors (scripts/test.sh runs it)."""
import json
import pathlib
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import redflag

HERE = pathlib.Path(__file__).resolve().parent
LURE = "Easy typing job in Poipet, salary 1500 USD, free visa and flight, no experience. Telegram: @poipet_hr_{n}"
PLEA = "Please help, they took my passport and beat us in KK Park. My number is +95 9 786 543 210"
ORDINARY = "Meeting moved to 3pm, see you at the office."


def corpus():
    rows = []
    # A network of five ads sharing one handle; ten ads sharing a "hotline" (a hub at --hub-limit 8);
    # two pleas that mention the same victim's number (never a link); ordinary messages.
    rows += [(f"a{i}", LURE.format(n="net"), "job_ad") for i in range(5)]
    rows += [(f"h{i}", LURE.format(n=f"x{i}") + " Call centre +855 23 999 888", "job_ad") for i in range(10)]
    rows += [(f"p{i}", PLEA, "message") for i in range(2)]
    rows += [(f"o{i}", ORDINARY, "message") for i in range(30)]
    rows += [("null", None, "message")]
    return rows


def run_job(tmp_path, fmt):
    rows = corpus()
    table = pa.table({"doc": [r[0] for r in rows], "body": [r[1] for r in rows], "kind": [r[2] for r in rows]})
    if fmt == "parquet":
        src = tmp_path / "in.parquet"
        pq.write_table(table, src)
    else:
        src = tmp_path / "in.csv"
        table.to_pandas().to_csv(src, index=False)
    out, links = tmp_path / "scored", tmp_path / "links"
    cmd = [sys.executable, str(HERE / "scan.py"), "--input", str(src), "--text-column", "body",
           "--id-column", "doc", "--kind-column", "kind", "--out", str(out), "--links", str(links),
           "--hub-limit", "8", "--master", "local[2]", "--batch-rows", "7"]
    subprocess.run(cmd, check=True)
    return rows, pq.read_table(out).to_pylist(), pq.read_table(links).to_pylist()


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_job_scores_every_document_and_links_the_network(tmp_path, fmt):
    rows, scored, links = run_job(tmp_path, fmt)
    by_id = {r["id"]: r for r in scored}
    assert set(by_id) == {r[0] for r in rows}
    # The same figures as the module on one text.
    direct = redflag.scan([LURE.format(n="net")], kinds="job_ad")[0]
    assert by_id["a0"]["lure_score"] == direct["lure"]["score"]
    assert by_id["a0"]["lure_rules"] == [f["rule"] for f in direct["lure"]["findings"]]
    assert by_id["p0"]["distress_band"] in ("medium", "high", "critical")
    assert by_id["o0"]["lure_band"] == "none"
    assert by_id["null"]["lure_score"] is None
    linked = {(l["id"], l["kind"], l["value"]) for l in links}
    assert {(f"a{i}", "telegram", "poipet_hr_net") for i in range(5)} <= linked
    assert all(l["documents"] == 5 for l in links if l["value"] == "poipet_hr_net")
    # The number in ten ads is a hub; the victim's number in the pleas has role victim: neither links.
    assert not any(v == "+85523999888" for _, _, v in linked), links
    assert not any(i.startswith("p") for i, _, _ in linked)
    assert not any(i.startswith("o") for i, _, _ in linked)


def test_bad_column_is_a_clear_error(tmp_path):
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"x": ["a"]}), src)
    r = subprocess.run([sys.executable, str(HERE / "scan.py"), "--input", str(src), "--out", str(tmp_path / "o"),
                        "--master", "local[1]"], capture_output=True, text=True)
    assert r.returncode != 0 and "no column 'text'" in r.stderr
