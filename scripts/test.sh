#!/usr/bin/env bash
# The whole suite: on SQLite, then on PostgreSQL (DATABASE_URL, or 127.0.0.1:5432 when it answers).
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
if [ -z "${REDIS_URL:-}" ] && answers 127.0.0.1 6379; then
  export EDUDESK_TEST_REDIS_URL=redis://127.0.0.1:6379/15
fi
[ -n "${REDIS_URL:-}" ] && export EDUDESK_TEST_REDIS_URL=$REDIS_URL
if [ "$ci" = true ] && [ -z "${EDUDESK_TEST_REDIS_URL:-}" ]; then
  echo "!! CI=true needs Redis (REDIS_URL or 127.0.0.1:6379)" >&2; exit 1
fi

status=0
echo "== test suite on SQLite"
env -u DATABASE_URL -u REDIS_URL $PY -m pytest "$@" || status=$?

pg_url=${DATABASE_URL:-}
if [ -z "$pg_url" ] && answers 127.0.0.1 5432; then
  pg_url=postgres://postgres@127.0.0.1:5432/edudesk
fi
if [ -n "$pg_url" ]; then
  echo "== test suite on PostgreSQL"
  env -u REDIS_URL DATABASE_URL="$pg_url" $PY -m pytest "$@" || status=$?
elif [ "$ci" = true ]; then
  echo "!! CI=true needs PostgreSQL (DATABASE_URL or 127.0.0.1:5432)" >&2
  status=1
else
  echo "== PostgreSQL not reachable: skipped its run (set DATABASE_URL to include it)"
fi
exit $status
