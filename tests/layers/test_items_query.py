"""The items query boundary (layers.read.features, items_page, collection): an ItemsQuery of plain
values becomes statements with one FROM, and a FeatureCollection runs them on its own.
"""
from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import create_async_engine

from layers.db.engines import _with_driver
from layers.read import cql, paging
from layers.read.collection import Collections
from layers.read.features import (
    ItemsQuery, check_filter, count_statement, csv_statement, item_statement, items_statement, keys_statement,
)
from layers.read.items_page import features
from layers.read.registry import get

GA = get("growing_areas")
VILLAGES = get("villages")
PUBLIC_GA = "status IN ('granted', 'suspended', 'revoked', 'expired')"


def _every_term(layer, **kw) -> ItemsQuery:
    """A query using every kind of term, each of which once needed the query's own relation."""
    box = (105.0, 18.5, 106.0, 19.5)
    return ItemsQuery(layer, 10, bbox=box, sortby=(("name", True),), cursor=paging.encode(("x", 5)), **kw)


def _froms(stmt: sa.Select) -> list[str]:
    sql = str(stmt.compile(dialect=postgresql.dialect()))
    return [str(f) for f in stmt.get_final_froms()] + [sql]


@pytest.mark.parametrize("build", [items_statement, csv_statement, keys_statement])
def test_a_page_statement_has_one_from_whatever_the_terms(build):
    q = _every_term(VILLAGES, equals=(("kind", "thon"),), filter=cql.parse("area_km2 > 1 AND name LIKE 'A%'"))
    stmt = build(q)[0]
    *froms, sql = _froms(stmt)
    assert froms == ["villages"]
    assert "villages, villages" not in sql and sql.count("FROM villages") == 1


def test_count_and_item_statements_have_one_from():
    q = _every_term(GA, equals=(("crop", "tea"), ("valid_from", {"date": "2024-01-01"})),
                    datetime=(date(2024, 1, 1), None), filter=cql.parse("area_ha > 0.5"))
    for stmt in (count_statement(q), item_statement(GA, 7)):
        *froms, sql = _froms(stmt)
        assert froms == ["growing_areas"] and "growing_areas, growing_areas" not in sql


def test_a_query_holds_values_and_knows_when_it_is_the_whole_layer():
    assert ItemsQuery(GA, 10).whole_layer
    assert ItemsQuery(GA, 10, datetime=(None, None)).whole_layer  # '../..': no bound at all
    assert ItemsQuery(VILLAGES, 10, datetime=(date(2024, 1, 1), None)).whole_layer  # undated layer
    assert not ItemsQuery(GA, 10, datetime=(date(2024, 1, 1), None)).whole_layer
    assert not ItemsQuery(GA, 10, equals=(("crop", "tea"),)).whole_layer
    assert not ItemsQuery(GA, 10, filter={"op": "=", "args": [{"property": "crop"}, "tea"]}).whole_layer
    assert not ItemsQuery(GA, 10, bbox=(0, 0, 1, 1)).whole_layer
    assert not hasattr(ItemsQuery(GA, 10), "rel") and not hasattr(ItemsQuery(GA, 10), "conditions")


def test_a_filter_on_an_unknown_property_is_refused_before_any_sql_runs():
    with pytest.raises(cql.FilterError, match="nope"):
        check_filter(GA, cql.parse("nope = 1"))


# ------------------------------------------------------------------ on a real database


@pytest.fixture(scope="module")
def url(shared_demo):
    return shared_demo


def _count(url: str, where: str, *args) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT count(*) FROM growing_areas WHERE {PUBLIC_GA} AND {where}", args).fetchone()[0]


async def _with_collections(url: str, work):
    engine = create_async_engine(_with_driver(url, "asyncpg"))
    try:
        return await work(Collections(engine, engine))
    finally:
        await engine.dispose()


async def _ids(collection, q: ItemsQuery):
    page = await collection.page(q, "json")
    try:
        ids = [row[page.n_keys - 1] async for row in features(page)]
    finally:
        await page.close()
    return ids, page


def test_the_collection_counts_pages_and_pages_back(url):
    tea = _count(url, "crop = 'tea' AND (valid_to IS NULL OR valid_to >= %s)", date(2020, 1, 1))

    async def work(collections):
        areas = collections["growing_areas"]
        q = ItemsQuery(GA, 5, equals=(("crop", "tea"),), datetime=(date(2020, 1, 1), None))
        assert await areas.count(q) == tea
        async with areas.reading() as reader:
            versions = await reader.versions()
            assert await reader.matched(q, versions, asked=False) is None
            assert await reader.matched(replace(q, equals=(), datetime=None), versions, asked=False) == (
                await areas.summary()).count
        first, page1 = await _ids(areas, q)
        second, page2 = await _ids(areas, replace(q, cursor=page1.next_cursor()))
        back, page3 = await _ids(areas, replace(q, cursor=page2.prev_cursor()))
        return first, second, back, page1, page3

    first, second, back, page1, page3 = asyncio.run(_with_collections(url, work))
    assert tea > 10 and len(first) == len(second) == 5 and first == sorted(first) and first[-1] < second[0]
    assert back == first and page1.prev_cursor() is None and page3.prev_cursor() is None
