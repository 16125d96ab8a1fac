"""Run an items query and write its page as GeoJSON, NDJSON or CSV, streamed when it is big.

Features arrive from PostgreSQL as GeoJSON text and are joined into the response bytes as they
are; the links that depend on the last row (`next`) are written after the features. Pages over
STREAM_ABOVE features are read through a server-side cursor in batches, so a 100,000-feature
request holds one batch in memory, not the whole response.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy.ext.asyncio import AsyncEngine

from layers import paging
from layers.features import ItemsQuery, csv_statement, items_statement

STREAM_ABOVE = 2000
BATCH = 1000


@dataclass
class Page:
    """A page being read: the first batch is fetched eagerly so errors surface as HTTP codes."""
    rows: AsyncIterator
    n_keys: int
    limit: int
    backwards: bool
    has_cursor: bool
    first_keys: tuple | None = None
    last_keys: tuple | None = None
    returned: int = 0
    more: bool = False
    columns: list[str] = field(default_factory=list)


async def open_page(engine: AsyncEngine, q: ItemsQuery, kind: str) -> Page:
    stmt, keys, cursor = (csv_statement if kind == "csv" else items_statement)(q)
    conn = await engine.connect()
    try:
        if q.limit > STREAM_ABOVE and not (cursor and cursor.backwards):
            await conn.begin()
            result = await conn.stream(stmt.execution_options(yield_per=BATCH))
            first = await result.fetchmany(BATCH)
            columns = list(result.keys())
            rows = _streamed(conn, result, first)
        else:
            result = await conn.execute(stmt)
            columns = list(result.keys())
            fetched = result.all()
            await conn.close()
            if cursor and cursor.backwards:  # read backwards; present in the forward order
                fetched = fetched[:q.limit + 1]
                more_before = len(fetched) > q.limit
                fetched = list(reversed(fetched[:q.limit]))
                page = Page(_listed(fetched), len(keys), len(fetched), True, True, columns=columns)
                page.more = more_before
                return page
            rows = _listed(fetched)
    except BaseException:
        await conn.close()
        raise
    return Page(rows, len(keys), q.limit, False, cursor is not None, columns=columns)


async def _listed(rows) -> AsyncIterator:
    for row in rows:
        yield row


async def _streamed(conn, result, first) -> AsyncIterator:
    try:
        for row in first:
            yield row
        async for row in result:
            yield row
    finally:
        await conn.close()


async def features(page: Page) -> AsyncIterator:
    """The page's rows (at most `limit`), noting the first/last keys and whether more follow."""
    async for row in page.rows:
        if page.returned == page.limit:
            page.more = page.more or not page.backwards
            continue  # drain the cursor so the connection closes cleanly
        keys = tuple(row[:page.n_keys])
        if page.first_keys is None:
            page.first_keys = keys
        page.last_keys = keys
        page.returned += 1
        yield row


def paging_links(page: Page, link) -> list[dict]:
    """`link(cursor)` makes an absolute URL with the other query parameters unchanged."""
    out = []
    has_next = page.more if not page.backwards else True
    has_prev = page.more if page.backwards else page.has_cursor
    if has_next and page.last_keys is not None:
        out.append(link("next", paging.encode(page.last_keys)))
    if has_prev and page.first_keys is not None:
        out.append(link("prev", paging.encode(page.first_keys, backwards=True)))
    return out


CHUNK = 256 * 1024  # bytes per response chunk: one send per feature costs more than the feature


async def _chunked(parts: AsyncIterator[str], sep: str = "") -> AsyncIterator[bytes]:
    """Parts joined by `sep`, in chunks of about CHUNK bytes."""
    buf: list[str] = []
    size, lead = 0, ""
    async for part in parts:
        buf.append(part)
        size += len(part)
        if size >= CHUNK:
            yield (lead + sep.join(buf)).encode()
            buf, size, lead = [], 0, sep
    if buf:
        yield (lead + sep.join(buf)).encode()


async def _texts(page: Page) -> AsyncIterator[str]:
    async for row in features(page):
        yield row[-1]


async def geojson_body(page: Page, links, number_matched: int | None = None) -> AsyncIterator[bytes]:
    head = b'{"type":"FeatureCollection","features":['
    async for chunk in _chunked(_texts(page), ","):
        yield head + chunk
        head = b""
    if head:
        yield head
    tail = {"numberReturned": page.returned}
    if number_matched is None and not page.has_cursor and not page.more:
        number_matched = page.returned  # the whole result fitted in this page: free to know
    if number_matched is not None:
        tail["numberMatched"] = number_matched
    tail["timeStamp"] = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    tail["links"] = links(page)
    yield b"]," + json.dumps(tail, ensure_ascii=False)[1:].encode()


async def ndjson_body(page: Page) -> AsyncIterator[bytes]:
    async for chunk in _chunked(_lines(page)):
        yield chunk


async def _lines(page: Page) -> AsyncIterator[str]:
    async for row in features(page):
        yield row[-1] + "\n"


async def csv_body(page: Page) -> AsyncIterator[bytes]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(page.columns[page.n_keys:])
    async for row in features(page):
        writer.writerow(["" if v is None else _csv_value(v) for v in row[page.n_keys:]])
        if buf.tell() > CHUNK:
            yield buf.getvalue().encode()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode()


def _csv_value(v):
    if isinstance(v, (list, tuple)):
        return ";".join(str(x) for x in v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return v
