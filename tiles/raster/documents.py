"""The JSON that describes a raster to clients: OGC API - Tiles tilesets (map tiles), TileJSON,
the legend, the MapLibre style entries, and its /collections entry.

URLs are z/x/y (tileMatrix/tileCol/tileRow), as for the vector tiles. The served zooms come
from tiles.raster.zooms: tiles exist for 0..maxzoom (native + 2); minzoom is where the whole
raster spans about a tile, the zoom clients are advised to start at.
"""
from __future__ import annotations

from tiles.grid import CRS84, TILING_SCHEME_REL, crs_uri, web_mercator
from tiles.raster.render import MEDIA_TYPES, RESAMPLING
from tiles.raster.zooms import native_zoom, zoom_range

MAP_TILESETS_REL = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-map"
LEGEND_REL = "http://www.opengis.net/def/rel/ogc/1.0/legend"


def prefix(base: str, raster) -> str:
    """The URL of the raster's map tilesets list."""
    return f"{base}/collections/{raster.name}/map/tiles"


def tiles_url(base: str, raster, fmt: str = "png") -> str:
    return f"{prefix(base, raster)}/{web_mercator().id}/{{z}}/{{x}}/{{y}}" + ("" if fmt == "png" else f"?f={fmt}")


def _summary(raster, base: str, lang: str, words) -> dict:
    tms = web_mercator()
    url = f"{prefix(base, raster)}/{tms.id}"
    return {
        "title": f"{raster.title(lang)} — {tms.id}",
        "dataType": "map",
        "crs": crs_uri(),
        "tileMatrixSetURI": str(tms.uri),
        "links": [
            {"href": url, "rel": "self", "type": "application/json",
             "title": words("tiles.link.tileset")[lang].format(title=raster.title(lang), tms=tms.id)},
            {"href": f"{base}/tileMatrixSets/{tms.id}", "rel": TILING_SCHEME_REL, "type": "application/json",
             "title": tms.id},
        ],
    }


def tileset_list(raster, base: str, lang: str, *, words) -> dict:
    """`words`: a catalogue key's {vi, en} (api.i18n.both)."""
    return {"links": [{"href": prefix(base, raster), "rel": "self", "type": "application/json"}],
            "tilesets": [_summary(raster, base, lang, words)]}


def tileset_metadata(raster, base: str, lang: str, *, words) -> dict:
    tms = web_mercator()
    url = f"{prefix(base, raster)}/{tms.id}"
    low, high = zoom_range(raster.resolution_m, raster.bbox)
    doc = _summary(raster, base, lang, words)
    doc["boundingBox"] = {"lowerLeft": list(raster.bbox[:2]), "upperRight": list(raster.bbox[2:]), "crs": CRS84}
    doc["tileMatrixSetLimits"] = [_limits(raster, z) for z in range(0, high + 1)]
    doc["minTileMatrix"], doc["maxTileMatrix"] = str(low), str(high)
    doc["links"] += [
        *({"href": url + "/{tileMatrix}/{tileCol}/{tileRow}" + ("" if fmt == "png" else f"?f={fmt}"),
           "rel": "item", "type": media, "templated": True, "title": words("tiles.link.map_tiles")[lang].format(format=fmt.upper())}
          for fmt, media in MEDIA_TYPES.items()),
        {"href": f"{url}/tilejson.json", "rel": "alternate", "type": "application/json", "title": "TileJSON 3.0.0"},
        {"href": f"{base}/collections/{raster.name}/legend", "rel": LEGEND_REL, "type": "application/json",
         "title": words("tiles.link.legend")[lang]},
    ]
    return doc


def _limits(raster, z: int) -> dict:
    """The tiles of zoom z that touch the raster's bbox (requests outside get a transparent tile)."""
    west, south, east, north = raster.bbox
    top_left = web_mercator().tile(west, north, z, truncate=True)
    bottom_right = web_mercator().tile(east, south, z, truncate=True)
    return {"tileMatrix": str(z), "minTileRow": top_left.y, "maxTileRow": bottom_right.y,
            "minTileCol": top_left.x, "maxTileCol": bottom_right.x}


def attribution(raster) -> str | None:
    parts = [p for p in (raster.source, raster.licence, raster.acquired and raster.acquired.isoformat()) if p]
    return " · ".join(parts) or None


