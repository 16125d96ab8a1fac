"""Plus Codes in the search box: "7PC7MMGG+QG", or the short "MMGG+QG" people see on a map app.

A full code is decoded to its cell and the households whose Plus Code it is are found through
the GiST index on their points (the cell's envelope), then checked by the code itself, so no
index on the code column is needed. A short code is completed nearest to the commune named
after it ("MMGG+QG Diễn Châu"), else to the middle of the provinces held (the Open Location
Code "recover nearest" rule). A code with no household still
answers its cell, so any Plus Code can be looked up on the map.
"""
from __future__ import annotations

import json
import re

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from geo import plus_code
from layers.read.registry import BY_ID
from layers.read.relations import public_where, relation
from layers.read.search_rows import in_commune, row

_D = f"[{plus_code.ALPHABET}]"
_FULL = re.compile(rf"{_D}{{8}}\+{_D}{{2,5}}")
_SHORT = re.compile(rf"(?:{_D}{{2}}){{2,3}}\+{_D}{{2,5}}")
_PAIR_RES = (20.0, 1.0, 0.05, 0.0025, 0.000125)
MARGIN = 1e-6  # degrees around a cell, so a point on its edge is not missed by the envelope


def read(text: str) -> str | None:
    """The code in upper case if the query is a Plus Code (a locality after it is ignored)."""
    first = text.split(" ", 1)[0].upper()
    return first if _FULL.fullmatch(first) or _SHORT.fullmatch(first) else None


def is_full(code: str) -> bool:
    return code.index("+") == plus_code.SEPARATOR_POSITION


def cell(code: str) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a full code's cell."""
    digits = code.replace("+", "")
    index = plus_code.ALPHABET.index
    lat, lng = -90.0, -180.0
    for i in range(0, min(len(digits), plus_code.PAIR_CODE_LENGTH), 2):
        lat += index(digits[i]) * _PAIR_RES[i // 2]
        lng += index(digits[i + 1]) * _PAIR_RES[i // 2]
    lat_res = lng_res = _PAIR_RES[min(len(digits), plus_code.PAIR_CODE_LENGTH) // 2 - 1]
    for ch in digits[plus_code.PAIR_CODE_LENGTH:]:
        lat_res, lng_res = lat_res / plus_code.GRID_ROWS, lng_res / plus_code.GRID_COLUMNS
        r, c = divmod(index(ch), plus_code.GRID_COLUMNS)
        lat, lng = lat + r * lat_res, lng + c * lng_res
    return lng, lat, lng + lng_res, lat + lat_res


def recover(short: str, ref: tuple[float, float]) -> str:
    """The full code of `short` nearest to ref (lon, lat)."""
    missing = plus_code.SEPARATOR_POSITION - short.index("+")
    resolution = 20.0 ** (2 - missing / 2)
    ref_lng, ref_lat = ref
    digits = len(short) - 1 + missing
    code = plus_code.encode(ref_lng, ref_lat, digits)[:missing] + short
    w, s, e, n = cell(code)
    lat, lng = (s + n) / 2, (w + e) / 2
    if ref_lat + resolution / 2 < lat and lat - resolution >= -90:
        lat -= resolution
    elif ref_lat - resolution / 2 > lat and lat + resolution <= 90:
        lat += resolution
    if ref_lng + resolution / 2 < lng:
        lng -= resolution
    elif ref_lng - resolution / 2 > lng:
        lng += resolution
    return plus_code.encode(lng, lat, digits)


def locality(text: str) -> str:
    """What follows the code: a commune's name, or nothing."""
    return text.split(" ", 1)[1].strip(" ,") if " " in text else ""


async def reference(conn: AsyncConnection, place: str = "") -> tuple[float, float]:
    """Where a short code is completed: the named commune's middle, else the provinces'."""
    if place:
        c = sa.table("communes", sa.column("name_vi"), sa.column("full_name_vi"), sa.column("geom"))
        fold = lambda col: sa.func.ntm_fold(col, type_=sa.Text)  # noqa: E731
        folded = fold(sa.literal(place))
        mid = sa.func.ST_PointOnSurface(c.c.geom)
        found = (await conn.execute(sa.select(sa.func.ST_X(mid), sa.func.ST_Y(mid)).where(
            sa.or_(fold(c.c.name_vi) == folded, fold(c.c.full_name_vi) == folded)).limit(1))).first()
        if found:
            return found[0], found[1]
    box = sa.func.ST_Extent(sa.column("geom"))
    x, y = (await conn.execute(sa.select(sa.func.ST_X(sa.func.ST_Centroid(box)), sa.func.ST_Y(sa.func.ST_Centroid(box)))
                               .select_from(sa.table("provinces", sa.column("geom"))))).one()
    return (x, y) if x is not None else (105.85, 21.03)


def households(code: str, limit: int) -> sa.Select:
    """The households of one full code, through the point index on the cell's envelope."""
    layer = BY_ID["households"]
    h, v = relation(layer), relation(BY_ID["villages"])
    w, s, e, n = cell(code)
    box = sa.func.ST_MakeEnvelope(w - MARGIN, s - MARGIN, e + MARGIN, n + MARGIN, 4326)
    source, extra = in_commune(h.outerjoin(v, v.c.id == h.c.village_id), h)
    cols = row("address", feature_id=h.c.id, name=h.c.address_code, code=h.c.address_code,
               village=v.c.name, match=h.c.plus_code, tier=sa.literal(0), geom=h.c.geom, **extra)
    where = [*public_where(layer, h), h.c.geom.op("&&")(box), h.c.plus_code == code]
    return sa.select(*cols).select_from(source).where(*where).order_by(h.c.address_code).limit(limit)


def location_hit(code: str) -> dict:
    """A code with no household: its cell, to fly to."""
    w, s, e, n = cell(code)
    point = {"type": "Point", "coordinates": [round((w + e) / 2, 7), round((s + n) / 2, 7)]}
    return {"kind": "plus_code", "collection": None, "feature_id": code, "label": code, "context": "",
            "match": code, "match_type": "exact", "geometry": json.dumps(point),
            "bbox": [round(v, 7) for v in (w, s, e, n)]}
