"""What the open-data portal's pages show beyond the manifest: dataset search and topic tags, a
preview (the first rows in words and a small map, from the API's collection of the same rows),
and a dataset's changelog with the features named (their code or name, not bare ids).
"""
from __future__ import annotations

import json
import unicodedata

from api.i18n import CATALOGUE, t
from api.pages import item_view
from layers.jobs.opendata.catalog_terms import known_licence
from layers.jobs.opendata.manifest import BOUNDARY_ATTRIBUTION
from geo.vocabulary import THEMES
from layers.read.collection import Collections
from layers.read.features import ItemsQuery
from layers.read.items_page import features
from layers.read.registry import BY_ID

PREVIEW_ROWS = 10
PREVIEW_MAP = 200  # features drawn on the preview map
CHANGES_SHOWN = 50  # features named per kind of change on the changelog page
GENERIC = {"NTM"}  # keywords every dataset carries: no use as a filter


def licence_title(url: str, title: str, lang: str) -> str:
    """A known licence's name in the page's language (opendata.licence.<SPDX id>), else the configured title."""
    known = known_licence(url)
    key = f"opendata.licence.{known.spdx}" if known else ""
    return t(key, lang) if key in CATALOGUE.entries else title


def attribution(text: str | None, lang: str) -> str | None:
    """The release's credit line; the bundled boundaries' (written in both languages) in one."""
    return t("opendata.boundary_credit", lang) if text == BOUNDARY_ATTRIBUTION else text


def fold(text: str) -> str:
    """Lower case without accents ("Vùng trồng" → "vung trong"), so a search needs no diacritics."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c))


def tags_of(ds: dict, lang: str) -> list[tuple[str, str]]:
    """(value for ?tag=, words) of a dataset: its theme in the page's language."""
    theme = THEMES.get(ds.get("theme", ""))
    return [(ds["theme"], theme[0 if lang == "vi" else 1])] if theme else []


def matches(ds: dict, q: str | None, tag: str | None) -> bool:
    if tag and tag != ds.get("theme") and tag not in ds.get("keywords", []):
        return False
    if not q:
        return True
    haystack = fold(" ".join([ds["id"], ds["title_vi"], ds["title_en"], ds["description_vi"], ds["description_en"],
                              *ds.get("keywords", []), *(f["title_vi"] + " " + f["title_en"] for f in ds["fields"])]))
    return all(word in haystack for word in fold(q).split())


def all_tags(datasets, lang: str) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for ds in datasets:
        for value, words in tags_of(ds, lang):
            seen.setdefault(value, words)
    return list(seen.items())


def _merged(geometries: list[dict]) -> dict | None:
    """One Multi* geometry of the preview's features, for the small map (api/static/map/item.js)."""
    parts: dict[str, list] = {"Point": [], "LineString": [], "Polygon": []}
    for g in geometries:
        if not g:
            continue
        kind = g["type"].removeprefix("Multi")
        if kind in parts:
            parts[kind].extend(g["coordinates"] if g["type"].startswith("Multi") else [g["coordinates"]])
    kind = max(parts, key=lambda k: len(parts[k]))
    return {"type": f"Multi{kind}", "coordinates": parts[kind]} if parts[kind] else None


async def preview(collections: Collections, ds: dict, lang: str) -> dict | None:
    """The first rows of the dataset's collection as words, and a map of its first features;
    None for a dataset that no collection serves (derived indicators)."""
    layer = BY_ID.get(ds.get("layer_id") or "")
    if layer is None:
        return None
    page = await collections[layer].page(ItemsQuery(layer, limit=PREVIEW_MAP), "json")
    try:
        found = [json.loads(row[-1]) async for row in features(page)]
    finally:
        await page.close()
    shown = item_view.shown_properties(layer, lang, table=True)
    shown = [p for p in shown if p.name not in ("photos", "description_vi", "description_en")][:8]
    first = found[:PREVIEW_ROWS]
    names = await item_view.referenced_names(collections, layer, [f["properties"] for f in first], lang)
    rows = [{"id": f["id"], "title": item_view.title_of(layer, f["properties"], lang),
             "cells": [item_view.cell(layer, p, f["properties"].get(p.name), lang, names) for p in shown]}
            for f in first]
    return {"layer": layer, "properties": shown, "rows": rows,
            "geometry": _merged([f.get("geometry") for f in found])}


async def named_changes(collections: Collections, ds: dict, log: dict, lang: str) -> dict:
    """{kind: ([(label, href or None)], more)} for added, changed and removed: the first
    CHANGES_SHOWN ids of each, named from the dataset's collection when it still holds them."""
    layer = BY_ID.get(ds.get("layer_id") or "")
    out = {}
    for kind in ("added", "changed", "removed"):
        ids = log.get(kind, [])
        shown, labels = ids[:CHANGES_SHOWN], []
        if layer is not None and shown:
            async with collections[layer].reading() as reader:
                for fid in shown:
                    text = await reader.item(int(fid)) if str(fid).isdigit() else None
                    if text is None:
                        labels.append((f"#{fid}", None))
                        continue
                    props = json.loads(text)["properties"]
                    labels.append((item_view.title_of(layer, props, lang),
                                   f"/collections/{layer.id}/items/{fid}?f=html&lang={lang}"))
        else:
            labels = [(f"#{fid}", None) for fid in shown]
        out[kind] = (labels, len(ids) - len(shown))
    return out
