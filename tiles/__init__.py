"""Map tiles: tile grids, MVT built in SQL (ST_AsMVT), caching, PMTiles export.

Empty until the [serving] issue: the foundation only declares the package so that imports
already point the right way (api → tiles → layers → geo).
"""
