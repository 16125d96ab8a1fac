"""What the demo's rasters are painted from (issue 13 item 6): the demo's vectors read from the
database, in UTM 48N metres, and a digest of exactly the rows read, which keys the raster cache
(layers.jobs.rasters.cache): the same rows, seed and code give the same rasters."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from layers.jobs.demo import raster_terrain as t

IMAGERY_COMMUNES = 3
# Every row the rasters follow, and nothing else. Households come as one MULTIPOINT (in id order)
# and one text of their village ids (-1 when none), 0.2 s for 200,000 where rows took 0.45 s.
QUERIES = {
    "province": "SELECT ST_AsBinary(ST_Union(geom)) FROM communes",
    "communes": "SELECT c.code, c.kind, ST_AsBinary(c.geom), (SELECT count(*) FROM growing_areas g "
                "WHERE g.commune_code = c.code), c.full_name_vi, c.full_name_en FROM communes c ORDER BY c.code",
    "areas": "SELECT ST_AsBinary(geom), crop, commune_code FROM growing_areas WHERE geom IS NOT NULL ORDER BY id",
    "zones": "SELECT ST_AsBinary(geom), kind FROM agri_zones ORDER BY id",
    "houses": "SELECT ST_AsBinary(ST_Collect(geom ORDER BY id)), "
              "string_agg(coalesce(village_id, -1)::text, ',' ORDER BY id) FROM households",
    "villages": "SELECT id, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM villages ORDER BY id",
}


@dataclass
class World:
    """The demo's vectors the rasters follow, in UTM 48N metres."""
    province: object
    communes: pd.DataFrame  # code, kind, geom (UTM), areas (growing areas in it)
    areas_utm: list
    area_crops: list
    area_communes: list
    zones_utm: list
    zone_kinds: list
    house_x: np.ndarray
    house_y: np.ndarray
    village_x: np.ndarray
    village_y: np.ndarray
    area_ids: np.ndarray | None = None  # each growing area's index in the whole world (a block's subset)
    digest: str = ""  # of the rows read (world_digest)


def world_rows(conn: Connection) -> dict[str, list[tuple]]:
    """The rows of QUERIES, bytes as bytes."""
    return {name: [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                   for row in conn.execute(sa.text(sql))]
            for name, sql in QUERIES.items()}


def world_digest(rows: dict[str, list[tuple]]) -> str:
    """sha256 of the rows, field by field (bytes as they are, other values by repr)."""
    h = hashlib.sha256()
    for name in sorted(rows):
        h.update(f"\0{name}:{len(rows[name])}".encode())
        for row in rows[name]:
            for v in row:
                h.update(b"\1" + (v if isinstance(v, bytes) else repr(v).encode()))
    return h.hexdigest()


def read_world(conn: Connection, rows: dict[str, list[tuple]] | None = None) -> World:
    """The province, communes, growing areas, zones, households and village centres. A village's
    centre is where its households are (their median), not its cell's centroid: the generated
    houses gather round the village's first hamlet."""
    rows = rows if rows is not None else world_rows(conn)
    geoms = lambda rs, i=0: [t.to_utm(g) for g in shapely.from_wkb([r[i] for r in rs])] if rs else []  # noqa: E731
    com = rows["communes"]
    communes = pd.DataFrame({"code": [r[0] for r in com], "kind": [r[1] for r in com],
                             "geom": geoms(com, 2), "areas": [r[3] for r in com],
                             "name_vi": [r[4] for r in com], "name_en": [r[5] for r in com]})
    areas, zones, villages = rows["areas"], rows["zones"], rows["villages"]
    points, village_ids = rows["houses"][0]
    if points is not None:
        lonlat = shapely.get_coordinates(shapely.from_wkb(points))
        hx, hy = t._TO_UTM.transform(lonlat[:, 0], lonlat[:, 1])
        house_village = np.array(village_ids.split(","), dtype=np.int64)
    else:
        hx, hy, house_village = [], [], np.zeros(0, dtype=np.int64)
    hx, hy = np.asarray(hx, dtype=float), np.asarray(hy, dtype=float)
    vx, vy = t._TO_UTM.transform([r[1] for r in villages], [r[2] for r in villages]) if villages else ([], [])
    centre = pd.DataFrame({"x": vx, "y": vy}, index=[r[0] for r in villages], dtype=float)
    if len(hx):
        known = house_village >= 0
        med = pd.DataFrame({"x": hx[known], "y": hy[known], "v": house_village[known]}).groupby("v")[["x", "y"]].median()
        centre.update(med)
    province = t.to_utm(shapely.from_wkb(rows["province"][0][0])) if rows["province"][0][0] else None
    return World(province, communes, geoms(areas), [r[1] for r in areas], [r[2] for r in areas],
                 geoms(zones), [r[1] for r in zones], hx, hy, centre["x"].to_numpy(), centre["y"].to_numpy(),
                 digest=world_digest(rows))


def imagery_communes(world: World, count: int = IMAGERY_COMMUNES) -> pd.DataFrame:
    """The `count` neighbouring rural communes (kind 'Xã', with growing areas) the sharp mosaic
    covers whole: grown from each such commune by adding its smallest neighbour in turn, the set
    of least total area wins (ties by codes). Small communes keep the picture within seconds;
    whole ones let staff trace every field of a commune."""
    rural = world.communes[(world.communes["kind"] == "Xã") & (world.communes["areas"] > 0)].reset_index(drop=True)
    geoms = np.asarray(rural["geom"], dtype=object)
    area = shapely.area(geoms)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=1.0)
    near = {i: set() for i in range(len(geoms))}
    for i, j in zip(left, right):
        if i != j:
            near[int(i)].add(int(j))
    best, best_key = None, None
    for start in range(len(geoms)):
        chosen = [start]
        while len(chosen) < count:
            options = sorted(set().union(*(near[i] for i in chosen)) - set(chosen),
                             key=lambda j: (area[j], rural["code"][j]))
            if not options:
                break
            chosen.append(options[0])
        if len(chosen) < count:
            continue
        key = (float(area[chosen].sum()), sorted(rural["code"][j] for j in chosen))
        if best_key is None or key < best_key:
            best, best_key = sorted(chosen, key=lambda j: rural["code"][j]), key
    if best is None:
        raise ValueError(f"no {count} neighbouring rural communes with growing areas for the sharp imagery")
    return rural.iloc[best].reset_index(drop=True)


def near_part(world: World, bounds, margin: float) -> World:
    """The part of the world that can paint a block: what lies within `margin` of its bounds."""
    box = shapely.box(bounds[0] - margin, bounds[1] - margin, bounds[2] + margin, bounds[3] + margin)
    a = np.nonzero(shapely.intersects(np.asarray(world.areas_utm, dtype=object), box))[0] if world.areas_utm else []
    z = np.nonzero(shapely.intersects(np.asarray(world.zones_utm, dtype=object), box))[0] if world.zones_utm else []
    h = shapely.contains_xy(box, world.house_x, world.house_y)
    v = shapely.contains_xy(box, world.village_x, world.village_y)
    return World(world.province, world.communes, [world.areas_utm[i] for i in a], [world.area_crops[i] for i in a],
                 [world.area_communes[i] for i in a], [world.zones_utm[i] for i in z], [world.zone_kinds[i] for i in z],
                 world.house_x[h], world.house_y[h], world.village_x[v], world.village_y[v], np.asarray(a, dtype=np.int64))
