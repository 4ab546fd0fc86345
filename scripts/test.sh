#!/usr/bin/env bash
# The whole suite on SQLite and on PostgreSQL (DATABASE_URL, or 127.0.0.1:5432 when it answers),
# both runs at once; each run's output is shown whole when both are done, SQLite's first.
# With CI=true the PostgreSQL and Redis runs are mandatory. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ci=${CI:-false}

# System parts the real-part tests drive: Debian's chromium (browser tests) and dovecot (IMAP).
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "!! missing system packages: ${need[*]} (install them with apt-get)" >&2
    [ "$ci" = true ] && exit 1
  fi
fi

answers() { $PY -c "import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 2)" "$1" "$2" 2>/dev/null; }

# PostgreSQL and Redis: start them when this machine has them but they are down.
if ! answers 127.0.0.1 5432 && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if [ -z "${REDIS_URL:-}" ] && ! answers 127.0.0.1 6379 && command -v redis-server >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
fi
# Each run has a Redis database of its own: the two runs go at the same time. REDIS_URL names the
# SQLite run's database N (its path, /N); the PostgreSQL run takes N + 1. Without it: 15 and 13.
redis_base=${REDIS_URL:-} sqlite_redis=15 pg_redis=13
if [ -z "$redis_base" ] && answers 127.0.0.1 6379; then
  redis_base=redis://127.0.0.1:6379/15
elif [ -n "$redis_base" ]; then
  sqlite_redis=$($PY -c "import sys; from urllib.parse import urlparse; print(int(urlparse(sys.argv[1]).path.strip('/') or 0))" "$redis_base")
  pg_redis=$((sqlite_redis + 1))
fi
if [ "$ci" = true ] && [ -z "$redis_base" ]; then
  echo "!! CI=true needs Redis (REDIS_URL or 127.0.0.1:6379)" >&2; exit 1
fi
redis_db() {  # the URL $1 with database number $2
  $PY -c "import sys; from urllib.parse import urlparse; print(urlparse(sys.argv[1])._replace(path='/' + sys.argv[2]).geturl())" "$1" "$2"
}

pg_url=${DATABASE_URL:-}
if [ -z "$pg_url" ] && answers 127.0.0.1 5432; then
  pg_url=postgres://postgres@127.0.0.1:5432/edudesk
fi
if [ -z "$pg_url" ] && [ "$ci" = true ]; then
  echo "!! CI=true needs PostgreSQL (DATABASE_URL or 127.0.0.1:5432)" >&2; exit 1
fi

# The test databases need no commit to survive a crash of PostgreSQL itself: commits do not wait
# for the disk (what the tests see of transactions and locks is the same).
export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c synchronous_commit=off"

# One folder per run for its var/ (secret key, job store), its temporary files and its output.
work=$(mktemp -d "${TMPDIR:-/tmp}/edudesk-test.XXXXXX")
pids=()
trap 'for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# run NAME REDIS_DB ENV... -- PYTEST_ARGS...: one pytest run with its own var/, tmp and Redis database.
run() {
  local name=$1 db=$2; shift 2
  local vars=()
  while [ "$1" != -- ]; do vars+=("$1"); shift; done
  shift
  mkdir -p "$work/$name/var"
  local redis=()
  [ -n "$redis_base" ] && redis=(EDUDESK_TEST_REDIS_URL="$(redis_db "$redis_base" "$db")")
  env -u DATABASE_URL -u DATABASE_TEST_NAME -u REDIS_URL -u EDUDESK_TEST_REDIS_URL EDUDESK_VAR_DIR="$work/$name/var" \
    "${redis[@]}" "${vars[@]}" $PY -m pytest --basetemp="$work/$name/tmp" "$@"
}

status=0
if [ -z "$pg_url" ]; then
  echo "== test suite on SQLite"
  run sqlite "$sqlite_redis" -- "$@" || status=$?
  echo "== PostgreSQL not reachable: skipped its run (set DATABASE_URL to include it)"
  exit $status
fi

# Both databases at once, each in a process group of its own. The tests whose outcome cannot
# depend on the database run once: in the PostgreSQL run when they drive PostgreSQL themselves
# (marked postgres: tests/scale, tests/faults), in the SQLite run otherwise (docs/testing.md).
set -m
run sqlite "$sqlite_redis" EDUDESK_TEST_POSTGRES_URL="$pg_url" -- --run-once=sqlite "$@" \
  >"$work/sqlite.log" 2>&1 &
pids+=($!)
run postgresql "$pg_redis" DATABASE_URL="$pg_url" ${DATABASE_TEST_NAME:+DATABASE_TEST_NAME="$DATABASE_TEST_NAME"} \
  -- --run-once=postgresql "$@" >"$work/postgresql.log" 2>&1 &
pids+=($!)
set +m
sqlite_status=0 pg_status=0
wait "${pids[0]}" || sqlite_status=$?
wait "${pids[1]}" || pg_status=$?
pids=()
echo "== test suite on SQLite (with its share of the tests that run once)"
cat "$work/sqlite.log"
echo "== test suite on PostgreSQL (with its share of the tests that run once)"
cat "$work/postgresql.log"
[ $sqlite_status = 0 ] || echo "!! SQLite run failed (exit $sqlite_status)"
[ $pg_status = 0 ] || echo "!! PostgreSQL run failed (exit $pg_status)"
[ $sqlite_status = 0 ] && [ $pg_status = 0 ] || status=1
exit $status
