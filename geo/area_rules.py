"""Rules a growing-area shape and record must meet before the database sees it (no DB here).

Each failure is a `Problem` with a stable rule id, a sentence a staff member can act on, and,
when there is one, the geometry of the trouble (GeoJSON-ready) so a map can draw it. Rules that
need other rows (inside the commune, no overlap) live in the database; this module holds what
one record decides alone: validity and repair, size, ellipsoidal area, Circular 18/2019 fields.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from pyproj import Geod

from geo.crops import CROPS

GEOD = Geod(ellps="WGS84")

# Fields Circular 18/2019/TT-BNNPTNT Art. 6(7) asks for; the area is computed, never typed in.
REQUIRED = ("name", "crop")
PLACE_FIELDS = ("address", "commune_code")  # address or the commune: at least one


@dataclass(frozen=True)
class Problem:
    rule: str  # geometry_invalid, too_small, too_large, missing_attribute, unknown_crop, wrong_crs ...
    message: str
    where: dict | None = None  # a GeoJSON geometry (CRS84)

    def as_dict(self) -> dict:
        out = {"rule": self.rule, "message": self.message}
        if self.where is not None:
            out["where"] = self.where
        return out


@dataclass(frozen=True)
class Limits:
    max_vertices: int = 20_000
    max_area_ha: float = 5_000.0
    min_area_ha: dict[str, float] = field(default_factory=dict)  # overrides per crop code

    def minimum_for(self, crop: str) -> float:
        if crop in self.min_area_ha:
            return self.min_area_ha[crop]
        return CROPS[crop].min_area_ha if crop in CROPS else 0.0


@dataclass
class Checked:
    geom: shapely.MultiPolygon | None
    area_ha: float = 0.0
    repaired: str | None = None  # what repair did, when it changed the shape
    problems: list[Problem] = field(default_factory=list)


def geodesic_area_ha(geom) -> float:
    """Area on the WGS84 ellipsoid (lon/lat input), in hectares; orientation does not matter."""
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e4


def _only_polygons(geom) -> shapely.MultiPolygon | None:
    polys = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    flat = [q for p in polys for q in shapely.get_parts(p) if not q.is_empty and q.area > 0]
    return shapely.MultiPolygon(flat) if flat else None


def check_geometry(geom, limits: Limits) -> Checked:
    """Validity (repairing what can be repaired), coordinates in lon/lat range, size limits.

    A self-intersecting ring is repaired by `make_valid` (the bow-tie becomes two triangles);
    lines and points left over by the repair are dropped, and the caller returns the repaired
    shape so the user sees exactly what will be stored.
    """
    if geom is None or geom.is_empty:
        return Checked(None, problems=[Problem("geometry_invalid", "the feature has no geometry")])
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return Checked(None, problems=[Problem(
            "geometry_invalid", f"a growing area is a Polygon or MultiPolygon, not a {geom.geom_type}")])
    geom = shapely.force_2d(geom)
    n = shapely.get_num_coordinates(geom)
    if n > limits.max_vertices:
        return Checked(None, problems=[Problem(
            "too_large", f"the polygon has {n} vertices; at most {limits.max_vertices} are accepted "
                         "(simplify it first)")])
    coords = shapely.get_coordinates(geom)
    if not (coords == coords).all() or not abs(coords).max() < float("inf"):
        return Checked(None, problems=[Problem("geometry_invalid", "coordinates are not finite numbers")])
    xmin, ymin, xmax, ymax = geom.bounds
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        return Checked(None, problems=[Problem(
            "wrong_crs", f"coordinates ({xmin:.0f}, {ymin:.0f}) … ({xmax:.0f}, {ymax:.0f}) are not longitude/"
                         "latitude: send CRS84, or name the CRS in the Content-Crs header (e.g. VN-2000 "
                         "metres: http://www.opengis.net/def/crs/EPSG/0/9208)")])
    repaired = None
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        try:
            fixed = _only_polygons(shapely.make_valid(geom, method="structure", keep_collapsed=False))
        except shapely.errors.GEOSException:
            fixed = None
        if fixed is None or not fixed.is_valid:
            return Checked(None, problems=[Problem(
                "geometry_invalid", f"invalid polygon that cannot be repaired ({reason})",
                shapely.geometry.mapping(geom.boundary) if not geom.boundary.is_empty else None)])
        repaired, geom = f"repaired: {reason}", fixed
    else:
        geom = _only_polygons(geom)
        if geom is None:
            return Checked(None, problems=[Problem("geometry_invalid", "the polygon has no area")])
    area = geodesic_area_ha(geom)
    out = Checked(geom, area_ha=area, repaired=repaired)
    if area > limits.max_area_ha:
        out.problems.append(Problem(
            "too_large", f"the area is {area:,.1f} ha; at most {limits.max_area_ha:,.0f} ha is accepted",
            shapely.geometry.mapping(geom.envelope)))
    return out


def check_attributes(props: dict) -> list[Problem]:
    """Circular 18/2019 fields present, and a crop the platform knows."""
    problems = []
    for name in REQUIRED:
        value = props.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(Problem("missing_attribute", f"{name} is required (Circular 18/2019)"))
    if not any(isinstance(props.get(f), str) and props[f].strip() for f in PLACE_FIELDS):
        problems.append(Problem("missing_attribute", "address or commune_code is required (Circular 18/2019)"))
    crop = props.get("crop")
    if isinstance(crop, str) and crop.strip() and crop not in CROPS:
        problems.append(Problem("unknown_crop", f"unknown crop {crop!r}; known crops: {', '.join(CROPS)}"))
    return problems


def check_minimum(crop: str | None, area_ha: float, limits: Limits, geom=None) -> list[Problem]:
    if not crop or crop not in CROPS:
        return []
    minimum = limits.minimum_for(crop)
    if area_ha < minimum:
        return [Problem("too_small", f"{area_ha:.2f} ha is below the {minimum:g} ha minimum for {crop}",
                        shapely.geometry.mapping(geom) if geom is not None else None)]
    return []
