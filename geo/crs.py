"""Coordinate reference systems: VN-2000 zones, provinces' meridians, and guessing a missing CRS.

Survey data in Vietnam is in VN-2000, usually on the TM-3 zone of its province (Circular
973/2001/TT-TCĐC). A shapefile without a .prj whose coordinates are in metres is almost always
that, so the importer matches it to a province instead of failing. Transformations to WGS84 go
through pyproj, whose database carries the national 7-parameter shift ("VN-2000 to WGS 84"),
checked in the tests against points published in both systems.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from geo import crs_traps as traps
from geo.crs_traps import CRSNote
from geo.vn2000_zones import (  # noqa: F401  (re-exported: callers read the tables here)
    PROVINCE_MERIDIANS, TM3_ZONES, VN2000_GEOGRAPHIC, VN2000_UTM, looks_geographic, looks_vn_metres,
)

WGS84 = CRS.from_epsg(4326)
VN2000_CODES = (VN2000_GEOGRAPHIC, *VN2000_UTM, *TM3_ZONES.values())


class CRSProblem(ValueError):
    """The file's CRS is missing, unknown or implausible; the message says what to pass."""


@dataclass(frozen=True)
class ResolvedCRS:
    crs: CRS
    message: str  # told to the user: where the CRS came from
    notes: tuple[CRSNote, ...] = ()  # traps found (geo.crs_traps), for the import and upload reports
    swap_xy: bool = False  # the file's x is its y (latitude or northing first)

    @property
    def text(self) -> str:
        return "; ".join([self.message, *(n.en for n in self.notes)])


def parse_crs(text: str) -> CRS:
    """'EPSG:9208', '9208', 'VN-2000 / TM-3 104-45', WKT or PROJ: anything pyproj reads."""
    text = text.strip()
    try:
        return CRS.from_epsg(int(text)) if text.isdigit() else CRS.from_user_input(text)
    except CRSError as exc:
        raise CRSProblem(f"unknown CRS {text!r}: {exc}") from None


# Translation (m) of the national VN-2000 → WGS 84 shift (Decision 05/2007/QĐ-BTNMT): a PROJ
# string written with +towgs84 carries it instead of a datum name.
_VN2000_SHIFT = (-191.90441429, -39.30318279, -111.45032835)
# Custom VN-2000 UTM definitions (k = 0.9996) by central meridian.
_UTM_ZONES = {105.0: 3405, 111.0: 3406}


def _is_vn2000(crs: CRS) -> bool:
    """VN-2000 by datum name ("Vietnam 2000", "D_VN_2000", ...) or by its +towgs84 shift."""
    if crs.is_bound:
        params = [p.value for p in crs.coordinate_operation.params][:3]
        if len(params) == 3 and all(abs(a - b) < 1.0 for a, b in zip(params, _VN2000_SHIFT)):
            return True
        crs = crs.source_crs
    name = (crs.datum.name if crs.datum is not None else "").lower().replace("_", " ")
    return "2000" in name and ("vn" in name or "vietnam" in name)


def _tm_params(crs: CRS) -> dict[str, float] | None:
    base = crs.source_crs if crs.is_bound else crs
    op = base.coordinate_operation
    if op is None or "Transverse Mercator" not in op.method_name:
        return None
    return {p.name: float(p.value) for p in op.params}


def tm3_meridian(crs: CRS) -> float | None:
    """Central meridian if crs is a VN-2000-based transverse Mercator, else None."""
    params = _tm_params(crs)
    if params is None or not _is_vn2000(crs):
        return None
    return round(params.get("Longitude of natural origin", float("nan")), 4)


def normalize_vn2000(crs: CRS) -> tuple[CRS, str | None]:
    """Replace a home-made VN-2000 definition (common in .prj files) by its EPSG code.

    Without the EPSG code pyproj may have no datum shift for it and land ~200 m off; with
    it the report also names the zone the way surveyors do.
    """
    crs, note, trap = _normalize(crs)
    return crs, trap.en if trap else note


