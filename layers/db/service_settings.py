"""Settings of the web service and its tiles: groups of the one `layers.db.settings.Settings`.

They are read by api/ (server, client limits, hosts, proxies, web map) and tiles/ (caches), yet
declared here: the composed Settings that layers/ is given must hold every group, and imports
point one way (api → tiles → layers → geo), so a group declared in api/ or tiles/ could not be
part of it.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def web_url(value: str | None) -> str | None:
    """`value` if it is an absolute http(s) URL (or None); else a ValueError for a person."""
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NTM_", extra="ignore")

    host: str = Field("127.0.0.1", min_length=1)
    port: int = Field(8000, ge=1, le=65535)
    workers: int = Field(1, ge=1)
    # Slow or greedy clients. A client that reads nothing for send_timeout_s has its response cut
    # and its connection released. Each client (IP address, /64 for IPv6) runs at most
    # client_slots expensive requests at once (big or HTML pages, search, uploads; staff:
    # staff_slots), counted across worker processes by lock files under runtime_dir (default
    # <home>/run).
    send_timeout_s: float = Field(30.0, gt=0)
    client_slots: int = Field(4, ge=1)
    staff_slots: int = Field(16, ge=1)
    runtime_dir: Path | None = None
    # Reverse proxies (addresses or networks) whose X-Forwarded-For/-Proto are believed; none by
    # default, so a client cannot claim another address (and escape the login throttle).
    trusted_proxies: list[str] = Field(default_factory=list)
    # Host header values answered (links are built from it); default: host, localhost, 127.0.0.1,
    # ::1, this machine's names and opendata_base_url's host (api/http/host_check.py). "*": any.
    allowed_hosts: list[str] | None = None
    # Web map: an external basemap style for real deployments (else the offline one drawn from
    # ntm-map's own tiles), and where the npm browser libraries are (default: <checkout>/node_modules).
    basemap_style_url: str | None = None
    vendor_dir: Path | None = None

    @field_validator("trusted_proxies", "allowed_hosts")
    @classmethod
    def _no_blank(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(not item.strip() for item in value):
            raise ValueError("an entry is empty")
        return value

    @field_validator("basemap_style_url")
    @classmethod
    def _style_url(cls, value: str | None) -> str | None:
        return web_url(value)


class TileSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NTM_", extra="ignore")

    # Memory cache in MB (0 turns all tile caching off, e.g. to benchmark), an optional disk
    # cache, features per layer and tile, and how long a browser may reuse a tile unasked.
    tile_cache_mb: int = Field(256, ge=0)
    tile_cache_dir: Path | None = None
    tile_feature_cap: int = Field(20000, ge=1)
    tile_max_age_s: int = Field(60, ge=0)
