#!/usr/bin/env bash
# OGC's own `ogctests` (PyPI, a work in progress) against a live `ntm-map serve` on a throwaway
# demo database: `features/core` must pass. Not part of `make test`: it installs ogctests and
# its dependencies (geopandas among them) into a temporary venv, so it needs the package index.
#
#   .ci/ogctests-check.sh                 # features/core (must pass)
#   .ci/ogctests-check.sh features/filtering   # other suites, to look at
#
# ogctests' own command (`python -m ogctests`) always exits 0, so its tests are run with pytest
# directly (INSTANCE_URL is how its fixtures find the server). Uses DATABASE_URL's server when
# set, else the embedded cluster. Everything it makes (database, server, venv) goes at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
SUITE="${1:-features/core}"
OGCTESTS_VERSION="${OGCTESTS_VERSION:-0.1.15}"
PY=.venv/bin/python
work="$(mktemp -d)"
db_name="ntm_ogctests_$$"
server_pid=""

admin_url() {  # the server's maintenance database, from DATABASE_URL or the embedded cluster
  $PY - "$1" <<'EOF'
import os, sys
from sqlalchemy.engine import make_url
from layers.db.settings import Settings
server = os.environ.get("DATABASE_URL")
if not server:
    from layers.db.cluster import Cluster
    server = Cluster(Settings()).up()
print(make_url(server).set(database=sys.argv[1]).render_as_string(hide_password=False))
EOF
}

cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  $PY -c "import psycopg, sys; c = psycopg.connect(sys.argv[1], autocommit=True); \
c.execute('DROP DATABASE IF EXISTS $db_name WITH (FORCE)')" "$(admin_url postgres)" || true
  rm -rf "$work"
}
trap cleanup EXIT

$PY -c "import psycopg, sys; psycopg.connect(sys.argv[1], autocommit=True).execute('CREATE DATABASE $db_name')" \
  "$(admin_url postgres)"
export DATABASE_URL="$(admin_url "$db_name")"
.venv/bin/ntm-map migrate >/dev/null
.venv/bin/ntm-map load demo --households 5000 >/dev/null

port="$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
.venv/bin/ntm-map serve --port "$port" >"$work/serve.log" 2>&1 &
server_pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 120); do
  curl -sf "$url/healthz" >/dev/null && break
  sleep 0.5
done
curl -sf "$url/healthz" >/dev/null || { cat "$work/serve.log"; echo "the server did not start" >&2; exit 1; }

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "ogctests==$OGCTESTS_VERSION"
package="$("$work/venv/bin/python" -c 'import ogctests, pathlib; print(pathlib.Path(ogctests.__file__).parent)')"
echo "ogctests $OGCTESTS_VERSION $SUITE against $url"
# From its own folder with no ini file, so its top conftest.py (the http_client fixture) is read.
(cd "$package" && INSTANCE_URL="$url" "$work/venv/bin/python" -m pytest "$SUITE" --rootdir "$package" -c /dev/null \
  -p no:cacheprovider -q -rfEw)
