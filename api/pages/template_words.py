"""Template helpers so HTML pages show coded values as words ("Di tích", not `historic_site`)."""
from __future__ import annotations

from fastapi import FastAPI

from tiles.map_vocabulary import BY_LAYER, VALUES


def value_label(layer_id: str, prop: str, value, lang: str):
    """The value's words in `lang` when the vocabulary knows it, else the value unchanged."""
    table = BY_LAYER.get(layer_id, {}).get(prop) or VALUES.get(prop)
    if not isinstance(value, str) or not table or value not in table:
        return value
    vi, en = table[value]
    return vi if lang == "vi" else en


def install(app: FastAPI) -> None:
    app.state.templates.env.globals["value_label"] = value_label
