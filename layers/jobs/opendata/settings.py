"""Settings of the open-data releases (layers/jobs/opendata, docs/opendata.md): a group of the one
`layers.db.settings.Settings`, beside the job that writes them into every release's catalog,
where a malformed licence URL or e-mail would only show once published.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from layers.db.service_settings import web_url

# Deepest zoom of a PMTiles export: web maps stop near 22, and each level quadruples the tiles.
MAX_PMTILES_ZOOM = 22


class OpenDataSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NTM_", extra="ignore")

    # Where releases are written (default <home>/opendata), household counts below this are
    # suppressed, the licence and publisher of the catalog, the public base URL for links in
    # files (else the request's), PMTiles zooms.
    opendata_dir: Path | None = None
    opendata_min_count: int = Field(5, ge=1)
    opendata_license: str = "https://creativecommons.org/licenses/by/4.0/"
    opendata_license_title: str = Field("Creative Commons Attribution 4.0 International (CC BY 4.0)", min_length=1)
    opendata_publisher: str = Field("Văn phòng Điều phối nông thôn mới tỉnh Nghệ An (demo)", min_length=1)
    opendata_publisher_en: str = Field("Nghệ An New Rural Development Coordination Office (demo)", min_length=1)
    opendata_contact_email: str = Field("opendata@example.org", pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    opendata_base_url: str | None = None
    # EU frequency authority code (MONTHLY, ANNUAL, IRREG, …).
    opendata_update_frequency: str = Field("MONTHLY", pattern=r"^[A-Z0-9_]+$")
    pmtiles_min_zoom: int = Field(0, ge=0, le=MAX_PMTILES_ZOOM)
    pmtiles_max_zoom: int = Field(12, ge=0, le=MAX_PMTILES_ZOOM)

    @field_validator("opendata_license", "opendata_base_url")
    @classmethod
    def _urls(cls, value: str | None) -> str | None:
        return web_url(value)

    @model_validator(mode="after")
    def _zooms(self):
        if self.pmtiles_min_zoom > self.pmtiles_max_zoom:
            raise ValueError(f"NTM_PMTILES_MIN_ZOOM: {self.pmtiles_min_zoom} is above NTM_PMTILES_MAX_ZOOM "
                             f"({self.pmtiles_max_zoom})")
        return self
