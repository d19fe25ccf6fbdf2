#!/usr/bin/env python3
"""How many messages into a scripted conversation redflag first flags it.

Renders every conversation of conversations.json as the chat export its `format` names (WhatsApp text,
Telegram Desktop JSON, Line text — one message per 3 hours from 2024-03-01 09:00 local, +07:00), runs
`redflag scan --thread FILE --format jsonl` on it, and prints per conversation:
  thread@   the first message at which the THREAD (stages + messages so far) reaches scam band medium
  message@  the first message whose OWN report reaches scam band medium (scanning messages one by one)
  band      the whole thread's scam band; stages seen; `flagged` = any task (lure, scam, distress) ≥ medium
Usage: python3 bench/threads/run.py [--bin target/debug/redflag]
"""
import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = {"A": "Contact", "B": "Me"}
TZ = dt.timezone(dt.timedelta(hours=7))


def times(n):
    t0 = dt.datetime(2024, 3, 1, 9, 0, 0, tzinfo=TZ)
    return [t0 + dt.timedelta(hours=3 * i) for i in range(n)]


def render(conv):
    msgs = conv["messages"]
    ts = times(len(msgs))
    fmt = conv["format"]
    if fmt == "whatsapp":
        return "".join(
            f"[{t:%d/%m/%y, %H:%M:%S}] {NAMES[s]}: {x}\n" for t, (s, x) in zip(ts, msgs)
        ), "txt"
    if fmt == "telegram":
        out = {"name": "bench", "type": "personal_chat", "id": 1, "messages": [
            {"id": i + 1, "type": "message", "date": t.strftime("%Y-%m-%dT%H:%M:%S"),
             "date_unixtime": str(int(t.timestamp())), "from": NAMES[s], "from_id": "user" + s, "text": x}
            for i, (t, (s, x)) in enumerate(zip(ts, msgs))]}
        return json.dumps(out, ensure_ascii=False, indent=1), "json"
    if fmt == "line":
        lines, day = ["[LINE] Chat history with Contact", "Saved on: 3/31/2024, 10:00", ""], None
        for t, (s, x) in zip(ts, msgs):
            if t.date() != day:
                day = t.date()
                lines.append(f"{t:%a}, {t.month}/{t.day}/{t.year}")
            lines.append(f"{t:%H:%M}\t{NAMES[s]}\t{x}")
        return "\n".join(lines) + "\n", "txt"
    raise ValueError(fmt)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "..", "target", "debug", "redflag"))
    args = ap.parse_args()
    convs = json.load(open(os.path.join(HERE, "conversations.json"), encoding="utf-8"))["conversations"]
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for c in convs:
            text, ext = render(c)
            p = os.path.join(d, f"{c['id']}.{ext}")
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
            r = subprocess.run([args.bin, "scan", "--thread", p, "--format", "jsonl", "--tz-offset", "+07:00"],
                               capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"{c['id']}: redflag failed ({r.returncode}): {r.stderr}")
            a = json.loads(r.stdout)
            thread_at = a["scam"]["first_flagged"]
            msg_at = next((m["index"] for m in a["messages"] if m["report"]["scam"]["band"] in ("medium", "high", "critical")), None)
            flagged = any(a[t]["band"] in ("medium", "high", "critical") for t in ("lure", "scam", "distress"))
            rows.append(dict(id=c["id"], label=c["label"], lang=c["lang"], fmt=c["format"], n=a["message_count"],
                             thread_at=thread_at, msg_at=msg_at, band=a["scam"]["band"], flagged=flagged,
                             stages=",".join(s["stage"] for s in a["scam"]["stages"])))
    pos = lambda x: "-" if x is None else str(x + 1)
    print("| conversation | label | lang | format | messages | thread flags at | single message flags at | thread scam band | flagged (any task) | stages seen |")
    print("|---|---|---|---|---:|---:|---:|---|---|---|")
    for r in rows:
        print(f"| {r['id']} | {r['label']} | {r['lang']} | {r['fmt']} | {r['n']} | {pos(r['thread_at'])} | {pos(r['msg_at'])} | {r['band']} | {'yes' if r['flagged'] else 'no'} | {r['stages']} |")
    scam = [r for r in rows if r["label"] == "scam"]
    neg = [r for r in rows if r["label"] != "scam"]
    at = [r["thread_at"] + 1 for r in scam if r["thread_at"] is not None]
    ma = [r["msg_at"] + 1 for r in scam if r["msg_at"] is not None]
    print()
    print(f"scam conversations flagged by the thread: {len(at)}/{len(scam)}; first flag at message "
          f"median {statistics.median(at) if at else '-'}, mean {statistics.mean(at) if at else 0:.1f} "
          f"(of {statistics.mean(r['n'] for r in scam):.1f} messages on average)")
    print(f"scam conversations with a single message flagged on its own: {len(ma)}/{len(scam)}; first at message "
          f"median {statistics.median(ma) if ma else '-'}")
    print(f"ordinary conversations flagged (any task, whole thread): {sum(r['flagged'] for r in neg)}/{len(neg)}; "
          f"with a single message flagged for scam on its own: {sum(r['msg_at'] is not None for r in neg)}/{len(neg)}")


if __name__ == "__main__":
    main()
