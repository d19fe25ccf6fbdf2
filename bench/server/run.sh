#!/usr/bin/env bash
# Load test of `redflag serve`, on loopback only, bounded in time: p50/p99 latency and requests/s
# with 64 concurrent clients for the public checker (POST /check, a fixed mix of real-length
# offers in texts.txt) and the JSON API (GET /api/doc/{id} and /api/search with a token), on
# SQLite or PostgreSQL. The load client's address is exempt from the rate limiter
# (--rate-exempt 127.0.0.1, which the server accepts for loopback addresses only). Any answer
# other than 200 fails the run, so every counted request is a 200.
#   bench/server/run.sh sqlite
#   bench/server/run.sh postgres   (starts scripts/pg-test-server.sh)
# Env: DURATION (default 20s), CONNS (64), THREADS (2), DOCS (2000), PORT (18282).
set -euo pipefail
cd "$(dirname "$0")/../.."
BACKEND=${1:-sqlite}
DURATION=${DURATION:-20s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
DOCS=${DOCS:-2000}
PORT=${PORT:-18282}
BIN=target/release/redflag
export PGOPTIONS=--client-min-messages=warning
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -x "$BIN" ] || cargo build --release -p redflag-cli
WORK=$(mktemp -d)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

case $BACKEND in
  sqlite) DB=$WORK/bench.db ;;
  postgres)
    URL=$(bash scripts/pg-test-server.sh start)
    psql "$URL" -q -c "DROP SCHEMA IF EXISTS bench_server CASCADE; CREATE SCHEMA bench_server" >/dev/null
    DB="$URL?options=-csearch_path%3Dbench_server" ;;
  *) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac

# A store of DOCS synthetic documents (the texts varied by number), GREEN, clustered.
python3 - "$DOCS" bench/server/texts.txt >"$WORK/docs.jsonl" <<'PY'
import json, sys
n = int(sys.argv[1])
texts = [t.strip() for t in open(sys.argv[2], encoding="utf-8").read().split("\n---\n")]
for i in range(n):
    t = texts[i % len(texts)].replace("demo", f"demo{i % 97}")
    print(json.dumps({"id": f"b{i}", "text": f"{t} (ref {i})"}, ensure_ascii=False))
PY
"$BIN" ingest --db "$DB" --org bench --tlp GREEN "$WORK/docs.jsonl" >/dev/null 2>&1
"$BIN" cluster --db "$DB" --org bench >/dev/null 2>&1
REDFLAG_PASSWORD=bench-password-long "$BIN" user add --db "$DB" --org bench --role analyst --name load >/dev/null
TOKEN=$("$BIN" token create --db "$DB" --org bench --name load)

"$BIN" serve --db "$DB" --addr "127.0.0.1:$PORT" --connections 8 --rate-exempt 127.0.0.1 >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

# wrk scripts: the checker cycles through the texts; the API through documents and searches.
python3 - bench/server/texts.txt "$WORK" "$TOKEN" "$DOCS" <<'PY'
import sys, urllib.parse
texts = [t.strip() for t in open(sys.argv[1], encoding="utf-8").read().split("\n---\n")]
work, token, docs = sys.argv[2], sys.argv[3], int(sys.argv[4])
def lua_str(s): return "[==[" + s + "]==]"
common = """
local non200 = 0
function response(status, headers, body) if status ~= 200 then non200 = non200 + 1 end end
function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non200=%d errors=%d p50_ms=%.2f p99_ms=%.2f rps=%.1f\\n",
    summary.requests, non200, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
"""
bodies = ",\n".join(lua_str("lang=en&text=" + urllib.parse.quote(t)) for t in texts)
open(f"{work}/check.lua", "w").write(f"""
local bodies = {{ {bodies} }}
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "/check", {{["Content-Type"] = "application/x-www-form-urlencoded"}}, bodies[(i % #bodies) + 1])
end
""" + common)
paths = [f"/api/doc/{d}" for d in range(1, min(docs, 400) + 1, 7)] + [f"/api/search?q=%40hr_sihanouk_demo{k}" for k in range(0, 97, 9)]
plist = ",\n".join(lua_str(p) for p in paths)
open(f"{work}/api.lua", "w").write(f"""
local paths = {{ {plist} }}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {{["Authorization"] = "Bearer {token}"}})
end
""" + common)
PY

run() {
  local name=$1 script=$2 path=$3
  # Warm up (token cache, page cache), then measure.
  wrk -t1 -c4 -d2s -s "$script" "http://127.0.0.1:$PORT$path" >/dev/null
  local out
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 10s -s "$script" "http://127.0.0.1:$PORT$path")
  local line
  line=$(grep '^RESULT' <<<"$out")
  echo "$BACKEND $name $line"
  if ! grep -q 'non200=0 errors=0' <<<"$line"; then
    echo "a request did not answer 200: $line" >&2
    tail -n 20 "$WORK/serve.log" >&2
    exit 1
  fi
}
echo "backend=$BACKEND clients=$CONNS threads=$THREADS duration=$DURATION docs=$DOCS cores=$(nproc)"
run checker "$WORK/check.lua" /check
run api "$WORK/api.lua" /
if [ "$BACKEND" = postgres ]; then
  psql "$URL" -q -c "DROP SCHEMA IF EXISTS bench_server CASCADE" >/dev/null
fi
