"""Settings of growing-area writes (README "Growing areas"): a group of the one
`layers.db.settings.Settings`, beside the workflow that reads them. A template or crop that would
only fail at the first grant or upload fails here, when the program starts.
"""
from __future__ import annotations

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from geo.crops import CROPS
from geo.growing_area_code import CodeScheme


class GrowingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NTM_", extra="ignore")

    # Code template (geo/growing_area_code.py), months a granted code stays valid, rule
    # tolerances, per-crop minimum hectares overriding geo/crops.py (JSON in
    # NTM_GROWING_MIN_AREA_HA), size limits, upload limits, how often expiry runs (0: never).
    growing_code_template: str = "VN-{province}-{commune}-{serial:04d}"
    growing_validity_months: int = Field(36, ge=1, le=1200)
    growing_overlap_tolerance_m2: float = Field(10.0, ge=0)
    growing_commune_tolerance_m: float = Field(50.0, ge=0)
    growing_min_area_ha: dict[str, float] = Field(default_factory=dict)
    growing_max_vertices: int = Field(20_000, ge=4)
    growing_max_area_ha: float = Field(5_000.0, gt=0)
    growing_upload_max_mb: int = Field(20, ge=1)
    growing_upload_max_unzipped_mb: int = Field(100, ge=1)
    growing_upload_max_entries: int = Field(50, ge=1)
    growing_upload_max_features: int = Field(1_000, ge=1)
    growing_expiry_interval_s: int = Field(300, ge=0)
    # Boundaries (layers/write/growing/shapes.py): a valid polygon of at most
    # growing_inline_vertices is checked in the request; any other goes to a worker with this
    # deadline, and one crossing itself in more places than growing_repair_max_crossings is
    # refused as too complex to repair (a 1,601-point star: 640,000 crossings, 100 s, 2.7 GB).
    growing_inline_vertices: int = Field(1_000, ge=0)
    growing_repair_timeout_s: float = Field(5.0, gt=0)
    growing_repair_max_crossings: int = Field(10_000, ge=0)
    growing_upload_check_s: float = Field(120.0, gt=0)  # all of one upload's boundaries together

    @field_validator("growing_code_template")
    @classmethod
    def _template(cls, value: str) -> str:
        CodeScheme(value)  # its ValueError says what is wrong with the template
        return value

    @field_validator("growing_min_area_ha")
    @classmethod
    def _min_areas(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(CROPS))
        if unknown:
            raise ValueError(f"unknown crop code(s) {', '.join(unknown)}; known: {', '.join(CROPS)}")
        negative = sorted(crop for crop, ha in value.items() if not ha >= 0)
        if negative:
            raise ValueError(f"minimum hectares must be 0 or more ({', '.join(negative)})")
        return value

    @model_validator(mode="after")
    def _upload_sizes(self):
        if self.growing_upload_max_mb > self.growing_upload_max_unzipped_mb:
            raise ValueError(f"NTM_GROWING_UPLOAD_MAX_MB: {self.growing_upload_max_mb} is above "
                             f"NTM_GROWING_UPLOAD_MAX_UNZIPPED_MB ({self.growing_upload_max_unzipped_mb}); "
                             "an upload unzips to at least its own size")
        return self
