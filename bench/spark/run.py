"""Documents per second through PySpark: redflag's module (mapInArrow) against the same job with the
scikit-learn pipeline of the classifier issue (mapInPandas), in local mode with 1 and 2 cores, in one run.

    bench/.venv-py/bin/python bench/spark/run.py [--docs 100000]

The corpus is the shared data's texts (../shared/data, as bench/throughput uses) repeated to --docs rows,
written once to bench/work/spark_<docs>.parquet. Wall-clock figures: a loaded machine lowers both sides
alike; the load average is printed beside them. Writes bench/spark/last-run.md.
"""
import argparse
import os
import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "bench" / "throughput"))


def corpus(docs: int) -> pathlib.Path:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from run import shared_texts  # bench/throughput/run.py

    path = ROOT / "bench" / "work" / f"spark_{docs}.parquet"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    texts = shared_texts()
    rows = [texts[i % len(texts)] for i in range(docs)]
    pq.write_table(pa.table({"id": [str(i) for i in range(docs)], "text": rows}), path, row_group_size=50_000)
    return path


def job(src, engine, cores):
    out = ROOT / "bench" / "work" / f"spark_out_{engine}_{cores}"
    cmd = [sys.executable, str(HERE / "scan.py"), "--input", str(src), "--id-column", "id", "--out", str(out),
           "--engine", engine, "--master", f"local[{cores}]"]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(r.stderr[-3000:])
    line = [l for l in r.stderr.splitlines() if l.startswith("scored ")][-1]
    n, seconds = int(line.split()[1]), float(line.split()[4])
    return n, seconds, wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    a = ap.parse_args()
    src = corpus(a.docs)
    mb = sum(len(t.encode()) for t in __import__("pyarrow.parquet").parquet.read_table(src).column("text").to_pylist()) / 1e6
    rows = []
    for engine in ("redflag", "sklearn"):
        for cores in (1, 2):
            load = os.getloadavg()[0]
            n, seconds, wall = job(src, engine, cores)
            rows.append((engine, cores, n, seconds, n / seconds, n / seconds / cores, load))
            print(f"{engine:8} local[{cores}]: {n} docs in {seconds:.1f} s = {n / seconds:,.0f} docs/s "
                  f"({n / seconds / cores:,.0f} per core), load {load:.1f}", file=sys.stderr)
    rate = {(e, c): r for e, c, _, _, r, _, _ in rows}
    lines = [f"# bench/spark: {a.docs:,} documents ({mb:.0f} MB of text) from ../shared/data", "",
             f"`{sys.executable} bench/spark/run.py --docs {a.docs}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
             "time from job start to the Parquet output written (JVM start-up excluded).", "",
             "| job | cores | docs/s | docs/s per core | load avg at start |", "|---|---:|---:|---:|---:|"]
    for e, c, n, s, r, pc, load in rows:
        lines.append(f"| {e} | {c} | {r:,.0f} | {pc:,.0f} | {load:.1f} |")
    lines += ["", f"- redflag / scikit-learn, per core: {rate[('redflag', 1)] / rate[('sklearn', 1)]:.1f}× on 1 core, "
              f"{rate[('redflag', 2)] / rate[('sklearn', 2)]:.1f}× on 2 cores.",
              f"- Scaling 1 → 2 cores: redflag {rate[('redflag', 2)] / rate[('redflag', 1)]:.2f}×, "
              f"scikit-learn {rate[('sklearn', 2)] / rate[('sklearn', 1)]:.2f}×.",
              "- redflag's rows carry three scores, bands, reasons and selectors; scikit-learn's one probability."]
    text = "\n".join(lines) + "\n"
    (HERE / "last-run.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
