"""Write an items page as GeoJSON, NDJSON or CSV, as its rows come (layers.read.items_page reads
them: whole when small, streamed when big).

Features arrive from PostgreSQL as GeoJSON text and are joined into the response bytes as they
are; the links that depend on the last row (`next`) are written after the features.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import date, datetime, timezone

from starlette.responses import StreamingResponse

from geo.csv_cells import safe_text
from layers.read import items_page
from layers.read.items_page import Page, features

STREAM_ABOVE = items_page.STREAM_ABOVE  # api.http.limits: a streamed page takes a client slot


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


def paging_links(page: Page, link) -> list[dict]:
    """`link(rel, cursor)` makes a link with the other query parameters unchanged."""
    out = []
    if (token := page.next_cursor()) is not None:
        out.append(link("next", token))
    if (token := page.prev_cursor()) is not None:
        out.append(link("prev", token))
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
