#!/usr/bin/env bash
# A throwaway PostgreSQL for the store tests, on 127.0.0.1 only, with its socket under /tmp.
#   scripts/pg-test-server.sh start   installs PostgreSQL if absent (Debian, as root), initialises a
#                                     cluster once, starts it (or finds it running), makes the role and
#                                     database, and prints the connection URL (REDFLAG_TEST_PG)
#   scripts/pg-test-server.sh stop    stops it (the cluster directory is kept for the next run)
# Idempotent: start twice finds the cluster and the server already there. Port: REDFLAG_PG_PORT
# (54329), directory: REDFLAG_PG_DIR (/tmp/redflag-pg).
set -euo pipefail
PORT=${REDFLAG_PG_PORT:-54329}
DIR=${REDFLAG_PG_DIR:-/tmp/redflag-pg}
DATA=$DIR/data
SOCK=$DIR/sock

as_pg() {
  # initdb and the server refuse to run as root: run them as the postgres user.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

start() {
  if [ -z "$(bindir)" ] || [ ! -x "$(bindir)/initdb" ]; then
    echo "installing PostgreSQL (apt)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local bin
  bin=$(bindir)
  mkdir -p "$DIR" "$SOCK"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$DIR"; fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; exit 1; }
  fi
  if ! as_pg "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $SOCK" start >/dev/null \
      || { tail -n 20 "$DIR/server.log" >&2; exit 1; }
  fi
  local psql=("$bin/psql" -h "$SOCK" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'redflag'")" != 1 ]; then
    "${psql[@]}" -c "CREATE ROLE redflag LOGIN" >/dev/null
  fi
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'redflag_test'")" != 1 ]; then
    "${psql[@]}" -c "CREATE DATABASE redflag_test OWNER redflag" >/dev/null
  fi
  echo "postgres://redflag@127.0.0.1:$PORT/redflag_test"
}

stop() {
  local bin
  bin=$(bindir)
  if [ -n "$bin" ] && [ -f "$DATA/PG_VERSION" ]; then
    as_pg "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
