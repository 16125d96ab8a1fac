"""Per-client caps on concurrent expensive requests, shared by every worker process.

A client may run at most `client_slots` expensive requests at once (pages streamed from the
database, HTML item pages, search, uploads); one more is a 429 with Retry-After. Anonymous
clients are counted by IP address (IPv6 by its /64, which one host usually holds whole); a
logged-in account by its name, with the larger `staff_slots`.

Slots are lock files under the runtime directory, taken with `flock(LOCK_EX | LOCK_NB)`: every
worker of `ntm-map serve --workers N` sees the others' slots, a slot is released when its file
descriptor closes, and the kernel closes those of a worker that dies. A client hashes into one
of BUCKETS buckets of `cap` files each, so the directory never holds more than BUCKETS × cap
files (two clients sharing a bucket share a cap: rare, and only ever stricter).
"""
from __future__ import annotations

import fcntl
import hashlib
import ipaddress
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, HTTPException, Request

from api.auth import SESSION_COOKIE, optional_user
from api.http.negotiation import feature_format
from api.i18n.refusal import Refusal
from api.pages import feature_pages
from api.query.params import items_query
from layers.db.engines import without_password
from layers.db.settings import Settings
from layers.read.features import ItemsQuery

log = logging.getLogger("ntm_map")
BUCKETS = 4096
RETRY_AFTER_S = 5


def slots_dir(settings: Settings, url: str) -> Path:
    """One folder per database served: every process serving it (the workers of one server, or
    several servers) counts a client's requests together, since they all load that database; a
    test's app on a database of its own counts apart."""
    served = without_password(url)
    name = hashlib.blake2b(served.encode(), digest_size=6).hexdigest()
    return (settings.runtime_dir or settings.home / "run") / "client-slots" / name


class Slot:
    def __init__(self, fd: int) -> None:
        self.fd: int | None = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor drops the lock
            self.fd = None


class ClientSlots:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder

    def take(self, client: str, cap: int) -> Slot | None:
        """A free slot of `client`'s, or None when all `cap` are held (by any process)."""
        digest = hashlib.blake2b(client.encode(), digest_size=4).digest()
        bucket = int.from_bytes(digest, "big") % BUCKETS
        for i in range(cap):
            fd = os.open(self.folder / f"{bucket:03x}.{i}", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return Slot(fd)
        return None


def client_address(host: str | None) -> str:
    """IPv4 as is; IPv6 by its /64."""
    try:
        ip = ipaddress.ip_address(host or "")
    except ValueError:
        return host or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


async def _client(request: Request) -> tuple[str, int]:
    settings: Settings = request.app.state.settings
    if request.headers.get("authorization") or request.cookies.get(SESSION_COOKIE):
        try:
            user = await optional_user(request)
        except HTTPException:
            user = None  # bad credentials: counted as anonymous here; routes that need a user say 401
        if user is not None:
            return f"user:{user.name}", settings.staff_slots
    return f"ip:{client_address(request.client.host if request.client else None)}", settings.client_slots


@asynccontextmanager
async def client_slot(request: Request) -> AsyncIterator[None]:
    client, cap = await _client(request)
    slot = request.app.state.client_slots.take(client, cap)
    if slot is None:
        log.info("%s refused: %s already runs %d expensive requests", request.url.path, client, cap)
        raise Refusal(429, "errors.api.too_many", headers={"Retry-After": str(RETRY_AFTER_S)}, cap=cap)
    try:
        yield
    finally:
        slot.release()


# FastAPI runs the code after a dependency's `yield` once the response is sent (streams
# included) or sending failed, so a slot is held exactly as long as the request costs.

async def expensive(request: Request) -> AsyncIterator[None]:
    """For routes whose every request is expensive (search, uploads)."""
    async with client_slot(request):
        yield


async def expensive_page(request: Request, q: ItemsQuery = Depends(items_query),
                         fmt: str = Depends(feature_format)) -> AsyncIterator[None]:
    """An items page is expensive when it is streamed from the database or rendered as HTML."""
    if fmt != "html" and q.limit <= feature_pages.STREAM_ABOVE:
        yield
        return
    async with client_slot(request):
        yield
