#!/usr/bin/env python3
"""Synthetic store corpus: N documents built from the texts of ../shared/data with synthetic selectors.

Documents belong to networks (sizes drawn from a heavy-tailed law, mean ~20). A network has its own
template (two text snippets from the shared data) and its own selectors (Telegram handles, Thai and
Cambodian phone numbers, TRON-shaped handles are not used: wallets would need valid checksums, so
networks use handles, phones and e-mail addresses); each document carries 3-6 of its network's selectors
plus, in 2 % of documents, one shared "platform support" number (a hub the clustering must suppress).
5 % of documents are noise: random snippet pairs with selectors of their own. Output: JSONL with
"id" and "text" on stdout. Deterministic for a given --seed.

    python3 bench/store/gen.py --docs 100000 > /tmp/store100k.jsonl
"""
import argparse
import csv
import json
import os
import random
import re
import sys

csv.field_size_limit(1 << 30)


SELECTORISH = re.compile(r"\S*[./@:]\S*[A-Za-z0-9]\S*|\+?\d[\d\s-]{5,}\d")


def clean(t):
    """Drop what looks like a selector (links, domains, e-mail, handles, long numbers) from a snippet:
    the synthetic networks bring their own, and a real one shared by two snippets would link
    unrelated networks."""
    return " ".join(SELECTORISH.sub(" ", t).split())


def snippets(data):
    out = []
    files = [
        ("emscad/fake_job_postings.csv", "description"),
        ("sms-th-sivakorn/thai_sms_labelled.csv", None),
        ("sms-th-scamguard/sms_dataset.csv", "text"),
        ("sms-vi-ie403/dataset.csv", None),
        ("sms-spam-id/dataset_sms_spam_v1.csv", None),
        ("sms-spam-ph/SPAM_SMS.csv", None),
    ]
    for name, col in files:
        path = os.path.join(data, name)
        if not os.path.exists(path):
            continue
        with open(path, newline="", encoding="utf-8", errors="replace") as f:
            r = csv.reader(f)
            header = next(r, [])
            idx = header.index(col) if col in header else None
            for row in r:
                if not row:
                    continue
                t = row[idx] if idx is not None and idx < len(row) else max(row, key=len)
                t = clean(t)[:220]
                if len(t) >= 40:
                    out.append(t)
    uci = os.path.join(data, "sms-spam-uci/SMSSpamCollection")
    if os.path.exists(uci):
        for line in open(uci, encoding="utf-8", errors="replace"):
            t = clean(line.split("\t", 1)[-1])
            if len(t) >= 40:
                out.append(t[:220])
    if not out:
        sys.exit(f"no texts under {data}")
    return out


def phone(rng, cc):
    if cc == "66":
        return f"+66 8{rng.randrange(10)} {rng.randrange(1000):03d} {rng.randrange(10000):04d}"
    return f"+855 9{rng.choice('2356789')} {rng.randrange(1000):03d} {rng.randrange(1000):03d}"


def handle(rng):
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6)) + f"_{rng.randrange(10**6)}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--data", default=os.environ.get("REDFLAG_SHARED_DATA", "../shared/data"))
    a = ap.parse_args()
    rng = random.Random(a.seed)
    snips = snippets(a.data)
    out = sys.stdout
    hub = "+66 2 123 4567"
    n = 0
    net = 0
    while n < a.docs:
        net += 1
        size = min(int(rng.paretovariate(1.6) * 8), 400)
        template = (rng.choice(snips), rng.choice(snips))
        sels = [f"Telegram @{handle(rng)}" for _ in range(2)]
        sels += [f"WhatsApp {phone(rng, rng.choice(['66', '855']))}" for _ in range(3)]
        sels += [f"{handle(rng)}@gmail.com"]
        for _ in range(size):
            if n >= a.docs:
                break
            if rng.random() < 0.05:
                text = f"{rng.choice(snips)} {rng.choice(snips)} Telegram @{handle(rng)}"
            else:
                chosen = rng.sample(sels, rng.randint(3, 6))
                salary = rng.randrange(800, 4000)
                text = f"{template[0]} Salary {salary} USD. {template[1]} Contact: {', '.join(chosen)}."
                if rng.random() < 0.02:
                    text += f" Support {hub}"
            out.write(json.dumps({"id": f"s{n}", "text": text}, ensure_ascii=False) + "\n")
            n += 1


if __name__ == "__main__":
    main()
