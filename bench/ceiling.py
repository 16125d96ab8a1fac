"""The database-only ceiling: the SQL ntm-map runs, sent by pgbench the way ntm-map sends it.

ntm-map runs its tile and items SQL as prepared statements with positional parameters (asyncpg).
The ceiling does the same: the statement text comes from ntm-map's own code, compiled for asyncpg
(`$1::INTEGER`, ...), every `$n` becomes a pgbench variable (`:a1`, ...) set per request, and
pgbench runs with `-M prepared`, so PostgreSQL sees one prepared statement per distinct text
(per layer and zoom for tiles) and plans it as it plans ntm-map's. Text and bytes parameters that
are the same for every request of a statement are written in as typed literals (pgbench
variables cannot hold them); numbers and booleans stay parameters.

A plain-SQL version of each request (values inlined) is kept for the one-by-one check that the
statements work and return what ntm-map serves. Inlining is safe here: inputs are our own lists.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect

from layers.db.settings import Settings

ASYNCPG = asyncpg_dialect.dialect()
PARAM = re.compile(r"\$(\d+)")


class Unavailable(RuntimeError):
    """The SQL cannot be had (yet): the reason says why."""


@dataclass
class Request:
    sql: str  # with $n placeholders, as ntm-map sends it
    args: list  # positional values


@dataclass
class Ceiling:
    source: str  # where the SQL came from, for the report
    requests: list[Request]
    plain: list[str]  # the same requests with values inlined, for checking


def compile_literal(stmt) -> str:
    sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    return " ".join(sql.split())


def compile_asyncpg(stmt) -> Request:
    c = stmt.compile(dialect=ASYNCPG, compile_kwargs={"render_postcompile": True})
    return Request(c.string, [c.params[n] for n in (c.positiontup or ())])


def _literal(v) -> str:
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "'\\x" + bytes(v).hex() + "'"
    return "'" + str(v).replace("'", "''") + "'"


def _number(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(int(v))


def pgbench_script(requests: list[Request]) -> str:
    """A pgbench script (run with -M prepared): each transaction is the next request of the list
    (per client, from its own offset), the statement of its group with its values."""
    groups: dict[str, int] = {}
    for r in requests:
        groups.setdefault(r.sql, len(groups))
    # text/bytes parameters must not vary inside a group: they are written into the statement
    fixed: dict[str, dict[int, str]] = {sql: {} for sql in groups}
    for sql in groups:
        rows = [r.args for r in requests if r.sql == sql]
        for i, v in enumerate(rows[0]):
            if isinstance(v, (str, bytes, bytearray, memoryview)) or v is None:
                if any(row[i] != v for row in rows):
                    raise Unavailable(f"a text parameter (${i + 1}) varies between requests of one statement")
                fixed[sql][i + 1] = "NULL" if v is None else _literal(v)
    lines = ["\\set k :k + 1", f"\\set i (:k + :client_id * 37) % {len(requests)}"]
    for n, r in enumerate(requests):
        lines.append(f"\\if :i = {n}" if n == 0 else f"\\elif :i = {n}")
        lines.append(f"\\set g {groups[r.sql]}")
        for i, v in enumerate(r.args):
            if i + 1 not in fixed[r.sql]:
                lines.append(f"\\set a{i + 1} {_number(v)}")
    lines.append("\\endif")
    for sql, g in groups.items():
        text = PARAM.sub(lambda m: fixed[sql].get(int(m.group(1))) or f":a{m.group(1)}", sql)
        lines += [f"\\if :g = {g}" if g == 0 else f"\\elif :g = {g}", " ".join(text.split()) + ";"]
    lines.append("\\endif")
    return "\n".join(lines) + "\n"


def tiles_ceiling(settings: Settings, tiles: list[tuple[str, int, int, int]]) -> Ceiling:
    try:
        from tiles import mvt
    except ImportError as exc:
        raise Unavailable(f"tiles/mvt.py cannot be imported ({exc})") from None
    from layers.read.registry import get

    plain = [compile_literal(mvt.tile_statement([get(layer)], z, x, y, settings)) for layer, z, x, y in tiles]
    try:  # the server's own path: one compiled statement per tileset and zoom
        from tiles.prepared import compile_tile
        from tiles.tilesets import for_collection
    except ImportError:
        return Ceiling("tiles.mvt.tile_statement", [compile_asyncpg(mvt.tile_statement([get(layer)], z, x, y, settings))
                                                    for layer, z, x, y in tiles], plain)
    compiled: dict = {}
    requests = []
    for layer, z, x, y in tiles:
        key = (layer, z)
        if key not in compiled:
            compiled[key] = compile_tile(for_collection(layer), z, settings)
        c = compiled[key]
        requests.append(Request(c.sql, c.args(z, x, y)))
    return Ceiling("tiles.prepared.compile_tile (tiles.mvt.tile_statement)", requests, plain)


def items_ceiling(layer_id: str, bboxes: list[tuple], limit: int) -> Ceiling:
    from layers.read.registry import get

    try:
        from layers.read.features import ItemsQuery, items_statement
    except ImportError as exc:
        raise Unavailable(f"layers/read/features.py has no items_statement ({exc})") from None

    def stmt(box):
        s = items_statement(ItemsQuery(get(layer_id), limit, bbox=tuple(box)))
        return s[0] if isinstance(s, tuple) else s  # (statement, sort keys, cursor)

    return Ceiling("layers.read.features.items_statement", [compile_asyncpg(stmt(b)) for b in bboxes],
                   [compile_literal(stmt(b)) for b in bboxes])


def session_settings(settings: Settings, url: str) -> dict[str, str]:
    """The settings ntm-map's web engine gives its connections (statement_timeout, ...), read
    back from a connection it opens, so pgbench's sessions get the same (as PGOPTIONS)."""
    import asyncio

    from sqlalchemy import text

    from layers.db.engines import async_engine

    async def read() -> dict[str, str]:
        engine = async_engine(settings, url)
        try:
            async with engine.connect() as conn:
                rows = (await conn.execute(text(
                    "SELECT name, setting FROM pg_settings WHERE source IN ('client', 'session')"))).all()
        finally:
            await engine.dispose()
        # the client encoding and DateStyle are the driver's own, not ntm-map's choice
        return {n: s for n, s in rows if n not in ("client_encoding", "DateStyle", "application_name")}

    return asyncio.run(read())


Maker = Callable[..., Ceiling]
