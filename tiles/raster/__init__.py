"""Raster map tiles (issue 13): COGs rendered to WebMercatorQuad PNG/WebP tiles with rio-tiler,
coloured by their legend, cached and tagged like the vector tiles (tiles.cache, tiles.etag)."""
