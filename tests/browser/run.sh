#!/usr/bin/env bash
# Real-browser tests: installs Debian's Chromium and the Noto/Khmer fonts and playwright-core (from
# npm, into tests/browser/node_modules) if absent, starts `redflag serve` on loopback with a fresh
# store, and drives it (e2e.mjs). Screenshots go to docs/screenshots/. Needs target/release/redflag
# (or REDFLAG_BIN).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${REDFLAG_BIN:-target/release/redflag}
PORT=${REDFLAG_BROWSER_PORT:-18181}
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi khmer || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core fonts-noto-cjk fonts-khmeros >/dev/null
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && npm install --no-audit --no-fund --silent)
fi
WORK=$(mktemp -d)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
DB=$WORK/browser.db
export REDFLAG_PASSWORD=browser-test-password
"$BIN" user add --db "$DB" --org ngo-a --role analyst --name ana >/dev/null
"$BIN" user add --db "$DB" --org ngo-a --role admin --name ada >/dev/null
"$BIN" user add --db "$DB" --org ngo-b --role viewer --name vic >/dev/null
"$BIN" serve --db "$DB" --addr "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
mkdir -p docs/screenshots
node tests/browser/e2e.mjs "http://localhost:$PORT" docs/screenshots "$WORK"
"$BIN" audit verify --db "$DB"
