"""The outermost layer of every HTTP exchange: a request id, a send timeout, and the 500.

- Each request gets an id (a sane incoming `X-Request-Id` is kept, so a proxy's id follows the
  request), returned in `X-Request-Id` and written into every log line about the request.
- A client that reads nothing for `send_timeout_s` loses its response: the send is abandoned,
  so the response's `finally` blocks run (a streamed page gives back its database connection and
  its client slot) and uvicorn closes the socket. Without it, a client that stops reading holds
  a database connection for as long as it likes.
- An exception nobody mapped (api.errors) becomes a 500 in the API's JSON shape, logged once
  with its traceback and the request id, instead of uvicorn's text/plain "Internal Server Error".
"""
from __future__ import annotations

import asyncio
import logging
import re
import uuid

from api import errors

log = logging.getLogger("ntm_map")
SANE_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")


class ClientTooSlow(Exception):
    """The client did not take a response chunk within the send timeout."""


class Edge:
    def __init__(self, app, send_timeout_s: float) -> None:
        self.app, self.send_timeout_s = app, send_timeout_s

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        started = False

        async def edge_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            try:
                async with asyncio.timeout(self.send_timeout_s):
                    await send(message)
            except TimeoutError:
                raise ClientTooSlow from None

        try:
            await self.app(scope, receive, edge_send)
        except ClientTooSlow:
            # Nothing more can be sent: returning with the response unfinished makes uvicorn close
            # the connection, which tells the client the body is incomplete.
            log.warning("%s %s: the client read nothing for %.0f s; response cut [request %s]",
                        scope["method"], scope["path"], self.send_timeout_s, rid)
        except Exception as exc:  # noqa: BLE001 — the one place an unexpected error becomes a 500
            log.error("%s %s failed [request %s]", scope["method"], scope["path"], rid, exc_info=exc)
            if not started:  # else the response is half sent: returning makes uvicorn drop the connection
                await errors.internal_error(scope)(scope, receive, edge_send)
