#!/usr/bin/env bash
# Builds the Python module (bindings/python) into bench/.venv-py with maturin and runs its pytest suite
# (and, with --spark, the PySpark job's tests). Creates the venv from PyPI on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=bench/.venv-py
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check \
  'maturin>=1.9,<2' pytest pyarrow pandas
if [ "${1:-}" = "--spark" ]; then
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check 'pyspark>=3.5,<5'
fi
export VIRTUAL_ENV="$PWD/$VENV" PATH="$PWD/$VENV/bin:$PATH"
maturin develop --release --quiet -m bindings/python/Cargo.toml
export REDFLAG_REQUIRE_PY=1
python -m pytest -q bindings/python/tests
if [ "${1:-}" = "--spark" ]; then
  python -m pytest -q bench/spark/test_scan.py
fi
