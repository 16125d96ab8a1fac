"""Query parameters an endpoint does not declare: a 400 for the JSON API, ignored by HTML pages.

OGC API - Features Part 1 (/req/core/query-param-unknown) wants a 400 for any query parameter
the API definition does not specify, so a typo (`bbxo=`, `limt=`) is not silently answered with
the whole layer. Pages people open from shared links carry tracking parameters (`fbclid`,
`gclid`, `utm_*`) they never typed, so HTML responses ignore what they do not know.

What an endpoint declares is read from its FastAPI route (the query parameters of the endpoint
and of its dependencies), so the check and the OpenAPI document cannot disagree. `f` and `lang`
are taken everywhere: the web map adds `lang` to the URLs it builds. The web map sends no
cache-busting parameter, so none is allowed.

Applied to: landing page, conformance, collections, one collection, queryables, items (plus the
collection's queryables, api.query.queryable_params), one item, search. Not to tiles and their
metadata: OGC API - Tiles asks nothing of the kind, tile URLs are answered before routing
(api.http.tile_responses) and tile clients and caches append their own parameters.
"""
from __future__ import annotations

from fastapi import Request

from api.http.negotiation import feature_format, output_format
from api.i18n.refusal import Refusal
from layers.read.cql.ops import show

ALWAYS = ("f", "lang")
_DECLARED: dict[int, tuple[object, tuple[str, ...]]] = {}


def declared_query(route) -> tuple[str, ...]:
    """Names (aliases) of the query parameters `route` declares, its dependencies' included."""
    known = _DECLARED.get(id(route))
    if known is None or known[0] is not route:
        names: list[str] = []
        stack = [route.dependant]
        while stack:
            dependant = stack.pop()
            names += [f.alias for f in dependant.query_params if f.alias not in names]
            stack.extend(reversed(dependant.dependencies))
        known = _DECLARED[id(route)] = (route, tuple(names))
    return known[1]


def unknown_parameters(request: Request, allowed) -> list[str]:
    return [k for k in request.query_params.keys() if k not in allowed and k not in ALWAYS]


async def wants_html(request: Request, feature: bool) -> bool:
    """The response will be an HTML page (f=html, or a browser's Accept), decided as the route
    decides it; an unknown `f` is the route's 400."""
    negotiate = feature_format if feature else output_format
    return await negotiate(request, request.query_params.get("f")) == "html"


def refuse(request: Request, unknown: list[str], allowed) -> None:
    listed = ", ".join(dict.fromkeys([*allowed, *ALWAYS]))
    names = ", ".join(show(n) for n in unknown[:5])
    key = "errors.api.unknown_parameters_more" if len(unknown) > 5 else (
        "errors.api.unknown_parameters" if len(unknown) > 1 else "errors.api.unknown_parameter")
    raise Refusal(400, key, names=names, more=len(unknown) - 5, path=request.url.path, listed=listed)


def strict_query(feature: bool = False):
    """A route dependency: 400 for query parameters the route does not declare, unless the
    answer is an HTML page. `feature`: the route negotiates like feature collections."""

    async def check_query(request: Request) -> None:
        allowed = declared_query(request.scope["route"])
        unknown = unknown_parameters(request, allowed)
        if unknown and not await wants_html(request, feature):
            refuse(request, unknown, allowed)

    return check_query
