"""What the public address page `/a/{code}` shows (issue 16): one household's address, never its
residents. No HTTP here; api/routes/address_page.py answers with it.

Only the public `households` row is read (code, Plus Code, status, successor, when it was
verified, the point) with its village and commune; nothing in `private` is touched, so the page
cannot leak a name or a phone even by mistake. The small map's lines come from `map_shapes`: the
village boundaries crossing a frame of a few hundred metres around the point, clipped and
simplified to what a 1000-unit-wide picture shows (geo.svg_map), as on the trace page.

`suggestions` answers a code whose check character does not match: the stored codes one typing
slip away from it (one character changed, or two neighbours swapped), so a visitor who mistyped
one character is offered the address they most likely meant.
"""
from __future__ import annotations

import json

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

from geo import address_code, check_character, svg_map

MAP_SPAN_M = 500.0  # ground shown around the point: its neighbouring lanes and the village edge
HOUSE_M = 6.0  # the house drawn as a square this wide: svg_map rings what is too small to see
ALIASES = {"O": "0", "I": "1", "L": "1"}  # as geo.address_code.normalize reads them

_ADDRESS = text("""
SELECT h.id, h.address_code, h.plus_code, h.status, h.successor_code, h.verified_at,
       ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat, h.commune_code,
       v.code AS village_code, v.name AS village_name, v.kind AS village_kind,
       c.full_name_vi AS commune_vi, coalesce(c.full_name_en, c.full_name_vi) AS commune_en,
       p.full_name_vi AS province_vi, coalesce(p.full_name_en, p.full_name_vi) AS province_en
FROM households h
LEFT JOIN villages v ON v.id = h.village_id
LEFT JOIN communes c ON c.code = h.commune_code
LEFT JOIN provinces p ON p.code = c.province_code
WHERE h.address_code = :code
""")

# Village boundaries crossing the frame, dissolved (a shared edge is one line), clipped, merged
# into long lines and simplified to the map's detail.
_BOUNDARIES = text("""
WITH f AS (SELECT ST_MakeEnvelope(:west, :south, :east, :north, 4326) AS f)
SELECT ST_AsGeoJSON(ST_Simplify(ST_LineMerge(ST_CollectionExtract(
           ST_Intersection(ST_Union(ST_Boundary(v.geom)), f.f), 2)), :tol), 6)
FROM villages v, f WHERE v.geom && f.f GROUP BY f.f
""")

_EXISTING = text("SELECT address_code FROM households WHERE address_code IN :codes ORDER BY address_code") \
    .bindparams(bindparam("codes", expanding=True))


async def address(conn: AsyncConnection, code: str) -> dict | None:
    """The address stored under the canonical `code`, or None."""
    row = (await conn.execute(_ADDRESS, {"code": code})).first()
    return None if row is None else dict(row._mapping)


def house(lon: float, lat: float) -> dict:
    """A square of HOUSE_M around the point: on the map it is ringed and labelled with its code."""
    frame = svg_map.frame([(lon, lat, lon, lat)], min_span_m=HOUSE_M, pad=0)
    ring = [[frame.west, frame.south], [frame.east, frame.south], [frame.east, frame.north],
            [frame.west, frame.north], [frame.west, frame.south]]
    return {"type": "Polygon", "coordinates": [ring]}


async def map_shapes(conn: AsyncConnection, lon: float, lat: float) -> dict:
    """The frame around the point and the village boundaries inside it."""
    frame = svg_map.frame([(lon, lat, lon, lat)], min_span_m=MAP_SPAN_M)
    params = {"west": frame.west, "south": frame.south, "east": frame.east, "north": frame.north,
              "tol": frame.tolerance_deg}
    lines = [json.loads(r[0]) for r in await conn.execute(_BOUNDARIES, params) if r[0]]
    return {"frame": frame, "boundaries": lines, "house": house(lon, lat)}


def near_misses(typed: str) -> list[str]:
    """Valid codes one slip from `typed` (its 9 characters once separators are dropped): each
    character replaced by any other, or two neighbours swapped. Empty when `typed` is not 9
    characters of the alphabet."""
    chars = [ALIASES.get(c, c) for c in typed.upper() if c.isalnum()]
    if len(chars) != 9 or any(c not in address_code.ALPHABET for c in chars):
        return []
    tries = set()
    for i in range(9):
        for ch in address_code.ALPHABET:
            if ch != chars[i]:
                tries.add("".join(chars[:i] + [ch] + chars[i + 1:]))
    for i in range(8):
        if chars[i] != chars[i + 1]:
            swapped = chars[:]
            swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
            tries.add("".join(swapped))
    found = []
    for code in sorted(tries):
        if check_character.is_valid(code, address_code.ALPHABET) and address_code.decode(code[:4]) < address_code.N_CELLS:
            found.append(f"{code[:4]}-{code[4:8]}-{code[8]}")
    return found


async def suggestions(conn: AsyncConnection, typed: str, limit: int = 5) -> list[str]:
    """Stored codes one typing slip away from `typed`, at most `limit`."""
    candidates = near_misses(typed)
    if not candidates:
        return []
    return [r[0] for r in await conn.execute(_EXISTING, {"codes": candidates})][:limit]
