"""Headers every response carries: a Content-Security-Policy the pages satisfy, nosniff, and a
Referrer-Policy.

The policy follows what the pages do (tests/browser/test_csp.py records violations): scripts
are files of this site (MapLibre and mapbox-gl-draw from /static/vendor, ES modules from
/static); JSON config sits in `<script type="application/json">`, which CSP does not run; MapLibre
starts its workers from blob: URLs and draws into blob:/data: images; templates carry small
inline styles. With an external basemap (`basemap_style_url`) its tiles, sprites and glyphs come
from other hosts over https. Only /embed may be framed by other sites (it is made for iframes).
/docs and /api?f=html (Swagger UI) get the same policy as every page: Swagger UI is served from
/static/vendor and started by a script file, so no CDN and no inline script is allowed anywhere.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from layers.db.settings import Settings

CSP = b"content-security-policy"
FIXED = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"strict-origin-when-cross-origin"))
OURS = {CSP, *(k for k, _ in FIXED)}


def _kind(path: str) -> str:
    if path == "/embed" or path.startswith("/embed/"):
        return "embed"
    return "page"


def policy(settings: Settings, path: str) -> str:
    external = ""
    if settings.basemap_style_url:  # its own origin, and whatever https hosts its style names
        parts = urlsplit(settings.basemap_style_url)
        external = f" {parts.scheme}://{parts.netloc} https:"
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob: https:",
        "font-src": "'self' data:",
        "connect-src": "'self'" + external,
        "worker-src": "'self' blob:",
        "child-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "*" if _kind(path) == "embed" else "'self'",
    }
    return "; ".join(f"{k} {v}" for k, v in directives.items())


class SecurityHeaders:
    """Pure ASGI (tiles pass through it too): adds the headers unless a route set its own."""

    def __init__(self, app, settings: Settings) -> None:
        self.app, self.settings = app, settings
        self._cache: dict[str, bytes] = {}

    def _csp(self, path: str) -> bytes:
        key = _kind(path)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = policy(self.settings, path).encode()
        return found

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        csp = self._csp(scope["path"])

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if any(k.lower() in OURS for k, _ in headers):  # a route chose some itself
                    present = {k.lower() for k, _ in headers}
                    headers += [(k, v) for k, v in ((CSP, csp), *FIXED) if k not in present]
                else:
                    headers += [(CSP, csp), *FIXED]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
