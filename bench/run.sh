#!/usr/bin/env bash
# One command: ntm-map vs TiPg vs the database alone. See docs/performance.md.
#   bench/run.sh --quick          # a few seconds per case
#   bench/run.sh                  # 20 s per case after a 5 s warm-up
#   bench/run.sh --help
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  echo "no .venv here: run 'make run' (or 'make setup') first" >&2
  exit 2
fi
command -v wrk >/dev/null || { echo "wrk is not installed: sudo apt-get install wrk" >&2; exit 2; }
.venv/bin/ntm-map db up >/dev/null
exec .venv/bin/python -m bench.run "$@"
