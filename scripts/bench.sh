#!/usr/bin/env bash
# Every benchmark under bench/ (figures are printed and written under var/bench/).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/bench
for bench in bench/*_bench.py; do
  [ -e "$bench" ] || continue
  echo "== $bench"
  .venv/bin/python "$bench" "$@"
done
