"""A request's GeoJSON geometry → a checked CRS84 MultiPolygon (or the problems with it)."""
from __future__ import annotations

import numpy as np
import shapely
import shapely.geometry
from pyproj import Transformer

from geo.area_rules import Checked, Limits, check_geometry
from geo.ogc_crs import OgcCRS
from layers.growing.errors import BadBody


def limits_of(settings) -> Limits:
    return Limits(max_vertices=settings.growing_max_vertices, max_area_ha=settings.growing_max_area_ha,
                  min_area_ha=dict(settings.growing_min_area_ha))


def parse(geometry, crs: OgcCRS | None) -> shapely.Geometry:
    if not isinstance(geometry, dict) or "type" not in geometry:
        raise BadBody("geometry must be a GeoJSON geometry object (Polygon or MultiPolygon)")
    try:
        geom = shapely.geometry.shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise BadBody(f"geometry is not valid GeoJSON ({type(exc).__name__}: {exc})"[:300]) from None
    if crs is None or crs.srid == 4326 and not crs.lat_first:
        return geom
    if crs.lat_first:
        geom = shapely.transform(geom, lambda xy: xy[:, ::-1])
    if crs.srid != 4326:
        tr = Transformer.from_crs(crs.srid, 4326, always_xy=True)
        geom = shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    return geom


def checked(geometry, crs: OgcCRS | None, settings) -> Checked:
    return check_geometry(parse(geometry, crs), limits_of(settings))
