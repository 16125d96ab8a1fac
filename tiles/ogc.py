"""OGC API - Tiles documents: the list of tilesets of a collection and one tileset's metadata.

Tile URLs here are z/x/y (the order MapLibre, TiPg and pg_tileserv use). The templated link
names the OGC variables, so a client that follows links finds {tileCol} before {tileRow}.
"""
from __future__ import annotations

from collections.abc import Callable

from tiles.grid import CRS84, TILING_SCHEME_REL, crs_uri, web_mercator
from tiles.tilesets import Tileset, mvt_layers

MVT = "application/vnd.mapbox-vector-tile"
DIMENSION = {"Point": 0, "LineString": 1, "Polygon": 2}
SCHEMA_TYPES = {
    "string": {"type": "string"}, "integer": {"type": "integer"}, "number": {"type": "number"},
    "boolean": {"type": "boolean"}, "date": {"type": "string", "format": "date"},
    "array": {"type": "string", "contentMediaType": "application/json"},  # JSON text in tiles
}

Words = Callable[[str], dict[str, str]]


def tileset_summary(tileset: Tileset, tileset_url: str, base: str, lang: str, *, words: Words) -> dict:
    """`words`: a catalogue key's {vi, en} (api.i18n.both; tiles/ names its words by key)."""
    tms = web_mercator()
    return {
        "title": f"{tileset.title(lang)} — {tms.id}",
        "dataType": "vector",
        "crs": crs_uri(),
        "tileMatrixSetURI": str(tms.uri),
        "links": [
            {"href": tileset_url, "rel": "self", "type": "application/json",
             "title": words("tiles.link.tileset")[lang].format(title=tileset.title(lang), tms=tms.id)},
            {"href": f"{base}/tileMatrixSets/{tms.id}", "rel": TILING_SCHEME_REL,
             "type": "application/json", "title": tms.id},
        ],
    }


def tileset_list(tileset: Tileset, prefix: str, base: str, lang: str, *, words: Words) -> dict:
    """`prefix` is the URL of the tileset list (…/collections/{id}/tiles or …/tiles)."""
    tms = web_mercator()
    return {
        "links": [{"href": prefix, "rel": "self", "type": "application/json"}],
        "tilesets": [tileset_summary(tileset, f"{prefix}/{tms.id}", base, lang, words=words)],
    }


def layer_info(layer, lang: str) -> dict:
    geometry = layer.source.geometry_type.removeprefix("Multi")
    if layer.grid:
        props = {"count": {"type": "integer"}}
    else:
        props = {p.name: {**SCHEMA_TYPES.get(p.type, {"type": "string"}),
                          "title": p.title_vi if lang == "vi" else p.title_en}
                 for p in layer.source.properties}
    return {
        "id": layer.id, "description": layer.description(lang), "dataType": "vector",
        "geometryDimension": 0 if layer.grid else DIMENSION.get(geometry, 2),
        "minTileMatrix": str(layer.minzoom), "maxTileMatrix": str(layer.maxzoom),
        "propertiesSchema": {"type": "object", "properties": props},
    }


def tileset_metadata(tileset: Tileset, prefix: str, base: str, lang: str, bounds, *, words: Words) -> dict:
    tms = web_mercator()
    url = f"{prefix}/{tms.id}"
    doc = tileset_summary(tileset, url, base, lang, words=words)
    doc["boundingBox"] = {"lowerLeft": list(bounds[:2]), "upperRight": list(bounds[2:]), "crs": CRS84}
    doc["layers"] = [layer_info(layer, lang) for layer in mvt_layers(tileset)]
    doc["links"] += [
        {"href": url + "/{tileMatrix}/{tileCol}/{tileRow}", "rel": "item", "type": MVT,
         "templated": True, "title": words("tiles.link.mvt")[lang]},
        {"href": f"{url}/tilejson.json", "rel": "alternate", "type": "application/json",
         "title": "TileJSON 3.0.0"},
        {"href": f"{base}/styles/default/style.json", "rel": "http://www.opengis.net/def/rel/ogc/1.0/style",
         "type": "application/vnd.mapbox.style+json", "title": words("tiles.link.style")[lang]},
    ]
    return doc
