#!/usr/bin/env bash
# Does a CKAN harvest read ntm-map's DCAT catalog whole? (issue 12: not part of `make test`.)
#
# 1. In the project's venv: a throwaway demo database, a release published into a temporary
#    folder, and its catalog written as Turtle, JSON-LD and RDF/XML (.ci/ckan_catalog_sample.py).
#    With a URL argument instead, the catalog of that running server is checked.
# 2. In a throwaway venv: `ckan` 2.12 with the pinned packages of its `requirements` extra
#    (ckanext-dcat imports ckan modules that import flask, sqlalchemy, rq, pysolr, ...) but
#    psycopg2, which builds from source and is only needed for a database the parser never opens,
#    and `ckanext-dcat`; its RDFParser with the default DCAT-AP 3 profile parses each file
#    (.ci/ckan_harvest_parse.py): every dataset must have a licence_id and every resource a
#    format label and media type.
#
# 3. With DCAT_AP_SHAPES=path/to/dcat-ap-SHACL.ttl, also pyshacl against the DCAT-AP 3 shapes.
#
# Usage: .ci/ckan-harvest-check.sh [BASE_URL]     (CKAN_VENV=dir reuses a venv; KEEP=1 keeps files)
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT
venv="${CKAN_VENV:-$work/ckan-venv}"
PY="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
  echo "ckan check: installing ckan 2.12 and ckanext-dcat into $venv"
  "$PY" -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet 'ckan==2.12.*' ckanext-dcat
  "$venv/bin/python" - >"$work/ckan-requirements.txt" <<'PY'
from importlib.metadata import requires
for req in requires("ckan"):
    spec, _, marker = req.partition(";")
    if 'extra == "requirements"' in marker and not spec.lower().startswith("psycopg2"):
        print(spec.strip())
PY
  "$venv/bin/pip" install --quiet -r "$work/ckan-requirements.txt"
fi
if [ -n "${DCAT_AP_SHAPES:-}" ] && ! "$venv/bin/python" -c 'import pyshacl' 2>/dev/null; then
  "$venv/bin/pip" install --quiet pyshacl
fi
"$venv/bin/pip" list 2>/dev/null | grep -E -i '^(ckan|ckanext-dcat|rdflib) ' || true

if [ $# -ge 1 ]; then
  base="${1%/}"
  for suffix in ttl jsonld rdf; do
    curl -fsS "$base/opendata/catalog.$suffix" -o "$work/catalog.$suffix"
  done
  echo "ckan check: catalog of $base"
else
  echo "ckan check: publishing a demo release (about a minute)"
  .venv/bin/python .ci/ckan_catalog_sample.py "$work"
fi
"$venv/bin/python" .ci/ckan_harvest_parse.py "$work/catalog.ttl" "$work/catalog.jsonld" "$work/catalog.rdf"
