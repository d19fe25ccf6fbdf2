#!/usr/bin/env bash
# Store benchmark: ingest rate, full clustering time and peak memory, incremental clustering.
#   bash bench/store/run.sh 100000            # N documents (default 100000), SQLite
#   bash bench/store/run.sh 100000 postgres   # the same on PostgreSQL: the test server of
#                                             # scripts/pg-test-server.sh, a fresh database
# Needs target/release/redflag (cargo build --release -p redflag-cli) and ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100000}
DATA=${REDFLAG_SHARED_DATA:-../shared/data}
BIN=target/release/redflag
WORK=${BENCH_DIR:-/tmp/redflag-store-bench}
mkdir -p "$WORK"
IN="$WORK/docs-$N.jsonl"
EXTRA="$WORK/extra-$N.jsonl"
BACKEND=${2:-sqlite}
DB="$WORK/store-$N.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
if [ "$BACKEND" = postgres ]; then
  URL=$(bash scripts/pg-test-server.sh start)
  PSQL=("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql" -h "${REDFLAG_PG_DIR:-/tmp/redflag-pg}/sock"
        -p "${REDFLAG_PG_PORT:-54329}" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS redflag_bench" -c "CREATE DATABASE redflag_bench OWNER redflag"
  DB=${URL%/*}/redflag_bench
fi
[ -f "$IN" ] || python3 bench/store/gen.py --docs "$N" --data "$DATA" > "$IN"
# 1 % more documents from another seed, for the incremental run (ids prefixed so they are new).
[ -f "$EXTRA" ] || python3 bench/store/gen.py --docs $((N / 100)) --seed 99 --data "$DATA" | sed 's/"id": "s/"id": "x/' > "$EXTRA"
peak() { grep 'Maximum resident' "$1" | awk '{printf "%.0f MB", $6/1024}'; }
echo "== ingest $N documents ($(du -h "$IN" | cut -f1))"
/usr/bin/time -v "$BIN" ingest "$IN" --db "$DB" --org bench 2> "$WORK/ingest.time" | tail -1
echo "   peak RSS $(peak "$WORK/ingest.time")"
echo "== cluster (full)"
/usr/bin/time -v "$BIN" cluster --db "$DB" --org bench 2> "$WORK/cluster.time"
echo "   peak RSS $(peak "$WORK/cluster.time")"
echo "== ingest $((N / 100)) more, then cluster (incremental)"
"$BIN" ingest "$EXTRA" --db "$DB" --org bench 2>/dev/null | tail -1
/usr/bin/time -v "$BIN" cluster --db "$DB" --org bench 2> "$WORK/incr.time"
echo "   peak RSS $(peak "$WORK/incr.time")"
echo "== dups"
/usr/bin/time -v "$BIN" dups --db "$DB" --org bench 2> "$WORK/dups.time" | head -1
echo "   $(grep 'Elapsed' "$WORK/dups.time" | awk '{print $NF}') s, peak RSS $(peak "$WORK/dups.time")"
if [ "$BACKEND" = postgres ]; then
  echo "== database $("${PSQL[@]}" -c "SELECT pg_database_size('redflag_bench') / 1048576") MB"
else
  ls -la "$DB" | awk '{printf "== database %.0f MB\n", $5/1048576}'
fi
