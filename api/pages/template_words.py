"""Template helpers so HTML pages speak one language: catalogue texts, words for coded values
("Di tích", not `historic_site`), and numbers, areas and dates written the way people write them.
"""
from __future__ import annotations

from fastapi import FastAPI

from api.i18n import CATALOGUE
from api.pages.module_preload import preload_links
from geo import formatting
from tiles.map_vocabulary import BY_LAYER, VALUES


def value_label(layer_id: str, prop: str, value, lang: str):
    """The value's words in `lang` when the vocabulary knows it, else the value unchanged."""
    table = BY_LAYER.get(layer_id, {}).get(prop) or VALUES.get(prop)
    if not isinstance(value, str) or not table or value not in table:
        return value
    vi, en = table[value]
    return vi if lang == "vi" else en


def install(app: FastAPI) -> None:
    env = app.state.templates.env
    env.globals.update(
        value_label=value_label,
        tr=CATALOGUE.lookup,                 # {{ tr("common.nav.map", lang) }} (pages still passing a `t` dict keep it)
        i18n_script=CATALOGUE.script,       # {{ i18n_script(lang, "map.", "common.") }}
        module_preload=preload_links,       # {{ module_preload("/static/map/main.js") }}
        map_bundle=app.state.map_bundle,    # the map's modules: entry and preload list (api.pages.bundles)
    )
    env.filters.update(
        num=formatting.number,              # {{ value | num(lang, 1) }}
        ha=formatting.area_ha,              # {{ area | ha(lang) }}
        km=formatting.length_km,
        day=formatting.day,                 # {{ date | day(lang) }}
    )
