"""The read side's settings: bounds on CQL2 filters (layers/read/cql/limits.py).

A group of the one `layers.db.settings.Settings` (read there as `settings.filter_max_chars`);
it lives beside the code that uses it so the bounds and their reasons sit together.
"""
from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ReadSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NTM_", extra="ignore")

    # CQL2 filters (layers/read/cql/): longest text and most tokens accepted; a filter longer than
    # filter_inline_chars (or nested beyond the inline bounds) is parsed in a worker.
    filter_max_chars: int = Field(65_536, ge=256)
    filter_max_tokens: int = Field(20_000, ge=64)
    filter_inline_chars: int = Field(1024, ge=0)
    filter_parse_timeout_s: float = Field(2.0, gt=0)

    @model_validator(mode="after")
    def _inline_within_max(self):
        if self.filter_inline_chars > self.filter_max_chars:
            raise ValueError(f"NTM_FILTER_INLINE_CHARS: {self.filter_inline_chars} is above NTM_FILTER_MAX_CHARS "
                             f"({self.filter_max_chars}); a filter that long is refused before it is parsed")
        return self
