"""Coordinates that would land in the wrong place: the traps of Vietnamese files that read
without an error yet put the features elsewhere, each found from the CRS and the coordinates.

Every finding is a CRSNote in English and Vietnamese, for the CLI import report and the staff
upload page. A note that changes how the file is read says so; a note that only warns leaves the
reading as the file says (`--crs` overrides everything). geo.crs.resolve calls these checks.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import shapely
from pyproj import CRS, Geod, Transformer
from pyproj.transformer import AreaOfInterest, TransformerGroup

from geo.vn2000_zones import PROVINCE_MERIDIANS, TM3_ZONES, looks_vn_metres

# Vietnam's mainland (Natural Earth 1:110m, public domain), widened by 0.3° (~33 km) for the
# coast, border slop and near-shore islands (Phú Quốc); Côn Đảo is added on its own. Coarse on
# purpose: it tells "in Vietnam" from "in the Gulf of Tonkin or Laos", not one commune from the next.
_OUTLINE = (
    (104.334, 10.487), (105.2, 10.889), (106.25, 10.962), (105.811, 11.568), (107.491, 12.337),
    (107.615, 13.536), (107.383, 14.202), (107.565, 15.202), (107.313, 15.909), (106.556, 16.604),
    (105.926, 17.485), (105.095, 18.667), (103.897, 19.265), (104.183, 19.625), (104.823, 19.887),
    (104.435, 20.759), (103.204, 20.767), (102.755, 21.675), (102.17, 22.465), (102.707, 22.709),
    (103.505, 22.704), (104.477, 22.819), (105.329, 23.352), (105.811, 22.977), (106.725, 22.794),
    (106.567, 22.218), (107.043, 21.812), (108.05, 21.552), (106.715, 20.697), (105.882, 19.752),
    (105.662, 19.058), (106.427, 18.004), (107.362, 16.697), (108.269, 16.08), (108.877, 15.277),
    (109.335, 13.426), (109.2, 11.667), (108.366, 11.008), (107.221, 10.364), (106.405, 9.531),
    (105.158, 8.6), (104.795, 9.241), (105.076, 9.918), (104.334, 10.487),
)
VIETNAM = shapely.union(shapely.Polygon(_OUTLINE).buffer(0.3), shapely.box(106.45, 8.55, 106.75, 8.8))
shapely.prepare(VIETNAM)
_DEGREES_LON, _DEGREES_LAT = (102.0, 110.0), (8.0, 24.0)
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class CRSNote:
    """What a trap did or suspects, said in both languages; `warning` when the user must check."""
    code: str
    en: str
    vi: str
    warning: bool = True

    def as_dict(self) -> dict:
        return {"code": self.code, "warning": self.warning, "en": self.en, "vi": self.vi}


def in_vietnam(lon: float, lat: float) -> bool:
    return bool(shapely.contains_xy(VIETNAM, lon, lat))


def _within(bounds, xs: tuple[float, float], ys: tuple[float, float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return xs[0] <= minx <= maxx <= xs[1] and ys[0] <= miny <= maxy <= ys[1]


def _vn_degrees(bounds) -> bool:
    return _within(bounds, _DEGREES_LON, _DEGREES_LAT)


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4f}"


def swapped_axes(crs: CRS | None, bounds) -> CRSNote | None:
    """Latitude given as x (x 8–24, y 102–110), or the surveyors' X = northing order in metres.

    Read as written, latitude 105 is off the globe and a northing of 2,000 km as an easting is
    in another hemisphere's zone: never a place in Vietnam, so the swap is safe to make.
    """
    minx, miny, maxx, maxy = bounds
    swapped = (miny, minx, maxy, maxx)
    geographic = crs is None or crs.is_geographic
    projected = crs is None or crs.is_projected
    span = f"x {_num(minx)}–{_num(maxx)}, y {_num(miny)}–{_num(maxy)}"
    if geographic and _vn_degrees(swapped) and not _vn_degrees(bounds):
        return CRSNote(
            "swapped_axes",
            f"the coordinates are latitude first ({span}): read with x and y swapped, which puts them in "
            "Vietnam; pass --crs to override",
            f"tọa độ ghi vĩ độ trước ({span}): đã đổi chỗ x và y để dữ liệu nằm trong Việt Nam")
    if projected and looks_vn_metres(swapped) and not looks_vn_metres(bounds):
        return CRSNote(
            "swapped_axes",
            f"the coordinates are northing first, the surveyors' X/Y order ({span}): read with x and y "
            "swapped; pass --crs to override",
            f"tọa độ ghi theo thứ tự trắc địa, X là hướng bắc ({span}): đã đổi chỗ x và y")
    return None


def units_mismatch(crs: CRS, bounds) -> tuple[str, CRSNote] | None:
    """A .prj in degrees around metres, or in metres around degrees: the .prj belongs to other data.

    ("metres", note): set the .prj aside and guess as for a file without one;
    ("degrees", note): read the degrees on the projection's own datum.
    """
    name = crs.name
    if crs.is_geographic and looks_vn_metres(bounds):
        return "metres", CRSNote(
            "metres_in_degrees",
            f"the file's CRS ({name}) is in degrees but its coordinates are metres: its .prj does not "
            "match the data, so it was set aside and the CRS found from the coordinates",
            f"hệ tọa độ của tệp ({name}) tính bằng độ nhưng tọa độ lại tính bằng mét: tệp .prj không "
            "khớp với dữ liệu nên đã bỏ qua và xác định hệ tọa độ theo giá trị tọa độ")
    if crs.is_projected and _vn_degrees(bounds) and crs.geodetic_crs is not None:
        geog = crs.geodetic_crs.name
        return "degrees", CRSNote(
            "degrees_in_metres",
            f"the file's CRS ({name}) is in metres but its coordinates are longitude/latitude in "
            f"Vietnam: read as degrees on {geog}; pass --crs to override",
            f"hệ tọa độ của tệp ({name}) tính bằng mét nhưng tọa độ là kinh độ/vĩ độ trong Việt Nam: "
            f"đã đọc là độ theo {geog}")
    return None


def lonlat_bounds(crs: CRS, bounds) -> tuple[float, float, float, float]:
    return Transformer.from_crs(crs, 4326, always_xy=True).transform_bounds(*bounds)


def datum_note(crs: CRS, bounds) -> CRSNote | None:
    """Which datum transformation PROJ will use where the data lie, when the datum is not WGS 84.

    HN-72 (EPSG:4147) and Indian 1960 (EPSG:4131) have published transformations only for parts
    of Vietnam; elsewhere PROJ falls back to a "ballpark" that leaves the datum shift out (~50 m
    for HN-72 in Hà Nội, ~450 m for Indian 1960). VN-2000's covers the whole country: no note.
    """
    geog = crs.geodetic_crs
    datum = geog.datum.name if geog is not None and geog.datum is not None else ""
    if not datum or "World Geodetic System 1984" in datum or ("2000" in datum and "Vietnam" in datum):
        return None
    try:
        area = lonlat_bounds(crs, bounds)
        here = TransformerGroup(crs, 4326, always_xy=True, area_of_interest=AreaOfInterest(*area)).transformers
    except Exception:  # noqa: BLE001 - no usable area: say nothing rather than guess
        return None
    covering = [t for t in here if "Ballpark" not in t.description and _covers(t, area)]
    if covering:
        best = covering[0]
        name = _operation_name(best.description)
        accuracy = f"about {best.accuracy:g} m" if best.accuracy > 0 else "unknown"
        return CRSNote(
            "datum_shift",
            f"{datum} data: converted to WGS 84 with the published transformation “{name}” (accuracy {accuracy})",
            f"dữ liệu theo hệ {datum}: đã chuyển sang WGS 84 bằng phép chuyển đổi đã công bố “{name}” "
            f"(độ chính xác {accuracy.replace('about', 'khoảng').replace('unknown', 'không rõ')})",
            warning=not 0 < best.accuracy <= 10)
    cx, cy = (area[0] + area[2]) / 2, (area[1] + area[3]) / 2
    error, nearest = _ballpark_error(geog, cx, cy)
    size = f"about {error:,.0f} m" if error is not None else "tens to hundreds of metres"
    size_vi = f"khoảng {error:,.0f} m" if error is not None else "hàng chục đến hàng trăm mét"
    by = f" (the nearest published one, “{nearest}”, moves them that much)" if nearest else ""
    return CRSNote(
        "no_datum_shift",
        f"PROJ has no {datum} → WGS 84 transformation for where these data lie, so the datum shift is "
        f"left out: expect positions off by {size}{by}. Convert the file to VN-2000 first, or pass "
        "--crs with the local +towgs84 parameters",
        f"PROJ không có phép chuyển đổi {datum} → WGS 84 cho khu vực của dữ liệu này nên độ lệch datum bị "
        f"bỏ qua: vị trí có thể sai {size_vi}. Hãy chuyển tệp sang VN-2000 trước, hoặc chỉ định --crs với "
        "tham số +towgs84 của địa phương")


def _covers(t, area) -> bool:
    """PROJ picks a transformation point by point: one that covers only part of the data leaves
    the rest unshifted, so it counts only when its area holds the whole bounding box."""
    if t.area_of_use is None:
        return True
    w, s, e, n = t.area_of_use.bounds
    return w <= area[0] and s <= area[1] and area[2] <= e and area[3] <= n


def _operation_name(description: str) -> str:
    """'Inverse of UTM zone 48N + Indian 1960 to WGS 84 (2) + axis order change (2D)' → the datum step."""
    steps = [s.strip() for s in description.split(" + ")]
    named = [s for s in steps if " to " in s]
    return " + ".join(named) or description


def _ballpark_error(geog: CRS, lon: float, lat: float) -> tuple[float | None, str | None]:
    """How far the nearest published transformation moves this place: the error of leaving it out."""
    ops = [t for t in TransformerGroup(geog, 4326, always_xy=True).transformers if "Ballpark" not in t.description]
    if not ops:
        return None, None

    def distance_to_area(t) -> float:
        w, s, e, n = t.area_of_use.bounds if t.area_of_use else (-180, -90, 180, 90)
        return max(w - lon, 0, lon - e) + max(s - lat, 0, lat - n)

    op = min(ops, key=distance_to_area)
    x, y = op.transform(lon, lat)
    if not all(map(lambda v: abs(v) < 1e3, (x, y))):
        return None, None
    return _GEOD.inv(lon, lat, x, y)[2], _operation_name(op.description)


@lru_cache(maxsize=None)
def _to_wgs84(epsg: int) -> Transformer:
    """One per TM-3 zone: each file's check reads its centre in all 18 (~15 ms each to build)."""
    return Transformer.from_crs(epsg, 4326, always_xy=True)


