"""The certificate of a growing-area code: its public facts, read for printing, and the print job.

Only what the public growing-area layer shows is read (code, name, crop, commune, cooperative,
validity, status, area, boundary) plus the commune's outline for the map; the private schema
(owners' names and phones, staff notes) is never joined. An area holds a certificate once it has
a code (granted, suspended, revoked or expired: the public statuses); a draft, submitted or
inspected area, like an id that does not exist, is a 404, so the answer does not reveal drafts.

The ETag is the area's id and row version (bumped by every change to it) plus a digest of every
value printed, the site's address and the day (the certificate states the status as of that
day), so a changed area, a renamed cooperative or a new day gives a new PDF on the next request,
and an unchanged one a 304 before anything is drawn.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import text

from geo import certificate
from geo.said import Said
from layers.printing import jobs
from layers.printing.labels import PRELOAD, failed
from layers.read.registry import BY_ID
from layers.workers.bounded import Unbounded, runner
from layers.write.growing.errors import NotFound

CODED = BY_ID["growing_areas"].public_filter["status"]  # granted, suspended, revoked, expired
DETAIL = 3000  # a boundary keeps the detail of 1/DETAIL of its extent: far below what prints
REVISION = 1  # of the layout: bump when geo.certificate draws differently, so ETags change

_AREA = text("""
    SELECT g.id, g.code, g.name, g.crop, g.variety, g.status, g.valid_from, g.valid_to, g.area_ha,
           g.certification, g.row_version, g.updated_at, g.commune_code,
           m.full_name_vi AS commune_vi, coalesce(m.full_name_en, m.full_name_vi) AS commune_en,
           co.name AS cooperative,
           ST_AsGeoJSON(ST_SimplifyPreserveTopology(g.geom, greatest(ST_XMax(g.geom) - ST_XMin(g.geom),
                        ST_YMax(g.geom) - ST_YMin(g.geom)) / CAST(:detail AS float8)), 7) AS area_geojson,
           ST_AsGeoJSON(ST_SimplifyPreserveTopology(m.geom, greatest(ST_XMax(m.geom) - ST_XMin(m.geom),
                        ST_YMax(m.geom) - ST_YMin(m.geom)) / CAST(:detail AS float8)), 6) AS commune_geojson,
           (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS today
    FROM growing_areas g
    LEFT JOIN communes m ON m.code = g.commune_code
    LEFT JOIN cooperatives co ON co.id = g.cooperative_id
    WHERE g.id = :id AND g.status = ANY(:coded)""")


@dataclass(frozen=True)
class Area:
    """An area's public facts as its certificate prints them."""
    id: int
    code: str
    name: str
    crop: str
    variety: str | None
    status: str  # as of `today`: a granted or suspended code past its end date is expired
    valid_from: date | None
    valid_to: date | None
    area_ha: float
    certification: str
    row_version: int
    updated_at: datetime
    commune_code: str
    commune_vi: str | None
    commune_en: str | None
    cooperative: str | None
    area_shape: tuple
    commune_shape: tuple
    today: date


def _polygons(geojson: str | None) -> tuple:
    """GeoJSON (Multi)Polygon text → ((ring, …), …) of (lon, lat) tuples; () for none."""
    if not geojson:
        return ()
    geometry = json.loads(geojson)
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return tuple(tuple(tuple((p[0], p[1]) for p in ring) for ring in polygon) for polygon in polygons)


async def area(conn, area_id: int) -> Area:
    row = (await conn.execute(_AREA, {"id": area_id, "coded": list(CODED), "detail": DETAIL})).first()
    if row is None:
        raise NotFound(Said(f"growing area {area_id} holds no code: a certificate exists for a granted, suspended, "
                            "revoked or expired code", "printing.errors.no_certificate", id=area_id))
    values = dict(row._mapping)
    status = values["status"]
    if status in ("granted", "suspended") and values["valid_to"] is not None and values["valid_to"] < values["today"]:
        values["status"] = "expired"  # past its date; the expiry loop will store it within minutes
    values["area_shape"] = _polygons(values.pop("area_geojson"))
    values["commune_shape"] = _polygons(values.pop("commune_geojson"))
    return Area(**values)


def etag(found: Area, lang: str, base: str) -> str:
    """Strong ETag of the certificate in `lang` on the site at `base` (see the module's docstring)."""
    doc = json.dumps({"area": asdict(found), "lang": lang, "base": base, "revision": REVISION},
                     sort_keys=True, default=str)
    digest = hashlib.sha256(doc.encode()).hexdigest()[:16]
    return f'"cert-{found.id}-{found.row_version}-{lang}-{digest}"'


async def render(settings, cert: certificate.Certificate) -> bytes:
    """The PDF, drawn in a printing worker (a deadline and a memory cap, the loop free meanwhile)."""
    try:
        return await runner(settings.print_workers, settings.print_memory_mb, PRELOAD).run(
            jobs.certificate_pdf, cert, timeout=settings.print_timeout_s)
    except Unbounded as exc:
        raise failed(exc, settings) from None
