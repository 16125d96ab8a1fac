"""Search internals: how a query is read, the SQL folding, the indexes and the migration."""
from __future__ import annotations

import unicodedata

import psycopg
import pytest

from geo import address_code
from layers.db import migrate
from layers.read import search
from layers.db.engines import sync_engine
from tests.support import scalar

CODE = address_code.make(address_code.cell_of(105.68, 18.67), 1)  # a household in Vinh


@pytest.mark.parametrize("q", ["Yên Thành", "yen thanh", "YÊN THÀNH", "Xóm 3", "ban na 2", "Khối 11",
                               "Đô Lương", "pu mat", "Thon 12"])
def test_names_are_names(q):
    assert search.classify(q).type == "name"


@pytest.mark.parametrize("q", [CODE, CODE.replace("-", ""), CODE.lower(), CODE.lower().replace("-", " "),
                               f"  {CODE}  "])
def test_address_codes_with_or_without_dashes_any_case(q):
    assert search.classify(q) == search.Query("address", CODE)


@pytest.mark.parametrize("q, prefix", [(CODE[:4], CODE[:4]), (CODE[:7].lower(), CODE[:7]),
                                       (CODE[:4] + CODE[5:9], CODE[:9])])
def test_partial_address_codes_are_prefixes(q, prefix):
    assert search.classify(q) == search.Query("address_prefix", prefix)


@pytest.mark.parametrize("q, key", [("VN-40-17479-0004", "VN40174790004"), ("vn-40-17479", "VN4017479"),
                                    ("vn4017479", "VN4017479"), ("VN 40", "VN40")])
def test_growing_area_codes_win_over_address_codes(q, key):
    # "VN4017479" has nine address-code characters; it must not be read as a mistyped address.
    assert search.classify(q) == search.Query("growing_area_code", key)


def test_a_mistyped_address_code_is_an_error_not_another_house():
    wrong = CODE[:-1] + ("A" if CODE[-1] != "A" else "B")
    with pytest.raises(search.SearchError, match="check character"):
        search.classify(wrong)


@pytest.mark.parametrize("q", ["", " ", "a", "đ", " x ", "e\u0302"])
def test_too_short(q):
    with pytest.raises(search.SearchError, match="at least 2 characters"):
        search.classify(q)


def test_too_long():
    with pytest.raises(search.SearchError, match="at most 200"):
        search.classify("x" * 201)


def test_prefix_upper_bound():
    assert search._upper_bound("GND4-00") == "GND4-01"
    assert "GND4-00ZZ-Z" < search._upper_bound("GND4-00") <= "GND4-01"


def test_unknown_kind_is_refused_before_any_sql():
    import asyncio

    with pytest.raises(search.SearchError, match="unknown kind place"):
        asyncio.run(search.search(None, "Vinh", limit=5, lang="vi", kinds={"place"}))


def test_fold_in_sql(schema_db):
    with psycopg.connect(schema_db) as conn:
        fold = lambda s: scalar(conn, "SELECT ntm_fold(%s)", s)  # noqa: E731
        assert fold("Đô Lương") == "do luong"
        assert fold("ĐẮK LẮK đường") == "dak lak duong"
        assert fold("Quỳnh Lưu") == fold("quynh luu") == "quynh luu"
        assert fold(unicodedata.normalize("NFD", "Yên Thành")) == "yen thanh"  # combining marks
        assert fold(None) is None
        assert scalar(conn, "SELECT ntm_code_key(%s)", "vn-40 17479/0004") == "VN40174790004"
        assert scalar(conn, "SELECT provolatile FROM pg_proc WHERE proname = 'ntm_fold'") == "i"


def _plan(conn, sql, *args) -> str:
    conn.execute("SET enable_seqscan = off")  # small tables: ask whether the index *can* serve
    return "\n".join(r[0] for r in conn.execute("EXPLAIN " + sql, args))


def test_lookups_use_the_new_indexes(demo_db):
    with psycopg.connect(demo_db) as conn:
        code = scalar(conn, "SELECT address_code FROM households ORDER BY id LIMIT 1")
        assert "uq_households_address_code" in _plan(conn, "SELECT id FROM households WHERE address_code = %s", code)
        assert "ix_households_address_code_c" in _plan(
            conn, 'SELECT id FROM households WHERE address_code COLLATE "C" >= %s AND address_code COLLATE "C" < %s',
            code[:4], search._upper_bound(code[:4]))
        assert "ix_growing_areas_code_key" in _plan(
            conn, "SELECT id FROM growing_areas WHERE ntm_code_key(code) COLLATE \"C\" >= %s", "VN40")
        for table, column in [("villages", "name"), ("admin_units", "name_vi"), ("tourism_places", "name_en"),
                              ("growing_areas", "name")]:
            plan = _plan(conn, f"SELECT id FROM {table} WHERE ntm_fold({column}) LIKE %s OR %s <<%% ntm_fold({column})",
                         "%xom%", "xom")
            assert f"ix_{table}_{column}_fold" in plan, plan


def test_migration_0002_goes_down_and_up(empty_db, settings):
    engine = sync_engine(settings, empty_db)
    migrate.upgrade(engine)
    migrate.downgrade(engine, "0001")
    with psycopg.connect(empty_db) as conn:
        assert scalar(conn, "SELECT count(*) FROM pg_proc WHERE proname IN ('ntm_fold', 'ntm_code_key')") == 0
        assert scalar(conn, "SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%%_fold' OR indexname IN "
                            "('ix_households_address_code_c', 'ix_growing_areas_code_key')") == 0
        assert scalar(conn, "SELECT count(*) FROM pg_extension WHERE extname IN ('unaccent', 'pg_trgm')") == 0
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
    engine.dispose()
