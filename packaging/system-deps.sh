#!/usr/bin/env bash
# Installs what ntm-map needs from the operating system, only when it is missing:
# Python >= 3.11 with venv, and PostgreSQL with PostGIS 3 (skipped when DATABASE_URL is set);
# with NTM_TEST_DEPS=1 also the tools the tests drive (GDAL command-line tools).
# Debian/Ubuntu: apt-get, through sudo when not root. Elsewhere: says exactly what to install.
set -euo pipefail

say() { printf 'ntm-map setup: %s\n' "$*" >&2; }

if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else SUDO="__none__"; fi
APT_UPDATED=""
apt_install() {
  if ! command -v apt-get >/dev/null; then
    say "please install: $*  (this script only knows apt-get; see README, 'Other systems')"
    exit 1
  fi
  if [ "$SUDO" = "__none__" ]; then
    say "need root to run: apt-get install -y $*  (no sudo found)"
    exit 1
  fi
  if [ -z "$APT_UPDATED" ]; then
    say "apt-get update"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null; then
  apt_install python3 python3-venv
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  say "ntm-map needs Python 3.11 or newer; $PYTHON is $("$PYTHON" -V 2>&1). Install python3.11 and run: make PYTHON=python3.11 ..."
  exit 1
fi
if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
  ver=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  apt_install "python${ver}-venv" || apt_install python3-venv
fi

# The web map's browser libraries come from the npm registry (`npm ci` in the Makefile).
if ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
# Label sheets (geo/labels.py) print Vietnamese with DejaVu Sans, a TTF font read at run time.
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  apt_install fonts-dejavu-core
fi
# The browser tests drive Debian's Chromium through Playwright (no browser download).
if [ -n "${NTM_TEST_DEPS:-}" ] && ! command -v chromium >/dev/null; then
  apt_install chromium
fi

# The tests also drive real clients: GDAL's ogrinfo/ogr2ogr read the OGC API.
if [ -n "${NTM_TEST_DEPS:-}" ] && ! command -v ogr2ogr >/dev/null; then
  apt_install gdal-bin
fi

if [ -n "${DATABASE_URL:-}" ]; then
  say "DATABASE_URL is set: using that server, not installing PostgreSQL"
  exit 0
fi

has_postgis() {
  for bin in /usr/lib/postgresql/*/bin; do
    [ -x "$bin/initdb" ] || continue
    v=$(basename "$(dirname "$bin")")
    [ -f "/usr/share/postgresql/$v/extension/postgis.control" ] && return 0
  done
  [ -n "${NTM_PG_BIN:-}" ] && [ -x "$NTM_PG_BIN/initdb" ] && return 0
  return 1
}

if ! has_postgis; then
  if command -v apt-get >/dev/null; then
    # postgresql-postgis follows the distribution's default PostgreSQL version.
    apt_install postgresql postgresql-postgis
  else
    say "please install PostgreSQL (14 or newer) with PostGIS 3, then set NTM_PG_BIN to its bin folder,"
    say "or point DATABASE_URL at an existing PostGIS database."
    exit 1
  fi
fi
has_postgis || { say "PostGIS is still missing after installing; see README"; exit 1; }
