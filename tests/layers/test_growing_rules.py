"""Rules the database enforces on growing areas whoever writes (migration 0005): row versions,
overlap and commune containment with tolerances, codes that never change, expiry by date."""
from __future__ import annotations

import json
from datetime import date, timedelta

import psycopg
import pytest
from click.testing import CliRunner

from api.cli import main
from tests.api.growing_helpers import commune_with_room, free_spots, square
from tests.support import scalar

INSERT = ("INSERT INTO growing_areas (name, crop, commune_code, status, geom) VALUES "
          "('Vùng', 'tea', %s, %s, ST_Multi(ST_GeomFromGeoJSON(%s))) RETURNING id")


@pytest.fixture
def place(demo_db):
    commune, _ = commune_with_room(demo_db)
    return commune, free_spots(demo_db, commune, 3)


def add(conn, commune, geom, status="submitted"):
    return conn.execute(INSERT, (commune, status, json.dumps(geom))).fetchone()[0]


def shifted(geom, dx_m):
    """The square moved east by dx_m metres (at its latitude)."""
    import math

    ring = geom["coordinates"][0]
    lat = ring[0][1]
    dx = dx_m / (111_320 * math.cos(math.radians(lat)))
    return {"type": "Polygon", "coordinates": [[[x + dx, y] for x, y in ring]]}


def test_row_version_counts_every_update(demo_db):
    with psycopg.connect(demo_db, autocommit=True) as conn:
        area = scalar(conn, "SELECT id FROM growing_areas ORDER BY id LIMIT 1")
        v = scalar(conn, "SELECT row_version FROM growing_areas WHERE id = %s", area)
        conn.execute("UPDATE growing_areas SET name = name || '!' WHERE id = %s", (area,))
        conn.execute("UPDATE growing_areas SET name = name WHERE id = %s", (area,))
        assert scalar(conn, "SELECT row_version FROM growing_areas WHERE id = %s", area) == v + 2


def test_overlap_beyond_the_tolerance_is_refused_a_sliver_is_not(demo_db, place):
    commune, spots = place
    base = square(*spots[0], 300)
    with psycopg.connect(demo_db, autocommit=True) as conn:
        first = add(conn, commune, base)
        add(conn, commune, shifted(base, 300.01), "submitted")  # a 1 cm × 300 m sliver: 3 m² < 10 m²
        with pytest.raises(psycopg.DatabaseError, match="overlaps submitted growing area") as exc:
            add(conn, commune, shifted(base, 250), "draft")
        assert exc.value.sqlstate == "NT001"
        detail = json.loads(exc.value.diag.message_detail)
        assert detail["where"]["type"] == "Polygon"
        # Closed or draft areas hold no ground.
        add(conn, commune, shifted(square(*spots[1], 300), 0), "draft")
        add(conn, commune, shifted(square(*spots[1], 300), 100), "draft")
        conn.execute("UPDATE growing_areas SET status = 'revoked', code = 'VN-T-1' WHERE id = %s", (first,))
        add(conn, commune, shifted(base, -250), "submitted")


def test_commune_containment_has_a_tolerance(demo_db, place):
    commune, _ = place
    with psycopg.connect(demo_db, autocommit=True) as conn:
        # A square straddling the commune's edge: 20 m outside is fine, 200 m is not.
        x, y = conn.execute("""
            SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1) p
            FROM communes WHERE code = %s) s""", (commune,)).fetchone()
        inside = conn.execute("""
            SELECT ST_AsGeoJSON(ST_Intersection(c.geom, ST_Buffer(ST_SetSRID(ST_Point(%s, %s), 4326)::geography, 60)::geometry))
            FROM communes c WHERE code = %s""", (x, y, commune)).fetchone()[0]
        outer = conn.execute("SELECT ST_AsGeoJSON(ST_Buffer(ST_SetSRID(ST_Point(%s, %s), 4326)::geography, 20)::geometry)",
                             (x, y)).fetchone()[0]
        union = conn.execute("SELECT ST_AsGeoJSON(ST_Union(ST_GeomFromGeoJSON(%s), ST_GeomFromGeoJSON(%s)))",
                             (inside, outer)).fetchone()[0]
        add(conn, commune, json.loads(union), "draft")
        far = conn.execute("SELECT ST_AsGeoJSON(ST_Buffer(ST_SetSRID(ST_Point(%s, %s), 4326)::geography, 200)::geometry)",
                           (x, y)).fetchone()[0]
        with pytest.raises(psycopg.DatabaseError, match="outside commune") as exc:
            add(conn, commune, json.loads(far), "draft")
        assert exc.value.sqlstate == "NT002"
        with pytest.raises(psycopg.DatabaseError) as exc:
            add(conn, "99999", json.loads(far), "draft")
        assert exc.value.sqlstate == "NT003"


def test_codes_never_change_and_coded_areas_are_not_deleted(demo_db):
    with psycopg.connect(demo_db, autocommit=True) as conn:
        area, code = conn.execute("SELECT id, code FROM growing_areas WHERE code IS NOT NULL ORDER BY id LIMIT 1").fetchone()
        with pytest.raises(psycopg.DatabaseError, match="never changes"):
            conn.execute("UPDATE growing_areas SET code = NULL WHERE id = %s", (area,))
        with pytest.raises(psycopg.DatabaseError, match="revoke it instead"):
            conn.execute("DELETE FROM growing_areas WHERE id = %s", (area,))
        assert scalar(conn, "SELECT code FROM growing_areas WHERE id = %s", area) == code


def test_expiry_by_date_writes_only_when_due(demo_db):
    with psycopg.connect(demo_db, autocommit=True) as conn:
        conn.execute("SELECT ntm_expire_growing_areas(current_date)")
        version = scalar(conn, "SELECT version FROM layer_versions WHERE table_name = 'growing_areas'")
        assert scalar(conn, "SELECT ntm_expire_growing_areas(current_date)") == 0
        assert scalar(conn, "SELECT version FROM layer_versions WHERE table_name = 'growing_areas'") == version
        area, valid_to = conn.execute("SELECT id, valid_to FROM growing_areas WHERE status = 'granted' "
                                      "ORDER BY valid_to LIMIT 1").fetchone()
        assert scalar(conn, "SELECT ntm_expire_growing_areas(%s)", valid_to) == 0  # valid through valid_to
    out = CliRunner().invoke(main, ["growing-areas", "expire", "--date", (valid_to + timedelta(days=1)).isoformat()],
                             env={"DATABASE_URL": demo_db})
    assert out.exit_code == 0 and out.output.startswith("1 growing area expired"), out.output
    with psycopg.connect(demo_db) as conn:
        assert scalar(conn, "SELECT status FROM growing_areas WHERE id = %s", area) == "expired"
        assert conn.execute("SELECT changed_by, before->>'status', after->>'status' FROM change_history WHERE "
                            "row_id = %s ORDER BY id DESC LIMIT 1", (str(area),)).fetchone() == (
            "system:expiry", "granted", "expired")
        assert scalar(conn, "SELECT version FROM layer_versions WHERE table_name = 'growing_areas'") == version + 1
    assert date.today() > date(2000, 1, 1)
