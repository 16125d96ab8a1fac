"""One page of an items query, read from the database: whole when small, streamed when big.

Pages over STREAM_ABOVE features are read through a server-side cursor in batches on a pool of
their own (slow readers hold those connections, never the ones tiles and small pages use), so a
100,000-feature request holds one batch in memory, not the whole response. Smaller pages are
read whole and their connection is back in the pool before a byte is sent.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace

from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from layers.read import paging
from layers.read.features import ItemsQuery, csv_statement, cursor_of, items_statement, keys_statement

STREAM_ABOVE = 2000
BATCH = 1000
BUSY_RETRY_S = 5


class LargePagesBusy(Exception):
    """Every connection for streamed pages is taken: the API answers 503 with Retry-After."""

    retry_after_s = BUSY_RETRY_S

    def __init__(self) -> None:
        super().__init__("too many large pages are being sent right now; retry shortly, or ask for "
                         f"at most {STREAM_ABOVE:,} features per page")


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

    def next_cursor(self) -> str | None:
        return paging.encode(self.last_keys) if self.more and self.last_keys is not None else None

    def prev_cursor(self) -> str | None:
        if self.has_prev and self.first_keys is not None:
            return paging.encode(self.first_keys, backwards=True)
        return None


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


async def open_page(engine: AsyncEngine, q: ItemsQuery, kind: str, streams: AsyncEngine | None = None) -> Page:
    """`kind`: "csv" (columns and WKT) or "json" (GeoJSON Feature text). A big page waits at most
    the stream pool's timeout for a connection, then raises LargePagesBusy."""
    streamed = q.limit > STREAM_ABOVE
    try:
        conn = await (streams or engine if streamed else engine).connect()
    except PoolTimeout:
        if not streamed:
            raise
        raise LargePagesBusy() from None
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


async def _forward(conn: AsyncConnection, q: ItemsQuery) -> tuple[ItemsQuery, bool]:
    """A `prev` page as the forward page that ends where it should, so every page streams.

    The keys of the `limit + 1` rows before the cursor say where that page starts: after the
    last of them, or at the beginning when there are not that many (then it has no `prev`).
    """
    cursor = cursor_of(q)
    if cursor is None:
        return q, False
    if not cursor.backwards:
        return q, True
    before = (await conn.execute(keys_statement(q)[0])).all()
    if len(before) <= q.limit:
        return replace(q, cursor=None), False
    return replace(q, cursor=paging.encode(tuple(before[q.limit]))), True


async def _listed(rows) -> AsyncIterator:
    for row in rows:
        yield row


async def _streamed(conn: AsyncConnection, result, first) -> AsyncIterator:
    try:
        for row in first:
            yield row
        async for row in result:
            yield row
    finally:
        await conn.close()
