#!/usr/bin/env python3
"""Throughput and memory of `redflag scan`, side by side in one run with the alternatives a user would pick.

- redflag scan (all three tasks + selectors), on one core and on all cores, over a corpus built from
  ../shared/data repeated to the target size (JSONL, one document per line);
- iocsearcher and iocextract (PyPI) extracting URLs, e-mails and crypto addresses from a fixed slice of the
  same text (they are slow: a few MB is enough for a stable rate);
- the bare Aho-Corasick scan of the same phrase lists (the near-limit), from `cargo bench -p redflag-core`.
- peak RSS of redflag at 100 MB and 1 GB input: it must stay flat;
- redflag's start-up (packs compiled, numbering plans loaded), reported apart and amortised in the rates.

Usage: python3 bench/throughput/run.py [--redflag target/release/redflag] [--sizes 100,1024] [--slice-mb 2]
Needs a venv with iocsearcher/iocextract: created under bench/.venv on first run (PyPI only).
"""
import argparse, csv, io, json, os, resource, subprocess, sys, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.environ.get("REDFLAG_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))
WORK = os.path.join(ROOT, "bench", "work")
VENV = os.path.join(ROOT, "bench", ".venv")


def shared_texts():
    """Every text of the shared datasets (job ads joined from their text columns)."""
    texts = []
    def rows(path, **kw):
        with open(path, encoding="utf-8", newline="") as f:
            yield from csv.DictReader(f, **kw)
    p = os.path.join(SHARED, "sms-spam-uci", "SMSSpamCollection")
    if os.path.exists(p):
        for line in open(p, encoding="utf-8"):
            if "\t" in line:
                texts.append(line.split("\t", 1)[1].strip())
    for rel, col in [("sms-spam-id/dataset_sms_spam_v1.csv", "Teks"), ("sms-th-sivakorn/thai_sms_labelled.csv", "text"),
                     ("sms-th-scamguard/sms_dataset.csv", "text"), ("sms-th-punchpatcha/spamsmsdataset.csv", "v2"),
                     ("sms-vi-ie403/dataset.csv", None), ("sms-th-beebuzz/thai_sms_fraud_normal.csv", None)]:
        p = os.path.join(SHARED, rel)
        if not os.path.exists(p):
            continue
        for r in rows(p):
            c = col or next((k for k in r if k and k.lower() in ("text", "content", "message", "sms", "teks")), None)
            if c and r.get(c):
                texts.append(r[c])
    p = os.path.join(SHARED, "emscad", "fake_job_postings.csv")
    if os.path.exists(p):
        for r in rows(p):
            texts.append("\n".join(r[k] for k in ("title", "company_profile", "description", "requirements", "benefits") if r.get(k)))
    if not texts:
        sys.exit(f"no texts under {SHARED}")
    return texts


def build_corpus(texts, mb):
    path = os.path.join(WORK, f"corpus_{mb}MB.jsonl")
    if os.path.exists(path) and os.path.getsize(path) >= mb << 20:
        return path
    os.makedirs(WORK, exist_ok=True)
    lines = [json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts]
    block = "".join(lines).encode("utf-8")
    with open(path, "wb") as f:
        written = 0
        while written < mb << 20:
            f.write(block)
            written += len(block)
    return path


def run_measured(cmd, stdin_path=None):
    """Wall time, peak RSS (KiB) and CPU time (user + system) of one child process."""
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = ru0.ru_maxrss
    t = time.perf_counter()
    with open(stdin_path or os.devnull, "rb") as fin, open(os.devnull, "wb") as fout:
        p = subprocess.run(cmd, stdin=fin, stdout=fout, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"{cmd} failed: {p.stderr.decode()[-2000:]}")
    # ru_maxrss of children is the max over all waited children so far; measure the large runs last.
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ru.ru_utime + ru.ru_stime - ru0.ru_utime - ru0.ru_stime
    return wall, ru.ru_maxrss if ru.ru_maxrss > before else None, cpu


def ensure_venv():
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    r = subprocess.run([py, "-c", "import iocsearcher, iocextract"], capture_output=True)
    if r.returncode != 0:
        subprocess.run([py, "-m", "pip", "install", "-q", "iocsearcher==3.1.0", "iocextract==1.16.1", "requests"], check=True)
    return py


ALT = r'''
import sys, time, json
which, path = sys.argv[1], sys.argv[2]
data = open(path, encoding="utf-8").read()
n = 0
t, c = time.perf_counter(), time.process_time()
if which == "iocsearcher":
    from iocsearcher.searcher import Searcher
    s = Searcher()
    for line in data.splitlines():
        n += len(s.search_data(line, targets={"url", "email", "bitcoin", "ethereum", "tronix"}))
else:
    import iocextract
    for line in data.splitlines():
        n += sum(1 for _ in iocextract.extract_urls(line, refang=True))
        n += sum(1 for _ in iocextract.extract_emails(line, refang=True))
        n += sum(1 for _ in iocextract.extract_custom_iocs(line, [r"\b(0x[0-9a-fA-F]{40})\b", r"\b([13][a-km-zA-HJ-NP-Z1-9]{25,34}|bc1[a-z0-9]{11,71}|T[1-9A-HJ-NP-Za-km-z]{33})\b"]))
print(json.dumps({"seconds": time.perf_counter() - t, "cpu": time.process_time() - c, "found": n, "bytes": len(data.encode("utf-8"))}))
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redflag", default=os.path.join(ROOT, "target", "release", "redflag"))
    ap.add_argument("--sizes", default="100,1024", help="corpus sizes in MB for the RSS check")
    ap.add_argument("--slice-mb", type=float, default=2.0, help="text slice for the Python tools")
    ap.add_argument("--core-mb", type=int, default=100, help="corpus size for the one-core rate")
    a = ap.parse_args()
    texts = shared_texts()
    sizes = [int(s) for s in a.sizes.split(",")]
    corpus = {mb: build_corpus(texts, mb) for mb in sorted(set(sizes + [a.core_mb]))}

    # The slice: the plain texts (not JSON) of the first slice-mb of the corpus.
    slice_path = os.path.join(WORK, f"slice_{a.slice_mb}MB.txt")
    with open(slice_path, "w", encoding="utf-8") as f:
        size = 0
        for t in texts:
            line = " ".join(t.split()) + "\n"
            f.write(line)
            size += len(line.encode())
            if size >= a.slice_mb * (1 << 20):
                break
    slice_bytes = os.path.getsize(slice_path)
    rows = []

    def rate(b, s):
        return b / (1 << 20) / s if b and s else 0.0

    # Start-up (packs parsed, automaton and patterns compiled, numbering plans loaded): one short document.
    one_path = os.path.join(WORK, "one.txt")
    with open(one_path, "w", encoding="utf-8") as f:
        f.write("Call +855 97 234 5678 for the job\n")
    runs = sorted(run_measured([a.redflag, "scan", "--lines", "--input", "text", "--format", "jsonl", "--threads", "1", one_path])
                  for _ in range(3))
    startup, startup_cpu = runs[1][0], runs[1][2]
    rows.append(("redflag start-up (1 short document), 1 core", 0, startup, startup_cpu))

    # redflag on the same slice (text, --lines), one core: the like-for-like figure against the Python tools.
    # Once as is (start-up included), and the slice ten times over in one run, so that start-up is
    # amortised as it is for the Python tools (their import and set-up are outside their timed loop).
    w, _, c = run_measured([a.redflag, "scan", "--lines", "--input", "text", "--format", "jsonl", "--threads", "1", slice_path])
    rows.append(("redflag scan, slice, 1 core (start-up included)", slice_bytes, w, c))
    slice10 = os.path.join(WORK, f"slice_{a.slice_mb}MB_x10.txt")
    with open(slice_path, "rb") as fin, open(slice10, "wb") as fout:
        block = fin.read()
        for _ in range(10):
            fout.write(block)
    w, _, c = run_measured([a.redflag, "scan", "--lines", "--input", "text", "--format", "jsonl", "--threads", "1", slice10])
    rf_slice, rf_slice_cpu = rate(10 * slice_bytes, w), rate(10 * slice_bytes, c)
    rows.append(("redflag scan, slice x10, 1 core (start-up amortised)", 10 * slice_bytes, w, c))
    py = ensure_venv()
    alt = {}
    for tool in ("iocsearcher", "iocextract"):
        out = subprocess.run([py, "-c", ALT, tool, slice_path], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        alt[tool] = (rate(r["bytes"], r["seconds"]), rate(r["bytes"], r["cpu"]))
        rows.append((f"{tool}, slice, 1 core ({r['found']} found)", r["bytes"], r["seconds"], r["cpu"]))

    p = corpus[a.core_mb]
    w, _, c = run_measured([a.redflag, "scan", "--format", "jsonl", "--threads", "1", p])
    rows.append((f"redflag scan, {a.core_mb} MB, 1 core", os.path.getsize(p), w, c))
    w, _, c = run_measured([a.redflag, "scan", "--format", "jsonl", p])
    rows.append((f"redflag scan, {a.core_mb} MB, {os.cpu_count()} cores", os.path.getsize(p), w, c))

    rss = {}
    for mb in sorted(sizes):
        p = corpus[mb]
        # Each in its own python child so ru_maxrss is that run's peak alone.
        code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
                "subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,check=True);"
                "r=resource.getrusage(resource.RUSAGE_CHILDREN);"
                "print(time.perf_counter()-t, r.ru_maxrss, r.ru_utime+r.ru_stime)")
        out = subprocess.run([sys.executable, "-c", code, a.redflag, "scan", "--format", "jsonl", p], capture_output=True, text=True, check=True)
        secs, kib, cpu = out.stdout.split()
        rss[mb] = int(kib) / 1024
        rows.append((f"redflag scan, {mb} MB, all cores (peak RSS {rss[mb]:.0f} MiB)", os.path.getsize(p), float(secs), float(cpu)))

    bench = subprocess.run(["cargo", "bench", "-q", "-p", "redflag-core", "--bench", "throughput"], cwd=ROOT, capture_output=True, text=True,
                           env={**os.environ, "REDFLAG_BENCH_MB": "20"})
    # The machine may be shared: wall-clock rates then depend on the other jobs, CPU-time rates much
    # less. "MB/s per CPU s" of a one-core run is the per-core rate; of an all-core run, per busy core.
    print("| run | MB | wall s | CPU s | MB/s (wall) | MB/s per CPU s |\n|---|---:|---:|---:|---:|---:|")
    for name, b, w, c in rows:
        print(f"| {name} | {b / (1 << 20):.1f} | {w:.2f} | {c:.2f} | {rate(b, w):.2f} | {rate(b, c):.2f} |" if b
              else f"| {name} | - | {w:.2f} | {c:.2f} | - | - |")
    print()
    for tool in ("iocsearcher", "iocextract"):
        print(f"- redflag per core vs {tool} (same slice, start-up amortised): {rf_slice_cpu / alt[tool][1]:.1f}x per CPU second, "
              f"{rf_slice / alt[tool][0]:.1f}x wall")
    print(f"- redflag start-up: {startup:.2f} s wall, {startup_cpu:.2f} s CPU (once per process; the Python tools' imports are not timed)")
    if len(rss) >= 2:
        lo, hi = min(rss), max(rss)
        print(f"- peak RSS: {rss[lo]:.0f} MiB at {lo} MB, {rss[hi]:.0f} MiB at {hi} MB (ratio {rss[hi] / rss[lo]:.2f})")
    print("- bare Aho-Corasick vs full analysis (cargo bench -p redflag-core --bench throughput):")
    print("  " + "\n  ".join(bench.stdout.strip().splitlines() or [bench.stderr.strip()[-500:]]))


if __name__ == "__main__":
    main()
