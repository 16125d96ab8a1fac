"""What the web map's browser code needs to know, handed over inside the page as JSON.

Layer groups and legends, property titles and value labels (vi and en) all come from the
registry and `tiles.map_layers`, so the browser holds no copy of them to keep in step.
"""
from __future__ import annotations

from api.i18n import both
from layers.db.settings import Settings
from layers.read.registry import LAYERS
from tiles.map_layers import Group, Toggle, groups
from tiles.map_vocabulary import value_labels

# Properties a popup leaves out: long texts (the item page has them) and internal references.
POPUP_SKIP = {"description_vi", "description_en", "photos", "place_ids", "cooperative_id", "village_id",
              "full_name_vi"}


def words(label_or_key: dict | str) -> dict:
    """{vi, en}: tiles/ names the panel's words by catalogue key (coded values come as {vi, en})."""
    return both(label_or_key) if isinstance(label_or_key, str) else label_or_key


def toggle_doc(t: Toggle) -> dict:
    return {"id": t.id, "title": both(t.title), "collection": t.collection, "visible": t.visible,
            "exclusive": t.exclusive, "layers": [item["id"] for item in t.layers],
            "legend": [{**e, "label": words(e["label"])} for e in t.legend],
            "note": both(t.note) if t.note else None}


def group_doc(g: Group) -> dict:
    return {"id": g.id, "title": both(g.title), "toggles": [toggle_doc(t) for t in g.toggles]}


def collections_doc() -> dict:
    return {layer.id: {"title": {"vi": layer.title_vi, "en": layer.title_en},
                       "properties": [{"name": p.name, "type": p.type, "title": {"vi": p.title_vi, "en": p.title_en}}
                                      for p in layer.properties if p.name not in POPUP_SKIP]}
            for layer in LAYERS}


def map_config(settings: Settings, base: str, lang: str, **view) -> dict:
    """`view` narrows the page (embed/tourism): only, kind, commune, interactive."""
    return {
        "lang": lang,
        "base": base,
        "styleUrl": f"{base}/styles/map/style.json",
        "basemapStyleUrl": settings.basemap_style_url,
        "searchUrl": f"{base}/search",
        "groups": [group_doc(g) for g in groups(lang)],
        "collections": collections_doc(),
        "values": value_labels(),
        "view": view,
    }
