"""Settings of the bounded worker processes (layers/workers/bounded.py): a group of the one
`layers.db.settings.Settings`, kept beside the runner whose limits they are."""
from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class BoundedSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NTM_", extra="ignore")

    # Filters and polygon repair that could crash or stall run in these worker processes, each
    # with this much address space beyond its start (MB).
    bounded_workers: int = Field(2, ge=1)
    bounded_memory_mb: int = Field(512, ge=64)
