"""Settings of the printing workers (layers/printing): a group of the one
`layers.db.settings.Settings`, beside the code whose limits they are."""
from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PrintSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NTM_", extra="ignore")

    # Label sheets and certificates are drawn in these worker processes (their own pool, so a long
    # print job never takes the workers CQL2 filters and polygon repair need), each allowed this
    # much address space beyond what it holds once its modules are loaded (MB), each job this long.
    # 10,000 labels were measured at 16 MB of resident memory and 15 MB of address space above the
    # loaded worker, in 6 s (docs/traceability.md); the cap is on address space, which glibc may grow
    # by a 64 MB arena reservation at any time, hence more room than the job uses.
    print_workers: int = Field(1, ge=1)
    print_memory_mb: int = Field(192, ge=64)
    print_timeout_s: float = Field(120.0, gt=0)
