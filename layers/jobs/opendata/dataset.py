"""What a published dataset is: titles, theme, the file's fields and the statement that reads
its rows. `datasets` lists the published ones (registry layers and `indicators`' derived tables),
both of which build on this.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from layers.db.settings import Settings
from layers.read.registry import Property

ID = Property("id", "integer", "Mã định danh", "Identifier")


@dataclass(frozen=True)
class Dataset:
    id: str
    title_vi: str
    title_en: str
    description_vi: str
    description_en: str
    theme: str
    keywords: tuple[str, ...]
    fields: tuple[Property, ...]  # the file's columns besides the geometry, `id` first
    geometry_type: str
    source_tables: tuple[str, ...]
    statement: Callable[[Settings], sa.Select]  # columns: fields in order, then `geometry` (WKB)
    layer_id: str | None = None  # the API collection holding the same rows
    household_derived: bool = False
    temporal_field: str | None = None  # an integer year or a date giving temporal coverage
    # For rows that change without a layer version (lot_scans): a statement whose one value changes
    # with them, compared by `publish --if-changed` like the layer versions.
    state: Callable[[], sa.Select] | None = None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def title(self, lang: str) -> str:
        return self.title_vi if lang == "vi" else self.title_en

    def description(self, lang: str) -> str:
        return self.description_vi if lang == "vi" else self.description_en
