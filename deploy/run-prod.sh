#!/usr/bin/env bash
# Production mode on one machine: gunicorn with WEB_WORKERS processes and HUEY_CONSUMERS job
# consumers, against PostgreSQL (DATABASE_URL) and Redis (REDIS_URL). Ctrl-C stops everything.
# Spread over several machines, run the same pieces separately (docs/deploy.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/edudesk}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export DB_CONN_MAX_AGE=${DB_CONN_MAX_AGE:-60}
export DEBUG=false
export WEB_BIND=${WEB_BIND:-127.0.0.1:8000}
export WEB_WORKERS=${WEB_WORKERS:-$(( $(nproc) * 2 ))}
consumers=${HUEY_CONSUMERS:-2}

answers() { $PY -c "import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 2)" "$1" "$2" 2>/dev/null; }
read -r pg_host pg_port pg_name < <($PY -c "
import sys, urllib.parse as u
p = u.urlparse(sys.argv[1]); print(p.hostname or '127.0.0.1', p.port or 5432, p.path.lstrip('/'))" "$DATABASE_URL")
read -r redis_host redis_port < <($PY -c "
import sys, urllib.parse as u
p = u.urlparse(sys.argv[1]); print(p.hostname or '127.0.0.1', p.port or 6379)" "$REDIS_URL")
answers "$pg_host" "$pg_port" || { echo "!! PostgreSQL does not answer at $pg_host:$pg_port (DATABASE_URL)" >&2; exit 1; }
answers "$redis_host" "$redis_port" || { echo "!! Redis does not answer at $redis_host:$redis_port (REDIS_URL)" >&2; exit 1; }
# The database itself is created when missing (local set-ups; managed databases already have it).
if command -v createdb >/dev/null 2>&1 && [ "$pg_host" = 127.0.0.1 -o "$pg_host" = localhost ]; then
  createdb -h "$pg_host" -p "$pg_port" -U "$($PY -c "import sys,urllib.parse as u; print(u.urlparse(sys.argv[1]).username or 'postgres')" "$DATABASE_URL")" "$pg_name" 2>/dev/null || true
fi

$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput -v0

pids=()
stop() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait
}
trap stop EXIT INT TERM

# Exactly one consumer schedules the periodic jobs (SLA sweep, auto-close); all of them run jobs.
for i in $(seq 1 "$consumers"); do
  if [ "$i" = 1 ]; then periodic=(); else periodic=(--no-periodic); fi
  $PY manage.py run_huey --quiet "${periodic[@]}" &
  pids+=($!)
done
echo "edudesk production mode: http://$WEB_BIND/  ($WEB_WORKERS web workers, $consumers job consumers; Ctrl-C stops)"
.venv/bin/gunicorn -c deploy/gunicorn.conf.py &
pids+=($!)
wait -n "${pids[@]}"
