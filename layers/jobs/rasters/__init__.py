"""Rasters (issue 13): COG import, demo rasters, zonal statistics and suitability (CLI side, sync)."""
