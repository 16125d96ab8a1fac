"""The PostGIS side of ntm-map: schema, migrations, the layer registry, queries and loaders.

Imports only from `geo/`; never from `tiles/` or `api/`.
"""
