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
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone

from fastapi import HTTPException
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.responses import StreamingResponse

from geo.csv_cells import safe_text
from layers.read import paging
from layers.read.features import ItemsQuery, csv_statement, items_statement, keys_statement, sort_keys

STREAM_ABOVE = 2000
BATCH = 1000


@dataclass
class Page:
    """A page being read: the first batch is fetched eagerly so errors surface as HTTP codes."""
    rows: AsyncIterator
    n_keys: int
    limit: int
    has_prev: bool
    first_keys: tuple | None = None
    last_keys: tuple | None = None
    returned: int = 0
    more: bool = False
    columns: list[str] = field(default_factory=list)

    async def close(self) -> None:
        """Gives the connection back now. An abandoned stream (client gone or too slow) is not
        closed by Starlette; left to the garbage collector, it would hold its connection."""
        await self.rows.aclose()


class PageResponse(StreamingResponse):
    """A streamed page that closes its Page however the sending ends."""

    def __init__(self, page: Page, body: AsyncIterator[bytes], **kw) -> None:
        super().__init__(body, **kw)
        self.page = page

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.body_iterator.aclose()
            await self.page.close()


async def open_page(engine: AsyncEngine, q: ItemsQuery, kind: str, streams: AsyncEngine | None = None) -> Page:
    """Pages above STREAM_ABOVE are read while they are sent, on a connection of `streams` (a
    small pool of its own, so slow readers cannot take the connections other requests need);
    smaller pages are read whole and the connection is back in the pool before a byte is sent."""
    streamed = q.limit > STREAM_ABOVE
    try:
        conn = await (streams or engine if streamed else engine).connect()
    except PoolTimeout:
        if not streamed:
            raise
        raise HTTPException(503, "too many large pages are being sent right now; retry shortly, or ask for "
                                 f"at most {STREAM_ABOVE:,} features per page", {"Retry-After": "5"}) from None
    try:
        q, has_prev = await _forward(conn, q)
        stmt, keys, _ = (csv_statement if kind == "csv" else items_statement)(q)
        if streamed:
            if not conn.in_transaction():  # a server-side cursor lives in a transaction
                await conn.begin()
            result = await conn.stream(stmt.execution_options(yield_per=BATCH))
            first = await result.fetchmany(BATCH)
            columns = list(result.keys())
            rows = _streamed(conn, result, first)
        else:
            result = await conn.execute(stmt)
            columns = list(result.keys())
            rows = _listed(result.all())
            await conn.close()
    except BaseException:
        await conn.close()
        raise
    return Page(rows, len(keys), q.limit, has_prev, columns=columns)


async def _forward(conn, q: ItemsQuery) -> tuple[ItemsQuery, bool]:
    """A `prev` page as the forward page that ends where it should, so every page streams.

    The keys of the `limit + 1` rows before the cursor say where that page starts: after the
    last of them, or at the beginning when there are not that many (then it has no `prev`).
    """
    if q.cursor is None:
        return q, False
    if not paging.decode(q.cursor, sort_keys(q)).backwards:
        return q, True
    before = (await conn.execute(keys_statement(q)[0])).all()
    if len(before) <= q.limit:
        return replace(q, cursor=None), False
    return replace(q, cursor=paging.encode(tuple(before[q.limit]))), True


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
            page.more = True
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
    if page.more and page.last_keys is not None:
        out.append(link("next", paging.encode(page.last_keys)))
    if page.has_prev and page.first_keys is not None:
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
    if number_matched is None and not page.has_prev and not page.more:
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
    """One page of items as CSV (UTF-8, declared in Content-Type). No byte-order mark, unlike
    the open-data release CSVs: this is a paged API response read by programs (Python's csv on
    `response.text` would see the mark in the first column's name, and joined pages would carry
    it mid-file); the spreadsheet download of a whole layer is /opendata/datasets/{id}.csv."""
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
    """A cell: lists joined with ';', booleans as words, text a spreadsheet would run as a
    formula quoted with ' (geo.csv_cells), dates and times ISO 8601, numbers as they are."""
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return safe_text(";".join(str(x) for x in v))
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return safe_text(v)
    return v