def meridian_note(
    epsg: int | None,
    bounds,
    province_at: Callable[[float, float], str | None] | None,
    default_province: str,
) -> CRSNote | None:
    """A VN-2000 TM-3 file labelled with the wrong zone: warn with the likely meridian, change nothing.

    One meridian off moves the data sideways by the difference (~27 km per 0.25°): read as
    labelled they land outside Vietnam, or in a loaded province that does not use that meridian,
    or away from the configured province. The reading stays as labelled (`--crs` decides).
    """
    labelled = next((m for m, e in TM3_ZONES.items() if e == epsg), None)
    if labelled is None:
        return None
    cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    readings = {m: _to_wgs84(e).transform(cx, cy) for m, e in TM3_ZONES.items()}
    provinces = {m: province_at(*p) if province_at else None for m, p in readings.items()}
    mine_name, mine = PROVINCE_MERIDIANS.get(default_province, ("", ()))

    def fits(m: float) -> bool:
        code = provinces[m]
        return in_vietnam(*readings[m]) and (code is None or m in PROVINCE_MERIDIANS.get(code, ("", (m,)))[1])

    def where(m: float) -> tuple[str, str]:
        code = provinces[m]
        if not in_vietnam(*readings[m]):
            return "outside Vietnam", "ngoài lãnh thổ Việt Nam"
        if code in PROVINCE_MERIDIANS:
            name, ms = PROVINCE_MERIDIANS[code]
            uses = ", ".join(f"{x:g}°" for x in ms)
            return f"in {name}, which uses {uses}", f"ở {name}, nơi dùng kinh tuyến trục {uses}"
        return "in Vietnam", "trong Việt Nam"

    lon, lat = readings[labelled]
    if fits(labelled) and (provinces[labelled] is not None or labelled in mine or not mine):
        return None
    if fits(labelled):  # inside Vietnam, no loaded province says where, not the configured province's zone
        likely = [m for m in mine if fits(m)]
        if not likely:
            return None
        m2 = likely[0]
        km = _GEOD.inv(lon, lat, *readings[m2])[2] / 1000
        return CRSNote(
            "wrong_meridian",
            f"the file's zone (VN-2000 TM-3 {labelled:g}°, EPSG:{epsg}) is not one of {mine_name}'s "
            f"({', '.join(f'{x:g}°' for x in mine)}); if the data are from {mine_name} they belong in "
            f"EPSG:{TM3_ZONES[m2]}, {km:,.0f} km from where they were put. The data were read as labelled: check, "
            f"and pass --crs EPSG:{TM3_ZONES[m2]} if so",
            f"múi của tệp (VN-2000 TM-3 {labelled:g}°, EPSG:{epsg}) không phải múi của {mine_name} "
            f"({', '.join(f'{x:g}°' for x in mine)}); nếu dữ liệu thuộc {mine_name} thì phải là "
            f"EPSG:{TM3_ZONES[m2]}, cách vị trí hiện tại {km:,.0f} km. Có thể tệp ghi sai múi chiếu: dữ liệu vẫn "
            "được đọc theo múi ghi trong tệp, hãy kiểm tra lại")
    others = sorted((m for m in TM3_ZONES if m != labelled and fits(m)),
                    key=lambda m: (m not in mine, provinces[m] is None, abs(m - labelled)))
    at_en, at_vi = where(labelled)
    head_en = (f"read as the file says (VN-2000 TM-3 {labelled:g}°, EPSG:{epsg}) the data lie at "
               f"{lon:.3f}, {lat:.3f}, {at_en}")
    head_vi = (f"đọc theo hệ ghi trong tệp (VN-2000 TM-3 {labelled:g}°, EPSG:{epsg}) dữ liệu nằm ở "
               f"{lon:.3f}, {lat:.3f}, {at_vi}")
    if not others:
        return CRSNote("wrong_meridian", f"{head_en}; check the file's CRS (--crs)",
                       f"{head_vi}; hãy kiểm tra hệ tọa độ của tệp")
    m2 = others[0]
    in_en, in_vi = where(m2)
    also = ", ".join(f"{m:g}°" for m in others[1:4])
    return CRSNote(
        "wrong_meridian",
        f"{head_en}; with meridian {m2:g}° (EPSG:{TM3_ZONES[m2]}) they fall {in_en}"
        + (f" (also inside with {also})" if also else "")
        + f". The file is likely labelled with the wrong zone: the data were read as labelled; "
        f"check, and pass --crs EPSG:{TM3_ZONES[m2]} if so",
        f"{head_vi}; với kinh tuyến trục {m2:g}° (EPSG:{TM3_ZONES[m2]}) dữ liệu nằm {in_vi}"
        + (f" (cũng nằm trong với {also})" if also else "")
        + ". Có lẽ tệp ghi sai múi chiếu: dữ liệu vẫn được đọc theo múi ghi trong tệp, hãy kiểm tra lại")


__all__ = ["CRSNote", "VIETNAM", "datum_note", "in_vietnam", "meridian_note",
           "swapped_axes", "units_mismatch"]
