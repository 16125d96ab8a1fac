"""Runtime settings, built by whoever starts the program (CLI, app factory, tests) and passed in.

Nothing here is read at import time, so tests can build as many differently-configured apps as
they like. `Settings` is one object (code reads `settings.tile_cache_mb` wherever it is given
one) composed of a group per package, each group declared beside the code that reads it:

- `DatabaseSettings` (here): which database, the embedded cluster, pools and query limits;
- `ServiceSettings`, `TileSettings` (layers/db/service_settings.py): the web server, client
  limits, hosts and proxies, the web map, tile caches;
- `ReadSettings` (layers/read/settings.py): CQL2 filter bounds;
- `BoundedSettings` (layers/workers/settings.py): the bounded worker processes;
- `GrowingSettings` (layers/write/growing/settings.py), `AccountSettings`
  (layers/write/account_settings.py): the two write workflows;
- `OpenDataSettings` (layers/jobs/opendata/settings.py): releases and their catalog;
- `RasterSettings` (layers/jobs/rasters/settings.py): stored COGs and conversion limits;
- `PrintSettings` (layers/printing/settings.py): the workers drawing label sheets and certificates.

Every group lives in layers/ because layers/ code is handed the composed `Settings`, and imports
point one way (api → tiles → layers → geo): a group in api/ or tiles/ could not be part of it. So
the groups that only api/ and tiles/ read are declared in layers/db/service_settings.py.

Each variable is `NTM_<FIELD>` (DATABASE_URL for the database), as before the split. A wrong value
fails when the settings are built, with the variable's name (`explain` writes the CLI's line).
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from layers.db.service_settings import ServiceSettings, TileSettings
from layers.jobs.opendata.settings import OpenDataSettings
from layers.jobs.rasters.settings import RasterSettings
from layers.printing.settings import PrintSettings
from layers.read.settings import ReadSettings
from layers.workers.settings import BoundedSettings
from layers.write.account_settings import AccountSettings
from layers.write.growing.settings import GrowingSettings

DATABASE_SCHEMES = ("postgresql", "postgres")
# What building Settings raises for a bad value: pydantic's checks, or pydantic-settings' own when
# a list or dict variable is not JSON.
ERRORS = (ValidationError, SettingsError)


def default_home() -> Path:
    """The project's data folder: `.ntm-map/` of a source checkout, else a per-user folder."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").exists() and (checkout / "layers").is_dir():
        return checkout / ".ntm-map"
    return Path.home() / ".local" / "share" / "ntm-map"


class DatabaseSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NTM_", extra="ignore")

    # With no DATABASE_URL the project runs its own PostgreSQL + PostGIS cluster under `home`,
    # on db_port, from the binaries in pg_bin (default: the newest Debian install with PostGIS).
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "NTM_DATABASE_URL")
    )
    home: Path = Field(default_factory=default_home)
    db_port: int = Field(54329, ge=1, le=65535)
    db_name: str = Field("ntm_map", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
    pg_bin: Path | None = None
    # The province whose VN-2000 meridian is tried first for CRS-less files (and uploads).
    province_code: str = Field("40", pattern=r"^[0-9]{2}$")
    statement_timeout_ms: int = Field(15000, ge=1)
    # Connections the web app keeps open. Requests beyond it wait for one rather than opening and
    # closing extra sessions (a new PostgreSQL backend per request costs more than the query).
    db_pool_size: int = Field(20, ge=1)
    # Parallel query helps one big report, not many small map requests sharing a few cores: on
    # a 2-core machine a z14 household tile took 8 ms with a parallel worker and 2.7 ms without.
    db_parallel_workers: int = Field(0, ge=0)
    # Pages above 2,000 features stream from a pool of their own (stream_pool_size connections,
    # waited for at most stream_wait_s, then 503), so they never take the connections tiles and
    # small pages need. A worker opens db_pool_size + stream_pool_size + 2 (health) connections at most.
    stream_pool_size: int = Field(4, ge=1)
    stream_wait_s: float = Field(5.0, gt=0)

    @field_validator("database_url")
    @classmethod
    def _postgresql(cls, value: str | None) -> str | None:
        if not value:  # set but empty: the embedded cluster, as when unset
            return None
        scheme = urlsplit(value).scheme
        if scheme.split("+")[0] not in DATABASE_SCHEMES:
            raise ValueError("must be a PostgreSQL URL, postgresql://user:password@host:port/database")
        return value

    @field_validator("pg_bin")
    @classmethod
    def _binaries(cls, value: Path | None) -> Path | None:
        if value is not None and not (value / "postgres").is_file():
            raise ValueError(f"{value} holds no `postgres`: give the bin folder of a PostgreSQL with PostGIS")
        return value


class Settings(DatabaseSettings, ServiceSettings, TileSettings, ReadSettings, BoundedSettings,
               GrowingSettings, AccountSettings, OpenDataSettings, RasterSettings, PrintSettings):
    """Every group in one object: what the CLI, the app factory and the tests build."""

    model_config = SettingsConfigDict(env_prefix="NTM_", extra="ignore")


def env_name(field: str) -> str:
    """The environment variable of a field: NTM_<FIELD>, DATABASE_URL for the database."""
    if field.upper() in ("DATABASE_URL", "NTM_DATABASE_URL"):
        return "DATABASE_URL"
    return field.upper() if field.upper().startswith("NTM_") else f"NTM_{field.upper()}"


def explain(exc: ValidationError | SettingsError) -> str:
    """One line for a person: each bad setting as `NTM_X: what is wrong` (cross-field checks
    name their variables themselves)."""
    if isinstance(exc, SettingsError):
        found = re.search(r'field "(\w+)"', str(exc))
        name = env_name(found.group(1)) if found else "a setting"
        return f"{name}: not valid JSON (lists and tables are written as JSON, e.g. [\"10.0.0.5\"] or {{\"rice\": 3}})"
    lines = []
    for error in exc.errors():
        message = error["msg"].removeprefix("Value error, ")
        loc = [str(part) for part in error.get("loc", ()) if isinstance(part, str)]
        lines.append(f"{env_name(loc[0])}: {message}" if loc else message)
    return "; ".join(lines)