def tilejson(raster, base: str, lang: str, fmt: str = "png") -> dict:
    low, high = zoom_range(raster.resolution_m, raster.bbox)
    west, south, east, north = raster.bbox
    doc = {
        "tilejson": "3.0.0", "name": raster.name, "description": raster.title(lang), "scheme": "xyz",
        "tiles": [tiles_url(base, raster, fmt)], "minzoom": low, "maxzoom": high,
        "bounds": [west, south, east, north], "center": [(west + east) / 2, (south + north) / 2, low],
    }
    if attribution(raster):
        doc["attribution"] = attribution(raster)
    return doc


def legend(raster, lang: str) -> dict:
    """What the map panel draws: class swatches, or a ramp with its value range and units."""
    doc = {"name": raster.name, "kind": raster.kind, "title": raster.title(lang), "units": raster.units,
           "resolution_m": raster.resolution_m, "acquired": raster.acquired and raster.acquired.isoformat(),
           "source": raster.source, "licence": raster.licence, "synthetic": raster.synthetic}
    if raster.kind == "categorical":
        doc["classes"] = [{"value": c["value"], "colour": c["colour"], "label": class_label(c, lang)}
                          for c in (raster.legend or {}).get("classes", [])]
    elif raster.kind == "continuous":
        doc["min"], doc["max"] = raster.value_min, raster.value_max
        doc["stops"] = [[v, c] for v, c in (raster.legend or {}).get("stops", [])]
    return doc


def class_label(entry: dict, lang: str) -> str | None:
    return entry.get("label_en") if lang == "en" and entry.get("label_en") else entry.get("label_vi")


def class_of(raster, value) -> dict | None:
    for c in (raster.legend or {}).get("classes", []):
        if value is not None and float(c["value"]) == float(value):
            return c
    return None


def style_entries(rasters, base: str, lang: str) -> tuple[dict, list[dict]]:
    """(sources, layers) of the rasters for a MapLibre style: source and layer id `raster-<name>`,
    hidden until the layer switcher shows one; imagery is marked as a basemap candidate. The
    metadata carries what the switcher needs (kind, titles, legend URL)."""
    sources, layers = {}, []
    for r in rasters:
        rid = f"raster-{r.name}"
        sources[rid] = {"type": "raster", "tiles": [tiles_url(base, r)], "tileSize": 256,
                        "minzoom": 0, "maxzoom": native_zoom(r.resolution_m, r.bbox), "bounds": list(r.bbox),
                        **({"attribution": attribution(r)} if attribution(r) else {})}
        layers.append({
            "id": rid, "type": "raster", "source": rid, "layout": {"visibility": "none"},
            "paint": {"raster-opacity": 1.0 if r.kind == "imagery" else 0.8,
                      "raster-resampling": "nearest" if RESAMPLING[r.kind] == "nearest" else "linear"},
            "metadata": {"ntm:raster": r.name, "ntm:kind": r.kind, "ntm:basemap-candidate": r.kind == "imagery",
                         "ntm:title": {"vi": r.title_vi, "en": r.title_en or r.title_vi},
                         "ntm:legend": f"{base}/collections/{r.name}/legend",
                         "ntm:position": f"{base}/collections/{r.name}/position",
                         "ntm:acquired": r.acquired and r.acquired.isoformat(), "ntm:source": r.source,
                         "ntm:resolution_m": r.resolution_m, "ntm:synthetic": r.synthetic},
        })
    return sources, layers


def collection_document(raster, base: str, lang: str) -> dict:
    here = f"{base}/collections/{raster.name}"
    return {
        "id": raster.name, "title": raster.title(lang), "description": raster.description(lang),
        "keywords": ["raster", raster.kind], "itemType": "coverage", "dataType": "map",
        "extent": {"spatial": {"bbox": [list(raster.bbox)], "crs": CRS84}},
        "storageCrs": raster.crs, "units": raster.units, "resolution_m": raster.resolution_m,
        "acquired": raster.acquired and raster.acquired.isoformat(), "source": raster.source,
        "licence": raster.licence, "synthetic": raster.synthetic, "version": raster.version,
        "links": [
            {"href": here, "rel": "self", "type": "application/json", "title": raster.title(lang)},
            {"href": prefix(base, raster), "rel": MAP_TILESETS_REL, "type": "application/json",
             "title": "map tiles (PNG, WebP)"},
            {"href": f"{here}/legend", "rel": LEGEND_REL, "type": "application/json", "title": "legend"},
        ],
    }
