"""A feature's properties as people read them, for the HTML item page and items table.

Words instead of codes (geo.vocabulary), commune, village, cooperative and place names instead
of their codes and ids, numbers, areas and dates by geo.formatting, yes/no from the catalogue,
and a title from the feature's own name or code (never its internal id). The other language's
copy of a name or description is left out, so a page reads in one language.
"""
from __future__ import annotations

from dataclasses import dataclass

from api.i18n import CATALOGUE, t
from geo import formatting
from geo.vocabulary import (
    CERTIFICATIONS, CROP_NAMES, EVENT_KINDS, GROWING_STATUSES, MARKETS, NTM_LEVELS, PLACE_KINDS, PRICE_RANGES,
    UNIT_KINDS,
)
from layers.read.collection import Collections
from layers.read.registry import BY_ID, Layer, Property

CODED = {"crop": CROP_NAMES, "status": GROWING_STATUSES, "level": NTM_LEVELS, "certification": CERTIFICATIONS,
         "target_markets": MARKETS}
CODED_BY_LAYER = {"tourism_places": {"kind": PLACE_KINDS, "price_range": PRICE_RANGES},
                  "tourism_events": {"kind": EVENT_KINDS},
                  "communes": {"kind": UNIT_KINDS},
                  "provinces": {"kind": UNIT_KINDS}}
# Properties holding the id of a feature of another layer, shown by that feature's name.
REFERENCES = {"cooperative_id": "cooperatives", "village_id": "villages", "place_ids": "tourism_places",
              "place_id": "tourism_places", "ocop_product_ids": "ocop_products",
              "cooperative_ids": "cooperatives"}
YEARS = {"year", "founded_year", "certified_year"}  # integers written without a thousands mark
TITLE_FROM = ("name_{lang}", "name", "code", "address_code")


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    title: str | None = None  # the stored value, as a tooltip, when the words replace a code


def other_language(prop: str, lang: str, names: set[str]) -> bool:
    """`name_en` on a Vietnamese page (and `name_vi`, `description_vi` on an English one, and
    `full_name_vi` where an English name stands beside it)."""
    other = "en" if lang == "vi" else "vi"
    base = prop.removesuffix(f"_{other}")
    if prop == "full_name_vi" and lang == "en":
        return "name_en" in names
    return base != prop and f"{base}_{lang}" in names


def shown_properties(layer: Layer, lang: str, chosen: tuple[str, ...] | None = None,
                     table: bool = False) -> list[Property]:
    """`table`: the items table, whose first column is the feature's title (its name)."""
    names = set(layer.property_names)
    named = {"name", f"name_{lang}"} if table else set()
    return [p for p in layer.properties if (chosen is None or p.name in chosen)
            and not other_language(p.name, lang, names) and p.name not in named]


def property_title(p: Property, lang: str, layer: Layer | None = None) -> str:
    """The column or row title from the catalogue (items.prop.<layer>.<property>: the registry's
    title, or words for what the cell shows, "Xã, phường" for a commune shown by its name)."""
    key = f"items.prop.{layer.id}.{p.name}" if layer is not None else ""
    if key in CATALOGUE.entries:
        return t(key, lang)
    return p.title_vi if lang == "vi" else p.title_en


def title_of(layer: Layer, props: dict, lang: str) -> str:
    for key in TITLE_FROM:
        value = props.get(key.format(lang=lang))
        if value not in (None, ""):
            return str(value)
    return layer.title_vi if lang == "vi" else layer.title_en


def _words(table: dict, value, lang: str) -> str:
    pair = table.get(value) if isinstance(value, str) else None
    return pair[0 if lang == "vi" else 1] if pair else str(value)


def cell(layer: Layer, p: Property, value, lang: str, names: dict) -> Cell:
    """`names`: {(layer id, id or code): (name, href)} of the referenced features found."""
    if value is None or value == "" or value == []:
        return Cell("")
    if isinstance(value, bool):
        return Cell(t("common.yes" if value else "common.no", lang))
    table = CODED_BY_LAYER.get(layer.id, {}).get(p.name) or CODED.get(p.name)
    if p.name == "commune_code" and ("communes", value) in names:
        name, href = names["communes", value]
        return Cell(name, href, value)
    if p.name in REFERENCES:
        target = REFERENCES[p.name]
        found = [names.get((target, v)) for v in (value if isinstance(value, list) else [value])]
        if all(found):
            if len(found) == 1:
                return Cell(found[0][0], found[0][1])
            return Cell(", ".join(n for n, _ in found))
    if isinstance(value, list):
        return Cell(", ".join(_words(table or {}, v, lang) for v in value))
    if table:
        return Cell(_words(table, value, lang), title=value if value in table else None)
    key = f"items.value.{layer.id}.{p.name}.{value}"
    if isinstance(value, str) and key in CATALOGUE.entries:
        return Cell(t(key, lang), title=value)
    if p.name == "area_ha":
        return Cell(formatting.area_ha(value, lang))
    if p.name == "area_km2":
        return Cell(f"{formatting.number(value, lang, 2)} km²")
    if p.name == "length_km":
        return Cell(formatting.length_km(value, lang))
    if p.type == "date":
        return Cell(formatting.day(value, lang))
    if p.type == "integer" and p.name not in YEARS and isinstance(value, int):
        return Cell(formatting.number(value, lang))
    if p.type == "number" and isinstance(value, (int, float)):
        return Cell(formatting.number(value, lang, 2))
    if p.name == "website" and isinstance(value, str) and value.startswith(("http://", "https://")):
        return Cell(value, value)
    return Cell(str(value))


async def referenced_names(collections: Collections, layer: Layer, rows: list[dict], lang: str) -> dict:
    """Names of the communes, villages, cooperatives and places the rows point to: one query
    per referenced layer (public columns, no geometry), whatever the number of rows."""
    wanted = {p.name for p in layer.properties}
    keys: dict[str, set] = {}  # referenced layer → the codes or ids cited
    if "commune_code" in wanted:
        keys["communes"] = {r["commune_code"] for r in rows if r.get("commune_code")}
    for prop, target in REFERENCES.items():
        if prop in wanted:
            for r in rows:
                values = r.get(prop)
                keys.setdefault(target, set()).update(
                    v for v in (values if isinstance(values, list) else [values]) if isinstance(v, int))
    out: dict = {}
    for target, cited in keys.items():
        if not cited:
            continue
        other = BY_ID[target]
        key = "code" if target == "communes" else other.id_column
        columns = tuple(c.format(lang=lang) for c in (*TITLE_FROM, "name_vi", "name_en", "full_name_vi"))
        async with collections[other].reading() as reader:
            found = await reader.properties(key, sorted(cited), columns)
        for value, (fid, props) in found.items():
            if target == "communes":
                name = (props.get("full_name_vi") if lang == "vi" else props.get("name_en")) or props.get("name_vi") or value
            else:
                name = title_of(other, props, lang)
            out[target, value] = (name, f"/collections/{target}/items/{fid}?f=html&lang={lang}")
    return out
