"""Migration 0014 (issue 16): household status, verification and successor; a retired code is
never reused or changed; the public layer counts active households only; the access record is
append-only; history of personal fields stays in the private schema."""
from __future__ import annotations

import psycopg
import pytest

from layers.db.models import Household
from layers.db.models.households import HouseholdAccess, HouseholdRequest
from layers.read.registry import BY_ID

POINT = "ST_SetSRID(ST_MakePoint(105.60, 18.90), 4326)"


def _add(conn, code: str, commune: str = "40001") -> int:
    return conn.execute(
        f"INSERT INTO households (address_code, commune_code, geom) VALUES (%s, %s, {POINT}) RETURNING id",
        (code, commune)).fetchone()[0]


def _refused(conn, sql: str, params=(), state: str = "NT021") -> None:
    with pytest.raises(psycopg.Error) as caught:
        with conn.transaction():
            conn.execute(sql, params)
    assert caught.value.sqlstate == state, caught.value


def test_columns_and_defaults(schema_db):
    with psycopg.connect(schema_db, autocommit=True) as conn:
        hid = _add(conn, "AAAA-0001-X")
        row = conn.execute("SELECT status, verified_at, retired_at, successor_code, row_version FROM households "
                           "WHERE id = %s", (hid,)).fetchone()
        assert row == ("active", None, None, None, 1)
        conn.execute("UPDATE households SET verified_at = now() WHERE id = %s", (hid,))
        assert conn.execute("SELECT row_version FROM households WHERE id = %s", (hid,)).fetchone()[0] == 2
        _refused(conn, "UPDATE households SET status = 'gone' WHERE id = %s", (hid,), "23514")
        _refused(conn, "UPDATE households SET status = 'retired' WHERE id = %s", (hid,), "23514")  # no retired_at
        _refused(conn, "UPDATE households SET successor_code = 'AAAA-0009-Z' WHERE id = %s", (hid,), "23514")
    assert {c.name for c in Household.__table__.columns} >= {"status", "verified_at", "retired_at",
                                                              "successor_code", "row_version"}
    assert HouseholdAccess.__table__.schema == HouseholdRequest.__table__.schema == "private"


def test_a_retired_code_never_changes_comes_back_or_goes(schema_db):
    with psycopg.connect(schema_db, autocommit=True) as conn:
        old, new = _add(conn, "AAAA-0001-X"), _add(conn, "AAAA-0002-Y")
        _refused(conn, "UPDATE households SET address_code = 'AAAA-0003-Z' WHERE id = %s", (new,), "NT020")
        _refused(conn, "UPDATE households SET status = 'retired', retired_at = now(), successor_code = 'NOPE-0000-0' "
                 "WHERE id = %s", (old,), "23503")  # the successor must exist
        conn.execute("UPDATE households SET status = 'retired', retired_at = now(), successor_code = 'AAAA-0002-Y' "
                     "WHERE id = %s", (old,))
        _refused(conn, "UPDATE households SET status = 'active', retired_at = NULL, successor_code = NULL "
                 "WHERE id = %s", (old,))
        _refused(conn, "UPDATE households SET geom = ST_SetSRID(ST_MakePoint(105.7, 18.9), 4326) WHERE id = %s", (old,))
        _refused(conn, "DELETE FROM households WHERE id = %s", (old,))
        _refused(conn, "DELETE FROM households WHERE id = %s", (new,), "NT022")  # retire it instead
        _refused(conn, "INSERT INTO households (address_code, commune_code, geom) "
                 f"VALUES ('AAAA-0001-X', '40001', {POINT})", (), "23505")  # the code stays taken
        with conn.transaction():  # a bulk load may remove an active household, never a retired one
            conn.execute("SELECT set_config('ntm.bulk_load', 'on', true)")
            _refused(conn, "DELETE FROM households WHERE id = %s", (old,))
        _refused(conn, "UPDATE households SET successor_code = 'AAAA-0001-X', status = 'retired', "
                 "retired_at = now() WHERE id = %s", (old,))


def test_public_filter_and_version_follow_active_rows(schema_db):
    assert BY_ID["households"].public_filter == {"status": ("active",)}
    with psycopg.connect(schema_db, autocommit=True) as conn:
        old, new = _add(conn, "AAAA-0001-X"), _add(conn, "AAAA-0002-Y")
        version = conn.execute("SELECT version FROM layer_versions WHERE table_name = 'households'").fetchone()[0]
        conn.execute("UPDATE households SET status = 'retired', retired_at = now(), successor_code = 'AAAA-0002-Y' "
                     "WHERE id = %s", (old,))  # an active row left the public layer
        after = conn.execute("SELECT version FROM layer_versions WHERE table_name = 'households'").fetchone()[0]
        assert after == version + 1
        conn.execute("UPDATE households SET updated_at = updated_at WHERE id = %s", (new,))
        assert conn.execute("SELECT version FROM layer_versions WHERE table_name = 'households'").fetchone()[0] == after + 1


def test_access_record_is_append_only(schema_db):
    with psycopg.connect(schema_db, autocommit=True) as conn:
        hid = _add(conn, "AAAA-0001-X")
        rid = conn.execute("INSERT INTO private.household_access (actor, action, household_ids) "
                           "VALUES ('lan', 'read', %s) RETURNING id", ([hid],)).fetchone()[0]
        _refused(conn, "INSERT INTO private.household_access (actor, action, household_ids) VALUES ('x', 'peek', '{1}')",
                 (), "23514")
        _refused(conn, "UPDATE private.household_access SET actor = 'someone' WHERE id = %s", (rid,), "NT023")
        _refused(conn, "DELETE FROM private.household_access WHERE id = %s", (rid,), "NT023")


def test_personal_history_stays_private(schema_db):
    with psycopg.connect(schema_db, autocommit=True) as conn:
        hid = _add(conn, "AAAA-0001-X")
        conn.execute("INSERT INTO private.household_private (household_id, head_name, phone) "
                     "VALUES (%s, 'Nguyễn Văn An', '0912345678')", (hid,))
        conn.execute("UPDATE households SET verified_at = now() WHERE id = %s", (hid,))
        public = conn.execute("SELECT coalesce(before::text, '') || coalesce(after::text, '') FROM public.change_history "
                              "WHERE table_name = 'households' AND row_id = %s", (str(hid),)).fetchall()
        assert public and not any("Nguyễn" in p or "0912345678" in p for (p,) in public)
        private = conn.execute("SELECT after ->> 'head_name' FROM private.change_history "
                               "WHERE table_name = 'household_private' AND row_id = %s", (str(hid),)).fetchall()
        assert private == [("Nguyễn Văn An",)]
