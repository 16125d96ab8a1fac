"""Map tiles: the WebMercatorQuad grid, MVT built in SQL (ST_AsMVT), ETags and a tile cache,
TileJSON, OGC API - Tiles documents and the default MapLibre style.

`tiles.mvt.tile_statement` is the one entry to the tile SQL; the HTTP side is api/routes/tiles.py.
"""
