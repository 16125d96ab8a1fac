"""What each importable layer accepts: columns, converters, required fields, name aliases.

Aliases cover the field names seen in real files: the vn-admin boundary format (code, name,
nameEn, fullName), common Vietnamese abbreviations (ma_xa, ten, ...), and DBF's 10-character
truncations of our own names.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql

from geo.vocabulary import ADMIN_LEVELS, CERTIFICATIONS, GROWING_STATUSES, PLACE_KINDS, POVERTY_STATUSES
from layers.db import models
from layers.jobs.importing import values as v


@dataclass(frozen=True)
class ImportSpec:
    layer: str
    table: Table
    family: str  # Point, LineString, Polygon
    columns: dict[str, Callable]  # target column → converter
    required: tuple[str, ...]
    aliases: dict[str, str] = field(default_factory=dict)  # folded source name → column
    unique: tuple[str, ...] = ()
    # Personal columns filled from the same file into the layer's private table, whose column
    # `private_key` holds the layer row's id.
    private_columns: dict[str, Callable] = field(default_factory=dict)
    private_table: Table | None = None
    private_key: str = ""
    derive_commune: bool = True

    def sql_type(self, column: str) -> str:
        table = self.private_table if column in self.private_columns else self.table
        return table.c[column].type.compile(dialect=postgresql.dialect())


COMMUNE_ALIASES = {"ma_xa": "commune_code", "maxa": "commune_code", "commune": "commune_code", "commune_co": "commune_code"}
NAME_ALIASES = {"ten": "name", "ten_vung": "name", "ten_htx": "name"}

SPECS: dict[str, ImportSpec] = {s.layer: s for s in (
    ImportSpec(
        "admin_units", models.AdminUnit.__table__, "Polygon",
        {"code": v.code_text, "parent_code": v.code_text, "name_vi": v.text, "name_en": v.text,
         "full_name_vi": v.text, "full_name_en": v.text, "valid_from": v.day, "valid_to": v.day,
         "level": v.one_of(*ADMIN_LEVELS), "kind": v.text},
        required=("code", "name_vi"),
        aliases={"name": "name_vi", "nameen": "name_en", "fullname": "full_name_vi",
                 "fullnameen": "full_name_en", "ma": "code", "ma_dvhc": "code", "ten": "name_vi",
                 "parent": "parent_code", "full_name_": "full_name_vi"},
        derive_commune=False,
    ),
    ImportSpec(
        "villages", models.Village.__table__, "Polygon",
        {"code": v.code_text, "commune_code": v.code_text, "name": v.text, "kind": v.text},
        required=("name",), aliases={**COMMUNE_ALIASES, "ten": "name", "ten_thon": "name", "ma_thon": "code"},
        unique=("code",),
    ),
    ImportSpec(
        "households", models.Household.__table__, "Point",
        {"address_code": v.text, "commune_code": v.code_text},
        required=(), aliases={**COMMUNE_ALIASES, "ma_dia_chi": "address_code", "address_co": "address_code",
                              "ho_ten": "head_name", "chu_ho": "head_name", "dien_thoai": "phone",
                              "so_dien_thoai": "phone", "cccd": "national_id", "so_nguoi": "members"},
        unique=("address_code",),
        private_columns={"head_name": v.text, "phone": v.text, "national_id": v.code_text,
                         "members": v.integer,
                         "poverty_status": v.one_of(*POVERTY_STATUSES),
                         "monthly_income_vnd": v.integer},
        private_table=models.HouseholdPrivate.__table__, private_key="household_id",
    ),
    ImportSpec(
        "growing_areas", models.GrowingArea.__table__, "Polygon",
        {"code": v.text, "name": v.text, "crop": v.crop, "variety": v.text, "commune_code": v.code_text,
         "address": v.text, "households_count": v.integer,
         "expected_output_tonnes": v.number, "certification": v.one_of(*CERTIFICATIONS),
         "farming_diary": v.boolean, "residue_monitoring": v.boolean, "target_markets": v.text_list,
         "status": v.one_of(*GROWING_STATUSES), "valid_from": v.day, "valid_to": v.day},
        required=("name", "crop"),
        aliases={**COMMUNE_ALIASES, **NAME_ALIASES, "cay_trong": "crop", "giong": "variety",
                 "ma_so": "code", "msvt": "code", "households": "households_count",
                 "expected_o": "expected_output_tonnes", "certificat": "certification",
                 "target_mar": "target_markets", "farming_di": "farming_diary",
                 "residue_mo": "residue_monitoring", "owner_phon": "owner_phone"},
        unique=("code",),
        private_columns={"owner_name": v.text, "owner_phone": v.text},
        private_table=models.GrowingAreaPrivate.__table__, private_key="growing_area_id",
    ),
    ImportSpec(
        "cooperatives", models.Cooperative.__table__, "Point",
        {"code": v.code_text, "name": v.text, "commune_code": v.code_text, "address": v.text,
         "main_products": v.text, "members": v.integer, "founded_year": v.integer, "phone": v.text},
        required=("name",), aliases={**COMMUNE_ALIASES, **NAME_ALIASES, "main_produ": "main_products",
                                     "founded_ye": "founded_year"},
        unique=("code",),
    ),
    ImportSpec(
        "agri_zones", models.AgriZone.__table__, "Polygon",
        {"name": v.text, "kind": v.text, "land_use_code": v.text, "commune_code": v.code_text},
        required=("name", "kind"), aliases={**COMMUNE_ALIASES, **NAME_ALIASES, "land_use_c": "land_use_code"},
    ),
    ImportSpec(
        "ocop_products", models.OcopProduct.__table__, "Point",
        {"name": v.text, "category": v.text, "stars": v.integer, "score": v.integer, "producer": v.text,
         "commune_code": v.code_text, "certified_year": v.integer, "description": v.text},
        required=("name", "category", "stars", "producer"),
        aliases={**COMMUNE_ALIASES, "ten_san_pham": "name", "so_sao": "stars", "certified_": "certified_year",
                 "descriptio": "description"},
    ),
    ImportSpec(
        "tourism_places", models.TourismPlace.__table__, "Point",
        {"kind": v.one_of(*PLACE_KINDS), "name_vi": v.text, "name_en": v.text, "description_vi": v.text,
         "description_en": v.text, "commune_code": v.code_text, "address": v.text, "phone": v.text,
         "email": v.text, "website": v.text, "wifi": v.boolean, "opening_hours": v.text},
        required=("kind", "name_vi"),
        aliases={**COMMUNE_ALIASES, "name": "name_vi", "ten": "name_vi", "description": "description_vi",
                 "desc": "description_vi", "descriptio": "description_vi", "descript_1": "description_en", "opening_ho": "opening_hours"},
    ),
    ImportSpec(
        "tourism_routes", models.TourismRoute.__table__, "LineString",
        {"name_vi": v.text, "name_en": v.text, "description_vi": v.text, "description_en": v.text,
         "duration_days": v.number},
        required=("name_vi",), aliases={"name": "name_vi", "ten": "name_vi", "desc": "description_vi",
                                        "description": "description_vi", "duration_d": "duration_days"},
        derive_commune=False,
    ),
)}


def get_spec(layer: str) -> ImportSpec:
    try:
        return SPECS[layer]
    except KeyError:
        raise KeyError(f"cannot import into {layer!r}; importable layers: {', '.join(SPECS)}") from None
