"""What the web side asks layers/ instead of writing SQL or knowing drivers: how a database
failure is answered, the health check, the staff's communes, today in Vietnam."""
from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timedelta, timezone

import psycopg
import pytest

from layers.db import errors, health
from layers.db.engines import async_engine, without_password
from layers.read.admin_units import communes_in_scope
from layers.write.accounts import User
from layers.write.growing.session import vn_today


class Failure(Exception):
    def __init__(self, message: str, sqlstate: str | None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(("state", "message", "status", "words", "headers"), [
    ("22P05", "unsupported Unicode escape", 400, "a value in the request is not valid: unsupported", None),
    ("23505", "duplicate key", 409, "the request conflicts with stored data: duplicate key", None),
    ("XX000", "transform: Invalid coordinate", 400, "cannot be transformed between CRSs", None),
    ("57014", "canceling statement due to statement timeout", 503, "took too long", {"Retry-After": "5"}),
    ("08006", "connection failure", 503, "not available right now", {"Retry-After": "10"}),
    ("40P01", "deadlock detected", 503, "not available right now", {"Retry-After": "10"}),
    (None, "connection refused", 503, "not available right now", {"Retry-After": "10"}),
])
def test_each_sqlstate_class_has_its_answer(state, message, status, words, headers):
    fault = errors.classify(Failure(message, state), "/x [request 1]")
    assert (fault.status, fault.headers) == (status, headers)
    assert words in fault.description


def test_a_mistake_in_our_sql_is_an_internal_error_logged_with_its_traceback(caplog):
    with caplog.at_level(logging.ERROR, "ntm_map"):
        fault = errors.classify(Failure('column "x" does not exist', "42703"), "/x [request 7]")
    assert (fault.status, fault.description) == (500, None)
    assert "42703" in caplog.text and "/x [request 7]" in caplog.text and caplog.records[-1].exc_info


def test_the_sqlstate_is_found_under_sqlalchemy_and_the_driver():
    wrapped = Failure("wrapped", None)
    wrapped.orig = Failure("dbapi", None)
    wrapped.orig.__cause__ = Failure("driver", "23503")
    assert errors.sqlstate(wrapped) == "23503"


def test_a_url_without_its_password():
    assert without_password("postgresql://me:secret@db:5432/x") == "postgresql://me:***@db:5432/x"


def run_on(url, settings, work):
    async def main():
        engine = async_engine(settings, url)
        try:
            return await work(engine)
        finally:
            await engine.dispose()
    return asyncio.run(main())


def test_health_names_postgis_and_the_schema_revision(shared_demo, settings):
    found = run_on(shared_demo, settings, health.check)
    with psycopg.connect(shared_demo) as conn:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert found["postgis"][0].isdigit() and found["schema_revision"] == revision


def test_staff_communes_are_the_current_ones_in_scope(shared_demo, settings):
    with psycopg.connect(shared_demo) as conn:
        current = conn.execute("SELECT code, parent_code FROM admin_units WHERE level = 'commune' "
                               "AND (valid_to IS NULL OR valid_to > current_date) ORDER BY name_vi").fetchall()
    admin = run_on(shared_demo, settings, lambda e: communes_in_scope(e, User("a", "admin", ())))
    assert [c["code"] for c in admin] == [code for code, _ in current]
    first = admin[0]
    assert first["name_en"] and first["province"] == current[0][1]
    xmin, ymin, xmax, ymax = first["bbox"]
    assert xmin < xmax and ymin < ymax and 100 < xmin < 110
    one = run_on(shared_demo, settings, lambda e: communes_in_scope(e, User("c", "commune_officer", (first["code"],))))
    assert one == [first]


def test_today_in_vietnam(shared_demo, settings):
    async def today(engine):
        async with engine.connect() as conn:
            return await vn_today(conn)
    got = run_on(shared_demo, settings, today)
    around = datetime.now(timezone(timedelta(hours=7)))
    assert got in {(around - timedelta(minutes=1)).date(), around.date()} and isinstance(got, date)
