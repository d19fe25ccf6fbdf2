#!/usr/bin/env bash
# The whole test suite: what CI runs (.ci/run calls exactly this). Installs what it needs on a fresh
# Debian machine (as root), then runs every phase, timing each.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
export CARGO_INCREMENTAL=0

phase() {
  local name=$1; shift
  local t0=$SECONDS
  echo "==> $name"
  "$@"
  echo "<== $name: $((SECONDS - t0)) s"
}

need_tools() {
  # Python 3 is used by the benchmark scorers exercised below; cargo-nextest is on the machine image,
  # but fall back to `cargo test` where it is not.
  command -v python3 >/dev/null || { apt-get update -qq && apt-get install -y -qq python3 >/dev/null; }
  # networkx reads back the GraphML/GEXF exports in the store tests (required here, not skipped).
  python3 -c 'import networkx' 2>/dev/null || python3 -m pip install -q networkx 2>/dev/null \
    || { apt-get update -qq && apt-get install -y -qq python3-networkx >/dev/null; }
}
export REDFLAG_REQUIRE_NETWORKX=1

# The exchange tests check every export against the formats' reference implementations from PyPI:
# the OASIS STIX validator and stix2, pymisp, followthemoney. They live in a venv (gitignored);
# REDFLAG_REQUIRE_EXCHANGE_TOOLS makes its absence a failure, not a skip.
EXCHANGE_VENV=bench/.venv-exchange
exchange_tools() {
  if ! "$EXCHANGE_VENV/bin/python" -c 'import stix2validator, stix2, pymisp, followthemoney, taxii2client' 2>/dev/null; then
    python3 -m venv "$EXCHANGE_VENV" 2>/dev/null \
      || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$EXCHANGE_VENV"; }
    "$EXCHANGE_VENV/bin/pip" install -q stix2-validator stix2 pymisp followthemoney taxii2-client
  fi
}
export REDFLAG_REQUIRE_EXCHANGE_TOOLS=1
# Images: OCR by Debian's tesseract with the language data of redflag's languages; test images are
# rendered by pango-view with the Noto and Khmer OS fonts (complex-script shaping). Required, not skipped.
need_ocr() {
  local pkgs="tesseract-ocr tesseract-ocr-eng tesseract-ocr-tha tesseract-ocr-khm tesseract-ocr-mya tesseract-ocr-vie
    tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-ind tesseract-ocr-msa pango1.0-tools
    fonts-noto-core fonts-noto-cjk fonts-khmeros"
  # shellcheck disable=SC2086
  dpkg -s $pkgs >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs >/dev/null; }
}
export REDFLAG_REQUIRE_OCR=1

run_tests() {
  if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --no-fail-fast
    cargo test --workspace --doc
  else
    cargo test --workspace --no-fail-fast
  fi
}

SHARED=${REDFLAG_SHARED_DATA:-../shared/data}

# The store tests run on SQLite and on a real PostgreSQL on 127.0.0.1 (installed if absent, started
# here, stopped on exit); REDFLAG_REQUIRE_PG makes a missing server a failure, not a skip.
start_postgres() {
  REDFLAG_TEST_PG=$(bash scripts/pg-test-server.sh start)
  export REDFLAG_TEST_PG REDFLAG_REQUIRE_PG=1
  echo "PostgreSQL for the store tests: $REDFLAG_TEST_PG"
}
trap 'bash scripts/pg-test-server.sh stop' EXIT

phase "tools" need_tools
phase "exchange reference tools (venv)" exchange_tools
phase "ocr tools (tesseract, language data, fonts)" need_ocr
phase "fmt" cargo fmt --all --check
phase "clippy" cargo clippy --workspace --all-targets -- -D warnings
phase "postgres (install, start on 127.0.0.1)" start_postgres
phase "tests" run_tests
phase "benches compile" cargo bench --workspace --no-run
phase "build release" cargo build --release -p redflag-cli
# Real browser: installs Debian's Chromium, the Noto and Khmer fonts and playwright-core if absent,
# serves on loopback and drives the pages; any failed step fails the suite (never skipped).
phase "browser (Chromium via playwright-core)" bash tests/browser/run.sh
if [ -d "$SHARED" ]; then
  phase "packs test (with ../shared/data)" target/release/redflag packs test --data "$SHARED"
else
  phase "packs test" target/release/redflag packs test
fi
# The accuracy figures are reported, not gated (see README); --strict fails on any span or contract violation.
phase "selector accuracy (contract + report)" python3 bench/selectors/score.py --redflag target/release/redflag --strict
phase "selector scorer self-tests" python3 -m unittest -q bench/selectors/test_score.py
phase "eval scorer self-tests" python3 -m unittest -q bench/eval/test_eval_tools.py
phase "eval/pack overlap" python3 bench/eval/overlap_check.py
phase "python module (maturin, pytest, PySpark local mode)" bash scripts/python-module.sh --spark
phase "README example" bash -c 'target/release/redflag scan examples/ads.jsonl --format jsonl | head -n 3 >/dev/null'
echo "all phases passed"