def _normalize(crs: CRS) -> tuple[CRS, str | None, CRSNote | None]:
    """(CRS, a remark on the EPSG code it was read as, a trap note when the .prj named another datum)."""
    epsg = crs.to_epsg()
    if epsg in VN2000_CODES:
        if crs == CRS.from_epsg(epsg):
            return crs, None, None
        return CRS.from_epsg(epsg), f"the file's definition was read as EPSG:{epsg}", None
    params = _tm_params(crs)
    if params is None:
        return crs, None, None
    meridian = tm3_meridian(crs)
    if meridian is None:
        return _tm3_whatever_datum(crs, params)
    scale = params.get("Scale factor at natural origin")
    standard = (params.get("Latitude of natural origin") == 0 and params.get("False easting") == 500_000
                and params.get("False northing") == 0 and scale is not None)
    if not standard:
        return crs, None, None
    if meridian in TM3_ZONES and abs(scale - 0.9999) < 1e-9:
        epsg = TM3_ZONES[meridian]
        return CRS.from_epsg(epsg), f"the file's VN-2000 TM-3 {meridian:g}° definition was read as EPSG:{epsg}", None
    if meridian in _UTM_ZONES and abs(scale - 0.9996) < 1e-9:
        epsg = _UTM_ZONES[meridian]
        return CRS.from_epsg(epsg), f"the file's VN-2000 UTM {meridian:g}° definition was read as EPSG:{epsg}", None
    return crs, None, None


def _tm3_whatever_datum(crs: CRS, params: dict[str, float]) -> tuple[CRS, None, CRSNote | None]:
    """A TM projection with scale 0.9999 and false easting 500,000 on a VN-2000 TM-3 meridian is
    VN-2000 whatever datum its .prj names: UTM uses 0.9996 and no WGS 84 data uses these zones.
    The most common home-made .prj names GCS_WGS_1984 with these parameters; read as written,
    its features land about 200 m off (the datum shift that was left out)."""
    meridian = round(params.get("Longitude of natural origin", float("nan")), 4)
    scale = params.get("Scale factor at natural origin", float("nan"))
    if not (meridian in TM3_ZONES and abs(scale - 0.9999) < 1e-9 and params.get("False easting") == 500_000
            and params.get("False northing") == 0 and params.get("Latitude of natural origin") == 0):
        return crs, None, None
    epsg = TM3_ZONES[meridian]
    datum = crs.datum.name if crs.datum is not None else "no datum"
    return CRS.from_epsg(epsg), None, CRSNote(
        "wgs84_named_tm3",
        f"the file's .prj names {datum} but its projection (Transverse Mercator, scale 0.9999, false "
        f"easting 500,000, meridian {meridian:g}°) is VN-2000 TM-3: read as EPSG:{epsg} with VN-2000's "
        "datum shift (read as written it would land about 200 m off); pass --crs to override",
        f"tệp .prj ghi hệ {datum} nhưng phép chiếu (Transverse Mercator, hệ số 0,9999, dịch đông "
        f"500.000 m, kinh tuyến trục {meridian:g}°) là VN-2000 TM-3: đã đọc theo EPSG:{epsg} với phép "
        "chuyển đổi datum của VN-2000 (đọc đúng như tệp ghi thì sẽ lệch khoảng 200 m)")


def guess_tm3_zone(
    bounds: tuple[float, float, float, float],
    province_at: Callable[[float, float], str | None] | None,
    default_province: str,
) -> ResolvedCRS:
    """Match CRS-less metre coordinates to the TM-3 zone of the province they fall in.

    For each candidate meridian the centre is projected back to lon/lat; the zone is accepted
    when the province found there uses that meridian. With no province boundaries to ask,
    the configured province's zone is assumed and the user is told so.
    """
    cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    matches: list[tuple[int, int, str, float]] = []
    if province_at is not None:
        for meridian, epsg in TM3_ZONES.items():
            lon, lat = Transformer.from_crs(epsg, 4326, always_xy=True).transform(cx, cy)
            code = province_at(lon, lat)
            if code and meridian in PROVINCE_MERIDIANS.get(code, ("", ()))[1]:
                matches.append((PROVINCE_MERIDIANS[code][1].index(meridian), epsg, code, meridian))
    if matches:
        # Read with a neighbour's meridian, a point can land in another loaded province; the
        # configured province wins such a tie, and the message names the other reading.
        matches.sort(key=lambda m: (m[0], m[2] != default_province, m[1]))
        _, epsg, code, meridian = matches[0]
        others = sorted({f"EPSG:{e} ({PROVINCE_MERIDIANS[c][0]})" for _, e, c, _ in matches[1:] if c != code})
        also = f" They would also fit {', '.join(others)}." if others else ""
        return ResolvedCRS(
            CRS.from_epsg(epsg),
            f"no CRS in the file; coordinates in metres match VN-2000 TM-3 zone {meridian:g}° of "
            f"{PROVINCE_MERIDIANS[code][0]} (EPSG:{epsg}).{also} Pass --crs to override.",
        )
    if default_province in PROVINCE_MERIDIANS:
        name, meridians = PROVINCE_MERIDIANS[default_province]
        epsg = TM3_ZONES[meridians[0]]
        where = "no loaded province boundary contains them" if province_at else "no province boundaries are loaded"
        return ResolvedCRS(
            CRS.from_epsg(epsg),
            f"no CRS in the file and {where}; assumed VN-2000 TM-3 zone {meridians[0]:g}° of the "
            f"configured province {name} (EPSG:{epsg}). Pass --crs to override.",
        )
    raise CRSProblem("the file has no CRS and its metre coordinates match no known province; pass --crs EPSG:xxxx")


