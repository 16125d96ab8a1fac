"""HEAD and OPTIONS for every resource, and a truthful `Allow` on 405s.

FastAPI routes answer only the methods they are declared with, so without this HEAD on a GET
resource is a 405 and OPTIONS is a 405 everywhere (RFC 9110 asks for both; OGC API - Features
Part 4 declares a resource's methods through OPTIONS' `Allow`: /req/create-replace-delete/
options-response).

- `HeadAsGet` (outside the gzip middleware, so the headers are those GET would send, encoding
  and length included) runs a HEAD as the GET and sends the response's start and an empty body.
  A streamed body is stopped at its first chunk: its `finally` blocks give back the database
  connection and slot, as when a client goes away. No route declares HEAD, so the OpenAPI
  document (GET operations) is unchanged.
- `AllowedMethods` (inside CORS, which answers preflights itself and adds its headers to ours)
  answers OPTIONS with 200 and `Allow`, and rewrites the `Allow` of any 405: Starlette names the
  methods of the first route whose path matched, while /collections/growing_areas/items/{id}
  is served by two routers (GET: features, PUT/PATCH/DELETE: growing areas).

The methods of a path are found by asking the app's own routes whether they match it with each
method, so they follow whatever routes exist. A mount (static files) serves GET and HEAD.
"""
from __future__ import annotations

import re

from starlette.routing import Match, Mount

from api.errors import error, scope_language
from api.i18n import t
from layers.read.registry import BY_ID

PROBED = ("GET", "POST", "PUT", "PATCH", "DELETE")
ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
COLLECTION = re.compile(r"^/collections/([^/]+)(?:/|$)")


class _BodyDropped(Exception):
    """Raised into a streamed GET answering a HEAD, once its headers are out."""


class HeadAsGet:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)
        ended = False

        async def head_send(message):
            nonlocal ended
            if message["type"] != "http.response.body":
                return await send(message)
            if ended:
                raise _BodyDropped
            ended = True
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            if message.get("more_body"):
                raise _BodyDropped

        try:
            # "ntm.head": the route may tell a HEAD from a GET (a HEAD of a trace page is no scan).
            await self.app({**scope, "method": "GET", "ntm.head": True}, receive, head_send)
        except _BodyDropped:
            pass


def allowed_methods(routes, path: str) -> tuple[str, ...]:
    """The methods `routes` serve at `path` (HEAD with GET, OPTIONS with any), in ORDER; empty
    when nothing is there."""
    m = COLLECTION.match(path)
    if m and m.group(1) not in BY_ID:
        return ()
    found = set()
    for method in PROBED:
        scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": [],
                 "query_string": b""}
        for route in routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                found |= {"GET"} if isinstance(route, Mount) else {method}
                break
    if "GET" in found:
        found.add("HEAD")
    if found:
        found.add("OPTIONS")
    return tuple(m for m in ORDER if m in found)


class AllowedMethods:
    """`routes_of`: the FastAPI app, whose routes are read when a request needs them (routes
    are added after the middleware)."""

    def __init__(self, app, routes_of) -> None:
        self.app, self.routes_of = app, routes_of

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["method"] == "OPTIONS":
            return await self._options(scope, receive, send)

        async def allow_send(message):
            methods = ()
            if message["type"] == "http.response.start" and message["status"] == 405:
                methods = allowed_methods(self.routes_of.router.routes, scope["path"])
            if methods:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                message = dict(message, headers=[*headers, (b"allow", ", ".join(methods).encode())])
            await send(message)

        await self.app(scope, receive, allow_send)

    async def _options(self, scope, receive, send):
        methods = allowed_methods(self.routes_of.router.routes, scope["path"])
        if not methods:
            said = t("errors.api.no_resource", scope_language(scope) or "en", path=scope["path"])
            return await error(404, said)(scope, receive, send)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"allow", ", ".join(methods).encode()), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})
