"""Who the client is and which name it used: proxy headers only from trusted proxies, and only
Host names this server answers to.

- X-Forwarded-For / X-Forwarded-Proto are believed only from `trusted_proxies` (none by
  default). uvicorn's own handling trusts 127.0.0.1 unless told otherwise, so any local process,
  or a proxy that passes the header through, could name any address and get a fresh login
  throttle per request; `ntm-map serve` turns uvicorn's off and this is the one place it happens.
- Links in responses (next pages, collections, tiles, Location) are built from the Host header.
  A request naming another host would have the server write links to it (into caches, into a
  page someone else is shown), so a Host outside `allowed_hosts` is a 400 before anything runs.
"""
from __future__ import annotations

import socket
from urllib.parse import urlsplit

from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import errors
from api.i18n import t
from layers.db.settings import Settings

# Starlette's TestClient sends this; not a name DNS resolves, so no link can lead anywhere with it.
TEST_CLIENT_HOST = "testserver"
WILDCARD_BINDS = {"0.0.0.0", "::", ""}


def allowed_hosts(settings: Settings) -> set[str] | None:
    """The Host names answered (lower case, no port); None: any."""
    if settings.allowed_hosts is not None:
        hosts = {h.strip().lower() for h in settings.allowed_hosts if h.strip()}
        return None if "*" in hosts else hosts
    hosts = {"localhost", "127.0.0.1", "::1", TEST_CLIENT_HOST}
    if settings.host not in WILDCARD_BINDS:
        hosts.add(settings.host.lower())
    hosts.add(socket.gethostname().lower())  # not getfqdn(): a reverse lookup may hang on DNS
    for url in (settings.opendata_base_url,):
        if url and urlsplit(url).hostname:
            hosts.add(urlsplit(url).hostname.lower())
    return hosts


def host_name(header: str) -> str:
    """'Example.org:8000' → 'example.org'; '[::1]:8000' → '::1'."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostCheck:
    def __init__(self, app, hosts: set[str] | None) -> None:
        self.app, self.hosts = app, hosts
        self.seen: set[str] = set()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.hosts is None:
            return await self.app(scope, receive, send)
        raw = next((v for k, v in scope["headers"] if k == b"host"), b"").decode("latin-1")
        if raw not in self.seen and host_name(raw) not in self.hosts:
            # The name is not echoed: nothing a client invents comes back in the answer.
            response = errors.error(400, t("errors.api.host", errors.scope_language(scope) or "en"))
            return await response(scope, receive, send)
        if len(self.seen) < 64:  # the few Host values a server meets, remembered as good
            self.seen.add(raw)
        return await self.app(scope, receive, send)


def trust_proxies(app, settings: Settings) -> None:
    """X-Forwarded-For/-Proto from `trusted_proxies` only; add it after the middleware that read
    the client's address or scheme, so it runs before them."""
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
