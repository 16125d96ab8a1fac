"""Runtime settings, built by whoever starts the program (CLI, app factory, tests) and passed in.

Nothing here is read at import time, so tests can build as many differently-configured apps as
they like.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_home() -> Path:
    """The project's data folder: `.ntm-map/` of a source checkout, else a per-user folder."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").exists() and (checkout / "layers").is_dir():
        return checkout / ".ntm-map"
    return Path.home() / ".local" / "share" / "ntm-map"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NTM_", extra="ignore")

    # With no DATABASE_URL the project runs its own PostgreSQL + PostGIS cluster under `home`.
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "NTM_DATABASE_URL")
    )
    home: Path = Field(default_factory=default_home)
    db_port: int = 54329
    db_name: str = "ntm_map"
    # The province whose VN-2000 meridian is tried first for CRS-less files.
    province_code: str = "40"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    statement_timeout_ms: int = 15000
    # Connections the web app keeps open. Requests beyond it wait for one rather than opening and
    # closing extra sessions (a new PostgreSQL backend per request costs more than the query).
    db_pool_size: int = 20
    # Parallel query helps one big report, not many small map requests sharing a few cores: on
    # a 2-core machine a z14 household tile took 8 ms with a parallel worker and 2.7 ms without.
    db_parallel_workers: int = 0
    # Slow or greedy clients. Pages above 2,000 features stream from a pool of their own
    # (stream_pool_size connections, waited for at most stream_wait_s, then 503), so they never
    # take the connections tiles and small pages need; a client that reads nothing for
    # send_timeout_s has its response cut and its connection released. Each client (IP address,
    # /64 for IPv6) runs at most client_slots expensive requests at once (big or HTML pages,
    # search, uploads; staff: staff_slots), counted across worker processes by lock files under
    # runtime_dir (default <home>/run). A worker opens db_pool_size + stream_pool_size + 2 (health)
    # connections at most.
    stream_pool_size: int = Field(4, ge=1)
    stream_wait_s: float = Field(5.0, gt=0)
    send_timeout_s: float = Field(30.0, gt=0)
    client_slots: int = Field(4, ge=1)
    staff_slots: int = Field(16, ge=1)
    runtime_dir: Path | None = None
    # Tiles: memory cache in MB (0 turns all tile caching off, e.g. to benchmark), an optional
    # disk cache, features per layer and tile, and how long a browser may reuse a tile unasked.
    tile_cache_mb: int = 256
    tile_cache_dir: Path | None = None
    tile_feature_cap: int = 20000
    tile_max_age_s: int = 60
    # Web map: an external basemap style for real deployments (else the offline one drawn from
    # ntm-map's own tiles), and where the npm browser libraries are (default: <checkout>/node_modules).
    basemap_style_url: str | None = None
    vendor_dir: Path | None = None
    # Open data (layers/jobs/opendata, docs/opendata.md): where releases are written (default
    # <home>/opendata), household counts below this are suppressed, the licence and publisher of
    # the catalog, the public base URL for links in files (else the request's), PMTiles zooms.
    opendata_dir: Path | None = None
    opendata_min_count: int = 5
    opendata_license: str = "https://creativecommons.org/licenses/by/4.0/"
    opendata_license_title: str = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
    opendata_publisher: str = "Văn phòng Điều phối nông thôn mới tỉnh Nghệ An (demo)"
    opendata_publisher_en: str = "Nghệ An New Rural Development Coordination Office (demo)"
    opendata_contact_email: str = "opendata@example.org"
    opendata_base_url: str | None = None
    opendata_update_frequency: str = "MONTHLY"  # EU frequency authority code
    pmtiles_min_zoom: int = 0
    pmtiles_max_zoom: int = 12
    # Growing areas (README "Growing areas"): code template (geo/growing_area_code.py), months a
    # granted code stays valid, rule tolerances, per-crop minimum hectares overriding geo/crops.py
    # (JSON in NTM_GROWING_MIN_AREA_HA), size limits, upload limits, how often expiry runs.
    growing_code_template: str = "VN-{province}-{commune}-{serial:04d}"
    growing_validity_months: int = 36
    growing_overlap_tolerance_m2: float = 10.0
    growing_commune_tolerance_m: float = 50.0
    growing_min_area_ha: dict[str, float] = Field(default_factory=dict)
    growing_max_vertices: int = 20_000
    growing_max_area_ha: float = 5_000.0
    growing_upload_max_mb: int = 20
    growing_upload_max_unzipped_mb: int = 100
    growing_upload_max_entries: int = 50
    growing_upload_max_features: int = 1_000
    growing_expiry_interval_s: int = 300
    # Accounts: API tokens expire after this many days unless issued with another; a web login
    # lasts this many hours; a password must be at least this long.
    token_days: int = 90
    session_hours: int = 12
    password_min_length: int = 10
    # Logins verify at most this many passwords at once (argon2: 64 MiB and ~50 ms of CPU each).
    login_max_concurrent: int = Field(2, ge=1)
    # Reverse proxies (addresses or networks) whose X-Forwarded-For/-Proto are believed; none by
    # default, so a client cannot claim another address (and escape the login throttle).
    trusted_proxies: list[str] = Field(default_factory=list)
    # Host header values answered (links are built from it); default: host, localhost, 127.0.0.1,
    # ::1, this machine's names and opendata_base_url's host (api/http/host_check.py). "*": any.
    allowed_hosts: list[str] | None = None
    # Bounded work (layers/workers/bounded.py): filters and polygon repair that could crash or stall run
    # in these worker processes, each with this much address space beyond its start (MB).
    bounded_workers: int = Field(2, ge=1)
    bounded_memory_mb: int = Field(512, ge=64)
    # CQL2 filters (layers/read/cql/): longest text and most tokens accepted; a filter longer than
    # filter_inline_chars (or nested beyond the inline bounds) is parsed in a worker.
    filter_max_chars: int = Field(65_536, ge=256)
    filter_max_tokens: int = Field(20_000, ge=64)
    filter_inline_chars: int = Field(1024, ge=0)
    filter_parse_timeout_s: float = Field(2.0, gt=0)
    # Growing-area boundaries (layers/write/growing/shapes.py): a valid polygon of at most
    # growing_inline_vertices is checked in the request; any other goes to a worker with this
    # deadline, and one crossing itself in more places than growing_repair_max_crossings is
    # refused as too complex to repair (a 1,601-point star: 640,000 crossings, 100 s, 2.7 GB).
    growing_inline_vertices: int = Field(1_000, ge=0)
    growing_repair_timeout_s: float = Field(5.0, gt=0)
    growing_repair_max_crossings: int = Field(10_000, ge=0)
    growing_upload_check_s: float = Field(120.0, gt=0)  # all of one upload's boundaries together
