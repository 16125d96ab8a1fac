"""Tile responses, and a fast path that serves well-formed tile URLs without the router.

A cached tile costs ~0.1 ms to find; FastAPI's routing, dependency solving and three
middlewares cost several times that. `TileFastPath` answers GET requests whose path is a valid
tile address directly (same service, same headers as the routes in `api.routes.tiles`) and hands
everything else to the app. A tile that fails is answered here, by the same mapping the app's
handlers use (api.errors.for_exception): handing it on would run the failing query a second time.
"""
from __future__ import annotations

import gzip
import re
from urllib.parse import parse_qsl
from collections import OrderedDict

from api import errors
from layers.read.registry import BY_ID
from tiles.etag import quoted
from tiles.grid import TMS_ID, TileOutOfRange
from tiles.ogc import MVT
from tiles.service import TileResult
from tiles.tilesets import Tileset, UnknownCollections, combined, for_collection

GZIP_ABOVE = 1024  # bytes; smaller tiles are not worth a compressor's time


class GzipMemo:
    """Compressed tiles by ETag (which names their content), so a hot tile is compressed once."""

    def __init__(self, entries: int = 4096) -> None:
        self.entries = entries
        self._data: OrderedDict[str, bytes] = OrderedDict()

    def get(self, tag: str, data: bytes) -> bytes:
        found = self._data.get(tag)
        if found is None:
            found = self._data[tag] = gzip.compress(data, compresslevel=5, mtime=0)
            if len(self._data) > self.entries:
                self._data.popitem(last=False)
        return found


def tile_reply(result: TileResult, max_age: int, accept_encoding: str, memo: GzipMemo
               ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    headers = [(b"etag", quoted(result.tag).encode()),
               (b"cache-control", f"public, max-age={max_age}".encode()),
               (b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", b"ETag"),
               (b"vary", b"Accept-Encoding")]
    if result.data is None:
        return 304, headers, b""
    body = result.data
    if len(body) > GZIP_ABOVE and "gzip" in accept_encoding:
        body = memo.get(result.tag, body)
        headers.append((b"content-encoding", b"gzip"))
    headers += [(b"content-type", MVT.encode()), (b"content-length", str(len(body)).encode())]
    return 200, headers, body


TILE_PATH = re.compile(rf"^/(?:collections/([A-Za-z_]+)/)?tiles/{TMS_ID}/(\d{{1,2}})/(\d{{1,9}})/(\d{{1,9}})$")


def selected(query: bytes) -> Tileset | None:
    """The combined map's tileset a query string's `collections` selects; None when it names no
    layer of the map (the route refuses it with the reason)."""
    chosen = [v for k, v in parse_qsl(query.decode("latin-1"), keep_blank_values=True) if k == "collections"]
    try:
        return combined(chosen[-1].split(",") if chosen else None)
    except UnknownCollections:
        return None


class TileFastPath:
    def __init__(self, app, state) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return await self.app(scope, receive, send)
        m = TILE_PATH.match(scope["path"])
        if m is None or (m.group(1) is not None and m.group(1) not in BY_ID):
            return await self.app(scope, receive, send)
        tileset = for_collection(m.group(1)) if m.group(1) else selected(scope["query_string"])
        if tileset is None:
            return await self.app(scope, receive, send)  # the route explains the bad selection
        z, x, y = int(m.group(2)), int(m.group(3)), int(m.group(4))
        headers = dict(scope["headers"])
        service = self.state.tiles
        try:
            result = await service.tile(self.state.engine, tileset, z, x, y,
                                        headers.get(b"if-none-match", b"").decode("latin-1") or None)
        except TileOutOfRange:
            return await self.app(scope, receive, send)  # the route explains the valid range (no query ran)
        except Exception as exc:  # noqa: BLE001 — answered here: handing it on would run the tile again
            response = errors.for_exception(exc, scope)
            if response is None:
                raise  # api.http.edge: a 500, logged with the request id
            response.headers["access-control-allow-origin"] = "*"  # as the tile would have had
            return await response(scope, receive, send)
        status, out, body = tile_reply(result, service.settings.tile_max_age_s,
                                       headers.get(b"accept-encoding", b"").decode("latin-1"), self.state.gzip)
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
