#!/usr/bin/env bash
# Retrain the shipped models from the shared datasets (deterministic: same data + seed = same bytes).
# Usage: bash models/train.sh [DATA_DIR]   (default ../shared/data relative to the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-../shared/data}"
cargo build --release -q -p redflag-cli
RF=./target/release/redflag
$RF train --data "$DATA" --dataset emscad \
  --name job_ads --task lure --max-weight 1.5 --seed 42 --dev-fraction 0.2 \
  --out models/job_ads.rfm
$RF train --data "$DATA" \
  --dataset sms-spam-uci --dataset sms-spam-id --dataset sms-spam-ph --dataset sms-th-beebuzz \
  --dataset sms-th-punchpatcha --dataset sms-th-scamguard --dataset sms-th-sivakorn --dataset sms-vi-ie403 \
  --name messages --task scam --max-weight 1.4 --seed 42 --dev-fraction 0.2 \
  --out models/messages.rfm
