"""scikit-learn side of bench/classifier/run.py (runs inside bench/.venv-classifier, one thread).

Reads DIR/train.jsonl and DIR/dev.jsonl (written by `redflag train --split-dir`), fits the usual Python
choice — TfidfVectorizer word 1–2 grams + char 2–5 grams (a FeatureUnion), LogisticRegression with its
defaults (C=1, lbfgs, max_iter raised to 1000) — and prints JSON: per-group figures on dev at 0.5
(as sampled, and with the rows' weights: the real base rate), CPU seconds of fitting (vectoriser +
model) and of predicting (transform + predict_proba).
"""
import json, sys, time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score, roc_auc_score
from sklearn.pipeline import make_union


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def figures(y, p, w, threshold=0.5):
    pred = [int(x >= threshold) for x in p]
    out = {"recall": recall_score(y, pred, sample_weight=w, zero_division=0)}
    if 0 < sum(y) < len(y):
        out.update(
            precision=precision_score(y, pred, sample_weight=w, zero_division=0),
            f1=f1_score(y, pred, sample_weight=w, zero_division=0),
            roc_auc=roc_auc_score(y, p, sample_weight=w),
            pr_auc=average_precision_score(y, p, sample_weight=w),
        )
    return out


def main():
    d = sys.argv[1]
    train, dev = load(f"{d}/train.jsonl"), load(f"{d}/dev.jsonl")
    t0 = time.process_time()
    vec = make_union(
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2)),
        TfidfVectorizer(analyzer="char", ngram_range=(2, 5)),
    )
    x = vec.fit_transform([r["text"] for r in train])
    clf = LogisticRegression(max_iter=1000).fit(x, [int(r["label"]) for r in train])
    train_cpu = time.process_time() - t0
    t0 = time.process_time()
    p = clf.predict_proba(vec.transform([r["text"] for r in dev]))[:, 1]
    predict_cpu = time.process_time() - t0
    groups = {}
    for r, pr in zip(dev, p):
        groups.setdefault(r["group"], []).append((int(r["label"]), float(pr), float(r["weight"])))
    res = {}
    for g, rows in groups.items():
        y, pp, w = [a for a, _, _ in rows], [b for _, b, _ in rows], [c for _, _, c in rows]
        res[g] = {"sampled": figures(y, pp, None)}
        if any(x != 1.0 for x in w):
            res[g]["weighted"] = figures(y, pp, w)
    print(json.dumps({"train_cpu_seconds": train_cpu, "predict_cpu_seconds": predict_cpu,
                      "train_texts": len(train), "dev_texts": len(dev), "groups": res}))


if __name__ == "__main__":
    main()