def resolve(
    file_crs: CRS | None,
    override: str | None,
    bounds: tuple[float, float, float, float],
    province_at: Callable[[float, float], str | None] | None = None,
    default_province: str = "40",
) -> ResolvedCRS:
    """The CRS to read a file with: --crs, else the file's (mended), else a guess from the coordinates.

    The traps of geo.crs_traps are checked on the way; --crs skips all but the datum note.
    """
    finite = all(np.isfinite(bounds))
    if override:
        crs, note = normalize_vn2000(parse_crs(override))
        datum = traps.datum_note(crs, bounds) if finite else None
        return ResolvedCRS(crs, f"CRS given with --crs: {crs.name}" + (f" ({note})" if note else ""),
                           (datum,) if datum else ())
    if not finite:
        if file_crs is None:
            raise CRSProblem("the file has no CRS and no usable coordinates")
        crs, note, trap = _normalize(file_crs)
        return ResolvedCRS(crs, f"CRS from the file: {crs.name}" + (f" ({note})" if note else ""), (trap,) if trap else ())
    notes: list[CRSNote] = []
    swap = traps.swapped_axes(file_crs, bounds)
    if swap:
        notes.append(swap)
        bounds = (bounds[1], bounds[0], bounds[3], bounds[2])
    mismatch = traps.units_mismatch(file_crs, bounds) if file_crs is not None else None
    if mismatch:
        notes.append(mismatch[1])
        file_crs = None if mismatch[0] == "metres" else file_crs.geodetic_crs
    if file_crs is not None:
        crs, note, trap = _normalize(file_crs)
        message = f"CRS from the file: {crs.name}" + (f" ({note})" if note else "")
        notes += [trap] if trap else []
        wrong_zone = traps.meridian_note(crs.to_epsg(), bounds, province_at, default_province)
        notes += [wrong_zone] if wrong_zone else []
    else:
        guessed = _guess(bounds, province_at, default_province)
        crs, message = guessed.crs, guessed.message
    datum = traps.datum_note(crs, bounds)
    return ResolvedCRS(crs, message, (*notes, *([datum] if datum else [])), swap_xy=swap is not None)


def _guess(bounds, province_at, default_province) -> ResolvedCRS:
    if looks_geographic(bounds):
        return ResolvedCRS(WGS84, "no CRS in the file; coordinates look like longitude/latitude, read as WGS84 (EPSG:4326)")
    if looks_vn_metres(bounds):
        return guess_tm3_zone(bounds, province_at, default_province)
    raise CRSProblem(
        f"the file has no CRS and its coordinates (bounds {tuple(round(b, 1) for b in bounds)}) are "
        "neither longitude/latitude nor VN-2000 metres; pass --crs EPSG:xxxx"
    )


def reproject(gdf: gpd.GeoDataFrame, resolved: ResolvedCRS) -> gpd.GeoDataFrame:
    """The frame in WGS 84 as `resolved` says to read it (its CRS, x and y swapped if need be)."""
    if resolved.swap_xy:
        swapped = shapely.transform(np.asarray(gdf.geometry.values, dtype=object), lambda xy: xy[:, ::-1])
        gdf = gdf.set_geometry(gpd.GeoSeries(swapped, index=gdf.index), crs=resolved.crs)
    elif gdf.crs is None or resolved.crs != gdf.crs:
        gdf = gdf.set_crs(resolved.crs, allow_override=True)
    return gdf.to_crs(4326)


def to_wgs84(crs: CRS) -> Transformer:
    return Transformer.from_crs(crs, WGS84, always_xy=True)
