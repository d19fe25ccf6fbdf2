#!/usr/bin/env bash
# Experiment (not shipped): does the `messages` model learn conversational scam scripts if our own written
# dev texts (bench/dev/devset.jsonl) are added to its SMS training data? devset2.jsonl stays out of
# training and is the test. Same recipe as models/train.sh; writes nothing under models/.
# Usage: bash bench/classifier/devset_experiment.sh [DATA_DIR] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${1:-../shared/data}"
OUT="${2:-$(mktemp -d)}"
mkdir -p "$OUT"
cargo build --release -q -p redflag-cli
RF=./target/release/redflag
# The model reads en, id, tl, th and vi only; scam = 1, every other label (lure, distress, genuine) = 0.
python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
for src, dst in [("bench/dev/devset.jsonl", "devset_train.jsonl"), ("bench/dev/devset2.jsonl", "devset2_test.jsonl")]:
    with open(f"{out}/{dst}", "w", encoding="utf-8") as f:
        for line in open(src, encoding="utf-8"):
            d = json.loads(line)
            if d["lang"] in ("en", "id", "tl", "th", "vi"):
                f.write(json.dumps({"text": d["text"], "label": int(d["label"] == "scam"), "group": d["label"]}, ensure_ascii=False) + "\n")
PY
SMS=(--dataset sms-spam-uci --dataset sms-spam-id --dataset sms-spam-ph --dataset sms-th-beebuzz
     --dataset sms-th-punchpatcha --dataset sms-th-scamguard --dataset sms-th-sivakorn --dataset sms-vi-ie403)
COMMON=(--name messages --task scam --max-weight 1.4 --seed 42 --dev-fraction 0.2)
echo "== SMS only (the models/train.sh recipe)"
$RF train --data "$DATA" "${SMS[@]}" "${COMMON[@]}" --out "$OUT/messages_sms.rfm"
echo "== SMS + bench/dev/devset.jsonl"
$RF train --data "$DATA" "${SMS[@]}" --group-column group "$OUT/devset_train.jsonl" "${COMMON[@]}" --out "$OUT/messages_sms_dev.rfm"
for m in messages_sms messages_sms_dev; do
  echo "== $m on bench/dev/devset2.jsonl (never trained on)"
  $RF eval --model "$OUT/$m.rfm" --dev-fraction 0 --group-column group "$OUT/devset2_test.jsonl"
done
