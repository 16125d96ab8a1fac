"""The PostGIS side of ntm-map, one role per package: `db/` (settings, engines, the embedded
cluster, schema and migrations), `read/` (the registry and the public queries), `write/`
(workflows: growing areas, accounts), `jobs/` (import, demo, open data) and `workers/` (bounded
worker processes).

Imports only from `geo/`; never from `tiles/` or `api/` (tests/test_architecture.py).
"""
